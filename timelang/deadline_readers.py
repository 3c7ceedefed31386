"""The readers behind `timelang.deadlines.read_deadline`, one per kind of phrase.

Each reader gets the folded phrase and marks, in `Phrase.used`, the spans it read; the caller
refuses a reading that leaves a number, date, month, quarter or weekday token unused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Literal

from timelang import refusals as why
from timelang.calendar import WorkingCalendar
from timelang.deadline_tokens import MONTH, QUARTER, YEAR, DeadlineError, Used, number
from timelang.periods import (
    ROMAN_QUARTERS,
    Unit,
    month_days,
    month_end,
    next_day_month,
    next_on_or_after,
    quarter_end,
)
from timelang.schedule import Deadline, format_date, monthly_rule


@dataclass
class Phrase:
    text: str  # folded: lower case, no accents
    source: str
    ref: date
    calendar: WorkingCalendar
    used: Used = field(default_factory=Used)


def month(token: str) -> int:
    value = number(token)
    if not 1 <= value <= 12:
        raise DeadlineError(why.NoSuchMonth(token))
    return value


def make_date(year: int, month_number: int, day: int) -> date:
    try:
        return date(year, month_number, day)
    except ValueError:
        raise DeadlineError(why.NoSuchDate(day, month_number, year)) from None


def _year(token: str) -> int:
    value = int(token)
    return value + 2000 if value < 100 else value


# --- patterns ------------------------------------------------------------------------------

_WEEKDAYS = {"hai": 0, "2": 0, "ba": 1, "3": 1, "tu": 2, "4": 2, "nam": 3, "5": 3, "sau": 4,
             "6": 4, "bay": 5, "7": 5}
_WEEKDAY_NAMES = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
_RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_UNIT_WORDS: dict[str, Unit] = {"thang": "month", "quy": "quarter", "nam": "year",
                                "6 thang": "half", "nua nam": "half", "sau thang": "half",
                                "tuan": "week"}
_UNIT_NAMES = {"month": "tháng", "quarter": "quý", "year": "năm", "half": "6 tháng",
               "week": "tuần"}
_END_RULES = {
    "month": "FREQ=MONTHLY;BYMONTHDAY=-1",
    "quarter": "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1",
    "half": "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1",
    "year": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31",
}

FULL_DATE = re.compile(
    rf"(?<![\d/])(\d{{1,2}})\s*([/.-])\s*(\d{{1,2}})\s*\2\s*({YEAR}|\d{{2}})(?![\d/])")
_ISO_DATE = re.compile(rf"(?<![\d/.-])({YEAR})-(\d{{1,2}})-(\d{{1,2}})(?![\d/.-])")
WORDY_DATE = re.compile(rf"ngay (\d{{1,2}}) thang ({MONTH})(?:,)? (?:nam )?({YEAR})")
_DAY_MONTH = re.compile(r"(?<![\d/.-])(\d{1,2})\s*/\s*(\d{1,2})(?![\d/])")
# "ngày 15 tháng 6", and "… và 15 tháng 12" where "ngày" is not said again.
_WORDY_DAY_MONTH = re.compile(rf"(?:ngay |(?<=\bva )|(?<=, ))(\d{{1,2}}) thang ({MONTH})\b(?! ?/)")
_QUARTER = re.compile(rf"\bquy ({QUARTER})\b(?:\s*(?:/|-|nam)\s*({YEAR}))?")
_MONTH_YEAR = re.compile(rf"\bthang ({MONTH})\s*(?:/|-|nam)\s*({YEAR})")
_MONTH_ONLY = re.compile(rf"\bthang ({MONTH})\b(?!\s*(?:/|-)?\s*\d)")
_HALF_OF_YEAR = re.compile(rf"\b(6|sau|9|chin|3|ba) thang (dau|cuoi) nam(?: ({YEAR}))?")
_YEAR_ONLY = re.compile(rf"\b(?:nam )?({YEAR})\b")
_DAYS_COUNT = re.compile(
    # A count of days, never the number of a period before it ("quý 1 ngày mai").
    r"(?:\b(?:trong vong|trong thoi han|trong|cham nhat|toi da|han) )?"
    r"(?<!quy )(?<!thang )(?<!nam )(?<!tuan )\b(\d{1,3}) ngay(?! mai\b)"
    r"( lam viec)?(?! (?:sau|ke tu khi) (?:khi )?(?:ket thuc|het))"
    r"(?: (?:ke )?tu (?:ngay )?(?:ky|ban hanh|nhan|co hieu luc|giao)?)?")
_AFTER_PERIOD = re.compile(
    r"(\d{1,3}) ngay (lam viec )?(?:sau khi|sau|ke tu (?:khi|ngay)) (?:ket thuc|het) "
    r"(6 thang|sau thang|nua nam|thang|quy|nam|tuan)")
# "ngày 05 của các tháng 3, 6, 9, 12"; not "ngày 15 tháng 6 và 15 tháng 12" (two days).
_MONTHS_DAY = re.compile(
    rf"ngay (\d{{1,2}}) (?:cua |trong )?(?:cac )?thang "
    rf"((?:{MONTH})(?:\s*(?:,|va|-)\s*(?:thang )?(?:{MONTH})\b(?! thang))+)")
_WEEKLY = re.compile(r"\b(?:thu (hai|ba|tu|nam|sau|bay|[2-7])|(chu nhat|cn))\b.*\b(?:hang|moi) tuan"
                     r"|\b(?:hang|moi) tuan\b.*\b(?:thu (hai|ba|tu|nam|sau|bay|[2-7])|(chu nhat))\b")
# "ngày 20 hằng tháng", "hằng tháng, trước ngày 25", "mỗi tháng vào ngày 5".
# "ngày 20 hằng tháng", "hằng tháng, chậm nhất ngày 20", "mỗi tháng một lần vào ngày 25".
_MONTHLY_DAY = re.compile(r"ngay (\d{1,2}) (?:hang|moi|cac) thang|(?:hang|moi) thang(?:,)? "
                          r"(?:(?:mot|1) lan )?"
                          r"(?:vao |han |truoc |cham nhat (?:la )?(?:vao )?)?ngay (\d{1,2})\b(?! ?/)")
_QUARTER_DAY = re.compile(r"ngay (\d{1,2}) (?:cua )?thang cuoi (?:moi |cua )?quy")
EVERY = {
    # "định kỳ 3 tháng, 6 tháng, 9 tháng, năm": cumulative reports at each quarter's end.
    "quarter": re.compile(r"\b(?:hang|moi) quy\b|\bquy mot lan\b|dinh ky (?:hang |moi )?quy|"
                          r"\b3 thang, 6 thang, 9 thang\b|"
                          r"\b3 thang mot lan\b|\bmoi 3 thang\b|dinh ky (?:vao )?cuoi quy\b"),
    # "định kỳ 6 tháng, năm": the half-year report and the year's, due at each half's end.
    "half": re.compile(r"\b(?:6|sau) thang mot lan\b|\bmoi (?:6|sau) thang\b|"
                       r"dinh ky (?:6|sau) thang\b(?! ?,)|\bnua nam mot lan\b|\bhang nam 2 lan\b|"
                       r"\b(?:hang|moi) nua nam\b|"
                       r"dinh ky (?:6|sau) thang ?(?:,|va) ?(?:ca )?(?:(?:hang|hang|moi) )?nam\b"),
    "month": re.compile(r"\b(?:hang|moi) thang\b|dinh ky (?:hang )?thang\b|\bthang mot lan\b|"
                        r"dinh ky (?:vao )?cuoi thang\b"),
    "year": re.compile(r"\b(?:hang|moi) nam\b|dinh ky (?:hang )?nam\b|\bnam mot lan\b|"
                       r"va (?:nhung|cac) nam tiep theo|dinh ky (?:vao )?cuoi nam\b"),
    "week": re.compile(r"\b(?:hang|moi) tuan\b|dinh ky (?:hang )?tuan\b"),
}
_ANY_EVERY = re.compile(r"\b(?:hang|moi|dinh ky)\b|mot lan\b|nam tiep theo")
# "báo cáo hằng ngày", "báo cáo nhanh hàng ngày", "báo cáo tổng hợp hằng ngày": a report is
# due each day, so it recurs daily. "hằng ngày" on its own ("Thời gian thực hiện: Hằng ngày")
# is work that goes on every day, with nothing to hand in: ongoing.
_DAILY_REPORT = re.compile(r"\bbao cao\b(?:\s+(?!hang\b|moi\b)\w+){0,3}?\s+((?:hang|moi) ngay)\b")
_ONGOING = re.compile(r"\bthuong xuyen\b|\b(?:hang|moi) ngay\b|\blien tuc\b|\bthuong nien\b(?!.*\d)")
STARTS = re.compile(rf"\btu (?:nam )?({YEAR})\b")
# "cuối tháng", "hết năm", "trong quý này": the end of the period today is in. "trong tháng"
# without "này" is left alone: in a plan it may mean each month or the plan's own month.
_END_OF = re.compile(r"(?<!thang )\b(?:(?:cuoi|het) (thang|quy|nam)|trong (thang|quy|nam)(?= nay\b))"
                     r"\b(?! ?(?:\d|{}))(?: nay\b)?".format(
    r"mot|hai|ba|bon|tu|nam|sau|bay|tam|chin|muoi|gieng|chap|i\b|ii|iii|iv"))
_THIS_WEEK = re.compile(r"\b(?:trong )?tuan (nay|sau|toi)\b")
_WEEKDAY_OF_WEEK = re.compile(r"\b(?:thu (hai|ba|tu|nam|sau|bay|[2-7])|(chu nhat)) (?:cua )?(?:trong )?"
                              r"tuan (nay|sau|toi)\b")
_TOMORROW = re.compile(r"\bngay mai\b")


# "ngày 20/11/2025 (thứ Năm)": the weekday of the date, said again.
_WEEKDAY_RESTATED = re.compile(r"\(\s*(?:thu (hai|ba|tu|nam|sau|bay|[2-7])|(chu nhat))\s*\)")


def _once(p: Phrase, due: date, text: str | None = None) -> Deadline:
    # A restated due date ("…, tức ngày 08/03/2023") is consistent, hence read.
    for match in FULL_DATE.finditer(p.text):
        if _full_date(match) == due:
            p.used.add(match)
    # So is its weekday in brackets; a weekday that is not the date's stays unused (refused).
    for match in _WEEKDAY_RESTATED.finditer(p.text):
        weekday = 6 if match.group(2) else _WEEKDAYS[match.group(1)]
        if weekday == due.weekday():
            p.used.add(match)
    return Deadline(kind="once", due=due, rrule=None,
                    text=text or f"Một lần, hạn {format_date(due)}", source=p.source)


def _full_date(match: re.Match[str]) -> date | None:
    try:
        return date(_year(match.group(4)), int(match.group(3)), int(match.group(1)))
    except ValueError:
        return None


def recurring(
    p: Phrase, unit: Unit, rule: str, anchor: Literal["end", "due"], text: str, *,
    offset_days: int = 0, offset_working_days: int = 0, starts: date | None = None,
    month_days: tuple[int, ...] = (),
) -> Deadline:
    if (start_match := STARTS.search(p.text)) is not None:
        p.used.add(start_match)
        starts = date(int(start_match.group(1)), 1, 1)
    if starts is not None:
        text = f"{text} (từ năm {starts.year})"
    return Deadline(kind="recurring", due=None, rrule=rule, text=text, source=p.source, unit=unit,
                    anchor=anchor, offset_days=offset_days,
                    offset_working_days=offset_working_days, starts=starts,
                    month_days=month_days)


# --- ongoing -------------------------------------------------------------------------------


def read_daily_report(p: Phrase) -> Deadline | None:
    """"báo cáo hằng ngày": a report due every day (see `_DAILY_REPORT`)."""
    if (match := _DAILY_REPORT.search(p.text)) is None:
        return None
    p.used.add(match, 1)
    return recurring(p, "day", "FREQ=DAILY", "due", "Hằng ngày (báo cáo mỗi ngày)")


def read_ongoing(p: Phrase) -> Deadline | None:
    if (match := _ONGOING.search(p.text)) is None:
        return None
    p.used.add(match)
    # "Thường xuyên trong năm 2023 và những năm tiếp theo": ongoing, from 2023.
    first_year = re.search(rf"\b(?:tu |trong )?(?:nam )?({YEAR})\b", p.text)
    text = "Thường xuyên (không có hạn cụ thể)"
    starts = None
    if first_year is not None:
        p.used.add(first_year)
        starts = date(int(first_year.group(1)), 1, 1)
        text = f"Thường xuyên từ năm {starts.year} (không có hạn cụ thể)"
    return Deadline(kind="ongoing", due=None, rrule=None, text=text, source=p.source,
                    starts=starts)


# --- recurring -----------------------------------------------------------------------------


def read_recurring(p: Phrase) -> Deadline | None:
    """Recurring phrases with a day in them; yearly dates are `timelang.yearly`'s."""
    phrase = p.text
    if match := _MONTHS_DAY.search(phrase):
        day = int(match.group(1))
        months = sorted({month(m) for m in re.findall(rf"\b(?:{MONTH})\b", match.group(2))})
        if len(months) >= 2:
            if not 1 <= day <= 31 or any(day > month_days(m) for m in months):
                raise DeadlineError(why.DayNotInEveryMonth(day))
            p.used.add(match)
            # "định kỳ 3 tháng, 6 tháng, 9 tháng, năm … ngày 05 của các tháng 3, 6, 9, 12":
            # the same quarterly regime said twice.
            for unit, unit_months in (("quarter", [3, 6, 9, 12]), ("half", [6, 12])):
                if months == unit_months:
                    for every in EVERY[unit].finditer(phrase):
                        p.used.add(every)
            listed = ", ".join(f"tháng {m}" for m in months)
            return recurring(p, "month", f"FREQ=YEARLY;BYMONTH={','.join(map(str, months))};"
                             f"BYMONTHDAY={day}", "due",
                             f"Ngày {day:02d} của các {listed} hằng năm")

    if (match := _AFTER_PERIOD.search(phrase)) and _ANY_EVERY.search(phrase):
        offset, working, unit = int(match.group(1)), bool(match.group(2)), _UNIT_WORDS[match.group(3)]
        if unit == "week":
            return None
        if offset > 366:
            raise DeadlineError(why.TooFar(offset))
        p.used.add(match)
        # "6 tháng một lần, … sau khi kết thúc 6 tháng": the period's own words say how often.
        for every in EVERY[unit].finditer(phrase):
            p.used.add(every)
        kind_of_day = "ngày làm việc" if working else "ngày"
        lead = {"month": "Hằng tháng", "quarter": "Hằng quý", "half": "6 tháng một lần",
                "year": "Hằng năm"}[unit]
        return recurring(
            p, unit, _END_RULES[unit], "end",
            f"{lead}, chậm nhất {offset} {kind_of_day} sau khi kết thúc {_UNIT_NAMES[unit]}",
            offset_days=0 if working else offset, offset_working_days=offset if working else 0)

    if match := _WEEKLY.search(phrase):
        word = match.group(1) or match.group(3)
        weekday = 6 if (match.group(2) or match.group(4)) else _WEEKDAYS[word]
        # Only the weekday is read: a month or date between it and "hằng tuần" ("thứ Hai
        # tháng 3 hằng tuần") stays unused, so the phrase is refused rather than half read.
        p.used.add(match, next(g for g in (1, 2, 3, 4) if match.group(g)))
        return recurring(p, "week", f"FREQ=WEEKLY;BYDAY={_RRULE_DAYS[weekday]}", "due",
                         f"{_WEEKDAY_NAMES[weekday]} hằng tuần")

    if match := _MONTHLY_DAY.search(phrase):
        day = int(match.group(1) or match.group(2))
        if not 1 <= day <= 31:
            raise DeadlineError(why.NoSuchMonthDay(day))
        p.used.add(match)
        # "ngày 30": February's is its last day (the schedule keeps 30, callers say so).
        return recurring(p, "month", monthly_rule([day]), "due", f"Ngày {day} hằng tháng",
                         month_days=(day,) if day >= 29 else ())

    if match := _QUARTER_DAY.search(phrase):
        day = int(match.group(1))
        if not 1 <= day <= 30:
            raise DeadlineError(why.NoSuchQuarterEndDay(day))
        p.used.add(match)
        return recurring(p, "quarter", f"FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY={day}", "due",
                         f"Hằng quý, ngày {day} của tháng cuối quý")

    return None


