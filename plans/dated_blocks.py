"""Where a dated block of a plan belongs, decided while the tree of blocks is read:

- a time written as a block of its own ("b) Thời gian: Từ ngày 15/11 đến ngày 15/12/2025.")
  is its whole section's, unless the section has several time blocks;
- a heading that says when its items are due ("1. Các nhiệm vụ hoàn thành trong Quý I/2026:")
  dates every item under it;
- a closing paragraph that holds a dated duty is a duty, not the end of the text: the only
  paragraph of a section ("VII. Chế độ báo cáo" / "… gửi báo cáo trước ngày 16/12/2025 …./."),
  or the report after the closing request ("… yêu cầu X nghiêm túc thực hiện; định kỳ trước
  ngày 30/11 hằng năm báo cáo …").

The phrases themselves are read by `plans.plan_deadlines`; the tree is `plans.document`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from plans.document import RANK_ITEM, _Attr, _Node
from plans.plan_deadlines import heading_deadline, holds_deadline, request_then_report

_ROOT_CHILD_RANK = 1  # the rank a section's direct blocks are popped to


class _Reader(Protocol):
    """What of `plans.block_reader._BodyReader` a closing paragraph needs."""

    stack: list[_Node]
    closed: bool
    append_to: Callable[[str], None] | None

    def _pop_to(self, rank: int) -> _Node: ...

    def _open(self, node: _Node) -> _Node: ...


class SectionTimes:
    """Time blocks moved to the front of their section, with where they stood."""

    def __init__(self) -> None:
        self._moved: dict[int, tuple[_Attr, int]] = {}

    def place(self, holder: _Node, attr: _Attr) -> None:
        """`attr`, a time written as a block of its own, was just attached to `holder`."""
        if any(a.kind == "time" and a is not attr for a in holder.attrs):
            # A second time block: each dates the blocks above it, as any time line.
            moved = self._moved.pop(id(holder), None)
            if moved is not None:
                moved[0].position = moved[1]
            return
        self._moved[id(holder)] = (attr, attr.position)
        attr.position = 0


def date_headings(node: _Node) -> None:
    """Give each heading that states its items' due date that date as its own time."""
    for child in node.children:
        if (child.children and not any(a.kind == "time" and a.position == 0 for a in child.attrs)
                and (due := heading_deadline(child.text))):
            child.attrs.insert(0, _Attr("time", due, 0))
        date_headings(child)


def closing_duty(reader: _Reader, text: str, *, closing: bool) -> bool:
    """Read a paragraph that holds a dated duty where the text would otherwise drop it. True
    when the paragraph was taken (the caller stops there). `closing`: the paragraph ends the
    text ("…./.") and opens with no closing formula."""
    if reader.closed or len(reader.stack) <= 1:
        return False
    report = request_then_report(text)
    if report:
        section = reader._pop_to(_ROOT_CHILD_RANK)
        duty = section.add(_Node("item", "", f"{report[1][:1].upper()}{report[1][1:]}.", RANK_ITEM))
        duty.attach("lead", report[0])
        reader.append_to = None
        reader.closed = text.rstrip().endswith("./.")
        return True
    top = reader.stack[-1]
    if closing and top.kind == "section" and not top.children and not top.body and (
        holds_deadline(text)
    ):
        reader._open(_Node("item", "", text.rstrip().removesuffix("./.").rstrip() + ".", RANK_ITEM))
    return False
