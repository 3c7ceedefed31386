"""Build "scanned" plans for the OCR tests and bench: a sample plan typeset in DejaVu Sans on
A4 pages, as pictures only (no text layer), slightly rotated and speckled the way a
flatbed scanner or a phone leaves them.

Only used by tests and bench scripts.
"""

from __future__ import annotations

import io
import random
from typing import Any

from tests.plan_builders import _bullet_of, dejavu_font

A4_MM = (210.0, 297.0)


def _wrap(text: str, font: Any, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and font.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def text_to_page_images(
    text: str, *, dpi: int = 200, font_pt: float = 12.0, max_pages: int | None = None,
    printed: list[str] | None = None,
) -> list[Any]:
    """Clean white pages (PIL images, mode "L") with the text set as `text_to_pdf` sets it:
    one paragraph per non-empty line, bullets kept, Markdown emphasis dropped. `printed`
    receives the lines set, for a truth to compare OCR with when `max_pages` cuts the text."""
    from PIL import Image, ImageDraw, ImageFont

    px_per_mm = dpi / 25.4
    size = (round(A4_MM[0] * px_per_mm), round(A4_MM[1] * px_per_mm))
    margin = round(20 * px_per_mm)
    font = ImageFont.truetype(str(dejavu_font()), round(font_pt / 72 * dpi))
    line_height = round(font_pt / 72 * dpi * 1.35)
    width = size[0] - 2 * margin
    pages: list[Any] = []
    page = draw = None
    y = 0

    def new_page() -> None:
        nonlocal page, draw, y
        page = Image.new("L", size, 255)
        draw = ImageDraw.Draw(page)
        pages.append(page)
        y = margin

    new_page()
    for raw in text.split("\n"):
        if not raw.strip():
            continue
        bullet, rest = _bullet_of(raw)
        prefix = {"-": "- ", "+": "+ ", "*": "• "}.get(bullet or "", "")
        for line in _wrap(prefix + rest.replace("*", ""), font, width):
            if y + line_height > size[1] - margin:
                if max_pages is not None and len(pages) >= max_pages:
                    return pages
                new_page()
            assert draw is not None
            draw.text((margin, y), line, font=font, fill=0)
            if printed is not None:
                printed.append(line)
            y += line_height
        y += round(line_height * 0.6)
    return pages


def scan_effects(image: Any, *, angle: float, noise: float = 0.004, seed: int = 1) -> Any:
    """A scanner's page: turned by `angle` degrees, a slightly grey paper, and speckles
    (a `noise` share of pixels flipped to a random grey)."""
    import numpy as np
    from PIL import Image

    turned = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    pixels = np.asarray(turned, dtype=np.int16)
    rng = np.random.default_rng(seed)
    pixels = pixels - rng.integers(0, 25, size=pixels.shape)  # uneven paper
    speckles = rng.random(pixels.shape) < noise
    pixels[speckles] = rng.integers(0, 256, size=int(speckles.sum()))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")


def scanned_pages(
    text: str, *, dpi: int = 200, max_pages: int | None = None, seed: int = 7,
) -> list[Any]:
    """The plan's pages, each turned by its own small angle (up to ±1.5°) and speckled."""
    rng = random.Random(seed)
    return [
        scan_effects(page, angle=rng.uniform(-1.5, 1.5), seed=seed + number)
        for number, page in enumerate(text_to_page_images(text, dpi=dpi, max_pages=max_pages))
    ]


def pages_to_pdf(pages: list[Any], *, dpi: int = 200) -> bytes:
    """A PDF of pictures only, as a scanner writes it."""
    buffer = io.BytesIO()
    first, *rest = [page.convert("RGB") for page in pages]
    first.save(buffer, format="PDF", save_all=True, append_images=rest, resolution=float(dpi))
    return buffer.getvalue()


def page_to_jpeg(page: Any, *, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    page.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def typeset_text(text: str) -> str:
    """The words `text_to_page_images` prints, in order: what a perfect OCR would read."""
    lines = []
    for raw in text.split("\n"):
        if raw.strip():
            bullet, rest = _bullet_of(raw)
            prefix = {"-": "- ", "+": "+ ", "*": "• "}.get(bullet or "", "")
            lines.append(prefix + rest.replace("*", ""))
    return "\n".join(lines)


def character_error_rate(read: str, truth: str) -> float:
    """Edits (insertions, deletions, substitutions) per character of the truth, spaces and
    line breaks squashed (OCR regroups lines; that is not a character error)."""
    import unicodedata

    from rapidfuzz.distance import Levenshtein

    def norm(value: str) -> str:
        return " ".join(unicodedata.normalize("NFC", value).split())

    expected = norm(truth)
    return Levenshtein.distance(norm(read), expected) / max(len(expected), 1)
