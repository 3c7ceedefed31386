"""The real path on real HTTP: OutboxSender → TelegramTransport → python-telegram-bot with the
shared limiter → the fake Bot API enforcing Telegram's flood limits. Command replies sent while
a batch goes out stay fast and the limits hold. (About three seconds of wall time.)"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

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
    # The replies took the priority lane: each went out while reminders still waited behind it
    # (an order, not a stopwatch; the timings are the bench's job).
    order = [str(m.chat_id) for m in server.sent_messages]
    last_reminder = max(i for i, chat in enumerate(order) if chat.startswith("10"))
    reply_positions = [order.index(str(900 + index)) for index in range(6)]
    assert all(position < last_reminder for position in reply_positions), (order, reply_times)
    assert limiter.stats.granted_priority >= 6


def test_remind_command_sends_itself_when_no_bot_runs(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`nhacviec remind --at …` without --dry-run, no bot holding the database, a token set:
    the reminders are queued and delivered by the command itself, through the real Bot API
    client (the fake server runs in its own thread, as Telegram would elsewhere)."""
    import threading
    from datetime import date

    from bot.cli import main
    from db.locks import InstanceLock
    from db.models import Outbox
    from timelang.deadlines import parse_deadline

    started = threading.Event()
    finish = threading.Event()
    holder: dict[str, FakeTelegramServer] = {}

    def serve() -> None:
        async def body() -> None:
            async with FakeTelegramServer() as fake:
                holder["server"] = fake
                started.set()
                while not finish.is_set():
                    await asyncio.sleep(0.02)

        asyncio.run(body())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(10)
    fake = holder["server"]
    try:
        settings = make_settings(tmp_path, sqlite_url)
        app = build_app(settings)
        now = app.clock.now()
        with unit_of_work(app.session_factory) as session:
            unit = services.create_unit(session, code="PNV", name="Phòng Nội vụ", parent=None,
                                        actor="test", now=now)
            actor = services.resolve_actor(session, platform="telegram", external_id="4242",
                                           display_name="Chuyên viên", private_chat_id="4242",
                                           now=now)
            services.set_membership(session, person_id=actor.person_id, unit_id=unit.id,
                                    role="member", actor="test", now=now)
            services.create_task(session, title="Báo cáo tháng", lead_unit=unit,
                                 deadline=parse_deadline("05/06/2026", ref=date(2026, 5, 1)),
                                 actor="test", now=now, today=date(2026, 5, 1))
        app.close()
        for name, value in (("DATA_DIR", str(settings.data_dir)), ("DATABASE_URL", sqlite_url),
                            ("TELEGRAM_BOT_TOKEN", fake.token),
                            ("TELEGRAM_API_BASE_URL", fake.api_base_url),
                            ("TELEGRAM_FILE_BASE_URL", fake.file_base_url), ("ADMINS", "")):
            monkeypatch.setenv(name, value)
        monkeypatch.chdir(tmp_path)
        # The command's own clock reads 09:00 on 05/06: quiet hours are decided by the clock,
        # never by the hour this test happens to run at.
        from datetime import datetime

        from timelang.clock import FakeClock

        monkeypatch.setattr("bot.app.SystemClock", lambda: FakeClock(
            datetime(2026, 6, 5, 9, 0, tzinfo=app.settings.tz)))
        with InstanceLock(sqlite_url):  # a running bot: the command only queues
            assert main(["remind", "--at", "2026-06-04T08:00"]) == 0
        assert "bot đang chạy sẽ gửi" in capsys.readouterr().err
        assert fake.sent_messages == []
        assert main(["remind", "--at", "2026-06-05T08:00"]) == 0
        assert "đã gửi 1 tin" in capsys.readouterr().err
    finally:
        finish.set()
        thread.join(10)
    # The 04/06 one stays queued for the bot; the 05/06 one was delivered, once.
    assert [str(m.chat_id) for m in fake.sent_messages] == ["4242"]
    assert "hạn hôm nay 05/06/2026" in (fake.sent_messages[0].text or "")
    check = build_app(make_settings(tmp_path, sqlite_url), migrate=False)
    with check.session_factory() as session:
        statuses = sorted(session.scalars(select(Outbox.status)))
    check.close()
    assert statuses == ["pending", "sent"]