# "2 lần/năm", "hai lần mỗi năm", "1 lần/quý": how many times in a period. A count that
# splits the period into equal periods of the product's (2 a year: each half; 4 a year: each
# quarter) is read as those; any other ("2 lần/tháng", "3 lần/năm") names no days, so it is
# refused with a way to write it, never read as the whole period.
_TIMES_PER = re.compile(
    r"\b(\d{1,2}|mot|hai|ba|bon|sau|muoi hai) lan ?(?:/|trong|tren|moi|mot)\s*(?:(?:1|mot) )?"
    r"(tuan|thang|quy|nam)\b")
_TIMES_UNITS: dict[tuple[int, str], Unit] = {
    (1, "tuan"): "week", (1, "thang"): "month", (1, "quy"): "quarter", (3, "quy"): "month",
    (1, "nam"): "year", (2, "nam"): "half", (4, "nam"): "quarter", (12, "nam"): "month",
}
_TIMES_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "sau": 6, "muoi hai": 12}


def read_times_per(p: Phrase) -> Deadline | None:
    """"2 lần/năm" → each half year, "1 lần/tháng" → each month (see `_TIMES_PER`)."""
    if (match := _TIMES_PER.search(p.text)) is None:
        return None
    word = match.group(1)
    count = int(word) if word.isdigit() else _TIMES_WORDS[word]
    unit = _TIMES_UNITS.get((count, match.group(2)))
    if unit is None:
        raise DeadlineError(why.TimesPerWithoutDays(count, _UNIT_WORDS[match.group(2)]))
    p.used.add(match)
    return _each_period_end(p, unit)


