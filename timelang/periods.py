"""Calendar periods a deadline can name: day, week, month, quarter, half year, year.

One rule for every period word: a period named without its year ("Quý I", "tháng 6",
"6 tháng đầu năm", "cuối năm") is the next such period whose end is on or after the
reference date.
"""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Callable
from datetime import date, timedelta
from typing import Literal

# "month_part": one of several due days in a month, from the day after the previous one.
Unit = Literal["day", "week", "month", "month_part", "quarter", "half", "year"]


def month_end(year: int, month: int) -> date:
    return date(year, month, month_calendar.monthrange(year, month)[1])


def quarter_end(year: int, quarter: int) -> date:
    return month_end(year, quarter * 3)


def month_days(month: int) -> int:
    """The most days the month can have (29 for February)."""
    return month_calendar.monthrange(2024, month)[1]


def next_on_or_after(ref: date, end_in_year: Callable[[int], date]) -> date:
    """The first of end_in_year(ref.year), end_in_year(ref.year + 1) that is on or after ref.
    `end_in_year` maps a year to the period's last day in that year."""
    due = end_in_year(ref.year)
    return due if due >= ref else end_in_year(ref.year + 1)


def next_day_month(ref: date, day: int, month: int) -> date:
    """The next `day`/`month` on or after ref (29/02: the next leap year's)."""
    if month == 2 and day == 29:
        year = ref.year
        while not month_calendar.isleap(year) or date(year, 2, 29) < ref:
            year += 1
        return date(year, 2, 29)
    due = date(ref.year, month, day)
    return due if due >= ref else date(ref.year + 1, month, day)


def month_part_bounds(due: date, dues_in_month: list[date]) -> tuple[date, date]:
    """The part of the month a due day closes: from the day after the month's previous due day
    (the 1st for the first), to this day (the month's end for the last)."""
    earlier = [d for d in dues_in_month if d < due]
    start = max(earlier) + timedelta(days=1) if earlier else due.replace(day=1)
    later = [d for d in dues_in_month if d > due]
    return start, due if later else month_end(due.year, due.month)


def period_bounds(unit: Unit, day: date) -> tuple[date, date]:
    if unit in ("day", "month_part"):
        return day, day
    if unit == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if unit == "month":
        return day.replace(day=1), month_end(day.year, day.month)
    if unit == "quarter":
        first_month = (day.month - 1) // 3 * 3 + 1
        return date(day.year, first_month, 1), month_end(day.year, first_month + 2)
    if unit == "half":
        first_month = 1 if day.month <= 6 else 7
        return date(day.year, first_month, 1), month_end(day.year, first_month + 5)
    return date(day.year, 1, 1), date(day.year, 12, 31)


def period_key(unit: Unit, day: date) -> str:
    if unit in ("day", "month_part"):  # a part of a month is named by its due day
        return day.isoformat()
    if unit == "week":
        iso = day.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if unit == "month":
        return f"{day.year}-{day.month:02d}"
    if unit == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if unit == "half":
        return f"{day.year}-H{1 if day.month <= 6 else 2}"
    return f"{day.year}"


ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}
