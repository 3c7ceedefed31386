"""Reporting regimes inside a plan's text: how often a duty recurs and on which day
("báo cáo … hằng năm (trước ngày 15 tháng 11)", "định kỳ hằng quý", "Hằng năm, tổ chức …"),
each with the candidate phrases `timelang.deadlines` reads. Once-dates are
`plans.plan_deadlines`'s."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from plans.text import fold

_FREQ = r"(?:tuần|tháng|quý|năm|0?6\s+tháng)"
_PERIODIC = re.compile(
    rf"định\s+kỳ\s+(?:(?:hàng|hằng|mỗi)\s+(?P<freq>{_FREQ}))(?:\s+một\s+lần)?", re.I
)
# "định kỳ (hằng năm) đánh giá …": the period in brackets after "định kỳ".
_PERIODIC_BRACKETED = re.compile(
    rf"định\s+kỳ\s*\(\s*(?:hàng|hằng|mỗi)\s+(?P<freq>{_FREQ})(?:\s+một\s+lần)?\s*\)", re.I
)
_PERIODIC_LEAD = re.compile(
    r"(?:(?:cuộc\s+)?(?:họp|báo cáo|giao ban|sơ kết)(?:\s+\S+){0,2}?\s+)$", re.I
)
# "…, chậm nhất ngày 20", "… trước ngày 20", "… (một lần) vào ngày 25": the day of the period
# said after it. "vào" needs its "ngày": "vào 2 đợt" is no day.
_DUE_CLAUSE = re.compile(
    r"\s*,?\s*(?:một\s+lần\s+)?(?:(?:chậm nhất|trước)\s+(?:là\s+)?(?:vào\s+)?(?:ngày\s+)?"
    r"|vào\s+ngày\s+)\d{1,2}\b[^.;()]*",
    re.I,
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
# "trước ngày 15 hằng tháng", "vào ngày 20 hằng tháng", "ngày 15 và 30 hằng tháng": the days
# first, then how often. Without them the "hằng tháng" after would be read alone, as the
# month's last day: a silent misread.
_DAY_OF_EVERY = re.compile(
    r"(?:(?:chậm nhất|trước)\s+(?:là\s+)?)?(?:vào\s+)?(?<!\w)ngày\s+\d{1,2}"
    r"(?:\s*(?:,|và)\s*(?:ngày\s+)?\d{1,2})*\s+(?:hàng|hằng|mỗi)\s+(?P<freq>tuần|tháng|quý)",
    re.I,
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
# "báo cáo … trước 19h00 hằng ngày", "báo cáo 02 lần/ngày (trước 9h00 và 16h00)": a report due
# at hours of each day; the reader makes it daily and keeps the hours in its text.
_CLOCK = r"\d{1,2}\s*(?:h|giờ)(?:\s*\d{2})?(?:\s*phút)?\W{0,2}"
_REPORT_AT_HOURS = re.compile(
    r"\bbáo cáo\b[^.;]{0,80}?(?P<phrase>(?:trước|lúc|vào)\s+" + _CLOCK
    + r"\s*(?:hằng|hàng|mỗi)\s+ngày\b)",
    re.I,
)
_TIMES_A_DAY = re.compile(
    r"\b(?:\d{1,2}|một|hai|ba|bốn)\s+lần\s*(?:/|mỗi|một|trong|trên)\s*(?:(?:1|một)\s+)?ngày\b"
    r"(?:\s*\((?:trước|lúc|vào)\s+" + _CLOCK + r"(?:\s*(?:,|và)\s*" + _CLOCK + r")*\))?",
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
# "gửi báo cáo 6 tháng trước ngày 15/6 và báo cáo năm trước ngày 15/12", "báo cáo định kỳ 6
# tháng (trước ngày 10/6) và năm (trước ngày 10/12)": half-year and year reports, each with a
# day and month but no year: due on those days each year (read as "ngày … và … hằng năm").
# Two days at least: one alone is the rules' above.
_REPORT_DAY_TAIL = (
    r"[^.;()\d]{0,60}?\(?\s*(?:trước|chậm nhất)\s+(?:là\s+)?(?:vào\s+)?(?:ngày\s+)?"
    rf"(?P<day>{_DAY_OF_MONTH})\s*\)?"
)
_NAMED_REPORT_DAY = re.compile(
    r"\b(?:báo cáo|định kỳ)\s+(?:định kỳ\s+)?(?:0?6\s+tháng|sáu\s+tháng|năm|cả năm)\b"
    r"(?!\s*(?:\d|/))" + _REPORT_DAY_TAIL,
    re.I,
)
_AND_REPORT_DAY = re.compile(
    r"\s*(?:,|và)\s*(?:(?:gửi\s+)?báo cáo\s+)?(?:0?6\s+tháng|sáu\s+tháng|năm|cả năm)\b"
    r"(?!\s*(?:\d|/))" + _REPORT_DAY_TAIL
    # "… (trước ngày 15/6 và 15/12)": the next day, its period not named again.
    + rf"|\s*(?:,|và)\s*(?:ngày\s+)?(?P<bare>{_DAY_OF_MONTH})\s*\)?",
    re.I,
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
    for match in _PERIODIC_BRACKETED.finditer(text):
        plain = f"định kỳ hằng {match.group('freq')}"
        found.append(_Regime(match.group(0), [plain], fold(match.group("freq")), match.start()))
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
    for match in _NAMED_REPORT_DAY.finditer(text):
        days = [" ".join(match.group("day").split())]
        end = match.end()
        while following := _AND_REPORT_DAY.match(text, end):
            days.append(" ".join((following.group("day") or following.group("bare")).split()))
            end = following.end()
        if len(days) < 2:
            # "báo cáo 6 tháng (trước ngày 15/6)": the mid-year report, or one every six
            # months? Left to the rules that say so (or to the officer).
            continue
        phrase = f"ngày {' và '.join(days)} hằng năm"
        found.append(
            _Regime(text[match.start() : end].rstrip(" )"), [phrase], "nam", match.start())
        )
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
    for match in _REPORT_AT_HOURS.finditer(text):
        phrase = match.group("phrase")
        found.append(_Regime(phrase, [phrase], "ngay", match.start("phrase")))
    for match in _TIMES_A_DAY.finditer(text):
        found.append(_Regime(match.group(0), [match.group(0)], "ngay", match.start()))
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


def _time_after(text: str, end: int) -> int:
    """Where a period's own time ends: "hằng năm (trước ngày 15 tháng 11)", "hằng quý, chậm
    nhất ngày 20 …" — the day in brackets or the due clause after it belongs to the period."""
    paren = re.match(r"\s*\([^)]*\)", text[end:])
    if paren and _TIME_HINT.search(paren.group(0)):
        return end + paren.end()
    due = _DUE_CLAUSE.match(text[end:])
    return end + due.end() if due else end


def vague_regime(text: str) -> str | None:
    """"định kỳ báo cáo UBND tỉnh theo quy định": a recurring report whose period the text does
    not say. The phrase, for the task to show as a deadline it could not read; None otherwise."""
    match = _VAGUE_REGIME.search(text)
    return match.group(0).strip(" ,.;:") if match else None
