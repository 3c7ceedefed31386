"""Telegram inside `nhacviec run`: long polling (the default) or a webhook on the bot's own HTTP
server, brought up in the background with every network step retried (bot.startup).

Polling needs nothing but outgoing HTTPS and suits one office server. A webhook needs a public
HTTPS address (WEBHOOK_BASE_URL, behind a reverse proxy) and answers faster with less traffic;
it also lets several instances behind a load balancer share the work. The webhook is left
registered at shutdown so Telegram keeps the updates (and retries them) while the bot restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.health import Health, PlatformHealth
from bot.http import TELEGRAM_WEBHOOK_PATH, WebServer, telegram_webhook_handler
from bot.startup import RateLimitedLog, RetryPolicy, retry_until_done
from bot.telegram import (
    InboxQueue,
    TelegramReplier,
    TelegramTransport,
    build_application,
    build_sender_bot,
)
from config.settings import Settings
from db.inbox import inbox_for

if TYPE_CHECKING:
    from bot.wiring import PlatformWiring

logger = logging.getLogger(__name__)

PLATFORM = "telegram"


def telegram_secret_token(settings: Settings) -> str:
    """setWebhook's secret_token allows only A-Z, a-z, 0-9, _ and -, up to 256 characters:
    derived from WEBHOOK_SECRET so any secret the operator chose works."""
    return hashlib.sha256(b"nhacviec-telegram-webhook\0" + settings.webhook_secret.get_secret_value().encode()
                          ).hexdigest()


def webhook_url(settings: Settings) -> str:
    return settings.webhook_base_url.rstrip("/") + TELEGRAM_WEBHOOK_PATH


class TelegramService:
    def __init__(
        self,
        wiring: PlatformWiring,
        *,
        health: Health,
        policy: RetryPolicy,
        rate_limiter: Any = None,
        sender_rate_limiter: Any = None,
    ) -> None:
        settings = wiring.settings
        if settings.telegram_mode == "webhook" and not settings.webhook_mode:
            raise RuntimeError("TELEGRAM_MODE=webhook cần WEBHOOK_BASE_URL (địa chỉ HTTPS công "
                               "khai) và WEBHOOK_SECRET")
        self.wiring = wiring
        self.settings = settings
        self.policy = policy
        self.mode = settings.telegram_mode
        self.entry: PlatformHealth = health.platform(PLATFORM, self.mode)
        # Every update is written to the inbox before Telegram is told it arrived (InboxQueue).
        self.inbox = inbox_for(wiring.session_factory, wiring.clock,
                               settings.inbox_retention_days)
        self.application: Application = build_application(  # type: ignore[type-arg]
            settings, wiring.router, rate_limiter=rate_limiter, inbox=self.inbox)

        async def seen(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
            health.saw_update(PLATFORM)

        # Group -1 runs before the command handlers and lets every update go on to them.
        self.application.add_handler(TypeHandler(Update, seen), group=-1)
        self.sender_bot = build_sender_bot(settings, connections=settings.sender_concurrency,
                                           rate_limiter=sender_rate_limiter)
        self._polling_log = RateLimitedLog(policy.log_every, policy.monotonic)
        self._task: asyncio.Task[None] | None = None

    def mount(self, web_server: WebServer | None) -> None:
        """Adds the webhook route; before the server starts (aiohttp freezes its routes)."""
        if self.mode != "webhook":
            return
        if web_server is None:
            raise RuntimeError("TELEGRAM_MODE=webhook cần máy chủ HTTP của bot")
        web_server.add_post(TELEGRAM_WEBHOOK_PATH, telegram_webhook_handler(
            self.application, telegram_secret_token(self.settings)))

    def start(self) -> asyncio.Task[None]:
        """Brings Telegram up in the background: the rest of the bot does not wait for it."""
        self._task = asyncio.create_task(self.bring_up(), name="telegram-start-up")
        return self._task

    async def bring_up(self) -> None:
        application = self.application
        retry = self._retry
        await retry(application.initialize, "Telegram getMe")
        assert application.post_init is not None
        post_init = application.post_init
        await retry(lambda: post_init(application), "Telegram setMyCommands")
        await application.start()
        if self.inbox is not None:
            # Answers a crash kept from people go first, then the updates it left unhandled.
            bot = application.bot
            await self.wiring.router.resend_owed(
                self.inbox, PLATFORM, lambda chat: TelegramReplier(bot, chat))
        await self.replay_unhandled()
        if self.mode == "webhook":
            await retry(self._set_webhook, "Telegram setWebhook")
            self.entry.webhook_registered = True
            logger.info("Telegram: nhận tin qua webhook %s", TELEGRAM_WEBHOOK_PATH)
        else:
            updater = application.updater
            assert updater is not None
            # getUpdates refuses to work while a webhook is set: start_polling deletes it.
            await retry(lambda: updater.start_polling(drop_pending_updates=False,
                                                      error_callback=self._polling_error),
                        "Telegram deleteWebhook")
            self.entry.polling_probe = lambda: updater.running
            logger.info("Telegram: đang nhận tin (long polling)")
        await retry(self.sender_bot.initialize, "Telegram getMe (bộ gửi)")
        self.wiring.join_sender(TelegramTransport(self.sender_bot))
        self.entry.state = "running"

    async def replay_unhandled(self) -> int:
        """Updates the previous run wrote to the inbox but did not finish go first into the
        queue, in the order they came, before polling or the webhook brings new ones."""
        if self.inbox is None:
            return 0
        queue = self.application.update_queue
        assert isinstance(queue, InboxQueue)
        pending = self.inbox.unhandled(PLATFORM)
        queue.replay([Update.de_json(item.payload, self.application.bot) for item in pending])
        if pending:
            logger.info("Telegram: xử lý tiếp %d cập nhật chưa xong từ lần chạy trước",
                        len(pending))
        return len(pending)

    async def _set_webhook(self) -> None:
        await self.application.bot.set_webhook(
            url=webhook_url(self.settings), secret_token=telegram_secret_token(self.settings),
            allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)

    def _polling_error(self, error: TelegramError) -> None:
        # PTB keeps polling after network errors; one line a minute says so without flooding.
        self.entry.last_error = f"getUpdates: {type(error).__name__}"
        self._polling_log.warning("Telegram getUpdates lỗi (%s); PTB tự thử lại",
                                  type(error).__name__)

    async def _retry(self, operation: Callable[[], Any], what: str) -> Any:
        return await retry_until_done(operation, what=what, policy=self.policy, entry=self.entry,
                                      secrets=self.settings.secrets)

    async def close(self) -> None:
        self.entry.state = "stopped"
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        application = self.application
        if application.updater is not None and application.updater.running:
            with contextlib.suppress(Exception):
                await application.updater.stop()
        if application.running:
            with contextlib.suppress(Exception):
                await application.stop()
        with contextlib.suppress(Exception):
            await application.shutdown()
        with contextlib.suppress(Exception):
            await self.sender_bot.shutdown()
