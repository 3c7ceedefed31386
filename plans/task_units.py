"""Who a task belongs to: its lead and supporting units, from the labels above it, its inline
attribution, its own subject and the bodies its sentence names.

Split out of task_extraction so that the unit rules live in one place; the deadline reading
stays there."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plans.block_shapes import _ASSIGNING_BRACKET, _GENERIC_BODIES, _unit_prefix
from plans.document import _INLINE_ATTR, _STEP, _dedupe, _Effective, _label_kind, _Node
from plans.task_titles import _AS_FOLLOWS
from plans.text import ends_sentence, fold
from plans.unitnames import (
    Responsibility,
    named_bodies,
    parse_responsibility,
    sentence_support,
    starts_with_unit,
    subject_units,
)
from plans.units import GAZETTEER, sentence_actors, unit_name


@dataclass
class TaskUnits:
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    # The inline "(Thời gian: …)" attribution overrides the section's time line.
    time_text: str | None = None


def task_heading_only(node: _Node) -> bool:
    text = _STEP.sub("", node.text).strip()
    return (
        bool(_STEP.match(node.text))
        or text.endswith(":")
        or (not ends_sentence(text) and len(text.split()) <= 12)
    )


# "b) Chủ trì, phối hợp" / "Phối hợp:" with nothing after: the partners open the bullets below.
_PARTNERS_BELOW = re.compile(r"^(?:chu tri\s*,?\s*)?(?:cung\s+)?phoi hop(?:\s+voi)?\s*:?$")


def partners_below(node: _Node) -> bool:
    parent = node.parent
    return parent is not None and bool(_PARTNERS_BELOW.match(fold(parent.text).strip()))


def task_units(
    node: _Node,
    title: str,
    detail: str,
    effective: _Effective,
    actors: list[str] | None = None,
) -> TaskUnits:
    """The units of one task cut from `node` (title = the duty's own text)."""
    inline = _INLINE_ATTR.search(node.text)
    lead = effective.lead
    support = effective.support or []
    time_text = effective.time
    inline_lead = False
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
                inline_lead = True
            elif kind == "support":
                support = parse_responsibility(value, "support").support
    # After "… như sau:" the duty, and its subject, start past the colon.
    subject = subject_units(title if _AS_FOLLOWS.search(node.text) else node.text)
    if actors:
        lead, support = actors, []
    elif lead and subject.lead and partners_below(node):
        # "b) Chủ trì, phối hợp" then "- Sở Tài chính và các đơn vị liên quan tham mưu …":
        # the heading's unit leads, the bodies each bullet opens with are its partners.
        support = named_bodies(subject.lead)
        subject = Responsibility()
    elif not lead and not subject.lead:
        # The actor inside the sentence: "Yêu cầu X …", "(Giao X chủ trì …)", "X có
        # trách nhiệm …" — found by the unit gazetteer, not by position.
        lead = sentence_actors(title) or sentence_actors(node.text)
    elif effective.addressed and lead == effective.lead and not subject.lead and not inline_lead:
        # "- Trường hợp …, các đơn vị, trường học chủ động …" under "… đề nghị X, Y … Cụ
        # thể:": the item names its own actor after an opening clause; X, Y otherwise.
        lead = sentence_actors(title) or lead
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
            # The item's own subject may name more of them than the line above read well.
            lead = _dedupe([*narrowed, *(n for n in subject.lead if "(" not in n)])
            support = [name for name in support if fold(name) not in named]
        elif not (effective.labelled or inline_lead or actors) and (
            (effective.addressed and lead == effective.lead)
            or all(
                GAZETTEER.is_unit(name) and fold(name) not in GAZETTEER.heads
                for name in subject.lead
            )
        ):
            # "Các bộ, ngành khác có liên quan chủ động …" under "Đối với các bộ, ngành,
            # cơ quan thuộc Chính phủ": a duty naming its own subject is that subject's.
            lead = subject.lead
            support = subject.support
    if (not support or effective.heading_partners) and not actors:
        # "Chủ trì, phối hợp với Văn phòng UBND tỉnh …" under a unit heading: the units
        # after "phối hợp với" support; only those the sentence names at its start.
        prefixed = _unit_prefix(title)
        own = sentence_support(prefixed[1] if prefixed else title)
        bracket = _ASSIGNING_BRACKET.search(title)
        if not own and bracket:
            # "… (Giao Công an tỉnh chủ trì, phối hợp với Văn phòng; Sở Tư pháp …)".
            own = sentence_support(bracket.group(1))
        support = [*support, *own]
    first = detail.split("\n", 1)[0] if detail else ""
    if not lead and first and (
        task_heading_only(node)
        # A long heading with no full stop, then "Sở, ban, ngành … có trách nhiệm …".
        or (not ends_sentence(node.text) and starts_with_unit(first))
    ):
        # "Thành lập tổ công tác:" then "UBND các xã thành lập …": the actor is below.
        lead = sentence_actors(first) or subject_units(first).lead
    # "Giao Giám đốc Sở Y tế …": the unit, not the person's title, leads.
    lead_names = _dedupe(unit_name(name) or name for name in lead or [])
    if lead_names and all(fold(name) in _GENERIC_BODIES for name in lead_names):
        # "Các cơ quan được phân công chủ trì …": no one in particular; the officer is asked.
        lead_names = []
    lead_keys = {fold(name) for name in lead_names}
    support_names = [name for name in _dedupe(support) if fold(name) not in lead_keys]
    return TaskUnits(lead_names, support_names, time_text)


def subject_over_list(node: _Node, children: list[_Node]) -> list[str]:
    """The subject of a numbered paragraph that is itself a duty and has bullets under it that
    name no one: "1. Các cơ quan, đơn vị căn cứ … xây dựng kế hoạch … ." then "- Giới thiệu
    điển hình …", "- Báo cáo …": the paragraph and each bullet are that subject's. [] unless the
    paragraph ends as a sentence and opens with units the gazetteer knows."""
    if node.kind not in ("number", "letter") or not children or not ends_sentence(node.text):
        return []
    if any(child.kind != "item" or child.children for child in children):
        return []
    if any(subject_units(child.text).lead or sentence_actors(child.text) for child in children):
        return []
    subject = subject_units(node.text).lead
    if not subject or not all(
        GAZETTEER.is_unit(name) and fold(name) not in GAZETTEER.heads for name in subject
    ):
        return []
    if all(fold(name) in _GENERIC_BODIES for name in subject):
        return []
    return subject

