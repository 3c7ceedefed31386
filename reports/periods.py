"""Report periods: a month, a quarter, a half year, a year, or any date range.

Named periods have a stable key ("2026-03", "2026-Q1", "2026-H1", "2026") under which their
figures are frozen once they close; an arbitrary range has none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from timelang import numbers
from timelang.numbers import YEAR_MAX, YEAR_MIN
from timelang.words import fold

PeriodKind = Literal["month", "quarter", "half", "year", "range"]

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
ROMAN_VALUES = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


class PeriodError(ValueError):
    """The text is not a period this module understands."""


class PeriodYearError(PeriodError):
    """A period whose year is outside the years the bot accepts (see timelang.numbers)."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    kind: PeriodKind
    key: str | None  # None for an arbitrary range: it is never frozen

    @property
    def label(self) -> str:
        """Vietnamese name of the period, as written in reports."""
        if self.kind == "month":
            return f"tháng {self.start.month:02d}/{self.start.year}"
        if self.kind == "quarter":
            return f"quý {ROMAN[(self.start.month - 1) // 3 + 1]}/{self.start.year}"
        if self.kind == "half":
            which = "đầu" if self.start.month == 1 else "cuối"
            return f"6 tháng {which} năm {self.start.year}"
        if self.kind == "year":
            return f"năm {self.start.year}"
        return f"từ {_dmy(self.start)} đến {_dmy(self.end)}"

    @property
    def slug(self) -> str:
        """ASCII, for file names."""
        return self.key or f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    def is_closed(self, today: date) -> bool:
        """A period closes once its last day has passed (local dates)."""
        return today > self.end

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# --- named periods -------------------------------------------------------------------------


def month(year: int, number: int) -> Period:
    start = date(year, number, 1)
    return Period(start, _month_end(year, number), "month", f"{year}-{number:02d}")


def quarter(year: int, number: int) -> Period:
    first_month = 3 * (number - 1) + 1
    return Period(date(year, first_month, 1), _month_end(year, first_month + 2), "quarter",
                  f"{year}-Q{number}")


def half(year: int, number: int) -> Period:
    if number == 1:
        return Period(date(year, 1, 1), date(year, 6, 30), "half", f"{year}-H1")
    return Period(date(year, 7, 1), date(year, 12, 31), "half", f"{year}-H2")


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), "year", str(year))


def date_range(start: date, end: date) -> Period:
    """A range; one that is exactly a named period becomes it, so it shares its snapshot."""
    if start > end:
        raise PeriodError(f"ngày bắt đầu {_dmy(start)} sau ngày kết thúc {_dmy(end)}")
    for candidate in _named_containing(start):
        if candidate.start == start and candidate.end == end:
            return candidate
    return Period(start, end, "range", None)


def _named_containing(day: date) -> list[Period]:
    return [
        month(day.year, day.month),
        quarter(day.year, (day.month - 1) // 3 + 1),
        half(day.year, 1 if day.month <= 6 else 2),
        year_period(day.year),
    ]


def _month_end(year: int, number: int) -> date:
    if number == 12:
        return date(year, 12, 31)
    return date(year, number + 1, 1) - timedelta(days=1)


def period_by_key(key: str) -> Period:
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})|-Q([1-4])|-H([12]))?", key)
    if not match:
        raise PeriodError(key)
    year = int(match[1])
    if match[2]:
        return month(year, int(match[2]))
    if match[3]:
        return quarter(year, int(match[3]))
    if match[4]:
        return half(year, int(match[4]))
    return year_period(year)


def named_periods_ending_between(first: date, last: date) -> Iterator[Period]:
    """Every month, quarter, half year and year whose last day is in [first, last]."""
    year, number = first.year, first.month
    while date(year, number, 1) <= last:
        end = _month_end(year, number)
        if first <= end <= last:
            yield month(year, number)
            if number % 3 == 0:
                yield quarter(year, number // 3)
            if number % 6 == 0:
                yield half(year, number // 6)
            if number == 12:
                yield year_period(year)
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)


def current(kind: PeriodKind, today: date) -> Period:
    if kind == "month":
        return month(today.year, today.month)
    if kind == "quarter":
        return quarter(today.year, (today.month - 1) // 3 + 1)
    if kind == "half":
        return half(today.year, 1 if today.month <= 6 else 2)
    if kind == "year":
        return year_period(today.year)
    raise PeriodError(kind)


def previous(period: Period) -> Period:
    """The named period of the same kind just before this one."""
    if period.kind == "range":
        raise PeriodError("range")
    return current(period.kind, period.start - timedelta(days=1))


# --- what people type ----------------------------------------------------------------------

_DMY = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4}|[0-9]{2})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_NUMBER_OR_ROMAN = r"([0-9]{1,2}|iv|i{1,3})"
_YEAR = r"(?:\s*[/\-.,]?\s*(?:nam\s*)?([0-9]{4}))?"


