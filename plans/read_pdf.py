"""PDF reader (pdfplumber/pdfminer): text lines regrouped into paragraphs from their geometry."""

from __future__ import annotations

import io
import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from operator import itemgetter
from typing import Any

from plans.limits import ReadGuard, count_text
from plans.pdf_chars import PageChar, page_content
from plans.pdf_streams import check_encrypted_streams, check_pdf_streams
from plans.read_document import (
    _LABEL_START,
    _STRUCTURE_START,
    Block,
    Paragraph,
    PlanReadError,
    ReadDocument,
    Table,
    _line_is_uppercase,
    join_wrapped_lines,
)
from plans.text import FOOTNOTE_LINE, nfc, squash_spaces, starts_lowercase
from texts import messages

_PAGE_NUMBER = re.compile(r"^(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?$|^-\s*\d{1,4}\s*-$", re.I)


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    # A ruled table standing where this line stands (its text is then empty).
    table: tuple[tuple[str, ...], ...] | None = None


_READING_ORDER = itemgetter(0, 1)
_LEFT = itemgetter(1)


def _lines_of_page(page: Any, number: int, guard: ReadGuard) -> list[_Line]:
    """Text lines of one page from its characters (plans.pdf_chars: pdfminer's boxes
    without pdfminer's layout objects, which cost most of the read)."""
    chars, paths = page_content(page, number, guard)
    lines: list[_Line] = []
    if paths:
        chars = _take_tables(page, number, chars, lines)
    chars.sort(key=_READING_ORDER)
    for row, band in _rows(chars):
        row.sort(key=_LEFT)
        for segment in _segments(row):
            line = _segment_line(segment, band, number)
            if line is not None:
                lines.append(line)
    lines.sort(key=lambda line: (round(line.top, 1), line.x0))
    return _two_sides_in_order(_without_page_numbers(lines, float(page.width)))


def _take_tables(
    page: Any, number: int, chars: list[PageChar], lines: list[_Line]
) -> list[PageChar]:
    """The page's ruled tables (pdfplumber's, from the drawn cell borders) become table
    lines, their characters leave the text: a task table printed to PDF keeps its columns
    instead of becoming a column of short lines. Returns the characters left."""
    for table in page.find_tables():
        rows = tuple(
            tuple(_cell_text(cell) for cell in row)
            for row in table.extract()
        )
        # A framed box of one cell is no table; a one-row table is (the header's two sides).
        if max(len(row) for row in rows) < 2 or sum(1 for row in rows for c in row if c) < 2:
            continue
        x0, top, x1, bottom = table.bbox
        lines.append(_Line("", x0, x1, top, bottom, number, rows))
    boxes = [line for line in lines if line.table is not None]
    return [
        char
        for char in chars
        if not any(
            box.x0 <= (char[1] + char[4]) / 2 <= box.x1
            and box.top <= (char[2] + char[3]) / 2 <= box.bottom
            for box in boxes
        )
    ]


def _cell_text(cell: str | None) -> str:
    """A cell's lines, wrapped at the cell's width, joined back into its paragraphs."""
    raws = [squash_spaces(nfc(raw)) for raw in (cell or "").split("\n")]
    widest = max((len(raw) for raw in raws), default=0)
    lines: list[str] = []
    for line in raws:
        if (
            lines and _DASH_GOES_ON.match(line) and _ends_mid_sentence(lines[-1])
            and len(lines[-1]) >= widest * 0.8
        ):
            lines[-1] = f"{lines[-1]} {line}"  # "tài chính" / "- ngân sách": one phrase
        elif line:
            lines.append(line)
    return "\n".join(join_wrapped_lines(lines, text_wrapped=True))


def _two_sides_in_order(lines: list[_Line]) -> list[_Line]:
    """A page's two sides set beside each other (the header's issuer and national motto,
    the signature block beside "Nơi nhận", a borderless two-column table) are read left
    side first, then right, instead of line by line across both: "…, ngày 18 tháng 11" and
    "năm 2025" stay next to each other. A side block opens on two lines beside each other
    (overlapping in height, apart in width) and goes on while each next line keeps to one
    side and follows closely."""
    ordered: list[_Line] = []
    index = 0
    while index < len(lines):
        first = lines[index]
        beside = next(
            (
                other for other in lines[index + 1 : index + 4]
                if other.table is None and other.top < first.bottom - 0.5
                and (other.x0 > first.x1 + 2 or first.x0 > other.x1 + 2)
            ),
            None,
        )
        if first.table is not None or beside is None:
            ordered.append(first)
            index += 1
            continue
        boundary = max(beside.x0, first.x0) - 2
        height = first.bottom - first.top
        block = [first]
        bottom = first.bottom
        index += 1
        while index < len(lines):
            line = lines[index]
            on_one_side = line.x1 < boundary or line.x0 >= boundary
            if line.table is not None or not on_one_side or line.top - bottom > height * 1.5:
                break
            block.append(line)
            bottom = max(bottom, line.bottom)
            index += 1
        ordered.extend(line for line in block if line.x0 < boundary)
        ordered.extend(line for line in block if line.x0 >= boundary)
    return ordered


