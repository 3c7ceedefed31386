"""Excel (.xlsx) reader (openpyxl): every visible sheet as a table, merged cells filled in.

Before openpyxl sees the workbook, `_scan_sheets` reads each worksheet's XML as bytes and
measures what it declares: the <dimension> area, the cells covered by <mergeCell> ranges
(openpyxl creates one object per merged cell while loading) and the number of <c> cells.
The tables are then built from the cells that exist, never from the declared rectangle.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from plans.limits import ReadGuard, count_text
from plans.read_document import Block, PlanReadError, ReadDocument, Table
from plans.text import clean_text
from texts import messages

MAX_ROWS = 1_048_576
MAX_COLS = 16_384
_CHUNK = 1024 * 1024

_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTR_NAME = re.compile(rb'\bname="([^"]*)"')
_ATTR_RID = re.compile(rb'\b(?:\w+:)?id="([^"]*)"')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTR_ID = re.compile(rb'\bId="([^"]*)"')
_ATTR_TARGET = re.compile(rb'\bTarget="([^"]*)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]*)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([^"]*)"')
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_REF_PART = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)$")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def ref_cells(ref: str) -> int:
    """Cells in an A1-style range ("A1:XFD1048576", "B3", "A:C"); an unreadable bound counts
    as the sheet's edge, so a malformed range is never counted small."""
    bounds: list[tuple[int, int]] = []
    first, _, second = ref.partition(":")
    for part in (first, second or first):
        match = _REF_PART.match(part.strip())
        column = _column_number(match.group(1)) if match and match.group(1) else 0
        row = int(match.group(2)) if match and match.group(2) else 0
        bounds.append((min(row, MAX_ROWS), min(column, MAX_COLS)))
    (row_a, col_a), (row_b, col_b) = bounds
    rows = abs(row_b - row_a) + 1 if row_a and row_b else MAX_ROWS
    cols = abs(col_b - col_a) + 1 if col_a and col_b else MAX_COLS
    return rows * cols


@dataclass
class _SheetScan:
    title: str
    declared: str = ""
    cells: int = 0
    merged: int = 0
    widest_merge: tuple[int, str] = (0, "")


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name -> the sheet's title, from workbook.xml and its relationships."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets: dict[bytes, str] = {}
    for tag in _RELATIONSHIP.findall(rels):
        rel_id, target = _ATTR_ID.search(tag), _ATTR_TARGET.search(tag)
        if rel_id and target:
            path = target.group(1).decode("utf-8", "replace")
            path = path.lstrip("/") if path.startswith("/") else posixpath.join("xl", path)
            targets[rel_id.group(1)] = posixpath.normpath(path)
    titles: dict[str, str] = {}
    for tag in _SHEET.findall(workbook):
        name, rel_id = _ATTR_NAME.search(tag), _ATTR_RID.search(tag)
        if name and rel_id and rel_id.group(1) in targets:
            titles[targets[rel_id.group(1)]] = name.group(1).decode("utf-8", "replace")
    return titles


def _scan_part(archive: zipfile.ZipFile, part: str, scan: _SheetScan, guard: ReadGuard) -> None:
    carry = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            guard.tick()
            buffer = carry + chunk
            cut = buffer.rfind(b"<")
            # A tag cut by the chunk boundary is carried over whole to the next round.
            body, carry = (buffer[:cut], buffer[cut:]) if cut > 0 else (buffer, b"")
            scan.cells += len(_CELL.findall(body))
            if not scan.declared and (found := _DIMENSION.search(body)):
                scan.declared = found.group(1).decode("ascii", "replace")
            for ref in _MERGE.findall(body):
                text = ref.decode("ascii", "replace")
                area = ref_cells(text)
                scan.merged += area
                scan.widest_merge = max(scan.widest_merge, (area, text))
    scan.cells += len(_CELL.findall(carry))


def _scan_sheets(data: bytes, guard: ReadGuard) -> None:
    """Refuses a workbook whose sheets declare more than the limits allow, from the raw XML
    (sizes already bounded by check_zip), before openpyxl builds anything."""
    limits = guard.limits
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        titles = _sheet_titles(archive)
        parts = [
            name for name in archive.namelist()
            if name in titles or (name.startswith("xl/worksheets/") and name.endswith(".xml"))
        ]
        cells = merged = 0
        for part in parts:
            scan = _SheetScan(titles.get(part, posixpath.basename(part)))
            _scan_part(archive, part, scan, guard)
            area = ref_cells(scan.declared) if scan.declared else 0
            if area > limits.xlsx_max_sheet_cells:
                raise guard.refuse(
                    "limit_sheet_area", messages.READ_LIMIT_SHEET_AREA, sheet=scan.title,
                    ref=scan.declared[:40], cells=count_text(area),
                    limit=count_text(limits.xlsx_max_sheet_cells),
                )
            merged += scan.merged
            if merged > limits.xlsx_max_merged_cells:
                raise guard.refuse(
                    "limit_merged", messages.READ_LIMIT_SHEET_MERGED, sheet=scan.title,
                    ref=scan.widest_merge[1][:40], cells=count_text(merged),
                    limit=count_text(limits.xlsx_max_merged_cells),
                )
            cells += scan.cells
            if cells > limits.xlsx_max_cells:
                raise guard.refuse(
                    "limit_cells", messages.READ_LIMIT_CELLS, cells=count_text(cells),
                    limit=count_text(limits.xlsx_max_cells),
                )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_text(str(value)).replace(" \n", "\n")


def _read_xlsx(data: bytes, name: str, guard: ReadGuard) -> ReadDocument:
    _scan_sheets(data, guard)
    try:
        # openpyxl loads only when a spreadsheet is read (optional heavy library).
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except Exception as error:
        raise PlanReadError(
            "corrupt", f"Không mở được tệp Excel «{name}»: tệp có thể bị hỏng. Vui lòng gửi lại."
        ) from error
    blocks: list[Block] = []
    for sheet in workbook.worksheets:
        if getattr(sheet, "sheet_state", "visible") != "visible":
            continue
        table = _sheet_table(sheet, guard)
        if table is not None:
            blocks.append(table)
    workbook.close()
    return ReadDocument(name, "xlsx", tuple(blocks))


def _sheet_table(sheet: Any, guard: ReadGuard) -> Table | None:
    grid: dict[tuple[int, int], str] = {}
    # The cells that exist, not `iter_rows()`: that walks the whole used rectangle and
    # creates a cell for every position in it, 17 billion for cells at A1 and XFD1048576.
    for count, ((row_index, col_index), cell) in enumerate(sheet._cells.items()):
        text = _cell_text(cell.value)
        if text:
            grid[(row_index, col_index)] = text
            guard.add_text(len(text))
        if count % 4096 == 0:
            guard.tick()
    # Merged cells keep their value in the top-left corner only; spread it so that a
    # lead unit merged over five task rows belongs to all five. The merged area was
    # bounded by _scan_sheets before openpyxl loaded the sheet.
    for merged in sheet.merged_cells.ranges:
        guard.tick()
        value = grid.get((merged.min_row, merged.min_col), "")
        for row_index in range(merged.min_row, merged.max_row + 1):
            for col_index in range(merged.min_col, merged.max_col + 1):
                if (row_index, col_index) == (merged.min_row, merged.min_col):
                    continue
                # Across columns a merged heading is kept once; down rows it is repeated.
                grid[(row_index, col_index)] = value if col_index == merged.min_col else ""
    if not grid:
        return None
    max_col = max(c for _, c in grid)
    used_rows = sorted({r for (r, _), text in grid.items() if text})
    limit = guard.limits.xlsx_max_table_cells
    if len(used_rows) * max_col > limit:
        far_row, far_col = max(grid, key=lambda key: key[0] * MAX_COLS + key[1])
        raise guard.refuse(
            "limit_table", messages.READ_LIMIT_SHEET_TABLE, sheet=sheet.title,
            rows=count_text(len(used_rows)), cols=count_text(max_col),
            cells=count_text(len(used_rows) * max_col), limit=count_text(limit),
            far=f"{_column_letters(far_col)}{far_row}",
        )
    rows = [tuple(grid.get((r, c), "") for c in range(1, max_col + 1)) for r in used_rows]
    return Table(tuple(rows), name=sheet.title)
