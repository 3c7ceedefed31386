"""The staff list an admin imports (.xlsx: name, phone, unit, role), read row by row.

Reading is the plan readers' guarded reading (plans.limits: zip and sheet sizes measured
before openpyxl expands anything). Every row is checked here; the unit names are resolved
by the caller, who knows the units. A list with any error is refused whole, so the caller
gets either rows or errors, never half of each.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass
from typing import Any

from plans.limits import DEFAULT_LIMITS, ReadGuard, ReadLimits, check_zip
from plans.read_document import PlanReadError
from plans.read_xlsx import _cell_text, _scan_sheets
from plans.readers import detect_type
from texts import onboarding as t
from texts.messages import esc
from timelang.words import fold

ROLE_MEMBER, ROLE_LEADER = "member", "leader"
ROLE_WORDS = {
    "": ROLE_MEMBER, "can bo": ROLE_MEMBER, "canbo": ROLE_MEMBER, "cong chuc": ROLE_MEMBER,
    "chuyen vien": ROLE_MEMBER, "thanh vien": ROLE_MEMBER, "nhan vien": ROLE_MEMBER,
    "member": ROLE_MEMBER, "lanh dao": ROLE_LEADER, "lanhdao": ROLE_LEADER,
    "leader": ROLE_LEADER, "truong phong": ROLE_LEADER, "pho truong phong": ROLE_LEADER,
    "chu tich": ROLE_LEADER, "pho chu tich": ROLE_LEADER, "giam doc": ROLE_LEADER,
}
# Header words, accents folded: the first row holding a name and a phone column is the header.
_HEADERS = {
    "name": ("ho va ten", "ho ten", "ten", "ho va ten can bo"),
    "phone": ("so dien thoai", "dien thoai", "sdt", "so dt", "dt", "phone"),
    "unit": ("don vi", "ma don vi", "phong ban", "co quan"),
    "role": ("vai tro", "chuc vu", "role"),
}
_COLUMN_LABELS = {"name": "Họ và tên", "phone": "Số điện thoại", "unit": "Đơn vị"}
_PHONE_PUNCTUATION = re.compile(r"[\s.\-()]")


@dataclass(frozen=True)
class StaffRow:
    row: int  # the Excel row number, for messages
    full_name: str
    phone: str  # 0xxxxxxxxx
    unit: str  # as written: a code or a name, resolved by the caller
    role: str


class StaffListError(ValueError):
    """The list cannot be imported; `errors` are Vietnamese sentences, one per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def normalize_phone(text: str) -> str | None:
    """A Vietnamese mobile number as 0xxxxxxxxx, from "+84 912 345 678", "84912345678",
    "0912.345.678" or a number cell that lost its leading 0; None when it is not one."""
    digits = _PHONE_PUNCTUATION.sub("", text.strip())
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isascii() or not digits.isdigit():
        return None
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    elif len(digits) == 9 and digits[0] != "0":
        digits = "0" + digits  # Excel drops the leading zero of a number cell
    if len(digits) != 10 or not digits.startswith("0") or digits[1] == "0":
        return None
    return digits


def read_staff_list(data: bytes, name: str, *, limits: ReadLimits = DEFAULT_LIMITS) -> list[StaffRow]:
    """The rows of the first sheet that has a header; raises StaffListError (every row's
    problem at once) or PlanReadError (not a readable .xlsx)."""
    if detect_type(data, name, limits) != "xlsx":
        raise StaffListError([t.STAFF_NOT_XLSX.format(name=esc(name))])
    guard = ReadGuard(name, limits, time.monotonic)
    check_zip(data, guard)
    _scan_sheets(data, guard)
    try:
        # openpyxl loads only when a staff list is read (optional heavy library).
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:
        raise PlanReadError("corrupt", f"tệp «{name}» có thể bị hỏng.") from error
    try:
        for sheet in workbook.worksheets:
            grid = _grid(sheet, guard)
            found = _header(grid)
            if found is not None:
                return _rows(grid, *found)
    finally:
        workbook.close()
    raise StaffListError([t.STAFF_NO_HEADER])


def _grid(sheet: Any, guard: ReadGuard) -> dict[int, dict[int, str]]:
    rows: dict[int, dict[int, str]] = {}
    # The cells that exist (see plans.read_xlsx: iter_rows would create the whole rectangle).
    for count, ((row, column), cell) in enumerate(sheet._cells.items()):
        text = _cell_text(cell.value).strip()
        if text:
            rows.setdefault(row, {})[column] = text
            guard.add_text(len(text))
        if count % 4096 == 0:
            guard.tick()
    return rows


def _header(grid: dict[int, dict[int, str]]) -> tuple[int, dict[str, int]] | None:
    for row in sorted(grid)[:20]:
        columns: dict[str, int] = {}
        for column, text in sorted(grid[row].items()):
            key = fold(text).rstrip(":*")
            for field, words in _HEADERS.items():
                if field not in columns and key in words:
                    columns[field] = column
        if "name" in columns and "phone" in columns:
            return row, columns
    return None


def _rows(grid: dict[int, dict[int, str]], header: int, columns: dict[str, int]) -> list[StaffRow]:
    missing = [label for field, label in _COLUMN_LABELS.items() if field not in columns]
    if missing:
        raise StaffListError([t.STAFF_MISSING_COLUMNS.format(columns=", ".join(missing))])
    rows: list[StaffRow] = []
    errors: list[str] = []
    first_row_of: dict[str, int] = {}
    for number in sorted(r for r in grid if r > header):
        cells = grid[number]

        def cell(field: str, cells: dict[int, str] = cells) -> str:
            column = columns.get(field)
            return " ".join(cells.get(column, "").split()) if column else ""

        name, raw_phone, unit, raw_role = cell("name"), cell("phone"), cell("unit"), cell("role")
        if not (name or raw_phone or unit):
            continue  # a row with only a number or a note
        problems = []
        if not name:
            problems.append(t.STAFF_ROW_NO_NAME.format(row=number))
        phone = normalize_phone(raw_phone)
        if phone is None:
            problems.append(t.STAFF_ROW_BAD_PHONE.format(row=number, phone=esc(raw_phone[:30])))
        elif phone in first_row_of:
            problems.append(t.STAFF_ROW_DUP_PHONE.format(row=number, phone=phone,
                                                         first=first_row_of[phone]))
        else:
            first_row_of[phone] = number
        role = ROLE_WORDS.get(fold(raw_role))
        if role is None:
            problems.append(t.STAFF_ROW_BAD_ROLE.format(row=number, role=esc(raw_role[:40])))
        if not unit:
            problems.append(t.STAFF_ROW_NO_UNIT.format(row=number))
        errors += problems
        if not problems and phone is not None and role is not None:
            rows.append(StaffRow(number, name[:255], phone, unit, role))
    if errors:
        raise StaffListError(errors)
    if not rows:
        raise StaffListError([t.STAFF_NO_ROWS])
    return rows
