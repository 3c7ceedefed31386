"""How much work one uploaded plan may cost, checked before the work is done.

A 1.6 KB spreadsheet can declare a merged range of 17 billion cells, a 500 KB Word file can
inflate to 200 MB of XML, a 1 MB PDF stream to 400 MB of drawing operators (issue 11,
"High 2"). The readers therefore measure what a file *declares* (zip member sizes and
ratios, sheet dimensions, merged ranges, cell counts, PDF streams and pages) before any
library expands it, and keep a time budget and a text budget while they read. Every refusal
is a `PlanReadError` whose Vietnamese message names the limit that was hit.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, NoReturn

from plans.read_document import PlanReadError
from texts import messages

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """Defaults fit the largest real plans seen (a 300-page PDF, a 5 MB document.xml, a
    workbook of a few thousand rows) with room to spare, and keep one read under a few
    hundred MB. Each is a setting PLAN_READ_<NAME> (config.settings)."""

    max_file_bytes: int = 20 * MB
    # zip containers (.docx, .xlsx): what the central directory declares; Python's zipfile
    # never inflates a member past its declared size, so these bound what the parsers see.
    zip_max_parts: int = 2_000
    zip_max_part_bytes: int = 25 * MB
    zip_max_total_bytes: int = 100 * MB
    zip_max_ratio: float = 100.0  # applies to parts over zip_ratio_floor_bytes
    zip_ratio_floor_bytes: int = 1 * MB
    # spreadsheets
    xlsx_max_sheet_cells: int = 5_000_000  # declared <dimension> area of one sheet
    xlsx_max_merged_cells: int = 200_000  # cells covered by merged ranges, all sheets
    xlsx_max_cells: int = 500_000  # <c> elements written, all sheets
    xlsx_max_table_cells: int = 1_000_000  # rows × columns of the tables we build
    # PDF
    pdf_max_pages: int = 500
    pdf_max_stream_bytes: int = 32 * MB  # one stream, inflated
    pdf_max_total_bytes: int = 200 * MB  # all streams, inflated
    pdf_max_ratio: float = 200.0  # applies to streams over zip_ratio_floor_bytes
    pdf_max_page_chars: int = 40_000
    # scans and photos read by OCR (plans.ocr): a page costs seconds, not milliseconds
    ocr_max_pages: int = 40
    ocr_max_seconds: float = 180.0
    ocr_max_pixels: int = 40_000_000  # one page or photo; A4 at 300 dpi is 8.7 million
    # every format
    max_text_chars: int = 2_000_000
    max_seconds: float = 60.0

    @classmethod
    def from_settings(cls, settings: Any) -> ReadLimits:
        """The limits configured as `plan_read_<name>` on a Settings object; the file size
        limit is the upload limit every platform already applies (`max_file_bytes`)."""
        values: dict[str, Any] = {"max_file_bytes": settings.max_file_bytes}
        for spec in fields(cls):
            configured = getattr(settings, f"plan_read_{spec.name}", None)
            if configured is not None:
                values[spec.name] = configured
        return cls(**values)


DEFAULT_LIMITS = ReadLimits()


def size_text(size: float) -> str:
    if size >= MB:
        whole = size % MB == 0
        return f"{size // MB} MB" if whole else f"{size / MB:.1f} MB".replace(".", ",")
    return f"{max(size / 1024, 0.1):.1f} KB".replace(".", ",")


def count_text(value: float) -> str:
    """Vietnamese digit grouping: 1.048.576."""
    return f"{int(value):,}".replace(",", ".")


class ReadGuard:
    """The budget of one read: the limits, the file's name for messages, the time spent and
    the text produced so far. Readers call `tick()` in their loops; `clock` is injectable
    so tests can spend the time budget without waiting."""

    def __init__(
        self, name: str, limits: ReadLimits = DEFAULT_LIMITS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.limits = limits
        self._clock = clock
        self._start = clock()
        self._deadline = self._start + limits.max_seconds
        self._seconds = limits.max_seconds
        self.text_chars = 0

    def start_ocr(self) -> None:
        """From here the read is OCR: its own, longer time budget, counted from the start."""
        self._seconds = max(self.limits.max_seconds, self.limits.ocr_max_seconds)
        self._deadline = self._start + self._seconds

    def seconds_left(self) -> float:
        return self._deadline - self._clock()

    def expire(self) -> NoReturn:
        """Refuses for time (something outside the loop, such as Tesseract, ran out of it)."""
        raise self.refuse("limit_time", messages.READ_LIMIT_TIME, seconds=count_text(self._seconds))

    def refuse(self, code: str, template: str, **params: Any) -> PlanReadError:
        return PlanReadError(code, template.format(name=self.name, **params))

    def tick(self) -> None:
        if self._clock() > self._deadline:
            self.expire()

    def add_text(self, chars: int) -> None:
        self.text_chars += chars
        if self.text_chars > self.limits.max_text_chars:
            raise self.refuse(
                "limit_text", messages.READ_LIMIT_TEXT,
                limit=count_text(self.limits.max_text_chars),
            )

    def check_file_size(self, size: int) -> None:
        if size > self.limits.max_file_bytes:
            raise self.refuse(
                "too_large", messages.READ_LIMIT_FILE_SIZE,
                size=size_text(size), limit=size_text(self.limits.max_file_bytes),
            )


def check_zip(data: bytes, guard: ReadGuard) -> None:
    """Refuses a .docx/.xlsx whose parts would inflate past the limits, from the sizes its
    central directory declares, before any part is inflated."""
    limits = guard.limits
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise guard.refuse(
            "corrupt", "Tệp «{name}» bị hỏng hoặc chưa tải xong, không mở được. Vui lòng gửi lại."
        ) from error
    if len(parts) > limits.zip_max_parts:
        raise guard.refuse(
            "limit_zip_parts", messages.READ_LIMIT_ZIP_PARTS,
            count=count_text(len(parts)), limit=count_text(limits.zip_max_parts),
        )
    total = 0
    for part in parts:
        if part.file_size > limits.zip_max_part_bytes:
            raise guard.refuse(
                "limit_zip_part", messages.READ_LIMIT_ZIP_PART_SIZE, part=part.filename[:80],
                size=size_text(part.file_size), limit=size_text(limits.zip_max_part_bytes),
            )
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > limits.zip_ratio_floor_bytes and ratio > limits.zip_max_ratio:
            raise guard.refuse(
                "limit_zip_ratio", messages.READ_LIMIT_ZIP_RATIO, part=part.filename[:80],
                ratio=count_text(ratio), size=size_text(part.file_size),
                limit=count_text(limits.zip_max_ratio),
            )
        total += part.file_size
    if total > limits.zip_max_total_bytes:
        raise guard.refuse(
            "limit_zip_total", messages.READ_LIMIT_ZIP_TOTAL,
            size=size_text(total), limit=size_text(limits.zip_max_total_bytes),
        )
