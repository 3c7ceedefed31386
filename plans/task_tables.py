"""Task tables: a table whose header names content / lead unit / time columns, read row by row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from plans.readers import Table
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
    # "Người đứng đầu chịu trách nhiệm": the person answerable, not the body that leads.
    ("head", re.compile(r"^(?:nguoi dung dau|lanh dao (?:phu trach|chi dao)|nguoi chiu trach)")),
    ("ref", re.compile(r"^(?:stt|tt|so tt|so thu tu|muc|so)$")),
    ("support", re.compile(r"phoi hop")),
    (
        "time",
        re.compile(r"thoi gian|thoi han|tien do|han hoan thanh|ngay hoan thanh|moc thoi gian"),
    ),
    # "Kết quả thực hiện" is the expected product, though it says "thực hiện".
    ("product", re.compile(r"san pham|^ket qua")),
    (
        "lead",
        re.compile(r"chu tri|thuc hien|trach nhiem|phu trach|dau moi|don vi thuc|co quan thuc"),
    ),
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
    if folded.startswith("noi dung "):
        return "content"  # "Nội dung thực hiện": what is done, though it says "thực hiện"
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
        if "head" in values and "lead" not in roles.values():
            values["lead"] = values.pop("head")  # only the person's column names who acts
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
