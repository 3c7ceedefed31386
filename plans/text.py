"""Text helpers shared by the plan readers, the parser and the unit matcher.

Vietnamese documents arrive with every kind of typing: decomposed accents from PDFs, Markdown
emphasis from converted files, footnote markers, non-breaking spaces. Everything the parser
compares goes through `clean_text` (what a person would read) or `fold` (what a machine
compares: no accents, no case).
"""

from __future__ import annotations

import re
import unicodedata

from texts.clean import sanitise
from timelang.words import fold

# Superscript digits and parenthesised superscripts such as "⁽¹²⁾" mark footnotes.
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
FOOTNOTE_MARK = re.compile(rf"⁽[{_SUPERSCRIPTS}0-9]+⁾|[{_SUPERSCRIPTS}]+")
FOOTNOTE_LINE = re.compile(rf"^\s*(?:⁽[{_SUPERSCRIPTS}0-9]+⁾|[{_SUPERSCRIPTS}]+)\s*\S")

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_EMPHASIS = re.compile(r"\*+|(?<!\w)_{1,2}|_{1,2}(?!\w)")
_ZERO_WIDTH = re.compile(r"[\u200c\u200d\u2060\ufeff\u00ad]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def squash_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def clean_text(text: str) -> str:
    """What a reader sees: NFC, no control characters (a plan's texts end up in the database
    and the spreadsheets, as typed texts do), no Markdown emphasis, no footnote marks, single
    spaces."""
    text = _ZERO_WIDTH.sub("", sanitise(text, max_length=None))
    text = _EMPHASIS.sub("", text)
    text = FOOTNOTE_MARK.sub("", text)
    return squash_spaces(text)


_WORD_CHARS = re.compile(r"[^0-9a-z]+")


def fold_words(text: str) -> list[str]:
    """Folded words, punctuation dropped: "Phòng LĐ-TB&XH" -> ["phong", "ld", "tb", "xh"]."""
    return [word for word in _WORD_CHARS.split(fold(text)) if word]


def is_upper_heading(text: str) -> bool:
    """True for headings typed in capitals ("II. NỘI DUNG"); digits and punctuation allowed."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def sentence_case(text: str) -> str:
    """"KINH PHÍ THỰC HIỆN" -> "Kinh phí thực hiện"; mixed-case text is left alone."""
    if not is_upper_heading(text):
        return text
    lowered = text.lower()
    return lowered[:1].upper() + lowered[1:]


def starts_lowercase(text: str) -> bool:
    for ch in text:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit():
            return False
    return False


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", "!", "?", "./.", ".”", '."', ".)"))
