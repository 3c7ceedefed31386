"""Deadline phrases as Vietnamese plans and officials write them, read into schedules.

A phrase and a reference date (the plan's date, or today) become one of:
- once: a date ("chậm nhất ngày 15/11/2023", "Quý I/2023", "10 ngày làm việc kể từ …");
- recurring: an RFC 5545 RRULE that yields each period's anchor (its last day, or the due day
  itself) plus an offset (".. 5 ngày sau khi kết thúc tháng");
- ongoing: "Thường xuyên", "Hằng ngày" — listed, never late.

Every Deadline carries a Vietnamese description that reads back to the same schedule.
"""

from __future__ import annotations

import calendar as month_calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from dateutil.rrule import rrulestr

from timelang.calendar import WorkingCalendar, default_calendar

Kind = Literal["once", "recurring", "ongoing"]
Unit = Literal["week", "month", "quarter", "half", "year"]

EXAMPLES = (
    "«31/12/2026», «chậm nhất ngày 15 tháng 11 năm 2026», «Quý II/2026», «tháng 9/2026», "
    "«10 ngày làm việc kể từ ngày ký ban hành», «thường xuyên», "
    "«hằng tháng (chậm nhất 05 ngày sau khi kết thúc tháng)», "
    "«chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12», «ngày 20 hằng tháng», "
    "«thứ Hai hằng tuần», «ngày 15 tháng 12 hằng năm»"
)


class DeadlineError(ValueError):
    """A phrase that cannot be read; the message says what was understood and what works."""


def format_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


# --- normalising what people type ----------------------------------------------------------

_FOOTNOTES = re.compile(r"[⁽⁾⁰¹²³⁴⁵⁶⁷⁸⁹*_`]|\(\d{1,2}\)(?=\s*[.;,]?\s*$)")


def normalize(text: str) -> str:
    """Lower case, no accents, no markdown or footnote marks, single spaces."""
    text = _FOOTNOTES.sub("", unicodedata.normalize("NFC", text))
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()
    plain = re.sub(r"[–—]", "-", plain)
    plain = re.sub(r"\bhang\b|\bhang(?=tuan|thang|quy|nam|ngay)", "hang", plain)
    return re.sub(r"\s+", " ", plain).strip(" .;:")


_NUMBER_WORDS = {
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8,
    "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12, "gieng": 1, "chap": 12,
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9,
          "x": 10, "xi": 11, "xii": 12}
_WORD = r"muoi mot|muoi hai|gieng|chap|mot|hai|ba|bon|tu|nam|sau|bay|tam|chin|muoi"
_ROMAN_RE = r"xii|xi|x|ix|viii|vii|vi|v|iv|iii|ii|i"
MONTH = rf"(?:\d{{1,2}}|{_ROMAN_RE}|{_WORD})"
QUARTER = r"(?:[1-4]|iv|iii|ii|i|mot|hai|ba|bon|tu)"
YEAR = r"(?:19|20)\d{2}"


def _number(token: str) -> int:
    token = token.strip()
    if token.isdigit():
        return int(token)
    if token in _ROMAN:
        return _ROMAN[token]
    return _NUMBER_WORDS[token]


def _month(token: str) -> int:
    value = _number(token)
    if not 1 <= value <= 12:
        raise DeadlineError(f"Không có tháng {token}: tháng phải từ 1 đến 12.")
    return value


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DeadlineError(
            f"Ngày {day:02d}/{month:02d}/{year} không có thật. Ví dụ cách viết đúng: {EXAMPLES}."
        ) from None


def _year(token: str) -> int:
    value = int(token)
    return value + 2000 if value < 100 else value


def _month_end(year: int, month: int) -> date:
    return date(year, month, month_calendar.monthrange(year, month)[1])


def _quarter_end(year: int, quarter: int) -> date:
    return _month_end(year, quarter * 3)


# --- the schedule --------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str
    start: date | None
    end: date | None
    due: date | None


