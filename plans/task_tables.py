"""Task tables: a table whose header names content / lead unit / time columns, read row by row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from plans.readers import Block, Paragraph, Table
from plans.text import (
    clean_text,
    fold,
    is_upper_heading,
)

if TYPE_CHECKING:
    pass
from plans.lines import _BULLET_CHARS

# --- task tables ---------------------------------------------------------------------------

_COLUMN_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("ref", re.compile(r"^(?:stt|tt|so tt|so thu tu|muc|so)$")),
    ("support", re.compile(r"phoi hop")),
    (
        "time",
        re.compile(r"thoi gian|thoi han|tien do|han hoan thanh|ngay hoan thanh|moc thoi gian"),
    ),
    (
        "lead",
        re.compile(r"chu tri|thuc hien|trach nhiem|phu trach|dau moi|don vi thuc|co quan thuc"),
    ),
    ("product", re.compile(r"san pham|ket qua")),
    ("note", re.compile(r"ghi chu")),
    ("content", re.compile(r"noi dung|nhiem vu|cong viec|hoat dong|giai phap|ten |chi tieu|de an")),
]


@dataclass
class _TaskRow:
    kind: str  # section | number | letter | item | continuation
    label: str
    text: str
    attrs: list[tuple[str, str]] = field(default_factory=list)
    detail: list[str] = field(default_factory=list)


@dataclass
class _TaskTable:
    rows: list[_TaskRow]
    preface: list[str]
    title: str | None


def _column_role(cell: str) -> str | None:
    folded = re.sub(r"[^a-z ]", " ", fold(cell))
    folded = " ".join(folded.split())
    if not folded or len(folded) > 60:
        return None
    for role, pattern in _COLUMN_ROLES:
        if pattern.search(folded):
            return role
    return None


def _header_roles(rows: tuple[tuple[str, ...], ...]) -> tuple[int, dict[int, str]] | None:
    for index, row in enumerate(rows[:8]):
        roles = {col: _column_role(cell) for col, cell in enumerate(row) if cell}
        found = {col: role for col, role in roles.items() if role}
        values = set(found.values())
        if "content" in values and values & {"lead", "time"}:
            # Two-row headers: "Cơ quan thực hiện" over "Chủ trì | Phối hợp".
            if index + 1 < len(rows):
                below = {
                    col: _column_role(cell) for col, cell in enumerate(rows[index + 1]) if cell
                }
                if (
                    below
                    and all(below.values())
                    and not any(re.match(r"^\d", cell) for cell in rows[index + 1] if cell)
                ):
                    for col, role in below.items():
                        if role:
                            found[col] = role
                    return index + 1, _unique_roles(found)
            return index, _unique_roles(found)
    return None


def _unique_roles(found: dict[int, str]) -> dict[int, str]:
    seen: set[str] = set()
    unique: dict[int, str] = {}
    for col in sorted(found):
        role = found[col]
        if role in seen and role not in ("lead", "support"):
            continue
        seen.add(role)
        unique[col] = role
    return unique


_ROMAN_LABEL = re.compile(r"^[IVXL]{1,6}\.?$")
_NUMBER_LABEL = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")
_LETTER_LABEL = re.compile(r"^[a-zđ][.)]?$")
_UPPER_LETTER_LABEL = re.compile(r"^[A-Z][.)]?$")


def task_table(table: Table) -> _TaskTable | None:
    """The rows of a table with a task header, or None for any other table."""
    header = _header_roles(table.rows)
    if header is None:
        return None
    header_index, roles = header
    preface = [cell for row in table.rows[:header_index] for cell in row if cell]
    rows: list[_TaskRow] = []
    for cells in table.rows[header_index + 1 :]:
        if all(re.fullmatch(r"\(?\d{1,2}\)?", cell.strip()) or not cell for cell in cells):
            continue  # the "(1) (2) (3)" row under many headers
        values: dict[str, list[str]] = {}
        for col, cell in enumerate(cells):
            role = roles.get(col)
            if role and cell.strip():
                values.setdefault(role, []).append(cell.strip())
        ref = " ".join(values.get("ref", [])).strip()
        content = "\n".join(values.get("content", [])).strip()
        distinct = {cell.strip() for cell in cells if cell.strip()}
        if not content and len(distinct) == 1 and not ref:
            content = distinct.pop()  # a heading merged across the whole row
        if not content:
            continue
        lines = [clean_text(line) for line in content.split("\n") if clean_text(line)]
        title, detail = lines[0], lines[1:]
        attrs: list[tuple[str, str]] = []
        for role in ("lead", "support", "time"):
            for value in values.get(role, []):
                if role == "time":
                    attrs.append(("time", clean_text(value.replace("\n", " "))))
                else:
                    attrs.append((role, clean_text(value.replace("\n", "; "))))
        for value in values.get("product", []):
            detail.append(f"Sản phẩm: {clean_text(value)}")
        for value in values.get("note", []):
            detail.append(f"Ghi chú: {clean_text(value)}")
        label = ref.rstrip(".)")
        has_attrs = bool(attrs)
        if _ROMAN_LABEL.match(ref) or _UPPER_LETTER_LABEL.match(ref):
            kind = "section"
        elif _NUMBER_LABEL.match(ref):
            kind = "number"
        elif _LETTER_LABEL.match(ref):
            kind = "letter"
        elif not ref and not has_attrs and is_upper_heading(title):
            kind, label = "section", ""
        elif not ref and not has_attrs and not title.startswith(tuple(_BULLET_CHARS)) and rows:
            kind = "continuation"
        else:
            kind = "item"
            title = clean_text(title.lstrip(_BULLET_CHARS))
        rows.append(_TaskRow(kind, label, title, attrs, detail))
    title_line = next((line for line in preface if len(line) > 15), None)
    return _TaskTable(rows, preface, title_line)


# --- tables flattened to one cell per line -------------------------------------------------
# A table copied out of a PDF or a web page often arrives as one cell per line: the header
# cells ("STT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn
# thành") on lines of their own, then each row as its number followed by its cells. Such a
# run of paragraphs is rebuilt into a Table so it is read like any other task table.

_ROW_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*|[a-zđ])[.)]?$")
_ROW_SECTION = re.compile(r"^([IVXL]{1,6})\.?(?:\s+(\S.*))?$")
_HEADER_CELL_MAX = 40


def _flat_header(paragraphs: list[str], start: int) -> list[str] | None:
    """The roles of the header cells starting at `start`, if a task-table header is there."""
    roles: list[str] = []
    for text in paragraphs[start : start + 8]:
        role = _column_role(text) if len(text) <= _HEADER_CELL_MAX else None
        if role is None or (role in roles and role not in ("lead", "support")):
            break
        roles.append(role)
    if len(roles) < 3 or "content" not in roles or not {"lead", "time"} & set(roles):
        return None
    return roles


def _flat_rows(
    paragraphs: list[str], start: int, roles: list[str]
) -> tuple[list[tuple[str, ...]], int]:
    """The rows after a flattened header, and the index of the first paragraph after them."""
    width = len(roles)
    has_ref = roles[0] == "ref"
    content_col = roles.index("content")
    rows: list[tuple[str, ...]] = []
    index = start
    while index < len(paragraphs):
        text = paragraphs[index]
        section = _ROW_SECTION.match(text)
        if section and has_ref:
            heading = [section.group(2)] if section.group(2) else []
            index += 1
            # The heading may wrap onto the next lines, up to the next row's number.
            while (
                index < len(paragraphs)
                and len(heading) < 3
                and not _ROW_NUMBER.match(paragraphs[index])
                and not _ROW_SECTION.match(paragraphs[index])
                and is_upper_heading(paragraphs[index])
            ):
                heading.append(paragraphs[index])
                index += 1
            if not heading:
                break
            cells = [""] * width
            cells[0], cells[content_col] = section.group(1), " ".join(heading)
            rows.append(tuple(cells))
            continue
        if not (has_ref and _ROW_NUMBER.match(text)):
            break
        values: list[str] = []
        index += 1
        while index < len(paragraphs) and len(values) < width + 2:
            cell = paragraphs[index]
            if not cell or _ROW_NUMBER.match(cell) or _ROW_SECTION.match(cell):
                break
            values.append(cell)
            index += 1
        raw = list(values)
        # Too many cells: a cell wrapped onto the next line, which then starts in lower case.
        joined = len(values) - 1
        while len(values) > width - 1 and joined > 0:
            if values[joined][:1].islower():
                values[joined - 1] = f"{values[joined - 1]} {values.pop(joined)}"
            joined -= 1
        if len(values) > width - 1:
            index -= len(raw) - (width - 1)  # the table ended: the rest is prose again
            values = raw[: width - 1]
        if not values:
            break
        cells = [""] * width
        cells[0] = text
        if len(values) == width - 1:
            cells[1:] = values
        else:
            # A missing cell cannot be placed for sure: keep the task, not a guessed unit.
            cells[content_col] = values[0]
        rows.append(tuple(cells))
    return rows, index


def flat_tables(blocks: list[Block]) -> list[Block]:
    """`blocks` with each run of one-cell-per-line task table rebuilt into a Table."""
    texts = [block.text.strip() if isinstance(block, Paragraph) else "" for block in blocks]
    result: list[Block] = []
    index = 0
    while index < len(blocks):
        roles = _flat_header(texts, index) if texts[index] else None
        if roles is not None:
            rows, end = _flat_rows(texts, index + len(roles), roles)
            if len(rows) >= 2:
                header = tuple(texts[index : index + len(roles)])
                result.append(Table((header, *rows)))
                index = end
                continue
        result.append(blocks[index])
        index += 1
    return result
