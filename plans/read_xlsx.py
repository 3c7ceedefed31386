"""Excel (.xlsx) reader (openpyxl): every visible sheet as a table, merged cells filled in."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from plans.document import Block, PlanReadError, ReadDocument, Table
from plans.text import clean_text


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


def _read_xlsx(data: bytes, name: str) -> ReadDocument:
    try:
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
        grid: dict[tuple[int, int], str] = {}
        for row in sheet.iter_rows():
            for cell in row:
                text = _cell_text(cell.value)
                if text:
                    grid[(cell.row, cell.column)] = text
        # Merged cells keep their value in the top-left corner only; spread it so that a
        # lead unit merged over five task rows belongs to all five.
        for merged in sheet.merged_cells.ranges:
            value = grid.get((merged.min_row, merged.min_col), "")
            for row_index in range(merged.min_row, merged.max_row + 1):
                for col_index in range(merged.min_col, merged.max_col + 1):
                    if (row_index, col_index) == (merged.min_row, merged.min_col):
                        continue
                    # Across columns a merged heading is kept once; down rows it is repeated.
                    grid[(row_index, col_index)] = value if col_index == merged.min_col else ""
        if not grid:
            continue
        max_row = max(r for r, _ in grid)
        max_col = max(c for _, c in grid)
        rows = [
            tuple(grid.get((r, c), "") for c in range(1, max_col + 1)) for r in range(1, max_row + 1)
        ]
        rows = [row for row in rows if any(row)]
        blocks.append(Table(tuple(rows), name=sheet.title))
    workbook.close()
    return ReadDocument(name, "xlsx", tuple(blocks))
