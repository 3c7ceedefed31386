"""Vietnamese words for comparison and display: accents folded away for matching what
officials type ("hoan thanh" is "hoàn thành"), and long text shortened with an ellipsis.
Written once here; every feature compares and shortens the same way."""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"


def strip_accents(text: str) -> str:
    """"Đồng Nai" -> "Dong Nai": marks removed, đ/Đ to d/D, case kept."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(
        ch for ch in decomposed if not unicodedata.combining(ch)))


def fold(text: str) -> str:
    """Lower case, no accents, single spaces ("Ủy  ban" -> "uy ban"): for comparisons only."""
    return " ".join(strip_accents(text).lower().split())


def shorten(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut with an ellipsis when longer."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS
