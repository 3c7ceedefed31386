"""The webhook server under abuse: half-sent requests are closed by the header and body
timeouts, connections are capped, bodies are size limited, rejected calls are summed up in
one log line per interval, and every malformed payload gets HTTP 400, never 500."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import create_engine

from bot.http import TELEGRAM_WEBHOOK_PATH, WebServer, telegram_webhook_handler
from db.session import make_session_factory
from tests.e2e.zalo_driver import WEBHOOK_SECRET, ZaloDriver, zalo_id
from tests.support import make_settings
from timelang.clock import FakeClock

HALF_REQUEST = b"POST /zalo/webhook HTTP/1.1\r\nHost: bot\r\nContent-Type: applic"


@pytest.fixture
async def server(tmp_path: Path, sqlite_url: str,
                 request: pytest.FixtureRequest) -> AsyncIterator[WebServer]:
    overrides: dict[str, Any] = getattr(request, "param", {})
    settings = make_settings(tmp_path, sqlite_url, webhook_base_url="http://127.0.0.1",
                             **overrides)
    web = WebServer(settings, make_session_factory(create_engine("sqlite://")))
    await web.start(host="127.0.0.1", port=0)
    try:
        yield web
    finally:
        await web.stop()


async def _closed_by_server(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sends until it closes the connection."""
    return await reader.read()


@pytest.mark.parametrize("server", [{"webhook_header_timeout_seconds": 0.3,
                                     "webhook_max_connections": 500}], indirect=True)
async def test_slowloris_half_requests_are_closed_by_the_header_timeout(
        server: WebServer) -> None:
    connections = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(200)]
    try:
        for _, writer in connections:
            writer.write(HALF_REQUEST)
            await writer.drain()
        # Before the timeout existed aiohttp held these for its 75 s keep-alive.
        await asyncio.wait_for(
            asyncio.gather(*(_closed_by_server(reader) for reader, _ in connections)), 10)
    finally:
        for _, writer in connections:
            writer.close()


@pytest.mark.parametrize("server", [{"webhook_body_timeout_seconds": 0.3}], indirect=True)
async def test_a_body_that_never_ends_gets_408(server: WebServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        writer.write(b"POST /healthz HTTP/1.1\r\nHost: bot\r\nContent-Length: 500\r\n\r\n{\"a\":")
        await writer.drain()
        answer = await asyncio.wait_for(_closed_by_server(reader), 10)
        assert answer.startswith(b"HTTP/1.1 408")
    finally:
        writer.close()


@pytest.mark.parametrize("server", [{"webhook_max_connections": 3,
                                     "webhook_header_timeout_seconds": 30}], indirect=True)
async def test_connections_beyond_the_cap_are_turned_away(server: WebServer) -> None:
    held = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(3)]
    try:
        for _, writer in held:
            writer.write(HALF_REQUEST)
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        answer = await asyncio.wait_for(_closed_by_server(reader), 10)
        assert answer.startswith(b"HTTP/1.1 503")
        writer.close()
    finally:
        for _, writer in held:
            writer.close()


@pytest.mark.parametrize("server", [{"webhook_max_body_bytes": 1024}], indirect=True)
async def test_large_bodies_are_refused(server: WebServer) -> None:
    async with aiohttp.ClientSession() as session, session.post(
        f"http://127.0.0.1:{server.port}/healthz", data=b"x" * 5000
    ) as response:
        assert response.status == 413


# --- Zalo Bot Platform webhook --------------------------------------------------------------


@pytest.fixture
async def zalo(tmp_path: Path, sqlite_url: str, clock: FakeClock) -> AsyncIterator[ZaloDriver]:
    driver = await ZaloDriver.start(tmp_path, sqlite_url, clock, webhook=True)
    try:
        yield driver
    finally:
        await driver.close()


async def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as session, session.post(
        url, data=body, headers=headers
    ) as response:
        return response.status


