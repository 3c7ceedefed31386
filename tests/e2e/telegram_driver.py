"""The Telegram side of the shared scenarios: the real python-telegram-bot Application (long
polling, or a webhook on the bot's HTTP server with `webhook=True`) against
`tests.fakes.telegram_api.FakeTelegramServer` on loopback, which checks every request against
the official Bot API description, with the real router, database and sender."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.app import App, build_app
from bot.health import Health
from bot.http import WebServer, build_web_server
from bot.startup import RetryPolicy
from bot.telegram import TelegramTransport, build_application
from bot.telegram_service import TelegramService
from tests.e2e.scenarios import ADMIN, BotMessage, HandledUpdates, ScriptUser, seed
from tests.e2e.zalo_driver import free_port
from tests.fakes.telegram_api import BotMessage as FakeMessage
from tests.fakes.telegram_api import FakeTelegramServer, FakeUser
from tests.support import make_settings
from timelang.clock import FakeClock

WEBHOOK_SECRET = "telegram-webhook secret/for tests"


def telegram_id(user: ScriptUser) -> int:
    return 100_000 + zlib.crc32(user.key.encode()) % 900_000


@dataclass
class TelegramMessage(BotMessage):
    raw: FakeMessage | None = None


def to_bot_message(message: FakeMessage) -> TelegramMessage:
    url = None
    if message.file is not None:
        url = message.file.file_path
    return TelegramMessage(text=message.content, options=[b.text for b in message.buttons()],
                           url=url, raw=message)


class TelegramDriver(HandledUpdates):
    platform = "telegram"

    def __init__(self, app: App, server: FakeTelegramServer, application: Any,
                 clock: FakeClock) -> None:
        self.app = app
        self.server = server
        self.application = application
        self.clock = clock
        # Webhook mode: `nhacviec run`'s Telegram service and the bot's HTTP server.
        self.service: TelegramService | None = None
        self.web: WebServer | None = None
        self._read: dict[int, int] = {}
        self._users: dict[str, FakeUser] = {}
        self._wrap_router()

    @classmethod
    async def start(cls, tmp_path: Path, db_url: str, clock: FakeClock, *,
                    webhook: bool = False, **settings: Any) -> TelegramDriver:
        server = FakeTelegramServer()
        await server.start()
        values: dict[str, Any] = {
            "admins": f"telegram:{telegram_id(ADMIN)}",
            "telegram_bot_token": server.token,
            "telegram_api_base_url": server.api_base_url,
            "telegram_file_base_url": server.file_base_url,
        }
        if webhook:
            port = free_port()
            values.update(telegram_mode="webhook", port=port, webhook_secret=WEBHOOK_SECRET,
                          webhook_base_url=f"http://127.0.0.1:{port}")
        values.update(settings)
        app = build_app(make_settings(tmp_path, db_url, **values), clock=clock)
        seed(app)
        if webhook:
            return await cls._start_webhook(app, server, clock)
        application = build_application(app.settings, app.router)
        driver = cls(app, server, application, clock)
        await application.initialize()
        assert application.post_init is not None
        await application.post_init(application)
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        app.add_transport(TelegramTransport(application.bot))
        return driver

    @classmethod
    async def _start_webhook(cls, app: App, server: FakeTelegramServer,
                             clock: FakeClock) -> TelegramDriver:
        service = TelegramService(app.wiring(), health=Health(clock=clock), policy=RetryPolicy())
        driver = cls(app, server, service.application, clock)
        driver.service = service
        driver.web = build_web_server(app.wiring(), always=True)
        assert driver.web is not None
        service.mount(driver.web)
        await driver.web.start(host="127.0.0.1")
        await service.bring_up()
        return driver

    async def close(self) -> None:
        if self.service is not None and self.web is not None:
            await self.service.close()
            await self.web.stop()
            await self.server.stop()
            self.app.close()
            return
        assert self.application.updater is not None
        await self.application.updater.stop()
        await self.application.stop()
        await self.application.shutdown()
        await self.server.stop()
        self.app.close()

    def fake_user(self, user: ScriptUser) -> FakeUser:
        if user.key not in self._users:
            self._users[user.key] = self.server.user(telegram_id(user), user.name)
        return self._users[user.key]

    # --- the protocol ----------------------------------------------------------------

    async def say(self, user: ScriptUser, text: str, *, chat: int | None = None
                  ) -> list[BotMessage]:
        return await self._deliver(user, lambda: self.server.send_text(
            self.fake_user(user), text, chat=chat), chat=chat)

    async def send_photo(self, user: ScriptUser, data: bytes,
                         caption: str | None) -> list[BotMessage]:
        return await self._deliver(user, lambda: self.server.send_photo(
            self.fake_user(user), data, caption=caption))

    async def send_document(self, user: ScriptUser, data: bytes, file_name: str, mime: str,
                            caption: str | None, *, declared_size: int | None = None
                            ) -> list[BotMessage]:
        return await self._deliver(user, lambda: self.server.send_document(
            self.fake_user(user), data, file_name, mime, caption=caption,
            declared_size=declared_size))

    async def choose(self, user: ScriptUser, message: BotMessage,
                     label_contains: str) -> list[BotMessage]:
        assert isinstance(message, TelegramMessage) and message.raw is not None
        data = message.raw.button_data(label_contains)
        return await self._deliver(user, lambda: self.server.press_button(
            self.fake_user(user), message.raw, data))  # type: ignore[arg-type]

    async def reply(self, user: ScriptUser, message: BotMessage, text: str) -> list[BotMessage]:
        """The user answers `message` with Telegram's reply (reply_to_message)."""
        assert isinstance(message, TelegramMessage) and message.raw is not None
        return await self._deliver(user, lambda: self.server.send_text(
            self.fake_user(user), text, reply_to=message.raw))

    async def inbox(self, user: ScriptUser) -> list[BotMessage]:
        await self.drain_outbox()
        return self._unread(telegram_id(user))

    # --- plumbing --------------------------------------------------------------------

    async def _deliver(self, user: ScriptUser, act: Any, *, chat: int | None = None
                       ) -> list[BotMessage]:
        target = self.handled + 1
        act()
        await self.wait_handled(target)
        await self.drain_outbox()
        return self._unread(chat if chat is not None else telegram_id(user))

    def _unread(self, chat: int) -> list[BotMessage]:
        sent = self.server.messages_to(chat)
        start = self._read.get(chat, 0)
        self._read[chat] = len(sent)
        return [to_bot_message(m) for m in sent[start:]]
