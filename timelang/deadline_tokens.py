"""What a deadline phrase is made of: the folded text the readers match, and the tokens a
reading must account for (numbers, dates, months, quarters, weekdays).

A reading that leaves one of those tokens unused has not understood the phrase: "15/6 và
15/12 hằng năm" read as June only drops "15/12" and is refused instead of half-believed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from timelang import numbers
from timelang.refusals import Reason

_FOOTNOTES = re.compile(r"[⁽⁾⁰¹²³⁴⁵⁶⁷⁸⁹*_`]|\(\d{1,2}\)(?=\s*[.;,]?\s*$)")

_NUMBER_WORDS = {
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8,
    "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12, "gieng": 1, "chap": 12,
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9,
          "x": 10, "xi": 11, "xii": 12}
_WORD = r"muoi mot|muoi hai|gieng|chap|mot|hai|ba|bon|tu|nam|sau|bay|tam|chin|muoi"
_ROMAN_RE = r"xii|xi|x|ix|viii|vii|vi|v|iv|iii|ii|i"
MONTH = rf"(?:\d{{1,2}}|{_ROMAN_RE}|{_WORD})"
QUARTER = r"(?:[1-4]|iv|iii|ii|i|mot|hai|ba|bon|tu)"
YEAR = r"(?:19|20)\d{2}"


class DeadlineError(ValueError):
    """A phrase that cannot be read. `reason` says why (typed, no wording: the catalogue's
    `texts.deadlines.refusal_text` words it); `phrase` is the phrase, once known."""

    def __init__(self, reason: Reason, phrase: str | None = None) -> None:
        self.reason = reason
        self.phrase = phrase
        super().__init__(reason.code.value)

    def for_phrase(self, phrase: str) -> DeadlineError:
        return self if self.phrase is not None else DeadlineError(self.reason, phrase)


def _fold_char(ch: str) -> str:
    if ch in "Đđ":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", ch)
                   if unicodedata.category(c) != "Mn").lower()
    if ch in "–—":
        return "-"
    # Keep one character per character so that positions in the folded text are positions
    # in the accented text too (refusals quote what the user wrote).
    return base if len(base) == 1 else ch.lower()[:1] or " "


def clean(text: str) -> str:
    """The phrase as written, without markdown or footnote marks, single spaces, NFC."""
    text = _FOOTNOTES.sub("", unicodedata.normalize("NFC", text))
    return re.sub(r"\s+", " ", text).strip(" .;:")


def fold(cleaned: str) -> str:
    """Lower case, no accents; same length as `cleaned`."""
    return "".join(_fold_char(ch) for ch in cleaned)


def normalize(text: str) -> str:
    """Lower case, no accents, no markdown or footnote marks, single spaces."""
    return fold(clean(text))


def number(token: str) -> int:
    token = token.strip()
    if numbers.is_ascii_number(token):
        return int(token)
    if token in _ROMAN:
        return _ROMAN[token]
    return _NUMBER_WORDS[token]


# --- tokens a reading must account for ------------------------------------------------------

# Digits, dates written with digits (one token: "15/12/2026", "2027-06-30"), and the words
# that name a month, a quarter or a weekday ("tháng ba", "quý II", "thứ Hai", "Chủ nhật").
_TOKEN = re.compile(
    r"\d+(?:\s*[/.-]\s*\d+){0,2}"
    rf"|(?<=\bthang )(?:{_WORD}|{_ROMAN_RE})\b"
    rf"|(?<=\bquy )(?:{_WORD}|{_ROMAN_RE})\b"
    r"|(?<=\bthu )(?:hai|ba|tu|nam|sau|bay|tam|chin|muoi)\b"
    r"|\bchu nhat\b"
)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


def tokens(phrase: str) -> list[Token]:
    found = []
    for match in _TOKEN.finditer(phrase):
        # "tháng năm 2026": "năm" there says year, not May.
        if match.group(0) == "nam" and re.match(r"\s*\d", phrase[match.end():]):
            continue
        # "mỗi quý một lần": "một lần" says how often, not which quarter.
        if match.group(0) == "mot" and phrase.startswith(" lan", match.end()):
            continue
        found.append(Token(match.start(), match.end(), match.group(0)))
    return found


@dataclass
class Used:
    """The spans of the folded phrase that a reading used."""

    spans: list[tuple[int, int]] = field(default_factory=list)

    def add(self, match: re.Match[str] | None, group: int | str = 0) -> None:
        if match is not None and match.start(group) >= 0:
            self.spans.append((match.start(group), match.end(group)))

    def add_span(self, start: int, end: int) -> None:
        self.spans.append((start, end))

    def covers(self, token: Token) -> bool:
        return any(start <= token.start and token.end <= end for start, end in self.spans)

    def unused(self, phrase: str) -> list[Token]:
        return [token for token in tokens(phrase) if not self.covers(token)]
