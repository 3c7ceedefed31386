"""The fake Telegram Bot API's value objects, limits and small helpers (see telegram_api)."""

from __future__ import annotations

import logging
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tests.fakes.bot_api_spec import MethodSpec, UploadedFile
from tests.fakes.formatting import Parsed, utf16_len

T = TypeVar("T")
logger = logging.getLogger("tests.fakes.telegram_api")

DEFAULT_TOKEN = "7000000001:FAKE-nhacviec-test-token_0123456789"
GET_FILE_LIMIT = 20 * 1024 * 1024  # getFile refuses bigger files ("file is too big")
UPLOAD_LIMIT = 50 * 1024 * 1024  # bots upload at most 50 MB
PHOTO_UPLOAD_LIMIT = 10 * 1024 * 1024
CLIENT_GONE = 499  # RecordedRequest.status when the client disconnected before the answer

# Methods that post a message and count against the flood limits.
RATE_LIMITED_EXCLUDED = frozenset({
    "sendChatAction", "sendMessageDraft", "sendRichMessageDraft", "sendGift",
    "sendChatJoinRequestWebApp",
})
CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
})
_MEDIA_METHODS = {
    "sendVideo": ("video", "Video"),
    "sendAudio": ("audio", "Audio"),
    "sendVoice": ("voice", "Voice"),
    "sendAnimation": ("animation", "Animation"),
    "sendSticker": ("sticker", "Sticker"),
    "sendVideoNote": ("video_note", "VideoNote"),
}
_COMMAND_RE = re.compile(r"(?<![^\s])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_QUERY_INVALID = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)


# --------------------------------------------------------------------------- value objects


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Telegram's flood limits for bots (defaults are the documented ones)."""

    global_per_sec: int | None = 30
    per_chat_per_sec: int | None = 1
    per_group_per_min: int | None = 20


@dataclass(frozen=True, slots=True)
class FakeUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "vi"
    is_bot: bool = False

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot,
                                  "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            value = getattr(self, key)
            if value is not None:
                result[key] = value
        return result


@dataclass(slots=True, eq=False)
class FakeChat:
    id: int
    type: str  # "private" | "group" | "supergroup" | "channel"
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    admins: set[int] = field(default_factory=set)
    creator: int | None = None
    members: set[int] = field(default_factory=set)
    bot_left: bool = False
    last_message_id: int = 0

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            value = getattr(self, key)
            if value is not None:
                result[key] = value
        return result


@dataclass(slots=True, eq=False)
class FakeFile:
    """A file known to the fake: uploaded by a scripted user or by the bot."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_size: int  # may exceed len(data) (declared_size)
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None

    def file_dict(self) -> dict[str, Any]:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "file_size": self.file_size}


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    callback_data: str | None
    url: str | None
    row: int
    column: int


def _buttons(markup: Mapping[str, Any] | None) -> list[Button]:
    if not markup:
        return []
    result = []
    for r, row in enumerate(markup.get("inline_keyboard") or []):
        for c, button in enumerate(row):
            result.append(Button(button.get("text", ""), button.get("callback_data"),
                                 button.get("url"), r, c))
    return result


def find_buttons(message: BotMessage | Mapping[str, Any], label: str) -> list[str]:
    """callback_data of the inline buttons whose label contains ``label`` (case-insensitive).

    ``message`` is a BotMessage, a Message dict or an InlineKeyboardMarkup dict.
    """
    if isinstance(message, BotMessage):
        markup = message.reply_markup
    else:
        markup = message.get("reply_markup", message)
    needle = label.casefold()
    return [b.callback_data for b in _buttons(markup)
            if needle in b.text.casefold() and b.callback_data is not None]


@dataclass(slots=True, eq=False)
class BotMessage:
    """A message the bot sent, as it currently stands (edits applied)."""

    chat_id: int
    message_id: int
    method: str
    payload: dict[str, Any]  # the Message object returned to the bot (plain text + entities)
    params: dict[str, Any]  # parameters of the request that created it
    sent_at: float
    file: FakeFile | None = None
    raw_text: str | None = None  # text/caption exactly as the bot sent it (e.g. with HTML tags)
    edits: list[dict[str, Any]] = field(default_factory=list)  # previous payloads
    deleted: bool = False

    @property
    def text(self) -> str | None:
        """Plain text as the user sees it (HTML parsed, trimmed)."""
        return self.payload.get("text")

    @property
    def caption(self) -> str | None:
        return self.payload.get("caption")

    @property
    def content(self) -> str:
        """Text or caption, '' when neither."""
        return self.payload.get("text") or self.payload.get("caption") or ""

    @property
    def parse_mode(self) -> str | None:
        return self.params.get("parse_mode")

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        return self.payload.get("reply_markup")

    @property
    def kind(self) -> str:
        for key in ("text", "document", "photo", "video", "audio", "voice", "animation",
                    "sticker", "video_note"):
            if key in self.payload:
                return key
        return self.method

    @property
    def document(self) -> FakeFile | None:
        return self.file if "document" in self.payload else None

    @property
    def photo(self) -> FakeFile | None:
        return self.file if "photo" in self.payload else None

    def buttons(self) -> list[Button]:
        return _buttons(self.reply_markup)

    def find_buttons(self, label: str) -> list[str]:
        return find_buttons(self, label)

    def button_data(self, label: str) -> str:
        """callback_data of the one button whose label contains ``label``."""
        found = self.find_buttons(label)
        if len(found) != 1:
            labels = [b.text for b in self.buttons()]
            raise AssertionError(f"{len(found)} buttons match {label!r} in message "
                                 f"{self.message_id}; buttons: {labels}")
        return found[0]

    def __repr__(self) -> str:
        body = self.content
        return (f"BotMessage(chat={self.chat_id}, id={self.message_id}, {self.kind}, "
                f"{body[:60]!r}{'…' if len(body) > 60 else ''})")


@dataclass(slots=True, eq=False)
class RecordedRequest:
    method: str  # canonical spec name, or as requested when unknown
    params: dict[str, Any]  # typed after validation (ints, dicts, UploadedFile)
    time: float  # server clock when received
    http_method: str = "POST"
    status: int = 0  # 0 while in flight
    description: str | None = None  # error description when not ok
    result: Any = None

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass(frozen=True, slots=True)
class AcceptedSend:
    time: float
    chat_id: int
    group: bool
    method: str


@dataclass(slots=True, eq=False)
class Fault:
    """Makes matching requests fail: status + description, or hang (never answered in time).

    Matches requests whose chat_id equals ``chat_id`` (any chat when None) and whose method is
    ``method`` (any chat-targeted method when None); ``times`` limits how often (None: always).
    """

    status: int = 500
    description: str = "Internal Server Error"
    chat_id: int | str | None = None
    method: str | None = None
    times: int | None = None
    hang: bool = False
    retry_after: int | None = None
    hits: int = 0

    def matches(self, method: str, params: Mapping[str, Any]) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.method is not None and self.method.lower() != method.lower():
            return False
        if self.chat_id is not None:
            return str(params.get("chat_id")) == str(self.chat_id)
        return self.method is not None or "chat_id" in params


class FakeTimeout(AssertionError):
    """A wait_for* helper timed out; the message lists what the server saw."""


class ApiError(Exception):
    def __init__(self, status: int, description: str, *, violation: bool = False,
                 detail: str = "", parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.violation = violation
        self.detail = detail
        self.parameters = parameters


@dataclass(slots=True)
class _Call:
    spec: MethodSpec
    params: dict[str, Any]
    chat: FakeChat | None
    parsed: dict[str, Parsed]
    record: RecordedRequest
    files: dict[str, UploadedFile]


def _image_size(data: bytes) -> tuple[int, int]:
    """Width/height of a PNG, GIF or JPEG; a plausible default otherwise."""
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
            width, height = struct.unpack(">II", data[16:24])
            return int(width), int(height)
        if data[:6] in (b"GIF87a", b"GIF89a"):
            width, height = struct.unpack("<HH", data[6:10])
            return int(width), int(height)
        if data[:2] == b"\xff\xd8":
            i = 2
            while i + 9 < len(data):
                if data[i] != 0xFF:
                    i += 1
                    continue
                marker = data[i + 1]
                size = struct.unpack(">H", data[i + 2:i + 4])[0]
                if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                    height, width = struct.unpack(">HH", data[i + 5:i + 9])
                    return int(width), int(height)
                i += 2 + size
    except (struct.error, IndexError):
        pass
    return 800, 600


def _command_entities(text: str) -> list[dict[str, Any]]:
    entities = []
    for m in _COMMAND_RE.finditer(text):
        entities.append({"type": "bot_command", "offset": utf16_len(text[:m.start()]),
                         "length": utf16_len(m.group(0))})
    return entities


