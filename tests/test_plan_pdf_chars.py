"""plans.pdf_chars places every character exactly where pdfminer's layout (`LTChar`) does.

The PDF reader's lines and paragraphs are built from these boxes, so "the same reading" means
the same floats. The reference here is pdfminer's own page aggregator, run on hand-written
pages that exercise each branch of the arithmetic: character and word spacing, horizontal
scaling, kerning, rise, a negative font size, rotated, mirrored and skewed text matrices, a
form XObject under a scaled CTM, rotated and offset pages, glyphs without Unicode, and
vertical writing.
"""

from __future__ import annotations

import io
from typing import Any

import pdfplumber
import pytest
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTContainer
from pdfminer.pdfinterp import PDFPageInterpreter

from plans.limits import ReadGuard, ReadLimits
from plans.pdf_chars import PageChar, page_chars
from plans.read_document import PlanReadError
from tests.plan_builders import long_plan_text, text_to_pdf

_HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
_VERTICAL = (
    b"<< /Type /Font /Subtype /Type0 /BaseFont /Mincho /Encoding /Identity-V "
    b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Mincho "
    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
    b"/FontDescriptor << /Type /FontDescriptor /FontName /Mincho /Flags 4 "
    b"/FontBBox [0 -200 1000 800] /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 "
    b"/StemV 80 >> /DW 1000 /W2 [2 [-900 400 880]] >>] >>"
)

_STRINGS = b"""
BT /F1 12 Tf 72 720 Td (Plain text, one run) Tj ET
BT /F1 12 Tf 2 Tc 5 Tw 72 700 Td (Spaced words here) Tj ET
BT /F1 12 Tf 150 Tz 72 680 Td [(Ke) 120 (rned) -300 (text)] TJ ET
BT /F1 12 Tf 3 Ts 72 660 Td (raised) Tj 0 Ts (level) Tj ET
BT /F1 -12 Tf 72 640 Td (negative size) Tj ET
BT /F1 12 Tf -100 Tz 300 620 Td (leftwards) Tj ET
BT /F1 12 Tf 0 1 -1 0 300 400 Tm (rotated ninety) Tj ET
BT /F1 12 Tf -1 0 0 1 400 300 Tm (mirrored) Tj ET
BT /F1 12 Tf 1 0 0.3 1 72 250 Tm (skewed) Tj ET
BT /F1 12 Tf 72 230 Td (no unicode \\001\\002 here) Tj ET
BT /F2 10 Tf 500 700 Td <000100020003> Tj ET
q 0.5 0 0 0.5 100 100 cm /X1 Do Q
BT /F1 9 Tf 72 90 Td (after the form) Tj ET
"""
_FORM = b"BT /F1 10 Tf 0 0 Td (inside a form) Tj ET 0 0 m 50 50 l S"


def _pdf(page_contents: list[tuple[bytes, bytes]]) -> bytes:
    """A PDF of pages (extra page dictionary entries, content stream), each with the
    Helvetica font F1, the vertical CID font F2 and the form X1."""
    objects: list[bytes] = [b"", b"", _HELVETICA, _VERTICAL]
    form = b"<< /Type /XObject /Subtype /Form /BBox [0 0 300 100] /Resources << /Font << "
    form += b"/F1 3 0 R >> >> /Length %d >>\nstream\n%s\nendstream" % (len(_FORM), _FORM)
    objects.append(form)
    kids = []
    for extra, content in page_contents:
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        content_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] %s /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> /XObject << /X1 5 0 R >> >> >>"
            % (extra, content_id)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def _reference(page: Any) -> list[PageChar]:
    """What the reader used to compute: pdfminer's LTChar boxes, read top-down."""
    device = PDFPageAggregator(page.pdf.rsrcmgr, pageno=page.page_number, laparams=None)
    PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    height = float(page.height)

    def walk(item: Any) -> list[LTChar]:
        found: list[LTChar] = []
        for child in item:
            if isinstance(child, LTChar):
                found.append(child)
            elif isinstance(child, LTContainer):
                found.extend(walk(child))
        return found

    return [
        (round(height - char.y1, 1), char.x0, height - char.y1, height - char.y0, char.x1,
         char.get_text(), char.size)
        for char in walk(device.get_result())
        if char.get_text()
    ]


def _both(data: bytes) -> list[tuple[list[PageChar], list[PageChar]]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [
            (page_chars(page, number, ReadGuard("x.pdf")), _reference(page))
            for number, page in enumerate(pdf.pages)
        ]


def test_every_kind_of_placement_equals_pdfminer_layout() -> None:
    data = _pdf([
        (b"", _STRINGS),
        (b"/Rotate 90", _STRINGS),
        (b"/Rotate 180 /CropBox [20 30 600 780]", _STRINGS),
    ])
    pages = _both(data)
    for ours, theirs in pages:
        assert ours == theirs
    texts = "".join(char[5] for char in pages[0][0])
    for piece in ("Plain", "rotated", "mirrored", "skewed", "inside", "(cid:1)"):
        assert piece in texts
    assert {char[6] for char in pages[0][0] if char[5] == "(cid:2)"}  # vertical glyphs placed


def test_a_long_generated_plan_equals_pdfminer_layout() -> None:
    for ours, theirs in _both(text_to_pdf(long_plan_text(3))):
        assert ours and ours == theirs


@pytest.mark.parametrize("content", [
    b"BT /F1 12 Tf 72 720 Td (%s) Tj ET",  # upright text
    b"BT /F1 12 Tf 0 1 -1 0 300 100 Tm (%s) Tj ET",  # rotated: the general placement
])
def test_page_character_limit_on_every_placement_path(content: bytes) -> None:
    """Glyphs are counted as they are placed, in the upright and the general path alike;
    500 are fine, the 501st is refused."""
    guard = ReadGuard("kh.pdf", ReadLimits(pdf_max_page_chars=500))
    fits = _pdf([(b"", b"\n".join(content % (b"x" * 250) for _ in range(2)))])
    with pdfplumber.open(io.BytesIO(fits)) as pdf:
        assert len(page_chars(pdf.pages[0], 0, guard)) == 500
    over = _pdf([(b"", b"\n".join(content % text for text in (b"x" * 250, b"x" * 251)))])
    with pdfplumber.open(io.BytesIO(over)) as pdf, pytest.raises(PlanReadError) as caught:
        page_chars(pdf.pages[0], 0, guard)
    assert caught.value.code == "limit_page_chars"
    assert "Trang 1" in caught.value.message and "500 ký tự" in caught.value.message


def test_time_budget_is_watched_while_characters_are_placed() -> None:
    ticks = iter(range(10_000))
    # The guard reads the clock when made, then the device at the first glyph and at every
    # 1,024th: a clock moving 20 s per look runs out at glyph 1,024 of a 2,000-glyph page.
    guard = ReadGuard("kh.pdf", ReadLimits(max_seconds=25), clock=lambda: next(ticks) * 20.0)
    data = text_to_pdf(long_plan_text(2))
    with pdfplumber.open(io.BytesIO(data)) as pdf, pytest.raises(PlanReadError) as caught:
        page_chars(pdf.pages[0], 0, guard)
    assert caught.value.code == "limit_time"
