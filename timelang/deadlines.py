"""Deadline phrases as Vietnamese plans and officials write them, read into schedules.

One reader for the whole product (`/giao`, `nhacviec deadline`, `task add`, plan import):
`read_deadline(phrase, reference_date, calendar)` gives a `Reading` or a `Refusal`.

A phrase and a reference date (the plan's date, or the assignment date) become one of:
- once: a date ("chậm nhất ngày 15/11/2023", "Quý I/2023", "cuối năm 2026", "ngày mai",
  "10 ngày làm việc", "từ 01/3 đến 30/6/2027");
- recurring, only with a recurrence word ("hằng", "hàng", "mỗi", "định kỳ"): an RRULE that
  yields each period's anchor plus an offset ("… 5 ngày sau khi kết thúc tháng"), or the
  due days themselves ("ngày 15/6 và 15/12 hằng năm": one rule, two days);
- recurring daily: a report due each day ("báo cáo hằng ngày", "báo cáo nhanh hàng ngày");
- ongoing: "Thường xuyên", "Hằng ngày" (work that goes on every day, nothing handed in) —
  listed, never late.

The reader accounts for every number, date, month, quarter and weekday in the phrase: a
reading that leaves one unused is refused with what was understood (`Refusal.understood`), so
that a deadline is never silently read as something else. Start phrases ("từ … trở đi",
"bắt đầu từ …") are not deadlines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from timelang import next_period, windows
from timelang import refusals as why
from timelang.calendar import WorkingCalendar, default_calendar
from timelang.daily_times import read_daily_times
from timelang.deadline_readers import (
    Phrase,
    read_daily_report,
    read_every,
    read_once,
    read_ongoing,
    read_recurring,
    read_relative,
    read_times_per,
)
from timelang.deadline_tokens import YEAR, DeadlineError, clean, fold, normalize, tokens
from timelang.month_days import read_month_days
from timelang.periods import Unit
from timelang.refusals import Reason
from timelang.schedule import Deadline, Kind, Period, format_date
from timelang.yearly import read_yearly_days

__all__ = [
    "Deadline", "DeadlineError", "Kind", "Period", "Reading", "Reason", "Refusal", "Unit",
    "format_date", "normalize", "parse_deadline", "read_deadline", "read_first",
]

_READERS: tuple[Callable[[Phrase], Deadline | None], ...] = (
    read_daily_times, read_daily_report, read_ongoing, read_month_days, read_recurring, read_yearly_days,
    read_times_per, read_every, read_relative, read_once,
)
_BAD_QUARTER = re.compile(r"\bquy (0|[5-9]|\d{2,}|v|vi|vii|viii)\b")
_BAD_WEEKDAY = re.compile(r"\bthu (tam|chin|muoi|[89]|1\d?)\b(?=.*\btuan\b)")
# "Từ tháng 11/2013 trở đi", "bắt đầu từ 01/7": when work starts, not when it is due.
_START = re.compile(r"\btro di\b|\bbat dau\b|^tu (?!.*\b(?:den|toi)\b)")
# "từ 01/3 đến (hết) 30/6/2027": due on the second date.
_FROM_TO = re.compile(r"\btu (.+?) (?:den|toi)\s+(?:het\s+)?(?=\S)")
# "Tháng 11/2025 đến tháng 4/2026": the same range with its "từ" left out.
_BARE_RANGE = re.compile(
    r"^((?:ngay|thang|quy|nam) [^\s,;]+) (?:den|toi)\s+(?:het\s+)?(?=(?:ngay|thang|quy|nam)\b|\d)"
)


@dataclass(frozen=True)
class Reading:
    deadline: Deadline
    reference: date

    @property
    def past(self) -> bool:
        """A single due date before the reference date: callers ask before using it."""
        return (self.deadline.kind == "once" and self.deadline.due is not None
                and self.deadline.due < self.reference)


@dataclass(frozen=True)
class Refusal:
    phrase: str
    reason: Reason
    # A reading that left tokens unused: what was understood, and what was not.
    understood: Deadline | None = None
    unused: tuple[str, ...] = ()

    @property
    def unsure(self) -> bool:
        return self.understood is not None

    def error(self) -> DeadlineError:
        return DeadlineError(self.reason, self.phrase)


def read_deadline(
    phrase: str, reference_date: date, calendar: WorkingCalendar | None = None
) -> Reading | Refusal:
    source = " ".join(phrase.split())
    display = clean(phrase)
    folded = fold(display)
    if not folded:
        return Refusal(source, why.NoPhrase())
    if (parts := windows.rounds(folded)) is not None:
        return _rounds_reading(parts, display, source, reference_date, calendar)
    clock = windows.clock_time(display, folded)
    folded = windows.without_asides(folded)
    resolved = next_period.resolve(display, folded, reference_date)
    if isinstance(resolved, next_period.Ask):
        return Refusal(source, resolved.reason)
    if resolved is not None:
        return _as_written(read_deadline(resolved, reference_date, calendar), source, resolved)
    if match := _BAD_QUARTER.search(folded):
        return Refusal(source, why.NoSuchQuarter(match.group(1).upper()))
    if match := _BAD_WEEKDAY.search(folded):
        return Refusal(source, why.NoSuchWeekday(match.group(1)))
    p = Phrase(folded, source, reference_date, calendar or default_calendar())
    from_to = _FROM_TO.search(folded) or _BARE_RANGE.match(folded)
    if from_to is not None:
        # Read only what follows "đến"; the start is kept in the description.
        p.text = folded[:from_to.start()] + " " * (from_to.end() - from_to.start()) + \
            folded[from_to.end():]
    try:
        deadline = _first_reading(p)
    except DeadlineError as error:
        return Refusal(source, error.reason)
    if deadline is None:
        return Refusal(source, _not_understood(folded))
    if from_to is not None and deadline.kind == "once" and deadline.due is not None:
        p.used.add(from_to, 1)
        deadline = Deadline(kind="once", due=deadline.due, rrule=None, source=source,
                            text=f"Từ {display[from_to.start(1):from_to.end(1)]} đến "
                                 f"{format_date(deadline.due)}")
    elif _START.search(folded) and deadline.kind == "once":
        return Refusal(source, why.StartNotDeadline(), understood=deadline)
    unused = [display[t.start:t.end] for t in tokens(folded) if not p.used.covers(t)]
    if unused:
        return Refusal(source, why.UnusedWords(deadline.text, tuple(unused)),
                       understood=deadline, unused=tuple(unused))
    if clock is not None and deadline.kind == "once":
        # The day is the due date; the hour is kept in the text for the person to see.
        deadline = replace(deadline, text=f"{deadline.text} (lúc {clock})")
    return Reading(deadline, reference_date)


def _rounds_reading(
    parts: list[tuple[str, int, int]], display: str, source: str, reference_date: date,
    calendar: WorkingCalendar | None,
) -> Reading | Refusal:
    """Work in rounds ("Đợt 1: …; Đợt 2: …"): each round read on its own, due when the last
    one ends. A round that does not read as one date leaves the whole phrase unread."""
    dues: list[date] = []
    texts: list[str] = []
    for label, start, end in parts:
        result = read_deadline(display[start:end], reference_date, calendar)
        if isinstance(result, Refusal):
            return Refusal(source, why.InRound(label.upper(), result.reason))
        if result.deadline.kind != "once" or result.deadline.due is None:
            return Refusal(source, why.RoundWithoutEnd(label.upper()))
        dues.append(result.deadline.due)
        texts.append(f"Đợt {label.upper()}: {result.deadline.text}")
    last = max(dues)
    text = texts[0] if len(parts) == 1 else (
        f"{len(parts)} đợt, xong đợt cuối ngày {format_date(last)}")
    return Reading(Deadline(kind="once", due=last, rrule=None, text=text, source=source),
                   reference_date)


def _as_written(result: Reading | Refusal, source: str, resolved: str) -> Reading | Refusal:
    """A reading of the rewritten phrase ("cuối tháng sau" → "cuối tháng 1 năm 2027"), told
    as the person wrote it."""
    if isinstance(result, Reading):
        return Reading(replace(result.deadline, source=source), result.reference)
    return Refusal(source, why.AsRewritten(resolved, result.reason), result.understood,
                   result.unused)


def _first_reading(p: Phrase) -> Deadline | None:
    for reader in _READERS:
        # A reader that gives up must not leave its spans behind: they would count tokens
        # as understood by the reader that does answer ("quý 1 ngày mai" is not "ngày mai").
        kept = list(p.used.spans)
        deadline = reader(p)
        if deadline is not None:
            return deadline
        p.used.spans[:] = kept
    return None


def parse_deadline(
    text: str, ref: date | None = None, calendar: WorkingCalendar | None = None
) -> Deadline:
    """Reads one deadline phrase or raises DeadlineError with its reason. `ref` is
    the date relative phrases count from (the plan's date, or today); a period left without
    its year is the next one ending on or after it."""
    result = read_deadline(text, ref or date.today(), calendar)
    if isinstance(result, Refusal):
        raise result.error()
    return result.deadline


def read_first(
    candidates: Iterable[str], reference_date: date, calendar: WorkingCalendar | None = None
) -> tuple[Deadline | None, Refusal | None]:
    """Plan import: the first candidate (the phrase as written, then shorter readings of it)
    that reads. A shorter candidate only counts when the words it leaves out hold no number
    or date: otherwise the task stays unsure, with the first refusal as its note (the
    caller words it through the catalogue)."""
    first: Refusal | None = None
    first_tokens: int | None = None
    for candidate in candidates:
        candidate = candidate.strip(" .;,:")
        if not candidate:
            continue
        count = len(tokens(normalize(candidate)))
        if first_tokens is None:
            first_tokens = count
        if count < first_tokens and first is not None:
            continue
        result = read_deadline(candidate, reference_date, calendar)
        if isinstance(result, Reading):
            return result.deadline, None
        first = first or result
    return None, first


def _not_understood(phrase: str) -> Reason:
    if re.search(r"\bdinh ky\b", phrase) and not re.search(
        r"\b(?:tuan|thang|nam|quy(?! dinh))\b", phrase
    ):
        # "định kỳ báo cáo … theo quy định": it recurs, but the phrase never says how often.
        return why.PeriodicWithoutPeriod()
    return why.NotUnderstood(
        years=tuple(dict.fromkeys(re.findall(YEAR, phrase))),
        mentions_month=bool(re.search(r"\bthang\b", phrase)),
        # not "quy định"
        mentions_quarter=bool(re.search(r"\bquy\b(?! (?:dinh|che|trinh|hoach|mo)\b)", phrase)),
        mentions_day=bool(re.search(r"\bngay\b", phrase)),
    )