@dataclass(frozen=True)
class Deadline:
    kind: Kind
    due: date | None
    rrule: str | None
    text: str
    source: str
    # Recurring schedules: the period unit, whether the RRULE gives each period's last day
    # ("end") or the due day itself ("due"), the offset after it, and the first period.
    unit: Unit | None = None
    anchor: Literal["end", "due"] = "due"
    offset_days: int = 0
    offset_working_days: int = 0
    starts: date | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    # --- periods -----------------------------------------------------------------------

    def once_period(self) -> Period:
        if self.kind == "ongoing":
            return Period("ongoing", None, None, None)
        return Period("once", None, None, self.due)

    def periods(
        self, start: date, count: int, calendar: WorkingCalendar | None = None
    ) -> list[Period]:
        """The next `count` periods whose due date is on or after `start`, by due date."""
        if count <= 0 or self.kind == "ongoing":
            return []
        if self.kind == "once":
            return [self.once_period()] if self.due is not None and self.due >= start else []
        calendar = calendar or default_calendar()
        assert self.rrule is not None and self.unit is not None
        # Anchors a little before `start` still have due dates after it (offsets).
        lookback = timedelta(days=400 if self.unit in ("year", "half") else 120)
        first = start - lookback
        if self.starts is not None and self.starts > first:
            first = self.starts
        rule = rrulestr(self.rrule, dtstart=datetime(first.year, first.month, first.day))
        found: list[Period] = []
        for anchor_moment in rule:
            anchor = anchor_moment.date()
            due = self._due_from_anchor(anchor, calendar)
            if due < start:
                continue
            period_start, period_end = _period_bounds(self.unit, anchor)
            found.append(Period(_period_key(self.unit, anchor), period_start, period_end, due))
            if len(found) >= count:
                break
        return found

    def _due_from_anchor(self, anchor: date, calendar: WorkingCalendar) -> date:
        if self.offset_working_days:
            return calendar.add_working_days(anchor, self.offset_working_days)
        return anchor + timedelta(days=self.offset_days)

    def next_dues(
        self, ref: date, count: int = 4, calendar: WorkingCalendar | None = None
    ) -> list[date]:
        if self.kind == "once":
            return [self.due] if self.due is not None else []
        return [p.due for p in self.periods(ref, count, calendar) if p.due is not None]

    # --- serialising -------------------------------------------------------------------

    def to_json(self, ref: date, count: int = 4) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "due": self.due.isoformat() if self.due else None,
            "rrule": self.rrule,
            "next": [d.isoformat() for d in self.next_dues(ref, count)],
            "text": self.text,
            "source": self.source,
        }

    def to_spec(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "due": self.due.isoformat() if self.due else None,
            "rrule": self.rrule,
            "text": self.text,
            "source": self.source,
            "unit": self.unit,
            "anchor": self.anchor,
            "offset_days": self.offset_days,
            "offset_working_days": self.offset_working_days,
            "starts": self.starts.isoformat() if self.starts else None,
        }

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Deadline:
        return cls(
            kind=spec["kind"],
            due=date.fromisoformat(spec["due"]) if spec.get("due") else None,
            rrule=spec.get("rrule"),
            text=spec.get("text", ""),
            source=spec.get("source", ""),
            unit=spec.get("unit"),
            anchor=spec.get("anchor", "due"),
            offset_days=int(spec.get("offset_days", 0)),
            offset_working_days=int(spec.get("offset_working_days", 0)),
            starts=date.fromisoformat(spec["starts"]) if spec.get("starts") else None,
        )

    def same_schedule(self, other: Deadline) -> bool:
        return (self.kind, self.due, self.rrule, self.unit, self.anchor, self.offset_days,
                self.offset_working_days, self.starts) == (
            other.kind, other.due, other.rrule, other.unit, other.anchor, other.offset_days,
            other.offset_working_days, other.starts)


def _period_bounds(unit: Unit, day: date) -> tuple[date, date]:
    if unit == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if unit == "month":
        return day.replace(day=1), _month_end(day.year, day.month)
    if unit == "quarter":
        first_month = (day.month - 1) // 3 * 3 + 1
        return date(day.year, first_month, 1), _month_end(day.year, first_month + 2)
    if unit == "half":
        first_month = 1 if day.month <= 6 else 7
        return date(day.year, first_month, 1), _month_end(day.year, first_month + 5)
    return date(day.year, 1, 1), date(day.year, 12, 31)


def _period_key(unit: Unit, day: date) -> str:
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


# --- reading phrases -----------------------------------------------------------------------

_WEEKDAYS = {"hai": 0, "2": 0, "ba": 1, "3": 1, "tu": 2, "4": 2, "nam": 3, "5": 3, "sau": 4,
             "6": 4, "bay": 5, "7": 5}
_WEEKDAY_NAMES = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
_RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_UNIT_WORDS = {"thang": "month", "quy": "quarter", "nam": "year", "6 thang": "half",
               "nua nam": "half", "sau thang": "half", "tuan": "week"}
