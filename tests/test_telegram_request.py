"""PTB's Bot on bot.telegram_request.AiohttpRequest against the fake Bot API (real HTTP, the
spec checks): what goes out is what HTTPXRequest sent, and every failure reaches PTB and the
outbox sender's transport as the same exception it was with httpx."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl, urlencode

import pytest
from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.telegram import TelegramTransport
from bot.telegram_request import AiohttpRequest, form_body
from scheduler import transport
from tests.fakes.telegram_api import FakeTelegramServer

CHAT = 4242


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as fake:
        yield fake


def aiohttp_bot(server: FakeTelegramServer, request: AiohttpRequest | None = None) -> Bot:
    return Bot(server.token, base_url=server.api_base_url, base_file_url=server.file_base_url,
               request=request or AiohttpRequest(4), get_updates_request=AiohttpRequest(1))


async def test_a_reply_with_buttons_goes_out_as_the_bot_api_reads_it(
        server: FakeTelegramServer) -> None:
    markup = {"inline_keyboard": [[{"text": "Việc 1", "callback_data": "/xem 1"}]]}
    async with aiohttp_bot(server) as bot:
        sent = await bot.do_api_request("sendMessage", {
            "chat_id": CHAT, "text": "<b>Nhiệm vụ</b> &amp; hạn 31/12", "parse_mode": "HTML",
            "reply_markup": json.dumps(markup)})
        message = await bot.send_message(CHAT, "Thứ hai")
    [first, second] = server.messages_to(CHAT)
    assert sent["message_id"] == first.message_id  # type: ignore[index]
    assert first.text == "Nhiệm vụ & hạn 31/12"
    assert first.button_data("Việc 1") == "/xem 1"
    assert message.message_id == second.message_id and second.text == "Thứ hai"
    server.assert_no_violations()


def test_the_form_reads_back_as_urlencode_writes_it() -> None:
    parameters = {"chat_id": "-1001234", "text": "Hạn 31/12 & <b>xong</b>? a+b=c 100% \n🎉",
                  "reply_markup": json.dumps({"inline_keyboard": [[{"text": "Việc"}]]}),
                  "empty": "", "parse_mode": "HTML"}
    body = form_body(parameters).decode("ascii")
    assert parse_qsl(body, keep_blank_values=True, strict_parsing=True) == list(
        parameters.items())
    assert parse_qsl(body, keep_blank_values=True) == parse_qsl(
        urlencode(parameters), keep_blank_values=True)


async def test_a_file_goes_up_as_multipart_and_a_users_file_comes_down(
        server: FakeTelegramServer) -> None:
    data = bytes(range(256)) * 40
    user = server.user(77, "An")
    incoming = server.send_document(user, b"%PDF-1.4 bien ban", "biên bản.pdf",
                                    "application/pdf")
    async with aiohttp_bot(server) as bot:
        await bot.send_document(CHAT, InputFile(data, filename="báo cáo quý.xlsx"),
                                caption="<i>Báo cáo</i>", parse_mode="HTML")
        telegram_file = await bot.get_file(incoming["document"]["file_id"])
        downloaded = bytes(await telegram_file.download_as_bytearray())
    [sent] = server.messages_to(CHAT)
    assert sent.document is not None and sent.document.data == data
    assert sent.document.file_name == "báo cáo quý.xlsx"
    assert sent.caption == "Báo cáo"
    assert downloaded == b"%PDF-1.4 bien ban"
    server.assert_no_violations()


async def test_long_polling_brings_the_users_updates(server: FakeTelegramServer) -> None:
    user = server.user(78, "Bình")
    async with aiohttp_bot(server) as bot:
        waiting = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.2)
        server.send_text(user, "/nhiemvu")
        [update] = await asyncio.wait_for(waiting, 5)
    assert update.message is not None and update.message.text == "/nhiemvu"


# PTB 22 warns about its own coming change of `retry_after`'s type as it builds the error.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
@pytest.mark.parametrize(("fault", "error", "outcome"), [
    ({"status": 403, "description": "Forbidden: bot was blocked by the user"},
     Forbidden, transport.Blocked),
    ({"status": 400, "description": "Bad Request: chat not found"},
     BadRequest, transport.ChatNotFound),
    ({"status": 429, "description": "Too Many Requests: retry after 3", "retry_after": 3},
     RetryAfter, transport.RetryAfter),
    ({"status": 500, "description": "Internal Server Error"}, NetworkError,
     transport.TransientError),
])
async def test_bot_api_refusals_become_ptbs_errors_and_the_senders_decisions(
        server: FakeTelegramServer, fault: dict[str, object], error: type[Exception],
        outcome: type[transport.SendError]) -> None:
    server.inject_fault(method="sendMessage", chat_id=CHAT, times=2, **fault)  # type: ignore[arg-type]
    async with aiohttp_bot(server) as bot:
        with pytest.raises(error):
            await bot.send_message(CHAT, "Nhắc việc")
        with pytest.raises(outcome):
            await TelegramTransport(bot).send(str(CHAT), "Nhắc việc", None)


async def test_no_answer_in_time_is_an_unknown_outcome(server: FakeTelegramServer) -> None:
    server.hang_requests(method="sendMessage", times=1)
    async with aiohttp_bot(server, AiohttpRequest(2, read_timeout=0.3)) as bot:
        with pytest.raises(transport.UnknownOutcome):
            await TelegramTransport(bot).send(str(CHAT), "Nhắc việc", None)


async def test_no_free_connection_in_time_was_never_sent_so_it_is_retried(
        server: FakeTelegramServer) -> None:
    server.hang_requests(method="sendMessage", chat_id=CHAT, times=1)
    async with aiohttp_bot(server, AiohttpRequest(1, pool_timeout=0.2, connect_timeout=0.2,
                                                  read_timeout=5)) as bot:
        holding = asyncio.create_task(bot.send_message(CHAT, "Treo"))
        await asyncio.sleep(0.2)
        with pytest.raises(TimedOut, match="Pool timeout"):
            await bot.send_message(CHAT + 1, "Chờ")
        with pytest.raises(transport.TransientError):
            await TelegramTransport(bot).send(str(CHAT + 1), "Chờ", None)
        holding.cancel()
    assert not server.messages_to(CHAT + 1)


async def test_a_server_that_is_not_there_is_a_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest(1)
    bot = Bot("1:x", base_url=f"http://127.0.0.1:{port}/bot", request=request,
              get_updates_request=AiohttpRequest(1))
    async with request:  # not the Bot: its start asks getMe
        with pytest.raises(transport.TransientError):
            await TelegramTransport(bot).send(str(CHAT), "Nhắc việc", None)


async def test_a_request_shut_down_can_start_again(server: FakeTelegramServer) -> None:
    request = AiohttpRequest(1)
    bot = aiohttp_bot(server, request)
    async with bot:
        await bot.send_message(CHAT, "Một")
    async with bot:
        await bot.send_message(CHAT, "Hai")
    assert [m.text for m in server.messages_to(CHAT)] == ["Một", "Hai"]
