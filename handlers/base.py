"""What a handler sees: a platform-neutral message, a replier and a context.

A platform adapter turns an update into an `Incoming` and implements a `Replier`; a handler
never touches python-telegram-bot, httpx or Zalo payloads.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from texts import messages
from texts.clean import utf16_length
from texts.menus import MenuOption, menu_entries, render_numbered_menu

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from config.settings import Settings
    from db.evidence_files import EvidenceStore
    from db.services import Actor
    from timelang.calendar import WorkingCalendar
    from timelang.clock import Clock

ChatKind = Literal["private", "group"]
AttachmentKind = Literal["photo", "document"]


@dataclass(frozen=True)
class Attachment:
    kind: AttachmentKind
    file_id: str | None = None  # the platform's id, kept with the evidence
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None  # as declared by the platform, before download
    url: str | None = None  # platforms that hand out links instead of ids (Zalo)


@dataclass(frozen=True)
class Incoming:
    platform: str
    chat_id: str
    user_id: str
    user_name: str
    text: str = ""  # the text, or the caption of a photo/document
    chat_type: ChatKind = "private"
    chat_title: str | None = None
    message_id: str | None = None
    attachment: Attachment | None = None
    # Set when the message is a button press; `text` then holds the button's command.
    is_button: bool = False
    # The update's key in the inbox (db.inbox): the router marks it handled in its unit of
    # work. None for messages that did not come through the inbox (CLI, tests).
    inbox_key: str | None = None
    # A reply: the id of the message replied to (Telegram's reply_to_message), and its text
    # when the platform quotes it and the message was the bot's own.
    reply_to_id: str | None = None
    reply_to_text: str | None = None
    # A shared contact (Telegram's contact button): the phone number when the card is the
    # sender's own, "" when it is someone else's (never matched), None for other messages.
    contact_phone: str | None = None

    @property
    def is_group(self) -> bool:
        return self.chat_type == "group"


@dataclass(frozen=True)
class OutgoingFile:
    data: bytes
    file_name: str
    mime_type: str = "application/octet-stream"
    caption: str | None = None


class Replier:
    """Sends answers into one chat. Subclasses implement `_send_chunk`; the rest falls back.

    Texts are written in Telegram's HTML subset (<b>, <i>, <code>) with user text escaped;
    platforms without formatting strip the tags (see `to_plain_text`).
    """

    max_text_length = 4096
    supports_buttons = False
    supports_files = False
    supports_contact = False  # a button that shares the person's own phone number
    # False where the platform passes no documents to bots (Zalo): a command that waits for
    # one offers an upload link (`upload_link`), never asks for the file in chat.
    receives_documents = True

    def __init__(self) -> None:
        # The last numbered menu shown as (key, command), so that the key typed next runs it.
        self.numbered_menu: list[tuple[str, str]] | None = None
        # The ids the platform gave the messages sent, where it tells (the outbox records
        # them, so that a reply to a reminder acts on its tasks).
        self.sent_ids: list[str] = []

    async def send_text(self, text: str) -> None:
        for chunk in split_text(text, self.max_text_length):
            await self._send_chunk(chunk, None)

    async def send_menu(
        self, text: str, options: Sequence[MenuOption], *, columns: int = 1
    ) -> None:
        if not options:
            await self.send_text(text)
            return
        if self.supports_buttons:
            chunks = split_text(text, self.max_text_length)
            for chunk in chunks[:-1]:
                await self._send_chunk(chunk, None)
            await self._send_chunk(chunks[-1], ButtonLayout(list(options), columns))
            return
        self.numbered_menu = menu_entries(options)
        await self.send_text(render_numbered_menu(text, options))

    async def send_file(self, file: OutgoingFile) -> None:

        await self.send_text(messages.FILE_NOT_SUPPORTED.format(name=html.escape(file.file_name)))

    async def download(self, attachment: Attachment, max_bytes: int) -> bytes:
        """The attachment's bytes; raises `FileTooLarge` past max_bytes."""
        raise NotImplementedError("this platform cannot download files")

    async def ask_contact(self, text: str, button: str) -> None:
        """`text` with a button that shares the person's phone number (supports_contact)."""
        await self.send_text(text)

    def upload_link(self, user_id: str, purpose: UploadPurpose) -> UploadLink | None:
        """A link to a web page where this person uploads the file a command waits for, on
        platforms that do not pass files to bots (Zalo); None where files come in chat."""
        return None

    async def _send_chunk(self, text: str, buttons: ButtonLayout | None) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class UploadPurpose:
    kind: Literal["evidence", "plan", "staff"]
    task_id: int | None = None  # evidence: the task the file is for


@dataclass(frozen=True)
class UploadLink:
    url: str
    expires_at: datetime


@dataclass
class ButtonLayout:
    options: list[MenuOption]
    columns: int = 1

    def rows(self) -> list[list[MenuOption]]:
        return [
            self.options[i : i + self.columns] for i in range(0, len(self.options), self.columns)
        ]


class FileTooLarge(Exception):
    def __init__(self, size: int | None = None) -> None:
        super().__init__(f"file too large: {size}")
        self.size = size


_TAG = re.compile(r"<[^>]+>")


def to_plain_text(text: str) -> str:
    """Telegram HTML → plain text, for platforms without formatting."""
    return html.unescape(_TAG.sub("", text))


def split_text(text: str, limit: int) -> list[str]:
    """Pieces that each fit the platform's limit in UTF-16 code units, as Telegram and Zalo
    count (an emoji is two). Cuts at a line break, else at a space, else between characters;
    never inside an HTML tag or entity. Tags still open at a cut are closed at the end of the
    piece and opened again at the start of the next, so every piece is valid HTML.
    """
    if len(text) * 2 <= limit or utf16_length(text) <= limit:
        return [text]
    chunks: list[str] = []
    lines: list[str] = []  # the piece being built
    width = 0
    tags: Tags = []  # open at the end of `lines`
    # Whole lines first (string operations in C); only a line longer than a piece is cut
    # token by token.
    for line in text.split("\n"):
        line_tags = _track_all(tags, line) if "<" in line else tags
        line_width = utf16_length(line)
        if width + bool(lines) + line_width + _closing_width(line_tags) <= limit:
            width += bool(lines) + line_width
            lines.append(line)
            tags = line_tags
            continue
        if lines:
            chunks.append("\n".join(lines) + _closing(tags))
        opening = "".join(tag for _, tag in tags)
        if utf16_length(opening) + line_width + _closing_width(line_tags) <= limit:
            lines, tags = [opening + line], line_tags
            width = utf16_length(lines[0])
            continue
        whole, last, tags = _cut_line(line, tags, limit)
        chunks.extend(whole)
        lines, width = [last], utf16_length(last)
    if lines:
        chunks.append("\n".join(lines) + _closing(tags))
    return [chunk for chunk in chunks if _TAG.sub("", chunk).strip()] or [text[:limit]]


def _cut_line(line: str, open_tags: Tags, limit: int) -> tuple[list[str], str, Tags]:
    """A line too long for one piece, cut token by token: the whole pieces (tags closed), and
    the last one, still open, with the tags open at its end, for the next lines to join."""
    tokens = _TOKEN.findall(line)
    widths = [_width(token) for token in tokens]
    pieces: list[str] = []
    start = 0
    while True:
        cut, tags_at_cut, end = _next_cut(tokens, widths, start, open_tags, limit)
        piece = "".join(tag for _, tag in open_tags) + "".join(tokens[start:cut])
        if end >= len(tokens):
            return pieces, piece, tags_at_cut
        pieces.append(piece + _closing(tags_at_cut))
        start, open_tags = end, tags_at_cut


def _closing(tags: Tags) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(tags))


def _track_all(tags: Tags, line: str) -> Tags:
    for tag in _TAG_TOKEN.findall(line):
        tags = _track(tags, tag)
    return tags


# One token each: a tag, an entity, or one code point (never half of a character).
_TOKEN = re.compile(r"<[^<>]{1,2000}>|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});|.",
                    re.S)
_TAG_TOKEN = re.compile(r"<[^<>]{1,2000}>")
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
Tags = list[tuple[str, str]]  # (name, opening tag) of the tags open at a point, outermost first


