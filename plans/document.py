"""The document model: the tree of blocks (sections, numbered and lettered blocks, items), each knowing its heading path and the assignment lines attached to it, the units and time a block passes down (`_Effective`), and the heading rules that skip or collapse a section. The tree is built by `plans.block_reader`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from plans.line_patterns import (  # noqa: F401  (_FACT_LABELS, _INLINE_ATTR, _SCORE re-exported for task_extraction)
    _COLLAPSE_SECTIONS,
    _FACT_LABELS,
    _INLINE_ATTR,
    _SCORE,
    _SKIP_SECTIONS,
    _TASK_SECTIONS,
)
from plans.lines import (  # noqa: F401  (_STEP, _label_kind re-exported for task_extraction)
    _SKIP_HEADINGS,
    _STEP,
    _label_kind,
)
from plans.posts import post_list
from plans.text import fold
from plans.unitnames import Responsibility, parse_responsibility

# --- tree ----------------------------------------------------------------------------------

RANK_PART = -1
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
    # A unit heading whose one paragraph became the task's text: the heading as written.
    heading: str = ""

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
    # The units come from assignment lines ("Cơ quan chủ trì: …"), not from a heading or the
    # addressees of the preamble: an item's own subject does not override them.
    labelled: bool = False
    # The lead is the addressees of the preamble ("… yêu cầu X, Y …, cụ thể sau:"): an item that
    # opens with its own subject ("8. Đài A, Đài B kịp thời thông tin …") is that subject's.
    addressed: bool = False
    # The support came from the list introduction ("X chủ trì, phối hợp với Y:"): an item's own
    # "phối hợp với Z" partners join it rather than being hidden by it.
    heading_partners: bool = False

    def with_units(self, attrs: list[_Attr]) -> _Effective:
        unit_attrs = [a for a in attrs if a.kind in ("lead", "exec", "support")]
        if not unit_attrs:
            return self
        has_lead_label = any(a.kind == "lead" for a in unit_attrs)
        lead: list[str] = []
        support: list[str] = []
        for attr in unit_attrs:
            posts = post_list(attr.value)
            if posts is not None:
                # "Đơn vị chủ trì: Đồng chí Phó chủ tịch …": people by their post.
                as_support = attr.kind == "support" or (attr.kind == "exec" and has_lead_label)
                found = Responsibility(support=posts) if as_support else Responsibility(posts)
            elif attr.kind == "support":
                found = parse_responsibility(attr.value, "support")
            elif attr.kind == "exec" and has_lead_label:
                found = Responsibility(support=parse_responsibility(attr.value).lead)
            else:
                found = parse_responsibility(attr.value, attr.kind)
            lead.extend(found.lead)
            support.extend(found.support)
        return _Effective(
            _dedupe(lead) or self.lead, _dedupe(support), self.time, bool(lead) or self.labelled
        )

    def with_time(self, attrs: list[_Attr]) -> _Effective:
        times = [a.value for a in attrs if a.kind == "time" and a.value.strip(" .;")]
        if not times:
            return self
        return _Effective(
            self.lead, self.support, times[-1], self.labelled, self.addressed, self.heading_partners
        )


def _dedupe(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        key = fold(name)
        if key and key not in seen:
            seen.add(key)
            out.append(name)
    return out


_ANNEX_NUMBER = re.compile(r"^phu luc(?:\s+(?:so\s+)?[0-9ivxl]+\b)?[\s.:-]*")


def _section_kind(node: _Node) -> None:
    """Collapse ("Kinh phí") or skip (objectives, assessments) a section by its heading."""
    folded = fold(node.text)
    node.collapse = bool(_COLLAPSE_SECTIONS.search(folded))
    node.skip = not node.collapse and bool(
        _SKIP_SECTIONS.search(folded) and not _TASK_SECTIONS.search(folded)
    )
    if node.annex and node.label == "PL":
        # "Phụ lục II. Thông số, tần suất … mẫu quan trắc", "Phụ lục III. Vị trí lấy mẫu":
        # an annex holds tasks only when its title names work ("Danh mục các nhiệm vụ …").
        title = re.sub(r"\(.*", "", _ANNEX_NUMBER.sub("", folded))
        if len(title.split()) >= 2 and not _TASK_SECTIONS.search(title):
            node.skip = True


def _is_skip_heading(text: str) -> bool:
    folded = fold(text).strip(" :.")
    return (
        len(text.split()) <= 20
        and bool(_SKIP_HEADINGS.match(folded))
        and not _TASK_SECTIONS.search(folded)
    )
