"""Task titles: a task node's own words for its duty, and the path of sections above it."""

from __future__ import annotations

import re

from plans.block_shapes import _beside_unit_headings, _unit_prefix
from plans.document import _INLINE_ATTR, _SCORE, _STEP, _Node
from plans.text import sentence_case

_TITLE_LABEL = re.compile(
    r"^(?:nhiệm vụ|nội dung(?: thực hiện| công việc| nhiệm vụ)?|công việc)\s*:\s*(?=\S)", re.I
)
# "a) Hoạt động 1" over "- Nội dung: Triển khai …": a number for the work, not its words.
_PLACEHOLDER = re.compile(
    r"^(?:hoạt động|nhiệm vụ|công việc|nội dung)\s*(?:số\s*)?\d{1,2}\s*[.:]?$", re.IGNORECASE
)
_AS_FOLLOWS = re.compile(r"\bnhư sau\s*:\s*", re.IGNORECASE)
# "Thủ trưởng các sở …; Chủ tịch UBND các huyện … có trách nhiệm: Lãnh đạo …": the duty.
_DUTY_COLON = re.compile(r"\b(?:có|chịu) trách nhiệm\s*:\s*", re.IGNORECASE)


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
    # "Bước 2: Kiểm tra …": the step label is the ref's business, not the title's.
    title = _STEP.sub("", title).strip()
    # "a) Nhiệm vụ: Cập nhật …", "- Nội dung: Rà soát …": the label is not part of the duty
    # (nor the bullet of a line joined to the bare "1." above it).
    title = _TITLE_LABEL.sub("", re.sub(r"^[-+•]\s+", "", title)).strip()
    body = list(node.body)
    if _PLACEHOLDER.match(title):
        described = next((line for line in body if _TITLE_LABEL.match(line)), None)
        if described is not None:
            body.remove(described)
            title = _TITLE_LABEL.sub("", described).strip()
    if not title.strip(" :.") and body:
        title = _TITLE_LABEL.sub("", body.pop(0)).strip()
    elif title.endswith(":") and body:
        title = title.rstrip(" :")
    # "… UBND tỉnh có ý kiến như sau: Sở X chủ trì …": the duty starts after the colon.
    opening = _AS_FOLLOWS.search(title) or _DUTY_COLON.search(title[:400])
    if opening and len(title) - opening.end() > 20:
        title = title[opening.end() :]
    elif node.kind in ("number", "letter") and ":" in title:
        # "1. Công an tỉnh" (its duties below), "2. Sở Tư pháp: Phối hợp với …": among unit
        # headings, "unit: duty" is the same form on one line; the duty is the title.
        prefixed = _unit_prefix(title)
        if prefixed and len(prefixed[1]) > 20 and _beside_unit_headings(node):
            title = prefixed[1]
    return title, "\n".join(body)

