"""Vietnamese working days: weekends, public holidays with Tết, substituted days off, and the
local days off and make-up working days (ngày làm bù) that admins add.

The national holidays come from the `holidays` package, which follows the government's
yearly decisions, Tết bridge days included (Tết 2023: 20–26/01, Tết 2024: 08–14/02,
Tết 2025: 25/01–02/02). Where a weekday off is swapped for a Saturday ("Day off (substituted
from 05/04/2024)"), that Saturday becomes a working day.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from timelang.holidays_vn import vietnam_holidays

_SUBSTITUTED_FROM = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")
_MAX_STEPS = 3660  # ten years of days: a guard against a calendar with no working day

HOLIDAY_NAMES_VI = {
    "New Year's Day": "Tết Dương lịch",
    "Lunar New Year's Eve": "Giao thừa Tết Nguyên đán",
    "Lunar New Year": "Tết Nguyên đán",
    "Hung Kings' Commemoration Day": "Giỗ Tổ Hùng Vương",
    "Liberation Day/Reunification Day": "Ngày Giải phóng miền Nam",
    "International Labor Day": "Ngày Quốc tế Lao động",
    "National Day": "Quốc khánh",
    "Vietnam Cultural Day": "Ngày Văn hóa Việt Nam",
}


@functools.lru_cache(maxsize=64)
def _national_year(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """The year's public holidays and the Saturdays worked in exchange for a day off."""
    days_off: dict[date, str] = {}
    working: set[date] = set()
    for day, name in vietnam_holidays(year).items():
        days_off[day] = name
        match = _SUBSTITUTED_FROM.search(name)
        if match:
            month, day_of_month, swapped_year = (int(g) for g in match.groups())
            working.add(date(swapped_year, month, day_of_month))
    return days_off, frozenset(working)


def _vietnamese_name(name: str) -> str:
    for english, vietnamese in HOLIDAY_NAMES_VI.items():
        if english in name:
            return vietnamese
    if "Lunar New Year" in name:
        return "Tết Nguyên đán"
    if "substituted" in name or "Day off" in name:
        return "Nghỉ bù"
    return name


class WorkingCalendar:
    def __init__(
        self, extra_days_off: Iterable[date] = (), extra_working_days: Iterable[date] = (),
        *, overrides: Callable[[], tuple[Iterable[date], Iterable[date]]] | None = None,
    ) -> None:
        """`overrides`: where the local days off and working days come from, asked the
        first time a day is looked at (a deadline given as a plain date asks nothing)."""
        self._days_off = frozenset(extra_days_off)
        self._working_days = frozenset(extra_working_days)
        self._overrides = overrides

    def load(self) -> None:
        """Reads the overrides now, if not yet (before the source goes away)."""
        if self._overrides is not None:
            days_off, working_days = self._overrides()
            self._overrides = None
            self._days_off |= frozenset(days_off)
            self._working_days |= frozenset(working_days)

    @property
    def extra_days_off(self) -> frozenset[date]:
        self.load()
        return self._days_off

    @property
    def extra_working_days(self) -> frozenset[date]:
        self.load()
        return self._working_days

    def _national(self, day: date) -> tuple[str | None, bool]:
        days_off, swapped_working = _national_year(day.year)
        # A swap can cross a year end; look at the next year's decisions too.
        if day.month == 12:
            swapped_working = swapped_working | _national_year(day.year + 1)[1]
        return days_off.get(day), day in swapped_working

    def is_working_day(self, day: date) -> bool:
        if isinstance(day, datetime):
            day = day.date()
        if day in self.extra_working_days:
            return True
        if day in self.extra_days_off:
            return False
        holiday, swapped_working = self._national(day)
        if holiday is not None:
            return False
        if swapped_working:
            return True
        return day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        if day in self.extra_days_off:
            return "Ngày nghỉ của địa phương"
        holiday, _ = self._national(day)
        return _vietnamese_name(holiday) if holiday else None

    def next_working_day(self, day: date, *, inclusive: bool = False) -> date:
        current = day if inclusive else day + timedelta(days=1)
        for _ in range(_MAX_STEPS):
            if self.is_working_day(current):
                return current
            current += timedelta(days=1)
        raise ValueError("no working day within ten years")

    def previous_working_day(self, day: date, *, inclusive: bool = False) -> date:
        current = day if inclusive else day - timedelta(days=1)
        for _ in range(_MAX_STEPS):
            if self.is_working_day(current):
                return current
            current -= timedelta(days=1)
        raise ValueError("no working day within ten years")

    def add_working_days(self, start: date, n: int) -> date:
        """n ≥ 1: the n-th working day after `start`; 0: `start` if it is a working day, else
        the next one; n < 0: the |n|-th working day before `start`."""
        if n == 0:
            return self.next_working_day(start, inclusive=True)
        current = start
        step = self.next_working_day if n > 0 else self.previous_working_day
        for _ in range(abs(n)):
            current = step(current)
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many working days `end` lies after `start`."""
        if end <= start:
            return 0
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count


@functools.cache
def default_calendar() -> WorkingCalendar:
    return WorkingCalendar()
