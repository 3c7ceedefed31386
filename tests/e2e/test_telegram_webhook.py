"""Telegram in webhook mode: the shared scenarios pass as they do with long polling, and
`nhacviec run` with TELEGRAM_MODE=webhook registers the webhook with its secret, takes updates
on the bot's one HTTP server, never polls, and refuses a wrong or missing secret (403)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.app import build_app, run
from bot.telegram_service import telegram_secret_token
from tests.e2e.scenarios import SCENARIOS, Scenario
from tests.e2e.telegram_driver import WEBHOOK_SECRET, TelegramDriver
from tests.e2e.zalo_driver import free_port
from tests.fakes.telegram_api import FakeTelegramServer
from tests.support import make_settings
from timelang.clock import FakeClock


@pytest.fixture
async def telegram_webhook(tmp_path: Path, sqlite_url: str,
                           clock: FakeClock) -> AsyncIterator[TelegramDriver]:
    driver = await TelegramDriver.start(tmp_path, sqlite_url, clock, webhook=True)
    try:
        yield driver
        driver.server.assert_no_violations()
        assert not driver.server.requests_for("getUpdates")
        assert driver.server.webhook_statuses and set(driver.server.webhook_statuses) == {200}
    finally:
        await driver.close()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
async def test_scenario_on_telegram_webhook(telegram_webhook: TelegramDriver,
                                            scenario: Scenario) -> None:
    await scenario(telegram_webhook)


async def test_run_in_webhook_mode(tmp_path: Path, db_url: str, clock: FakeClock) -> None:
    port = free_port()
    async with FakeTelegramServer() as server:
        settings = make_settings(
            tmp_path, db_url, telegram_bot_token=server.token,
            telegram_api_base_url=server.api_base_url,
            telegram_file_base_url=server.file_base_url, telegram_mode="webhook",
            webhook_base_url=f"http://127.0.0.1:{port}", webhook_secret=WEBHOOK_SECRET,
            port=port)
        app = build_app(settings, clock=clock)
        stop = asyncio.Event()
        running = asyncio.create_task(run(app, stop=stop))
        url = f"http://127.0.0.1:{port}/telegram/webhook"
        try:
            async with httpx.AsyncClient() as http:
                async def healthy() -> dict[str, object]:
                    while True:
                        try:
                            answer = await http.get(f"http://127.0.0.1:{port}/healthz")
                            if answer.status_code == 200:
                                return dict(answer.json())
                        except httpx.TransportError:
                            pass
                        await asyncio.sleep(0.05)

                body = await asyncio.wait_for(healthy(), 20)
                assert body["platforms"] == {"telegram": {
                    "mode": "webhook", "state": "running", "ok": True, "last_update_at": None,
                    "start_attempts": 0, "last_error": None, "webhook_registered": True}}
                [registered] = server.requests_for("setWebhook")
                assert registered.params["url"] == url
                assert registered.params["secret_token"] == telegram_secret_token(settings)
                assert server.webhook_secret == telegram_secret_token(settings)

                user = server.user(5151, "Cán bộ")
                server.send_text(user, "/start")
                [reply] = await server.wait_for_messages(user, 1, timeout=20)
                assert "telegram:5151" in (reply.text or "")

                forged = {"update_id": 999, "message": {
                    "message_id": 1, "date": 0, "text": "/start",
                    "chat": {"id": 5151, "type": "private"},
                    "from": {"id": 5151, "is_bot": False, "first_name": "Kẻ giả"}}}
                wrong = await http.post(url, json=forged,
                                        headers={"X-Telegram-Bot-Api-Secret-Token": "sai"})
                missing = await http.post(url, json=forged)
                assert (wrong.status_code, missing.status_code) == (403, 403)
                # Refused before queueing: the next real update gets the only new reply.
                server.send_text(user, "/trogiup")
                await server.wait_for_messages(user, 1, timeout=20)
                assert len(server.messages_to(user)) == 2
            assert not server.requests_for("getUpdates")
        finally:
            stop.set()
            await asyncio.wait_for(running, 30)
            app.close()
        server.assert_no_violations()
        # Left registered: Telegram keeps updates for the bot while it restarts.
        assert server.webhook_url == url
