"""The one way a value goes into a spreadsheet cell, for every workbook this project writes.

People's texts (task titles, captions, notes, names) reach the report and dossier workbooks.
openpyxl reads a text starting with "=" as a formula, which Excel would then run: a caption
such as `=HYPERLINK("http://…")` must stay the caption. So every text is written as a
string cell, whatever its first character, and characters XML cannot hold are dropped (the
input boundary already removes them; this is a second line for texts from anywhere else).
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from texts.clean import xml_safe

# Excel keeps at most this many characters in a cell and calls a longer file damaged.
MAX_CELL_TEXT = 32767
# Texts Excel would turn into a formula once someone edits the cell: shown with a quote
# prefix, so an edit keeps them text too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Writes `value` at (row, column); a text is always a string cell, never a formula."""
    cell = sheet.cell(row, column)
    if isinstance(value, str):
        text = xml_safe(value)[:MAX_CELL_TEXT]
        cell.value = text
        cell.data_type = "s"
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell  # type: ignore[no-any-return]
