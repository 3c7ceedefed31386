"""The real path on real HTTP: OutboxSender → TelegramTransport → python-telegram-bot with the
shared limiter → the fake Bot API enforcing Telegram's flood limits. Command replies sent while
a batch goes out stay fast and the limits hold. (About three seconds of wall time.)"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.telegram import TelegramTransport, build_application
from db import services
from db.session import unit_of_work
from scheduler.ratelimit import PlatformRateLimiter, RateLimits, TelegramRateLimiter
from scheduler.sender import OutboxSender, SenderOptions
from tests.fakes.telegram_api import FakeTelegramServer
from tests.fakes.telegram_api import RateLimits as ServerLimits
from tests.support import make_settings

BATCH = 75


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer(rate_limits=ServerLimits(30, 1, 20), latency_ms=3) as fake:
        yield fake


@pytest.fixture
def app(tmp_path: Path, sqlite_url: str, server: FakeTelegramServer) -> App:
    settings = make_settings(tmp_path, sqlite_url, telegram_bot_token=server.token,
                             telegram_api_base_url=server.api_base_url,
                             telegram_file_base_url=server.file_base_url)
    built = build_app(settings)
    yield built
    built.close()


async def test_a_batch_at_full_speed_with_fast_replies(app: App,
                                                        server: FakeTelegramServer) -> None:
    now = app.clock.now()
    with unit_of_work(app.session_factory) as session:
        for index in range(BATCH):
            services.enqueue(session, platform="telegram", chat_id=str(10_000 + index),
                             text=f"⏰ Nhắc việc <b>#{index}</b>", kind="notice",
                             key=f"batch:{index}", now=now)
    limiter = PlatformRateLimiter(RateLimits(), platform="telegram")
    telegram = build_application(app.settings, app.router,
                                 rate_limiter=TelegramRateLimiter(limiter))
    await telegram.initialize()
    await telegram.start()
    assert telegram.updater is not None
    await telegram.updater.start_polling(timeout=1)
    sender = OutboxSender(session_factory=app.session_factory,
                          transports={"telegram": TelegramTransport(telegram.bot)},
                          clock=app.clock, limiters={"telegram": limiter},
                          options=SenderOptions(concurrency=8), tz=app.settings.tz)
    sending = asyncio.create_task(sender.run(idle_seconds=0.05))
    reply_times: list[float] = []
    try:
        await asyncio.sleep(0.4)
        for index in range(6):
            user = server.user(900 + index, f"Cán bộ {index}")
            started = time.perf_counter()
            server.send_text(user, "/trogiup")
            await server.wait_for_messages(user, 1, timeout=5)
            reply_times.append(time.perf_counter() - started)
            await asyncio.sleep(0.15)
        deadline = time.perf_counter() + 20
        while sender.stats.sent < BATCH and time.perf_counter() < deadline:
            await asyncio.sleep(0.02)
    finally:
        sender.stop()
        await sending
        await telegram.updater.stop()
        await telegram.stop()
        await telegram.shutdown()
    assert sender.stats.sent == BATCH
    assert server.limit_violations() == 0 and server.too_many_requests == 0
    server.assert_no_violations()
    assert max(reply_times) < 1.0, reply_times
    assert limiter.stats.granted_priority >= 6
