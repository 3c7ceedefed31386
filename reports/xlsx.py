"""The report as an .xlsx workbook for the report to the level above: a summary sheet, every
occurrence, the extensions and the late completions of earlier periods. Vietnamese headers,
set up for printing: A4 landscape, fit to one page wide, header rows repeated on each page."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from reports.cells import put
from reports.details import (
    ExtensionDetail,
    OccurrenceDetail,
    extension_details,
    occurrence_details,
)
from reports.stats import Item, Report
from texts import messages
from timelang.status import local_date

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
RATE_FORMAT = "0.0%"
EMPTY = "—"

# Where the tables start: title, subtitle, status line, a blank row, then the header.
SUMMARY_HEADER_ROW = 5
LIST_HEADER_ROW = 4
RATE_COLUMN = 9
TABLE_STYLE = "TableStyleLight9"

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_HEADER_FONT = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=14)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="center")


@dataclass(frozen=True)
class WorkbookData:
    """What the sheets show beyond the figures, read from the database beforehand so that
    the workbook itself can be built away from the session (in a worker thread)."""

    details: dict[int, OccurrenceDetail]
    extensions: dict[int, ExtensionDetail]


def load_workbook_data(session: Session, report: Report) -> WorkbookData:
    details = occurrence_details(
        session, [item.occurrence_id for item in report.items + report.late_earlier]
    )
    extensions = extension_details(
        session, [item.occurrence_id for item in report.items if item.extended]
    )
    return WorkbookData(details, extensions)


def report_workbook(
    session: Session,
    report: Report,
    *,
    scope_label: str,
    tz: ZoneInfo,
    generated_at: datetime,
) -> bytes:
    """The workbook as bytes."""
    return render_workbook(report, load_workbook_data(session, report),
                           scope_label=scope_label, tz=tz, generated_at=generated_at)


def render_workbook(
    report: Report,
    data: WorkbookData,
    *,
    scope_label: str,
    tz: ZoneInfo,
    generated_at: datetime,
) -> bytes:
    unit_order = {line.unit_id: position for position, line in enumerate(report.units)}
    details = data.details

    def listed(items: Sequence[Item]) -> list[Item]:
        # Occurrences deleted since a period was frozen have nothing left to show.
        present = [item for item in items if item.occurrence_id in details]
        return sorted(present, key=lambda item: (
            unit_order.get(item.unit_id, len(unit_order)), item.due, item.occurrence_id))

    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    _summary_sheet(summary, report, scope_label, tz, generated_at)
    _detail_sheet(workbook.create_sheet(messages.XLSX_DETAIL_SHEET), report,
                  listed(report.items), details, scope_label, tz)
    _extension_sheet(workbook.create_sheet(messages.XLSX_EXTENSION_SHEET), report,
                     listed([item for item in report.items if item.extended]), details,
                     data.extensions, scope_label, tz)
    _late_sheet(workbook.create_sheet(messages.XLSX_LATE_SHEET), report,
                listed(report.late_earlier), details, scope_label, tz)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- sheets --------------------------------------------------------------------------------


def _summary_sheet(
    sheet: Worksheet, report: Report, scope_label: str, tz: ZoneInfo, generated_at: datetime
) -> None:
    sheet.title = messages.XLSX_SUMMARY_SHEET
    headers = messages.XLSX_SUMMARY_HEADERS
    _titles(sheet, messages.XLSX_TITLE, report, scope_label, tz, len(headers))
    style_header(sheet, SUMMARY_HEADER_ROW, headers)
    row = SUMMARY_HEADER_ROW
    for number, line in enumerate(report.units, 1):
        row += 1
        counts = line.total
        write_row(sheet, row, [
            number, line.code, line.name, counts.assigned, counts.done_on_time, counts.done_late,
            counts.overdue, counts.in_progress, _rate(counts.on_time_rate),
            line.rank if line.rank is not None else EMPTY, counts.extended,
            counts.late_from_earlier,
        ])
        # The tree shows as indentation, so parents read as subtotals of what follows.
        sheet.cell(row, 3).alignment = Alignment(indent=line.depth * 2, wrap_text=True,
                                                 vertical="top")
        if line.depth == 0 and line.children:
            for column in range(1, len(headers) + 1):
                sheet.cell(row, column).font = _HEADER_FONT
    totals = report.totals
    row += 1
    write_row(sheet, row, [
        None, None, messages.XLSX_TOTAL, totals.assigned, totals.done_on_time, totals.done_late,
        totals.overdue, totals.in_progress, _rate(totals.on_time_rate), None, totals.extended,
        totals.late_from_earlier,
    ])
    for column in range(1, len(headers) + 1):
        cell = sheet.cell(row, column)
        cell.font = _HEADER_FONT
        cell.fill = _TOTAL_FILL
    for data_row in range(SUMMARY_HEADER_ROW + 1, row + 1):
        sheet.cell(data_row, RATE_COLUMN).number_format = RATE_FORMAT
    row += 2
    for note in messages.XLSX_NOTES:
        put(sheet, row, 1, note)
        row += 1
    put(sheet, row, 1, messages.XLSX_GENERATED.format(
        at=messages.fmt_datetime(generated_at, tz)))
    set_widths(sheet, [6, 12, 40, 13, 12, 12, 13, 13, 11, 9, 12, 13])
    print_setup(sheet, SUMMARY_HEADER_ROW)


def _detail_sheet(
    sheet: Worksheet,
    report: Report,
    items: Sequence[Item],
    details: dict[int, OccurrenceDetail],
    scope_label: str,
    tz: ZoneInfo,
) -> None:
    headers = messages.XLSX_DETAIL_HEADERS
    _titles(sheet, messages.XLSX_DETAIL_TITLE, report, scope_label, tz, len(headers))
    style_header(sheet, LIST_HEADER_ROW, headers, with_filter=False)

    def rows() -> Iterator[list[Any]]:
        for number, item in enumerate(items, 1):
            detail = details[item.occurrence_id]
            done_at, done_by, note = _completion(report, item, detail, tz)
            # Progress is today's; a period frozen before a later completion shows none.
            progress = None if detail.done_at and not item.status.is_done else detail.progress
            yield [
                number, detail.unit_code, detail.unit_name, detail.plan_label, detail.task_id,
                detail.task_title, capitalized(detail.period_label), detail.due_date,
                item.due if item.extended else None, messages.STATUS_LABELS[item.status],
                done_at, done_by, detail.evidence_count, progress, note,
            ]

    list_rows(sheet, LIST_HEADER_ROW, len(headers), rows(), table="ChiTiet",
              wrap_columns=(3, 4, 6, 15))
    set_widths(sheet, [6, 10, 24, 24, 7, 44, 14, 12, 12, 18, 16, 20, 10, 9, 26])
    print_setup(sheet, LIST_HEADER_ROW)


def _extension_sheet(
    sheet: Worksheet,
    report: Report,
    items: Sequence[Item],
    details: dict[int, OccurrenceDetail],
    extensions: dict[int, ExtensionDetail],
    scope_label: str,
    tz: ZoneInfo,
) -> None:
    headers = messages.XLSX_EXTENSION_HEADERS
    _titles(sheet, messages.XLSX_EXTENSION_TITLE, report, scope_label, tz, len(headers))
    style_header(sheet, LIST_HEADER_ROW, headers, with_filter=False)

    def rows() -> Iterator[list[Any]]:
        for number, item in enumerate(items, 1):
            detail = details[item.occurrence_id]
            extension = extensions.get(item.occurrence_id)
            yield [
                number, detail.unit_code, detail.unit_name, detail.task_id, detail.task_title,
                capitalized(detail.period_label), detail.due_date, item.due,
                extension.reason if extension else None,
                extension.requested_by if extension else None,
                extension.decided_by if extension else None,
                local_naive(extension.decided_at, tz) if extension else None,
                messages.STATUS_LABELS[item.status],
            ]

    list_rows(sheet, LIST_HEADER_ROW, len(headers), rows(), table="GiaHan",
              wrap_columns=(3, 5, 9))
    set_widths(sheet, [6, 10, 24, 7, 44, 14, 12, 12, 30, 20, 20, 16, 18])
    print_setup(sheet, LIST_HEADER_ROW)


def _late_sheet(
    sheet: Worksheet,
    report: Report,
    items: Sequence[Item],
    details: dict[int, OccurrenceDetail],
    scope_label: str,
    tz: ZoneInfo,
) -> None:
    headers = messages.XLSX_LATE_HEADERS
    _titles(sheet, messages.XLSX_LATE_TITLE, report, scope_label, tz, len(headers))
    style_header(sheet, LIST_HEADER_ROW, headers, with_filter=False)

    def rows() -> Iterator[list[Any]]:
        for number, item in enumerate(items, 1):
            detail = details[item.occurrence_id]
            done_at = detail.done_at or datetime.combine(item.due, datetime.min.time(), tz)
            yield [
                number, detail.unit_code, detail.unit_name, detail.task_id, detail.task_title,
                capitalized(detail.period_label), item.due, local_naive(detail.done_at, tz),
                detail.done_by, (local_date(done_at, tz) - item.due).days,
            ]

    list_rows(sheet, LIST_HEADER_ROW, len(headers), rows(), table="TreHanKyTruoc",
              wrap_columns=(3, 5))
    set_widths(sheet, [6, 10, 24, 7, 44, 14, 12, 16, 20, 10])
    print_setup(sheet, LIST_HEADER_ROW)


# --- helpers -------------------------------------------------------------------------------


def _completion(
    report: Report, item: Item, detail: OccurrenceDetail, tz: ZoneInfo
) -> tuple[datetime | None, str | None, str | None]:
    """When and by whom it was done, as far as the report counts it; a completion recorded
    after a closed period's figures were taken is noted, not counted."""
    if detail.done_at is None:
        return None, None, None
    if item.status.is_done:
        return local_naive(detail.done_at, tz), detail.done_by, detail.done_note
    note = messages.XLSX_DONE_AFTER_CLOSE.format(at=messages.fmt_datetime(detail.done_at, tz))
    return None, None, note


