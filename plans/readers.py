"""Turn an uploaded file (bytes + its name) into ordered paragraphs and tables.

The type is decided by the bytes, not the name: officials rename files, forward them through
Zalo with odd names, or send a scan saved as ".pdf". Anything we cannot read raises
`PlanReadError` whose `message` is a Vietnamese sentence fit to send back as is.

Readers:
- .txt / .md: UTF-8 (or UTF-16 with BOM, or Windows-1258); Markdown tables become tables.
- .docx (python-docx): body paragraphs and tables in document order, Word list numbering
  rendered back into the text ("1.", "a)", "-") because the parser relies on it.
- .pdf (pdfplumber): text lines regrouped into paragraphs from their geometry.
- .xlsx (openpyxl): every sheet as a table, merged cells filled in.
- scans: a PDF without a text layer, and photos (JPEG, PNG…), are read by OCR (plans.ocr).
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import PurePath

from plans.limits import DEFAULT_LIMITS, ReadGuard, ReadLimits, check_zip
from plans.ocr import Progress, read_image, read_scanned_pdf
from plans.read_document import (
    _LABEL_START,
    _STRUCTURE_START,
    Block,
    FileType,
    Paragraph,
    PlanReadError,
    ReadDocument,
    Table,
    join_wrapped_lines,
    text_is_hard_wrapped,
)
from plans.read_docx import _read_docx
from plans.read_pdf import _read_pdf
from plans.read_xlsx import _read_xlsx
from plans.text import clean_text, nfc

__all__ = [
    "_LABEL_START", "_STRUCTURE_START", "Block", "FileType", "Paragraph", "PlanReadError",
    "ReadDocument", "ReadLimits", "Table", "detect_type", "join_wrapped_lines", "read_document", "sniff_type",
]

MAX_FILE_BYTES = DEFAULT_LIMITS.max_file_bytes

TYPE_LABELS: dict[str, str] = {
    "text": "văn bản thuần (.txt)",
    "markdown": "Markdown (.md)",
    "docx": "Word (.docx)",
    "pdf": "PDF (.pdf)",
    "xlsx": "Excel (.xlsx)",
    "doc": "Word 97-2003 (.doc)",
    "xls": "Excel 97-2003 (.xls)",
    "ole": "Office 97-2003 (.doc/.xls)",
    "odt": "OpenDocument (.odt/.ods)",
    "zip": "tệp nén (.zip)",
    "image": "ảnh",
    "rtf": "RTF (.rtf)",
    "html": "trang web (HTML)",
    "pptx": "PowerPoint (.pptx)",
    "binary": "tệp nhị phân",
}

EXTENSION_TYPES: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".docx": "docx",
    ".docm": "docx",
    ".pdf": "pdf",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".doc": "doc",
    ".xls": "xls",
    ".odt": "odt",
    ".ods": "odt",
    ".zip": "zip",
    ".rar": "zip",
    ".7z": "zip",
    ".jpg": "image",
    ".jpeg": "image",
    ".png": "image",
    ".gif": "image",
    ".tif": "image",
    ".tiff": "image",
    ".heic": "image",
    ".webp": "image",
    ".bmp": "image",
    ".rtf": "rtf",
    ".htm": "html",
    ".html": "html",
    ".pptx": "pptx",
    ".ppt": "ole",
}

SUPPORTED_TYPES = ("text", "markdown", "docx", "pdf", "xlsx")
SUPPORTED_HINT = ".docx, .pdf, .xlsx, .txt, .md hoặc ảnh chụp .jpg/.png"


# --- type detection ------------------------------------------------------------------------


def _extension(filename: str) -> str:
    return PurePath(filename or "").suffix.lower()


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "ppt/presentation.xml" in names:
                return "pptx"
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(80)  # never the whole part: it may be a bomb
                if b"opendocument" in mimetype:
                    return "odt"
    except (zipfile.BadZipFile, OSError, KeyError):
        return "corrupt_zip"
    return "zip"


def _looks_like_text(data: bytes) -> bool:
    sample = data[:65536]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in sample:
        return False
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return controls <= len(sample) // 100


def sniff_type(data: bytes) -> str:
    """The file's real type from its first bytes (one of TYPE_LABELS, or "corrupt_zip")."""
    head = data[:16]
    if head.startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*", b"BM")):
        return "image"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1") or (
        head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    ):
        return "image"
    if head.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        return "zip"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if _looks_like_text(data):
        stripped = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if stripped.startswith((b"<!doctype html", b"<html", b"<?xml")):
            return "html"
        return "text"
    return "binary"


