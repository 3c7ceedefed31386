"""Numbers as people type them in a command: ASCII digits only, within a stated range.

`str.isdigit()` is true for «①», «²» or «፩», which `int()` then refuses, and a number of any
length parses in Python but overflows a database column. Every argument parser goes through
here so that such input gets a clear answer instead of a crash.
"""

from __future__ import annotations

import re

ASCII_NUMBER = re.compile(r"[0-9]+", re.ASCII)

# Years a plan, a deadline or a report may name. Outside this range a typed year is a typo.
YEAR_MIN = 2000
YEAR_MAX = 2100

# The largest identifier or page number a command accepts: below PostgreSQL's INTEGER limit.
ID_MAX = 2_147_483_647


def ascii_int(text: str, *, low: int, high: int) -> int | None:
    """The number written in `text`, or None when it is not ASCII digits in [low, high]."""
    text = text.strip()
    # Length first: int() of a huge string is slow, and such a number is out of range anyway.
    if not ASCII_NUMBER.fullmatch(text) or len(text.lstrip("0")) > len(str(high)):
        return None
    value = int(text)
    return value if low <= value <= high else None


def is_ascii_number(text: str) -> bool:
    """Digits 0–9 only, whatever their value: «2026» yes, «²» and «٢» no."""
    return ASCII_NUMBER.fullmatch(text.strip()) is not None


def year(text: str) -> int | None:
    """A four-digit year within [YEAR_MIN, YEAR_MAX], or a two-digit one meaning 20xx."""
    text = text.strip()
    if len(text) == 2:
        value = ascii_int(text, low=0, high=99)
        return None if value is None else 2000 + value
    if len(text) != 4:
        return None
    return ascii_int(text, low=YEAR_MIN, high=YEAR_MAX)
