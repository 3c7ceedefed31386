"""Start-up that waits and a /healthz that tells the truth: `nhacviec run` with the fake Bot
API down at start (nothing listens on its port), then up. The retry's sleep is injected: it
moves a fake monotonic clock and yields, so the backoff is seen without waiting for it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app import build_app, run
from bot.startup import RateLimitedLog, RetryPolicy, retry_until_done
from tests.e2e.zalo_driver import free_port
from tests.fakes.telegram_api import FakeTelegramServer
from tests.support import make_settings
from timelang.clock import FakeClock


class FakeTime:
    """Monotonic time that only moves when the code under test sleeps."""

    def __init__(self, on_sleep: Callable[[int], Awaitable[None]] | None = None) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.on_sleep = on_sleep

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        if self.on_sleep is not None:
            await self.on_sleep(len(self.sleeps))
        await asyncio.sleep(0.01)  # tiny: lets the test look at /healthz between attempts


async def _health(http: httpx.AsyncClient, port: int) -> tuple[int, dict[str, Any]] | None:
    try:
        answer = await http.get(f"http://127.0.0.1:{port}/healthz")
    except httpx.TransportError:
        return None
    return answer.status_code, answer.json()


async def test_telegram_down_at_start_is_retried_and_healthz_follows(
        tmp_path: Path, sqlite_url: str, clock: FakeClock,
        caplog: pytest.LogCaptureFixture) -> None:
    api_port, bot_port = free_port(), free_port()
    server = FakeTelegramServer(port=api_port)
    down = asyncio.Event()
    up = asyncio.Event()

    async def network_comes_back(attempt: int) -> None:
        if attempt == 3:
            down.set()
            await up.wait()  # the test has seen 503; now the API comes up
            await server.start()

    fake_time = FakeTime(network_comes_back)
    policy = RetryPolicy(initial=1, maximum=60, jitter=0, sleep=fake_time.sleep,
                         monotonic=fake_time.monotonic)
    settings = make_settings(tmp_path, sqlite_url, telegram_bot_token=server.token,
                             telegram_api_base_url=server.api_base_url,
                             telegram_file_base_url=server.file_base_url, port=bot_port)
    app = build_app(settings, clock=clock)
    stop = asyncio.Event()
    caplog.set_level(logging.WARNING, logger="bot.startup")
    running = asyncio.create_task(run(app, stop=stop, retry_policy=policy))
    try:
        async with httpx.AsyncClient() as http:
            await asyncio.wait_for(down.wait(), 20)
            async def sender_up() -> tuple[int, dict[str, Any]] | None:
                # The sender starts after the reminders' catch-up, beside the retries.
                answer = await _health(http, bot_port)
                return answer if answer is not None and answer[1]["sender_alive"] else None

            status, body = await _wait_for(sender_up, 10)
            assert status == 503
            telegram = body["platforms"]["telegram"]
            assert telegram["state"] == "starting" and not telegram["ok"]
            assert telegram["start_attempts"] == 3
            assert "Telegram getMe" in telegram["last_error"]
            assert body["database"] is True and body["sender_alive"] is True
            up.set()

            async def healthy() -> tuple[int, dict[str, Any]] | None:
                answer = await _health(http, bot_port)
                return answer if answer is not None and answer[0] == 200 else None

            status, body = await _wait_for(healthy, 20)
            telegram = body["platforms"]["telegram"]
            assert telegram["polling_alive"] is True and telegram["last_error"] is None
            assert telegram["last_update_at"] is None
            member = server.user(4242, "Chuyên viên")
            server.send_text(member, "/start")
            [reply] = await server.wait_for_messages(member, 1, timeout=20)
            assert "telegram:4242" in (reply.text or "")
            _, body = await _health(http, bot_port) or (0, {})
            assert body["platforms"]["telegram"]["last_update_at"] == clock.now().isoformat()
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)
        app.close()
        await server.stop()
    # Exponential backoff, and one warning for three failures within the minute.
    assert fake_time.sleeps == [1, 2, 4]
    warnings = [r for r in caplog.records if "thử lại sau" in r.getMessage()]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    server.assert_no_violations()


async def _wait_for(probe: Callable[[], Awaitable[Any]], timeout: float) -> Any:
    async def loop() -> Any:
        while True:
            result = await probe()
            if result is not None:
                return result
            await asyncio.sleep(0.02)

    return await asyncio.wait_for(loop(), timeout)


async def test_retry_backs_off_to_a_ceiling_and_logs_once_a_minute(
        caplog: pytest.LogCaptureFixture) -> None:
    fake_time = FakeTime()
    policy = RetryPolicy(initial=1, maximum=8, jitter=0, sleep=fake_time.sleep,
                         monotonic=fake_time.monotonic)
    failures = iter(range(12))

    async def flaky() -> str:
        if next(failures) < 11:
            raise ConnectionError("mạng chưa lên token-123")
        return "ok"

    caplog.set_level(logging.WARNING, logger="bot.startup")
    assert await retry_until_done(flaky, what="thử", policy=policy,
                                  secrets=["token-123"]) == "ok"
    assert fake_time.sleeps == [1, 2, 4, 8, 8, 8, 8, 8, 8, 8, 8]
    # 63 seconds of failures: logged at 0 s and again once the minute had passed.
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2
    assert "token-123" not in " ".join(lines) and "***" in lines[0]
    assert "thêm 9 lần lỗi" in lines[1]


def test_rate_limited_log_counts_what_it_skips(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    log = RateLimitedLog(60, lambda: now[0])
    caplog.set_level(logging.WARNING, logger="bot.startup")
    for second in (0, 10, 59, 60, 61):
        now[0] = second
        log.warning("lỗi %s", second)
    assert [r.getMessage() for r in caplog.records] == ["lỗi 0", "lỗi 60 (thêm 2 lần lỗi từ lần ghi trước)"]