def detect_type(data: bytes, filename: str, limits: ReadLimits = DEFAULT_LIMITS) -> FileType:
    """Which reader to use, or a PlanReadError saying in Vietnamese why none fits."""
    name = PurePath(filename or "tệp").name or "tệp"
    ReadGuard(name, limits).check_file_size(len(data))
    if not data or not data.strip():
        raise PlanReadError("empty", f"Tệp «{name}» trống, không có nội dung để đọc.")
    actual = sniff_type(data)
    extension = _extension(name)
    claimed = EXTENSION_TYPES.get(extension)

    if actual == "corrupt_zip":
        raise PlanReadError(
            "corrupt", f"Tệp «{name}» bị hỏng hoặc chưa tải xong, không mở được. Vui lòng gửi lại."
        )
    if actual == "text" and claimed == "markdown":
        return "markdown"
    if actual == "image":
        # A picture is read as one whatever its name: scans arrive saved as ".pdf", phone
        # photos forwarded with no extension; nothing else could be misread for it.
        return "image"
    if actual in SUPPORTED_TYPES:
        # A text file may carry any "text-like" extension; binary formats must agree.
        if claimed is None and extension and actual != "text":
            raise _mismatch(name, extension, actual)
        if claimed is not None and claimed != actual:
            if actual == "text" and claimed in ("text", "markdown"):
                return "text"
            raise _mismatch(name, extension, actual)
        if claimed is None and extension and actual == "text":
            raise PlanReadError(
                "unsupported",
                f"Chưa đọc được tệp đuôi «{extension}». Hãy gửi kế hoạch dạng {SUPPORTED_HINT}.",
            )
        return actual  # type: ignore[return-value]
    raise _unsupported(name, actual, claimed)


def _mismatch(name: str, extension: str, actual: str) -> PlanReadError:
    right = {"docx": ".docx", "pdf": ".pdf", "xlsx": ".xlsx", "text": ".txt"}.get(actual, "")
    return PlanReadError(
        "wrong_extension",
        f"Tệp «{name}» có đuôi «{extension}» nhưng nội dung là {TYPE_LABELS[actual]}. "
        f"Để tránh đọc nhầm, vui lòng đổi đuôi tệp thành «{right}» hoặc xuất lại tệp rồi gửi lại.",
    )


def _unsupported(name: str, actual: str, claimed: str | None) -> PlanReadError:
    if actual == "ole":
        label = TYPE_LABELS.get(claimed or "ole", TYPE_LABELS["ole"])
        target = ".xlsx" if claimed == "xls" else ".docx"
        return PlanReadError(
            "old_office",
            f"Tệp «{name}» là định dạng {label} đời cũ. Vui lòng mở bằng Word/Excel, "
            f"chọn «Lưu thành» {target} rồi gửi lại.",
        )
    label = TYPE_LABELS.get(actual, TYPE_LABELS["binary"])
    return PlanReadError(
        "unsupported",
        f"Tệp «{name}» là {label}, chưa đọc được. Hãy gửi kế hoạch dạng {SUPPORTED_HINT}.",
    )


# --- entry point ---------------------------------------------------------------------------


