"""The Zalo side of the shared scenarios: the real Zalo adapter (long polling or webhook)
against `tests.fakes.zalo_api.FakeZaloBotApi` on loopback, with the real router, database,
outbox sender and HTTP server (for photo links and file links)."""

from __future__ import annotations

import hashlib
import re
import socket
from pathlib import Path
from typing import Any

import pytest

from bot.app import App, build_app
from bot.http import WebServer, build_web_server
from bot.zalo_adapter import ZaloBot
from tests.e2e.scenarios import ADMIN, BotMessage, HandledUpdates, ScriptUser, seed
from tests.fakes.zalo_api import FakeZaloBotApi, Sent
from tests.support import make_settings
from texts import messages
from timelang.clock import FakeClock

WEBHOOK_SECRET = "zalo-webhook-secret-for-tests"
_MENU_LINE = re.compile(r"^(\d+)\. (.+)$")


def zalo_id(user: ScriptUser) -> str:
    """Zalo user ids are opaque hex strings."""
    return hashlib.sha1(user.key.encode()).hexdigest()[:20]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def to_bot_message(sent: Sent) -> BotMessage:
    """What the person sees; a numbered menu's lines become the options."""
    options: list[str] = []
    keys: list[str] = []
    lines = sent.text.split("\n")
    if lines and lines[-1] in (messages.NUMBERED_MENU_HINT, messages.NUMBERED_MENU_KEYED_HINT):
        # A menu's options follow the message's last blank line.
        body = lines[:-1]
        start = max((i for i, line in enumerate(body[:-1]) if not line.strip()), default=-1)
        numbered = [_MENU_LINE.match(line) for line in body[start + 1:]]
        options = [m.group(2) for m in numbered if m is not None]
        keys = [m.group(1) for m in numbered if m is not None]
        if lines[-1] == messages.NUMBERED_MENU_HINT:
            assert keys == [str(i) for i in range(1, len(options) + 1)], sent.text
    return BotMessage(text=sent.text, options=options, url=sent.photo_url, keys=keys)


class ZaloDriver(HandledUpdates):
    platform = "zalo"

    def __init__(self, app: App, fake: FakeZaloBotApi, bot: ZaloBot, web: WebServer,
                 clock: FakeClock, *, webhook: bool) -> None:
        self.app = app
        self.fake = fake
        self.bot = bot
        self.web = web
        self.clock = clock
        self.webhook = webhook
        self._read: dict[str, int] = {}
        self._wrap_router()

    @classmethod
    async def start(cls, tmp_path: Path, db_url: str, clock: FakeClock, *,
                    webhook: bool = False, **settings: Any) -> ZaloDriver:
        fake = FakeZaloBotApi()
        await fake.start()
        port = free_port()
        values: dict[str, Any] = {
            "admins": f"zalo:{zalo_id(ADMIN)}",
            "zalo_bot_token": fake.token,
            "zalo_api_base_url": fake.base_url,
            "zalo_poll_timeout_seconds": 1,
            # No pacing in tests: the pacer has its own test.
            "zalo_messages_per_second": 10_000,
            "zalo_chat_interval_seconds": 0,
            "webhook_base_url": f"http://127.0.0.1:{port}",
            "webhook_secret": WEBHOOK_SECRET if webhook else "",
            "port": port,
        }
        values.update(settings)
        app = build_app(make_settings(tmp_path, db_url, **values), clock=clock)
        seed(app)
        web = build_web_server(app.wiring())
        assert web is not None
        bot = ZaloBot.from_settings(app.settings, app.router, file_links=web.file_links,
                                    session_factory=app.session_factory, clock=clock)
        driver = cls(app, fake, bot, web, clock, webhook=webhook)
        await bot.start(web)
        app.add_transport(bot.transport)
        await web.start(host="127.0.0.1")
        return driver

    async def close(self) -> None:
        await self.bot.stop()
        await self.web.stop()
        await self.fake.stop()
        self.app.close()

    # --- the protocol ----------------------------------------------------------------

    async def say(self, user: ScriptUser, text: str) -> list[BotMessage]:
        return await self.deliver(user, self.fake.text_update(zalo_id(user), text, name=user.name))

    async def send_photo(self, user: ScriptUser, data: bytes,
                         caption: str | None) -> list[BotMessage]:
        update = self.fake.photo_update(zalo_id(user), data, caption=caption, name=user.name)
        return await self.deliver(user, update)

    async def send_document(self, user: ScriptUser, data: bytes, file_name: str, mime: str,
                            caption: str | None) -> list[BotMessage]:
        pytest.skip("Zalo Bot Platform không chuyển tài liệu người dùng gửi cho bot (chỉ có "
                    "message.unsupported.received); minh chứng trên Zalo là ảnh")

    async def choose(self, user: ScriptUser, message: BotMessage,
                     label_contains: str) -> list[BotMessage]:
        for key, label in zip(message.keys, message.options, strict=True):
            if label_contains in label:
                return await self.say(user, key)
        raise AssertionError(f"no option containing {label_contains!r}: {message.options}")

    async def inbox(self, user: ScriptUser) -> list[BotMessage]:
        await self.drain_outbox()
        return self._unread(user)

    # --- plumbing --------------------------------------------------------------------

    async def deliver(self, user: ScriptUser, update: dict[str, Any], *,
                      wrapped: bool = False) -> list[BotMessage]:
        """Hands an update to the bot the way this driver's mode does and waits for it."""
        target = self.handled + 1
        if self.webhook:
            status = await self.fake.deliver_webhook(update, wrapped=wrapped)
            assert status == 200, status
        else:
            self.fake.push({"ok": True, "result": update} if wrapped else update)
        await self.wait_handled(target)
        await self.drain_outbox()
        return self._unread(user)

    def _unread(self, user: ScriptUser) -> list[BotMessage]:
        chat = zalo_id(user)
        sent = self.fake.sent_to(chat)
        start = self._read.get(chat, 0)
        self._read[chat] = len(sent)
        return [to_bot_message(s) for s in sent[start:]]
