"""OCR: reading plans that have no text layer (scanned PDFs, photos of the paper).

Tesseract with its Vietnamese model (Debian packages `tesseract-ocr`, `tesseract-ocr-vie`),
called through pytesseract: it runs the `tesseract` program, so a crash or a runaway page
stays outside our process and a page can be given a timeout. PDF pages are rendered by
pypdfium2 (the renderer pdfplumber already brings). Each page is cleaned (plans.ocr_image),
read into lines with their positions, and the lines are regrouped into paragraphs by the
same geometry rules as a PDF's text layer (plans.read_pdf), so the parser sees the same
kind of document whichever way the plan arrived.

The reading limits apply (plans.limits): pages and pixels are counted before any page is
rendered, the time budget is `ocr_max_seconds` (OCR costs seconds a page, not
milliseconds), and each page's Tesseract run gets what is left of it.
"""

from __future__ import annotations

import functools
import io
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

from plans.limits import ReadGuard, count_text
from plans.read_document import FileType, PlanReadError, ReadDocument
from plans.read_pdf import _PAGE_NUMBER, _Line, _pdf_paragraphs
from plans.text import nfc, squash_spaces
from texts import ocr as ocr_texts

# Called with (page being read, 1-based; pages in all) before each page is read.
Progress = Callable[[int, int], None]

LANGUAGE = "vie"
# Resolution PDF pages are rendered at: ordinary 11–14 pt print gets capitals 25–35 px tall,
# where Tesseract is most accurate; more costs time for nothing.
RENDER_DPI = 220
# Photos are brought down to about an A4 page at 300 dpi: a 12-megapixel phone picture of
# one page has more pixels than the print needs.
MAX_SIDE = 3600
# A word Tesseract itself doubts this much and made only of punctuation is a speck of dust.
_NOISE_CONFIDENCE = 60
_PUNCTUATION_ONLY = frozenset(".,:;-_–—'\"`~|!*^°‘’“”")
# Round bullets ("•", "●", "▪") come out of Tesseract as look-alikes; at the start of a line and
# before a capital they can only be a bullet (no Vietnamese word is "s" or "e" alone), and the
# parser needs the bullet to see where an item starts.
_BULLET_LOOKALIKES = frozenset("«»•·●○◦▪■►❖®©¢°es")
_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_COMMA_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2})*,$")
_ITEM_LABEL = re.compile(r"^(?:[a-zđ]|\d{1,2}(?:\.\d{1,2})*)[.)]")
# Tesseract's own threads fight over the few cores a server has; pages are read one by one.
_TESSERACT_ENV = {"OMP_THREAD_LIMIT": "1"}


@functools.lru_cache(maxsize=1)
def tesseract_status() -> str | None:
    """None when Tesseract and its Vietnamese model are installed, else what is missing."""
    try:
        # Loaded only when a scan is read: Pillow, numpy and Tesseract are heavy.
        import pytesseract  # type: ignore[import-untyped]
    except ImportError:
        return "pytesseract"
    try:
        languages = pytesseract.get_languages(config="")
    except Exception:  # TesseractNotFoundError, or a broken installation
        return "tesseract-ocr"
    return None if LANGUAGE in languages else "tesseract-ocr-vie"


def ocr_available() -> bool:
    return tesseract_status() is None


def _require_tesseract(name: str) -> None:
    if tesseract_status() is not None:
        raise PlanReadError("ocr_missing", ocr_texts.OCR_MISSING.format(name=name))


# --- one page ------------------------------------------------------------------------------


def _is_noise(word: str, confidence: float) -> bool:
    return confidence < _NOISE_CONFIDENCE and all(char in _PUNCTUATION_ONLY for char in word)


def _page_data(image: Any, guard: ReadGuard, number: int) -> dict[str, list[Any]]:
    # Loaded only when a scan is read: Pillow, numpy and Tesseract are heavy.
    import pytesseract  # type: ignore[import-untyped]

    seconds = guard.seconds_left()
    if seconds <= 0:
        guard.tick()
    for key, value in _TESSERACT_ENV.items():
        os.environ.setdefault(key, value)
    try:
        data: dict[str, list[Any]] = pytesseract.image_to_data(
            image, lang=LANGUAGE, config="--psm 3", output_type=pytesseract.Output.DICT,
            timeout=max(seconds, 1.0),
        )
    except RuntimeError as error:  # pytesseract's "Tesseract process timeout"
        if "timeout" in str(error).lower():
            guard.expire()
        raise PlanReadError(
            "ocr_failed", ocr_texts.OCR_FAILED.format(name=guard.name, page=number + 1)
        ) from error
    except pytesseract.TesseractNotFoundError as error:
        raise PlanReadError(
            "ocr_missing", ocr_texts.OCR_MISSING.format(name=guard.name)
        ) from error
    except pytesseract.TesseractError as error:
        raise PlanReadError(
            "ocr_failed", ocr_texts.OCR_FAILED.format(name=guard.name, page=number + 1)
        ) from error
    return data


