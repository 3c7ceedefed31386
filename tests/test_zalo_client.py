"""The Zalo Bot Platform client and adapter pieces, against the fake server on loopback."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot import zalo_adapter
from bot.zalo import (
    FileTooBig,
    ZaloApiError,
    ZaloBotClient,
    ZaloNetworkError,
)
from bot.zalo_adapter import (
    ZaloBot,
    ZaloReplier,
    to_incoming,
    unwrap_update,
    update_key,
)
from bot.zalo_plumbing import Backoff, RecentKeys, SendPacer
from handlers.base import Attachment, FileTooLarge, Incoming, MenuOption, Replier
from scheduler.transport import Blocked, ChatNotFound, RetryAfter, SendError, TransientError
from tests.e2e.zalo_driver import free_port
from tests.fakes.zalo_api import FakeZaloBotApi
from tests.support import make_settings, sample_jpeg

USER = "e4ea2cd5189df1c3a88c"


@pytest.fixture
async def fake() -> AsyncIterator[FakeZaloBotApi]:
    server = FakeZaloBotApi()
    await server.start()
    server.known_chats.add(USER)
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def client(fake: FakeZaloBotApi) -> AsyncIterator[ZaloBotClient]:
    zalo = ZaloBotClient(fake.token, base_url=fake.base_url, timeout=5)
    try:
        yield zalo
    finally:
        await zalo.aclose()


def settings_for(tmp_path: Path, fake: FakeZaloBotApi, **values: Any) -> Any:
    defaults: dict[str, Any] = {"zalo_bot_token": fake.token, "zalo_api_base_url": fake.base_url,
                                "zalo_poll_timeout_seconds": 1, "zalo_chat_interval_seconds": 0,
                                "zalo_messages_per_second": 10_000}
    defaults.update(values)
    return make_settings(tmp_path, f"sqlite:///{tmp_path / 'unused.db'}", **defaults)


class RecordingRouter:
    def __init__(self) -> None:
        self.seen: list[Incoming] = []

    async def handle(self, incoming: Incoming, replier: Replier) -> None:
        self.seen.append(incoming)
        await replier.send_text(f"đã nhận: {incoming.text}")


# --- the client ----------------------------------------------------------------------------


async def test_methods_and_envelope(fake: FakeZaloBotApi, client: ZaloBotClient) -> None:
    assert (await client.get_me())["account_name"] == "bot.NhacViec"
    await client.set_webhook("https://bot.example.vn/zalo/webhook", "secret-123456")
    assert (await client.get_webhook_info())["url"] == "https://bot.example.vn/zalo/webhook"
    await client.delete_webhook()
    assert (await client.get_webhook_info())["url"] == ""
    await client.send_chat_action(USER, "typing")
    await client.send_message(USER, "Xin chào")
    assert [s.text for s in fake.sent] == ["Xin chào"]
    method, payload = fake.calls[-1]
    assert method == "sendMessage" and payload == {"chat_id": USER, "text": "Xin chào"}


async def test_get_updates_hands_out_one_update_then_none_on_408(
    fake: FakeZaloBotApi, client: ZaloBotClient
) -> None:
    first, second = fake.text_update(USER, "một"), fake.text_update(USER, "hai")
    fake.push(first)
    fake.push(second)
    assert await client.get_updates(timeout=1) == first
    assert await client.get_updates(timeout=1) == second
    started = time.monotonic()
    assert await client.get_updates(timeout=1) is None  # the long poll waited, then 408
    assert time.monotonic() - started >= 0.9
    assert fake.calls[-1] == ("getUpdates", {"timeout": "1"})


async def test_errors_are_typed_and_never_show_the_token(
    fake: FakeZaloBotApi, client: ZaloBotClient
) -> None:
    with pytest.raises(ZaloApiError) as too_long:
        await client.send_message(USER, "x" * 2001)
    assert too_long.value.error_code == 400 and "2000" in too_long.value.description

    fake.fail_next["sendMessage"] = (502, "Bad gateway", 502)
    with pytest.raises(ZaloApiError) as server_error:
        await client.send_message(USER, "x")
    assert server_error.value.is_server_error

    wrong = ZaloBotClient("999:wrong-token", base_url=fake.base_url)
    with pytest.raises(ZaloApiError) as unauthorized:
        await wrong.get_me()
    await wrong.aclose()
    assert unauthorized.value.is_unauthorized and "wrong-token" not in str(unauthorized.value)

    closed = ZaloBotClient(fake.token, base_url=f"http://127.0.0.1:{free_port()}/bot")
    with pytest.raises(ZaloNetworkError) as network:
        await closed.send_message(USER, "x")
    await closed.aclose()
    assert fake.token not in str(network.value) and fake.token not in repr(closed)


async def test_download_stops_at_the_limit(fake: FakeZaloBotApi, client: ZaloBotClient) -> None:
    url = fake.host_photo(sample_jpeg())
    assert await client.download(url, 10_000) == sample_jpeg()
    with pytest.raises(FileTooBig):
        await client.download(url, 10)


# --- updates -------------------------------------------------------------------------------


def test_updates_become_incoming_messages(fake: FakeZaloBotApi) -> None:
    text = fake.text_update(USER, "/nhiemvu", name="Nguyễn Văn An")
    incoming = to_incoming(text)
    assert incoming is not None
    assert (incoming.platform, incoming.chat_id, incoming.user_id, incoming.user_name,
            incoming.text, incoming.chat_type) == ("zalo", USER, USER, "Nguyễn Văn An",
                                                   "/nhiemvu", "private")
    assert unwrap_update({"ok": True, "result": text}) == text
    assert update_key(text) == f"message.text.received:{text['message']['message_id']}"

    for field_name in ("photo_url", "photo"):
        photo = to_incoming(fake.photo_update(USER, b"jpeg", caption="/minhchung 3",
                                              field_name=field_name))
        assert photo is not None and photo.attachment is not None
        assert photo.text == "/minhchung 3" and photo.attachment.kind == "photo"
        assert photo.attachment.url and photo.attachment.url.startswith("http://127.0.0.1")

    # Some getUpdates payloads leave event_name out; the sample docs say first_name.
    bare = {"message": {"message_id": "m1", "chat": {"id": "c1", "chat_type": "PRIVATE"},
                        "from": {"id": "u1", "first_name": "Lan"}, "text": "/start"}}
    assert to_incoming(bare) == Incoming(platform="zalo", chat_id="c1", user_id="u1",
                                         user_name="Lan", text="/start", message_id="m1")
    group = to_incoming(fake.text_update(USER, "/nhiemvu", chat_id="g1", group=True))
    assert group is not None and group.is_group and group.chat_id == "g1"
    sticker = {"event_name": "message.sticker.received",
               "message": {"message_id": "m2", "chat": {"id": "c1"}, "from": {"id": "u1"},
                           "sticker": "abc"}}
    assert to_incoming(sticker) is None
    assert unwrap_update({"ok": True, "result": None}) is None
    assert unwrap_update([1, 2]) is None


def test_recent_keys_forget_the_oldest() -> None:
    recent = RecentKeys(capacity=2)
    assert recent.add("a") and recent.add("b") and not recent.add("a")
    assert recent.add("c")  # "b" was the least recently seen
    assert recent.add("b") and not recent.add("c")


# --- replies and sending -------------------------------------------------------------------


async def test_long_text_is_split_under_2000_and_html_removed(
    tmp_path: Path, fake: FakeZaloBotApi, client: ZaloBotClient
) -> None:
    replier = ZaloReplier(client, USER, settings=settings_for(tmp_path, fake))
    lines = [f"<b>#{i}</b> Nhiệm vụ &amp; kế hoạch số {i} " + "rất dài " * 8 for i in range(80)]
    await replier.send_text("\n".join(lines))
    sent = fake.sent_to(USER)
    assert len(sent) >= 3 and all(len(s.text) <= 2000 for s in sent)
    joined = "\n".join(s.text for s in sent)
    assert "<b>" not in joined and "&amp;" not in joined and "#79 Nhiệm vụ & kế hoạch" in joined


async def test_menu_becomes_numbered_text(
    tmp_path: Path, fake: FakeZaloBotApi, client: ZaloBotClient
) -> None:
    replier = ZaloReplier(client, USER, settings=settings_for(tmp_path, fake))
    await replier.send_menu("Chọn tiến độ:", [MenuOption("25%", "/capnhat 1 25"),
                                              MenuOption("50%", "/capnhat 1 50")])
    assert fake.sent[-1].text.splitlines()[:4] == ["Chọn tiến độ:", "", "1. 25%", "2. 50%"]
    assert replier.numbered_menu == [("1", "/capnhat 1 25"), ("2", "/capnhat 1 50")]


async def test_photo_download_respects_the_limit(
    tmp_path: Path, fake: FakeZaloBotApi, client: ZaloBotClient
) -> None:
    replier = ZaloReplier(client, USER, settings=settings_for(tmp_path, fake))
    attachment = Attachment(kind="photo", url=fake.host_photo(sample_jpeg()))
    assert await replier.download(attachment, 1000) == sample_jpeg()
    with pytest.raises(FileTooLarge):
        await replier.download(attachment, 20)


@pytest.mark.parametrize(("code", "status", "expected"), [
    (429, 429, RetryAfter),
    (403, 403, Blocked),
    (404, 200, ChatNotFound),
    (500, 500, TransientError),
    (400, 400, SendError),
])
async def test_transport_says_how_a_send_failed(
    tmp_path: Path, fake: FakeZaloBotApi, client: ZaloBotClient, code: int, status: int,
    expected: type[Exception],
) -> None:
    bot = ZaloBot(client=client, router=RecordingRouter(),  # type: ignore[arg-type]
                  settings=settings_for(tmp_path, fake, zalo_retry_after_seconds=45))
    fake.fail_next["sendMessage"] = (code, "refused", status)
    with pytest.raises(expected) as raised:
        await bot.transport.send(USER, "Nhắc việc", None)
    if expected is RetryAfter:
        assert raised.value.seconds == 45  # type: ignore[attr-defined]
    await bot.transport.send(USER, "Nhắc việc", [MenuOption("Chi tiết #1", "/chitiet 1")])
    assert fake.sent[-1].text.startswith("Nhắc việc\n\n1. Chi tiết #1")


async def test_pacer_spaces_messages_in_one_chat() -> None:
    pacer = SendPacer(per_second=1000, chat_interval=0.15)
    started = time.monotonic()
    await asyncio.gather(pacer.wait("a"), pacer.wait("a"), pacer.wait("b"))
    assert 0.14 <= time.monotonic() - started < 1.0
    pacer = SendPacer(per_second=10, chat_interval=0)
    started = time.monotonic()
    for chat in "abcd":
        await pacer.wait(chat)
    assert time.monotonic() - started >= 0.29  # four messages at 10/s: three gaps


def test_backoff_grows_to_a_ceiling() -> None:
    backoff = Backoff(initial=1, maximum=8)
    delays = [backoff.next() for _ in range(6)]
    assert 0.8 <= delays[0] <= 1.2 and 6.4 <= delays[-1] <= 9.6
    assert all(b >= a * 0.6 for a, b in itertools.pairwise(delays))
    backoff.reset()
    assert backoff.next() <= 1.2


# --- the polling loop ----------------------------------------------------------------------


async def test_polling_backs_off_on_errors_and_recovers(
    tmp_path: Path, fake: FakeZaloBotApi, client: ZaloBotClient,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    class QuickBackoff(Backoff):
        def __init__(self) -> None:
            super().__init__(initial=0.01, maximum=0.05)

    monkeypatch.setattr(zalo_adapter, "Backoff", QuickBackoff)
    router = RecordingRouter()
    bot = ZaloBot(client=client, router=router,  # type: ignore[arg-type]
                  settings=settings_for(tmp_path, fake))
    fake.fail_next["getUpdates"] = (500, "Internal error", 500)
    fake.push(fake.text_update(USER, "/start"))
    caplog.set_level(logging.WARNING)
    stop = asyncio.Event()
    polling = asyncio.create_task(bot.poll(stop))
    for _ in range(200):
        if router.seen:
            break
        await asyncio.sleep(0.02)
    stop.set()
    await bot.dispatcher.join()
    polling.cancel()
    assert [m.text for m in router.seen] == ["/start"]
    assert fake.sent[-1].text == "đã nhận: /start"
    assert "getUpdates" in caplog.text and fake.token not in caplog.text