def _next_cut(tokens: list[str], widths: list[int], start: int, open_tags: Tags,
              limit: int) -> tuple[int, Tags, int]:
    """Where the piece starting at `start` ends: (cut, tags open there, next start)."""
    used = sum(utf16_length(tag) for _, tag in open_tags)
    tags, closing = open_tags, _closing_width(open_tags)
    at_line: tuple[int, Tags] | None = None
    at_space: tuple[int, Tags] | None = None
    index, count = start, len(tokens)
    while index < count:
        token = tokens[index]
        if token[0] == "<" and len(token) > 2:
            after = _track(tags, token)
            after_closing = _closing_width(after)
        else:
            after, after_closing = tags, closing
        if used + widths[index] + after_closing > limit and index > start:
            break
        used += widths[index]
        if token == "\n":
            at_line = (index, tags)
        elif token == " ":
            at_space = (index, tags)
        tags, closing = after, after_closing
        index += 1
    else:
        return index, tags, index
    # Only a break in the second half is worth a shorter piece.
    for candidate in (at_line, at_space):
        if candidate is not None and candidate[0] - start >= (index - start) // 2:
            return candidate[0], candidate[1], candidate[0] + 1
    cut = index
    while cut - 1 > start and _joins_previous(tokens[cut]):
        cut -= 1  # keep a letter with its accent, an emoji with its modifiers
    if cut != index:
        tags = _tags_before(tokens, start, open_tags, cut)
    return cut, tags, cut


def _closing_width(tags: Tags) -> int:
    return sum(len(name) + 3 for name, _ in tags)


def _width(token: str) -> int:
    if len(token) == 1:
        return 2 if token > "\uffff" else 1
    return utf16_length(token)


def _track(tags: Tags, token: str) -> Tags:
    """The open tags after `token` (a new list only when it changes)."""
    if not token.startswith("<") or len(token) < 3:
        return tags
    match = _TAG_NAME.match(token)
    if match is None:
        return tags
    closing, name = match.group(1), match.group(2).lower()
    if not closing:
        return [*tags, (name, token)]
    for position in range(len(tags) - 1, -1, -1):
        if tags[position][0] == name:
            return tags[:position] + tags[position + 1 :]
    return tags


def _tags_before(tokens: list[str], start: int, open_tags: Tags, index: int) -> Tags:
    tags = open_tags
    for token in tokens[start:index]:
        tags = _track(tags, token)
    return tags


def _joins_previous(token: str) -> bool:
    return len(token) == 1 and (unicodedata.combining(token) > 0
                                or token in "\u200d\ufe0e\ufe0f"
                                or "\U0001f3fb" <= token <= "\U0001f3ff")


@dataclass(frozen=True)
class OutsideTurn:
    """Slow work a handler hands back to the router: `work` runs after the handler's unit of
    work is committed and outside the router's turn (other chats' updates go on meanwhile);
    then `resume` continues in a new unit of work with what `work` returned. A UserError
    raised by `work` is sent as is."""

    work: Callable[[], Awaitable[Any]]
    resume: Callable[[Incoming, Context, Any], Awaitable[None]]


@dataclass
class Context:
    """Everything one update's handler may use. One session: the router commits it once."""

    session: Session
    settings: Settings
    clock: Clock
    calendar_loader: Callable[[], WorkingCalendar]
    actor: Actor
    replier: Replier
    evidence_store: EvidenceStore
    args: list[str] = field(default_factory=list)
    raw_args: str = ""
    # Set by a handler through `outside_turn`; read by the router after the commit.
    later: OutsideTurn | None = None

    def outside_turn(
        self, work: Callable[[], Awaitable[Any]],
        resume: Callable[[Incoming, Context, Any], Awaitable[None]],
    ) -> None:
        """Run `work` (a download, reading a file) once this unit of work is committed,
        without holding the router's turn, then `resume` with its result."""
        self.later = OutsideTurn(work, resume)
    # True when the person has just answered "Có" to this very command's "Xác nhận?".
    confirmed: bool = False
    # True when the command is a button pressed or an option of the numbered menu the bot had
    # just offered (a choice, not something typed): a question already asked needs no second "Xác nhận?" for harmless
    # personal choices (when to be reminded again).
    chosen_from_menu: bool = False
    # Set by a handler that asks "Xác nhận?": the command to run on "Có".
    pending_confirmation: str | None = None

    @functools.cached_property
    def calendar(self) -> WorkingCalendar:
        """Working days with the admins' overrides, read only when a handler needs them."""
        return self.calendar_loader()

    def settle(self) -> None:
        """Called by the router before the unit of work ends: when work is left for outside
        the turn, a calendar the handler took is read now (its overrides are read lazily, in
        this session), so that work (a plan read in a child process) can take it along."""
        calendar = self.__dict__.get("calendar")
        if calendar is not None and self.later is not None:
            calendar.load()

    @property
    def now(self) -> datetime:
        return self.clock.now()

    @property
    def today(self) -> date:
        return self.clock.now().astimezone(self.settings.tz).date()


Handler = Callable[[Incoming, Context], Awaitable[None]]