_UNIT_NAMES = {"month": "tháng", "quarter": "quý", "year": "năm", "half": "6 tháng",
               "week": "tuần"}
_END_RULES = {
    "month": "FREQ=MONTHLY;BYMONTHDAY=-1",
    "quarter": "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1",
    "half": "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1",
    "year": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31",
}

_FULL_DATE = re.compile(
    rf"(?<![\d/])(\d{{1,2}})\s*([/.-])\s*(\d{{1,2}})\s*\2\s*({YEAR}|\d{{2}})(?![\d/])")
_WORDY_DATE = re.compile(
    rf"ngay (\d{{1,2}}) thang ({MONTH})(?:,)? (?:nam )?({YEAR})")
_DAY_MONTH = re.compile(r"(?:ngay )?(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})(?![\d/])")
_WORDY_DAY_MONTH = re.compile(rf"ngay (\d{{1,2}}) thang ({MONTH})\b(?! ?/)")
_QUARTER = re.compile(rf"\bquy ({QUARTER})\b(?:\s*(?:/|-|nam)\s*({YEAR}))?")
_MONTH_YEAR = re.compile(rf"\bthang ({MONTH})\s*(?:/|-|nam)\s*({YEAR})")
_MONTH_ONLY = re.compile(rf"\bthang ({MONTH})\b(?!\s*(?:/|-)?\s*\d)")
_HALF_OF_YEAR = re.compile(rf"\b(6|sau|9|chin|3|ba) thang (dau|cuoi) nam(?: ({YEAR}))?")
_YEAR_ONLY = re.compile(rf"\bnam ({YEAR})\b")
_WORKING_DAYS_FROM = re.compile(
    r"(\d{1,3}) ngay (lam viec )?(?:ke )?tu (?:ngay )?(?:ky|ban hanh|nhan|co hieu luc)?")
_AFTER_PERIOD = re.compile(
    r"(\d{1,3}) ngay (lam viec )?(?:sau khi|sau|ke tu (?:khi|ngay)) (?:ket thuc|het) "
    r"(6 thang|sau thang|nua nam|thang|quy|nam|tuan)")
_MONTHS_DAY = re.compile(
    rf"ngay (\d{{1,2}}) (?:cua |trong )?(?:cac )?thang ((?:{MONTH})(?:\s*(?:,|va|-)\s*(?:thang )?(?:{MONTH}))+)")
_WEEKLY = re.compile(r"\b(?:thu (hai|ba|tu|nam|sau|bay|[2-7])|(chu nhat|cn))\b.*\b(?:hang|moi) tuan"
                     r"|\b(?:hang|moi) tuan\b.*\b(?:thu (hai|ba|tu|nam|sau|bay|[2-7])|(chu nhat))\b")
_MONTHLY_DAY = re.compile(r"ngay (\d{1,2}) (?:hang|moi|cac) thang|(?:hang|moi) thang(?:,)? (?:vao |han )?ngay (\d{1,2})\b")
_YEARLY_DAY = re.compile(
    rf"(?:ngay (\d{{1,2}}) thang ({MONTH})|ngay (\d{{1,2}})\s*/\s*(\d{{1,2}}))(?!\s*/)"
    rf".*\b(?:hang|moi) nam|\b(?:hang|moi) nam\b.*?(?:ngay (\d{{1,2}}) thang ({MONTH})|"
    rf"ngay (\d{{1,2}})\s*/\s*(\d{{1,2}}))(?!\s*/)")
