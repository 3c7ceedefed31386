"""Why a deadline phrase was not read: one typed reason per case, no wording.

The reader (`timelang.deadlines.read_deadline`) says what it found and what is missing; the
message catalogue (`texts.deadlines.reason_text`) says it to people, in Vietnamese. Keeping the
words out of timelang lets every caller (`/giao`, `nhacviec deadline`, plan import, the
preview) show the same sentence, and lets the catalogue change a wording without touching the
reader. `code` names each reason for logs and JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import ClassVar, Union

from timelang.periods import Unit


class ReasonCode(StrEnum):
    NO_PHRASE = "no_phrase"
    NO_SUCH_QUARTER = "no_such_quarter"
    NO_SUCH_WEEKDAY = "no_such_weekday"
    NO_SUCH_MONTH = "no_such_month"
    NO_SUCH_DATE = "no_such_date"
    NO_SUCH_MONTH_DAY = "no_such_month_day"
    NO_SUCH_QUARTER_END_DAY = "no_such_quarter_end_day"
    DAY_NOT_IN_EVERY_MONTH = "day_not_in_every_month"
    START_NOT_DEADLINE = "start_not_deadline"
    UNUSED_WORDS = "unused_words"
    IN_ROUND = "in_round"
    ROUND_WITHOUT_END = "round_without_end"
    AS_REWRITTEN = "as_rewritten"
    PERIODIC_WITHOUT_PERIOD = "periodic_without_period"
    NOT_UNDERSTOOD = "not_understood"
    DURATION_FROM_WHEN = "duration_from_when"
    COUNTED_FROM_EVENT = "counted_from_event"
    NEXT_MONTH_OR_JUNE = "next_month_or_june"
    VAGUE_DAY = "vague_day"
    TOO_FAR = "too_far"
    TIMES_PER_WITHOUT_DAYS = "times_per_without_days"
    SEVERAL_DUES = "several_dues"
    TWO_DAYS_IN_MONTH = "two_days_in_month"
    SEVERAL_YEARS = "several_years"
    YEARLY_DAYS_NOT_EVERY_MONTH = "yearly_days_not_every_month"
    MONTH_DAYS_COLLIDE = "month_days_collide"
    TIMES_PER_DAYS_MISMATCH = "times_per_days_mismatch"


@dataclass(frozen=True)
class NoPhrase:
    """Nothing was written."""

    code: ClassVar[ReasonCode] = ReasonCode.NO_PHRASE


@dataclass(frozen=True)
class NoSuchQuarter:
    quarter: str  # as written, upper case ("V", "5")
    code: ClassVar[ReasonCode] = ReasonCode.NO_SUCH_QUARTER


@dataclass(frozen=True)
class NoSuchWeekday:
    word: str  # what followed "thứ", folded ("tam", "8")
    code: ClassVar[ReasonCode] = ReasonCode.NO_SUCH_WEEKDAY


@dataclass(frozen=True)
class NoSuchMonth:
    token: str
    code: ClassVar[ReasonCode] = ReasonCode.NO_SUCH_MONTH


@dataclass(frozen=True)
class NoSuchDate:
    day: int
    month: int
    year: int
    code: ClassVar[ReasonCode] = ReasonCode.NO_SUCH_DATE


@dataclass(frozen=True)
class NoSuchMonthDay:
    """"ngày 32 hằng tháng"."""

    day: int
    code: ClassVar[ReasonCode] = ReasonCode.NO_SUCH_MONTH_DAY


@dataclass(frozen=True)
class NoSuchQuarterEndDay:
    day: int
    code: ClassVar[ReasonCode] = ReasonCode.NO_SUCH_QUARTER_END_DAY


@dataclass(frozen=True)
class DayNotInEveryMonth:
    """"ngày 31 của các tháng 3, 6, 9": not every month named has that day."""

    day: int
    code: ClassVar[ReasonCode] = ReasonCode.DAY_NOT_IN_EVERY_MONTH


@dataclass(frozen=True)
class StartNotDeadline:
    code: ClassVar[ReasonCode] = ReasonCode.START_NOT_DEADLINE


@dataclass(frozen=True)
class UnusedWords:
    understood: str  # the description of what was read (Deadline.text)
    unused: tuple[str, ...]  # the tokens left over, as written
    code: ClassVar[ReasonCode] = ReasonCode.UNUSED_WORDS


@dataclass(frozen=True)
class InRound:
    """One round ("Đợt 2: …") of a phrase in rounds did not read."""

    label: str
    inner: Reason
    code: ClassVar[ReasonCode] = ReasonCode.IN_ROUND


@dataclass(frozen=True)
class RoundWithoutEnd:
    label: str
    code: ClassVar[ReasonCode] = ReasonCode.ROUND_WITHOUT_END


@dataclass(frozen=True)
class AsRewritten:
    """The phrase was read as `rewritten` ("cuối tháng sau" → "cuối tháng 1 năm 2027")."""

    rewritten: str
    inner: Reason
    code: ClassVar[ReasonCode] = ReasonCode.AS_REWRITTEN


@dataclass(frozen=True)
class PeriodicWithoutPeriod:
    """"định kỳ" without saying which period."""

    code: ClassVar[ReasonCode] = ReasonCode.PERIODIC_WITHOUT_PERIOD


@dataclass(frozen=True)
class NotUnderstood:
    """No reading: what the phrase at least mentions."""

    years: tuple[str, ...] = ()
    mentions_month: bool = False
    mentions_quarter: bool = False
    mentions_day: bool = False
    code: ClassVar[ReasonCode] = ReasonCode.NOT_UNDERSTOOD


@dataclass(frozen=True)
class DurationFromWhen:
    """"2 tháng sau": counted from when?"""

    written: str
    example: date
    code: ClassVar[ReasonCode] = ReasonCode.DURATION_FROM_WHEN


@dataclass(frozen=True)
class CountedFromEvent:
    """"05 ngày kể từ ngày nhận đơn": counted from something that happens case by case."""

    written: str  # the count and its start, as written
    code: ClassVar[ReasonCode] = ReasonCode.COUNTED_FROM_EVENT


@dataclass(frozen=True)
class NextMonthOrJune:
    """"thang sau" typed without accents: next month or June?"""

    written: str
    next_month: int
    next_month_year: int
    june_year: int
    code: ClassVar[ReasonCode] = ReasonCode.NEXT_MONTH_OR_JUNE


@dataclass(frozen=True)
class VagueDay:
    """"đầu tháng 6", "giữa năm": no day named."""

    written: str
    example: date
    next_month: int
    next_month_year: int
    code: ClassVar[ReasonCode] = ReasonCode.VAGUE_DAY


@dataclass(frozen=True)
class TooFar:
    days: int
    code: ClassVar[ReasonCode] = ReasonCode.TOO_FAR


@dataclass(frozen=True)
class TimesPerWithoutDays:
    """"2 lần/tháng": how many times, but on which days?"""

    count: int
    per: Unit
    code: ClassVar[ReasonCode] = ReasonCode.TIMES_PER_WITHOUT_DAYS


@dataclass(frozen=True)
class SeveralDues:
    dues: tuple[date, ...]
    code: ClassVar[ReasonCode] = ReasonCode.SEVERAL_DUES


@dataclass(frozen=True)
class TwoDaysInMonth:
    """A yearly duty with two days in one month."""

    month: int
    code: ClassVar[ReasonCode] = ReasonCode.TWO_DAYS_IN_MONTH


@dataclass(frozen=True)
class SeveralYears:
    years: tuple[int, ...]
    code: ClassVar[ReasonCode] = ReasonCode.SEVERAL_YEARS


@dataclass(frozen=True)
class YearlyDaysNotEveryMonth:
    code: ClassVar[ReasonCode] = ReasonCode.YEARLY_DAYS_NOT_EVERY_MONTH


@dataclass(frozen=True)
class MonthDaysCollide:
    """Several days a month that fall on one day in a short month ("ngày 29 và 30")."""

    days: tuple[int, ...]
    code: ClassVar[ReasonCode] = ReasonCode.MONTH_DAYS_COLLIDE


@dataclass(frozen=True)
class TimesPerDaysMismatch:
    """"3 lần/tháng vào ngày 15 và 30": the count and the days disagree."""

    count: int
    days: tuple[int, ...]
    code: ClassVar[ReasonCode] = ReasonCode.TIMES_PER_DAYS_MISMATCH


Reason = Union[  # noqa: UP007 — a runtime alias read by isinstance checks and `match`
    NoPhrase, NoSuchQuarter, NoSuchWeekday, NoSuchMonth, NoSuchDate, NoSuchMonthDay,
    NoSuchQuarterEndDay, DayNotInEveryMonth, StartNotDeadline, UnusedWords, InRound,
    RoundWithoutEnd, AsRewritten, PeriodicWithoutPeriod, NotUnderstood, DurationFromWhen,
    CountedFromEvent, NextMonthOrJune, VagueDay, TooFar, TimesPerWithoutDays, SeveralDues, TwoDaysInMonth,
    SeveralYears, YearlyDaysNotEveryMonth, MonthDaysCollide, TimesPerDaysMismatch,
]