def read_every(p: Phrase) -> Deadline | None:
    """A bare recurrence word: each period's last day ("hằng quý", "hằng tuần": Friday)."""
    phrase = p.text
    for unit in ("week", "quarter", "half", "month", "year"):
        if EVERY[unit].search(phrase) is None:
            continue
        for match in EVERY[unit].finditer(phrase):
            p.used.add(match)
        return _each_period_end(p, unit)
    return None


_PERIOD_END_LEADS = {"month": "Hằng tháng, hạn ngày cuối tháng",
                     "quarter": "Hằng quý, hạn ngày cuối quý",
                     "half": "6 tháng một lần, hạn ngày cuối của mỗi 6 tháng",
                     "year": "Hằng năm, hạn ngày cuối năm"}


def _each_period_end(p: Phrase, unit: Unit) -> Deadline:
    """A period named without its day is due at each period's end; a week, on its Friday
    (the last working day)."""
    if unit == "week":
        return recurring(p, "week", "FREQ=WEEKLY;BYDAY=FR", "due", "Thứ Sáu hằng tuần")
    return recurring(p, unit, _END_RULES[unit], "end", _PERIOD_END_LEADS[unit])


# --- relative to the reference date ---------------------------------------------------------


# What a count of days may be counted from and still have a day: the day the phrase was given
# (a task's assignment, a plan's signature or issue), or a date written after it.
_FROM = re.compile(r"\b(?:ke )?tu (?:khi |ngay )*(?P<what>[^,.;()]*)")
# Its words, in any order: "ký ban hành Kế hoạch này", "Quyết định này có hiệu lực", "nhận được
# văn bản". Any other word ("nhận đơn", "có kết quả") names an event.
_KNOWN_START_WORDS = frozenset(
    ["ky", "ban", "hanh", "co", "hieu", "luc", "thi", "giao", "nhan", "duoc", "tiep", "ke", "hoach", "van", "quyet", "dinh", "cong", "nhiem", "vu", "chi", "chuong", "trinh", "thong", "bao", "nay", "ngay", "khi"])