_QUARTER_DAY = re.compile(r"ngay (\d{1,2}) (?:cua )?thang cuoi (?:moi |cua )?quy")
_EVERY = {
    # "định kỳ 3 tháng, 6 tháng, 9 tháng, năm": cumulative reports at each quarter's end.
    "quarter": re.compile(r"\b(?:hang|moi) quy\b|\bquy mot lan\b|dinh ky (?:hang |moi )?quy|"
                          r"\b3 thang, 6 thang, 9 thang\b|"
                          r"\b3 thang mot lan\b|\bmoi 3 thang\b"),
    "half": re.compile(r"\b(?:6|sau) thang mot lan\b|\bmoi (?:6|sau) thang\b|"
                       r"dinh ky (?:6|sau) thang\b(?! ?,)|\bnua nam mot lan\b|\bhang nam 2 lan\b|"
                       r"\b(?:hang|moi) nua nam\b"),
    "month": re.compile(r"\b(?:hang|moi) thang\b|dinh ky (?:hang )?thang\b|\bthang mot lan\b"),
    "year": re.compile(r"\b(?:hang|moi) nam\b|dinh ky (?:hang )?nam\b|\bnam mot lan\b|"
                       r"va (?:nhung|cac) nam tiep theo|(?<!thang )\bcuoi nam\b"),
    "week": re.compile(r"\b(?:hang|moi) tuan\b|dinh ky (?:hang )?tuan\b"),
}
_ONGOING = re.compile(r"\bthuong xuyen\b|\b(?:hang|moi) ngay\b|\blien tuc\b|\bthuong nien\b(?!.*\d)")
_BAD_QUARTER = re.compile(r"\bquy (0|[5-9]|\d{2,}|v|vi|vii|viii)\b")
_BAD_WEEKDAY = re.compile(r"\bthu (tam|chin|muoi|[89]|1\d?)\b(?=.*\btuan\b)")
_STARTS = re.compile(rf"\btu (?:nam )?({YEAR})\b")


def parse_deadline(
    text: str, ref: date | None = None, calendar: WorkingCalendar | None = None
) -> Deadline:
    """Reads one deadline phrase. `ref` is the date relative phrases count from (the plan's
    date, or today); a year left out means the next such date on or after it."""
    source = " ".join(text.split())
    ref = ref or date.today()
    calendar = calendar or default_calendar()
    phrase = normalize(text)
    if not phrase:
        raise DeadlineError(f"Chưa có thời hạn. Ví dụ cách viết: {EXAMPLES}.")
    if match := _BAD_QUARTER.search(phrase):
        raise DeadlineError(f"Không có quý {match.group(1)}: một năm có 4 quý (I, II, III, IV). "
                            f"Ví dụ cách viết: {EXAMPLES}.")
    if match := _BAD_WEEKDAY.search(phrase):
        raise DeadlineError(f"Không có «thứ {match.group(1)}» trong tuần: dùng thứ Hai … thứ Bảy "
                            f"hoặc Chủ nhật. Ví dụ cách viết: {EXAMPLES}.")
    for reader in (_read_ongoing, _read_recurring, _read_once):
        deadline = reader(phrase, source, ref, calendar)
        if deadline is not None:
            return deadline
    raise DeadlineError(_not_understood(source, phrase))


def _not_understood(source: str, phrase: str) -> str:
    understood = []
    if years := re.findall(YEAR, phrase):
        understood.append(f"năm {', '.join(dict.fromkeys(years))}")
    if re.search(r"\bthang\b", phrase):
        understood.append("có nhắc đến tháng")
    if re.search(r"\bquy\b", phrase):
        understood.append("có nhắc đến quý")
    if re.search(r"\bngay\b", phrase):
        understood.append("có nhắc đến ngày")
    seen = f" Tôi chỉ nhận ra: {'; '.join(understood)}." if understood else ""
    return f"Chưa hiểu thời hạn «{source}».{seen} Ví dụ cách viết: {EXAMPLES}."


def _read_ongoing(phrase: str, source: str, ref: date, calendar: WorkingCalendar) -> Deadline | None:
    if not _ONGOING.search(phrase):
        return None
    # "Thường xuyên" wins over dates in the same phrase: such a task has no single due day.
    return Deadline(kind="ongoing", due=None, rrule=None,
                    text="Thường xuyên (không có hạn cụ thể)", source=source)


def _recurring(
    source: str, unit: Unit, rule: str, anchor: Literal["end", "due"], text: str, *,
    offset_days: int = 0, offset_working_days: int = 0, starts: date | None = None,
) -> Deadline:
    if starts is not None:
        text = f"{text} (từ năm {starts.year})"
    return Deadline(kind="recurring", due=None, rrule=rule, text=text, source=source, unit=unit,
                    anchor=anchor, offset_days=offset_days,
                    offset_working_days=offset_working_days, starts=starts)


