"""Deadline phrases inside a plan: reporting regimes and once-dates, read through `timelang.deadlines`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from plans.text import (
    fold,
)
from timelang.deadlines import read_first

if TYPE_CHECKING:
    from timelang.deadlines import Deadline


# --- deadlines -----------------------------------------------------------------------------


def read_deadline(
    candidates: Iterable[str], reference: date, calendar: Any = None
) -> tuple[Deadline | None, str | None]:
    """The product's one deadline reader (timelang.deadlines) on the candidate phrases: the
    first that reads, else (None, why) and the task stays unsure for the admin to fix."""
    return read_first(candidates, reference, calendar)


# "Từ tháng 11/2013 trở đi", "Từ năm 2013 đến năm 2020 và tiếp theo": when work starts, with
# no end; such a phrase is not a deadline (and not an unread one either).
_OPEN_START = re.compile(
    r"^(?:bat dau\s+)?tu\s+(?:ngay|thang|quy|nam|\d)(?!.*\b(?:den|truoc|cham nhat)\b.*\d(?!.*tiep theo))"
    r"|^(?:bat dau\s+)?tu\s+.*(?:tro di|tiep theo|ve sau)\s*$"
)
_CLOSED_SPAN = re.compile(r"^(?:bắt đầu\s+)?từ\s+.+?\s+(?:đến|tới)\s+(?P<end>.+)$", re.I)
# "Giai đoạn 2026-2030 và những năm tiếp theo": a period that goes on; no deadline either.
_OPEN_PERIOD = re.compile(r"\d{4}\s*[-–]\s*\d{4}\b.*\btiep theo\b|\bden nam \d{4}\b.*\btiep theo\b")
# "Năm 2026 - 2027", "giai đoạn 2024-2025": a closed range of years is due at its end.
_YEAR_RANGE = re.compile(
    r"^(?:(?:trong\s+)?(?:năm|giai đoạn)\s+)?(?P<start>\d{4})\s*[-–]\s*(?P<end>\d{4})$", re.I
)
# "Tháng 11 - 12/2025", "Quý IV/2025 - Quý II/2026": a closed range of months or quarters is
# due at the end of its last one (the year written once, at the end, is that one's).
_PERIOD_RANGE = re.compile(
    r"^(?P<unit>tháng|quý)\s+(?:[IV]+|\d{1,2})(?:\s*(?:/|năm)\s*\d{4})?\s*[-–]\s*"
    r"(?:(?:tháng|quý)\s+)?(?P<end>(?:[IV]+|\d{1,2})\s*(?:/|năm)\s*\d{4})$",
    re.I,
)
# "Tháng 11, 12/2013": several months of one year; the work is due at the end of the last.
# "Quý I, II/2026" likewise.
_MONTH_LIST = re.compile(
    r"^(?P<head>tháng|quý)\s+(?:(?:\d{1,2}|[IV]+)\s*,\s*)+(?P<last>(?:\d{1,2}|[IV]+)\s*/\s*\d{4})",
    re.I,
)
_PERIOD_LIST = re.compile(
    r"^(?:định kỳ\s+)?(?P<months>\d{1,2})\s+tháng\s*,\s*(?:(?:hàng|hằng)\s+năm|\d\s+năm)"
    r"(?:\s*(?:,|và)\s*(?:định kỳ|đột xuất))?$",
    re.I,
)
_STANDING_AND_PERIOD = re.compile(
    r"^thường xuyên\s*(?:,|;|và|,\s*và)\s*(?P<period>(?:định kỳ\s+)?(?:hàng|hằng|mỗi)\s+\w+.*)$",
    re.I,
)
# "… và những năm tiếp theo", "… và hằng năm": the dated duty comes back; read as written.
_NEXT_YEARS = re.compile(
    r"(?:những|các)\s+năm\s+tiếp\s+theo|năm\s+tiếp\s+theo|^(?:hằng|hàng|mỗi)\s+năm$", re.I
)
# "Theo kế hoạch công tác hằng năm", "Theo tiến độ …", "Sau khi Nghị định … ban hành": the time
# depends on another plan or event; there is no date to read, and "hằng năm" there is not a
# reporting regime.
_DEPENDENT_TIME = re.compile(
    r"^(?:theo\s+(?:ke hoach|tien do|lo trinh|huong dan|yeu cau|quy dinh|chi dao|thoi gian)"
    r"|sau khi\b|khi co\b)"
)


def is_open_start(value: str) -> bool:
    """True for a start phrase with no end date ("Từ tháng 11/2013 trở đi", "Giai đoạn
    2026-2030 và những năm tiếp theo")."""
    folded = fold(value.strip(" .;,:"))
    return bool(_OPEN_START.search(folded) or _OPEN_PERIOD.search(folded))


def is_dependent_time(value: str) -> bool:
    """True for a time set by another plan or event ("Theo kế hoạch … hằng năm", "Sau khi …
    ban hành"): not a deadline the parser may read; the officer sets it."""
    return bool(_DEPENDENT_TIME.match(fold(value.strip(" .;,:-"))))


def _phrase_candidates(value: str) -> list[str]:
    """The phrase as written, then shorter readings: "Quý I/2023 và những năm tiếp theo"
    -> also "Quý I/2023". A closed span "Từ năm 2024 đến năm 2025" is due at its end."""
    value = value.strip(" .;,:")
    span = _CLOSED_SPAN.match(value)
    if span:
        value = span.group("end").strip(" .;,:")
    years = _YEAR_RANGE.match(value)
    if years and int(years.group("end")) > int(years.group("start")):
        value = f"năm {years.group('end')}"
    period_range = _PERIOD_RANGE.match(value)
    if period_range:
        value = f"{period_range.group('unit')} {period_range.group('end')}"
    months = _MONTH_LIST.match(value)
    if months:
        value = f"{months.group('head')} {months.group('last')}{value[months.end():]}"
    head, joined, tail = value.partition(" và ")
    if joined and re.search(r"\d", head) and not re.search(r"\d", tail) and not _NEXT_YEARS.search(
        tail
    ):
        # "Tháng 12/2013 và kiện toàn thường xuyên", "… và bổ sung, sửa đổi hằng năm": the
        # dated part is the deadline; what follows is upkeep, not a second date. ("… và những
        # năm tiếp theo" repeats the duty itself: read as written.)
        value = head.strip(" .;,:")
    candidates = [value]
    standing = _STANDING_AND_PERIOD.match(value)
    if standing:
        # "Thường xuyên, hằng năm": standing work with a yearly round; the round is the date
        # to remind of, so it is read first.
        candidates.insert(0, standing.group("period"))
    for separator in (" và ", " (", "(", ";", ",", " đến ", " - "):
        head = value.split(separator, 1)[0].strip(" .;,:")
        if head and head not in candidates:
            candidates.append(head)
    # "6 tháng, hằng năm và định kỳ": a list of reporting periods.
    periods = _PERIOD_LIST.match(value)
    if periods:
        candidates.insert(1, f"định kỳ {periods.group('months')} tháng")
    # "… ; …": the first piece that reads.
    for piece in re.split(r"\s*[,;]\s*|\s+và\s+", value):
        piece = piece.strip(" .;,:")
        if piece and piece not in candidates:
            candidates.append(piece)
    return candidates


_FREQ = r"(?:tuần|tháng|quý|năm|0?6\s+tháng)"
_PERIODIC = re.compile(
    rf"định\s+kỳ\s+(?:(?:hàng|hằng|mỗi)\s+(?P<freq>{_FREQ}))(?:\s+một\s+lần)?", re.I
)
_PERIODIC_LEAD = re.compile(
    r"(?:(?:cuộc\s+)?(?:họp|báo cáo|giao ban|sơ kết)(?:\s+\S+){0,2}?\s+)$", re.I
)
_DUE_CLAUSE = re.compile(
    r"\s*,?\s*(?:chậm nhất|trước)\s+(?:là\s+)?(?:ngày\s+)?\d{1,2}\b[^.;()]*", re.I
)
_TIME_HINT = re.compile(r"chậm nhất|trước|ngày|hạn", re.I)
_MULTI_MONTHS = re.compile(
    r"(?:báo cáo\s+)?định\s+kỳ\s+\d{1,2}\s+tháng(?:\s*,\s*\d{1,2}\s+tháng)+"
    r"(?:\s*,?\s*(?:và\s+)?(?:cả\s+)?năm)?",
    re.I,
)
_MONTH_DAYS = re.compile(
    r"(?:chậm nhất|trước)\s+(?:là\s+)?(?:vào\s+)?ngày\s+\d{1,2}\s+(?:của\s+)?(?:các\s+)?tháng\s+\d{1,2}"
    r"(?:\s*,\s*(?:(?:và\s+)?tháng\s+)?\d{1,2})+",
    re.I,
)
_PERIOD_END = re.compile(r"cuối\s+(?P<freq>năm|quý|tháng)\s*\(\s*chậm nhất[^)]*\)", re.I)
# A day of a month as prose writes it: "15/12", "15 tháng 12" (no year: it recurs).
_DAY_OF_MONTH = r"\d{1,2}\s*/\s*\d{1,2}(?!\s*/\s*\d)|\d{1,2}\s+tháng\s+\d{1,2}(?!\s*(?:/|năm)\s*\d)"
_EVERY_BY_DAY = re.compile(
    r"(?:hàng|hằng|mỗi)\s+(?P<freq>tuần|tháng|quý|năm)\s*,?\s*(?:(?:gửi\s+)?báo cáo\s+)?"
    r"(?:chậm nhất|trước)\s+(?:là\s+)?ngày\s+"
    rf"(?:{_DAY_OF_MONTH}|\d{{1,2}})(?:\s+(?:hàng|hằng|của)\s+tháng)?",
    re.I,
)
# "trước ngày 15 hằng tháng": the day first, then how often.
_DAY_OF_EVERY = re.compile(
    r"(?:chậm nhất|trước)\s+(?:là\s+)?(?:vào\s+)?ngày\s+\d{1,2}\s+(?:hàng|hằng|mỗi)\s+"
    r"(?P<freq>tuần|tháng|quý)",
    re.I,
)
_DATE = r"\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{2,4})?(?!\d)"
_DATE_WORDS = r"\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?"
_ONCE_BY_DATE = re.compile(
    rf"(?:(?:chậm nhất|muộn nhất|hạn chót|hoàn thành|xong)\s+(?:là\s+)?(?:trước\s+|vào\s+|trong\s+)?"
    rf"(?:ngày\s+)?|trước\s+ngày\s+)(?:{_DATE}|{_DATE_WORDS})",
    re.I,
)
_ONCE_AFTER_EVENT = re.compile(
    r"(?:chậm nhất|trong vòng|trong thời hạn|trong)\s+\d{1,3}\s+ngày(?:\s+làm\s+việc)?\s+"
    r"(?:kể từ|sau|từ)\s+(?:ngày|khi)[^.;()]*",
    re.I,
)
_ONCE_PERIOD = re.compile(
    r"(?:chậm nhất|hoàn thành trong|hoàn thành trước|hoàn thành|trong|trước)\s+"
    r"(?:tháng\s+\d{1,2}(?:\s*/\s*|\s+năm\s+)\d{4}|quý\s+(?:[IV]+|\d)(?:\s*/\s*|\s+năm\s+)\d{4}"
    r"|năm\s+\d{4}(?!\s*[-–])(?!\s+và\s+(?:các|những)\s+năm)"
    # "trong quý IV", "trước tháng 9", "hoàn thành trong 6 tháng đầu năm": a period named
    # without its year is the next one (the reader's rule).
    r"|quý\s+(?:IV|III|II|I|[1-4])\b(?!\s*(?:/|-|năm)\s*\d)"
    r"|tháng\s+\d{1,2}\b(?!\s*(?:/|-|năm)\s*\d)(?!\s*(?:,|và)\s*(?:tháng\s+)?\d)"
    r"|(?:0?6|sáu|9|chín|3|ba)\s+tháng\s+(?:đầu|cuối)\s+năm(?:\s+\d{4})?)",
    re.I,
)
# "…; thời gian hoàn thành: Quý III/2025", "Thời hạn ban hành: trước ngày …" inside an item's
# text, and "Năm 2025: Sở X …" opening it: a labelled time of the duty.
_ONCE_LABELLED_TIME = re.compile(
    r"(?:^|[,;.]\s*|\s)(?:thời gian|thời hạn)(?:\s+(?:hoàn thành|thực hiện|ban hành|trình))?\s*:"
    r"\s*(?P<time>[^.;()]{2,80})",
    re.I,
)
_ONCE_OPENING_PERIOD = re.compile(
    r"^(?P<time>năm\s+\d{4}|quý\s+(?:IV|III|II|I|[1-4])\s*/\s*\d{4}|tháng\s+\d{1,2}\s*/\s*\d{4})\s*:",
    re.I,
)
# "… các nội dung, nhiệm vụ từ năm 2013 đến năm 2015": a closed span inside the duty.
# "Tổng kết giai đoạn 2013-2015 vào năm 2015": the year the duty falls in.
_ONCE_IN_YEAR = re.compile(r"\bvào\s+(?:cuối\s+)?năm\s+\d{4}\b", re.I)
_ONCE_SPAN = re.compile(
    r"từ\s+năm\s+\d{4}\s+(?:đến|tới)\s+năm\s+\d{4}(?![^.;]*tiếp theo)"
    # "thực hiện từ ngày 01/3/2025 đến ngày 30/6/2025": due at the span's end.
    rf"|từ\s+(?:ngày\s+)?(?:{_DATE})\s+(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?(?:{_DATE})",
    re.I,
)
# "Tựu trường: Ngày 26/8/2024 (thứ Hai)": a label, then the day it happens.
_ONCE_LABELLED_DAY = re.compile(
    rf"^[^:.;]{{3,80}}:\s*(?P<day>ngày\s+(?:{_DATE}|{_DATE_WORDS}))(?!\s*(?:đến|tới|-))", re.I
)


# "3 tháng một lần", "6 tháng một lần": a reporting period in words.
_EVERY_N_MONTHS = re.compile(r"\b(?:\d{1,2}|ba|sáu)\s+tháng\s+(?:một|1)\s+lần\b", re.I)
# "tần suất 02 lần/năm", "hai lần mỗi năm": how many times in a period (the reader says which
# counts it can schedule and refuses the others).
_TIMES_PER_PERIOD = re.compile(
    r"\b(?:\d{1,2}|một|hai|ba|bốn|sáu)\s+lần\s*(?:/|mỗi|một|trong|trên)\s*(?:(?:1|một)\s+)?"
    r"(?:tuần|tháng|quý|năm)\b",
    re.I,
)
# "Hàng năm, các bộ … báo cáo kết quả": the period opens the sentence whose verb is a report.
_PERIOD_THEN_REPORT = re.compile(
    r"(?:^|[.;:]\s*)(?P<period>(?:hàng|hằng)\s+(?P<freq>tháng|quý|năm))\s*,?\s+(?:[^.;]{0,120}?)"
    r"\bbáo cáo\b",
    re.I,
)

# "Hằng năm, tổ chức kiểm tra …": a duty that opens with its period is done each period.
_PERIOD_OPENS_DUTY = re.compile(
    r"^(?P<period>(?:hàng|hằng)\s+(?P<freq>tháng|quý|năm))\s*,\s+\S", re.I
)
# "Tổ chức tập huấn … cho trẻ em hàng năm.": the period closing the duty's sentence — unless
# it names a plan's or a budget's year ("… vào dự toán ngân sách hằng năm.").
_PERIOD_CLOSES_DUTY = re.compile(
    r"(?P<before>\S+\s+\S+\s+)(?P<period>(?:hàng|hằng)\s+(?P<freq>tháng|quý|năm))\s*\.\s*$", re.I
)
_PLAN_OR_BUDGET_BEFORE = re.compile(
    r"\b(?:ke hoach|chuong trinh|de an|du toan|ngan sach|kinh phi|cong tac|nhiem vu|chi tieu)"
    r"(?:\s+\S+)?\s*$"
)

# "chậm nhất là vào ngày …", "trước ngày …", or the day alone.
_BY_DAY = r"(?:(?:chậm nhất|trước)\s+(?:là\s+)?(?:vào\s+)?)?"
# "trước ngày 15 tháng 12 hằng năm", "chậm nhất ngày 25/6 và ngày 25/12 hằng năm": due days
# that come back each year; read as once they would silently drop the recurrence.
_DAYS_EVERY_YEAR = re.compile(
    rf"{_BY_DAY}ngày\s+(?:{_DAY_OF_MONTH})"
    rf"(?:\s*(?:,|và)\s*(?:ngày\s+)?(?:{_DAY_OF_MONTH}))*\s*,?\s*(?:của\s+)?(?:hằng|hàng|mỗi)\s+năm\b"
    # "trước ngày 15/12/2025 và hằng năm": the first of them, then each year.
    rf"|{_BY_DAY}" r"ngày\s+(?:\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}"
    r"|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})\s*,?\s*và\s+(?:hằng|hàng|mỗi)\s+năm\b",
    re.I,
)
# "trước ngày 20 (của) tháng cuối (mỗi) quý": a day in the last month of every quarter.
_QUARTER_LAST_MONTH = re.compile(
    rf"{_BY_DAY}" r"ngày\s+\d{1,2}\s+(?:của\s+)?tháng\s+cuối"
    r"\s+(?:của\s+)?(?:mỗi\s+)?quý\b",
    re.I,
)
# "báo cáo … kết quả thực hiện hằng năm (trước ngày 15 tháng 11)", "báo cáo kết quả định kỳ 6
# tháng": how often a report is due, written after its verb in the same clause.
_REPORT_PERIOD = re.compile(
    r"\bbáo cáo\b(?P<gap>[^.;]{0,120}?)(?P<period>(?:định kỳ\s+)?(?:hằng|hàng|mỗi)\s+"
    r"(?P<freq>ngày|tuần|tháng|quý|năm)\b|định kỳ\s+(?P<freq2>0?6\s+tháng|sáu\s+tháng|tháng|quý|năm)\b(?!\s*,))"
    # "hàng tháng và định kỳ": a second, unnamed period; not a regime to read as one.
    r"(?!\s*(?:và|hoặc)\s+định kỳ\b(?!\s+(?:hàng|hằng|mỗi)))",
    re.I,
)
# "báo cáo định kỳ 6 tháng, năm (trước ngày 15/6 và 15/12)": the half-year and the year's report.
_HALF_AND_YEAR = re.compile(
    r"định\s+kỳ\s+(?:0?6|sáu)\s+tháng\s*(?:,|và)\s*(?:cả\s+)?(?:(?:hằng|hàng|mỗi)\s+)?năm\b", re.I
)
# "gửi báo cáo 6 tháng (trước ngày 15/6) và báo cáo năm (trước ngày 15/12)": a report named by
# its period, with its day in brackets; the name says it recurs.
_NAMED_REPORT = re.compile(
    r"\bbáo cáo\s+(?P<freq>0?6\s+tháng|sáu\s+tháng|quý|năm|tháng)\s*(?=\([^)]*\d[^)]*\))", re.I
)
# What a report's period is not: "dự toán ngân sách hằng năm", "theo kế hoạch … hằng năm".
_NOT_REPORT_PERIOD = re.compile(r"\b(?:du toan|ngan sach|theo ke hoach|theo chuong trinh)\b")
# "báo cáo … để đưa vào kế hoạch (công tác) hằng năm": the period names the plan, unless a day
# follows it ("… Kế hoạch hằng năm (trước ngày 15 tháng 11)").
_PLAN_NOUN_BEFORE = re.compile(r"\b(?:ke hoach|chuong trinh|de an)(?:\s+\S+){0,2}\s*$")
# "định kỳ báo cáo … theo quy định", "chế độ báo cáo định kỳ": a report that recurs, with no
# period said. Not a date to guess: the task says its deadline was not read.
_VAGUE_REGIME = re.compile(
    r"\bđịnh kỳ\s+(?:[^.;]{0,40}?\s)?báo cáo\b[^.;]{0,80}|\bbáo cáo\s+định kỳ\b[^.;]{0,80}", re.I
)


@dataclass(frozen=True)
class _Regime:
    """A recurring duty named in the text of a task."""

    text: str
    candidates: list[str]
    frequency: str
    start: int
    # Read from a report's wording, not from a time phrase of its own ("báo cáo … hằng năm"):
    # a labelled time of the task ("Thời gian thực hiện: Năm 2024") says more.
    weak: bool = False


def _recurring_regimes(text: str) -> list[_Regime]:
    # A paragraph is looked at whole, then by duty and by sentence: read each text once.
    return list(_regimes_of(text))


@lru_cache(maxsize=2048)
def _regimes_of(text: str) -> tuple[_Regime, ...]:
    found: list[_Regime] = []
    lowered = text.lower()
    multi = _MULTI_MONTHS.search(text)
    month_days = _MONTH_DAYS.search(text)
    if multi and month_days and 0 <= month_days.start() - multi.end() <= 200:
        span = text[multi.start() : month_days.end()]
        found.append(
            _Regime(span, [span, month_days.group(0), multi.group(0)], "kỳ báo cáo", multi.start())
        )
    elif multi:
        found.append(_Regime(multi.group(0), [multi.group(0)], "kỳ báo cáo", multi.start()))
    elif month_days:
        found.append(
            _Regime(month_days.group(0), [month_days.group(0)], "kỳ báo cáo", month_days.start())
        )
    for match in _PERIODIC.finditer(text):
        start = match.start()
        lead = _PERIODIC_LEAD.search(text[max(0, start - 40) : start])
        if lead:
            start = max(0, start - 40) + lead.start()
        end = match.end()
        paren = re.match(r"\s*\([^)]*\)", text[end:])
        if paren is None:
            # "định kỳ hàng quý gửi về Sở Xây dựng (trước ngày 20 tháng cuối quý)".
            later = re.match(r"[^.;()]{0,80}?(\([^)]*\))", text[end:])
            if later and _TIME_HINT.search(later.group(1)):
                bare_paren = f"{text[start:end]} {later.group(1)}"
                found.append(
                    _Regime(
                        bare_paren,
                        [bare_paren, text[start:end]],
                        fold(match.group("freq")),
                        start,
                    )
                )
                continue
        # "(chậm nhất 05 ngày sau khi kết thúc tháng)" belongs to the duty; "(họp đột xuất khi
        # có yêu cầu)" does not.
        with_paren = (
            text[start : end + paren.end()] if paren and _TIME_HINT.search(paren.group(0)) else None
        )
        bare = text[start:end]
        due = _DUE_CLAUSE.match(text[end:]) if not with_paren else None
        with_due = text[start : end + due.end()].rstrip(" ,") if due else None
        candidates = [c for c in (with_due, with_paren, bare, match.group(0)) if c]
        found.append(_Regime(candidates[0], candidates, fold(match.group("freq")), start))
    every_year = any(word in lowered for word in ("hằng năm", "hàng năm", "mỗi năm"))
    for match in _DAYS_EVERY_YEAR.finditer(text) if every_year else ():
        found.append(_Regime(match.group(0), [match.group(0)], "nam", match.start()))
    for match in _QUARTER_LAST_MONTH.finditer(text) if "cuối" in lowered else ():
        found.append(_Regime(match.group(0), [match.group(0)], "quy", match.start()))
    for match in _REPORT_PERIOD.finditer(text):
        if _NOT_REPORT_PERIOD.search(fold(match.group("gap"))):
            continue
        start, end = match.start("period"), match.end("period")
        if _PLAN_NOUN_BEFORE.search(fold(match.group("gap"))) and _time_after(text, end) == end:
            continue
        phrase = text[start : _time_after(text, end)].rstrip(" ,")
        freq = fold(match.group("freq") or match.group("freq2"))
        if freq == "ngay":
            # "báo cáo nhanh hàng ngày": the reader makes a daily report recur; "hằng ngày"
            # alone is ongoing work, so the report's words go with it.
            gap = match.group("gap")
            if len(gap.split()) > 3:
                continue
            phrase = text[match.start() : end]
            found.append(_Regime(phrase, [phrase], freq, match.start(), weak=True))
            continue
        found.append(_Regime(phrase, [phrase, match.group("period")], freq, start, weak=True))
    for match in _HALF_AND_YEAR.finditer(text):
        phrase = text[match.start() : _time_after(text, match.end())].rstrip(" ,")
        found.append(_Regime(phrase, [phrase, match.group(0)], "6 thang", match.start()))
    for match in _NAMED_REPORT.finditer(text):
        end = _time_after(text, match.end())
        if end == match.end():
            continue
        freq = " ".join(match.group("freq").split())
        # Said as the reader says a recurring report: "định kỳ năm (trước ngày 15/12)".
        phrase = f"định kỳ {freq} {text[match.end():end].strip()}"
        found.append(
            _Regime(text[match.start() : end], [phrase], fold(freq), match.start())
        )
    for match in _EVERY_N_MONTHS.finditer(text):
        found.append(_Regime(match.group(0), [match.group(0)], "n thang", match.start()))
    for match in _TIMES_PER_PERIOD.finditer(text):
        found.append(_Regime(match.group(0), [match.group(0)], "lan", match.start()))
    for match in _PERIOD_THEN_REPORT.finditer(text):
        period = match.group("period")
        found.append(
            _Regime(period, [period], fold(match.group("freq")), match.start("period"))
        )
    opening = _PERIOD_OPENS_DUTY.match(text)
    if opening:
        period = opening.group("period")
        found.append(_Regime(period, [period], fold(opening.group("freq")), 0))
    closing = _PERIOD_CLOSES_DUTY.search(text)
    if closing and not _PLAN_OR_BUDGET_BEFORE.search(fold(text[: closing.start("period")])):
        period = closing.group("period")
        found.append(
            _Regime(period, [period], fold(closing.group("freq")), closing.start("period"))
        )
    for match in _PERIOD_END.finditer(text):
        # A duty among recurring ones ("họp định kỳ hàng tháng (…), cuối năm (…)"): the
        # deadline reader makes "cuối năm" recur only with a recurrence word, so say it.
        found.append(
            _Regime(match.group(0), [f"định kỳ {match.group(0)}"],
                    f"cuối {fold(match.group('freq'))}", match.start())
        )
    for match in _EVERY_BY_DAY.finditer(text):
        found.append(
            _Regime(match.group(0), [match.group(0)], fold(match.group("freq")), match.start())
        )
    for match in _DAY_OF_EVERY.finditer(text):
        found.append(
            _Regime(match.group(0), [match.group(0)], fold(match.group("freq")), match.start())
        )
    # At one place the longest reading first ("Hằng năm, trước ngày 15/12" before "Hằng năm").
    found.sort(key=lambda regime: (regime.start, -len(regime.text)))
    unique: list[_Regime] = []
    for regime in found:
        overlaps = any(
            regime.start < other.start + len(other.text)
            and other.start < regime.start + len(regime.text)
            for other in unique
        )
        if overlaps or any(other.frequency == regime.frequency for other in unique):
            continue
        unique.append(regime)
    return tuple(unique)


# "… các Đội quy tập (năm 2013 và kiện toàn thường xuyên)", "… ở các cấp (Quý IV/2025)": a
# time in brackets that closes the sentence is when the sentence's work is due.
_ONCE_CLOSING_BRACKET = re.compile(
    r"\((?P<time>(?:(?:trong|hoàn thành|hoàn thành trong|trước|chậm nhất)\s+)?"
    r"(?:năm\s+\d{4}|quý\s+(?:[IV]+|\d)\s*/\s*\d{4}|quý\s+(?:[IV]+|\d)\s+năm\s+\d{4}"
    r"|tháng\s+\d{1,2}\s*/\s*\d{4})[^()]{0,80})\)(?=\s*(?:[.;]|$))",
    re.I,
)


def _time_after(text: str, end: int) -> int:
    """Where a period's own time ends: "hằng năm (trước ngày 15 tháng 11)", "hằng quý, chậm
    nhất ngày 20 …" — the day in brackets or the due clause after it belongs to the period."""
    paren = re.match(r"\s*\([^)]*\)", text[end:])
    if paren and _TIME_HINT.search(paren.group(0)):
        return end + paren.end()
    due = _DUE_CLAUSE.match(text[end:])
    return end + due.end() if due else end


@lru_cache(maxsize=4096)
def _once_phrase(text: str, *, loose: bool = False) -> str | None:
    matches = [
        match
        for pattern in (_ONCE_BY_DATE, _ONCE_AFTER_EVENT, _ONCE_PERIOD, _ONCE_SPAN)
        for match in pattern.finditer(text)
    ]
    for pattern in (_ONCE_LABELLED_TIME, _ONCE_OPENING_PERIOD):
        labelled = pattern.search(text)
        if labelled:
            value = labelled.group("time").strip(" ,;.")
            # "Thời gian thực hiện: Từ tháng 11/2025 trở đi", "…: Theo kế hoạch …": the
            # label's own rules; here it is no date.
            return None if is_open_start(value) or is_dependent_time(value) else value
    if not matches:
        closing = _ONCE_CLOSING_BRACKET.search(text)
        if closing:
            return closing.group("time").strip(" ,;.")
    labelled = _ONCE_LABELLED_DAY.search(text[:200])
    if labelled and not matches:
        return labelled.group("day").strip(" ,;.")
    if loose and not matches:
        # "Tổng kết … vào năm 2015": a year the duty falls in (not a reason to split a
        # paragraph into several duties, hence only when asked).
        matches = list(_ONCE_IN_YEAR.finditer(text))
    if not matches:
        return None
    first = min(matches, key=lambda match: match.start())
    return first.group(0).strip(" ,;.")


def vague_regime(text: str) -> str | None:
    """"định kỳ báo cáo UBND tỉnh theo quy định": a recurring report whose period the text does
    not say. The phrase, for the task to show as a deadline it could not read; None otherwise."""
    match = _VAGUE_REGIME.search(text)
    return match.group(0).strip(" ,.;:") if match else None


_CLAUSE_BREAK = re.compile(r"\s*,\s+|\s+và\s+")


def dated_clauses(text: str) -> list[str]:
    """"ban hành quy chế trước ngày 30/6/2025 và báo cáo kết quả trước ngày 15/12/2025": the
    clauses of one duty list, each ending with its own date; the text whole when it holds
    fewer than two dates, or a regime ("trước ngày 15/6 và 15/12 hằng năm" is one duty).
    "hoàn thành trước ngày 30/6/2025, báo cáo kết quả hằng quý": a date and a regime, two
    duties."""
    onces = _once_matches(text)
    regimes = _recurring_regimes(text) if onces else []
    if len(onces) + len(regimes) < 2 or any(
        regime.start <= match.start() < regime.start + len(regime.text)
        for regime in regimes
        for match in onces
    ):
        return [text]
    clauses: list[str] = []
    current = ""
    position = 0
    for piece_break in [*_CLAUSE_BREAK.finditer(text), None]:
        end = piece_break.start() if piece_break else len(text)
        piece = text[position:end]
        current = f"{current}{piece}"
        position = piece_break.end() if piece_break else len(text)
        once = _once_phrase(piece) or next((r.text for r in _recurring_regimes(piece)), None)
        # A clause that is nothing but its date ("Chậm nhất ngày 30/6/2025, các sở …") opens
        # the duty after it rather than being one.
        if once and len(piece.replace(once, "").split()) >= 2:
            clauses.append(current.strip(" ,"))
            current = ""
        elif piece_break is not None:
            current += piece_break.group(0)
    if current.strip(" ,"):
        if clauses:
            clauses[-1] = f"{clauses[-1]}, {current.strip(' ,')}"
        else:
            clauses.append(current.strip(" ,"))
    return clauses if len(clauses) >= 2 else [text]


def _once_matches(text: str) -> list[re.Match[str]]:
    return [
        match
        for pattern in (_ONCE_BY_DATE, _ONCE_AFTER_EVENT, _ONCE_PERIOD)
        for match in pattern.finditer(text)
    ]


def holds_deadline(text: str) -> bool:
    """True when a paragraph states a due date or a reporting regime of its own ("… gửi báo
    cáo … trước ngày 16 tháng 12 năm 2025 …"): such a paragraph is a duty even where it closes
    the text."""
    return bool(_once_phrase(text) or any(not r.weak for r in _recurring_regimes(text)))


# "UBND Thành phố yêu cầu các Sở, … nghiêm túc triển khai thực hiện; định kỳ trước ngày 30
# tháng 11 hằng năm báo cáo kết quả về …": the closing request is no duty; the dated report
# after it is one, of those the request addresses.
_REQUEST_THEN_REPORT = re.compile(
    r"\byêu cầu\s+(?P<addressees>[^.;:]{3,200}?)\s+(?:nghiêm túc|khẩn trương)\b[^.;]*;\s*"
    r"(?P<report>(?:định kỳ|hằng|hàng|mỗi)\b[^.;]{0,80}?\bbáo cáo\b[^.;]*)",
    re.I,
)


def request_then_report(text: str) -> tuple[str, str] | None:
    """(addressees, report duty) of a closing request followed by a dated report; None when
    the paragraph is not one, or the report states no time of its own."""
    match = _REQUEST_THEN_REPORT.search(text)
    if match is None:
        return None
    report = match.group("report").strip(" ,")
    if not (_once_phrase(report) or any(not r.weak for r in _recurring_regimes(report))):
        return None
    return match.group("addressees").strip(" ,"), report
