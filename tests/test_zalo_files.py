"""The bot's HTTP server: outgoing files on Zalo as signed, expiring links (charts as photos
Zalo fetches, a text fallback without a public address), and the Telegram webhook route."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine
from telegram.ext import ApplicationBuilder

from bot.http import (
    TELEGRAM_WEBHOOK_PATH,
    FileLinks,
    LinkInvalid,
    WebServer,
    telegram_webhook_handler,
)
from bot.zalo import ZaloBotClient
from bot.zalo_adapter import ZaloReplier
from db.session import make_session_factory
from handlers.base import OutgoingFile
from tests.e2e.zalo_driver import free_port
from tests.fakes.zalo_api import FakeZaloBotApi
from tests.support import make_settings

USER = "e4ea2cd5189df1c3a88c"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


class MovableTime:
    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@pytest.fixture
async def setup(tmp_path: Path) -> AsyncIterator[dict[str, Any]]:
    fake = FakeZaloBotApi()
    await fake.start()
    fake.known_chats.add(USER)
    port = free_port()
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'unused.db'}",
                             webhook_base_url=f"http://127.0.0.1:{port}/", port=port,
                             zalo_chat_interval_seconds=0, file_link_lifetime_minutes=60)
    clock = MovableTime()
    links = FileLinks.from_settings(settings, clock=clock)
    server = WebServer(settings, make_session_factory(create_engine("sqlite://")),
                       file_links=links)
    await server.start(host="127.0.0.1")
    client = ZaloBotClient(fake.token, base_url=fake.base_url)
    replier = ZaloReplier(client, USER, settings=settings, file_links=links)
    try:
        yield {"fake": fake, "replier": replier, "links": links, "clock": clock,
               "settings": settings, "client": client}
    finally:
        await client.aclose()
        await server.stop()
        await fake.stop()


def link_in(text: str) -> str:
    match = re.search(r"(http://\S+/files/\S+)", text)
    assert match, text
    return match.group(1)


async def test_spreadsheet_goes_out_as_an_expiring_link(setup: dict[str, Any]) -> None:
    fake, replier, clock = setup["fake"], setup["replier"], setup["clock"]
    assert replier.supports_files
    data = b"PK\x03\x04 spreadsheet bytes"
    await replier.send_file(OutgoingFile(data, "Báo cáo quý I.xlsx", XLSX,
                                         caption="<b>Thống kê</b> quý I"))
    [message] = fake.sent_to(USER)
    assert "Báo cáo quý I.xlsx" in message.text and "Thống kê quý I" in message.text
    assert "<b>" not in message.text and "dùng được đến" in message.text
    url = link_in(message.text)
    async with httpx.AsyncClient() as http:
        response = await http.get(url)
        assert response.status_code == 200 and response.content == data
        assert response.headers["content-type"].startswith(XLSX)
        assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o" in response.headers["content-disposition"]

        mac = url.rpartition(".")[2]
        forged = url.replace(mac, ("A" if mac[0] != "A" else "B") + mac[1:])
        assert (await http.get(forged)).status_code == 404
        assert (await http.get(url.rsplit("/", 1)[0] + "/not-a-token")).status_code == 404

        clock.offset = 61 * 60  # the link lived 60 minutes
        assert (await http.get(url)).status_code == 410
    setup["links"].sweep()
    assert list(setup["links"].root.iterdir()) == []


async def test_chart_goes_out_as_a_photo_zalo_fetches(setup: dict[str, Any]) -> None:
    fake, replier = setup["fake"], setup["replier"]
    await replier.send_file(OutgoingFile(PNG, "bieu_do.png", "image/png", caption="Biểu đồ"))
    [photo] = fake.sent_to(USER)
    assert photo.method == "sendPhoto" and photo.text == "Biểu đồ"
    assert photo.photo_bytes == PNG  # the fake fetched the signed link like Zalo would


async def test_without_a_public_address_the_person_is_told(setup: dict[str, Any]) -> None:
    fake = setup["fake"]
    replier = ZaloReplier(setup["client"], USER, settings=setup["settings"], file_links=None)
    assert not replier.supports_files
    await replier.send_file(OutgoingFile(b"zip", "Hồ sơ minh chứng.zip", "application/zip"))
    [message] = fake.sent_to(USER)
    assert "Hồ sơ minh chứng.zip" in message.text and "WEBHOOK_BASE_URL" in message.text


def test_links_survive_a_restart_and_are_bound_to_the_key(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "sqlite://", webhook_base_url="https://bot.example.vn")
    first = FileLinks.from_settings(settings)
    published = first.publish(OutgoingFile(b"data", "a.pdf", "application/pdf"))
    token = published.url.rsplit("/", 1)[1]
    assert FileLinks.from_settings(settings).open(token)[1:] == ("a.pdf", "application/pdf")
    other = make_settings(tmp_path, "sqlite://", webhook_base_url="https://bot.example.vn",
                          file_link_secret="a-configured-secret")
    with pytest.raises(LinkInvalid):
        FileLinks.from_settings(other).open(token)
    assert oct((settings.data_dir / "file_links.key").stat().st_mode)[-3:] == "600"


async def test_telegram_webhook_route_checks_its_secret(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "sqlite://")
    application = ApplicationBuilder().token("123:telegram-test-token").build()
    server = WebServer(settings, make_session_factory(create_engine("sqlite://")))
    server.add_post(TELEGRAM_WEBHOOK_PATH, telegram_webhook_handler(application, "tg-secret-1"))
    await server.start(host="127.0.0.1", port=0)
    update = {"update_id": 7, "message": {"message_id": 1, "date": 0, "text": "/start",
                                          "chat": {"id": 42, "type": "private"},
                                          "from": {"id": 42, "is_bot": False, "first_name": "An"}}}
    url = f"http://127.0.0.1:{server.port}{TELEGRAM_WEBHOOK_PATH}"
    try:
        async with httpx.AsyncClient() as http:
            refused = await http.post(url, json=update,
                                      headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
            assert refused.status_code == 403 and application.update_queue.empty()
            accepted = await http.post(url, json=update,
                                       headers={"X-Telegram-Bot-Api-Secret-Token": "tg-secret-1"})
            assert accepted.status_code == 200
        received = application.update_queue.get_nowait()
        assert received.update_id == 7 and received.message.text == "/start"
    finally:
        await server.stop()