def _read_recurring(
    phrase: str, source: str, ref: date, calendar: WorkingCalendar
) -> Deadline | None:
    starts_match = _STARTS.search(phrase)
    starts = date(int(starts_match.group(1)), 1, 1) if starts_match else None

    if match := _MONTHS_DAY.search(phrase):
        day = int(match.group(1))
        months = sorted({_month(m) for m in re.findall(MONTH, match.group(2))
                         if m not in ("va",)})
        if len(months) >= 2:
            if not 1 <= day <= 31 or any(day > _month_days(m) for m in months):
                raise DeadlineError(f"Ngày {day} không có trong mọi tháng đã nêu. "
                                    f"Ví dụ cách viết đúng: {EXAMPLES}.")
            listed = ", ".join(f"tháng {m}" for m in months)
            return _recurring(source, "month",
                              f"FREQ=YEARLY;BYMONTH={','.join(map(str, months))};"
                              f"BYMONTHDAY={day}", "due",
                              f"Ngày {day:02d} của các {listed} hằng năm", starts=starts)

    if match := _AFTER_PERIOD.search(phrase):
        offset, working, unit_word = int(match.group(1)), bool(match.group(2)), match.group(3)
        unit: Unit = _UNIT_WORDS[unit_word]  # type: ignore[assignment]
        if unit == "week":
            return None
        if offset > 366:
            raise DeadlineError(f"{offset} ngày là quá xa. Ví dụ cách viết: {EXAMPLES}.")
        kind_of_day = "ngày làm việc" if working else "ngày"
        lead = {"month": "Hằng tháng", "quarter": "Hằng quý", "half": "6 tháng một lần",
                "year": "Hằng năm"}[unit]
        return _recurring(
            source, unit, _END_RULES[unit], "end",
            f"{lead}, chậm nhất {offset} {kind_of_day} sau khi kết thúc {_UNIT_NAMES[unit]}",
            offset_days=0 if working else offset, offset_working_days=offset if working else 0,
            starts=starts)

    if _WEEKLY.search(phrase):
        match = _WEEKLY.search(phrase)
        assert match is not None
        word = match.group(1) or match.group(3)
        weekday = 6 if (match.group(2) or match.group(4)) else _WEEKDAYS[word]
        return _recurring(source, "week", f"FREQ=WEEKLY;BYDAY={_RRULE_DAYS[weekday]}", "due",
                          f"{_WEEKDAY_NAMES[weekday]} hằng tuần", starts=starts)

    if match := _MONTHLY_DAY.search(phrase):
        day = int(match.group(1) or match.group(2))
        if not 1 <= day <= 31:
            raise DeadlineError(f"Không có ngày {day} trong tháng. Ví dụ: {EXAMPLES}.")
        month_day = -1 if day == 31 else day
        return _recurring(source, "month", f"FREQ=MONTHLY;BYMONTHDAY={month_day}", "due",
                          f"Ngày {day} hằng tháng", starts=starts)

    if match := _QUARTER_DAY.search(phrase):
        day = int(match.group(1))
        if not 1 <= day <= 30:
            raise DeadlineError(f"Không có ngày {day} trong mọi tháng cuối quý. Ví dụ: {EXAMPLES}.")
        return _recurring(source, "quarter", f"FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY={day}",
                          "due", f"Hằng quý, ngày {day} của tháng cuối quý", starts=starts)

    if _EVERY["year"].search(phrase) and (match := _YEARLY_DAY.search(phrase)):
        groups = [g for g in match.groups()]
        pairs = [(groups[i], groups[i + 1]) for i in range(0, 8, 2)]
        day_text, month_text = next((d, m) for d, m in pairs if d is not None)
        day, month = int(day_text), _month(month_text)
        _make_date(2024, month, day)  # a leap year: 29/02 is allowed, 30/02 is not
        return _recurring(source, "year", f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}",
                          "due", f"Hằng năm, ngày {day:02d}/{month:02d}", starts=starts)

    for unit_name in ("week", "quarter", "half", "month"):
        if _EVERY[unit_name].search(phrase):
            unit = unit_name  # type: ignore[assignment]
            if unit == "week":
                return _recurring(source, "week", "FREQ=WEEKLY;BYDAY=FR", "due",
                                  "Thứ Sáu hằng tuần", starts=starts)
            lead = {"month": "Hằng tháng, hạn ngày cuối tháng",
                    "quarter": "Hằng quý, hạn ngày cuối quý",
                    "half": "6 tháng một lần, hạn ngày cuối của mỗi 6 tháng"}[unit]
            return _recurring(source, unit, _END_RULES[unit], "end", lead, starts=starts)

    if _EVERY["year"].search(phrase):
        # "Quý I/2023 và những năm tiếp theo", "tháng 6 hằng năm": the same day every year.
        once = _read_once(phrase, source, ref, calendar, allow_relative=False)
        if once is not None and once.due is not None:
            first_year = once.due.year if re.search(YEAR, phrase) else None
            year_start = date(first_year, 1, 1) if first_year else starts
            due = once.due
            return _recurring(source, "year",
                              f"FREQ=YEARLY;BYMONTH={due.month};BYMONTHDAY={due.day}", "due",
                              f"Hằng năm, ngày {due.day:02d}/{due.month:02d}", starts=year_start)
        return _recurring(source, "year", _END_RULES["year"], "end",
                          "Hằng năm, hạn ngày cuối năm", starts=starts)
    return None


