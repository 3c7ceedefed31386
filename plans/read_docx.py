"""Word (.docx) reader: body paragraphs and tables in document order, Word list numbering
rendered back into the text ("1.", "a)", "-") because the parser relies on it."""

from __future__ import annotations

import io
import re
from typing import Any

from plans.limits import ReadGuard
from plans.read_document import (
    Block,
    Paragraph,
    PlanReadError,
    ReadDocument,
    Table,
    join_wrapped_lines,
)
from plans.text import nfc, squash_spaces
from timelang import numbers

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class _WordNumbering:
    """Renders Word's automatic list numbers ("1.", "a)", "•") back into paragraph text,
    because python-docx gives the text without them and the structure lives in them."""

    def __init__(self, document: Any) -> None:
        self._formats: dict[tuple[str, int], tuple[str, str, int]] = {}
        self._indents: dict[tuple[str, int], int] = {}
        self._counters: dict[str, list[int]] = {}
        self._outermost_bullet: int | None = None
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        abstract_indents: dict[str, dict[int, int]] = {}
        for node in numbering.findall(f"{_W}abstractNum"):
            levels: dict[int, tuple[str, str, int]] = {}
            indents: dict[int, int] = {}
            for level in node.findall(f"{_W}lvl"):
                index = int(level.get(f"{_W}ilvl", "0"))
                ind = level.find(f"{_W}pPr/{_W}ind")
                if ind is not None:
                    left = ind.get(f"{_W}left") or ind.get(f"{_W}start") or "0"
                    indents[index] = int(left) if numbers.is_ascii_number(left.lstrip("-")) else 0
                fmt = level.find(f"{_W}numFmt")
                text = level.find(f"{_W}lvlText")
                start = level.find(f"{_W}start")
                levels[index] = (
                    fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{_W}val", "%1.") if text is not None else "%1.",
                    int(start.get(f"{_W}val", "1")) if start is not None else 1,
                )
            abstract[node.get(f"{_W}abstractNumId", "")] = levels
            abstract_indents[node.get(f"{_W}abstractNumId", "")] = indents
        for num in numbering.findall(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is None:
                continue
            abstract_id = ref.get(f"{_W}val", "")
            num_id = num.get(f"{_W}numId", "")
            # "Restart numbering" / "Set numbering value" in Word: the list instance
            # overrides where a level starts (a plan's second "1." list, a list at "3.").
            starts: dict[int, int] = {}
            for override in num.findall(f"{_W}lvlOverride"):
                start = override.find(f"{_W}startOverride")
                value = start.get(f"{_W}val", "") if start is not None else ""
                if numbers.is_ascii_number(value):
                    starts[int(override.get(f"{_W}ilvl", "0"))] = int(value)
            for index, (fmt, pattern, first) in abstract.get(abstract_id, {}).items():
                self._formats[(num_id, index)] = (fmt, pattern, starts.get(index, first))
            for index, indent in abstract_indents.get(abstract_id, {}).items():
                self._indents[(num_id, index)] = indent

    @staticmethod
    def _num_pr(paragraph: Any) -> tuple[str, int] | None:
        candidates = [paragraph._p.pPr]
        style = paragraph.style
        while style is not None:
            candidates.append(style.element.pPr)
            style = style.base_style
        for ppr in candidates:
            if ppr is None:
                continue
            num_pr = ppr.find(f"{_W}numPr")
            if num_pr is None:
                continue
            num_id = num_pr.find(f"{_W}numId")
            ilvl = num_pr.find(f"{_W}ilvl")
            if num_id is None:
                continue
            return num_id.get(f"{_W}val", ""), int(ilvl.get(f"{_W}val", "0")) if ilvl is not None else 0
        return None

    def label(self, paragraph: Any) -> str:
        found = self._num_pr(paragraph)
        if found is None or found[0] == "0":
            return ""
        num_id, level = found
        fmt, pattern, start = self._formats.get((num_id, level), ("bullet", "-", 1))
        if fmt in ("bullet", "none"):
            # A sub-bullet is either a deeper level of the same list or a list indented
            # further than the first bullets of the document ("List Bullet 2").
            indent = self._indents.get((num_id, level), 0)
            if self._outermost_bullet is None or indent < self._outermost_bullet:
                self._outermost_bullet = indent
            deeper = indent > self._outermost_bullet
            return "+ " if level >= 1 or deeper or pattern.strip() == "+" else "- "
        counters = self._counters.setdefault(num_id, [])
        while len(counters) <= level:
            counters.append(start - 1)
        counters[level] += 1
        del counters[level + 1 :]

        def render(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            value = counters[index] if index < len(counters) else 1
            index_fmt = self._formats.get((num_id, index), (fmt, "", 1))[0]
            return _format_number(value, index_fmt)

        return re.sub(r"%(\d)", render, pattern).strip() + " "


def _to_roman(value: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for number, letters in numerals:
        while value >= number:
            out += letters
            value -= number
    return out


def _format_number(value: int, fmt: str) -> str:
    # Word letters lists with the Latin alphabet ("e)" then "f)"), not the Vietnamese one:
    # the text says what the official sees on the page.
    if fmt in ("lowerLetter",):
        return "abcdefghijklmnopqrstuvwxyz"[(value - 1) % 26]
    if fmt in ("upperLetter",):
        return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(value - 1) % 26]
    if fmt == "upperRoman":
        return _to_roman(value)
    if fmt == "lowerRoman":
        return _to_roman(value).lower()
    return str(value)


def _docx_cell_text(cell: Any) -> str:
    lines = [squash_spaces(nfc(paragraph.text)) for paragraph in cell.paragraphs]
    for nested in cell.tables:
        for row in nested.rows:
            lines.append(" | ".join(squash_spaces(nfc(c.text)) for c in row.cells))
    return "\n".join(line for line in lines if line)


def _read_docx(data: bytes, name: str, guard: ReadGuard) -> ReadDocument:
    # The parts' sizes were bounded by check_zip before python-docx parses any of them.
    try:
        # python-docx loads only when a Word file is read (optional heavy library).
        import docx
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph as DocxParagraph

        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises a zoo of lxml/zip/key errors
        raise PlanReadError(
            "corrupt", f"Không mở được tệp Word «{name}»: tệp có thể bị hỏng. Vui lòng lưu lại và gửi lại."
        ) from error

    numbering = _WordNumbering(document)
    blocks: list[Block] = []
    body = document.element.body
    for child in body.iterchildren():
        guard.tick()
        if child.tag == f"{_W}p":
            paragraph = DocxParagraph(child, document)
            text = nfc(paragraph.text)
            guard.add_text(len(text))
            if not text.strip():
                continue
            lines = text.split("\n")
            lines[0] = numbering.label(paragraph) + lines[0]
            blocks.extend(Paragraph(p) for p in join_wrapped_lines(lines))
        elif child.tag == f"{_W}tbl":
            table = DocxTable(child, document)
            rows: list[tuple[str, ...]] = []
            for row in table.rows:
                cells: list[str] = []
                seen: list[Any] = []
                for cell in row.cells:
                    # Horizontally merged cells come back once per grid column.
                    if any(cell._tc is other for other in seen):
                        cells.append("")
                        continue
                    seen.append(cell._tc)
                    cells.append(_docx_cell_text(cell))
                    guard.add_text(len(cells[-1]))
                rows.append(tuple(cells))
            if rows:
                blocks.append(Table(tuple(rows)))
        elif child.tag == f"{_W}sdt":
            for text_node in child.iter(f"{_W}p"):
                text = "".join(t.text or "" for t in text_node.iter(f"{_W}t"))
                guard.add_text(len(text))
                if text.strip():
                    blocks.append(Paragraph(squash_spaces(nfc(text))))
    return ReadDocument(name, "docx", tuple(blocks))

