"""Vietnamese words for comparison and display: accents folded away for matching what
officials type ("hoan thanh" is "hoàn thành"), and long text shortened with an ellipsis.
Written once here; every feature compares and shortens the same way."""

from __future__ import annotations

import functools
import sys
import unicodedata

ELLIPSIS = "…"


@functools.cache
def _marks_away() -> dict[int, int | None]:
    """A str.translate table: đ/Đ to d/D and every combining mark dropped. Built once, on
    first use (a tenth of a second): translating is several times faster than testing each
    character, and plan import folds every line many times."""
    table: dict[int, int | None] = {ord("đ"): ord("d"), ord("Đ"): ord("D")}
    table.update((code, None) for code in range(sys.maxunicode + 1)
                 if unicodedata.combining(chr(code)))
    return table


def strip_accents(text: str) -> str:
    """"Đồng Nai" -> "Dong Nai": marks removed, đ/Đ to d/D, case kept."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).translate(
        _marks_away()))


def fold(text: str) -> str:
    """Lower case, no accents, single spaces ("Ủy  ban" -> "uy ban"): for comparisons only."""
    return " ".join(strip_accents(text).lower().split())


def shorten(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut with an ellipsis when longer."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS
