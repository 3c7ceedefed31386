"""Cleaning a scanned page before OCR: grey scale, speckles removed, turned straight.

Tesseract finds lines well on a straight page but loses words along a line tilted by a
degree or more (a page fed askew, a phone held at a slant), and reads scanner speckles as
stray ":" and "-" that look like list markers to the parser. Pillow and numpy are enough
here: the projection profile for the tilt, Otsu's threshold for black on white, and lone
specks of ink dropped by counting their inked neighbours (a 3×3 median filter does the same
but costs half a second a page in Pillow).
"""

from __future__ import annotations

from typing import Any

# Plans are scanned or photographed roughly straight; past ±5° the officer should retake it.
_MAX_SKEW = 5.0
_COARSE_STEP = 0.5
_FINE_STEP = 0.1
_PROFILE_WIDTH = 900  # the tilt is measured on a small copy: fast, and precise enough


def _profile_score(small: Any, angle: float) -> float:
    """How sharply the text lines stand out when the page is turned by `angle`: the rows of
    a straight page alternate between ink and paper, so the row sums jump."""
    # numpy and Pillow load only when a scan is read (heavy libraries).
    import numpy as np
    from PIL import Image

    turned = small.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0)
    rows = np.asarray(turned, dtype=np.float64).sum(axis=1)
    return float(np.square(np.diff(rows)).sum())


def skew_angle(gray: Any) -> float:
    """The angle (degrees, counter-clockwise as `Image.rotate` takes it) that makes the text
    lines of the page horizontal."""
    # numpy and Pillow load only when a scan is read (heavy libraries).
    import numpy as np
    from PIL import Image

    small = gray.copy()
    small.thumbnail((_PROFILE_WIDTH, _PROFILE_WIDTH * 2), Image.Resampling.BILINEAR)
    pixels = np.asarray(small, dtype=np.uint8)
    # Ink as 1, paper as 0 (the rotation fills the corners with paper).
    ink = Image.fromarray((pixels < _otsu(pixels)).astype(np.uint8))
    coarse = np.arange(-_MAX_SKEW, _MAX_SKEW + 1e-9, _COARSE_STEP)
    best = max(coarse, key=lambda angle: _profile_score(ink, float(angle)))
    fine = np.arange(best - _COARSE_STEP, best + _COARSE_STEP + 1e-9, _FINE_STEP)
    return round(float(max(fine, key=lambda angle: _profile_score(ink, float(angle)))), 2)


def _otsu(pixels: Any) -> int:
    """The grey level that best separates ink from paper (Otsu's method)."""
    # numpy and Pillow load only when a scan is read (heavy libraries).
    import numpy as np

    histogram = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    total = histogram.sum()
    if total == 0:
        return 128
    levels = np.arange(256, dtype=np.float64)
    weight_dark = np.cumsum(histogram)
    weight_light = total - weight_dark
    mass_dark = np.cumsum(histogram * levels)
    mean_dark = mass_dark / np.maximum(weight_dark, 1)
    mean_light = (mass_dark[-1] - mass_dark) / np.maximum(weight_light, 1)
    between = weight_dark * weight_light * np.square(mean_dark - mean_light)
    return int(np.argmax(between))


def despeckle(ink: Any) -> Any:
    """`ink` (booleans) without specks: an inked pixel with at most one inked neighbour is
    dust (a letter's stroke is at least two pixels wide at the resolutions we read), and a
    paper pixel inside a stroke (seven or more inked neighbours) is a hole."""
    # numpy and Pillow load only when a scan is read (heavy libraries).
    import numpy as np

    padded = np.pad(ink.astype(np.uint8), 1)
    height, width = ink.shape
    neighbours = np.zeros(ink.shape, dtype=np.uint8)
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            if dy != 1 or dx != 1:
                neighbours += padded[dy : dy + height, dx : dx + width]
    return np.where(ink, neighbours >= 2, neighbours >= 7)


def prepare_page(image: Any) -> Any:
    """The page as Tesseract reads it best: straight, black on white, despeckled."""
    # numpy and Pillow load only when a scan is read (heavy libraries).
    import numpy as np
    from PIL import Image

    gray = image.convert("L")
    angle = skew_angle(gray)
    if abs(angle) >= 0.1:
        gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    pixels = np.asarray(gray, dtype=np.uint8)
    ink = despeckle(pixels <= _otsu(pixels))
    return Image.fromarray(np.where(ink, 0, 255).astype(np.uint8))
