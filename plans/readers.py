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
"""

from __future__ import annotations

import io
import re
import statistics
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
from pathlib import PurePath
from typing import Any, Literal, NamedTuple

from plans.text import FOOTNOTE_LINE, clean_text, nfc, squash_spaces, starts_lowercase

MAX_FILE_BYTES = 20 * 1024 * 1024

FileType = Literal["text", "markdown", "docx", "pdf", "xlsx"]

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
SUPPORTED_HINT = ".docx, .pdf (có lớp chữ), .xlsx, .txt hoặc .md"


class PlanReadError(ValueError):
    """A file we will not read. `message` is Vietnamese and safe to show to the sender."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]
    name: str | None = None  # the sheet name for spreadsheets


Block = Paragraph | Table


@dataclass(frozen=True)
class ReadDocument:
    filename: str
    file_type: FileType
    blocks: tuple[Block, ...]
    pages: int | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def paragraphs(self) -> list[str]:
        return [block.text for block in self.blocks if isinstance(block, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [block for block in self.blocks if isinstance(block, Table)]


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
                mimetype = archive.read("mimetype")[:80]
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


def detect_type(data: bytes, filename: str) -> FileType:
    """Which reader to use, or a PlanReadError saying in Vietnamese why none fits."""
    name = PurePath(filename or "tệp").name or "tệp"
    if not data or not data.strip():
        raise PlanReadError("empty", f"Tệp «{name}» trống, không có nội dung để đọc.")
    if len(data) > MAX_FILE_BYTES:
        size_mb = len(data) / (1024 * 1024)
        raise PlanReadError(
            "too_large",
            f"Tệp «{name}» nặng {size_mb:.1f} MB, vượt giới hạn 20 MB. "
            "Vui lòng gửi bản nhỏ hơn (ví dụ chỉ phần kế hoạch và phụ lục nhiệm vụ).",
        )
    actual = sniff_type(data)
    extension = _extension(name)
    claimed = EXTENSION_TYPES.get(extension)

    if actual == "corrupt_zip":
        raise PlanReadError(
            "corrupt", f"Tệp «{name}» bị hỏng hoặc chưa tải xong, không mở được. Vui lòng gửi lại."
        )
    if actual == "text" and claimed == "markdown":
        return "markdown"
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
    if actual == "image":
        return PlanReadError(
            "image",
            f"Tệp «{name}» là ảnh chụp, không có chữ để đọc. "
            f"Vui lòng gửi bản gốc dạng {SUPPORTED_HINT}.",
        )
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


def read_document(data: bytes, filename: str) -> ReadDocument:
    file_type = detect_type(data, filename)
    name = PurePath(filename or "tệp").name or "tệp"
    if file_type in ("text", "markdown"):
        document = _read_text(data, name, file_type)
    elif file_type == "docx":
        document = _read_docx(data, name)
    elif file_type == "pdf":
        document = _read_pdf(data, name)
    else:
        document = _read_xlsx(data, name)
    if not any(
        (isinstance(block, Paragraph) and block.text.strip())
        or (isinstance(block, Table) and any(any(cell for cell in row) for row in block.rows))
        for block in document.blocks
    ):
        raise PlanReadError("empty", f"Tệp «{name}» không có nội dung chữ nào để đọc.")
    return document


# --- plain text and Markdown ---------------------------------------------------------------

_BULLET_START = re.compile(r"^\s*(?:[-–—•+·▪►❖◦○]|\*(?!\*)|\*\*\*)\s+")
_STRUCTURE_START = re.compile(
    r"^\s*(?:[-–—•+·▪►❖◦○*]+\s|(?:[IVXL]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s|\d+(?:\.\d+)+\s)",
    re.IGNORECASE,
)
_LABEL_START = re.compile(r"^\s*\**\s*[A-ZÀ-Ỵ][^:.;]{0,40}:\s")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
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


def _line_is_uppercase(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def _is_hard_wrapped(lines: list[str]) -> bool:
    """Prose wrapped at a fixed width (e-mails, Markdown) has several lines of similar,
    moderate length; a plan pasted one paragraph a line has long or ragged lines."""
    lengths = [len(line) for line in lines]
    if len(lengths) < 3 or max(lengths) > 110:
        return False
    widest = max(lengths)
    return sum(1 for length in lengths[:-1] if length >= widest * 0.6) >= (len(lengths) - 1) * 0.7


def join_wrapped_lines(lines: Iterable[str]) -> list[str]:
    """Lines of one block -> paragraphs. A line starting in lower case always continues the
    one above (a sentence cut by a page or line break). In hard-wrapped text every line
    continues the one above unless it starts something new: a list marker, a numbered
    heading, a "Nhãn:" label, or a heading in capitals."""
    stripped = [line.strip() for line in lines if line.strip()]
    wrapped = _is_hard_wrapped(stripped)
    paragraphs: list[str] = []
    previous = ""
    for line in stripped:
        structural = _STRUCTURE_START.match(line) is not None
        if not paragraphs or _line_is_uppercase(previous) or _line_is_uppercase(line):
            glue = False
        elif starts_lowercase(line) and not structural:
            glue = True
        else:
            glue = wrapped and not (
                structural
                or _LABEL_START.match(line) is not None
                or FOOTNOTE_LINE.match(line) is not None
            )
        if glue:
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
        previous = line
    return paragraphs


def _markdown_row(line: str) -> tuple[str, ...]:
    body = line.strip()
    body = body.removeprefix("|").removesuffix("|")
    return tuple(clean_text(cell) for cell in re.split(r"(?<!\\)\|", body))


def _read_text(data: bytes, name: str, file_type: FileType) -> ReadDocument:
    text = nfc(decode_text(data)).replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Block] = []
    pending: list[str] = []
    table_rows: list[tuple[str, ...]] = []

    def flush_lines() -> None:
        blocks.extend(Paragraph(paragraph) for paragraph in join_wrapped_lines(pending))
        pending.clear()

    def flush_table() -> None:
        if table_rows:
            blocks.append(Table(tuple(table_rows)))
            table_rows.clear()

    for raw in text.split("\n"):
        line = raw.rstrip()
        if file_type == "markdown":
            line = _MD_LINK.sub(r"\1", _MD_HEADING.sub("", line))
        if line.lstrip().startswith("|") and line.count("|") >= 2:
            flush_lines()
            if not _MD_TABLE_RULE.match(line):
                table_rows.append(_markdown_row(line))
            continue
        flush_table()
        if not line.strip():
            flush_lines()
            continue
        pending.append(line)
    flush_lines()
    flush_table()
    return ReadDocument(name, file_type, tuple(blocks))


# --- Word ----------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class _WordNumbering:
    """Renders Word's automatic list numbers ("1.", "a)", "•") back into paragraph text,
    because python-docx gives the text without them and the structure lives in them."""

    def __init__(self, document: Any) -> None:
        self._formats: dict[tuple[str, int], tuple[str, str, int]] = {}
        self._indents: dict[tuple[str, int], int] = {}
        self._counters: dict[str, list[int]] = {}
        self._outermost_bullet: int | None = None
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        abstract_indents: dict[str, dict[int, int]] = {}
        for node in numbering.findall(f"{_W}abstractNum"):
            levels: dict[int, tuple[str, str, int]] = {}
            indents: dict[int, int] = {}
            for level in node.findall(f"{_W}lvl"):
                index = int(level.get(f"{_W}ilvl", "0"))
                ind = level.find(f"{_W}pPr/{_W}ind")
                if ind is not None:
                    left = ind.get(f"{_W}left") or ind.get(f"{_W}start") or "0"
                    indents[index] = int(left) if left.lstrip("-").isdigit() else 0
                fmt = level.find(f"{_W}numFmt")
                text = level.find(f"{_W}lvlText")
                start = level.find(f"{_W}start")
                levels[index] = (
                    fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{_W}val", "%1.") if text is not None else "%1.",
                    int(start.get(f"{_W}val", "1")) if start is not None else 1,
                )
            abstract[node.get(f"{_W}abstractNumId", "")] = levels
            abstract_indents[node.get(f"{_W}abstractNumId", "")] = indents
        for num in numbering.findall(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is None:
                continue
            abstract_id = ref.get(f"{_W}val", "")
            num_id = num.get(f"{_W}numId", "")
            for index, spec in abstract.get(abstract_id, {}).items():
                self._formats[(num_id, index)] = spec
            for index, indent in abstract_indents.get(abstract_id, {}).items():
                self._indents[(num_id, index)] = indent

    @staticmethod
    def _num_pr(paragraph: Any) -> tuple[str, int] | None:
        candidates = [paragraph._p.pPr]
        style = paragraph.style
        while style is not None:
            candidates.append(style.element.pPr)
            style = style.base_style
        for ppr in candidates:
            if ppr is None:
                continue
            num_pr = ppr.find(f"{_W}numPr")
            if num_pr is None:
                continue
            num_id = num_pr.find(f"{_W}numId")
            ilvl = num_pr.find(f"{_W}ilvl")
            if num_id is None:
                continue
            return num_id.get(f"{_W}val", ""), int(ilvl.get(f"{_W}val", "0")) if ilvl is not None else 0
        return None

    def label(self, paragraph: Any) -> str:
        found = self._num_pr(paragraph)
        if found is None or found[0] == "0":
            return ""
        num_id, level = found
        fmt, pattern, start = self._formats.get((num_id, level), ("bullet", "-", 1))
        if fmt in ("bullet", "none"):
            # A sub-bullet is either a deeper level of the same list or a list indented
            # further than the first bullets of the document ("List Bullet 2").
            indent = self._indents.get((num_id, level), 0)
            if self._outermost_bullet is None or indent < self._outermost_bullet:
                self._outermost_bullet = indent
            deeper = indent > self._outermost_bullet
            return "+ " if level >= 1 or deeper or pattern.strip() == "+" else "- "
        counters = self._counters.setdefault(num_id, [])
        while len(counters) <= level:
            counters.append(start - 1)
        counters[level] += 1
        del counters[level + 1 :]

        def render(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            value = counters[index] if index < len(counters) else 1
            index_fmt = self._formats.get((num_id, index), (fmt, "", 1))[0]
            return _format_number(value, index_fmt)

        return re.sub(r"%(\d)", render, pattern).strip() + " "


def _to_roman(value: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for number, letters in numerals:
        while value >= number:
            out += letters
            value -= number
    return out


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter",):
        return "abcdeghiklmnopqrstuvxy"[(value - 1) % 22]
    if fmt in ("upperLetter",):
        return "ABCDEGHIKLMNOPQRSTUVXY"[(value - 1) % 22]
    if fmt == "upperRoman":
        return _to_roman(value)
    if fmt == "lowerRoman":
        return _to_roman(value).lower()
    return str(value)


def _docx_cell_text(cell: Any) -> str:
    lines = [squash_spaces(nfc(paragraph.text)) for paragraph in cell.paragraphs]
    for nested in cell.tables:
        for row in nested.rows:
            lines.append(" | ".join(squash_spaces(nfc(c.text)) for c in row.cells))
    return "\n".join(line for line in lines if line)


def _read_docx(data: bytes, name: str) -> ReadDocument:
    try:
        import docx
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph as DocxParagraph

        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises a zoo of lxml/zip/key errors
        raise PlanReadError(
            "corrupt", f"Không mở được tệp Word «{name}»: tệp có thể bị hỏng. Vui lòng lưu lại và gửi lại."
        ) from error

    numbering = _WordNumbering(document)
    blocks: list[Block] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            paragraph = DocxParagraph(child, document)
            text = nfc(paragraph.text)
            if not text.strip():
                continue
            lines = text.split("\n")
            lines[0] = numbering.label(paragraph) + lines[0]
            blocks.extend(Paragraph(p) for p in join_wrapped_lines(lines))
        elif child.tag == f"{_W}tbl":
            table = DocxTable(child, document)
            rows: list[tuple[str, ...]] = []
            for row in table.rows:
                cells: list[str] = []
                seen: list[Any] = []
                for cell in row.cells:
                    # Horizontally merged cells come back once per grid column.
                    if any(cell._tc is other for other in seen):
                        cells.append("")
                        continue
                    seen.append(cell._tc)
                    cells.append(_docx_cell_text(cell))
                rows.append(tuple(cells))
            if rows:
                blocks.append(Table(tuple(rows)))
        elif child.tag == f"{_W}sdt":
            for text_node in child.iter(f"{_W}p"):
                text = "".join(t.text or "" for t in text_node.iter(f"{_W}t"))
                if text.strip():
                    blocks.append(Paragraph(squash_spaces(nfc(text))))
    return ReadDocument(name, "docx", tuple(blocks))


# --- PDF -----------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?$|^-\s*\d{1,4}\s*-$", re.I)


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int


def _page_chars(layout: Any) -> Iterator[Any]:
    from pdfminer.layout import LTChar, LTContainer

    for item in layout:
        if isinstance(item, LTChar):
            yield item
        elif isinstance(item, LTContainer):
            yield from _page_chars(item)


class _Char(NamedTuple):
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    size: float


def _lines_of_page(page: Any, number: int) -> list[_Line]:
    """Text lines of one page from its characters. We walk pdfplumber's page layout
    ourselves: building pdfplumber's per-character dictionaries costs three times as much,
    and a 100-page plan must read in seconds."""
    height = float(page.height)
    chars = [
        _Char(height - char.y1, height - char.y0, char.x0, char.x1, char.get_text(), char.size)
        for char in _page_chars(page.layout)
        if char.get_text()
    ]
    chars.sort(key=lambda char: (round(char.top, 1), char.x0))
    rows: list[list[_Char]] = []
    bands: list[list[float]] = []
    for char in chars:
        # A character belongs to the line whose band holds its middle, so raised footnote
        # marks stay on their line.
        middle = (char.top + char.bottom) / 2
        for band, row in zip(reversed(bands), reversed(rows), strict=True):
            if band[0] - 0.5 <= middle <= band[1] + 0.5:
                row.append(char)
                band[0] = min(band[0], char.top)
                band[1] = max(band[1], char.bottom)
                break
        else:
            rows.append([char])
            bands.append([char.top, char.bottom])
    lines: list[_Line] = []
    for row, band in zip(rows, bands, strict=True):
        row.sort(key=lambda char: char.x0)
        # A wide gap separates columns (the header's two halves, table cells): each side
        # is a line of its own.
        segments: list[list[_Char]] = [[]]
        previous: _Char | None = None
        for char in row:
            if (
                previous is not None
                and not char.text.isspace()
                and char.x0 - previous.x1 > max(char.size, 1.0) * 3
            ):
                segments.append([])
            segments[-1].append(char)
            if not char.text.isspace():
                previous = char
        for segment in segments:
            line = _segment_line(segment, band, number)
            if line is not None:
                lines.append(line)
    lines.sort(key=lambda line: (round(line.top, 1), line.x0))
    return lines


def _segment_line(chars: list[_Char], band: list[float], number: int) -> _Line | None:
    pieces: list[str] = []
    previous_end: float | None = None
    for char in chars:
        gap = char.x0 - previous_end if previous_end is not None else 0.0
        if gap > max(char.size, 1.0) * 0.2 and pieces and not pieces[-1].isspace():
            pieces.append(" ")
        pieces.append(char.text)
        previous_end = char.x1
    text = squash_spaces(nfc("".join(pieces)))
    visible = [char for char in chars if not char.text.isspace()]
    if not text or not visible or _PAGE_NUMBER.match(text):
        return None
    return _Line(text, visible[0].x0, visible[-1].x1, band[0], band[1], number)


def _pdf_lines(pdf: Any) -> Iterator[list[_Line]]:
    for number, page in enumerate(pdf.pages):
        yield _lines_of_page(page, number)
        page.close()  # drop the page's cached objects; long plans would keep them all


def _pdf_paragraphs(pages: list[list[_Line]]) -> list[str]:
    """Regroup PDF text lines into paragraphs. A new paragraph starts when the gap above a
    line is clearly wider than the usual line gap, when the line before ended short of the
    right margin, when the line is indented (first-line indent), or when it starts a list
    item or label; across a page break only the last three apply."""
    all_lines = [line for page in pages for line in page]
    if not all_lines:
        return []
    heights = [line.bottom - line.top for line in all_lines]
    line_height = statistics.median(heights) or 10.0
    lefts = sorted(line.x0 for line in all_lines)
    rights = sorted(line.x1 for line in all_lines)
    left = lefts[len(lefts) // 10]
    right = rights[(len(rights) * 9) // 10]
    width = max(right - left, 1.0)
    gaps = [
        later.top - earlier.bottom
        for page in pages
        for earlier, later in pairwise(page)
        if later.top - earlier.bottom > -1
    ]
    usual_gap = sorted(gaps)[len(gaps) // 5] if gaps else line_height * 0.3
    paragraph_gap = usual_gap + max(line_height * 0.45, 2.0)

    groups: list[list[str]] = []
    previous: _Line | None = None
    for line in all_lines:
        text = line.text.strip()
        new = previous is None
        if previous is not None:
            same_page = previous.page == line.page
            gap = line.top - previous.bottom
            full_before = previous.x1 >= right - max(0.12 * width, 2 * line_height)
            indented = line.x0 > left + max(0.025 * width, line_height * 0.8)
            if _STRUCTURE_START.match(text) or FOOTNOTE_LINE.match(text):
                new = True
            elif _LABEL_START.match(text) and not same_page:
                new = True  # "Điểm tối đa: …" at the top of a page starts afresh
            elif same_page and (gap > paragraph_gap or gap < -1):
                new = True  # a blank line, or a second column / table cell beside us
            elif starts_lowercase(text):
                new = False  # a sentence going on
            else:
                # A line that filled the width wraps into the next one unless the next is
                # indented (a first-line indent); a short line ended its paragraph.
                new = indented or not full_before
        if new:
            groups.append([text])
        else:
            groups[-1].append(text)
        previous = line
    return [squash_spaces(" ".join(group)) for group in groups]


def _read_pdf(data: bytes, name: str) -> ReadDocument:
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect

        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:
        if type(error).__name__ in ("PDFPasswordIncorrect", "PDFEncryptionError"):
            raise PlanReadError(
                "encrypted", f"Tệp PDF «{name}» có mật khẩu. Vui lòng gửi bản không đặt mật khẩu."
            ) from error
        raise PlanReadError(
            "corrupt", f"Không mở được tệp PDF «{name}»: tệp có thể bị hỏng. Vui lòng gửi lại."
        ) from error
    try:
        with pdf:
            page_count = len(pdf.pages)
            pages = list(_pdf_lines(pdf))
    except PDFPasswordIncorrect as error:
        raise PlanReadError(
            "encrypted", f"Tệp PDF «{name}» có mật khẩu. Vui lòng gửi bản không đặt mật khẩu."
        ) from error
    except Exception as error:
        raise PlanReadError(
            "corrupt", f"Không đọc được tệp PDF «{name}»: tệp có thể bị hỏng. Vui lòng gửi lại."
        ) from error
    text_chars = sum(len(line.text.strip()) for page in pages for line in page)
    if text_chars < 20:
        raise PlanReadError(
            "scanned_pdf",
            f"Tệp PDF «{name}» không có lớp chữ (có lẽ là bản scan/ảnh chụp) nên không đọc được. "
            "Vui lòng gửi bản Word (.docx) hoặc PDF xuất trực tiếp từ Word.",
        )
    paragraphs = _pdf_paragraphs(pages)
    return ReadDocument(name, "pdf", tuple(Paragraph(p) for p in paragraphs), pages=page_count)


# --- Excel ---------------------------------------------------------------------------------


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
