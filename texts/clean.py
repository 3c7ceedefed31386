"""Text hygiene shared by every layer: what enters from people, what goes into files, and how
long a text is on the wire.

Text that people type (chat messages, captions, names, command-line arguments) goes through
`sanitise` once, where it enters: control characters and NUL broke every .xlsx export for
good (openpyxl refuses them) and PostgreSQL refuses NUL outright. Platforms count message
lengths in UTF-16 code units (an emoji is two), so lengths on the wire use `utf16_length`.
"""

from __future__ import annotations

import re
import unicodedata

# The longest text one chat message or command-line argument may carry into the database:
# Telegram's own message limit, so a person never loses what they could send.
MAX_TEXT_LENGTH = 4096
# Names (people, chats, files) live in 255-character columns.
MAX_NAME_LENGTH = 255

# C0 and C1 controls except tab and newline, DEL, lone surrogates (they cannot be encoded to
# UTF-8, so neither database stores them) and the two non-characters XML forbids.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# What XML 1.0 (and so every .xlsx) cannot hold at all: a defence for text from anywhere.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Controls that mean a line or page break (vertical tab is Word's line break, form feed a
# PDF's page break) become one, so the words on either side never run together.
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_BLANKS = re.compile(r"\s+")


def sanitise(text: str, *, max_length: int | None = MAX_TEXT_LENGTH,
             single_line: bool = False) -> str:
    """Text as people meant it: NFC, line breaks as "\\n", no control characters, capped.

    Line breaks become "\\n" rather than vanishing, so two lines never run together; with
    `single_line` (names) every run of blanks becomes one space. `max_length` counts code
    points, as PostgreSQL's VARCHAR does; None keeps all (documents, not typed text).
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = _UNWANTED.sub("", text)
    text = unicodedata.normalize("NFC", text)
    if single_line:
        text = _BLANKS.sub(" ", text).strip()
    return text if max_length is None else text[:max_length]


def xml_safe(text: str) -> str:
    """Text without the characters an XML file cannot contain (openpyxl raises on them)."""
    return _NOT_XML.sub("", text)


def utf16_length(text: str) -> int:
    """Length as Telegram and Zalo count it: characters outside the BMP count twice."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def is_number(word: str) -> bool:
    """Digits `int` can read (any script's decimal digits): `str.isdigit` also accepts "²",
    on which `int` raises."""
    return word.isdecimal()