async def test_a_flood_of_rejected_calls_is_one_log_line_per_interval(
        zalo: ZaloDriver, caplog: pytest.LogCaptureFixture) -> None:
    update = json.dumps(zalo.fake.text_update(zalo_id_of_an(), "/start")).encode()
    caplog.set_level(logging.INFO)
    for _ in range(200):
        assert await _post(zalo.fake.webhook_url, update,
                           {"X-Bot-Api-Secret-Token": "wrong"}) == 403
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) <= 1, [r.getMessage() for r in warnings]
    zalo.clock.advance(timedelta(minutes=2))
    assert await _post(zalo.fake.webhook_url, update, {}) == 403
    summaries = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(summaries) <= 2
    # The calls held back during the interval are counted in the next line.
    assert "200" in summaries[-1] and "/zalo/webhook" in summaries[-1]
    assert WEBHOOK_SECRET not in caplog.text


def zalo_id_of_an() -> str:
    from tests.e2e.scenarios import AN

    return zalo_id(AN)


MALFORMED_ZALO: list[bytes] = [
    json.dumps({"event_name": "message.text.received", "message": {
        "message_id": "m1", "chat": "abc", "from": {"id": "u1"}, "text": "hi"}}).encode(),
    json.dumps({"message": {"message_id": {"a": 1}, "chat": {"id": "c"}, "text": "x"}}).encode(),
    json.dumps({"message": {"chat": {"id": ["x"]}, "from": {"id": "u"}, "text": "x"}}).encode(),
    json.dumps({"message": {"chat": {"id": "c"}, "from": {"id": "u"}, "text": ["a"]}}).encode(),
    json.dumps({"message": {"chat": {"id": "c"}, "from": "u", "text": "x"}}).encode(),
    json.dumps({"ok": True, "result": "a string"}).encode(),
    json.dumps([1, 2, 3]).encode(),
    json.dumps({"message": "hello"}).encode(),
    b"[" * 5000 + b"]" * 5000,
    b'{"message": ' + b'{"a": ' * 200 + b"1" + b"}" * 200 + b"}",
]


@pytest.mark.parametrize("body", MALFORMED_ZALO, ids=range(len(MALFORMED_ZALO)))
async def test_malformed_zalo_payloads_with_the_right_secret_get_400(
        zalo: ZaloDriver, body: bytes) -> None:
    status = await _post(zalo.fake.webhook_url, body,
                         {"X-Bot-Api-Secret-Token": WEBHOOK_SECRET,
                          "Content-Type": "application/json"})
    assert status == 400
    await zalo.bot.dispatcher.join()
    assert zalo.handled == 0


async def test_a_valid_zalo_update_still_passes(zalo: ZaloDriver) -> None:
    from tests.e2e.scenarios import AN

    update = zalo.fake.text_update(zalo_id(AN), "/start", name=AN.name)
    assert len(await zalo.deliver(AN, update)) == 1


# --- Telegram webhook ----------------------------------------------------------------------


class _Application:
    def __init__(self) -> None:
        self.update_queue: asyncio.Queue[Any] = asyncio.Queue()
        self.bot = None


@pytest.mark.parametrize("body", [
    {"update_id": 1, "message": "x"},
    {"update_id": "not a number"},
    {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": "abc"}},
    [1, 2],
])
async def test_malformed_telegram_updates_get_400(tmp_path: Path, sqlite_url: str,
                                                  body: Any) -> None:
    settings = make_settings(tmp_path, sqlite_url, webhook_base_url="http://127.0.0.1")
    web = WebServer(settings, make_session_factory(create_engine("sqlite://")))
    application = _Application()
    web.add_post(TELEGRAM_WEBHOOK_PATH, telegram_webhook_handler(application, "tg-secret-1"))
    await web.start(host="127.0.0.1", port=0)
    try:
        status = await _post(f"http://127.0.0.1:{web.port}{TELEGRAM_WEBHOOK_PATH}",
                             json.dumps(body).encode(),
                             {"X-Telegram-Bot-Api-Secret-Token": "tg-secret-1"})
    finally:
        await web.stop()
    assert status == 400
    assert application.update_queue.empty()