def read_document(
    data: bytes, filename: str, *, limits: ReadLimits = DEFAULT_LIMITS,
    clock: Callable[[], float] = time.monotonic, progress: Progress | None = None,
) -> ReadDocument:
    """Reads within `limits` (plans.limits): what the file declares is measured before any
    library expands it, and the time and text spent are watched while reading. `progress`
    hears of each page read by OCR (page, pages), for a "đang đọc trang 3/12"."""
    file_type = detect_type(data, filename, limits)
    name = PurePath(filename or "tệp").name or "tệp"
    guard = ReadGuard(name, limits, clock)
    if file_type in ("text", "markdown"):
        guard.add_text(len(data))
        document = _read_text(data, name, file_type)
    elif file_type == "docx":
        check_zip(data, guard)
        document = _read_docx(data, name, guard)
    elif file_type == "pdf":
        try:
            document = _read_pdf(data, name, guard)
        except PlanReadError as error:
            if error.code != "scanned_pdf":
                raise
            # No text layer: the pages are pictures, read them.
            document = read_scanned_pdf(data, name, guard, progress)
    elif file_type == "image":
        document = read_image(data, name, guard, progress)
    else:
        check_zip(data, guard)
        document = _read_xlsx(data, name, guard)
    if not any(
        (isinstance(block, Paragraph) and block.text.strip())
        or (isinstance(block, Table) and any(any(cell for cell in row) for row in block.rows))
        for block in document.blocks
    ):
        raise PlanReadError("empty", f"Tệp «{name}» không có nội dung chữ nào để đọc.")
    return document


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
# A table row written without its outer bars: "TT | Nhiệm vụ | Cơ quan chủ trì | Thời gian":
# a short first cell (a number, a Roman numeral, "TT") and at least three cells.
_BARE_ROW = re.compile(r"^\s*[\w.]{1,6}\s+\|\s+[^|]+\|[^|]+")
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Older Vietnamese Windows machines save in code page 1258.
        return data.decode("cp1258", errors="replace")



def _markdown_row(line: str) -> tuple[str, ...]:
    body = line.strip()
    body = body.removeprefix("|").removesuffix("|")
    return tuple(clean_text(cell) for cell in re.split(r"(?<!\\)\|", body))


def _read_text(data: bytes, name: str, file_type: FileType) -> ReadDocument:
    text = nfc(decode_text(data)).replace("\r\n", "\n").replace("\r", "\n")
    # Read in two passes: the blocks between blank lines first, then their lines joined into
    # paragraphs, knowing whether the text as a whole is hard-wrapped.
    parts: list[list[str] | Table] = []
    pending: list[str] = []
    table_rows: list[tuple[str, ...]] = []

    def flush_lines() -> None:
        if pending:
            parts.append(list(pending))
        pending.clear()

    def flush_table() -> None:
        if table_rows:
            parts.append(Table(tuple(table_rows)))
            table_rows.clear()

    for raw in text.split("\n"):
        line = raw.rstrip()
        if file_type == "markdown":
            line = _MD_LINK.sub(r"\1", _MD_HEADING.sub("", line))
        if (line.lstrip().startswith("|") and line.count("|") >= 2) or _BARE_ROW.match(line):
            flush_lines()
            if not _MD_TABLE_RULE.match(line):
                table_rows.append(_markdown_row(line))
            continue
        if not line.strip():
            # A blank line between the rows of a table does not end it.
            flush_lines()
            continue
        flush_table()
        pending.append(line)
    flush_lines()
    flush_table()
    line_blocks = [part for part in parts if isinstance(part, list)]
    text_wrapped = text_is_hard_wrapped([[line.strip() for line in block] for block in line_blocks])
    blocks: list[Block] = []
    for part in parts:
        if isinstance(part, Table):
            blocks.append(part)
        else:
            blocks.extend(
                Paragraph(paragraph)
                for paragraph in join_wrapped_lines(part, text_wrapped=text_wrapped)
            )
    return ReadDocument(name, file_type, tuple(blocks))

