"""What a handler sees: a platform-neutral message, a replier and a context.

A platform adapter turns an update into an `Incoming` and implements a `Replier`; a handler
never touches python-telegram-bot, httpx or Zalo payloads.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from config.settings import Settings
    from db.services import Actor
    from handlers.storage import EvidenceStore
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

    @property
    def is_group(self) -> bool:
        return self.chat_type == "group"


@dataclass(frozen=True)
class MenuOption:
    label: str
    command: str  # what pressing it (or typing its number) runs, e.g. "/chitiet 12"
    # What the person types to choose it in a numbered menu; None: its position (1, 2, …).
    # Task lists use the task's own number, so that a choice never looks like another task.
    key: str | None = None


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

    def __init__(self) -> None:
        # The last numbered menu shown as (key, command), so that the key typed next runs it.
        self.numbered_menu: list[tuple[str, str]] | None = None

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
        from texts import messages

        await self.send_text(messages.FILE_NOT_SUPPORTED.format(name=html.escape(file.file_name)))

    async def download(self, attachment: Attachment, max_bytes: int) -> bytes:
        """The attachment's bytes; raises `FileTooLarge` past max_bytes."""
        raise NotImplementedError("this platform cannot download files")

    async def _send_chunk(self, text: str, buttons: ButtonLayout | None) -> None:
        raise NotImplementedError


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


def menu_entries(options: Sequence[MenuOption]) -> list[tuple[str, str]]:
    """(key, command) of each choosable option: its own key, or its position when no option
    of the menu has one. In a keyed menu, options without a key are shown with their command
    instead of a number, so that no number means two things."""
    keyed = any(option.key for option in options)
    if not keyed:
        return [(str(index), option.command) for index, option in enumerate(options, 1)]
    return [(option.key, option.command) for option in options if option.key]


def render_numbered_menu(text: str, options: Sequence[MenuOption]) -> str:
    from texts import messages

    keyed = any(option.key for option in options)
    lines = [text, ""]
    for index, option in enumerate(options, 1):
        if not keyed:
            lines.append(f"{index}. {html.escape(option.label)}")
        elif option.key:
            # "#4 Rà soát…" keyed 4 reads "4. Rà soát…": one number, the task's own.
            label = option.label.removeprefix(f"#{option.key} ")
            lines.append(f"{html.escape(option.key)}. {html.escape(label)}")
        else:
            lines.append(f"• {html.escape(option.label)}: <code>{html.escape(option.command)}</code>")
    lines += ["", messages.NUMBERED_MENU_KEYED_HINT if keyed else messages.NUMBERED_MENU_HINT]
    return "\n".join(lines)


_TAG = re.compile(r"<[^>]+>")


def to_plain_text(text: str) -> str:
    """Telegram HTML → plain text, for platforms without formatting."""
    return html.unescape(_TAG.sub("", text))


def split_text(text: str, limit: int) -> list[str]:
    """Split at line breaks (then spaces) so that each piece fits the platform's limit.

    Tags in the catalogue never span lines, so a split at a line break keeps HTML balanced.
    """
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit)
            if cut <= 0:
                cut = _safe_cut(line, limit)
            piece, line = line[:cut], line[cut:].lstrip(" ")
            if current:
                chunks.append(current)
                current = ""
            chunks.append(piece)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()] or [text[:limit]]


def _safe_cut(line: str, limit: int) -> int:
    """A cut point that splits neither an HTML entity nor a tag."""
    cut = limit
    amp = line.rfind("&", max(0, cut - 10), cut)
    if amp != -1 and ";" not in line[amp:cut]:
        cut = amp
    lt = line.rfind("<", max(0, cut - 40), cut)
    if lt != -1 and ">" not in line[lt:cut]:
        cut = lt
    return max(cut, 1)


Notify = Callable[..., None]


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
    # True when the person has just answered "Có" to this very command's "Xác nhận?".
    confirmed: bool = False
    # Set by a handler that asks "Xác nhận?": the command to run on "Có".
    pending_confirmation: str | None = None
    # Set by the router: called after the commit so queued notices go out promptly.
    after_commit: list[Callable[[], Awaitable[None] | None]] = field(default_factory=list)

    @functools.cached_property
    def calendar(self) -> WorkingCalendar:
        """Working days with the admins' overrides, read only when a handler needs them."""
        return self.calendar_loader()

    @property
    def now(self) -> datetime:
        return self.clock.now()

    @property
    def today(self) -> date:
        return self.clock.now().astimezone(self.settings.tz).date()


Handler = Callable[[Incoming, Context], Awaitable[None]]
