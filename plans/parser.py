"""Read the structure of a plan: its header and its tasks.

Header: kind ("KẾ HOẠCH"), number ("341/KH-UBND"), place and date ("Chợ Mới, ngày 22 tháng
02 năm 2023"), title.

Tasks: the body is read into a tree of sections (I, II), numbered items (1., 1.1.), lettered
items (a), b)), bullets and plain paragraphs, with the lines that assign work ("Cơ quan chủ
trì:", "Thời gian thực hiện:" …) attached where they stand. The leaves of that tree are the
tasks. An assignment line applies to the items above it back to the previous line of the same
kind, so a "Thời gian thực hiện" closing a section applies to every item in it, while one
after each bullet applies to that bullet only. A task's own words win over its section's
lines: "chậm nhất ngày 15/11/2023", "họp định kỳ hàng tháng (…)".

Tables with a task header (STT / Nội dung / Cơ quan chủ trì / … / Thời gian) are read row by
row into the same tree, so a .docx whose tasks sit in a table, or an .xlsx annex, give the
same kind of result.

Deadlines are read by `timelang.deadlines.parse_deadline`, relative to the plan's date; a
phrase it cannot read keeps its text and gets no deadline, for the admin to fix.
"""

from __future__ import annotations

from datetime import date
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from plans.limits import DEFAULT_LIMITS, ReadLimits
from plans.ocr import Progress
from plans.readers import Paragraph, PlanReadError, ReadDocument, read_document
from plans.text import (
    sentence_case,
)
from texts import ocr as ocr_texts

if TYPE_CHECKING:
    pass
from plans.block_reader import _BodyReader
from plans.dated_blocks import date_headings
from plans.document import _Effective
from plans.flat_tables import flat_tables
from plans.plan_header import _kind_of, _read_header, _read_header_line
from plans.plan_model import DEFAULT_KIND, ParsedPlan, ParsedTask
from plans.prose_duties import prose_duties
from plans.task_extraction import _assign_refs, _TaskBuilder, _unique_refs
from plans.task_tables import task_table

__all__ = ["DEFAULT_KIND", "ParsedPlan", "ParsedTask", "parse_document", "parse_text", "read_plan"]

# --- entry points --------------------------------------------------------------------------


def parse_document(
    document: ReadDocument, *, today: date | None = None, calendar: Any = None
) -> ParsedPlan:
    """The plan in a read document. Never raises for content: a plan with no tasks comes
    back with an empty task list (see `read_plan` for the strict version)."""
    items = flat_tables(list(document.blocks))
    header, start = _read_header(items)
    reader = _BodyReader()
    for index, item in enumerate(items):
        if isinstance(item, Paragraph):
            if index >= start:
                reader.feed(item.text)
            continue
        parsed = task_table(item)
        if parsed is None:
            continue
        for line in parsed.preface:
            _read_header_line(header, line)
            found = _kind_of(line) if header.kind is None else None
            if found and not found[1]:
                header.kind = found[0]
        if not header.title and parsed.title:
            header.title = sentence_case(parsed.title)
        reader.feed_table(parsed)

    reader.finish()
    date_headings(reader.root)
    reference = header.date or (date(header.year, 1, 1) if header.year else None)
    opening = [item.text for item in items[:start] if isinstance(item, Paragraph)]
    if opening and opening[-1].rstrip().endswith(":") and not reader.preamble:
        # The header reader ends at the opening sentence; it may name the addressees.
        reader.preamble.append(opening[-1])
    addressees, duties = prose_duties(reader)
    reader.root.children.extend(duties)
    _assign_refs(reader.root)
    # Without a readable plan date, relative deadlines need a day given by the caller (the CLI's
    # --date, the chat's question); the tasks say so instead of silently counting from today.
    builder = _TaskBuilder(
        reference or today or date.today(), calendar, guessed_date=reference is None and today is None
    )
    builder.walk(reader.root, _Effective(addressees or None, addressed=bool(addressees)))
    _unique_refs(builder.tasks)
    title = header.title or PurePath(document.filename).stem
    warnings = list(document.warnings)
    if document.ocr:
        # Every word may be misread: each task says so until the officer has checked it.
        for task in builder.tasks:
            task.unsure.append("ocr")
        warnings.append(ocr_texts.OCR_WARNING.format(pages=document.pages or 1))
    undated = sum(1 for task in builder.tasks if task.deadline is None)
    if builder.tasks and undated:
        warnings.append(f"{undated} nhiệm vụ chưa có thời hạn đọc được.")
    return ParsedPlan(
        kind=header.kind or DEFAULT_KIND,
        number=header.number,
        date=header.date,
        place=header.place,
        title=title,
        tasks=builder.tasks,
        issuer=header.issuer,
        reference_date=reference or today or date.today(),
        source_name=document.filename,
        source_type=document.file_type,
        warnings=warnings,
        ocr=document.ocr,
    )


def parse_text(
    text: str, filename: str = "ke-hoach.txt", *, today: date | None = None, calendar: Any = None
) -> ParsedPlan:
    return parse_document(
        read_document(text.encode("utf-8"), filename), today=today, calendar=calendar
    )


def read_plan(
    data: bytes, filename: str, *, today: date | None = None, calendar: Any = None,
    limits: ReadLimits = DEFAULT_LIMITS, progress: Progress | None = None,
) -> ParsedPlan:
    """Read and parse an uploaded plan. Raises PlanReadError (with a Vietnamese message) for
    a file that cannot be read, that passes a reading limit, or in which no task can be
    recognised. `progress` hears of each page a scan's OCR reads."""
    document = read_document(data, filename, limits=limits, progress=progress)
    plan = parse_document(document, today=today, calendar=calendar)
    if not plan.tasks:
        raise PlanReadError(
            "no_tasks",
            f"Không tìm thấy nhiệm vụ nào trong tệp «{document.filename}». Kế hoạch cần có các "
            "mục đánh số (I, 1, 1.1, a), gạch đầu dòng hoặc bảng có cột «Nội dung», "
            "«Cơ quan chủ trì», «Thời gian».",
        )
    return plan
