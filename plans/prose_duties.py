"""The duties of a plan written as prose: the preamble's paragraphs that name an actor, and the addressees a closing "… yêu cầu X, Y triển khai các nội dung sau:" gives every item below it."""

from __future__ import annotations

import re

from plans.block_tree import _BlockTree
from plans.document import RANK_ITEM, _Node
from plans.line_patterns import _PREAMBLE
from plans.text import fold
from plans.units import DUTY_VERBS, sentence_actors

_AS_FOLLOWS = re.compile(r"\bnhư sau\s*:\s*", re.IGNORECASE)
_GENERAL_REQUEST = re.compile(r"\b(?:yeu cau|de nghi)\b.{0,160}\bnghiem tuc\b")
_DUTY_OPENING = re.compile(rf"^(?:{DUTY_VERBS})\b", re.IGNORECASE)
# "…, Ban Chỉ đạo quốc gia xây dựng kế hoạch thực hiện như sau:": the issuer, not addressees.
_ISSUER_SENTENCE = re.compile(r"\b(?:xay dung|ban hanh)\s+(?:ke hoach|chuong trinh)\b[^:]*:$")



def prose_duties(reader: _BlockTree) -> tuple[list[str], list[_Node]]:
    """(addressees, duty nodes) from the preamble. The addressees of a closing "… yêu cầu X, Y
    triển khai các nội dung sau:" lead every item below it. A document with no numbered
    structure at all is prose: each preamble paragraph that names an actor is a duty."""

    addressees: list[str] = []
    last = reader.preamble[-1].rstrip() if reader.preamble else ""
    if last.endswith(":") and not _ISSUER_SENTENCE.search(fold(last)):
        addressees = sentence_actors(last)
    duties: list[_Node] = []
    if not reader.root.children:
        for text in reader.preamble:
            folded = fold(text)
            if _GENERAL_REQUEST.search(folded):
                # "Kế hoạch do … ký ban hành, yêu cầu Thủ trưởng các cơ quan … triển khai thực
                # hiện nghiêm túc, hiệu quả.": the plan's general request, not a duty.
                continue
            # "… UBND tỉnh có ý kiến như sau: Sở X chủ trì …": the actor opens the duty;
            # "Tổ chức quán triệt …", "Rà soát, xây dựng …": a duty without a named actor.
            duty = _AS_FOLLOWS.split(text)[-1]
            opens_with_duty = bool(_DUTY_OPENING.match(text)) and not _PREAMBLE.match(text)
            if sentence_actors(text) or sentence_actors(duty) or opens_with_duty:
                node = _Node("item", "", text, RANK_ITEM, parent=reader.root)
                duties.append(node)
    return addressees, duties