def _titles(
    sheet: Worksheet, title: str, report: Report, scope_label: str, tz: ZoneInfo, width: int
) -> None:
    period = report.period
    put(sheet, 1, 1, title).font = _TITLE_FONT
    put(sheet, 2, 1, messages.XLSX_PERIOD.format(
        label=period.label, start=messages.fmt_date(period.start),
        end=messages.fmt_date(period.end), scope=scope_label))
    if report.frozen and report.closed_at is not None:
        status = messages.XLSX_FROZEN.format(day=messages.fmt_date(report.as_of),
                                             at=messages.fmt_datetime(report.closed_at, tz))
    elif report.closed:
        status = messages.XLSX_PAST.format(day=messages.fmt_date(report.as_of))
    else:
        status = messages.XLSX_LIVE.format(day=messages.fmt_date(report.as_of))
    put(sheet, 3, 1, status).font = Font(italic=True)
    for row in (1, 2, 3):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def style_header(
    sheet: Worksheet, row: int, headers: Sequence[str], *, with_filter: bool = True
) -> None:
    for column, text in enumerate(headers, 1):
        cell = put(sheet, row, column, text)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _HEADER_ALIGN
        cell.border = _BORDER
    sheet.row_dimensions[row].height = 45
    sheet.freeze_panes = f"A{row + 1}"
    if with_filter:  # lists get theirs from their table
        sheet.auto_filter.ref = f"A{row}:{get_column_letter(len(headers))}{row}"


