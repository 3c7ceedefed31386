"""Replies leave through PTB's raw sendMessage (bot.telegram.TelegramReplier._send_chunk, no
Message decoded): the request must be the one PTB's send_message with our Defaults makes, the
message id kept, and Bot API failures must still raise PTB's errors."""

from __future__ import annotations

from typing import Any

import pytest
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot.telegram import TELEGRAM_DEFAULTS, TelegramReplier, keyboard
from handlers.base import ButtonLayout, MenuOption
from tests.fakes.telegram_api import FakeTelegramServer

MENU = [MenuOption("Trang sau ▶", "/nhiemvu 2"), MenuOption("Xong #3", "/xong 3")]


async def _sent(bot: ExtBot[Any], server: FakeTelegramServer, send: Any) -> dict[str, Any]:
    before = len(server.requests_for("sendMessage"))
    await send()
    requests = server.requests_for("sendMessage")
    assert len(requests) == before + 1
    return dict(requests[-1].params)


async def test_a_reply_is_the_request_send_message_makes() -> None:
    async with FakeTelegramServer() as server:
        user = server.user(1001, "Lan")
        bot: ExtBot[Any] = ExtBot(token=server.token, base_url=server.api_base_url,
                                  base_file_url=server.file_base_url, defaults=TELEGRAM_DEFAULTS)
        async with bot:
            text = "<b>Việc của tôi</b>\n1. Báo cáo quý — https://example.vn/a"
            replier = TelegramReplier(bot, user.id)
            ours = await _sent(bot, server, lambda: replier.send_menu(text, MENU, columns=2))
            theirs = await _sent(bot, server, lambda: bot.send_message(
                chat_id=user.id, text=text,
                reply_markup=keyboard(ButtonLayout(MENU, 2))))
            assert ours == theirs
            assert ours["parse_mode"] == "HTML"
            assert ours["link_preview_options"] == {"is_disabled": True}
            assert ours["reply_markup"]["inline_keyboard"][0][1]["callback_data"] == "/xong 3"
            messages = await server.wait_for_messages(user, count=2)
            assert replier.sent_ids == [str(messages[0].message_id)]
            # A long text is split and every part's id kept, as with send_message.
            long = TelegramReplier(bot, user.id)
            await long.send_text("Một dòng dài.\n" * 700)
            assert len(long.sent_ids) == 3
            server.assert_no_violations()
            with pytest.raises(BadRequest):
                await TelegramReplier(bot, user.id).send_text("<b>thẻ không đóng")
        assert len(server.violations) == 1  # the refusal above, raised as PTB raises it