def _footnote_mark(data: dict[str, list[Any]], indexes: list[int]) -> str | None:
    """"⁽²⁾" when the line's first word is a footnote's mark: a few characters, no letters,
    set smaller than the words after it, its top at theirs (raised; a round bullet is small
    too but sits in the middle of the line). Tesseract reads such marks as "2)", "+)", "ữ)".
    Footnote lines are left out of the tasks, so a mark whose number is unreadable gets 0."""
    first, rest = indexes[0], indexes[1:]
    word = data["text"][first].strip()
    if len(word) > 4 or (")" not in word and any(char.isalpha() for char in word)):
        return None
    heights = sorted(data["height"][i] for i in rest)
    tops = sorted(data["top"][i] for i in rest)
    bottoms = sorted(data["top"][i] + data["height"][i] for i in rest)
    height, top, bottom = (values[len(values) // 2] for values in (heights, tops, bottoms))
    small = data["height"][first] < 0.7 * height
    raised = (data["top"][first] <= top + 0.2 * height
              and data["top"][first] + data["height"][first] < bottom - 0.25 * height)
    if not (small and raised):
        return None
    digits = "".join(char for char in word if char.isdigit()) or "0"
    return f"⁽{digits.translate(_SUPERSCRIPT_DIGITS)}⁾"


def page_lines(image: Any, number: int, guard: ReadGuard, *, dpi: float) -> list[_Line]:
    """The text lines of one page image, positioned in points as a PDF's would be."""
    # Loaded only when a scan is read: Pillow, numpy and Tesseract are heavy.
    from plans.ocr_image import prepare_page

    page = prepare_page(image)
    guard.tick()
    data = _page_data(page, guard, number)
    scale = 72.0 / dpi
    grouped: dict[tuple[int, int, int], list[int]] = {}
    for index, word in enumerate(data["text"]):
        word = (word or "").strip()
        if not word or _is_noise(word, float(data["conf"][index])):
            continue
        key = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
        grouped.setdefault(key, []).append(index)
    lines: list[_Line] = []
    for indexes in grouped.values():
        words = [data["text"][i].strip() for i in indexes]
        if len(words) > 1:
            words[0] = _footnote_mark(data, indexes) or words[0]
        if len(words) > 1 and words[1][:1].isupper() and _COMMA_NUMBER.match(words[0]):
            words[0] = words[0][:-1] + "."  # "5, Tiếp tục…": item 5, its dot read as a comma
        if len(words) > 1 and words[0] in _BULLET_LOOKALIKES and (
            words[1][:1].isupper() or _ITEM_LABEL.match(words[1])
        ):
            words[0] = "•"
        text = squash_spaces(nfc(" ".join(words)))
        if not text or _PAGE_NUMBER.match(text):
            continue
        left = min(data["left"][i] for i in indexes)
        right = max(data["left"][i] + data["width"][i] for i in indexes)
        top = min(data["top"][i] for i in indexes)
        bottom = max(data["top"][i] + data["height"][i] for i in indexes)
        lines.append(_Line(text, left * scale, right * scale, top * scale, bottom * scale, number))
    lines.sort(key=lambda line: (round(line.top, 1), line.x0))
    return lines


def _read_pages(
    pages: Iterator[tuple[Any, float]], total: int, name: str, file_type: FileType,
    guard: ReadGuard, progress: Progress | None,
) -> ReadDocument:
    """OCR every page, then one document of paragraphs (the parser's input)."""
    _require_tesseract(name)
    read: list[list[_Line]] = []
    for number, (image, dpi) in enumerate(pages):
        guard.tick()
        if progress is not None:
            progress(number + 1, total)
        lines = page_lines(image, number, guard, dpi=dpi)
        guard.add_text(sum(len(line.text) for line in lines))
        read.append(lines)
    if sum(len(line.text) for page in read for line in page) < 20:
        raise PlanReadError("ocr_empty", ocr_texts.OCR_EMPTY.format(name=name))
    # The lines of the pages joined into paragraphs (and ruled tables) as a PDF's are.
    return ReadDocument(name, file_type, tuple(_pdf_paragraphs(read)), pages=total, ocr=True)


# --- scanned PDF ---------------------------------------------------------------------------


def read_scanned_pdf(
    data: bytes, name: str, guard: ReadGuard, progress: Progress | None = None,
) -> ReadDocument:
    """A PDF whose pages are pictures: each page rendered, then read by OCR."""
    _require_tesseract(name)
    # Loaded only when a scan is read: Pillow, numpy and Tesseract are heavy.
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    guard.start_ocr()
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as error:
        raise PlanReadError(
            "corrupt", f"Không mở được tệp PDF «{name}»: tệp có thể bị hỏng. Vui lòng gửi lại."
        ) from error
    try:
        total = len(pdf)
        limit = guard.limits.ocr_max_pages
        if total > limit:
            raise guard.refuse("limit_ocr_pages", ocr_texts.OCR_LIMIT_PAGES,
                               pages=count_text(total), limit=count_text(limit))

        def rendered() -> Iterator[tuple[Any, float]]:
            for index in range(total):
                page = pdf[index]
                try:
                    width, height = page.get_size()  # points
                    scale = RENDER_DPI / 72.0
                    pixels = width * height * scale * scale
                    if pixels > guard.limits.ocr_max_pixels:
                        # An oversized page (a poster, an A0 drawing) is rendered smaller.
                        scale *= (guard.limits.ocr_max_pixels / pixels) ** 0.5
                    image = page.render(scale=scale, grayscale=True).to_pil()
                finally:
                    page.close()
                yield image, scale * 72.0

        return _read_pages(rendered(), total, name, "pdf", guard, progress)
    finally:
        pdf.close()


# --- photos --------------------------------------------------------------------------------

# What Pillow opens; HEIC (iPhone) is not among them.
_PIL_FORMATS = ("JPEG", "PNG", "TIFF", "BMP", "WEBP", "GIF")


def read_image(
    data: bytes, name: str, guard: ReadGuard, progress: Progress | None = None,
) -> ReadDocument:
    """A photo or a scan saved as a picture (a multi-page TIFF gives several pages)."""
    _require_tesseract(name)
    # Loaded only when a scan is read: Pillow, numpy and Tesseract are heavy.
    from PIL import Image, ImageOps

    guard.start_ocr()
    try:
        image = Image.open(io.BytesIO(data))
        image_format = image.format or "?"
    except Exception as error:
        if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
            raise PlanReadError("image_format", ocr_texts.OCR_UNSUPPORTED_IMAGE.format(
                name=name, kind="HEIC")) from error
        raise PlanReadError("corrupt", ocr_texts.OCR_CORRUPT_IMAGE.format(name=name)) from error
    if image_format not in _PIL_FORMATS:
        raise PlanReadError("image_format", ocr_texts.OCR_UNSUPPORTED_IMAGE.format(
            name=name, kind=image_format))
    # The size is in the header: checked before a pixel is decoded.
    width, height = image.size
    if width * height > guard.limits.ocr_max_pixels:
        raise guard.refuse("limit_ocr_pixels", ocr_texts.OCR_LIMIT_PIXELS,
                           pixels=count_text(width * height),
                           limit=count_text(guard.limits.ocr_max_pixels))
    total = getattr(image, "n_frames", 1) if image_format == "TIFF" else 1
    if total > guard.limits.ocr_max_pages:
        raise guard.refuse("limit_ocr_pages", ocr_texts.OCR_LIMIT_PAGES,
                           pages=count_text(total), limit=count_text(guard.limits.ocr_max_pages))

    def frames() -> Iterator[tuple[Any, float]]:
        for index in range(total):
            try:
                image.seek(index)
                frame = ImageOps.exif_transpose(image.convert("RGB"))  # phones store upright-ness apart
            except Exception as error:
                raise PlanReadError(
                    "corrupt", ocr_texts.OCR_CORRUPT_IMAGE.format(name=name)) from error
            if max(frame.size) > MAX_SIDE:
                frame.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            dpi = frame.info.get("dpi", (300, 300))[0] or 300
            yield frame, float(dpi)

    return _read_pages(frames(), total, name, "image", guard, progress)