def list_rows(
    sheet: Worksheet,
    header_row: int,
    width: int,
    rows: Iterable[Sequence[Any]],
    *,
    table: str,
    wrap_columns: Sequence[int] = (),
) -> int:
    """Rows under the header, as an Excel table (banding, borders and filter come from the
    table style, not from styling every cell: 100,000 rows stay quick to write). Returns
    the number of rows."""
    row = header_row
    for values in rows:
        row += 1
        for column, value in enumerate(values, 1):
            cell = put(sheet, row, column, value)
            if isinstance(value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, date):
                cell.number_format = DATE_FORMAT
        for column in wrap_columns:
            sheet.cell(row, column).alignment = _WRAP_TOP
    if row > header_row:  # Excel refuses a table without a data row
        sheet.add_table(Table(
            displayName=table,
            ref=f"A{header_row}:{get_column_letter(width)}{row}",
            tableStyleInfo=TableStyleInfo(name=TABLE_STYLE, showRowStripes=True),
        ))
    return row - header_row


def write_row(sheet: Worksheet, row: int, values: Sequence[Any]) -> None:
    for column, value in enumerate(values, 1):
        cell = put(sheet, row, column, value)
        cell.border = _BORDER
        cell.alignment = _WRAP_TOP
        if isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT


def set_widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def print_setup(sheet: Worksheet, header_row: int) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages tall as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = messages.XLSX_FOOTER


def _rate(rate: float | None) -> float | str:
    return EMPTY if rate is None else rate


def local_naive(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    """Excel keeps no time zone: local time, as the officials read it."""
    return moment.astimezone(tz).replace(tzinfo=None) if moment else None


def capitalized(text: str) -> str:
    """«quý I/2026» → «Quý I/2026» at the start of a table cell."""
    return text[:1].upper() + text[1:]
