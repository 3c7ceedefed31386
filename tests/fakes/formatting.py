"""Telegram message formatting as the Bot API applies it: parse_mode text → plain text + entities.

Used by the fake Bot API server to (1) reject text Telegram would refuse with
``Bad Request: can't parse entities: ...`` and (2) measure length *after* entity parsing
(the 4096/1024 limits), in UTF-16 code units like Telegram's entity offsets.

The HTML parser follows tdlib's rules (supported tags, case-insensitive names, strict nesting,
``&lt; &gt; &amp; &quot;`` and numeric entities).  One deliberate difference: a bare ``&`` that does
not start an entity is an error here (``strict_ampersand=True``) while tdlib keeps it literally;
escaping it is always correct, and forgetting to escape user text is the bug this catches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ParseError",
    "Parsed",
    "parse_formatted",
    "parse_html",
    "parse_markdown_v2",
    "utf16_len",
]

PREFIX = "Bad Request: can't parse entities: "


class ParseError(ValueError):
    """The text is not valid for its parse_mode; ``str(error)`` is Telegram's description."""


@dataclass(frozen=True, slots=True)
class Parsed:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)

    @property
    def length(self) -> int:
        """Length in UTF-16 code units, as Telegram counts it."""
        return utf16_len(self.text)


def utf16_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


# --------------------------------------------------------------------------- HTML

_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot);|#([0-9]{1,8});|#[xX]([0-9a-fA-F]{1,8});)")
_PLAIN_RE = re.compile(r"[^<&]+")
_TAG_NAME_RE = re.compile(r"[a-zA-Z0-9-]*")
_START_TAG_RE = re.compile(
    r"<([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[a-zA-Z_][\w:.-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*>"
)
_END_TAG_RE = re.compile(r"</([a-zA-Z][a-zA-Z0-9-]*)\s*>")
_ATTR_RE = re.compile(r"([a-zA-Z_][\w:.-]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")


def _decode_entity(match: re.Match[str]) -> str | None:
    named, dec, hexa = match.groups()
    if named:
        return _NAMED[named]
    code = int(dec) if dec else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _unescape_attr(value: str) -> str:
    if "&" not in value:
        return value
    return _ENTITY_RE.sub(lambda m: _decode_entity(m) or m.group(0), value)


