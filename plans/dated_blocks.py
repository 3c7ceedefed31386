"""Where a dated block of a plan belongs, decided while the tree of blocks is read:

- a time written as a block of its own ("b) Thời gian: Từ ngày 15/11 đến ngày 15/12/2025.")
  is its whole section's, unless the section has several time blocks;
- a heading that says when its items are due ("1. Các nhiệm vụ hoàn thành trong Quý I/2026:")
  dates every item under it;
- a time label with nothing after it ("* Thời gian thực hiện:") takes the bullet lines under
  it as its value ("+ Đợt 1: từ … đến …", "+ Đợt 2: …"): they are when the work is done, not
  work of their own;
- a closing paragraph that holds a dated duty is a duty, not the end of the text: the only
  paragraph of a section ("VII. Chế độ báo cáo" / "… gửi báo cáo trước ngày 16/12/2025 …./."),
  or the report after the closing request ("… yêu cầu X nghiêm túc thực hiện; định kỳ trước
  ngày 30/11 hằng năm báo cáo …").

The phrases themselves are read by `plans.plan_deadlines`; the tree is `plans.document`'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from plans.document import RANK_ITEM, _Attr, _Node
from plans.plan_deadlines import heading_deadline, holds_deadline, request_then_report
from plans.text import fold

# A line that is a time, not a dated duty: "Đợt 1: …", "Giai đoạn 2: …", "Từ ngày …", "Trước …".
_LISTED_TIME = re.compile(
    r"^(?:(?:dot|lan|giai doan|buoc)\s+\w{1,4}\s*[:.)-]"
    r"|(?:trong khoang|tu|den|truoc|cham nhat|ngay|thang|quy|nam|\d))"
)
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
        self._listing: _Attr | None = None

    def open_listing(self, attr: _Attr) -> None:
        """`attr` was just read; an empty time ("Thời gian thực hiện:") lists its value below."""
        self._listing = attr if attr.kind == "time" and not attr.value.strip() else None

    def take_listed(self, bullet: str | None, marker: str | None, text: str) -> bool:
        """True when `text`, a bullet line under an empty time label that holds a date, was
        taken as (part of) that time's value."""
        attr, self._listing = self._listing, None
        if attr is None or bullet is None or marker is not None or not (
            re.search(r"\d", text) and _LISTED_TIME.match(fold(text))
        ):
            return False
        text = text.rstrip(" .;")
        attr.value = f"{attr.value}; {text}" if attr.value.strip() else text
        self._listing = attr
        return True

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
