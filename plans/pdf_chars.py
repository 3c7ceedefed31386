"""The characters of one PDF page, as pdfminer places them, without pdfminer's layout objects.

pdfminer's page aggregator builds an `LTChar` per character (a dozen attributes, a matrix
applied to four corners through helper calls, a graphic state kept alive) and an `LTCurve`
per drawn path; the reader needs a box and the text. Building them was most of the time of
reading a 100-page plan. This device receives the same `render_string` calls from pdfminer's
interpreter and computes each character's box with exactly the arithmetic of
`LTChar.__init__` (same operations in the same order, so the same floats), keeping only a
tuple. tests/test_plan_pdf_chars.py compares both on hand-written pages that take every
branch (rotated, mirrored, vertical, forms…) and on a generated plan.

The page's budget is watched here too: every glyph counts toward the page's character limit
and the clock is looked at every 1,024 glyphs and at every path and form, so a page drawing
millions of characters is stopped at the limit while pdfminer is still interpreting it.
"""

from __future__ import annotations

from typing import Any

from plans.limits import ReadGuard, count_text
from texts import messages

_TICK_EVERY = 1024

# One drawn character, in reading coordinates: (top rounded to 0.1, x0, top, bottom, x1,
# text, size), top and bottom measured down from the top of the page as pdfplumber does;
# the first two are the reading order. Plain tuples: a page has thousands, and a named
# tuple costs a tenth of the read.
PageChar = tuple[float, float, float, float, float, str, float]


def page_chars(page: Any, number: int, guard: ReadGuard) -> list[PageChar]:
    """Every character with text drawn on a pdfplumber page, in drawing order (the order
    pdfminer's layout lists them in), figures (form XObjects) included."""
    return page_content(page, number, guard)[0]


def page_content(page: Any, number: int, guard: ReadGuard) -> tuple[list[PageChar], int]:
    """`page_chars`, and how many paths the page strokes or fills: a page drawing none has
    no ruled table to look for."""
    # pdfminer loads only when a PDF is read (optional heavy library).
    from pdfminer.pdfinterp import PDFPageInterpreter

    device = _char_device_class()(page.pdf.rsrcmgr, float(page.height), number, guard)
    PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    return device.chars, device.paths


_DEVICE_CLASS: Any = None


def _char_device_class() -> Any:
    global _DEVICE_CLASS
    if _DEVICE_CLASS is None:
        _DEVICE_CLASS = _build_device_class()
    return _DEVICE_CLASS