def _known_start(what: str) -> bool:
    words = what.split()
    return not words or words[0][0].isdigit() or all(w in _KNOWN_START_WORDS for w in words)


def _event_start(p: Phrase, count: re.Match[str]) -> str | None:
    """"05 ngày kể từ ngày nhận đơn", "10 ngày kể từ khi có kết quả": the count starts at an
    event that happens case by case, so no date can be set. The count and its start as
    written, or None when it starts on a known day."""
    start = _FROM.search(p.text, count.start(), count.end() + 60)
    if start is None or start.start() > count.end() or _known_start(start.group("what")):
        return None
    # The folded phrase has the source's words: give them back with their accents.
    words = len(p.text[count.start():start.end()].split())
    first = len(p.text[:count.start()].split())
    written = p.source.split()[first:first + words]
    return " ".join(written).strip(" ,.;") if written else start.group(0)


def read_relative(p: Phrase) -> Deadline | None:
    phrase, ref, calendar = p.text, p.ref, p.calendar
    if match := _AFTER_PERIOD.search(phrase):
        # No recurrence word: once, after the next such period ends on or after ref.
        offset, working, unit = int(match.group(1)), bool(match.group(2)), _UNIT_WORDS[match.group(3)]
        if unit == "week" or offset > 366:
            return None
        p.used.add(match)
        end = _next_period_end(unit, ref)
        due = calendar.add_working_days(end, offset) if working else end + timedelta(days=offset)
        return _once(p, due)
    if match := _DAYS_COUNT.search(phrase):
        if (event := _event_start(p, match)) is not None:
            raise DeadlineError(why.CountedFromEvent(event))
        count, working = int(match.group(1)), bool(match.group(2))
        p.used.add(match)
        start = ref
        # "… kể từ ngày 07/02/2024": the start day follows the phrase.
        near = max(match.start(), match.end() - 5)
        explicit = FULL_DATE.search(phrase, near) or WORDY_DATE.search(phrase, near)
        if explicit is not None and explicit.start() - match.end() <= 6 and \
                re.search(r"\btu( ngay)? ?$", match.group(0)):
            p.used.add(explicit)
            if explicit.re is FULL_DATE:
                start = make_date(_year(explicit.group(4)), int(explicit.group(3)),
                                  int(explicit.group(1)))
            else:
                start = make_date(int(explicit.group(3)), month(explicit.group(2)),
                                  int(explicit.group(1)))
        if count > 366:
            raise DeadlineError(why.TooFar(count))
        if working:
            due = calendar.add_working_days(start, count)
            return _once(p, due, f"Một lần, hạn {format_date(due)} ({count} ngày làm việc kể từ "
                                 f"ngày {format_date(start)})")
        due = start + timedelta(days=count)
        return _once(p, due, f"Một lần, hạn {format_date(due)} ({count} ngày kể từ ngày "
                             f"{format_date(start)})")
    if match := _TOMORROW.search(phrase):
        p.used.add(match)
        return _once(p, ref + timedelta(days=1))
    if match := _WEEKDAY_OF_WEEK.search(phrase):
        p.used.add(match)
        weekday = 6 if match.group(2) else _WEEKDAYS[match.group(1)]
        monday = ref - timedelta(days=ref.weekday()) + timedelta(
            days=0 if match.group(3) == "nay" else 7)
        return _once(p, monday + timedelta(days=weekday))
    if match := _THIS_WEEK.search(phrase):
        p.used.add(match)
        monday = ref - timedelta(days=ref.weekday())
        if match.group(1) != "nay":
            monday += timedelta(days=7)
        return _once(p, _week_due(monday, ref, calendar))
    if match := _END_OF.search(phrase):
        p.used.add(match)
        return _once(p, _next_period_end(_UNIT_WORDS[match.group(1) or match.group(2)], ref))
    return None


