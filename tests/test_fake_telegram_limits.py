"""The fake Bot API server, continued: long polling, flood limits, faults and latency, the
formatting rules (see test_fake_telegram_api for the chat side and request validation)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from tests.fakes import (
    FakeTelegramServer,
    FakeTimeout,
    RateLimits,
    find_buttons,
)
from tests.fakes.formatting import ParseError, parse_formatted, parse_html

MB = 1024 * 1024

# PTB 22 itself reads RetryAfter.retry_after while building the message, which warns unless
# PTB_TIMEDELTA is set; that's PTB's deprecation, not the fake's.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as fake:
        yield fake



def seconds(error: RetryAfter) -> float:
    # PTB 22 warns on `.retry_after` unless PTB_TIMEDELTA is set; __reduce__ gives the seconds.
    return float(error.__reduce__()[1][0])


# ------------------------------------------------------------------ long polling


async def test_long_poll_returns_as_soon_as_an_update_arrives(
        server: FakeTelegramServer) -> None:
    lan = server.user(1001, "Lan")
    async with httpx.AsyncClient(timeout=10) as client:
        url = server.method_url("getUpdates")
        started = time.perf_counter()
        poll = asyncio.create_task(client.post(url, data={"timeout": "30"}))
        await asyncio.sleep(0.05)
        server.send_text(lan, "xin chào")
        updates = (await poll).json()["result"]
        assert time.perf_counter() - started < 2
        assert [u["message"]["text"] for u in updates] == ["xin chào"]
        again = (await client.post(url, data={"timeout": "0"})).json()["result"]
        assert again == updates  # not confirmed yet
        server.send_text(lan, "lần hai")
        confirmed = (await client.post(url, data={"offset": str(updates[0]["update_id"] + 1),
                                                  "timeout": "0"})).json()["result"]
        assert [u["message"]["text"] for u in confirmed] == ["lần hai"]
        started = time.perf_counter()
        empty = (await client.post(url, data={"offset": str(confirmed[0]["update_id"] + 1),
                                              "timeout": "1"})).json()["result"]
        assert empty == [] and 0.9 < time.perf_counter() - started < 3

        await client.post(server.method_url("setWebhook"), data={"url": "https://x.gov.vn/h"})
        conflict = await client.post(url)
        assert conflict.status_code == 409
        info = (await client.post(server.method_url("getWebhookInfo"))).json()["result"]
        assert info["url"] == "https://x.gov.vn/h"
        await client.post(server.method_url("deleteWebhook"))
        assert (await client.post(url)).status_code == 200


# ------------------------------------------------------------------ flood limits


async def test_rate_limit_answers_429_that_ptb_raises_as_retry_after() -> None:
    limits = RateLimits(global_per_sec=30, per_chat_per_sec=1, per_group_per_min=20)
    async with FakeTelegramServer(rate_limits=limits) as server, \
            server.application_builder().build() as app:
        await app.bot.send_message(1001, "một")
        with pytest.raises(RetryAfter) as caught:
            await app.bot.send_message(1001, "hai")
        assert seconds(caught.value) == 1
        await app.bot.send_message(1002, "chat khác vẫn gửi được")
        await app.bot.send_chat_action(1001, "typing")  # not a message: not limited
    assert server.too_many_requests == 1
    assert len(server.accepted_sends) == 2
    assert server.limit_violations() == 0
    assert server.errors == ["sendMessage: 429 Too Many Requests: retry after 1"]
    server.assert_no_violations()


async def test_group_and_global_windows_with_a_manual_clock() -> None:
    now = [1000.0]
    limits = RateLimits(global_per_sec=30, per_chat_per_sec=1, per_group_per_min=20)
    async with FakeTelegramServer(rate_limits=limits, clock=lambda: now[0]) as server, \
            httpx.AsyncClient() as client:

        async def send(chat_id: int) -> httpx.Response:
            return await client.post(server.method_url("sendMessage"),
                                     data={"chat_id": str(chat_id), "text": "nhắc việc"})

        for _ in range(20):  # one per 1.5 s: within 1/s, and 20 in 28.5 s
            assert (await send(-100555)).status_code == 200
            now[0] += 1.5
        refused = await send(-100555)
        assert refused.status_code == 429
        # The first of the 20 sends was at t=1000; room again at t=1060 (now is 1030).
        assert refused.json()["parameters"] == {"retry_after": 30}
        now[0] = 1060.0
        assert (await send(-100555)).status_code == 200

        now[0] = 1070.0
        for chat_id in range(2000, 2030):  # 30 different chats in the same instant
            assert (await send(chat_id)).status_code == 200
        assert (await send(3000)).status_code == 429  # 31st in one second
        now[0] += 1.0
        assert (await send(3000)).status_code == 200
    assert server.too_many_requests == 2
    assert server.limit_violations() == 0


async def test_limit_violations_are_recomputed_from_accepted_sends() -> None:
    now = [0.0]
    async with FakeTelegramServer(clock=lambda: now[0]) as server, \
            httpx.AsyncClient() as client:  # no enforcement: the bot must pace itself
        for step in (0.0, 0.5, 0.6, 2.0):
            now[0] = step
            response = await client.post(server.method_url("sendMessage"),
                                         data={"chat_id": "7", "text": "x"})
            assert response.status_code == 200
    assert server.limit_violation_details() == {"global": 0, "per_chat": 2, "per_group": 0,
                                                "total": 2}
    assert server.limit_violations(RateLimits(per_chat_per_sec=3)) == 0


# ------------------------------------------------------------------ faults and latency


async def test_injected_faults_surface_as_ptb_errors(server: FakeTelegramServer) -> None:
    server.block_chat(2001)
    server.chat_not_found(2002)
    server.inject_fault(status=500, chat_id=2003, times=1)
    server.inject_fault(status=429, description="Too Many Requests: retry after 7",
                        chat_id=2004, retry_after=7, times=1)
    server.hang_requests(chat_id=2005, times=1)
    builder = server.application_builder().read_timeout(0.3)
    async with builder.build() as app:
        bot = app.bot
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(2001, "x")
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(2002, "x")
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(2003, "x")
        await bot.send_message(2003, "lần sau thì được")  # times=1
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(2004, "x")
        assert seconds(caught.value) == 7
        started = time.perf_counter()
        with pytest.raises(TimedOut):
            await bot.send_message(2005, "x")
        assert time.perf_counter() - started < 2
        server.latency_ms = 60
        started = time.perf_counter()
        await bot.send_message(2006, "chậm")
        assert time.perf_counter() - started >= 0.06
    assert server.hung_requests == 1
    assert [m.text for m in server.sent_messages] == ["lần sau thì được", "chậm"]
    server.assert_no_violations()


async def test_wait_for_messages_times_out_with_diagnostics(server: FakeTelegramServer) -> None:
    async with httpx.AsyncClient() as client:
        await client.post(server.method_url("sendMessage"), data={"chat_id": "5", "text": "a"})
    assert [m.text for m in await server.wait_for_messages(5)] == ["a"]
    with pytest.raises(FakeTimeout, match=r"sendMessage\(chat_id=5"):
        await server.wait_for_messages(5, timeout=0.05)


# ------------------------------------------------------------------ formatting rules


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("<b>a</b> <strong>b</strong> <i>c</i><em>d</em><u>e</u><s>f</s>", "a b cdef"),
        ('<a href="https://x.vn/?a=1&amp;b=2">link</a>', "link"),
        ("<pre><code class=\"language-python\">x = 1</code></pre>", "x = 1"),
        ('<span class="tg-spoiler">bí mật</span><tg-spoiler>!</tg-spoiler>', "bí mật!"),
        ("<blockquote expandable>trích</blockquote>", "trích"),
        ("&lt;b&gt; &amp; &quot;q&quot; &#65;&#x42;", '<b> & "q" AB'),
        ("<B>HOA</B>", "HOA"),
        ("  cắt khoảng trắng \n", "cắt khoảng trắng"),
    ],
)
def test_html_parsing(text: str, plain: str) -> None:
    assert parse_formatted(text, "HTML").text == plain


@pytest.mark.parametrize(
    "text",
    ["<b>mở", "</b>", "<b><i>x</b></i>", "a < b", "<br>", "<span>x</span>", "AT&T",
     "&nbsp;", "<b", "<a href='x'>x"],
)
def test_malformed_html_is_refused(text: str) -> None:
    with pytest.raises(ParseError, match=r"^Bad Request: can't parse entities: "):
        parse_html(text)


def test_html_entities_offsets_are_utf16() -> None:
    parsed = parse_formatted("😀 <b>Việc</b> <a href=\"https://x.vn\">mở</a>", "HTML")
    assert parsed.text == "😀 Việc mở"
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "offset": 8, "length": 2, "url": "https://x.vn"},
    ]
    assert parse_formatted("a & b", "HTML", strict_ampersand=False).text == "a & b"


@pytest.mark.parametrize(
    ("text", "ok"),
    [("*đậm* _nghiêng_ `mã`", True), ("Hạn: 01\\.02\\.2026", True), ("Hạn: 01.02.2026", False),
     ("*mở", False), ("[trang](https://x.vn/a\\)b)", True), ("a - b", False)],
)
def test_markdown_v2_reserved_characters(text: str, ok: bool) -> None:
    if ok:
        parse_formatted(text, "MarkdownV2")
    else:
        with pytest.raises(ParseError):
            parse_formatted(text, "MarkdownV2")


def test_find_buttons_on_plain_dicts() -> None:
    markup = {"inline_keyboard": [[{"text": "Hoàn thành", "callback_data": "done:1"},
                                   {"text": "Hoãn 1 ngày", "callback_data": "snooze:1"}],
                                  [{"text": "Mở web", "url": "https://x.vn"}]]}
    assert find_buttons(markup, "hoàn") == ["done:1"]
    assert find_buttons({"reply_markup": markup}, "HOÃN") == ["snooze:1"]
    assert find_buttons(markup, "web") == []  # URL buttons carry no callback_data
