"""Shapes of blocks that decide what a task is and whose it is: a heading that is nothing but a
unit's name ("1. Công an tỉnh"), an item opening with its unit ("2. Sở Tư pháp: Phối hợp …"), a
heading addressed to a group or a locality ("Đối với các bộ, ngành", "Đối với Thủ đô Hà Nội"),
a numbered budget section, a lone bullet that only introduces a heading's details."""

from __future__ import annotations

import re

from plans.document import _Node
from plans.elided_lists import elided_list_subject
from plans.non_task_blocks import case_rule
from plans.posts import post_lead, starts_with_post
from plans.text import fold
from plans.unit_lists import extract_units, starts_with_unit
from plans.unitnames import parse_responsibility, subject_units
from plans.units import GAZETTEER, sentence_actors, unit_name

_FOR_GROUP = re.compile(r"^(?:đối với|trách nhiệm của)\s+(?=\S)", re.I)
_ADMIN_PLURAL = re.compile(
    r"^cac (?:bo|nganh|so|phong|ban|co quan|don vi|tinh|thanh pho|huyen|quan|xa|phuong|dia phuong)\b"
)
_LOCALITY = re.compile(
    r"^(?:thủ đô|tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)"
    r"(?:\s+[A-ZĐÀ-Ỵ][\wÀ-ỹ-]*){1,4}$",
    re.IGNORECASE,
)
_ASSIGNED = re.compile(r"^(?:giao(?:\s+cho)?|phân công)\s+(?=\S)", re.I)
# "9. Đề nghị Ủy ban Mặt trận Tổ quốc tỉnh", "6. Đề nghị: Hiệp hội …": a body the plan's
# issuer asks rather than orders heads its items all the same.
_REQUESTED = re.compile(r"^đề nghị\s*:?\s+(?=\S)", re.I)
# "1. Sở Nội vụ (Cơ quan thường trực Ban …):": the unit's role in brackets is not its name.
_ROLE_BRACKET = re.compile(r"\s*\([^()]*\)$")
# The verb that ends an actor head: "Thủ trưởng các sở … căn cứ …", "Sở X: …" never has one.
_HEAD_VERB = re.compile(
    r"\s+(?:căn cứ|chỉ đạo|có trách nhiệm|thực hiện|triển khai|tổ chức)\b.*$", re.I
)


def _fold_list_introduction(node: _Node) -> None:
    """"5. Hỗ trợ thi hành Luật" / "- Các nội dung hỗ trợ bao gồm:" / "+ …" / "+ …": a lone
    bullet that only introduces the heading's details is the heading's description. So are
    bullets that each say how one case is handled ("- Đối với khiếu nại về …: …"): the
    heading is the duty; the rules are left out of it, as their times run from each case
    ("trong thời hạn 05 ngày kể từ ngày nhận đơn"), not from the plan."""
    if node.kind in ("number", "letter") and node.children and all(
        case_rule(child) for child in node.children
    ):
        node.children = []
        for attr in node.attrs:
            attr.position = 0
        return
    if node.kind not in ("number", "letter") or len(node.children) != 1:
        return
    child = node.children[0]
    if child.kind == "item" and not child.children and child.body and child.text.endswith(":"):
        node.body = [*node.body, child.text, *child.body]
        node.children = []
        for attr in node.attrs:
            attr.position = 0


# A bracket that assigns the duty: "(Giao X chủ trì, phối hợp với Y …)".
_ASSIGNING_BRACKET = re.compile(r"\(\s*((?:giao\s+)?[^()]{2,160}?chủ trì[^()]*)\)", re.I)

# A collective that names no one: "Các cơ quan", "Các đơn vị".
_GENERIC_BODIES = frozenset({"cac co quan", "co quan", "cac don vi", "don vi", "cac to chuc"})


def _numbered_budget(node: _Node) -> bool:
    """A "Kinh phí" section of numbered items ("1. Kinh phí … được bố trí từ …", "3. Sở Tài
    chính chủ trì tổng hợp …") is read as tasks: the items that open with a unit are its
    duties; the sources of money and the "Đối với …" scope lines are skipped. A section of
    paragraphs and bullets stays one task, arranging the money."""
    numbered = [child for child in node.children if child.kind == "number"]
    if not numbered:
        return False
    for child in numbered:
        text = _ASSIGNED.sub("", child.text)
        child.skip = child.skip or bool(_FOR_GROUP.match(text)) or not starts_with_unit(text)
    return True


def _beside_unit_headings(node: _Node) -> bool:
    """Whether a sibling of the node is a heading that is nothing but a unit's name."""
    siblings = node.parent.children if node.parent is not None else []
    return any(
        sibling is not node
        and sibling.kind == node.kind
        and not re.search(r":\s*\S", sibling.heading or sibling.text)
        and _unit_heading(sibling)
        for sibling in siblings
    )