def _next_period_end(unit: Unit, ref: date) -> date:
    if unit == "month":
        return month_end(ref.year, ref.month)
    if unit == "quarter":
        return quarter_end(ref.year, (ref.month - 1) // 3 + 1)
    if unit == "half":
        return month_end(ref.year, 6 if ref.month <= 6 else 12)
    return date(ref.year, 12, 31)


def _week_due(monday: date, ref: date, calendar: WorkingCalendar) -> date:
    """The week's last working day; the week's Sunday when that day is already past (asked
    on a Saturday) or the whole week is off (Tết)."""
    sunday = monday + timedelta(days=6)
    last = calendar.previous_working_day(sunday, inclusive=True)
    return last if monday <= last and last >= ref else sunday


# --- once ----------------------------------------------------------------------------------


def read_once(p: Phrase) -> Deadline | None:
    """A single due date. Several different dates in one phrase are refused: which one?"""
    found = collect_dates(p)
    if not found:
        return None
    dues = sorted({due for _, _, due, _ in found})
    if len(dues) > 1:
        raise DeadlineError(why.SeveralDues(tuple(dues)))
    for start, end, _, _ in found:
        p.used.add_span(start, end)
    return _once(p, dues[0])


def collect_dates(p: Phrase) -> list[tuple[int, int, date, bool]]:
    """Every date the phrase names: its span, the date, and whether it is a period's last
    day (a period stands for its last day). A period named without its year is the next one
    ending on or after the reference."""
    phrase, ref = p.text, p.ref
    found: list[tuple[int, int, date, bool]] = []

    def add(match: re.Match[str], due: date, is_end: bool = True) -> None:
        if not any(s <= match.start() < e or match.start() <= s < match.end()
                   for s, e, _, _ in found):
            found.append((match.start(), match.end(), due, is_end))

    for match in FULL_DATE.finditer(phrase):
        add(match, make_date(_year(match.group(4)), int(match.group(3)), int(match.group(1))),
            False)
    for match in _ISO_DATE.finditer(phrase):
        add(match, make_date(int(match.group(1)), int(match.group(2)), int(match.group(3))),
            False)
    for match in WORDY_DATE.finditer(phrase):
        add(match, make_date(int(match.group(3)), month(match.group(2)), int(match.group(1))),
            False)
    for match in _HALF_OF_YEAR.finditer(phrase):
        end_month = number(match.group(1)) if match.group(2) == "dau" else 12
        if match.group(3):
            add(match, month_end(int(match.group(3)), end_month))
        else:
            add(match, next_on_or_after(ref, partial(month_end, month=end_month)))
    for match in _QUARTER.finditer(phrase):
        quarter = number(match.group(1))
        if match.group(2):
            add(match, quarter_end(int(match.group(2)), quarter))
        else:
            add(match, next_on_or_after(ref, partial(quarter_end, quarter=quarter)))
    for match in _MONTH_YEAR.finditer(phrase):
        add(match, month_end(int(match.group(2)), month(match.group(1))))
    for match in _WORDY_DAY_MONTH.finditer(phrase):
        day, month_number = int(match.group(1)), month(match.group(2))
        make_date(2024, month_number, day)  # a leap year: 29/02 is allowed, 30/02 is not
        add(match, next_day_month(ref, day, month_number), False)
    for match in _DAY_MONTH.finditer(phrase):
        day, month_number = int(match.group(1)), int(match.group(2))
        if 1 <= month_number <= 12:
            make_date(2024, month_number, day)
            add(match, next_day_month(ref, day, month_number), False)
    for match in _MONTH_ONLY.finditer(phrase):
        month_number = month(match.group(1))
        add(match, next_on_or_after(ref, partial(month_end, month=month_number)))
    for match in _YEAR_ONLY.finditer(phrase):
        if not STARTS.match(phrase, max(0, match.start() - 3)):
            add(match, date(int(match.group(1)), 12, 31))
    return found


def quarter_name(quarter: int) -> str:
    return ROMAN_QUARTERS[quarter]
