"""PDF reader (pdfplumber/pdfminer): text lines regrouped into paragraphs from their geometry."""

from __future__ import annotations

import io
import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, NamedTuple

from plans.limits import ReadGuard, count_text
from plans.pdf_streams import check_encrypted_streams, check_pdf_streams
from plans.read_document import (
    _LABEL_START,
    _STRUCTURE_START,
    Paragraph,
    PlanReadError,
    ReadDocument,
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


def _page_chars(layout: Any) -> Iterator[Any]:
    # pdfplumber/pdfminer load only when a PDF is read (optional heavy library).
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


def _guarded_layout(page: Any, number: int, guard: ReadGuard) -> Any:
    """The page's layout, as pdfplumber's `page.layout` builds it, but through a device that
    counts characters and watches the clock while pdfminer interprets the page, so a page
    drawing millions of characters is stopped at the limit instead of after the fact."""
    # pdfplumber/pdfminer load only when a PDF is read (optional heavy library).
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    limit = guard.limits.pdf_max_page_chars

    class GuardedAggregator(PDFPageAggregatorWithMarkedContent):
        chars = 0

        def render_char(self, *args: Any, **kwargs: Any) -> float:
            self.chars += 1
            if self.chars > limit:
                raise guard.refuse("limit_page_chars", messages.READ_LIMIT_PAGE_CHARS,
                                   page=number + 1, limit=count_text(limit))
            if self.chars % 1024 == 0:
                guard.tick()
            return float(super().render_char(*args, **kwargs))

        def paint_path(self, *args: Any, **kwargs: Any) -> None:
            guard.tick()
            super().paint_path(*args, **kwargs)

        def begin_figure(self, *args: Any, **kwargs: Any) -> None:
            guard.tick()
            super().begin_figure(*args, **kwargs)

    device = GuardedAggregator(page.pdf.rsrcmgr, pageno=page.page_number,
                               laparams=page.pdf.laparams)
    PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    return device.get_result()


def _lines_of_page(page: Any, number: int, guard: ReadGuard) -> list[_Line]:
    """Text lines of one page from its characters. We walk pdfminer's page layout
    ourselves: building pdfplumber's per-character dictionaries costs three times as much,
    and a 100-page plan must read in seconds."""
    height = float(page.height)
    chars = [
        _Char(height - char.y1, height - char.y0, char.x0, char.x1, char.get_text(), char.size)
        for char in _page_chars(_guarded_layout(page, number, guard))
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


def _pdf_lines(pdf: Any, guard: ReadGuard) -> Iterator[list[_Line]]:
    for number, page in enumerate(pdf.pages):
        guard.tick()
        lines = _lines_of_page(page, number, guard)
        guard.add_text(sum(len(line.text) for line in lines))
        yield lines
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
    text_chars = sum(len(line.text.strip()) for page in pages for line in page)
    if text_chars < 20:
        raise PlanReadError(
            "scanned_pdf",
            f"Tệp PDF «{name}» không có lớp chữ (có lẽ là bản scan/ảnh chụp) nên không đọc được. "
            "Vui lòng gửi bản Word (.docx) hoặc PDF xuất trực tiếp từ Word.",
        )
    paragraphs = _pdf_paragraphs(pages)
    return ReadDocument(name, "pdf", tuple(Paragraph(p) for p in paragraphs), pages=page_count)