def _without_page_numbers(lines: list[_Line], width: float) -> list[_Line]:
    """The page's number goes: a line of only "12", "- 3 -" or "Trang 2/5" in the page's
    first or last row, centred or set to the right margin. A lone number elsewhere (at the
    left, indented or not) is text: a table's row number set as a line of its own."""
    if not lines:
        return lines
    first_top = min(line.top for line in lines)
    last_bottom = max(line.bottom for line in lines)
    middle = width / 2

    def is_page_number(line: _Line) -> bool:
        if not _PAGE_NUMBER.match(line.text):
            return False
        if line.top - first_top >= 1 and last_bottom - line.bottom >= 1:
            return False
        centred = abs((line.x0 + line.x1) / 2 - middle) < width * 0.08
        return centred or (line.x0 > middle and line.x1 > width * 0.75)

    return [line for line in lines if not is_page_number(line)]


def _rows(chars: list[PageChar]) -> list[tuple[list[PageChar], list[float]]]:
    """The page's text rows, each with its band (top, bottom). A character belongs to the
    latest row whose band holds its middle, so raised footnote marks stay on their line."""
    rows: list[tuple[list[PageChar], list[float]]] = []
    row: list[PageChar] = []
    last_top = last_bottom = float("nan")
    for char in chars:
        top, bottom = char[2], char[3]
        if top == last_top and bottom == last_bottom:
            # The same band as the character before (a run of one text string): the search
            # below would find the same row again, and widen its band by nothing.
            row.append(char)
            continue
        last_top, last_bottom = top, bottom
        middle = (top + bottom) / 2
        for row, band in reversed(rows):
            if band[0] - 0.5 <= middle <= band[1] + 0.5:
                row.append(char)
                band[0] = min(band[0], top)
                band[1] = max(band[1], bottom)
                break
        else:
            row = [char]
            rows.append((row, [top, bottom]))
    return rows


def _segments(row: list[PageChar]) -> list[list[PageChar]]:
    """A row cut where a wide gap separates columns (the header's two halves, table
    cells): each side is a line of its own."""
    segments: list[list[PageChar]] = []
    segment: list[PageChar] = []
    previous_end: float | None = None
    for char in row:
        if char[5].isspace():
            segment.append(char)
            continue
        if previous_end is not None and char[1] - previous_end > max(char[6], 1.0) * 3:
            segments.append(segment)
            segment = []
        segment.append(char)
        previous_end = char[4]
    segments.append(segment)
    return segments


def _segment_line(chars: list[PageChar], band: list[float], number: int) -> _Line | None:
    pieces: list[str] = []
    previous_end: float | None = None
    spaced = True  # no space before the first character
    first: PageChar | None = None
    last: PageChar | None = None
    for char in chars:
        x0, text = char[1], char[5]
        if not spaced and previous_end is not None and x0 - previous_end > max(char[6], 1.0) * 0.2:
            pieces.append(" ")
        pieces.append(text)
        spaced = text.isspace()
        previous_end = char[4]
        if not spaced:
            first = first or char
            last = char
    line = squash_spaces(nfc("".join(pieces)))
    if not line or first is None or last is None:
        return None
    return _Line(line, first[1], last[4], band[0], band[1], number)


def _pdf_lines(pdf: Any, guard: ReadGuard) -> Iterator[list[_Line]]:
    for number, page in enumerate(pdf.pages):
        guard.tick()
        lines = _lines_of_page(page, number, guard)
        guard.add_text(sum(len(line.text) for line in lines))
        yield lines
        page.close()  # drop the page's cached objects; long plans would keep them all


# A line opening on a dash and then a word or number: a bullet, or a sentence's dash cut
# at the line's end.
_DASH_GOES_ON = re.compile(r"^[-–]\s+\w")
_ROW_NUMBER = re.compile(r"^\d{1,3}\.?$")


def _ends_mid_sentence(text: str) -> bool:
    return text[-1:].isalnum()


def _ends_a_block(previous: str, line: str) -> bool:
    """Across a page break there is no gap to see: a line after ";", ":" or ")", a line
    not in capitals after a heading in capitals, or a line of only a row number, starts
    afresh."""
    return (
        previous.endswith((";", ":", ")"))
        or (_line_is_uppercase(previous) and not _line_is_uppercase(line))
        or _ROW_NUMBER.match(line) is not None
    )


