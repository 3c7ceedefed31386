"""Deadline phrases inside a plan: once-dates and the candidates read through
`timelang.deadlines`; reporting regimes are `plans.plan_regimes`'s (re-exported here)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from plans.plan_regimes import _recurring_regimes, _Regime, vague_regime
from plans.text import (
    fold,
)
from texts.deadlines import refusal_text
from timelang.deadlines import read_first

__all__ = [
    "_Regime", "_once_phrase", "_phrase_candidates", "_recurring_regimes", "dated_clauses",
    "dated_label", "heading_deadline", "holds_deadline", "is_dependent_time", "is_open_start",
    "opens_period", "read_deadline", "request_then_report", "vague_regime",
]

if TYPE_CHECKING:
    from timelang.deadlines import Deadline


# --- deadlines -----------------------------------------------------------------------------


def read_deadline(
    candidates: Iterable[str], reference: date, calendar: Any = None
) -> tuple[Deadline | None, str | None]:
    """The product's one deadline reader (timelang.deadlines) on the candidate phrases: the
    first that reads, else (None, why) and the task stays unsure for the admin to fix."""
    deadline, refusal = read_first(candidates, reference, calendar)
    return deadline, refusal_text(refusal) if refusal is not None else None


# "Từ tháng 11/2013 trở đi", "Từ năm 2013 đến năm 2020 và tiếp theo": when work starts, with
# no end; such a phrase is not a deadline (and not an unread one either).
_OPEN_START = re.compile(
    r"^(?:bat dau\s+)?tu\s+(?:ngay|thang|quy|nam|\d)(?!.*\b(?:den|truoc|cham nhat)\b.*\d(?!.*tiep theo))"
    r"|^(?:bat dau\s+)?tu\s+.*(?:tro di|tiep theo|ve sau)\s*$"
    # "Năm 2026 trở đi", "Quý III/2026 trở về sau": the same start with its "từ" left out.
    r"|^(?:(?:nam|thang|quy)\s+)?(?:[ivx\d]{1,4}\s*/\s*)?\d{4}\s+(?:tro di|tro ve sau|ve sau)$"
)
_CLOSED_SPAN = re.compile(r"^(?:bắt đầu\s+)?từ\s+.+?\s+(?:đến|tới)\s+(?P<end>.+)$", re.I)
# "Giai đoạn 2026-2030 và những năm tiếp theo": a period that goes on; no deadline either.
_OPEN_PERIOD = re.compile(r"\d{4}\s*[-–]\s*\d{4}\b.*\btiep theo\b|\bden nam \d{4}\b.*\btiep theo\b")
# "Năm 2026 - 2027", "giai đoạn 2024-2025", "xuyên suốt 2025 - 2035" (throughout the span): a
# closed range of years is due at its end.
_YEAR_RANGE = re.compile(
    r"^(?:(?:trong\s+)?(?:năm|giai đoạn|xuyên suốt)\s+)?(?P<start>\d{4})\s*[-–]\s*(?P<end>\d{4})$",
    re.I,
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


# "… các Đội quy tập (năm 2013 và kiện toàn thường xuyên)", "… ở các cấp (Quý IV/2025)": a
# time in brackets that closes the sentence is when the sentence's work is due.
# A roadmap item closing with its span of years, "… tiến tới thí điểm (2025 - 2026).",
# "… huy động doanh nghiệp tham gia (xuyên suốt 2025 - 2035).": a closed span, due at its end
# (`_YEAR_RANGE`); "(2026 trở đi)" is a start, no deadline, and is not matched.
_ONCE_CLOSING_BRACKET = re.compile(
    r"\((?P<time>(?:(?:trong|hoàn thành|hoàn thành trong|trước|chậm nhất)\s+)?"
    r"(?:năm\s+\d{4}|quý\s+(?:[IV]+|\d)\s*/\s*\d{4}|quý\s+(?:[IV]+|\d)\s+năm\s+\d{4}"
    r"|tháng\s+\d{1,2}\s*/\s*\d{4})[^()]{0,80}"
    r"|(?:(?:xuyên suốt|năm)\s+)?\d{4}\s*[-–]\s*\d{4})\)(?=\s*(?:[.;]|$))",
    re.I,
)


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
# tháng 11 hằng năm báo cáo kết quả về …", "Đề nghị các cơ quan … nghiêm túc triển khai thực
# hiện. Định kỳ hằng năm (trước ngày …) báo cáo …": the closing request is no duty; the dated
# report after it (in its sentence or the next) is one, of those the request addresses.
_REQUEST_THEN_REPORT = re.compile(
    r"\b(?:yêu cầu|đề nghị)\s+(?P<addressees>[^.;:]{3,200}?)\s+(?:nghiêm túc|khẩn trương)\b"
    r"[^.;]*[;.]\s*"
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


# "1. Các nhiệm vụ hoàn thành trong Quý I/2026:", "2. Nhiệm vụ năm 2026 (hoàn thành trước ngày
# 15/12/2026)": a heading that says when its items are due, in so many words ("hoàn thành",
# "trước ngày", "chậm nhất"); a heading that only names a period ("Nhiệm vụ trọng tâm năm
# 2026", "… trong tháng 12") says when the work happens, not a deadline of its items.
_HEADING_DUE = re.compile(
    r"(?:hoàn thành|hoàn tất|chậm nhất|hạn chót)\s+(?:là\s+)?(?:trong\s+|trước\s+|vào\s+)?"
    rf"(?:ngày\s+)?(?:{_DATE}|{_DATE_WORDS}|(?:tháng|quý)\s+(?:[IV]+|\d{{1,2}})\s*(?:/|năm)\s*\d{{4}}"
    r"|năm\s+\d{4}(?!\s*[-–]))"
    rf"|trước\s+ngày\s+(?:{_DATE}|{_DATE_WORDS})",
    re.I,
)


# "1. Đợt 1: Từ ngày 05/12/2026 đến ngày 20/02/2027:" over the checks done in that round: a
# window with a closing date is when its items are due ("… đến ngày bầu cử", an event, is not).
_WINDOW_HEADING = re.compile(
    r"^(?:đợt|giai đoạn|lần)\s+\w{1,4}\s*[:.)–-]\s*(?P<window>(?:trong khoảng thời gian\s+)?từ\s+"
    rf"(?:ngày\s+)?(?:{_DATE}|{_DATE_WORDS})\s+(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?"
    rf"(?:{_DATE}|{_DATE_WORDS}))(?![\w/])",
    re.I,
)


# "1. Giai đoạn 2025 - 2030" / "Năm 2026:" / "Giai đoạn 1 (2026 - 2027):" over the roadmap
# bullets of that stage: a heading that is nothing but a period is when its items are done, due
# at its end (as an "Đợt" window). A period inside a longer heading ("Mục tiêu giai đoạn
# 2025-2030", the plan's title) is the plan's span, not its items' date; "Năm học 2025-2026"
# names no end date; "… và những năm tiếp theo" has no end.
_PERIOD_HEADING = re.compile(
    r"^(?:giai đoạn\s+(?:\w{1,4}\s*[:.–-]?\s*)?\(?|năm\s+|từ\s+năm\s+)"
    r"(?P<period>\d{4}(?:\s*[-–]\s*\d{4}|\s+(?:đến|tới)\s+năm\s+\d{4})?)\)?\s*[:.]?$",
    re.I,
)


def heading_deadline(text: str) -> str | None:
    """The due phrase a heading states for all its items (see `_HEADING_DUE`,
    `_WINDOW_HEADING`, `_PERIOD_HEADING`), else None."""
    match = _HEADING_DUE.search(text)
    if match:
        return match.group(0)
    window = _WINDOW_HEADING.match(text.strip())
    if window:
        return window.group("window")
    period = _PERIOD_HEADING.match(text.strip())
    if period is None:
        return None
    written = text.strip(" .:")
    # "Giai đoạn 2025 - 2030" reads as written (and shows so); "Giai đoạn 1 (2026 - 2027)" by
    # its years.
    return written if "(" not in written else period.group("period")


def opens_period(text: str) -> bool:
    """True for an unnumbered line that is a period over the bullets after it ("Năm 2026:",
    "Giai đoạn 2026-2030:"): a heading, not a paragraph of the section."""
    return text.rstrip().endswith(":") and _PERIOD_HEADING.match(text.strip()) is not None


# "- Từ ngày 05/02/2026 - 08/02/2026: X gửi giấy mời …", "- Ngày 04/02/2026: X chuẩn bị …" in a
# plan's timeline: the date label is when the duty after it is due (a range at its end), not
# part of its title; the duty names its own subject.
_DATE_LABEL = re.compile(
    rf"^(?P<time>(?:(?P<opening>từ|trước|chậm nhất|đến)\s+)?(?:ngày\s+)?(?P<start>{_DATE})"
    rf"(?:\s*(?:[-–]|đến|tới)\s*(?:ngày\s+)?(?P<end>{_DATE}))?)\s*:\s*(?P<duty>\S.{{8,}})$",
    re.I | re.S,
)


def dated_label(text: str) -> tuple[str, str] | None:
    """(time, duty) of a line opened by a date label ("Ngày 04/02/2026: X làm Y"), the time as
    the phrase reader takes it ("Từ ngày A - B" -> "Từ ngày A đến ngày B"); else None."""
    match = _DATE_LABEL.match(text.strip())
    if match is None:
        return None
    time = match.group("time")
    if match.group("end"):
        time = f"Từ ngày {match.group('start')} đến ngày {match.group('end')}"
    return time, match.group("duty").strip()
