"""`bot.app.run` with Zalo configured: long polling, or webhooks on the bot's HTTP server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.app import build_app, run
from tests.e2e.zalo_driver import free_port
from tests.fakes.zalo_api import FakeZaloBotApi
from tests.support import make_settings
from timelang.clock import FakeClock

USER = "e4ea2cd5189df1c3a88c"


@pytest.fixture
async def fake() -> AsyncIterator[FakeZaloBotApi]:
    server = FakeZaloBotApi()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def eventually(condition: Callable[[], Any], timeout: float = 10.0) -> None:
    async def wait() -> None:
        while not condition():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(wait(), timeout)


async def test_run_polls_zalo_and_answers(tmp_path: Path, sqlite_url: str, clock: FakeClock,
                                          fake: FakeZaloBotApi) -> None:
    app = build_app(make_settings(tmp_path, sqlite_url, zalo_bot_token=fake.token,
                                  zalo_api_base_url=fake.base_url, zalo_poll_timeout_seconds=1),
                    clock=clock)
    stop = asyncio.Event()
    running = asyncio.create_task(run(app, stop=stop))
    try:
        await eventually(lambda: any(m == "getUpdates" for m, _ in fake.calls))
        assert ("deleteWebhook", {}) in fake.calls  # polling only works without a webhook
        fake.push(fake.text_update(USER, "/start", name="Nguyễn Văn An"))
        await eventually(lambda: fake.sent_to(USER))
        assert "Xin chào Nguyễn Văn An" in fake.sent_to(USER)[0].text
        assert "zalo" in app.transports
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
        app.close()


async def test_run_serves_webhooks_and_the_oa(tmp_path: Path, sqlite_url: str, clock: FakeClock,
                                              fake: FakeZaloBotApi) -> None:
    port = free_port()
    settings = make_settings(
        tmp_path, sqlite_url, zalo_bot_token=fake.token, zalo_api_base_url=fake.base_url,
        webhook_base_url=f"http://127.0.0.1:{port}", webhook_secret="webhook-secret-123",
        port=port, zalo_oa_app_id="1", zalo_oa_app_secret="s", zalo_oa_refresh_token="r",
        zalo_oa_oauth_url=f"http://127.0.0.1:{free_port()}/oauth")
    app = build_app(settings, clock=clock)
    stop = asyncio.Event()
    running = asyncio.create_task(run(app, stop=stop))
    try:
        async with httpx.AsyncClient() as http:
            async def healthy() -> None:
                while True:
                    try:
                        answer = await http.get(f"http://127.0.0.1:{port}/healthz")
                        if answer.status_code == 200 and answer.json()["ok"]:
                            return
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.05)

            await asyncio.wait_for(healthy(), 10)
            assert fake.webhook_url == f"http://127.0.0.1:{port}/zalo/webhook"
            assert await fake.deliver_webhook(fake.text_update(USER, "/start")) == 200
            await eventually(lambda: fake.sent_to(USER))
            unsigned = await http.post(f"http://127.0.0.1:{port}/zalo-oa/webhook", json={})
            assert unsigned.status_code == 401
        assert {"zalo", "zalo_oa"} <= set(app.transports)
        assert not any(m == "getUpdates" for m, _ in fake.calls)
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
        app.close()