def _pdf_paragraphs(pages: list[list[_Line]]) -> list[Block]:
    """Regroup PDF text lines into paragraphs. A new paragraph starts when the gap above a
    line is clearly wider than the usual line gap, when the line before ended short of the
    right margin, when the line is indented (first-line indent), or when it starts a list
    item or label; across a page break only the last three apply. A ruled table stands
    as a table; one going on at the top of the next page with as many columns is one."""
    everything = [line for page in pages for line in page]
    all_lines = [line for line in everything if line.table is None]
    if not all_lines:
        return [Table(line.table) for line in everything if line.table is not None]
    heights = [line.bottom - line.top for line in all_lines]
    line_height = statistics.median(heights) or 10.0
    lefts = sorted(line.x0 for line in all_lines)
    rights = sorted(line.x1 for line in all_lines)
    left = lefts[len(lefts) // 10]
    right = rights[(len(rights) * 9) // 10]
    width = max(right - left, 1.0)
    # The line gap inside a paragraph: measured after lines that fill the width (a wrapped
    # paragraph going on), as a plan of mostly one-line paragraphs has few other gaps.
    filled = right - max(0.12 * width, 2 * line_height)
    gaps = [
        later.top - earlier.bottom
        for page in pages
        for earlier, later in pairwise(line for line in page if line.table is None)
        if later.top - earlier.bottom > -1 and earlier.x1 >= filled
    ] or [
        later.top - earlier.bottom
        for page in pages
        for earlier, later in pairwise(line for line in page if line.table is None)
        if later.top - earlier.bottom > -1
    ]
    usual_gap = sorted(gaps)[len(gaps) // 5] if gaps else line_height * 0.3
    paragraph_gap = usual_gap + max(line_height * 0.45, 2.0)

    groups: list[list[str] | Table] = []
    previous: _Line | None = None
    for line in everything:
        if line.table is not None:
            last = groups[-1] if groups else None
            if (
                isinstance(last, Table) and previous is None
                and len(last.rows[-1]) == len(line.table[0])
            ):
                groups[-1] = Table(last.rows + line.table)
            else:
                groups.append(Table(line.table))
            previous = None
            continue
        text = line.text.strip()
        new = previous is None
        if previous is not None:
            same_page = previous.page == line.page
            gap = line.top - previous.bottom
            full_before = previous.x1 >= right - max(0.12 * width, 2 * line_height)
            indented = line.x0 > left + max(0.025 * width, line_height * 0.8)
            if (
                _DASH_GOES_ON.match(text) and full_before and _ends_mid_sentence(previous.text)
                and same_page and -1 <= gap <= paragraph_gap and not indented
            ):
                # "… giai đoạn năm 2016" / "- 2020.": the full line above broke before a
                # dash inside the sentence ("2016 - 2020", "Lao động - Thương binh"). Not
                # over a page break: a heading left at a page's foot is likelier there.
                new = False
            elif _STRUCTURE_START.match(text) or FOOTNOTE_LINE.match(text):
                new = True
            elif _LABEL_START.match(text) and not same_page:
                new = True  # "Điểm tối đa: …" at the top of a page starts afresh
            elif not same_page and not starts_lowercase(text) and _ends_a_block(previous.text,
                                                                                 text):
                new = True
            elif same_page and (gap > paragraph_gap or gap < -1):
                new = True  # a blank line, or a second column / table cell beside us
            elif starts_lowercase(text):
                new = False  # a sentence going on
            else:
                # A line that filled the width wraps into the next one unless the next is
                # indented (a first-line indent); a short line ended its paragraph.
                new = indented or not full_before
        last_group = groups[-1] if groups else None
        if new or not isinstance(last_group, list):
            groups.append([text])
        else:
            last_group.append(text)
        previous = line
    return [
        group if isinstance(group, Table) else Paragraph(squash_spaces(" ".join(group)))
        for group in groups
    ]


def _read_pdf(data: bytes, name: str, guard: ReadGuard) -> ReadDocument:
    check_pdf_streams(data, guard)
    try:
        # pdfplumber/pdfminer load only when a PDF is read (optional heavy library).
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
            if getattr(pdf.doc, "encryption", None):
                check_encrypted_streams(pdf.doc, guard)
            page_count = len(pdf.pages)
            if page_count > guard.limits.pdf_max_pages:
                raise guard.refuse("limit_pdf_pages", messages.READ_LIMIT_PDF_PAGES,
                                   pages=count_text(page_count),
                                   limit=count_text(guard.limits.pdf_max_pages))
            pages = list(_pdf_lines(pdf, guard))
    except PlanReadError:
        raise
    except PDFPasswordIncorrect as error:
        raise PlanReadError(
            "encrypted", f"Tệp PDF «{name}» có mật khẩu. Vui lòng gửi bản không đặt mật khẩu."
        ) from error
    except Exception as error:
        raise PlanReadError(
            "corrupt", f"Không đọc được tệp PDF «{name}»: tệp có thể bị hỏng. Vui lòng gửi lại."
        ) from error
    text_chars = sum(
        len(line.text.strip()) + sum(len(cell) for row in line.table or () for cell in row)
        for page in pages for line in page
    )
    if text_chars < 20:
        raise PlanReadError(
            "scanned_pdf",
            f"Tệp PDF «{name}» không có lớp chữ (có lẽ là bản scan/ảnh chụp) nên không đọc được. "
            "Vui lòng gửi bản Word (.docx) hoặc PDF xuất trực tiếp từ Word.",
        )
    return ReadDocument(name, "pdf", tuple(_pdf_paragraphs(pages)), pages=page_count)

