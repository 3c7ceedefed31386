"""Several due days each month: "ngày 15 và 30 hằng tháng", "ngày 10, 20 hằng tháng",
"vào ngày 15 và ngày cuối tháng", "định kỳ 2 lần/tháng vào ngày 15 và 30".

Each day is its own occurrence with its own period (`month_part`: from the day after the
month's previous due day, or the 1st, to this due day, or the month's end for the last one),
so that each is reminded, done and counted on its own.

A day that a short month lacks ("ngày 30" in February) is due on that month's last day: one
RFC 5545 rule says so exactly ("BYMONTHDAY=15,28,29,30;BYSETPOS=1,-1": the 15th, and the
last of the 28th–30th the month has). The schedule keeps the days as written
(`Deadline.month_days`), so that callers can tell people which due dates a short month moves
(`Deadline.moved_dues`): a date is never moved silently. Two days that one short month would
merge ("ngày 29 và 30") are refused. "2 lần/tháng" without its days is asked back elsewhere
(`read_times_per`); with days, the count must match them.
"""

from __future__ import annotations

import re

from timelang import refusals as why
from timelang.deadline_readers import EVERY, MONTH, Phrase, recurring
from timelang.deadline_tokens import DeadlineError
from timelang.schedule import LAST_DAY, Deadline, describe_month_days, monthly_rule

_DAY = r"\d{1,2}\b(?!\s*[/.-]\s*\d)"
_LAST = r"cuoi(?: cung)?(?: cua)? thang\b(?!\s*(?:/|-)?\s*(?:" + MONTH + r")\b)"
# "ngày 15 và 30", "các ngày 10, 20 và 30", "ngày 15 và ngày cuối tháng": two days or more.
_DAY_LIST = re.compile(
    rf"\b(?:cac )?ngay ({_DAY}(?:\s*(?:,|;|&|va)\s*(?:ngay )?(?:{_DAY}|{_LAST}))+)")
# The list names days of a month given right after it ("ngày 15 và 30 tháng 6"): not monthly.
_NAMED_MONTH_AFTER = re.compile(rf"\s*(?:(?:/|-)\s*\d|(?:cua |trong )?(?:cac )?thang (?:{MONTH})\b)")
# "2 lần/tháng", "hai lần mỗi tháng", "mỗi tháng 2 lần".
_TIMES_PER_MONTH = re.compile(
    r"\b(\d{1,2}|mot|hai|ba|bon) lan ?(?:/|trong|tren|moi|mot)\s*(?:(?:1|mot) )?thang\b"
    r"|\b(?:hang|moi|trong) thang,? (\d{1,2}|mot|hai|ba|bon) lan\b")
_COUNT_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4}


def read_month_days(p: Phrase) -> Deadline | None:
    listed = _DAY_LIST.search(p.text)
    if listed is None or _NAMED_MONTH_AFTER.match(p.text, listed.end()):
        return None
    every = list(EVERY["month"].finditer(p.text))
    times = _TIMES_PER_MONTH.search(p.text)
    names_last_day = re.search(_LAST, listed.group(1)) is not None
    # Days of "the month" with no month named are each month's: said with "hằng tháng", with
    # "2 lần/tháng", or by "ngày cuối tháng" (the last day of whichever month).
    if not every and times is None and not names_last_day:
        return None
    days = _days(listed.group(1))
    if len(days) < 2:
        return None
    if times is not None:
        word = times.group(1) or times.group(2)
        count = int(word) if word.isdigit() else _COUNT_WORDS[word]
        if count != len(days):
            raise DeadlineError(why.TimesPerDaysMismatch(count, tuple(days)))
        p.used.add(times)
    p.used.add(listed)
    for match in every:
        p.used.add(match)
    return recurring(p, "month_part", monthly_rule(days), "due",
                     f"{describe_month_days(days)} hằng tháng", month_days=tuple(days))


def _days(listed: str) -> list[int]:
    """The days as written, in order, the month's last day as LAST_DAY."""
    found: set[int] = set()
    for match in re.finditer(rf"({_DAY})|({_LAST})", listed):
        day = LAST_DAY if match.group(2) else int(match.group(1))
        if not 1 <= day <= 31 and day != LAST_DAY:
            raise DeadlineError(why.NoSuchMonthDay(day))
        found.add(day)
    days = sorted(d for d in found if d != LAST_DAY) + ([LAST_DAY] if LAST_DAY in found else [])
    late = [d for d in days if d >= 29 or d == LAST_DAY]
    # In February the 29th, the 30th and the last day can all be the 28th; so can the 28th.
    if len(late) > 1 or (late and any(d == 28 for d in days)):
        raise DeadlineError(why.MonthDaysCollide(tuple(days)))
    return days
