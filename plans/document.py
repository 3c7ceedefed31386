"""The document model: body lines classified (I., 1., 1.1., a), bullets, labels) and read into a tree of blocks, each knowing its heading path and the assignment lines attached to it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from plans.text import (
    FOOTNOTE_LINE,
    clean_text,
    ends_sentence,
    fold,
    is_upper_heading,
    sentence_case,
    starts_lowercase,
)
from plans.unitnames import Responsibility, parse_responsibility

if TYPE_CHECKING:
    from plans.task_tables import _TaskRow, _TaskTable

# --- lines ---------------------------------------------------------------------------------

_BULLET_CHARS = "-–—•+·▪►❖◦○●■□✓➢➤"
_ROMAN = re.compile(r"^(?P<label>[IVXL]{1,6})\s*[.)/:-]\s*(?P<text>\S.*)$")
_NUMBER = re.compile(
    r"^(?P<label>\d{1,2}(?:\.\d{1,2}){0,4})(?:(?P<mark>[.)])\s*|\s+)(?P<text>\S.*)$"
)
_LETTER = re.compile(r"^(?P<label>[a-zđ])(?P<mark>[).])\s+(?P<text>\S.*)$")

_LABEL_KINDS: list[tuple[str, re.Pattern[str]]] = [
    (
        "support",
        re.compile(
            r"^(?:(?:co quan|don vi|bo phan|ca nhan),? ?)*(?:cung )?phoi hop(?: thuc hien)?$"
        ),
    ),
    (
        "lead",
        re.compile(r"^(?:(?:co quan|don vi|bo phan|ca nhan|nguoi),? ?)*chu tri(?: thuc hien)?$"),
    ),
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
    (
        "product",
        re.compile(r"^(?:san pham|ket qua|ket qua san pham|san pham dau ra|ket qua dau ra)$"),
    ),
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
    "KẾ HOẠCH",
    "BÁO CÁO",
    "QUYẾT ĐỊNH",
    "THÔNG BÁO",
    "CHƯƠNG TRÌNH",
    "ĐỀ ÁN",
    "CHỈ THỊ",
    "CÔNG VĂN",
    "TỜ TRÌNH",
    "PHƯƠNG ÁN",
    "KẾT LUẬN",
    "NGHỊ QUYẾT",
    "HƯỚNG DẪN",
)
_KIND_CODES = {
    "kh": "KẾ HOẠCH",
    "bc": "BÁO CÁO",
    "qd": "QUYẾT ĐỊNH",
    "tb": "THÔNG BÁO",
    "ctr": "CHƯƠNG TRÌNH",
    "ct": "CHỈ THỊ",
    "hd": "HƯỚNG DẪN",
    "kl": "KẾT LUẬN",
    "tt": "TỜ TRÌNH",
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
    r"^(?:căn cứ|thực hiện|nhằm|để|trên cơ sở|theo|xét|ủy ban nhân dân|ubnd|uỷ ban nhân dân)\b",
    re.I,
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
        self.preamble: list[str] = []
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
            # Preamble before the first section: kept, since a prose-only plan has its duties
            # here and "… yêu cầu X, Y triển khai các nội dung sau:" names who leads the items.
            self.preamble.append(text)
            return
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


def prose_duties(reader: _BodyReader) -> tuple[list[str], list[_Node]]:
    """(addressees, duty nodes) from the preamble. The addressees of a closing "… yêu cầu X, Y
    triển khai các nội dung sau:" lead every item below it. A document with no numbered
    structure at all is prose: each preamble paragraph that names an actor is a duty."""
    from plans.units import sentence_actors

    addressees: list[str] = []
    if reader.preamble and reader.preamble[-1].rstrip().endswith(":"):
        addressees = sentence_actors(reader.preamble[-1])
    duties: list[_Node] = []
    if not reader.root.children:
        for text in reader.preamble:
            if sentence_actors(text):
                node = _Node("item", "", text, RANK_ITEM, parent=reader.root)
                duties.append(node)
    return addressees, duties