def normalize(text: str) -> str:
    """Lower case, no accents, single spaces: «Quý I/2026» → «quy i/2026»."""
    return fold(text)


def _year(text: str | None, today: date) -> int:
    """A typed year, or this year when none was typed; outside the accepted years, refused."""
    if not text:
        return today.year
    value = int(text)  # the patterns admit ASCII digits only
    if value < 100 and len(text) <= 2:
        value += 2000
    if not YEAR_MIN <= value <= YEAR_MAX:
        raise PeriodYearError(text)
    return value


def parse_period(text: str, today: date, *, default: PeriodKind = "quarter") -> Period:
    """«thang», «quy», «6thang», «nam», with «nay»/«truoc» or a number and a year
    («quy I/2026», «thang 3/2026», «6 thang cuoi nam 2025», «nam 2025»), or a range
    «01/01/2026-31/03/2026». Empty text means the current `default` period."""
    raw = normalize(text)
    if not raw:
        return current(default, today)
    dates = _dates_in(raw, today)
    if dates is not None:
        return dates
    compact = raw.replace(" ", "")
    relative = re.fullmatch(r"(thang|quy|6thang|nuanam|nam|canam)(nay|truoc)?", compact)
    if relative:
        kind = _KIND_WORDS[relative[1]]
        period = current(kind, today)
        return previous(period) if relative[2] == "truoc" else period
    half_match = re.fullmatch(
        r"(?:6 ?thang|nua ?nam)(?: (dau|cuoi)(?: nam)?)?" + _YEAR, raw
    )
    if half_match:
        year = _year(half_match[2], today)
        if half_match[1]:
            return half(year, 1 if half_match[1] == "dau" else 2)
        if year == today.year:
            return current("half", today)
        return half(year, 1)
    month_match = re.fullmatch(r"(?:thang|t) ?([0-9]{1,2})" + _YEAR, raw) or re.fullmatch(
        r"([0-9]{1,2})/([0-9]{4})", raw
    )
    if month_match:
        number = int(month_match[1])
        if not 1 <= number <= 12:
            raise PeriodError(text)
        return month(_year(month_match[2], today), number)
    quarter_match = re.fullmatch(r"(?:quy|q) ?" + _NUMBER_OR_ROMAN + _YEAR, raw)
    if quarter_match:
        token = quarter_match[1]
        number = int(token) if numbers.is_ascii_number(token) else ROMAN_VALUES[token]
        if not 1 <= number <= 4:
            raise PeriodError(text)
        return quarter(_year(quarter_match[2], today), number)
    year_match = re.fullmatch(r"(?:(?:ca )?nam ?)?([0-9]{4})", raw)
    if year_match:
        return year_period(_year(year_match[1], today))
    raise PeriodError(text)


_KIND_WORDS: dict[str, PeriodKind] = {
    "thang": "month",
    "quy": "quarter",
    "6thang": "half",
    "nuanam": "half",
    "nam": "year",
    "canam": "year",
}


def _dates_in(raw: str, today: date) -> Period | None:
    """A range written as two dates, «01/01/2026-31/03/2026» or «tu … den …»."""
    found: list[tuple[int, int, date]] = []
    for pattern, order in ((_ISO, "ymd"), (_DMY, "dmy")):
        for match in pattern.finditer(raw):
            if any(start <= match.start() < end for start, end, _ in found):
                continue
            first, second, third = match.groups()
            if order == "ymd":
                year, month_number, day = _year(first, today), int(second), int(third)
            else:
                day, month_number, year = int(first), int(second), _year(third, today)
            try:
                found.append((match.start(), match.end(), date(year, month_number, day)))
            except ValueError:
                raise PeriodError(match.group(0)) from None
    if not found:
        return None
    rest = raw
    for start, end, _ in sorted(found, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    if len(found) != 2 or re.sub(r"tu|den|toi|ngay|[-–—:, ]", "", rest):
        raise PeriodError(raw)
    found.sort()
    return date_range(found[0][2], found[1][2])