def _unit_prefix(text: str) -> tuple[list[str], str] | None:
    """("Văn phòng UBND tỉnh", "Phối hợp …") for "Văn phòng UBND tỉnh: Phối hợp …"."""
    head, colon, rest = text.partition(":")
    head = head.strip()
    if not colon or not rest.strip() or not head or ";" in head:
        return None
    if elided_list_subject(text):
        return None  # "Các Bộ: Quốc phòng, Công an chủ động …": the list is the subject
    posts = post_lead(head) if starts_with_post(head) else None
    if posts:
        # "Đồng chí Phó Trưởng phòng Văn hóa - Xã hội - Phó Trưởng tiểu ban: Chỉ đạo …".
        return posts, rest.strip()
    if len(head.split()) > 12:
        return None
    if head.count("(") > head.count(")"):
        return None  # "Các cơ quan … (gồm các Sở: Xây dựng, …)": a colon inside the bracket
    if _HEAD_VERB.search(head):
        return None
    if GAZETTEER.is_unit(head) and not sentence_actors(head + " "):
        return parse_responsibility(head, "lead").lead or [unit_name(head)], rest.strip()
    return None


def _unit_heading(node: _Node) -> list[str] | None:
    """The units a heading names when the heading is nothing but units' names: "1. Công an
    tỉnh", "4. Ban Chỉ đạo cấp quân khu, Ban Chỉ đạo các tỉnh", "3. Trách nhiệm của các Bộ,
    ngành, địa phương; Ủy ban Trung ương Mặt trận …"."""
    text = (node.heading or node.text).strip(" :.")
    if node.kind in ("section", "number", "letter") and ":" not in text and starts_with_post(text):
        # "3. Cán bộ phụ trách lĩnh vực …", "6. Phó chủ tịch phụ trách lĩnh vực …".
        posts = post_lead(text)
        if posts:
            return posts
    # "Điều 2. Giao Giám đốc Sở Giáo dục và Đào tạo": the unit assigned the items below.
    text = unit_name(_ASSIGNED.sub("", _REQUESTED.sub("", text)))
    text = _ROLE_BRACKET.sub("", text) or text
    if node.kind not in ("section", "number", "letter") or not text:
        return None
    group = _FOR_GROUP.match(text)
    if group:
        # "1. Đối với các bộ, ngành, cơ quan thuộc Chính phủ": the group the items address.
        text = text[group.end() :]
        if _ADMIN_PLURAL.match(fold(text)) and len(text.split()) <= 24:
            names = parse_responsibility(text, "lead").lead
            return names or [text[:1].upper() + text[1:]]
        if _LOCALITY.match(text):
            # "2. Đối với Thủ đô Hà Nội", "3. Đối với tỉnh Bình Yên": the locality's
            # government is addressed.
            return [text[:1].upper() + text[1:]]
        if fold(group.group(0)).startswith("trach nhiem") and 0 < len(text.split()) <= 10:
            # "5. Trách nhiệm của đối tượng thực hiện kiểm kê": whoever the heading makes
            # answerable leads its items, body or not.
            return [text[:1].upper() + text[1:]]
    # "Giao người đứng đầu các cơ quan …; Chủ tịch UBND các xã …": each ";" part is a list.
    longest = max(len(part.split()) for part in text.split(";"))
    if longest > 24:
        return None
    if len(text.split()) > 12 and not re.search(r"[,;]", text):
        # A long line without a comma is mostly a sentence; "Ủy ban Mặt trận Tổ quốc Việt Nam
        # tỉnh và các tổ chức chính trị - xã hội" (two bodies joined by "và") is not.
        units, stop = extract_units(text, trust_first=False)
        if stop is not None or len(units) < 2 or not all(GAZETTEER.is_unit(u) for u in units):
            return None
        return [unit_name(name) for name in units]
    if GAZETTEER.is_unit(text) and not sentence_actors(text + " "):
        if len(text.split()) > 12 or ";" in text:
            # The bodies lead, without their heads' titles ("; Chủ tịch UBND các xã").
            return [unit_name(name) for name in parse_responsibility(text, "lead").lead] or None
        pieces = [piece.strip() for piece in re.split(r",\s+", text)]
        if len(pieces) > 1 and all(p[:1].isupper() and GAZETTEER.is_unit(p) for p in pieces):
            # "Hiệp hội Doanh nghiệp tỉnh, Liên minh Hợp tác xã tỉnh": named bodies, each one.
            return [unit_name(piece) for piece in pieces]
        names = parse_responsibility(text, "lead").lead
        if len(names) > 1 and all(GAZETTEER.is_unit(name) for name in names):
            # "Sở, ban, ngành thành phố và Ủy ban nhân dân xã, phường": two groups.
            return [unit_name(name) for name in names]
        return [unit_name(text)]
    return None


def unit_sub_items(node: _Node) -> list[tuple[str, list[str]]] | None:
    """"- Phối hợp hướng dẫn … Trong đó:" / "+ Sở Xây dựng: hướng dẫn …" / "+ Sở Công Thương:
    hướng dẫn …": a duty split into "+" parts that each name their own unit is one task per
    part, (text, units) each; None unless there are two such parts and every part names one."""
    parts = [line[1:].strip() for line in node.body if line.startswith("+")]
    if len(parts) < 2 or len(parts) != len(node.body):
        return None
    found: list[tuple[str, list[str]]] = []
    for part in parts:
        prefixed = _unit_prefix(part)
        units = prefixed[0] if prefixed else subject_units(part).lead
        if not units or not all(GAZETTEER.is_unit(unit) for unit in units):
            return None
        found.append((part, units))
    return found
