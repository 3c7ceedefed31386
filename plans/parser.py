"""Read the structure of a plan: its header and its tasks.

Header: kind ("KẾ HOẠCH"), number ("341/KH-UBND"), place and date ("Chợ Mới, ngày 22 tháng
02 năm 2023"), title.

Tasks: the body is read into a tree of sections (I, II), numbered items (1., 1.1.), lettered
items (a), b)), bullets and plain paragraphs, with the lines that assign work ("Cơ quan chủ
trì:", "Thời gian thực hiện:" …) attached where they stand. The leaves of that tree are the
tasks. An assignment line applies to the items above it back to the previous line of the same
kind, so a "Thời gian thực hiện" closing a section applies to every item in it, while one
after each bullet applies to that bullet only. A task's own words win over its section's
lines: "chậm nhất ngày 15/11/2023", "họp định kỳ hàng tháng (…)".

Tables with a task header (STT / Nội dung / Cơ quan chủ trì / … / Thời gian) are read row by
row into the same tree, so a .docx whose tasks sit in a table, or an .xlsx annex, give the
same kind of result.

Deadlines are read by `timelang.deadlines.parse_deadline`, relative to the plan's date; a
phrase it cannot read keeps its text and gets no deadline, for the admin to fix.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from plans.limits import DEFAULT_LIMITS, ReadLimits
from plans.readers import FileType, Paragraph, PlanReadError, ReadDocument, Table, read_document
from plans.text import (
    FOOTNOTE_LINE,
    clean_text,
    ends_sentence,
    fold,
    is_upper_heading,
    sentence_case,
    starts_lowercase,
)
from plans.unitnames import Responsibility, parse_responsibility, subject_units

if TYPE_CHECKING:
    from timelang.deadlines import Deadline

DEFAULT_KIND = "KẾ HOẠCH"

# --- result --------------------------------------------------------------------------------


@dataclass
class ParsedTask:
    ref: str
    title: str
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    deadline_text: str | None = None
    deadline: Deadline | None = None
    detail: str = ""
    section: str = ""
    deadline_error: str | None = None

    def to_json(self, reference: date, count: int = 4) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "title": self.title,
            "lead": list(self.lead),
            "support": list(self.support),
            "deadline_text": self.deadline_text,
            "deadline": self.deadline.to_json(reference, count) if self.deadline else None,
            "section": self.section or None,
            "detail": self.detail or None,
            "deadline_error": self.deadline_error,
        }


@dataclass
class ParsedPlan:
    kind: str
    number: str | None
    date: date | None
    place: str | None
    title: str
    tasks: list[ParsedTask] = field(default_factory=list)
    issuer: str | None = None
    reference_date: date | None = None
    source_name: str | None = None
    source_type: FileType | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def deadline_reference(self) -> date:
        """The day relative deadlines count from: the plan's date, else 1 January of its
        year, else the day it was read."""
        return self.date or self.reference_date or date.today()

    def to_json(self, count: int = 4) -> dict[str, Any]:
        reference = self.deadline_reference
        return {
            "kind": self.kind,
            "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "place": self.place,
            "title": self.title,
            "tasks": [task.to_json(reference, count) for task in self.tasks],
            "issuer": self.issuer,
            "reference_date": reference.isoformat(),
            "source": {"name": self.source_name, "type": self.source_type},
            "warnings": list(self.warnings),
        }

    def to_state(self) -> dict[str, Any]:
        """Everything needed to rebuild the plan later (a chat flow keeps it between the
        preview and the confirmation); deadlines travel as their schedule spec."""
        return {
            "kind": self.kind,
            "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "place": self.place,
            "title": self.title,
            "issuer": self.issuer,
            "reference_date": self.reference_date.isoformat() if self.reference_date else None,
            "source_name": self.source_name,
            "source_type": self.source_type,
            "warnings": list(self.warnings),
            "tasks": [
                {
                    "ref": task.ref,
                    "title": task.title,
                    "lead": list(task.lead),
                    "support": list(task.support),
                    "deadline_text": task.deadline_text,
                    "deadline": task.deadline.to_spec() if task.deadline else None,
                    "detail": task.detail,
                    "section": task.section,
                    "deadline_error": task.deadline_error,
                }
                for task in self.tasks
            ],
        }

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> ParsedPlan:
        deadline_type: Any = None
        if any(task.get("deadline") for task in data.get("tasks", [])):
            from timelang.deadlines import Deadline as deadline_type
        tasks = [
            ParsedTask(
                ref=task["ref"],
                title=task["title"],
                lead=list(task["lead"]),
                support=list(task["support"]),
                deadline_text=task.get("deadline_text"),
                deadline=deadline_type.from_spec(task["deadline"]) if task.get("deadline") else None,
                detail=task.get("detail") or "",
                section=task.get("section") or "",
                deadline_error=task.get("deadline_error"),
            )
            for task in data.get("tasks", [])
        ]
        return cls(
            kind=data["kind"],
            number=data.get("number"),
            date=date.fromisoformat(data["date"]) if data.get("date") else None,
            place=data.get("place"),
            title=data.get("title") or "",
            tasks=tasks,
            issuer=data.get("issuer"),
            reference_date=(
                date.fromisoformat(data["reference_date"]) if data.get("reference_date") else None
            ),
            source_name=data.get("source_name"),
            source_type=data.get("source_type"),
            warnings=list(data.get("warnings") or []),
        )

    def fingerprint(self) -> str:
        """Identifies the plan across imports: its number and date when it has them (a
        re-typed or re-exported copy is still the same plan), else its content."""
        if self.number and self.date:
            basis: Any = ["number", fold(self.number).replace(" ", ""), self.date.isoformat()]
        else:
            basis = [
                "content",
                fold(self.title),
                [[task.ref, fold(task.title)] for task in self.tasks],
            ]
        digest = hashlib.sha256(json.dumps(basis, ensure_ascii=False).encode("utf-8"))
        return digest.hexdigest()


# --- deadlines -----------------------------------------------------------------------------


def _deadline_reader() -> tuple[Callable[..., Any], type[Exception]] | None:
    try:
        from timelang.deadlines import DeadlineError, parse_deadline
    except ImportError:
        return None
    return parse_deadline, DeadlineError


def read_deadline(
    candidates: Iterable[str], reference: date, calendar: Any = None
) -> tuple[Deadline | None, str | None]:
    """The first candidate phrase the deadline reader understands; else (None, its reason)."""
    reader = _deadline_reader()
    if reader is None:
        return None, "Chưa có bộ đọc thời hạn (timelang.deadlines)."
    parse, error_type = reader
    first_error: str | None = None
    for candidate in candidates:
        candidate = candidate.strip(" .;,:")
        if not candidate:
            continue
        try:
            return parse(candidate, reference, calendar=calendar), None
        except error_type as error:
            first_error = first_error or str(error)
        except ValueError as error:
            first_error = first_error or str(error)
    return None, first_error


def _phrase_candidates(value: str) -> list[str]:
    """The phrase as written, then shorter readings: "Quý I/2023 và những năm tiếp theo"
    -> also "Quý I/2023"."""
    value = value.strip(" .;,:")
    candidates = [value]
    for separator in (" và ", " (", "(", ";", ",", " đến ", " - "):
        head = value.split(separator, 1)[0].strip(" .;,:")
        if head and head not in candidates:
            candidates.append(head)
    return candidates


_FREQ = r"(?:tuần|tháng|quý|năm|0?6\s+tháng)"
_PERIODIC = re.compile(rf"định\s+kỳ\s+(?:(?:hàng|hằng|mỗi)\s+(?P<freq>{_FREQ}))(?:\s+một\s+lần)?", re.I)
_PERIODIC_LEAD = re.compile(
    r"(?:(?:cuộc\s+)?(?:họp|báo cáo|giao ban|sơ kết)(?:\s+\S+){0,2}?\s+)$", re.I
)
_DUE_CLAUSE = re.compile(r"\s*,?\s*(?:chậm nhất|trước)\s+(?:là\s+)?(?:ngày\s+)?\d{1,2}\b[^.;()]*", re.I)
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
_EVERY_BY_DAY = re.compile(
    r"(?:hàng|hằng|mỗi)\s+(?P<freq>tuần|tháng|quý|năm)\s*,?\s*(?:chậm nhất|trước)\s+(?:là\s+)?ngày\s+\d{1,2}"
    r"(?:\s+(?:hàng|hằng|của)\s+tháng)?",
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
    r"(?:tháng\s+\d{1,2}(?:\s*/\s*|\s+năm\s+)\d{4}|quý\s+(?:[IV]+|\d)(?:\s*/\s*|\s+năm\s+)\d{4})",
    re.I,
)


@dataclass
class _Regime:
    """A recurring duty named in the text of a task."""

    text: str
    candidates: list[str]
    frequency: str
    start: int


def _recurring_regimes(text: str) -> list[_Regime]:
    found: list[_Regime] = []
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
        # "(chậm nhất 05 ngày sau khi kết thúc tháng)" belongs to the duty; "(họp đột xuất khi
        # có yêu cầu)" does not.
        with_paren = (
            text[start : end + paren.end()] if paren and _TIME_HINT.search(paren.group(0)) else None
        )
        bare = text[start:end]
        due = _DUE_CLAUSE.match(text[end:]) if not with_paren else None
        with_due = text[start : end + due.end()].rstrip(" ,") if due else None
        candidates = [c for c in (with_due, with_paren, bare, match.group(0)) if c]
        found.append(
            _Regime(candidates[0], candidates, fold(match.group("freq")), start)
        )
    for match in _PERIOD_END.finditer(text):
        found.append(
            _Regime(match.group(0), [match.group(0)], f"cuối {fold(match.group('freq'))}", match.start())
        )
    for match in _EVERY_BY_DAY.finditer(text):
        found.append(_Regime(match.group(0), [match.group(0)], fold(match.group("freq")), match.start()))
    found.sort(key=lambda regime: regime.start)
    unique: list[_Regime] = []
    for regime in found:
        overlaps = any(
            regime.start < other.start + len(other.text) and other.start < regime.start + len(regime.text)
            for other in unique
        )
        if overlaps or any(other.frequency == regime.frequency for other in unique):
            continue
        unique.append(regime)
    return unique


def _once_phrase(text: str) -> str | None:
    matches = [
        match
        for pattern in (_ONCE_BY_DATE, _ONCE_AFTER_EVENT, _ONCE_PERIOD)
        for match in pattern.finditer(text)
    ]
    if not matches:
        return None
    first = min(matches, key=lambda match: match.start())
    return first.group(0).strip(" ,;.")


# --- lines ---------------------------------------------------------------------------------

_BULLET_CHARS = "-–—•+·▪►❖◦○●■□✓➢➤"
_ROMAN = re.compile(r"^(?P<label>[IVXL]{1,6})\s*[.)/:-]\s*(?P<text>\S.*)$")
_NUMBER = re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2}){0,4})(?:(?P<mark>[.)])\s*|\s+)(?P<text>\S.*)$")
_LETTER = re.compile(r"^(?P<label>[a-zđ])(?P<mark>[).])\s+(?P<text>\S.*)$")

_LABEL_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("support", re.compile(r"^(?:(?:co quan|don vi|bo phan|ca nhan),? ?)*(?:cung )?phoi hop(?: thuc hien)?$")),
    ("lead", re.compile(r"^(?:(?:co quan|don vi|bo phan|ca nhan|nguoi),? ?)*chu tri(?: thuc hien)?$")),
    (
        "exec",
        re.compile(
            r"^(?:(?:co quan|don vi|bo phan|nguoi|ca nhan),? ?)*(?:trach nhiem |phan cong )?"
            r"(?:thuc hien|trach nhiem|chiu trach nhiem|phu trach|phan cong)(?: thuc hien)?$"
            r"|^(?:co quan|don vi) chiu trach nhiem$|^giao$"
        ),
    ),
    (
        "time",
        re.compile(
            r"^(?:thoi gian|thoi han|tien do|han)(?: thuc hien| hoan thanh| trien khai| bao cao)?"
            r"(?: thuc hien| hoan thanh)?$"
        ),
    ),
    ("product", re.compile(r"^(?:san pham|ket qua|ket qua san pham|san pham dau ra|ket qua dau ra)$")),
]
_LABEL_SPLIT = re.compile(r"^(?P<label>[^:]{2,45}?)\s*:\s*(?P<value>.*)$")
_INLINE_ATTR = re.compile(
    r"\(\s*(?P<body>(?:cơ quan|đơn vị|thời gian|thời hạn)[^()]*:[^()]*)\)", re.IGNORECASE
)
# Paragraphs of facts rather than work; their dates are not deadlines.
_FACT_LABELS = re.compile(
    r"^(?:nguyên nhân|kết quả đạt được|thực trạng|hạn chế|tồn tại|điểm tối đa|lý do)\b", re.I
)
_BODY_LABEL = re.compile(r"^[A-ZÀ-Ỵ][^:]{1,40}:\s*\S")
_SCORE = re.compile(r"\s*[:.]?\s*Đạt(?: được)?\s*[\d,./]+\s*điểm\s*\.?", re.I)

_SKIP_SECTIONS = re.compile(
    r"muc dich|yeu cau|muc tieu|can cu|ket qua|tinh hinh|danh gia|kien nghi|de xuat|han che"
    r"|ton tai|nguyen nhan|bai hoc|dac diem|thuc trang|quan diem|pham vi|doi tuong|giai thich"
)
_TASK_SECTIONS = re.compile(
    r"nhiem vu|giai phap|noi dung|to chuc thuc hien|che do|phan cong|trach nhiem|lo trinh"
    r"|tien do|phuong huong|ke hoach|hoat dong|chuong trinh"
)
_COLLAPSE_SECTIONS = re.compile(r"^kinh phi")
_AD_HOC = re.compile(r"^(?:bao cao|thong tin|hop|kiem tra) dot xuat")
_CLOSING = re.compile(
    r"^(?:tren day la|trong qua trinh thuc hien|qua trinh thuc hien|trong qua trinh trien khai)"
    r"|^yeu cau .{0,120}nghiem tuc|^de nghi .{0,120}nghiem tuc"
)
_TAIL = re.compile(r"^(?:noi nhan\b|tm\.|kt\.|tl\.|tuq\.|q\. ?chu tich|chu tich$|pho chu tich$)")
_ANNEX = re.compile(r"^phu luc\b")

_KINDS = (
    "KẾ HOẠCH", "BÁO CÁO", "QUYẾT ĐỊNH", "THÔNG BÁO", "CHƯƠNG TRÌNH", "ĐỀ ÁN", "CHỈ THỊ",
    "CÔNG VĂN", "TỜ TRÌNH", "PHƯƠNG ÁN", "KẾT LUẬN", "NGHỊ QUYẾT", "HƯỚNG DẪN",
)
_KIND_CODES = {
    "kh": "KẾ HOẠCH", "bc": "BÁO CÁO", "qd": "QUYẾT ĐỊNH", "tb": "THÔNG BÁO",
    "ctr": "CHƯƠNG TRÌNH", "ct": "CHỈ THỊ", "hd": "HƯỚNG DẪN", "kl": "KẾT LUẬN", "tt": "TỜ TRÌNH",
}
_NUMBER_LINE = re.compile(
    r"\bSố\s*:?\s*(?P<number>(?P<digits>\d[\d.]*)?\s*/\s*(?P<code>[A-ZĐa-zđ][\wĐđ.&-]*(?:/[\wĐđ.&-]+)*))"
)
_DATE_LINE = re.compile(
    r"(?:(?P<place>[^,\n]{2,60}?)\s*,\s*)?ngày\s+(?P<day>\d{1,2})?\s*(?:tháng|/)\s*(?P<month>\d{1,2})?"
    r"\s*(?:năm|/)\s*(?P<year>\d{4})",
    re.I,
)
_PREAMBLE = re.compile(
    r"^(?:căn cứ|thực hiện|nhằm|để|trên cơ sở|theo|xét|ủy ban nhân dân|ubnd|uỷ ban nhân dân)\b", re.I
)
_MOTTO = re.compile(r"cộng hòa xã hội|cộng hoà xã hội|độc lập\s*-\s*tự do", re.I)


@dataclass
class _Line:
    bullet: str | None
    text: str  # cleaned, marker removed
    marker: str | None = None  # "roman" | "number" | "letter"
    label: str = ""


def _split_bullet(raw: str) -> tuple[str | None, str]:
    stripped = raw.lstrip()
    if stripped.startswith("*"):
        run = len(stripped) - len(stripped.lstrip("*"))
        after = stripped[run:]
        if run % 2 == 1 and after[:1].isspace():
            return "*", after
        return None, stripped
    if stripped[:1] and stripped[0] in _BULLET_CHARS:
        after = stripped[1:]
        if after[:1].isspace() or (after[:1].isalpha() and after[:1].isupper()):
            return stripped[0], after
    return None, stripped


def _classify(raw: str) -> _Line:
    bullet, rest = _split_bullet(raw)
    text = clean_text(rest)
    # "- - text" and "* - text": one bullet is enough.
    again, rest2 = _split_bullet(text)
    if bullet and again:
        text = clean_text(rest2)
    match = _ROMAN.match(text)
    if match and (is_upper_heading(match.group("text")) or not bullet):
        return _Line(bullet, match.group("text").strip(), "roman", match.group("label"))
    match = _NUMBER.match(text)
    if match:
        label = match.group("label")
        body = match.group("text").strip()
        structured = bool(match.group("mark")) or "." in label
        if structured and not starts_lowercase(body) and not body.startswith(("/", "%")):
            return _Line(bullet, body, "number", label)
    match = _LETTER.match(text)
    if match and not starts_lowercase(match.group("text")):
        return _Line(bullet, match.group("text").strip(), "letter", match.group("label"))
    return _Line(bullet, text)


def _label_kind(text: str) -> tuple[str, str, str] | None:
    """("lead"|"exec"|"support"|"time"|"product", label, value) for an assignment line."""
    match = _LABEL_SPLIT.match(text)
    if not match:
        return None
    label = match.group("label").strip()
    folded = re.sub(r"[^a-z ,]", "", fold(label)).strip(" ,")
    for kind, pattern in _LABEL_KINDS:
        if pattern.match(folded):
            return kind, label, match.group("value").strip()
    return None


# --- tree ----------------------------------------------------------------------------------

RANK_SECTION = 0
RANK_LETTER = 10
RANK_ITEM = 20


@dataclass
class _Attr:
    kind: str
    value: str
    position: int


@dataclass(eq=False)
class _Node:
    kind: str  # root | section | number | letter | item | code
    label: str
    text: str
    rank: int
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    attrs: list[_Attr] = field(default_factory=list)
    skip: bool = False
    collapse: bool = False
    ad_hoc: bool = False
    ref: str = ""
    annex: bool = False
    plus: bool = False  # a "+" bullet: under a "-" bullet it is detail, not a task

    def add(self, child: _Node) -> _Node:
        child.parent = self
        child.skip = child.skip or self.skip
        child.annex = child.annex or self.annex
        self.children.append(child)
        return child

    def attach(self, kind: str, value: str) -> _Attr:
        attr = _Attr(kind, value, len(self.children))
        self.attrs.append(attr)
        return attr

    def last_text(self) -> str:
        return self.body[-1] if self.body else self.text


@dataclass
class _Effective:
    lead: list[str] | None = None
    support: list[str] | None = None
    time: str | None = None

    def with_units(self, attrs: list[_Attr]) -> _Effective:
        unit_attrs = [a for a in attrs if a.kind in ("lead", "exec", "support")]
        if not unit_attrs:
            return self
        has_lead_label = any(a.kind == "lead" for a in unit_attrs)
        lead: list[str] = []
        support: list[str] = []
        for attr in unit_attrs:
            if attr.kind == "support":
                found = parse_responsibility(attr.value, "support")
            elif attr.kind == "exec" and has_lead_label:
                found = Responsibility(support=parse_responsibility(attr.value).lead)
            else:
                found = parse_responsibility(attr.value, attr.kind)
            lead.extend(found.lead)
            support.extend(found.support)
        return _Effective(_dedupe(lead) or self.lead, _dedupe(support), self.time)

    def with_time(self, attrs: list[_Attr]) -> _Effective:
        times = [a.value for a in attrs if a.kind == "time" and a.value.strip(" .;")]
        if not times:
            return self
        return _Effective(self.lead, self.support, times[-1])


def _dedupe(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        key = fold(name)
        if key and key not in seen:
            seen.add(key)
            out.append(name)
    return out


class _BodyReader:
    """Builds the tree from body paragraphs and task tables, in document order."""

    def __init__(self) -> None:
        self.root = _Node("root", "", "", -1)
        self.stack: list[_Node] = [self.root]
        self.append_to: Callable[[str], None] | None = None
        self.last_text = ""
        self.tail = False
        self.closed = False
        self.last_was_attr = False

    # stack helpers
    def _pop_to(self, rank: int) -> _Node:
        while len(self.stack) > 1 and self.stack[-1].rank >= rank:
            self.stack.pop()
        return self.stack[-1]

    def _open(self, node: _Node) -> _Node:
        parent = self._pop_to(node.rank)
        parent.add(node)
        self.stack.append(node)
        self._target_text(node)
        self.closed = False
        self.last_was_attr = False
        return node

    def _target_text(self, node: _Node) -> None:
        def append(extra: str) -> None:
            node.text = f"{node.text} {extra}".strip()

        self.append_to = append
        self.last_text = node.text

    def _target_body(self, node: _Node, text: str) -> None:
        node.body.append(text)
        index = len(node.body) - 1

        def append(extra: str) -> None:
            node.body[index] = f"{node.body[index]} {extra}"

        self.append_to = append
        self.last_text = text

    def _target_attr(self, attr: _Attr) -> None:
        def append(extra: str) -> None:
            attr.value = f"{attr.value} {extra}"

        self.append_to = append
        self.last_text = attr.value

    def _continue(self, text: str) -> None:
        if self.append_to is not None:
            self.append_to(text)
            self.last_text = f"{self.last_text} {text}"

    # sections
    def open_section(self, label: str, heading: str, *, annex: bool = False) -> _Node:
        node = _Node("section", label, heading, RANK_SECTION, annex=annex)
        folded = fold(heading)
        if _COLLAPSE_SECTIONS.search(folded):
            node.collapse = True
        elif _SKIP_SECTIONS.search(folded) and not _TASK_SECTIONS.search(folded):
            node.skip = True
        self._open(node)
        return node

    def _innermost_number(self, label: str) -> _Node | None:
        for node in reversed(self.stack):
            if node.kind == "number" and node.label == label:
                return node
        return None

    # paragraphs
    def feed(self, raw: str) -> None:
        if FOOTNOTE_LINE.match(raw):
            return
        line = _classify(raw)
        text = line.text
        if not text:
            return
        folded = fold(text)
        if _ANNEX.match(folded) and len(text) < 150 and line.marker is None:
            self.tail = False
            self.open_section("PL", sentence_case(text), annex=True)
            return
        if self.tail:
            return
        if line.marker is None and line.bullet is None and _TAIL.match(folded):
            self.tail = True
            return

        if line.marker is None and starts_lowercase(text) and line.bullet is None:
            self._continue(text)
            return

        labelled = _label_kind(text)
        if labelled is not None:
            self._feed_attr(line, *labelled)
            return

        if line.marker == "roman":
            self.open_section(line.label, text)
            return
        if line.marker == "number":
            self._feed_number(line)
            return
        if line.marker == "letter":
            self._open(_Node("letter", line.label, text, RANK_LETTER))
            return
        if line.bullet is not None:
            self._feed_bullet(line)
            return
        self._feed_plain(text)

    def _feed_attr(self, line: _Line, kind: str, label: str, value: str) -> None:
        if line.marker == "letter":
            holder = self._pop_to(RANK_LETTER)
        elif line.marker == "number":
            holder = self._pop_to(len(line.label.split(".")))
        elif line.marker == "roman":
            holder = self._pop_to(RANK_SECTION)
        else:
            holder = self._pop_to(RANK_ITEM)
        if kind == "product":
            holder_body = f"{label}: {value}"
            self._target_body(holder, holder_body)
            return
        attr = holder.attach(kind, value)
        self._target_attr(attr)
        self.last_was_attr = True

    def _feed_number(self, line: _Line) -> None:
        parts = line.label.split(".")
        if line.bullet is not None and len(parts) >= 2:
            self._open_code(line)
            return
        if len(parts) == 1:
            self._open(_Node("number", line.label, line.text, 1))
            return
        parent = self._innermost_number(".".join(parts[:-1]))
        if parent is None:
            self._open_code(line)
            return
        while self.stack[-1] is not parent:
            self.stack.pop()
        node = _Node("number", line.label, line.text, len(parts))
        parent.add(node)
        self.stack.append(node)
        self._target_text(node)
        self.closed = False
        self.last_was_attr = False

    def _open_code(self, line: _Line) -> None:
        node = _Node("code", line.label, line.text, RANK_ITEM)
        self._open(node)

    def _feed_bullet(self, line: _Line) -> None:
        top = self.stack[-1]
        if line.bullet == "+" and top.rank >= RANK_ITEM and not top.plus:
            self._target_body(top, f"+ {line.text}")
            return
        node = _Node("item", "", line.text, RANK_ITEM, plus=line.bullet == "+")
        node.ad_hoc = bool(_AD_HOC.match(fold(line.text)))
        self._open(node)

    def _feed_plain(self, text: str) -> None:
        folded = fold(text)
        if _CLOSING.match(folded) or text.rstrip().endswith("./."):
            self.closed = True
            self.append_to = None
            return
        if self.closed:
            return
        top = self.stack[-1]
        if top is self.root:
            return  # preamble before the first section
        continues = not ends_sentence(self.last_text) and self.append_to is not None
        if top.rank >= RANK_ITEM:
            if _BODY_LABEL.match(text) and not self.last_was_attr:
                self._target_body(top, text)
            elif continues:
                self._continue(text)
            else:
                node = _Node("item", "", text, RANK_ITEM)
                node.ad_hoc = bool(_AD_HOC.match(folded))
                self._open(node)
            return
        if not top.children:
            if continues and self.last_was_attr:
                self._continue(text)
            else:
                self._target_body(top, text)
                self.last_was_attr = False
            return
        if continues:
            self._continue(text)
            return
        node = _Node("item", "", text, RANK_ITEM)
        node.ad_hoc = bool(_AD_HOC.match(folded))
        self._open(node)

    # tables
    def feed_table(self, table: _TaskTable) -> None:
        if self.tail:
            # A task table after "Nơi nhận" is the plan's annex.
            self.tail = False
            self.open_section("PL", table.title or "Phụ lục", annex=True)
        base_depth = len(self.stack)
        for row in table.rows:
            self._feed_row(row, base_depth)
        self.closed = False

    def _feed_row(self, row: _TaskRow, base_depth: int) -> None:
        while len(self.stack) > base_depth and self.stack[-1].rank >= self._row_rank(row):
            self.stack.pop()
        if row.kind == "continuation":
            self._continue(row.text)
            return
        if row.kind == "section":
            node = _Node("section", row.label, row.text, RANK_SECTION)
            folded = fold(row.text)
            if _SKIP_SECTIONS.search(folded) and not _TASK_SECTIONS.search(folded):
                node.skip = True
            self._attach_row_node(node, base_depth)
        elif row.kind == "number":
            parts = row.label.split(".")
            parent = self._innermost_number(".".join(parts[:-1])) if len(parts) > 1 else None
            node = _Node("number", row.label, row.text, len(parts))
            if parent is not None:
                while self.stack[-1] is not parent:
                    self.stack.pop()
                parent.add(node)
                self.stack.append(node)
            else:
                self._attach_row_node(node, base_depth)
        elif row.kind == "letter":
            self._attach_row_node(_Node("letter", row.label, row.text, RANK_LETTER), base_depth)
        else:
            node = _Node("item", "", row.text, RANK_ITEM)
            node.ad_hoc = bool(_AD_HOC.match(fold(row.text)))
            self._attach_row_node(node, base_depth)
        node = self.stack[-1]
        node.body.extend(row.detail)
        for kind, value in row.attrs:
            node.attach(kind, value)
        self._target_text(node)

    @staticmethod
    def _row_rank(row: _TaskRow) -> int:
        if row.kind == "section":
            return RANK_SECTION
        if row.kind == "number":
            return len(row.label.split("."))
        if row.kind == "letter":
            return RANK_LETTER
        if row.kind == "continuation":
            return 10_000
        return RANK_ITEM

    def _attach_row_node(self, node: _Node, base_depth: int) -> None:
        while len(self.stack) > base_depth and self.stack[-1].rank >= node.rank:
            self.stack.pop()
        self.stack[-1].add(node)
        self.stack.append(node)


# --- task tables ---------------------------------------------------------------------------

_COLUMN_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("ref", re.compile(r"^(?:stt|tt|so tt|so thu tu|muc|so)$")),
    ("support", re.compile(r"phoi hop")),
    ("time", re.compile(r"thoi gian|thoi han|tien do|han hoan thanh|ngay hoan thanh|moc thoi gian")),
    ("lead", re.compile(r"chu tri|thuc hien|trach nhiem|phu trach|dau moi|don vi thuc|co quan thuc")),
    ("product", re.compile(r"san pham|ket qua")),
    ("note", re.compile(r"ghi chu")),
    ("content", re.compile(r"noi dung|nhiem vu|cong viec|hoat dong|giai phap|ten |chi tieu|de an")),
]


@dataclass
class _TaskRow:
    kind: str  # section | number | letter | item | continuation
    label: str
    text: str
    attrs: list[tuple[str, str]] = field(default_factory=list)
    detail: list[str] = field(default_factory=list)


@dataclass
class _TaskTable:
    rows: list[_TaskRow]
    preface: list[str]
    title: str | None


def _column_role(cell: str) -> str | None:
    folded = re.sub(r"[^a-z ]", " ", fold(cell))
    folded = " ".join(folded.split())
    if not folded or len(folded) > 60:
        return None
    for role, pattern in _COLUMN_ROLES:
        if pattern.search(folded):
            return role
    return None


def _header_roles(rows: tuple[tuple[str, ...], ...]) -> tuple[int, dict[int, str]] | None:
    for index, row in enumerate(rows[:8]):
        roles = {col: _column_role(cell) for col, cell in enumerate(row) if cell}
        found = {col: role for col, role in roles.items() if role}
        values = set(found.values())
        if "content" in values and values & {"lead", "time"}:
            # Two-row headers: "Cơ quan thực hiện" over "Chủ trì | Phối hợp".
            if index + 1 < len(rows):
                below = {col: _column_role(cell) for col, cell in enumerate(rows[index + 1]) if cell}
                if below and all(below.values()) and not any(
                    re.match(r"^\d", cell) for cell in rows[index + 1] if cell
                ):
                    for col, role in below.items():
                        if role:
                            found[col] = role
                    return index + 1, _unique_roles(found)
            return index, _unique_roles(found)
    return None


def _unique_roles(found: dict[int, str]) -> dict[int, str]:
    seen: set[str] = set()
    unique: dict[int, str] = {}
    for col in sorted(found):
        role = found[col]
        if role in seen and role not in ("lead", "support"):
            continue
        seen.add(role)
        unique[col] = role
    return unique


_ROMAN_LABEL = re.compile(r"^[IVXL]{1,6}\.?$")
_NUMBER_LABEL = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")
_LETTER_LABEL = re.compile(r"^[a-zđ][.)]?$")
_UPPER_LETTER_LABEL = re.compile(r"^[A-Z][.)]?$")


def task_table(table: Table) -> _TaskTable | None:
    """The rows of a table with a task header, or None for any other table."""
    header = _header_roles(table.rows)
    if header is None:
        return None
    header_index, roles = header
    preface = [cell for row in table.rows[:header_index] for cell in row if cell]
    rows: list[_TaskRow] = []
    for cells in table.rows[header_index + 1 :]:
        if all(re.fullmatch(r"\(?\d{1,2}\)?", cell.strip()) or not cell for cell in cells):
            continue  # the "(1) (2) (3)" row under many headers
        values: dict[str, list[str]] = {}
        for col, cell in enumerate(cells):
            role = roles.get(col)
            if role and cell.strip():
                values.setdefault(role, []).append(cell.strip())
        ref = " ".join(values.get("ref", [])).strip()
        content = "\n".join(values.get("content", [])).strip()
        distinct = {cell.strip() for cell in cells if cell.strip()}
        if not content and len(distinct) == 1 and not ref:
            content = distinct.pop()  # a heading merged across the whole row
        if not content:
            continue
        lines = [clean_text(line) for line in content.split("\n") if clean_text(line)]
        title, detail = lines[0], lines[1:]
        attrs: list[tuple[str, str]] = []
        for role in ("lead", "support", "time"):
            for value in values.get(role, []):
                if role == "time":
                    attrs.append(("time", clean_text(value.replace("\n", " "))))
                else:
                    attrs.append((role, clean_text(value.replace("\n", "; "))))
        for value in values.get("product", []):
            detail.append(f"Sản phẩm: {clean_text(value)}")
        for value in values.get("note", []):
            detail.append(f"Ghi chú: {clean_text(value)}")
        label = ref.rstrip(".)")
        has_attrs = bool(attrs)
        if _ROMAN_LABEL.match(ref) or _UPPER_LETTER_LABEL.match(ref):
            kind = "section"
        elif _NUMBER_LABEL.match(ref):
            kind = "number"
        elif _LETTER_LABEL.match(ref):
            kind = "letter"
        elif not ref and not has_attrs and is_upper_heading(title):
            kind, label = "section", ""
        elif not ref and not has_attrs and not title.startswith(tuple(_BULLET_CHARS)) and rows:
            kind = "continuation"
        else:
            kind = "item"
            title = clean_text(title.lstrip(_BULLET_CHARS))
        rows.append(_TaskRow(kind, label, title, attrs, detail))
    title_line = next((line for line in preface if len(line) > 15), None)
    return _TaskTable(rows, preface, title_line)


# --- header --------------------------------------------------------------------------------


@dataclass
class _Header:
    kind: str | None = None
    number: str | None = None
    code: str | None = None
    date: date | None = None
    year: int | None = None
    place: str | None = None
    title: str = ""
    issuer: str | None = None


def _read_header_line(header: _Header, text: str) -> None:
    if header.number is None and header.code is None:
        match = _NUMBER_LINE.search(text)
        if match:
            code = match.group("code").strip(" .,")
            header.code = code
            if match.group("digits"):
                header.number = f"{match.group('digits').strip('.')}/{code}"
            text = text[match.end() :]
    if header.date is None and header.year is None:
        match = _DATE_LINE.search(text)
        if match:
            place = (match.group("place") or "").strip(" .,;:-")
            if place and not _MOTTO.search(place) and not re.search(r"\d", place):
                header.place = place
            year = int(match.group("year"))
            header.year = year
            if match.group("day") and match.group("month"):
                try:
                    header.date = date(year, int(match.group("month")), int(match.group("day")))
                except ValueError:
                    header.date = None


def _kind_of(text: str) -> tuple[str, str] | None:
    cleaned = clean_text(text)
    for kind in _KINDS:
        if cleaned.upper().startswith(kind) and cleaned[: len(kind)].isupper():
            rest = cleaned[len(kind) :].strip(" :.-")
            return kind, rest
    return None


def _read_header(items: list[Paragraph | Table]) -> tuple[_Header, int]:
    """Header fields and the index of the first body item (the first section "I.", else the
    first numbered or bulleted line after the title)."""
    header = _Header()
    kind_index: int | None = None
    title_parts: list[str] = []
    title_done = False
    issuer_open = False
    first_marker: int | None = None
    start: int | None = None
    for index, item in enumerate(items):
        if isinstance(item, Table):
            if kind_index is None and task_table(item) is None:
                for row in item.rows:
                    for cell in row:
                        issuer_lines: list[str] = []
                        for line in cell.split("\n"):
                            _read_header_line(header, line)
                            if is_upper_heading(line) and not _MOTTO.search(line):
                                issuer_lines.append(clean_text(line))
                            elif issuer_lines:
                                break
                        if header.issuer is None and issuer_lines:
                            header.issuer = " ".join(issuer_lines)
            continue
        line = _classify(item.text)
        if line.marker == "roman":
            start = index
            break
        text = clean_text(item.text)
        if kind_index is None:
            if index < 12 and not _PREAMBLE.match(text):
                _read_header_line(header, item.text)
            found = _kind_of(item.text)
            if found:
                header.kind = found[0]
                kind_index = index
                if found[1]:
                    title_parts.append(found[1])
            elif (
                (header.issuer is None or issuer_open)
                and is_upper_heading(text)
                and not _MOTTO.search(text)
                and not _NUMBER_LINE.search(text)
            ):
                # "ỦY BAN NHÂN DÂN" / "XÃ TÂN PHÚ" on two lines is one issuer.
                header.issuer = f"{header.issuer} {text}" if header.issuer else text
                issuer_open = True
                continue
            issuer_open = False
            continue
        if first_marker is None and (line.marker or line.bullet):
            first_marker = index
        if title_done:
            continue
        ends_title = (
            (_PREAMBLE.match(text) is not None and not is_upper_heading(text))
            or len(text) >= 300
            or text.endswith((";", ":"))
            or bool(title_parts and text.endswith(".") and not starts_lowercase(text))
            or len(title_parts) >= 4
            or bool(line.marker or line.bullet)
        )
        if ends_title:
            title_done = True
        else:
            title_parts.append(text)
    title = " ".join(title_parts).strip()
    header.title = sentence_case(title) if is_upper_heading(title) else title
    if header.kind is None and header.code:
        header.kind = _KIND_CODES.get(fold(header.code.split("-")[0]).replace(" ", ""))
    if start is None:
        if first_marker is not None:
            start = first_marker
        else:
            start = (kind_index + 1) if kind_index is not None else 0
    return header, start


# --- tasks from the tree -------------------------------------------------------------------


def _assign_refs(node: _Node) -> None:
    items = 0
    for child in node.children:
        if child.kind == "section":
            if child.annex and child.label == "PL":
                child.ref = "PL"
            elif child.annex:
                child.ref = f"PL.{child.label}" if child.label else node.ref
            elif node.kind == "section" and node.ref and child.label:
                child.ref = f"{node.ref}.{child.label}"  # a table's "I" rows inside part II
            else:
                child.ref = child.label or node.ref
        elif child.kind == "number":
            section = _section_ref(node)
            child.ref = f"{section}.{child.label}" if section else child.label
        elif child.kind == "letter":
            child.ref = f"{node.ref}.{child.label}" if node.ref else child.label
        elif child.kind == "code":
            child.ref = f"{node.ref} ({child.label})" if node.ref else child.label
        else:
            items += 1
            child.ref = f"{node.ref}-{items}" if node.ref else str(items)
        _assign_refs(child)


def _section_ref(node: _Node) -> str:
    current: _Node | None = node
    while current is not None and current.kind not in ("section", "root"):
        current = current.parent
    return current.ref if current is not None else ""


def _section_path(node: _Node) -> str:
    names: list[str] = []
    current = node.parent
    while current is not None and current.kind != "root":
        if current.kind in ("section", "number") and current.text:
            names.insert(0, sentence_case(current.text))
        current = current.parent
    return " › ".join(names[-2:])


def _task_texts(node: _Node) -> tuple[str, str]:
    """(title, detail) of a task node."""
    title = node.text
    if node.kind == "code":
        title = _SCORE.sub("", title).strip(" :;.") or title
    if node.kind in ("section", "number", "letter"):
        title = sentence_case(title)
    title = re.sub(r"\s+([.,;:])", r"\1", _INLINE_ATTR.sub("", title)).strip()
    return title, "\n".join(node.body)


def _deadline_scope(node: _Node) -> str:
    parts = [node.text] + [text for text in node.body if not _FACT_LABELS.match(text)]
    return " ".join(parts)


class _TaskBuilder:
    def __init__(self, reference: date, calendar: Any = None) -> None:
        self.reference = reference
        self.calendar = calendar
        self.tasks: list[ParsedTask] = []
        # Sections repeat one phrase over dozens of tasks; read each once.
        self._deadlines: dict[tuple[str, ...], tuple[Deadline | None, str | None]] = {}

    def _read(self, candidates: list[str]) -> tuple[Deadline | None, str | None]:
        key = tuple(candidates)
        if key not in self._deadlines:
            self._deadlines[key] = read_deadline(candidates, self.reference, self.calendar)
        return self._deadlines[key]

    def walk(self, node: _Node, inherited: _Effective) -> None:
        if node.skip:
            return
        if node.collapse:
            self._collapsed(node, inherited)
            return
        own = [a for a in node.attrs if a.position == 0] if node.children else list(node.attrs)
        effective = inherited.with_units(own).with_time(own)
        live_children = [child for child in node.children if not child.skip]
        if not live_children:
            if node.kind != "root" and (node.kind != "section" or node.body):
                self._emit(node, effective, node.ref)
            return
        only_child = (
            len(node.children) == 1
            and node.children[0].kind == "item"
            and node.kind in ("number", "letter")
        )
        for index, child in enumerate(node.children):
            later = [a for a in node.attrs if a.position > index]
            child_effective = effective
            unit_positions = sorted({a.position for a in later if a.kind in ("lead", "exec", "support")})
            if unit_positions:
                group = [a for a in later if a.position == unit_positions[0]]
                child_effective = _Effective(None, None, child_effective.time).with_units(group)
                if child_effective.lead is None:
                    child_effective.lead = effective.lead
            time_positions = sorted({a.position for a in later if a.kind == "time"})
            if time_positions:
                group = [a for a in later if a.position == time_positions[0]]
                child_effective = child_effective.with_time(group)
            if only_child and not child.children:
                child.ref = node.ref
            self.walk(child, child_effective)

    def _collapsed(self, node: _Node, inherited: _Effective) -> None:
        attrs: list[_Attr] = []
        texts: list[str] = list(node.body)

        def gather(current: _Node) -> None:
            attrs.extend(current.attrs)
            for child in current.children:
                texts.append(child.text)
                texts.extend(child.body)
                gather(child)

        gather(node)
        effective = inherited.with_units(attrs).with_time(attrs)
        title = sentence_case(node.text)
        self._add(node, title, "\n".join(texts), effective, node.ref, scope="")

    def _emit(self, node: _Node, effective: _Effective, ref: str) -> None:
        if node.ad_hoc:
            return
        title, detail = _task_texts(node)
        if not title:
            return
        scope = _deadline_scope(node)
        regimes = _recurring_regimes(scope)
        if len(regimes) >= 2:
            for number, regime in enumerate(regimes, start=1):
                split_ref = ref if number == 1 else f"{ref} ({number})"
                self._add(node, f"{title} — {regime.text}", detail, effective, split_ref, regime=regime)
            return
        self._add(node, title, detail, effective, ref, scope=scope, regime=regimes[0] if regimes else None)

    def _add(
        self,
        node: _Node,
        title: str,
        detail: str,
        effective: _Effective,
        ref: str,
        *,
        scope: str = "",
        regime: _Regime | None = None,
    ) -> None:
        inline = _INLINE_ATTR.search(node.text)
        lead = effective.lead
        support = effective.support or []
        time_text = effective.time
        if inline:
            for part in re.split(r"\s*;\s*", inline.group("body")):
                found = _label_kind(part.strip())
                if not found:
                    continue
                kind, _, value = found
                if kind == "time":
                    time_text = value
                elif kind in ("lead", "exec"):
                    lead = parse_responsibility(value, kind).lead or lead
                elif kind == "support":
                    support = parse_responsibility(value, "support").support
        subject = subject_units(node.text)
        if not lead:
            if subject.lead:
                lead = subject.lead
                support = subject.support or support
        elif subject.lead:
            # "Cơ quan thường trực … (Phòng Nội vụ) hướng dẫn …" under a section assigned to
            # "Phòng Nội vụ, các ngành liên quan, …": the item names which of them it means.
            named = {fold(name) for name in subject.lead}
            for name in subject.lead:
                named.update(fold(inner) for inner in re.findall(r"\(([^()]*)\)", name))
            narrowed = [name for name in lead if fold(name) in named]
            if narrowed:
                lead = narrowed
                support = [name for name in support if fold(name) not in named]
        deadline = None
        error = None
        deadline_text: str | None = None
        if regime is not None:
            deadline_text = regime.text
            deadline, error = self._read(regime.candidates)
        else:
            once = _once_phrase(scope) if scope else None
            if once:
                deadline_text = once
                deadline, error = self._read(_phrase_candidates(once))
            elif time_text:
                deadline_text = time_text.strip(" .;")
                deadline, error = self._read(_phrase_candidates(time_text))
        lead_names = _dedupe(lead or [])
        lead_keys = {fold(name) for name in lead_names}
        support_names = [name for name in _dedupe(support) if fold(name) not in lead_keys]
        self.tasks.append(
            ParsedTask(
                ref=ref,
                title=title,
                lead=lead_names,
                support=support_names,
                deadline_text=deadline_text,
                deadline=deadline,
                detail=detail,
                section=_section_path(node),
                deadline_error=error if deadline is None and deadline_text else None,
            )
        )


def _unique_refs(tasks: list[ParsedTask]) -> None:
    seen: dict[str, int] = {}
    for task in tasks:
        count = seen.get(task.ref, 0)
        seen[task.ref] = count + 1
        if count:
            task.ref = f"{task.ref} ({count + 1})"


# --- entry points --------------------------------------------------------------------------


def parse_document(
    document: ReadDocument, *, today: date | None = None, calendar: Any = None
) -> ParsedPlan:
    """The plan in a read document. Never raises for content: a plan with no tasks comes
    back with an empty task list (see `read_plan` for the strict version)."""
    items = list(document.blocks)
    header, start = _read_header(items)
    reader = _BodyReader()
    for index, item in enumerate(items):
        if isinstance(item, Paragraph):
            if index >= start:
                reader.feed(item.text)
            continue
        parsed = task_table(item)
        if parsed is None:
            continue
        for line in parsed.preface:
            _read_header_line(header, line)
            found = _kind_of(line) if header.kind is None else None
            if found and not found[1]:
                header.kind = found[0]
        if not header.title and parsed.title:
            header.title = sentence_case(parsed.title)
        reader.feed_table(parsed)

    reference = header.date or (date(header.year, 1, 1) if header.year else None)
    _assign_refs(reader.root)
    builder = _TaskBuilder(reference or today or date.today(), calendar)
    builder.walk(reader.root, _Effective())
    _unique_refs(builder.tasks)
    title = header.title or PurePath(document.filename).stem
    warnings = list(document.warnings)
    undated = sum(1 for task in builder.tasks if task.deadline is None)
    if builder.tasks and undated:
        warnings.append(f"{undated} nhiệm vụ chưa có thời hạn đọc được.")
    return ParsedPlan(
        kind=header.kind or DEFAULT_KIND,
        number=header.number,
        date=header.date,
        place=header.place,
        title=title,
        tasks=builder.tasks,
        issuer=header.issuer,
        reference_date=reference or today or date.today(),
        source_name=document.filename,
        source_type=document.file_type,
        warnings=warnings,
    )


def parse_text(
    text: str, filename: str = "ke-hoach.txt", *, today: date | None = None, calendar: Any = None
) -> ParsedPlan:
    return parse_document(
        read_document(text.encode("utf-8"), filename), today=today, calendar=calendar
    )


def read_plan(
    data: bytes, filename: str, *, today: date | None = None, calendar: Any = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> ParsedPlan:
    """Read and parse an uploaded plan. Raises PlanReadError (with a Vietnamese message) for
    a file that cannot be read, that passes a reading limit, or in which no task can be
    recognised."""
    document = read_document(data, filename, limits=limits)
    plan = parse_document(document, today=today, calendar=calendar)
    if not plan.tasks:
        raise PlanReadError(
            "no_tasks",
            f"Không tìm thấy nhiệm vụ nào trong tệp «{document.filename}». Kế hoạch cần có các "
            "mục đánh số (I, 1, 1.1, a), gạch đầu dòng hoặc bảng có cột «Nội dung», "
            "«Cơ quan chủ trì», «Thời gian».",
        )
    return plan
