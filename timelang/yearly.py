"""Yearly due days: "ngày 15/6 và 15/12 hằng năm", "tháng 6 và tháng 12 hằng năm",
"Quý I/2023 và những năm tiếp theo" — one recurrence with every day the phrase names.
"""

from __future__ import annotations

from datetime import date

from timelang import refusals as why
from timelang.deadline_readers import EVERY, STARTS, Phrase, collect_dates, recurring
from timelang.deadline_tokens import DeadlineError
from timelang.periods import month_days
from timelang.schedule import Deadline

# (month, day) with day -1 for "the month's last day" (February's changes with the year).
_Day = tuple[int, int]


def read_yearly_days(p: Phrase) -> Deadline | None:
    every_year = EVERY["year"].search(p.text)
    every_half = EVERY["half"].search(p.text)
    if every_year is None and every_half is None:
        return None
    start_match = STARTS.search(p.text)
    found = [item for item in collect_dates(p)
             if start_match is None or not start_match.start() <= item[0] < start_match.end()]
    if not found:
        return None
    if every_half is not None:
        # "6 tháng một lần (trước ngày 15/6 và 15/12)": one day in each half, six months
        # apart. One day only, or days that are not, say less than the period: not read here.
        # ("tháng một lần" there is how often, not January.)
        found = [item for item in found
                 if not every_half.start() <= item[0] < every_half.end()]
        months = sorted({due.month for _, _, due, _ in found})
        if len(months) != 2 or months[1] - months[0] != 6:
            return None
        p.used.add(every_half)
        every_year = every_year or every_half
    days: dict[int, int] = {}
    for _, _, due, is_end in found:
        day = -1 if is_end and due.month == 2 else due.day
        if days.get(due.month, day) != day:
            raise DeadlineError(why.TwoDaysInMonth(due.month))
        days[due.month] = day
    years = sorted({due.year for _, _, due, _ in found if _names_year(p, due)})
    if len(years) > 1:
        # "năm 2020 năm 2021 hằng năm": from which year? Say it once ("từ năm 2020").
        raise DeadlineError(why.SeveralYears(tuple(years)))
    first_year = years[0] if years else None
    for start, end, _, _ in found:
        p.used.add_span(start, end)
    p.used.add(every_year)
    pairs = sorted(days.items())
    starts = date(first_year, 1, 1) if first_year is not None else None
    return recurring(p, "year" if len(pairs) == 1 else "month", _rule(pairs), "due",
                     "Hằng năm, " + " và ".join(_describe(m, d) for m, d in pairs),
                     starts=starts)


def _names_year(p: Phrase, due: date) -> bool:
    """Whether the phrase wrote this date's year (a year left out is the reference's)."""
    return str(due.year) in p.text


def _describe(month: int, day: int) -> str:
    return f"ngày cuối tháng {month:02d}" if day == -1 else f"ngày {day:02d}/{month:02d}"


def _rule(pairs: list[_Day]) -> str:
    months = ",".join(str(m) for m, _ in pairs)
    days = sorted({d for _, d in pairs})
    if len(days) == 1:
        return f"FREQ=YEARLY;BYMONTH={months};BYMONTHDAY={days[0]}"
    if all(d == month_days(m) or d == -1 for m, d in pairs):
        return f"FREQ=YEARLY;BYMONTH={months};BYMONTHDAY=-1"
    # Different days in different months: the year's (month × day) grid, keeping only the
    # wanted cells by their position. Every cell must exist in every year for the positions
    # to hold, so 29–31 and February's last day are refused here.
    if any(d == -1 for d in days) or any(d > month_days(m) or (m == 2 and d > 28)
                                         for m, _ in pairs for d in days):
        raise DeadlineError(why.YearlyDaysNotEveryMonth())
    grid = sorted((m, d) for m, _ in pairs for d in days)
    positions = ",".join(str(grid.index(pair) + 1) for pair in pairs)
    return (f"FREQ=YEARLY;BYMONTH={months};BYMONTHDAY={','.join(map(str, days))};"
            f"BYSETPOS={positions}")
