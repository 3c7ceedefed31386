"""The tree the body reader builds, and its state: the stack of open blocks, where a continuation line goes (a heading's text, a body line, an assignment's value), and the task table rows placed into the tree. `plans.block_reader` reads the paragraphs on top of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from plans.dated_blocks import SectionTimes
from plans.document import (
    RANK_ITEM,
    RANK_LETTER,
    RANK_SECTION,
    _Attr,
    _Node,
    _section_kind,
)
from plans.line_patterns import _AD_HOC, _SKIP_SECTIONS, _TASK_SECTIONS
from plans.text import fold

if TYPE_CHECKING:
    from plans.task_tables import _TaskRow, _TaskTable


class _BlockTree:
    """The tree of blocks being built, in document order, with the reader's state."""

    def __init__(self) -> None:
        self.root = _Node("root", "", "", -2)
        # Inside "2. Cơ quan chủ trì": (holder, kind, attr) gathering the unit lines below it.
        self.role: tuple[_Node, str | None, _Attr | None] | None = None
        self.stack: list[_Node] = [self.root]
        self.append_to: Callable[[str], None] | None = None
        self.last_text = ""
        self.tail = False
        self.closed = False
        self.fragment = ""  # a paragraph's first word, cut off by a web page's line
        self.preamble: list[str] = []
        self.last_was_attr = False
        # A section heading just opened, which an upper-case next line may continue
        # ("I. MỤC" / "ĐÍCH, YÊU CẦU"); and a numbering label waiting for its text.
        self.heading: _Node | None = None
        self.pending_label: str | None = None
        self.section_times = SectionTimes()
        self.articles: list[_Node] = []
        # Just after a task table: plain lines are notes on it (or a web page's text after
        # it), not tasks, until the next numbered or bulleted line.
        self.after_table = False

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
    def open_section(
        self, label: str, heading: str, *, annex: bool = False, rank: int = RANK_SECTION
    ) -> _Node:
        self.role = None
        node = _Node("section", label, heading, rank, annex=annex)
        _section_kind(node)
        self._open(node)
        self.heading = node
        return node

    def _innermost_number(self, label: str) -> _Node | None:
        for node in reversed(self.stack):
            if node.kind == "number" and node.label == label:
                return node
        return None

    def feed_table(self, table: _TaskTable) -> None:
        if self.tail:
            # A task table after "Nơi nhận" is the plan's annex.
            self.tail = False
            self.open_section("PL", table.title or "Phụ lục", annex=True)
        base_depth = len(self.stack)
        for row in table.rows:
            self._feed_row(row, base_depth)
        # What follows the table belongs to the table's section, not to its last row.
        del self.stack[max(base_depth, 1) :]
        self.append_to = None
        self.after_table = bool(table.rows)
        if table.rows and any(node.annex for node in self.stack):
            # An annex holds its table; what comes after it, up to the next annex, is the
            # end of the file (a web page's own text, notes), as after a signature.
            self.tail = True
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
            # A group of a task table is skipped when it opens on what is no work ("Kết quả
            # đạt được"); "Hoàn thiện thể chế, … hướng dẫn yêu cầu kỹ thuật …" is work.
            if _SKIP_SECTIONS.match(folded) and not _TASK_SECTIONS.search(folded):
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
