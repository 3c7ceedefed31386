"""The evidence dossier (hồ sơ minh chứng) inspectors score the PAR index from: a zip with
the evidence files in folders by plan / task / period, and an index spreadsheet of who sent
what and when, with each file's SHA-256.

Which occurrences: those due in the period (effective due date, as in the statistics) of
the units in scope, with their status today and all their evidence to date; and, for
ongoing tasks (thường xuyên, no due date), the evidence sent within the period.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from db.evidence_files import EvidenceStore
from db.models import Evidence, Occurrence, Person, Task
from reports.cells import put
from reports.details import OccurrenceDetail, chunks, occurrence_details
from reports.periods import Period
from reports.stats import Cutoff, evaluate, local_day_start, scoped
from reports.xlsx import (
    capitalized,
    list_rows,
    local_naive,
    print_setup,
    set_widths,
    style_header,
)
from texts import messages
from timelang.status import Status

INDEX_HEADER_ROW = 4
LOCATION_COLUMN = 10
MAX_COMPONENT = 60
# Already compressed: deflating them again costs time and saves nothing.
STORED_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "image/heic")


@dataclass(frozen=True)
class EvidenceRow:
    evidence_id: int
    occurrence_id: int
    sha256: str
    size: int
    mime_type: str
    file_name: str | None
    created_at: datetime
    caption: str | None
    sender: str | None


@dataclass
class Entry:
    """One evidence file and where it goes in the zip."""

    evidence: EvidenceRow
    detail: OccurrenceDetail
    status: Status
    due: date | None
    path: str


@dataclass
class Dossier:
    period: Period
    scope_label: str
    root: str
    entries: list[Entry] = field(default_factory=list)
    # Occurrences due in the period with no evidence at all.
    missing: list[tuple[OccurrenceDetail, Status, date]] = field(default_factory=list)
    occurrences: int = 0

    @property
    def estimated_bytes(self) -> int:
        return sum(entry.evidence.size for entry in self.entries)

    @property
    def with_evidence(self) -> int:
        return len({entry.evidence.occurrence_id for entry in self.entries if entry.due})


@dataclass
class Written:
    files: int = 0
    gone: int = 0  # listed in the index, but the file is not in the store (or is damaged)
    bytes: int = 0


def plan_dossier(
    session: Session,
    period: Period,
    *,
    unit_ids: Collection[int] | None,
    today: date,
    tz: ZoneInfo,
    scope_label: str,
) -> Dossier:
    items, _ = evaluate(session, period, Cutoff(done_by=None, judge_day=today), tz, unit_ids)
    judged = {item.occurrence_id: item for item in items}
    evidence = _evidence_of(session, list(judged))
    ongoing = _ongoing_evidence(session, period, tz, unit_ids)
    details = occurrence_details(session, [*judged, *(row.occurrence_id for row in ongoing)])
    root = sanitize(messages.DOSSIER_ROOT_FOLDER.format(scope=scope_label, period=period.label))
    dossier = Dossier(period=period, scope_label=scope_label, root=root,
                      occurrences=len(judged))
    used: set[str] = set()
    for row in sorted(evidence, key=lambda r: (details[r.occurrence_id].task_id, r.evidence_id)):
        item = judged[row.occurrence_id]
        detail = details[row.occurrence_id]
        path = _unique(_path(root, detail, item.due, row), used)
        dossier.entries.append(Entry(row, detail, item.status, item.due, path))
    for row in sorted(ongoing, key=lambda r: (details[r.occurrence_id].task_id, r.evidence_id)):
        detail = details[row.occurrence_id]
        path = _unique(_path(root, detail, None, row), used)
        dossier.entries.append(Entry(row, detail, Status.ONGOING, None, path))
    with_files = {row.occurrence_id for row in evidence}
    for occurrence_id, item in sorted(judged.items(), key=lambda pair: (
            details[pair[0]].unit_code, pair[1].due, pair[0])):
        if occurrence_id not in with_files:
            dossier.missing.append((details[occurrence_id], item.status, item.due))
    return dossier


def write_dossier(
    dossier: Dossier, target: BinaryIO, store: EvidenceStore, *, tz: ZoneInfo,
    generated_at: datetime,
) -> Written:
    """Writes the zip; files missing from the store or not matching their SHA-256 are left
    out and marked in the index."""
    written = Written()
    gone: set[int] = set()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in dossier.entries:
            source = store.path_for(entry.evidence.sha256)
            if not _intact(source, entry.evidence.sha256):
                gone.add(entry.evidence.evidence_id)
                continue
            compression = (zipfile.ZIP_STORED if entry.evidence.mime_type in STORED_TYPES
                           else zipfile.ZIP_DEFLATED)
            archive.write(source, entry.path, compress_type=compression)
            written.files += 1
            written.bytes += entry.evidence.size
        index = index_workbook(dossier, gone, store, tz=tz, generated_at=generated_at)
        archive.writestr(f"{dossier.root}/{messages.DOSSIER_INDEX_FILE}", index)
    written.gone = len(gone)
    return written


def dossier_bytes(
    dossier: Dossier, store: EvidenceStore, *, tz: ZoneInfo, generated_at: datetime
) -> tuple[bytes, Written]:
    buffer = io.BytesIO()
    written = write_dossier(dossier, buffer, store, tz=tz, generated_at=generated_at)
    return buffer.getvalue(), written


def index_workbook(
    dossier: Dossier,
    gone: set[int],
    store: EvidenceStore,
    *,
    tz: ZoneInfo,
    generated_at: datetime,
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = messages.DOSSIER_INDEX_SHEET
    headers = messages.DOSSIER_INDEX_HEADERS
    _titles(sheet, messages.DOSSIER_INDEX_TITLE, dossier, tz, generated_at)
    style_header(sheet, INDEX_HEADER_ROW, headers, with_filter=False)

    def index_rows() -> Iterator[list[Any]]:
        for number, entry in enumerate(dossier.entries, 1):
            evidence, detail = entry.evidence, entry.detail
            if evidence.evidence_id in gone:
                corrupt = store.path_for(evidence.sha256).exists()
                location = (messages.DOSSIER_FILE_CORRUPT if corrupt
                            else messages.DOSSIER_FILE_GONE)
            else:
                location = entry.path.removeprefix(f"{dossier.root}/")
            yield [
                number, detail.plan_label, detail.task_id, detail.task_title, detail.unit_code,
                detail.unit_name, capitalized(detail.period_label), entry.due,
                messages.STATUS_LABELS[entry.status], location, evidence.file_name,
                evidence.sender, local_naive(evidence.created_at, tz), evidence.mime_type,
                evidence.size, evidence.sha256, evidence.caption,
            ]

    list_rows(sheet, INDEX_HEADER_ROW, len(headers), index_rows(), table="MucLuc",
              wrap_columns=(2, 4, 10))
    for row, entry in enumerate(dossier.entries, INDEX_HEADER_ROW + 1):
        if entry.evidence.evidence_id in gone:
            sheet.cell(row, LOCATION_COLUMN).font = Font(bold=True, color="C00000")
    set_widths(sheet, [6, 26, 7, 40, 9, 22, 14, 12, 16, 40, 24, 20, 16, 14, 12, 66, 24])
    print_setup(sheet, INDEX_HEADER_ROW)

    missing = workbook.create_sheet(messages.DOSSIER_MISSING_SHEET)
    _titles(missing, messages.DOSSIER_MISSING_TITLE, dossier, tz, generated_at)
    style_header(missing, INDEX_HEADER_ROW, messages.DOSSIER_MISSING_HEADERS, with_filter=False)
    list_rows(missing, INDEX_HEADER_ROW, len(messages.DOSSIER_MISSING_HEADERS), (
        [number, detail.plan_label, detail.task_id, detail.task_title, detail.unit_code,
         detail.unit_name, capitalized(detail.period_label), due, messages.STATUS_LABELS[status]]
        for number, (detail, status, due) in enumerate(dossier.missing, 1)
    ), table="ChuaCoMinhChung", wrap_columns=(2, 4))
    set_widths(missing, [6, 30, 7, 50, 9, 26, 14, 12, 18])
    print_setup(missing, INDEX_HEADER_ROW)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _titles(sheet: Worksheet, title: str, dossier: Dossier, tz: ZoneInfo,
            generated_at: datetime) -> None:
    period = dossier.period
    put(sheet, 1, 1, title).font = Font(bold=True, size=14)
    put(sheet, 2, 1, messages.XLSX_PERIOD.format(
        label=period.label, start=messages.fmt_date(period.start),
        end=messages.fmt_date(period.end), scope=dossier.scope_label))
    put(sheet, 3, 1, messages.XLSX_GENERATED.format(
        at=messages.fmt_datetime(generated_at, tz))).font = Font(italic=True)


# --- queries -------------------------------------------------------------------------------


def _evidence_query() -> Select[*tuple[Any, ...]]:
    sender = aliased(Person)
    return (
        select(
            Evidence.id,
            Evidence.occurrence_id,
            Evidence.sha256,
            Evidence.size,
            Evidence.mime_type,
            Evidence.file_name,
            Evidence.created_at,
            Evidence.caption,
            sender.display_name,
        )
        .outerjoin(sender, sender.id == Evidence.person_id)
    )


def _evidence_of(session: Session, occurrence_ids: list[int]) -> list[EvidenceRow]:
    rows: list[EvidenceRow] = []
    for part in chunks(sorted(occurrence_ids)):
        query = _evidence_query().where(Evidence.occurrence_id.in_(list(part)))
        rows += [EvidenceRow(*row) for row in session.execute(query)]
    return rows


def _ongoing_evidence(
    session: Session, period: Period, tz: ZoneInfo, unit_ids: Collection[int] | None
) -> list[EvidenceRow]:
    query = (
        _evidence_query()
        .join(Occurrence, Occurrence.id == Evidence.occurrence_id)
        .join(Task, Task.id == Occurrence.task_id)
        .where(
            Task.status == "active",
            Occurrence.due_date.is_(None),
            Occurrence.extended_due_date.is_(None),
            Evidence.created_at >= local_day_start(period.start, tz),
            Evidence.created_at < local_day_start(period.end + timedelta(days=1), tz),
        )
        .add_columns(Task.lead_unit_id)
    )
    wanted = set(unit_ids) if unit_ids is not None else None
    return [
        EvidenceRow(*row[:-1])
        for row in session.execute(scoped(query, unit_ids))
        if wanted is None or row[-1] in wanted
    ]


# --- paths ---------------------------------------------------------------------------------

_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def sanitize(text: str, limit: int = MAX_COMPONENT) -> str:
    """A file or folder name every system accepts: no separators or reserved characters,
    no trailing dots or spaces (Windows), not too long."""
    cleaned = _FORBIDDEN.sub("-", unicodedata.normalize("NFC", text))
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > limit:
        cut = cleaned.rfind(" ", 0, limit - 1)
        # At a word boundary unless that throws away too much.
        cleaned = cleaned[: cut if cut > limit // 2 else limit - 1].rstrip(" -—") + "…"
    cleaned = cleaned.strip(" .")
    return cleaned or "_"


def _path(root: str, detail: OccurrenceDetail, due: date | None, row: EvidenceRow) -> str:
    plan = sanitize(detail.plan_label)
    reference = f" {detail.task_ref}" if detail.task_ref else ""
    task = sanitize(f"NV{detail.task_id}{reference} - {detail.task_title}")
    if due is None:
        period = sanitize(messages.DOSSIER_ONGOING_FOLDER)
    else:
        period = sanitize(messages.DOSSIER_PERIOD_FOLDER.format(
            period=capitalized(detail.period_label), due=due.strftime("%d-%m-%Y")))
    name = sanitize(row.file_name or f"minhchung{_extension(row.mime_type)}", limit=80)
    return f"{root}/{plan}/{task}/{period}/{row.evidence_id}_{name}"


def _extension(mime_type: str) -> str:
    return {
        "application/pdf": ".pdf",
        "image/jpeg": ".jpg",
        "image/png": ".png",
        "image/gif": ".gif",
        "image/webp": ".webp",
        "image/heic": ".heic",
    }.get(mime_type, "")


def _unique(path: str, used: set[str]) -> str:
    candidate, counter = path, 1
    while candidate.lower() in used:
        counter += 1
        stem, dot, suffix = path.rpartition(".")
        candidate = f"{stem} ({counter}).{suffix}" if dot else f"{path} ({counter})"
    used.add(candidate.lower())
    return candidate


def _intact(path: Path, sha256: str) -> bool:
    if not path.is_file():
        return False
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest() == sha256