def _attrs(raw: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for m in _ATTR_RE.finditer(raw):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        if value is None:
            value = m.group(4) if m.group(4) is not None else ""
        result[m.group(1).lower()] = _unescape_attr(value)
    return result


@dataclass(slots=True)
class _Open:
    name: str
    attrs: dict[str, str]
    offset: int  # UTF-16 offset in the output
    byte_offset: int
    language: str | None = None


def parse_html(text: str, *, strict_ampersand: bool = True) -> Parsed:
    """Parses Telegram-HTML; raises ParseError with Telegram's description on malformed input."""
    if "<" not in text and "&" not in text:
        return Parsed(text)
    out: list[str] = []
    pos = 0  # UTF-16 length of the output so far
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "&":
            m = _ENTITY_RE.match(text, i)
            decoded = _decode_entity(m) if m else None
            if m is not None and decoded is not None:
                out.append(decoded)
                pos += utf16_len(decoded)
                i = m.end()
                continue
            if strict_ampersand:
                raise ParseError(
                    f'{PREFIX}unescaped "&" at byte offset {_byte_offset(text, i)}'
                    " (write &amp;; only &lt; &gt; &amp; &quot; and numeric entities exist)"
                )
            out.append("&")
            pos += 1
            i += 1
            continue
        if c != "<":
            m = _PLAIN_RE.match(text, i)
            assert m is not None
            chunk = m.group(0)
            out.append(chunk)
            pos += utf16_len(chunk)
            i = m.end()
            continue
        offset = _byte_offset(text, i)
        if text.startswith("</", i):
            m = _END_TAG_RE.match(text, i)
            if m is None:
                raise ParseError(f"{PREFIX}Unclosed end tag at byte offset {offset}")
            name = m.group(1).lower()
            if not stack:
                raise ParseError(f"{PREFIX}Unexpected end tag at byte offset {offset}")
            top = stack[-1]
            if top.name != name:
                raise ParseError(
                    f'{PREFIX}Unmatched end tag at byte offset {offset}, expected "</{top.name}>", '
                    f'found "</{name}>"'
                )
            stack.pop()
            _close(top, pos, stack, entities)
            i = m.end()
            continue
        name_match = _TAG_NAME_RE.match(text, i + 1)
        name = name_match.group(0).lower() if name_match else ""
        if name not in _TAG_ENTITY:
            raise ParseError(f'{PREFIX}Unsupported start tag "{name}" at byte offset {offset}')
        m = _START_TAG_RE.match(text, i)
        if m is None:
            raise ParseError(f"{PREFIX}Unclosed start tag at byte offset {offset}")
        attrs = _attrs(m.group(2))
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise ParseError(
                f'{PREFIX}Tag "span" must have class "tg-spoiler" at byte offset {offset}'
            )
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise ParseError(
                f"{PREFIX}Custom emoji identifier must be specified at byte offset {offset}")
        stack.append(_Open(name, attrs, pos, offset))
        i = m.end()
    if stack:
        raise ParseError(
            f'{PREFIX}Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return Parsed("".join(out), entities)


def _close(tag: _Open, pos: int, stack: list[_Open], entities: list[dict[str, Any]]) -> None:
    length = pos - tag.offset
    kind = _TAG_ENTITY[tag.name]
    if tag.name == "code" and stack and stack[-1].name == "pre":
        language = tag.attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1].language = language[len("language-"):]
            return
    if length <= 0:
        return
    entity: dict[str, Any] = {"type": kind, "offset": tag.offset, "length": length}
    if tag.name == "a":
        href = tag.attrs.get("href")
        if not href:
            return
        entity["url"] = href
    elif tag.name == "pre" and tag.language:
        entity["language"] = tag.language
    elif tag.name == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    elif tag.name == "tg-time":
        unix = tag.attrs.get("unix", "")
        if unix.lstrip("-").isdigit():
            entity["unix_time"] = int(unix)
        if tag.attrs.get("format"):
            entity["date_time_format"] = tag.attrs["format"]
    entities.append(entity)


# --------------------------------------------------------------------------- MarkdownV2

_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")


def _find_unescaped(text: str, start: int, needle: str) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(needle, i):
            return i
        i += 1
    return -1


def _unescape_md(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.DOTALL)


def parse_markdown_v2(text: str) -> Parsed:
    """MarkdownV2 as documented: reserved characters must be escaped, entities must be closed."""
    out: list[str] = []
    pos = 0
    stack: list[tuple[str, int, int]] = []  # (marker, utf16 offset, byte offset)
    entities: list[dict[str, Any]] = []
    markers = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough",
               "||": "spoiler"}
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            if i + 1 >= n:
                raise ParseError(f"{PREFIX}Character '\\' is reserved and must be escaped with "
                                 "the preceding '\\'")
            out.append(text[i + 1])
            pos += utf16_len(text[i + 1])
            i += 2
            continue
        if c == "`":
            is_pre = text.startswith("```", i)
            marker = "```" if is_pre else "`"
            end = _find_unescaped(text, i + len(marker), marker)
            if end < 0:
                kind = "Pre" if is_pre else "Code"
                raise ParseError(f"{PREFIX}Can't find end of {kind} entity at byte offset "
                                 f"{_byte_offset(text, i)}")
            body = text[i + len(marker):end]
            language = None
            if is_pre and "\n" in body:
                first, rest = body.split("\n", 1)
                if first and " " not in first:
                    language, body = first, rest
            body = _unescape_md(body)
            entity: dict[str, Any] = {"type": "pre" if is_pre else "code", "offset": pos,
                                      "length": utf16_len(body)}
            if language:
                entity["language"] = language
            if body:
                entities.append(entity)
            out.append(body)
            pos += utf16_len(body)
            i = end + len(marker)
            continue
        if c in "*_~|":
            marker = text[i:i + 2] if text.startswith(("__", "||"), i) else c
            if marker == "|":
                raise ParseError(f"{PREFIX}Character '|' is reserved and must be escaped with "
                                 "the preceding '\\'")
            if stack and stack[-1][0] == marker:
                _, start, _ = stack.pop()
                if pos > start:
                    entities.append({"type": markers[marker], "offset": start,
                                     "length": pos - start})
            elif any(item[0] == marker for item in stack):
                raise ParseError(f"{PREFIX}Can't find end of the entity starting at byte offset "
                                 f"{stack[-1][2]}")
            else:
                stack.append((marker, pos, _byte_offset(text, i)))
            i += len(marker)
            continue
        if c == "!" and text.startswith("![", i):
            i += 1
            continue
        if c == "[":
            stack.append(("[", pos, _byte_offset(text, i)))
            i += 1
            continue
        if c == "]" and stack and stack[-1][0] == "[":
            _, start, _ = stack.pop()
            if text.startswith("(", i + 1):
                end = _find_unescaped(text, i + 2, ")")
                if end < 0:
                    raise ParseError(f"{PREFIX}Can't find end of a URL at byte offset "
                                     f"{_byte_offset(text, i + 1)}")
                url = _unescape_md(text[i + 2:end])
                if pos > start:
                    entities.append({"type": "text_link", "offset": start,
                                     "length": pos - start, "url": url})
                i = end + 1
            else:
                i += 1
            continue
        if c == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1
            continue
        if c in _MDV2_RESERVED:
            raise ParseError(f"{PREFIX}Character '{c}' is reserved and must be escaped with the "
                             "preceding '\\'")
        out.append(c)
        pos += utf16_len(c)
        i += 1
    if stack:
        raise ParseError(f"{PREFIX}Can't find end of the entity starting at byte offset "
                         f"{stack[-1][2]}")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return Parsed("".join(out), entities)


# --------------------------------------------------------------------------- entry point

PARSE_MODES = {"html": "HTML", "markdownv2": "MarkdownV2", "markdown": "Markdown"}
_TRIM = " \t\n\r\v\f"


def parse_formatted(text: str, parse_mode: str | None, *, strict_ampersand: bool = True) -> Parsed:
    """Text as Telegram stores it: entities parsed, then leading/trailing whitespace trimmed.

    Raises ParseError for malformed markup and ValueError for an unknown parse_mode.
    """
    mode = PARSE_MODES.get(parse_mode.lower()) if parse_mode else None
    if parse_mode and mode is None:
        raise ValueError(f"Bad Request: unsupported parse_mode {parse_mode!r}")
    if mode == "HTML":
        parsed = parse_html(text, strict_ampersand=strict_ampersand)
    elif mode == "MarkdownV2":
        parsed = parse_markdown_v2(text)
    else:  # plain text, or legacy Markdown (not validated)
        parsed = Parsed(text)
    return _trim(parsed)


def _trim(parsed: Parsed) -> Parsed:
    text = parsed.text
    stripped = text.strip(_TRIM)
    if stripped == text:
        return parsed
    lead = utf16_len(text[: len(text) - len(text.lstrip(_TRIM))])
    total = utf16_len(stripped)
    entities = []
    for entity in parsed.entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] - lead + entity["length"], total)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return Parsed(stripped, entities)
