"""Specification lines: label-led lines under one duty ("Điểm quan trắc: …", "Hình thức: …",
"Số lượng: …", "Cửa sông X: lấy mẫu …") describe that duty; they are not duties of their own."""

from __future__ import annotations

import re

from plans.document import _label_kind, _Node
from plans.plan_deadlines import _once_phrase
from plans.text import fold
from plans.unitnames import subject_units
from plans.units import DUTY_VERBS, GAZETTEER, sentence_actors

# "Label: value" where the label is a short noun phrase (no sentence punctuation but commas).
_LABEL_LINE = re.compile(r"^(?:[-+•]\s*)?(?P<label>[^:;.()]{2,80}?)\s*:\s*(?P<value>.*)$", re.S)
_DUTY_OPENING = re.compile(rf"^(?:{DUTY_VERBS})\b", re.IGNORECASE)
_MAX_LABEL_WORDS = 12


def label_line(text: str) -> tuple[str, str] | None:
    """(label, value) of a specification line; None for a duty, a unit's line or an
    assignment line ("Cơ quan chủ trì: …", "Thời gian: …")."""
    match = _LABEL_LINE.match(text.strip())
    if not match:
        return None
    label, value = match.group("label").strip(), match.group("value").strip()
    if (
        not label[:1].isupper()
        or len(label.split()) > _MAX_LABEL_WORDS
        or _DUTY_OPENING.match(label)
        or _label_kind(f"{label}: {value}")
        or GAZETTEER.is_unit(label)
    ):
        return None
    return label, value


def specification(node: _Node, children: list[_Node]) -> tuple[str, list[str]] | None:
    """(title, detail lines) when a heading's items are all specification lines, stating at
    most one duty between them: the heading is one task and the lines are its detail. The
    title is the heading unless the heading only names an object ("a) Nguồn nước cấp") and
    one line states the duty ("Điểm quan trắc: Thực hiện quan trắc tại …")."""
    if len(children) < 2 or any(c.kind != "item" for c in children):
        return None
    lines = [*node.body, *(c.text for c in children)]
    read = [label_line(c.text) for c in children]
    if any(r is None for r in read):
        return None
    if sum(1 for c in children if _once_phrase(c.text)) >= 2:
        # "- Học kỳ I: … kết thúc trước ngày 18/01/2025", "- Học kỳ II: … trước ngày 31/5":
        # a timetable, each line with its own date, is dated duties.
        return None
    labelled = [r for r in (label_line(line) for line in lines) if r]
    duties = [value for _, value in labelled if _DUTY_OPENING.match(value)]
    if len(duties) > 1:
        # "- Công tác tuyên truyền: Tổ chức …" / "- Công tác kiểm tra: Kiểm tra …": duties
        # under topic labels, one task each.
        return None
    title = node.text.strip()
    if duties and not _DUTY_OPENING.match(title):
        title = duties[0]
    detail: list[str] = list(node.body)
    for child in children:
        detail.append(child.text)
        detail.extend(child.body)
        for grandchild in child.children:
            detail.append(grandchild.text)
            detail.extend(grandchild.body)
    return title, detail


_FACET = r"(?:noi dung|hinh thuc|phuong thuc)"
_FACET_HEADING = re.compile(
    rf"^{_FACET}(?:\s*(?:,|va|,\s*va)\s*{_FACET})*"
    r"(?:\s+(?:tuyen truyen|truyen thong|thong tin|pho bien)(?:,? (?:pho bien|giao duc))*)?$"
)
_FORM_FACET = re.compile(r"\b(?:hinh thuc|phuong thuc)\b")


def campaign_description(node: _Node) -> bool:
    """A block that only describes a campaign by its facets — "III. Nội dung, hình thức" or
    "1. Nội dung" / "2. Hình thức" with topics and media — naming no unit and assigning no one:
    the duties are in the part that assigns them, not here."""
    heading = fold(node.text).strip(" :.")
    numbered = [c for c in node.children if c.kind in ("number", "letter")]
    facets = [fold(c.text).strip(" :.") for c in numbered]
    whole = bool(_FACET_HEADING.match(heading)) and heading.startswith("noi dung")
    parts = (
        len(facets) >= 2
        and len(facets) == len(node.children)
        and all(_FACET_HEADING.match(f) for f in facets)
    )
    if not (whole and _FORM_FACET.search(heading)) and not (
        parts and any(_FORM_FACET.search(f) for f in facets)
    ):
        return False
    return not _assigns(node)


def _assigns(node: _Node) -> bool:
    if any(a.kind in ("lead", "exec", "support") for a in node.attrs):
        return True
    for text in [node.text, *node.body]:
        # Only names the gazetteer knows: "Đổi mới, thúc đẩy …" is no subject.
        if sentence_actors(text) or any(GAZETTEER.is_unit(n) for n in subject_units(text).lead):
            return True
    return any(_assigns(child) for child in node.children)


def topic_heading(text: str) -> bool:
    """A short heading naming a field or a group ("Công tác truyền thông", "Giải pháp thực
    hiện"), not a duty: no duty verb first, no sentence end, no "label: value", and no
    quoted name (a heading naming an item by its title, "Nội dung “Quản trị …”", is the item)."""
    text = text.strip()
    return (
        0 < len(text.split()) <= 10
        and not _DUTY_OPENING.match(text)
        and not text.endswith((".", ";"))
        and ":" not in text.rstrip(":")
        and not re.search(r"[“”\"]", text)
    )


# "<things> theo quy định/kế hoạch/hướng dẫn của …": the things are a list or a label.
_DEFERS = re.compile(
    r"(?:(?:được )?thực hiện )?\btheo (?:quy định|kế hoạch|hướng dẫn)\b.*$", re.I | re.S
)
_DEFER_WORDS = re.compile(r"(?:được )?thực hiện theo|quy định|kế hoạch|hướng dẫn", re.I)
_THINGS = re.compile(r"^(?:các|những)\s|\svà (?:các|những)\s", re.I)
_DUTY_VERB = re.compile(rf"(?<!\w)(?:{DUTY_VERBS})(?!\w)", re.I)


def follows_other_text(title: str) -> bool:
    """ "Các kỳ thi cấp tỉnh theo kế hoạch và hướng dẫn của Sở …", "Ngày nghỉ lễ: Thực hiện
    theo quy định của …": things (a list or a label) that follow another text's rules, with
    no duty verb — a pointer, not work. "Báo cáo … theo hướng dẫn" keeps its verb."""
    things = _DEFERS.sub("", title).strip()
    return (
        things != title.strip()
        and (things.endswith(":") or bool(_THINGS.search(things)))
        and not _DUTY_VERB.search(_DEFER_WORDS.sub("", title))
    )


# "Quyết định số 1381/QĐ-BVHTTDL ngày …", "Kế hoạch số 12/KH-UBND ngày …": a list of issued
# documents (an annex "Danh mục các văn bản đã ban hành") names texts, not duties.
_CITATION = re.compile(
    r"^(?:quyết định|kế hoạch|công văn|nghị quyết|chỉ thị|thông tư|nghị định|thông báo|"
    r"quy định|văn bản|báo cáo|công điện|đề án|chương trình)\s+số\s+\d+[/-]",
    re.IGNORECASE,
)


def document_citation(title: str) -> bool:
    """Whether a task title only cites a document by kind and number."""
    return bool(_CITATION.match(title.strip()))
