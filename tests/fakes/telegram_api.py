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
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.fakes.bot_api_spec import BotApiSpec, UploadedFile
from tests.fakes.telegram_http import HttpMixin
from tests.fakes.telegram_methods import MethodsMixin
from tests.fakes.telegram_model import (
    _MEDIA_METHODS,
    DEFAULT_TOKEN,
    RATE_LIMITED_EXCLUDED,
    UPLOAD_LIMIT,
    AcceptedSend,
    BotMessage,
    Button,
    FakeChat,
    FakeFile,
    FakeTimeout,
    FakeUser,
    Fault,
    RateLimits,
    RecordedRequest,
    _Call,
    find_buttons,
)
from tests.fakes.telegram_scripting import ScriptingMixin

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

logger = logging.getLogger("tests.fakes.telegram_api")


# --------------------------------------------------------------------------- the server


class FakeTelegramServer(ScriptingMixin, HttpMixin, MethodsMixin):
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