def _build_device_class() -> Any:
    # pdfminer loads only when a PDF is read (optional heavy library).
    from pdfminer.pdfdevice import PDFTextDevice
    from pdfminer.pdffont import PDFUnicodeNotDefined
    from pdfminer.utils import mult_matrix

    class CharDevice(PDFTextDevice):  # type: ignore[misc]
        """pdfminer's `PDFTextDevice.render_string` and `PDFLayoutAnalyzer.render_char`
        folded into one loop that appends a `PageChar` per glyph with text."""

        def __init__(self, rsrcmgr: Any, height: float, number: int, guard: ReadGuard) -> None:
            super().__init__(rsrcmgr)
            self.chars: list[PageChar] = []
            self._height = height
            self._guard = guard
            self._number = number
            self._limit = guard.limits.pdf_max_page_chars
            self._placed = 0  # glyphs drawn on the page, with text or not
            self._glyphs: dict[Any, dict[int, tuple[str, float, Any]]] = {}
            self.paths = 0  # stroked or filled: a ruled table draws some

        def paint_path(
            self, graphicstate: Any, stroke: bool, fill: bool, *args: Any, **kwargs: Any
        ) -> None:
            self._guard.tick()
            if stroke or fill:
                self.paths += 1

        def begin_figure(self, *args: Any, **kwargs: Any) -> None:
            self._guard.tick()

        def _check(self, placed: int) -> None:
            """Called before a glyph is placed, with the count placed so far on the page."""
            if placed >= self._limit:
                raise self._guard.refuse(
                    "limit_page_chars", messages.READ_LIMIT_PAGE_CHARS,
                    page=self._number + 1, limit=count_text(self._limit),
                )
            self._guard.tick()

        @staticmethod
        def _glyph(font: Any, cid: int) -> tuple[str, float, Any]:
            """(text, width, displacement) of a glyph, as `render_char` looks them up."""
            try:
                text = font.to_unichr(cid)
                assert isinstance(text, str), str(type(text))
            except PDFUnicodeNotDefined:
                text = f"(cid:{cid})"
            return (text, font.char_width(cid), font.char_disp(cid))

        def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
            assert self.ctm is not None
            matrix = mult_matrix(textstate.matrix, self.ctm)
            font = textstate.font
            assert font is not None
            (a, b, c, d, _e, _f) = matrix
            if not font.is_vertical() and b == 0 and c == 0 and a > 0 and d > 0:
                self._render_upright(textstate, seq, matrix)
            else:
                self._render_any(textstate, seq, matrix)

        def _render_upright(self, textstate: Any, seq: Any, matrix: Any) -> None:
            """Horizontal text neither rotated nor mirrored (nearly all text): the corners
            of `apply_matrix_rect` reduce to x0 = x*a + e, x1 = a*adv + x0, and one band
            for the whole string. The zero terms the general formula adds change no
            float, so the boxes equal `LTChar`'s."""
            font = textstate.font
            fontsize = textstate.fontsize
            scaling = textstate.scaling * 0.01
            charspace = textstate.charspace * scaling
            wordspace = 0 if font.is_multibyte() else textstate.wordspace * scaling
            rise = textstate.rise
            dxscale = 0.001 * fontsize * scaling
            (a, _b, _c, d, e, f) = matrix
            (x, y) = textstate.linematrix
            descent = font.get_descent() * fontsize
            tf = y * d + f
            y0 = d * (descent + rise) + tf
            y1 = d * (descent + rise + fontsize) + tf
            if y1 < y0:  # a negative font size draws upside down
                y0, y1 = y1, y0
            size = y1 - y0
            top, bottom = self._height - y1, self._height - y0
            line = round(top, 1)
            chars = self.chars
            limit = self._limit
            placed = self._placed
            glyphs = self._glyphs.setdefault(font, {})
            needcharspace = False
            for obj in seq:
                if isinstance(obj, (int, float)):
                    x -= obj * dxscale
                    needcharspace = True
                    continue
                if not isinstance(obj, bytes):
                    continue  # pdfminer logs a warning and skips it too
                for cid in font.decode(obj):
                    if placed >= limit or placed % _TICK_EVERY == 0:
                        self._check(placed)
                    placed += 1
                    if needcharspace:
                        x += charspace
                    glyph = glyphs.get(cid)
                    if glyph is None:
                        glyph = glyphs[cid] = self._glyph(font, cid)
                    adv = glyph[1] * fontsize * scaling
                    if glyph[0]:
                        x0 = x * a + e
                        x1 = a * adv + x0
                        if x1 < x0:  # a negative width or scaling draws leftwards
                            x0, x1 = x1, x0
                        chars.append((line, x0, top, bottom, x1, glyph[0], size))
                    x += adv
                    if cid == 32 and wordspace:
                        x += wordspace
                    needcharspace = True
            self._placed = placed
            textstate.linematrix = (x, y)

        def _render_any(self, textstate: Any, seq: Any, matrix: Any) -> None:
            """Any text matrix and writing direction: `PDFTextDevice.render_string`."""
            font = textstate.font
            fontsize = textstate.fontsize
            scaling = textstate.scaling * 0.01
            charspace = textstate.charspace * scaling
            wordspace = 0 if font.is_multibyte() else textstate.wordspace * scaling
            rise = textstate.rise
            dxscale = 0.001 * fontsize * scaling
            vertical = font.is_vertical()
            descent = 0.0 if vertical else font.get_descent() * fontsize
            (x, y) = textstate.linematrix
            glyphs = self._glyphs.setdefault(font, {})
            needcharspace = False
            for obj in seq:
                if isinstance(obj, (int, float)):
                    if vertical:
                        y -= obj * dxscale
                    else:
                        x -= obj * dxscale
                    needcharspace = True
                    continue
                if not isinstance(obj, bytes):
                    continue  # pdfminer logs a warning and skips it too
                for cid in font.decode(obj):
                    if self._placed >= self._limit or self._placed % _TICK_EVERY == 0:
                        self._check(self._placed)
                    self._placed += 1
                    if needcharspace:
                        if vertical:
                            y += charspace
                        else:
                            x += charspace
                    glyph = glyphs.get(cid)
                    if glyph is None:
                        glyph = glyphs[cid] = self._glyph(font, cid)
                    adv = glyph[1] * fontsize * scaling
                    if glyph[0]:
                        x0, y0, x1, y1 = _box(glyph, matrix, x, y, adv, fontsize, rise,
                                              descent, vertical)
                        top, bottom = self._height - y1, self._height - y0
                        size = x1 - x0 if vertical else y1 - y0
                        self.chars.append((round(top, 1), x0, top, bottom, x1, glyph[0], size))
                    if vertical:
                        y += adv
                    else:
                        x += adv
                    if cid == 32 and wordspace:
                        if vertical:
                            y += wordspace
                        else:
                            x += wordspace
                    needcharspace = True
            textstate.linematrix = (x, y)

    return CharDevice


def _box(
    glyph: tuple[str, float, Any], matrix: tuple[float, ...], x: float, y: float, adv: float,
    fontsize: float, rise: float, descent: float, vertical: bool,
) -> tuple[float, float, float, float]:
    """A glyph's box for any text matrix (rotated, mirrored, vertical writing), as
    `LTChar.__init__` computes it: the glyph's box at the text origin moved to (x, y) by
    `translate_matrix`, then the extent of its four corners (`apply_matrix_rect`)."""
    (a, b, c, d, e, f) = matrix
    te = x * a + y * c + e
    tf = x * b + y * d + f
    if vertical:
        (vx, vy) = glyph[2]
        vx = fontsize * 0.5 if vx is None else vx * fontsize * 0.001
        vy = (1000 - vy) * fontsize * 0.001
        bx0, by0, bx1, by1 = -vx, vy + rise + adv, -vx + fontsize, vy + rise
    else:
        bx0, by0, bx1, by1 = 0, descent + rise, adv, descent + rise + fontsize
    left1, bottom1 = a * bx0 + c * by0 + te, b * bx0 + d * by0 + tf
    right1, bottom2 = a * bx1 + c * by0 + te, b * bx1 + d * by0 + tf
    right2, top1 = a * bx1 + c * by1 + te, b * bx1 + d * by1 + tf
    left2, top2 = a * bx0 + c * by1 + te, b * bx0 + d * by1 + tf
    return (
        min(left1, left2, right1, right2),
        min(bottom1, bottom2, top1, top2),
        max(left1, left2, right1, right2),
        max(bottom1, bottom2, top1, top2),
    )
