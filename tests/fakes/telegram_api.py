"""A fake Telegram Bot API server for end-to-end tests and benchmarks (real HTTP on loopback).

Point the real python-telegram-bot at it and script a user from the test::

    async with FakeTelegramServer() as server:
        app = server.application_builder().build()      # token + base_url + base_file_url set
        app.add_handler(CommandHandler("start", start))
        async with run_polling(app):                       # initialize/start/start_polling ... stop
            alice = server.user(1001, "Alice")
            server.send_text(alice, "/start")
            [reply] = await server.wait_for_messages(alice.id)
            assert "Xin chào" in reply.text                # plain text, as the user sees it
            server.press_button(alice, reply, reply.button_data("Việc của tôi"))
        server.assert_no_violations()

Without the helper, use ``ApplicationBuilder().token(server.token).base_url(server.api_base_url)
.base_file_url(server.file_base_url)`` — the server's token is fixed (``DEFAULT_TOKEN`` unless
given); other tokens get 401.

Every request is validated against the official Bot API description
(/work/shared/telegram-bot-api.json, see ``tests.fakes.bot_api_spec``): the method must exist,
required fields present, no unknown fields, types right (recursively inside JSON objects such
as InlineKeyboardMarkup), text ≤ 4096 and caption ≤ 1024 after entity parsing, well-formed HTML
for parse_mode=HTML, callback_data 1-64 bytes, ... A broken request is answered like Telegram
(HTTP 400 ``{"ok": false, "error_code": 400, "description": "Bad Request: ..."}``) *and*
recorded in ``server.violations``; ``assert_no_violations()`` fails the test with the details.
State-dependent refusals that a correct bot can meet (message to edit not found, message is not
modified, file is too big, invalid callback query) are answered the same way but are not
violations; they show up in ``server.errors``.

Rate-limit mode (``rate_limits=RateLimits(...)``) answers 429 with ``retry_after`` on the send
methods once Telegram's flood limits would be exceeded (sliding windows); accepted sends are
always recorded so ``limit_violations()`` can recompute independently how many accepted sends
broke a limit.  ``latency_ms`` and fault injection (``block_chat``, ``chat_not_found``,
``inject_fault``, ``hang_requests``) let reminder-engine tests see 403/400/500/timeouts.

Deliberate choices: lengths count UTF-16 code units (like entity offsets), so the fake is never
more lenient than Telegram; a bare ``&`` in HTML text is a violation (``strict_ampersand``; tdlib
would keep it, but it means user text was not escaped); unknown numeric chat ids are created on
first use (``strict_chats=True`` answers "chat not found" instead); ``wait_for_messages`` returns
exactly ``count`` messages so tests don't depend on timing.

Use the server from the event loop that started it (helpers are synchronous, not thread-safe).
For a separate process: ``python -m tests.fakes.telegram_api --port 8081`` (stats at
``/_fake/stats``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import math
import mimetypes
import re
import struct
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import aiohttp
from aiohttp import web

from tests.fakes.bot_api_spec import BotApiSpec, MethodSpec, UploadedFile
from tests.fakes.formatting import Parsed, ParseError, parse_formatted, utf16_len

if TYPE_CHECKING:
    from telegram.ext import Application, ApplicationBuilder

__all__ = [
    "DEFAULT_TOKEN",
    "AcceptedSend",
    "BotMessage",
    "Button",
    "FakeChat",
    "FakeFile",
    "FakeTelegramServer",
    "FakeTimeout",
    "FakeUser",
    "Fault",
    "RateLimits",
    "RecordedRequest",
    "UploadedFile",
    "find_buttons",
    "run_polling",
]

T = TypeVar("T")
logger = logging.getLogger(__name__)

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


# --------------------------------------------------------------------------- the server


class FakeTelegramServer:
    """Fake Bot API on http://127.0.0.1:<random port>; see the module docstring."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "nhacviec_test_bot",
        bot_first_name: str = "Nhắc Việc",
        rate_limits: RateLimits | None = None,
        latency_ms: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
        spec_path: str | Path | None = None,
        strict_ampersand: bool = True,
        strict_chats: bool = False,
        hang_seconds: float = 30.0,
        max_long_poll: float = 50.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.spec = BotApiSpec.load(spec_path)
        self.rate_limits = rate_limits
        self.latency_ms = latency_ms
        self.strict_ampersand = strict_ampersand
        self.strict_chats = strict_chats
        self.hang_seconds = hang_seconds
        self.max_long_poll = max_long_poll
        self._clock = clock
        self._host = host
        self._port = port
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 7000000001
        self.bot = FakeUser(bot_id, bot_first_name, username=bot_username, language_code=None,
                            is_bot=True)
        self._bot_from = self.bot.to_dict()

        # recorded traffic
        self.requests: list[RecordedRequest] = []
        self.violations: list[str] = []
        self.sent_messages: list[BotMessage] = []
        self.accepted_sends: list[AcceptedSend] = []
        self.too_many_requests = 0
        self.hung_requests = 0
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.downloads: list[str] = []
        self.updates: list[dict[str, Any]] = []  # every update ever queued
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook_url = ""
        # Webhook mode (setWebhook): updates are POSTed to webhook_url with the secret header,
        # one at a time, retried until the bot answers 2xx; each answer's status is recorded.
        self.webhook_secret: str | None = None
        self.webhook_statuses: list[int] = []
        self._webhook_task: asyncio.Task[None] | None = None
        self.faults: list[Fault] = []

        # state
        self._users: dict[int, FakeUser] = {}
        self._chats: dict[int, FakeChat] = {}
        self._chat_messages: dict[int, list[BotMessage]] = {}
        self._bot_messages: dict[tuple[int, int], BotMessage] = {}
        self._user_messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._files: dict[str, FakeFile] = {}
        self._files_by_path: dict[str, FakeFile] = {}
        self._file_seq = 0
        self._callback_queries: dict[str, dict[str, Any]] = {}
        self._callback_seq = 0
        self._pending: list[dict[str, Any]] = []  # unconfirmed updates
        self._next_update_id = 1
        self._poll_waiter: asyncio.Future[str] | None = None
        self._waiters: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []
        self._wait_cursor: dict[int, int] = {}
        self._request_cursor: dict[str, int] = {}
        self._global_window: deque[float] = deque()
        self._chat_windows: dict[int, deque[float]] = {}
        self._group_windows: dict[int, deque[float]] = {}
        self._stopping: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._handlers: dict[str, Callable[[_Call], Any]] = {
            "getMe": lambda call: self._get_me(),
            "logOut": lambda call: True,
            "close": lambda call: True,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "getFile": self._get_file,
            "getChat": self._get_chat,
            "leaveChat": self._leave_chat,
            "getChatMember": self._get_chat_member,
            "getChatAdministrators": self._get_chat_administrators,
            "getChatMemberCount": self._get_chat_member_count,
            "sendMediaGroup": self._send_media_group,
            "copyMessage": lambda call: {"message_id": self._require_chat(call).next_message_id()},
        }
        for name in _MEDIA_METHODS:
            self._handlers[name] = self._send_media
        self._rate_limited = frozenset(
            name for name in self.spec.methods
            if (name.startswith("send") and name not in RATE_LIMITED_EXCLUDED)
            or name in ("copyMessage", "copyMessages", "forwardMessage", "forwardMessages")
        )

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> FakeTelegramServer:
        app = web.Application(client_max_size=UPLOAD_LIMIT + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        app.router.add_get("/_fake/stats", self._handle_stats)
        app.router.add_post("/_fake/script", self._handle_script)
        self._stopping = asyncio.Event()
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        address = self._runner.addresses[0]
        self._port = int(address[1])
        return self

    async def stop(self) -> None:
        if self._stopping is not None:
            self._stopping.set()
        self._wake_poller("stop")
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegramServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self._port}"

    @property
    def api_base_url(self) -> str:
        return f"{self.base_url}/bot"

    @property
    def file_base_url(self) -> str:
        return f"{self.base_url}/file/bot"

    def method_url(self, method: str, token: str | None = None) -> str:
        return f"{self.api_base_url}{token or self.token}/{method}"

    def application_builder(self) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
        """A PTB ApplicationBuilder with token and both base URLs pointing here."""
        from telegram.ext import ApplicationBuilder

        return (ApplicationBuilder().token(self.token).base_url(self.api_base_url)
                .base_file_url(self.file_base_url))

    # ------------------------------------------------------------------ scripted users

    def user(self, user_id: int, first_name: str = "Người dùng", last_name: str | None = None,
             username: str | None = None, language_code: str | None = "vi") -> FakeUser:
        """Registers a user (and the private chat with the bot, chat_id == user_id)."""
        user = FakeUser(user_id, first_name, last_name, username, language_code)
        self._users[user_id] = user
        chat = self._chats.get(user_id)
        if chat is None or chat.type != "private":
            self._chats[user_id] = FakeChat(user_id, "private", username=username,
                                            first_name=first_name, last_name=last_name)
        return user

    def group(self, chat_id: int, title: str, *, supergroup: bool = False,
              admins: Iterable[int | FakeUser] = (), creator: int | FakeUser | None = None,
              members: Iterable[int | FakeUser] = (), username: str | None = None) -> FakeChat:
        """Registers a group chat (chat_id must be negative) the bot is a member of."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative (e.g. -1001234567890)")
        ids = {m.id if isinstance(m, FakeUser) else m for m in members}
        admin_ids = {a.id if isinstance(a, FakeUser) else a for a in admins}
        creator_id = creator.id if isinstance(creator, FakeUser) else creator
        chat = FakeChat(chat_id, "supergroup" if supergroup else "group", title=title,
                        username=username, admins=admin_ids, creator=creator_id,
                        members=ids | admin_ids | ({creator_id} if creator_id else set()))
        self._chats[chat_id] = chat
        return chat

    def chat(self, chat: int | str | FakeChat | FakeUser) -> FakeChat:
        """The chat for an id (auto-created like the real chat would exist), user or chat."""
        if isinstance(chat, FakeChat):
            return chat
        if isinstance(chat, FakeUser):
            chat = chat.id
        found = self._find_chat(chat)
        if found is None:
            if isinstance(chat, str) and not chat.lstrip("-").isdigit():
                raise KeyError(f"unknown chat {chat!r}")
            found = self._auto_chat(int(chat))
        return found

    def push_update(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Queues a raw update (update_id is assigned) for getUpdates."""
        update = {"update_id": self._next_update_id, **body}
        self._next_update_id += 1
        self._pending.append(update)
        self.updates.append(update)
        self._wake_poller("update")
        self._wake_webhook()
        return update

    def redeliver(self, update: Mapping[str, Any]) -> None:
        """Queues an update again under its own update_id, as Telegram does when a bot died
        before confirming it (getUpdates offset) or a webhook call was not answered 2xx."""
        self._pending.append(dict(update))
        self._pending.sort(key=lambda u: u["update_id"])
        self._wake_poller("update")
        self._wake_webhook()

    def send_text(self, user: FakeUser | int, text: str,
                  chat: FakeChat | int | None = None, *,
                  reply_to: BotMessage | Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The user writes ``text``; /commands get bot_command entities. Returns the Message."""
        content: dict[str, Any] = {"text": text}
        entities = _command_entities(text)
        if entities:
            content["entities"] = entities
        return self._user_message(user, chat, content, reply_to)

    def send_photo(self, user: FakeUser | int, data: bytes, caption: str | None = None,
                   chat: FakeChat | int | None = None) -> dict[str, Any]:
        """The user sends a photo; the bot can getFile + download the bytes."""
        width, height = _image_size(data)
        big = self._store_file(data, "photos", ".jpg", None, "image/jpeg", width=width,
                               height=height)
        scale = max(width, height) / 90 if max(width, height) > 90 else 1.0
        thumb = self._store_file(data, "photos", ".jpg", None, "image/jpeg",
                                 width=max(1, round(width / scale)),
                                 height=max(1, round(height / scale)))
        sizes = [
            {**f.file_dict(), "width": f.width, "height": f.height} for f in (thumb, big)
        ]
        content: dict[str, Any] = {"photo": sizes}
        self._add_caption(content, caption)
        return self._user_message(user, chat, content, None)

    def send_document(self, user: FakeUser | int, data: bytes, file_name: str,
                      mime_type: str | None = None, caption: str | None = None,
                      chat: FakeChat | int | None = None,
                      declared_size: int | None = None) -> dict[str, Any]:
        """The user sends a file. ``declared_size`` fakes a bigger file_size (e.g. 25 MB) than
        the bytes given; getFile then refuses sizes over 20 MB like Telegram."""
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        suffix = Path(file_name).suffix if re.fullmatch(r"\.\w{1,8}", Path(file_name).suffix) \
            else ""
        stored = self._store_file(data, "documents", suffix, file_name, mime,
                                  declared_size=declared_size)
        document = {**stored.file_dict(), "file_name": file_name, "mime_type": mime}
        content: dict[str, Any] = {"document": document}
        self._add_caption(content, caption)
        return self._user_message(user, chat, content, None)

    def press_button(self, user: FakeUser | int, message: BotMessage, callback_data: str, *,
                     check: bool = True) -> str:
        """The user presses an inline button of a bot message; returns the callback query id.

        With ``check`` the callback_data must be on the message's current keyboard."""
        if message.deleted:
            raise AssertionError(f"{message!r} was deleted; its buttons can't be pressed")
        if check and callback_data not in [b.callback_data for b in message.buttons()]:
            raise AssertionError(f"{callback_data!r} is not a button of {message!r}; buttons: "
                                 f"{[(b.text, b.callback_data) for b in message.buttons()]}")
        sender = self._as_user(user)
        self._callback_seq += 1
        query_id = f"{self.bot.id}{self._callback_seq:08d}"
        query = {
            "id": query_id,
            "from": sender.to_dict(),
            "message": json.loads(json.dumps(message.payload)),
            "chat_instance": str(abs(hash(("chat", message.chat_id))) % 10**18),
            "data": callback_data,
        }
        self._callback_queries[query_id] = query
        self.push_update({"callback_query": query})
        return query_id

    def click(self, user: FakeUser | int, message: BotMessage, label: str) -> str:
        """press_button on the one button whose label contains ``label``."""
        return self.press_button(user, message, message.button_data(label))

    # ------------------------------------------------------------------ recorded output

    def messages_to(self, chat: int | str | FakeChat | FakeUser) -> list[BotMessage]:
        """Every message the bot sent to the chat (edits applied, deleted ones flagged)."""
        key = self._chat_key(chat)
        return list(self._chat_messages.get(key, ()))

    def last_message(self, chat: int | str | FakeChat | FakeUser) -> BotMessage | None:
        messages = self._chat_messages.get(self._chat_key(chat))
        return messages[-1] if messages else None

    def requests_for(self, method: str) -> list[RecordedRequest]:
        spec = self.spec.method(method)
        name = spec.name if spec else method
        return [r for r in self.requests if r.method == name]

    @property
    def errors(self) -> list[str]:
        """Every request answered with an error (violations, faults, 429, state errors); requests
        whose client had already disconnected (status 499) are left out."""
        return [f"{r.method}: {r.status} {r.description}" for r in self.requests
                if r.status not in (0, 200, CLIENT_GONE)]

    def assert_no_violations(self) -> None:
        if self.violations:
            listing = "\n  ".join(self.violations)
            raise AssertionError(f"{len(self.violations)} Bot API violation(s):\n  {listing}")

    def diagnostics(self, last: int = 15) -> str:
        lines = [f"last {min(last, len(self.requests))} of {len(self.requests)} requests:"]
        for r in self.requests[-last:]:
            summary = ", ".join(f"{k}={v!r:.40}" for k, v in r.params.items())
            outcome = "ok" if r.ok else f"{r.status} {r.description}"
            lines.append(f"  {r.method}({summary}) -> {outcome}")
        if self.violations:
            lines.append("violations:")
            lines.extend(f"  {v}" for v in self.violations[-10:])
        return "\n".join(lines)

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float = 5.0, *,
                       what: str | None = None) -> T:
        """Waits until ``predicate()`` is truthy (re-checked after every request); returns it."""
        value = predicate()
        if value:
            return value
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        entry = (predicate, future)
        self._waiters.append(entry)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise FakeTimeout(f"timed out after {timeout}s waiting for {what or predicate}\n"
                              f"{self.diagnostics()}") from None
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(entry)

    async def wait_for_messages(self, chat: int | str | FakeChat | FakeUser, count: int = 1,
                                timeout: float = 5.0) -> list[BotMessage]:
        """The next ``count`` bot messages to the chat not returned by an earlier wait for that
        chat (exactly ``count``, so the result does not depend on timing; the first wait starts
        from the chat's first message). Raises FakeTimeout with diagnostics."""
        key = self._chat_key(chat)
        start = self._wait_cursor.get(key, 0)
        await self.wait_for(lambda: len(self._chat_messages.get(key, ())) >= start + count,
                            timeout, what=f"{count} new message(s) to chat {key}")
        self._wait_cursor[key] = start + count
        return self._chat_messages[key][start:start + count]

    async def wait_for_request(self, method: str,
                               where: Callable[[RecordedRequest], bool] | None = None,
                               timeout: float = 5.0) -> RecordedRequest:
        """The next answered request of ``method`` (after the one this returned last time)."""
        spec = self.spec.method(method)
        name = spec.name if spec else method

        def find() -> RecordedRequest | None:
            for index in range(self._request_cursor.get(name, 0), len(self.requests)):
                r = self.requests[index]
                if r.method == name and r.status and (where is None or where(r)):
                    self._request_cursor[name] = index + 1
                    return r
            return None

        return await self.wait_for(find, timeout, what=f"a {name} request")

    async def wait_for_callback_answer(self, query_id: str,
                                       timeout: float = 5.0) -> dict[str, Any]:
        return await self.wait_for(lambda: self.callback_answers.get(query_id), timeout,
                                   what=f"answerCallbackQuery({query_id})")

    # ------------------------------------------------------------------ faults

    def inject_fault(self, *, status: int = 500, description: str = "Internal Server Error",
                     chat_id: int | str | None = None, method: str | None = None,
                     times: int | None = None, hang: bool = False,
                     retry_after: int | None = None) -> Fault:
        fault = Fault(status, description, chat_id, method, times, hang, retry_after)
        self.faults.append(fault)
        return fault

    def block_chat(self, chat_id: int | str, times: int | None = None) -> Fault:
        """The user blocked the bot: 403 "Forbidden: bot was blocked by the user"."""
        return self.inject_fault(status=403, description="Forbidden: bot was blocked by the user",
                                 chat_id=chat_id, times=times)

    def chat_not_found(self, chat_id: int | str, times: int | None = None) -> Fault:
        return self.inject_fault(status=400, description="Bad Request: chat not found",
                                 chat_id=chat_id, times=times)

    def hang_requests(self, *, chat_id: int | str | None = None, method: str | None = None,
                      times: int | None = None) -> Fault:
        """Matching requests are not answered until stop() or ``hang_seconds``."""
        return self.inject_fault(status=504, description="Gateway Timeout", chat_id=chat_id,
                                 method=method, times=times, hang=True)

    def remove_fault(self, fault: Fault) -> None:
        with contextlib.suppress(ValueError):
            self.faults.remove(fault)

    def clear_faults(self) -> None:
        self.faults.clear()

    # ------------------------------------------------------------------ rate limits

    def limit_violations(self, limits: RateLimits | None = None) -> int:
        """How many accepted sends broke a flood limit, recomputed from their timestamps."""
        return self.limit_violation_details(limits)["total"]

    def limit_violation_details(self, limits: RateLimits | None = None) -> dict[str, int]:
        limits = limits or self.rate_limits or RateLimits()
        sends = sorted(self.accepted_sends, key=lambda s: s.time)
        bad: set[int] = set()
        details = {"global": 0, "per_chat": 0, "per_group": 0}

        def scan(indices: list[int], window: float, limit: int | None, key: str) -> None:
            if limit is None:
                return
            low = 0
            for k, index in enumerate(indices):
                now = sends[index].time
                while sends[indices[low]].time <= now - window:
                    low += 1
                if k - low + 1 > limit:
                    details[key] += 1
                    bad.add(index)

        scan(list(range(len(sends))), 1.0, limits.global_per_sec, "global")
        by_chat: dict[int, list[int]] = {}
        for index, send in enumerate(sends):
            by_chat.setdefault(send.chat_id, []).append(index)
        for indices in by_chat.values():
            scan(indices, 1.0, limits.per_chat_per_sec, "per_chat")
            if sends[indices[0]].group:
                scan(indices, 60.0, limits.per_group_per_min, "per_group")
        return {**details, "total": len(bad)}

    def stats(self) -> dict[str, Any]:
        return {
            "requests": len(self.requests),
            "violations": len(self.violations),
            "accepted_sends": len(self.accepted_sends),
            "too_many_requests": self.too_many_requests,
            "hung_requests": self.hung_requests,
            "limit_violations": self.limit_violation_details(),
            "messages": len(self.sent_messages),
            "errors": len(self.errors),
        }

    def _rate_wait(self, chat: FakeChat, now: float) -> float | None:
        """Seconds until this send would be within every limit; None when it is now."""
        limits = self.rate_limits
        assert limits is not None
        waits = []
        checks: list[tuple[deque[float], float, int | None]] = [
            (self._global_window, 1.0, limits.global_per_sec),
            (self._chat_windows.setdefault(chat.id, deque()), 1.0, limits.per_chat_per_sec),
        ]
        if chat.is_group:
            checks.append((self._group_windows.setdefault(chat.id, deque()), 60.0,
                           limits.per_group_per_min))
        for window, span, limit in checks:
            if limit is None:
                continue
            while window and window[0] <= now - span:
                window.popleft()
            if len(window) >= limit:
                waits.append(window[len(window) - limit] + span - now)
        return max(waits) if waits else None

    def _accept_send(self, chat: FakeChat, method: str, now: float) -> None:
        self.accepted_sends.append(AcceptedSend(now, chat.id, chat.is_group, method))
        if self.rate_limits is not None:
            self._global_window.append(now)
            self._chat_windows.setdefault(chat.id, deque()).append(now)
            if chat.is_group:
                self._group_windows.setdefault(chat.id, deque()).append(now)

    # ------------------------------------------------------------------ HTTP

    async def _read(self, request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        params: dict[str, Any] = dict(request.query) if request.query_string else {}
        files: dict[str, UploadedFile] = {}
        if request.method != "POST" or not request.body_exists:
            return params, files
        ctype = request.content_type
        if ctype == "application/json":
            body = await request.read()
            if body.strip():
                data = json.loads(body)
                if not isinstance(data, dict):
                    raise ValueError("JSON body must be an object")
                params.update(data)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(key, value.filename, value.content_type,
                                              value.file.read())
                else:
                    params[key] = value
        elif await request.read():
            raise ValueError(f"unsupported Content-Type {ctype!r}")
        return params, files

    async def _handle_api(self, request: web.Request) -> web.Response:
        name = request.match_info["method"]
        spec = self.spec.method(name)
        record = RecordedRequest(spec.name if spec else name, {}, self._clock(), request.method)
        self.requests.append(record)
        try:
            try:
                params, files = await self._read(request)
            except web.HTTPRequestEntityTooLarge:
                raise ApiError(413, "Request Entity Too Large", violation=True,
                               detail=f"upload over {UPLOAD_LIMIT} bytes") from None
            except (ValueError, web.HTTPException) as error:
                raise ApiError(400, "Bad Request: can't parse request body", violation=True,
                               detail=str(error)) from None
            record.params = params
            result = await self._process(record, request.match_info["token"], spec, params,
                                         files)
            record.status = 200
            record.result = result
            response = web.Response(text=json.dumps({"ok": True, "result": result}),
                                    content_type="application/json")
        except ApiError as error:
            response = self._error_response(record, error)
        except Exception as error:  # a bug in the fake itself: make it loud, not a hang
            logger.exception("fake Telegram server failed on %s", record.method)
            response = self._error_response(record, ApiError(
                500, "Internal Server Error", violation=True,
                detail=f"FAKE SERVER BUG {type(error).__name__}: {error}"))
        if request.transport is None or request.transport.is_closing():
            # The client gave up (timeout, cancelled long poll): nobody reads this answer.
            record.status = CLIENT_GONE
            record.description = "client closed the connection before the answer"
        self._notify()
        return response

    def _error_response(self, record: RecordedRequest, error: ApiError) -> web.Response:
        record.status = error.status
        record.description = error.description
        if error.violation:
            detail = f" — {error.detail}" if error.detail else ""
            self.violations.append(f"{record.method}: {error.description}{detail}")
        body: dict[str, Any] = {"ok": False, "error_code": error.status,
                                "description": error.description}
        if error.parameters:
            body["parameters"] = error.parameters
        return web.Response(text=json.dumps(body), status=error.status,
                            content_type="application/json")

    async def _process(self, record: RecordedRequest, token: str, spec: MethodSpec | None,
                       raw: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        if self.latency_ms and record.method != "getUpdates":
            await asyncio.sleep(self.latency_ms / 1000)
        if token != self.token:
            raise ApiError(401, "Unauthorized", violation=True,
                           detail=f"token {token[:12]}… is not the fake bot's token")
        if spec is None:
            raise ApiError(404, "Not Found", violation=True,
                           detail=f"no Bot API method {record.method!r}")
        validation = self.spec.validate(spec, raw, files, strict_ampersand=self.strict_ampersand)
        params = validation.params
        record.params = params
        if validation.problems:
            raise ApiError(400, validation.problems[0].description, violation=True,
                           detail="; ".join(p.detail for p in validation.problems))
        if spec.name == "getUpdates":
            return await self._get_updates(params)
        for fault in self.faults:
            if fault.matches(spec.name, params):
                fault.hits += 1
                await self._fault(fault)
        chat = self._target_chat(spec, params)
        limited = chat is not None and spec.name in self._rate_limited
        now = self._clock()
        if limited and self.rate_limits is not None:
            assert chat is not None
            wait = self._rate_wait(chat, now)
            if wait is not None:
                self.too_many_requests += 1
                retry = max(1, math.ceil(wait))
                raise ApiError(429, f"Too Many Requests: retry after {retry}",
                               parameters={"retry_after": retry})
        handler = self._handlers.get(spec.name, self._generic)
        result = handler(_Call(spec, params, chat, validation.parsed, record, files))
        if limited:
            assert chat is not None
            self._accept_send(chat, spec.name, now)
        return result

    async def _fault(self, fault: Fault) -> None:
        if fault.hang:
            self.hung_requests += 1
            assert self._stopping is not None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.hang_seconds)
        parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
        raise ApiError(fault.status, fault.description, parameters=parameters)

    async def _handle_file(self, request: web.Request) -> web.Response:
        path = request.match_info["file_path"]
        stored = self._files_by_path.get(path)
        if request.match_info["token"] != self.token or stored is None:
            self.violations.append(f"file download: no file at {path!r} for this token")
            return web.Response(status=404, text=json.dumps(
                {"ok": False, "error_code": 404, "description": "Not Found"}),
                content_type="application/json")
        self.downloads.append(path)
        self._notify()
        return web.Response(body=stored.data,
                            content_type=stored.mime_type or "application/octet-stream")

    async def _handle_stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats())

    async def _handle_script(self, request: web.Request) -> web.Response:
        """For a fake in its own process: users write `text`, `count` times round-robin (or,
        with `texts`, user i writes texts[i])."""
        body = await request.json()
        users = [self.user(int(uid), f"Người dùng {uid}") for uid in body["users"]]
        texts = [str(t) for t in body.get("texts") or [body["text"]]]
        for i in range(int(body.get("count", 1))):
            self.send_text(users[i % len(users)], texts[i % len(users) % len(texts)])
        return web.json_response({"ok": True})

    # ------------------------------------------------------------------ internals

    def _notify(self) -> None:
        if not self._waiters:
            return
        for predicate, future in list(self._waiters):
            if future.done():
                continue
            try:
                value = predicate()
            except Exception as error:  # surface assertion errors etc. in the waiting test
                future.set_exception(error)
                continue
            if value:
                future.set_result(value)

    def _wake_poller(self, reason: str) -> None:
        waiter = self._poll_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(reason)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = params.get("offset")
        if offset is not None:
            if offset < 0:
                self._pending = self._pending[offset:]
            else:
                self._pending = [u for u in self._pending if u["update_id"] >= offset]
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = min(float(params.get("timeout", 0)), self.max_long_poll)
        self._wake_poller("conflict")
        if not self._pending and timeout > 0 and not (self._stopping and self._stopping.is_set()):
            waiter: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            self._poll_waiter = waiter
            try:
                done, _ = await asyncio.wait({waiter}, timeout=timeout)
            finally:
                if self._poll_waiter is waiter:
                    self._poll_waiter = None
            if done and waiter.result() == "conflict":
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure "
                                    "that only one bot instance is running")
        return self._pending[:limit]

    def _find_chat(self, chat_id: int | str) -> FakeChat | None:
        if isinstance(chat_id, int):
            return self._chats.get(chat_id)
        if chat_id.lstrip("-").isdigit():
            return self._chats.get(int(chat_id))
        name = chat_id.lstrip("@").lower()
        for chat in self._chats.values():
            if chat.username and chat.username.lower() == name:
                return chat
        return None

    def _auto_chat(self, chat_id: int) -> FakeChat:
        if chat_id > 0:
            chat = FakeChat(chat_id, "private", first_name=f"User {chat_id}")
        else:
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            chat = FakeChat(chat_id, kind, title=f"Group {chat_id}")
        self._chats[chat_id] = chat
        return chat

    def _chat_key(self, chat: int | str | FakeChat | FakeUser) -> int:
        if isinstance(chat, FakeChat | FakeUser):
            return chat.id
        if isinstance(chat, int):
            return chat
        found = self._find_chat(chat)
        if found is None:
            return int(chat)
        return found.id

    def _target_chat(self, spec: MethodSpec, params: dict[str, Any]) -> FakeChat | None:
        chat_id = params.get("chat_id")
        if chat_id is None or "chat_id" not in spec.fields:
            return None
        chat = self._find_chat(chat_id)
        if chat is None:
            numeric = isinstance(chat_id, int) or str(chat_id).lstrip("-").isdigit()
            if self.strict_chats or not numeric or int(chat_id) == 0:
                raise ApiError(400, "Bad Request: chat not found")
            chat = self._auto_chat(int(chat_id))
        if chat.bot_left and spec.name in self._rate_limited:
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        return chat

    def _require_chat(self, call: _Call) -> FakeChat:
        if call.chat is None:
            raise ApiError(400, "Bad Request: chat_id is empty", violation=True)
        return call.chat

    def _as_user(self, user: FakeUser | int) -> FakeUser:
        if isinstance(user, FakeUser):
            return user
        return self._users.get(user) or self.user(user)

    def _store_file(self, data: bytes, folder: str, suffix: str, file_name: str | None,
                    mime_type: str | None, *, declared_size: int | None = None,
                    width: int | None = None, height: int | None = None) -> FakeFile:
        self._file_seq += 1
        n = self._file_seq
        prefix = {"photos": "AgAC", "documents": "BQAC"}.get(folder, "CAAC")
        stored = FakeFile(
            file_id=f"{prefix}FakeFile{n:06d}",
            file_unique_id=f"AQADFake{n:06d}",
            data=data,
            file_size=declared_size if declared_size is not None else len(data),
            file_path=f"{folder}/file_{n}{suffix}",
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _add_caption(self, content: dict[str, Any], caption: str | None) -> None:
        if caption:
            content["caption"] = caption
            entities = _command_entities(caption)
            if entities:
                content["caption_entities"] = entities

    def _user_message(self, user: FakeUser | int, chat: FakeChat | int | None,
                      content: dict[str, Any],
                      reply_to: BotMessage | Mapping[str, Any] | None) -> dict[str, Any]:
        sender = self._as_user(user)
        target = self.chat(chat) if chat is not None else self.chat(sender.id)
        if target.is_group:
            target.members.add(sender.id)
        message: dict[str, Any] = {
            "message_id": target.next_message_id(),
            "from": sender.to_dict(),
            "chat": target.to_dict(),
            "date": int(time.time()),
            **content,
        }
        if reply_to is not None:
            message["reply_to_message"] = (reply_to.payload if isinstance(reply_to, BotMessage)
                                           else dict(reply_to))
        self._user_messages[(target.id, message["message_id"])] = message
        self.push_update({"message": message})
        return message

    def _find_message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        bot = self._bot_messages.get((chat_id, message_id))
        if bot is not None and not bot.deleted:
            return bot.payload
        return self._user_messages.get((chat_id, message_id))

    def _new_message(self, call: _Call, content: dict[str, Any], file: FakeFile | None = None,
                     raw_text: str | None = None) -> dict[str, Any]:
        chat = self._require_chat(call)
        params = call.params
        payload: dict[str, Any] = {
            "message_id": chat.next_message_id(),
            "from": self._bot_from,
            "chat": chat.to_dict(),
            "date": int(time.time()),
            **content,
        }
        reply = params.get("reply_parameters")
        if isinstance(reply, dict) and "message_id" in reply:
            replied = self._find_message(chat.id, reply["message_id"])
            if replied is not None:
                payload["reply_to_message"] = {k: v for k, v in replied.items()
                                               if k != "reply_to_message"}
            elif not reply.get("allow_sending_without_reply"):
                chat.last_message_id -= 1
                raise ApiError(400, "Bad Request: message to be replied not found")
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            payload["reply_markup"] = markup
        if params.get("has_spoiler"):
            payload["has_media_spoiler"] = True
        raw = raw_text or (params.get("text") if "text" in content else params.get("caption"))
        message = BotMessage(chat.id, payload["message_id"], call.spec.name, payload, params,
                             call.record.time, file, raw if isinstance(raw, str) else None)
        self._bot_messages[(chat.id, message.message_id)] = message
        self._chat_messages.setdefault(chat.id, []).append(message)
        self.sent_messages.append(message)
        return payload

    @staticmethod
    def _text_content(parsed: Parsed | None, params: dict[str, Any], key: str) -> dict[str, Any]:
        if parsed is None:
            return {}
        entities_key = "entities" if key == "text" else "caption_entities"
        content: dict[str, Any] = {key: parsed.text}
        if parsed.entities:
            content[entities_key] = parsed.entities
        elif params.get(entities_key):
            content[entities_key] = params[entities_key]
        return content

    def _incoming_file(self, value: Any, folder: str, default_name: str) -> FakeFile:
        if isinstance(value, UploadedFile):
            if not value.data:
                raise ApiError(400, "Bad Request: file must be non-empty", violation=True,
                               detail=f"empty upload {value.filename!r}")
            limit = PHOTO_UPLOAD_LIMIT if folder == "photos" else UPLOAD_LIMIT
            if len(value.data) > limit:
                raise ApiError(400, "Bad Request: file is too big", violation=True,
                               detail=f"{len(value.data)} bytes > {limit}")
            name = value.filename or default_name
            mime = mimetypes.guess_type(name)[0] or value.content_type or \
                "application/octet-stream"
            suffix = Path(name).suffix if re.fullmatch(r"\.\w{1,8}", Path(name).suffix) else ""
            if folder == "photos":
                width, height = _image_size(value.data)
                return self._store_file(value.data, folder, ".jpg", None, "image/jpeg",
                                        width=width, height=height)
            return self._store_file(value.data, folder, suffix, name, mime)
        if isinstance(value, str):
            known = self._files.get(value)
            if known is not None:
                return known
            if value.startswith(("http://", "https://")):
                name = value.rsplit("/", 1)[-1] or default_name
                return self._store_file(b"", folder, "", name,
                                        mimetypes.guess_type(name)[0])
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    # ------------------------------------------------------------------ method handlers

    def _get_me(self) -> dict[str, Any]:
        me = {**self._bot_from, "can_join_groups": True, "can_read_all_group_messages": False,
              "supports_inline_queries": False, "can_connect_to_business": False,
              "has_main_web_app": False}
        fields = self.spec.types["User"].fields if "User" in self.spec.types else me
        return {k: v for k, v in me.items() if k in fields}

    def _set_webhook(self, call: _Call) -> bool:
        self.webhook_url = call.params.get("url", "")
        self.webhook_secret = call.params.get("secret_token")
        if call.params.get("drop_pending_updates"):
            self._pending.clear()
        self._wake_webhook()
        return True

    def _wake_webhook(self) -> None:
        if not self.webhook_url or not self._pending:
            return
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_webhook())

    async def _deliver_webhook(self) -> None:
        """Like Telegram: the oldest pending update first, redelivered until 2xx."""
        async with aiohttp.ClientSession() as session:
            while self.webhook_url and self._pending:
                if self._stopping is not None and self._stopping.is_set():
                    return
                update = self._pending[0]
                headers = {}
                if self.webhook_secret:
                    headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
                try:
                    async with session.post(self.webhook_url, json=update,
                                            headers=headers) as response:
                        status = response.status
                except aiohttp.ClientError:
                    status = 0
                self.webhook_statuses.append(status)
                if 200 <= status < 300:
                    if self._pending and self._pending[0] is update:
                        self._pending.pop(0)
                else:
                    await asyncio.sleep(0.05)

    def _delete_webhook(self, call: _Call) -> bool:
        self.webhook_url = ""
        self.webhook_secret = None
        if call.params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    def _get_webhook_info(self, call: _Call) -> dict[str, Any]:
        return {"url": self.webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self._pending)}

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get("language_code") or ""

    def _set_my_commands(self, call: _Call) -> bool:
        self.commands[self._commands_key(call.params)] = list(call.params["commands"])
        return True

    def _get_my_commands(self, call: _Call) -> list[dict[str, Any]]:
        return self.commands.get(self._commands_key(call.params), [])

    def _delete_my_commands(self, call: _Call) -> bool:
        self.commands.pop(self._commands_key(call.params), None)
        return True

    def _send_message(self, call: _Call) -> dict[str, Any]:
        return self._new_message(call, self._text_content(call.parsed.get("text"), call.params,
                                                          "text"))

    def _send_document(self, call: _Call) -> dict[str, Any]:
        self._require_chat(call)
        stored = self._incoming_file(call.params["document"], "documents", "document")
        document = {**stored.file_dict()}
        if stored.file_name:
            document["file_name"] = stored.file_name
        if stored.mime_type:
            document["mime_type"] = stored.mime_type
        content = {"document": document,
                   **self._text_content(call.parsed.get("caption"), call.params, "caption")}
        return self._new_message(call, content, stored)

    def _send_photo(self, call: _Call) -> dict[str, Any]:
        self._require_chat(call)
        stored = self._incoming_file(call.params["photo"], "photos", "photo.jpg")
        width, height = stored.width or 800, stored.height or 600
        scale = max(width, height) / 90 if max(width, height) > 90 else 1.0
        sizes = [
            {**stored.file_dict(), "file_id": stored.file_id + "-s",
             "width": max(1, round(width / scale)), "height": max(1, round(height / scale))},
            {**stored.file_dict(), "width": width, "height": height},
        ]
        content = {"photo": sizes,
                   **self._text_content(call.parsed.get("caption"), call.params, "caption")}
        return self._new_message(call, content, stored)

    def _send_media(self, call: _Call) -> dict[str, Any]:
        self._require_chat(call)
        key, type_name = _MEDIA_METHODS[call.spec.name]
        stored = self._incoming_file(call.params[key], key + "s", key)
        media = {**self.spec.minimal(type_name), **stored.file_dict()}
        content = {key: media,
                   **self._text_content(call.parsed.get("caption"), call.params, "caption")}
        return self._new_message(call, content, stored)

    def _send_media_group(self, call: _Call) -> list[dict[str, Any]]:
        self._require_chat(call)
        items = call.params["media"]
        if not 2 <= len(items) <= 10:
            raise ApiError(400, "Bad Request: wrong number of media in the album", violation=True,
                           detail=f"{len(items)} items, allowed 2-10")
        sent = []
        for item in items:
            media = item.get("media", "")
            if isinstance(media, str) and media.startswith("attach://"):
                media = call.files[media[len("attach://"):]]
            kind = item.get("type", "document")
            stored = self._incoming_file(media, "photos" if kind == "photo" else kind + "s", kind)
            if kind == "photo":
                body: Any = [{**stored.file_dict(), "width": stored.width or 800,
                              "height": stored.height or 600}]
            elif kind == "document":
                body = {**stored.file_dict(), "file_name": stored.file_name or "document",
                        "mime_type": stored.mime_type or "application/octet-stream"}
            else:
                type_name = kind.title().replace("_", "")  # video → Video, live_photo → LivePhoto
                body = {**self.spec.minimal(type_name), **stored.file_dict()}
            content: dict[str, Any] = {kind: body}
            if isinstance(item.get("caption"), str):
                try:
                    parsed = parse_formatted(item["caption"], item.get("parse_mode"),
                                             strict_ampersand=self.strict_ampersand)
                except (ParseError, ValueError):  # already reported by validation
                    parsed = Parsed(item["caption"])
                content.update(self._text_content(parsed, item, "caption"))
            sent.append(self._new_message(call, content, stored, item.get("caption")))
        return sent

    def _send_chat_action(self, call: _Call) -> bool:
        self._require_chat(call)
        if call.params["action"] not in CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request", violation=True,
                           detail=f"action {call.params['action']!r}")
        return True

    def _editable(self, call: _Call) -> BotMessage | None:
        """The bot message an edit targets; None for inline messages (answered True)."""
        params = call.params
        if params.get("inline_message_id"):
            return None
        if call.chat is None or params.get("message_id") is None:
            raise ApiError(400, "Bad Request: message identifier is not specified",
                           violation=True, detail="need chat_id+message_id or inline_message_id")
        message = self._bot_messages.get((call.chat.id, params["message_id"]))
        if message is None or message.deleted:
            if (call.chat.id, params["message_id"]) in self._user_messages:
                raise ApiError(400, "Bad Request: message can't be edited")
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    @staticmethod
    def _apply_edit(message: BotMessage, changes: dict[str, Any], drop: Iterable[str],
                    markup: dict[str, Any] | None) -> dict[str, Any]:
        new = {k: v for k, v in message.payload.items()
               if k not in drop and k not in ("reply_markup", "edit_date")}
        new.update(changes)
        if markup is not None:
            new["reply_markup"] = markup
        old = {k: v for k, v in message.payload.items() if k != "edit_date"}
        if new == old:
            raise ApiError(400, _NOT_MODIFIED)
        new["edit_date"] = int(time.time())
        message.edits.append(message.payload)
        message.payload = new
        return new

    @staticmethod
    def _inline_markup(params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        return markup if isinstance(markup, dict) and "inline_keyboard" in markup else None

    def _edit_message_text(self, call: _Call) -> dict[str, Any] | bool:
        message = self._editable(call)
        if message is None:
            return True
        if "text" not in message.payload:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        content = self._text_content(call.parsed.get("text"), call.params, "text")
        result = self._apply_edit(message, content, ("text", "entities"),
                                  self._inline_markup(call.params))
        message.raw_text = call.params.get("text")
        return result

    def _edit_message_caption(self, call: _Call) -> dict[str, Any] | bool:
        message = self._editable(call)
        if message is None:
            return True
        if "text" in message.payload:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        content = self._text_content(call.parsed.get("caption"), call.params, "caption")
        result = self._apply_edit(message, content, ("caption", "caption_entities"),
                                  self._inline_markup(call.params))
        message.raw_text = call.params.get("caption")
        return result

    def _edit_message_reply_markup(self, call: _Call) -> dict[str, Any] | bool:
        message = self._editable(call)
        if message is None:
            return True
        return self._apply_edit(message, {}, (), self._inline_markup(call.params))

    def _delete_message(self, call: _Call) -> bool:
        chat = self._require_chat(call)
        key = (chat.id, call.params["message_id"])
        message = self._bot_messages.get(key)
        if message is not None and not message.deleted:
            message.deleted = True
            return True
        if self._user_messages.pop(key, None) is not None:
            return True
        raise ApiError(400, "Bad Request: message to delete not found")

    def _answer_callback_query(self, call: _Call) -> bool:
        query_id = call.params["callback_query_id"]
        if query_id not in self._callback_queries or query_id in self.callback_answers:
            raise ApiError(400, _QUERY_INVALID)
        self.callback_answers[query_id] = dict(call.params)
        return True

    def _get_file(self, call: _Call) -> dict[str, Any]:
        file_id = call.params["file_id"]
        stored = self._files.get(file_id) or self._files.get(file_id.removesuffix("-s"))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.file_size > GET_FILE_LIMIT:
            raise ApiError(400, "Bad Request: file is too big")
        return {**stored.file_dict(), "file_id": file_id, "file_path": stored.file_path}

    def _get_chat(self, call: _Call) -> dict[str, Any]:
        chat = self._require_chat(call)
        info = {**self.spec.minimal("ChatFullInfo"), **chat.to_dict(), "max_reaction_count": 11}
        fields = self.spec.types["ChatFullInfo"].fields
        return {k: v for k, v in info.items() if k in fields}

    def _leave_chat(self, call: _Call) -> bool:
        chat = self._require_chat(call)
        if not chat.is_group:
            raise ApiError(400, "Bad Request: chat member status can't be changed in private "
                                "chats")
        chat.bot_left = True
        return True

    def _member(self, chat: FakeChat, user_id: int) -> dict[str, Any]:
        user = self.bot if user_id == self.bot.id else self._users.get(user_id) \
            or FakeUser(user_id, f"User {user_id}")
        if chat.creator == user_id:
            return {"status": "creator", "user": user.to_dict(), "is_anonymous": False}
        if user_id in chat.admins:
            admin = self.spec.minimal("ChatMemberAdministrator")
            rights = {k: True for k, v in admin.items() if isinstance(v, bool)}
            return {**admin, **rights, "status": "administrator", "user": user.to_dict(),
                    "is_anonymous": False, "can_be_edited": False}
        if chat.bot_left and user_id == self.bot.id:
            return {"status": "left", "user": user.to_dict()}
        return {"status": "member", "user": user.to_dict()}

    def _get_chat_member(self, call: _Call) -> dict[str, Any]:
        return self._member(self._require_chat(call), call.params["user_id"])

    def _get_chat_administrators(self, call: _Call) -> list[dict[str, Any]]:
        chat = self._require_chat(call)
        ids = ([chat.creator] if chat.creator else []) + sorted(chat.admins)
        return [self._member(chat, user_id) for user_id in ids]

    def _get_chat_member_count(self, call: _Call) -> int:
        chat = self._require_chat(call)
        return 2 if chat.type == "private" else len(chat.members) + 1

    def _generic(self, call: _Call) -> Any:
        """Any other method: validated, then a plausible answer from its return type."""
        returns = call.spec.returns
        first = returns[0] if returns else "Boolean"
        if first in ("True", "Boolean") or "True" in returns or (
                "Boolean" in returns and (call.chat is None or call.spec.name.startswith("edit"))):
            return True
        if first == "Message":
            content = {**self._text_content(call.parsed.get("text"), call.params, "text"),
                       **self._text_content(call.parsed.get("caption"), call.params, "caption")}
            if not content:
                content = {"text": f"[{call.spec.name}]"}
            return self._new_message(call, content)
        if first == "MessageId":
            return {"message_id": self._require_chat(call).next_message_id()}
        if first == "Array of Message":
            items = call.params.get("media") or [{}]
            return [self._new_message(call, {"text": f"[{call.spec.name} {i}]"})
                    for i in range(len(items))]
        if first == "Array of MessageId":
            ids = call.params.get("message_ids") or []
            chat = self._require_chat(call)
            return [{"message_id": chat.next_message_id()} for _ in ids]
        if first == "User":
            return self._get_me()
        return self.spec.minimal(first)


# --------------------------------------------------------------------------- PTB helper


@contextlib.asynccontextmanager
async def run_polling(app: Application[Any, Any, Any, Any, Any, Any], *,
                      timeout: int = 1) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """initialize → start → updater.start_polling(poll_interval=0, timeout) … and back down."""
    await app.initialize()
    try:
        await app.start()
        assert app.updater is not None, "build the Application with an Updater"
        await app.updater.start_polling(poll_interval=0.0, timeout=timeout)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
    finally:
        await app.shutdown()


# --------------------------------------------------------------------------- CLI


async def _serve(args: argparse.Namespace) -> None:
    limits = None
    if args.rate_limits:
        g, c, m = (int(x) for x in args.rate_limits.split(","))
        limits = RateLimits(g, c, m)
    server = FakeTelegramServer(token=args.token, rate_limits=limits, latency_ms=args.latency_ms,
                                port=args.port, host=args.host)
    async with server:
        print(f"api_base_url={server.api_base_url}", flush=True)
        print(f"file_base_url={server.file_base_url}", flush=True)
        print(f"token={server.token}", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the fake Telegram Bot API server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--rate-limits", help="global/s,per-chat/s,per-group/min e.g. 30,1,20")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