def _month_days(month: int) -> int:
    return month_calendar.monthrange(2024, month)[1]


def _read_once(
    phrase: str, source: str, ref: date, calendar: WorkingCalendar, *,
    allow_relative: bool = True,
) -> Deadline | None:
    def once(due: date, text: str | None = None) -> Deadline:
        return Deadline(kind="once", due=due, rrule=None,
                        text=text or f"Một lần, hạn {format_date(due)}", source=source)

    if allow_relative and (match := _WORKING_DAYS_FROM.search(phrase)):
        count, working = int(match.group(1)), bool(match.group(2))
        rest = phrase[match.end():]
        start = ref
        if (explicit := _FULL_DATE.search(rest)) is not None:
            start = _make_date(_year(explicit.group(4)), int(explicit.group(3)),
                               int(explicit.group(1)))
        elif (wordy := _WORDY_DATE.search(rest)) is not None:
            start = _make_date(int(wordy.group(3)), _month(wordy.group(2)), int(wordy.group(1)))
        if working:
            due = calendar.add_working_days(start, count)
            return once(due, f"Một lần, hạn {format_date(due)} ({count} ngày làm việc kể từ "
                             f"ngày {format_date(start)})")
        due = start + timedelta(days=count)
        return once(due, f"Một lần, hạn {format_date(due)} ({count} ngày kể từ ngày "
                         f"{format_date(start)})")

    candidates: list[tuple[int, date]] = []
    for match in _FULL_DATE.finditer(phrase):
        candidates.append((match.start(), _make_date(_year(match.group(4)), int(match.group(3)),
                                                     int(match.group(1)))))
    for match in _WORDY_DATE.finditer(phrase):
        candidates.append((match.start(), _make_date(int(match.group(3)), _month(match.group(2)),
                                                     int(match.group(1)))))
    for match in _HALF_OF_YEAR.finditer(phrase):
        months = _number(match.group(1))
        year = int(match.group(3)) if match.group(3) else ref.year
        end_month = months if match.group(2) == "dau" else 12
        candidates.append((match.start(), _month_end(year, end_month)))
    for match in _QUARTER.finditer(phrase):
        quarter = _number(match.group(1))
        if match.group(2):
            candidates.append((match.start(), _quarter_end(int(match.group(2)), quarter)))
        else:
            due = _quarter_end(ref.year, quarter)
            candidates.append((match.start(), due if due >= ref else
                               _quarter_end(ref.year + 1, quarter)))
    for match in _MONTH_YEAR.finditer(phrase):
        if _inside(match.start(), phrase, candidates):
            continue
        candidates.append((match.start(), _month_end(int(match.group(2)), _month(match.group(1)))))
    if candidates:
        return once(min(candidates)[1])

    for match in _WORDY_DAY_MONTH.finditer(phrase):
        return once(_next_day_month(ref, int(match.group(1)), _month(match.group(2))))
    for match in _DAY_MONTH.finditer(phrase):
        day, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return once(_next_day_month(ref, day, month))
    for match in _MONTH_ONLY.finditer(phrase):
        month = _month(match.group(1))
        due = _month_end(ref.year, month)
        return once(due if due >= ref else _month_end(ref.year + 1, month))
    if match := _YEAR_ONLY.search(phrase):
        return once(date(int(match.group(1)), 12, 31))
    return None


def _inside(position: int, phrase: str, candidates: list[tuple[int, date]]) -> bool:
    return any(start <= position < start + 12 for start, _ in candidates)


def _next_day_month(ref: date, day: int, month: int) -> date:
    if month == 2 and day == 29:
        year = ref.year
        while not month_calendar.isleap(year) or date(year, 2, 29) < ref:
            year += 1
        return date(year, 2, 29)
    due = _make_date(ref.year, month, day)
    return due if due >= ref else _make_date(ref.year + 1, month, day)
