"""The fake Bot API server against the real python-telegram-bot 22 (and raw HTTP).

Proves the fake is faithful enough for end-to-end tests: PTB's polling, handlers, uploads and
downloads work against it; what Telegram would refuse is refused and recorded; flood limits and
injected faults surface as the PTB exceptions the bot must handle.
"""

from __future__ import annotations

import hashlib
import html
import io
import struct
import zlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaDocument,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes import (
    BotApiSpec,
    FakeTelegramServer,
    run_polling,
)
from tests.fakes.formatting import utf16_len

MB = 1024 * 1024

# PTB 22 itself reads RetryAfter.retry_after while building the message, which warns unless
# PTB_TIMEDELTA is set; that's PTB's deprecation, not the fake's.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as fake:
        yield fake


def png(width: int, height: int) -> bytes:
    """A valid, tiny grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def seconds(error: RetryAfter) -> float:
    # PTB 22 warns on `.retry_after` unless PTB_TIMEDELTA is set; __reduce__ gives the seconds.
    return float(error.__reduce__()[1][0])


# ------------------------------------------------------------------ a tiny echo bot on PTB 22


AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def echo_app(server: FakeTelegramServer, errors: list[BaseException]) -> AnyApplication:
    app = server.application_builder().build()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message and update.effective_user
        name = html.escape(update.effective_user.first_name)
        keyboard = InlineKeyboardMarkup([
            [InlineKeyboardButton("📋 Việc của tôi", callback_data="menu:tasks")],
            [InlineKeyboardButton("Trợ giúp", callback_data="menu:help"),
             InlineKeyboardButton("Trang web", url="https://example.gov.vn")],
        ])
        await update.effective_message.reply_text(
            f"<b>Xin chào {name}!</b>\nChọn một mục:", parse_mode=ParseMode.HTML,
            reply_markup=keyboard)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message and update.effective_message.text
        text = html.escape(update.effective_message.text)
        await update.effective_message.reply_text(f"Bạn nói: <i>{text}</i>",
                                                  parse_mode=ParseMode.HTML)

    async def on_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        if message.photo:
            file_id, name = message.photo[-1].file_id, "anh.png"
        else:
            assert message.document is not None
            file_id, name = message.document.file_id, f"bản sao - {message.document.file_name}"
        try:
            telegram_file = await context.bot.get_file(file_id)
        except BadRequest as error:
            await message.reply_text(f"Tệp quá lớn: {html.escape(str(error))}")
            return
        data = bytes(await telegram_file.download_as_bytearray())
        digest = hashlib.sha256(data).hexdigest()[:12]
        await message.reply_text(f"Đã nhận {len(data)} byte, sha {digest}")
        await message.reply_document(
            InputFile(io.BytesIO(data), filename=name),
            caption=f"<b>{html.escape(message.caption or 'tệp')}</b>", parse_mode=ParseMode.HTML,
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Xoá",
                                                                     callback_data="del")]]))

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer(f"Đã chọn {query.data}")
        if query.data == "menu:tasks":
            await query.edit_message_text("<b>Danh sách việc</b>: chưa có việc nào",
                                          parse_mode=ParseMode.HTML)

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.error is not None
        errors.append(context.error)

    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.PHOTO | filters.Document.ALL, on_file))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_error_handler(on_error)
    return app


async def test_command_reply_button_and_edit(server: FakeTelegramServer) -> None:
    errors: list[BaseException] = []
    async with run_polling(echo_app(server, errors)):
        lan = server.user(1001, "Lan <Phòng 1>")
        server.send_text(lan, "/start")
        [reply] = await server.wait_for_messages(lan)
        assert reply.text == "Xin chào Lan <Phòng 1>!\nChọn một mục:"  # as the user sees it
        assert reply.raw_text == "<b>Xin chào Lan &lt;Phòng 1&gt;!</b>\nChọn một mục:"
        assert reply.payload["entities"] == [{"type": "bold", "offset": 0,
                                              "length": utf16_len("Xin chào Lan <Phòng 1>!")}]
        assert reply.payload["from"]["username"] == "nhacviec_test_bot"
        assert reply.find_buttons("việc") == ["menu:tasks"]
        assert [b.text for b in reply.buttons()] == ["📋 Việc của tôi", "Trợ giúp", "Trang web"]

        query_id = server.click(lan, reply, "Việc của tôi")
        answer = await server.wait_for_callback_answer(query_id)
        assert answer["text"] == "Đã chọn menu:tasks"
        await server.wait_for(lambda: reply.edits, what="the menu to be edited")
        assert reply.text == "Danh sách việc: chưa có việc nào"
        assert reply.reply_markup is None  # editing text without reply_markup drops it

        server.send_text(lan, "a < b && c > d")
        [echoed] = await server.wait_for_messages(lan)
        assert echoed.text == "Bạn nói: a < b && c > d"
        assert echoed.message_id > reply.message_id

    sent = server.requests_for("sendMessage")[0]
    assert sent.params["chat_id"] == 1001 and sent.params["parse_mode"] == "HTML"
    assert isinstance(sent.params["reply_markup"], dict)  # form field decoded from JSON
    assert errors == []
    server.assert_no_violations()
    assert server.errors == []


async def test_group_commands_with_bot_username(server: FakeTelegramServer) -> None:
    errors: list[BaseException] = []
    async with run_polling(echo_app(server, errors)):
        lan = server.user(1001, "Lan")
        group = server.group(-1001234567890, "Tổ công tác CCHC", supergroup=True, admins=[lan])
        server.send_text(lan, "/start@other_bot", chat=group)  # for another bot: ignored
        server.send_text(lan, "/start@nhacviec_test_bot", chat=group)
        [reply] = await server.wait_for_messages(group.id)
        assert reply.payload["chat"] == {"id": group.id, "type": "supergroup",
                                         "title": "Tổ công tác CCHC"}
        assert reply.content.startswith("Xin chào Lan!")
        update = server.updates[-1]["message"]
        assert update["entities"] == [{"type": "bot_command", "offset": 0,
                                       "length": len("/start@nhacviec_test_bot")}]
    assert len(server.messages_to(group)) == 1
    assert errors == []
    server.assert_no_violations()


async def test_photo_and_document_download_and_upload(server: FakeTelegramServer) -> None:
    errors: list[BaseException] = []
    image = png(64, 48)
    sheet = b"PK\x03\x04" + bytes(range(256)) * 40
    async with run_polling(echo_app(server, errors)):
        lan = server.user(1001, "Lan")
        photo_message = server.send_photo(lan, image, caption="Ảnh hiện trường")
        assert photo_message["photo"][-1]["width"] == 64
        summary, copy = await server.wait_for_messages(lan, 2)
        assert summary.text == (f"Đã nhận {len(image)} byte, "
                                f"sha {hashlib.sha256(image).hexdigest()[:12]}")
        assert copy.document is not None and copy.document.data == image
        assert copy.document.file_name == "anh.png"
        assert copy.caption == "Ảnh hiện trường"
        assert copy.button_data("Xoá") == "del"

        server.send_document(lan, sheet, "Kế hoạch 2026.xlsx", caption="Kế hoạch")
        summary, copy = await server.wait_for_messages(lan, 2)
        assert summary.text is not None and summary.text.startswith(f"Đã nhận {len(sheet)} byte")
        assert copy.document is not None
        assert copy.document.data == sheet
        assert copy.document.file_name == "bản sao - Kế hoạch 2026.xlsx"  # non-ASCII survives
        assert copy.payload["document"]["mime_type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert len(server.downloads) == 2
    uploads = server.requests_for("sendDocument")
    assert all(isinstance(r.params["reply_markup"], dict) for r in uploads)  # JSON in multipart
    assert errors == []
    server.assert_no_violations()


async def test_declared_size_over_20_mb_is_refused_by_get_file(
        server: FakeTelegramServer) -> None:
    errors: list[BaseException] = []
    async with run_polling(echo_app(server, errors)):
        lan = server.user(1001, "Lan")
        sent = server.send_document(lan, b"small", "video.mp4", declared_size=25 * MB)
        assert sent["document"]["file_size"] == 25 * MB
        [reply] = await server.wait_for_messages(lan)
        assert reply.text == "Tệp quá lớn: File is too big"
    assert server.errors == ["getFile: 400 Bad Request: file is too big"]
    server.assert_no_violations()  # a refusal a correct bot meets, not a malformed request


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("method", "params", "status", "expected"),
    [
        ("sendMessage", {"text": "thiếu chat_id"}, 400, "Bad Request: chat_id is empty"),
        ("sendMesage", {"chat_id": 1, "text": "x"}, 404, "Not Found"),
        ("sendMessage", {"chat_id": 1, "text": "x", "colour": "red"}, 400, 'no parameter "colour"'),
        ("sendMessage", {"chat_id": 1, "text": "x", "disable_notification": "maybe"}, 400,
         "expected Boolean"),
        ("sendMessage", {"chat_id": 1, "text": "x" * 4097}, 400, "message is too long"),
        ("sendMessage", {"chat_id": 1, "text": "<b>đậm", "parse_mode": "HTML"}, 400,
         "can't parse entities"),
        ("sendMessage", {"chat_id": 1, "text": "Q&A", "parse_mode": "HTML"}, 400,
         'unescaped "&"'),
        ("sendMessage", {"chat_id": 1, "text": "a <br> b", "parse_mode": "HTML"}, 400,
         'Unsupported start tag "br"'),
        ("sendMessage", {"chat_id": 1, "text": "x", "parse_mode": "html5"}, 400,
         "unsupported parse_mode"),
        ("sendMessage", {"chat_id": 1, "text": "x",
                         "reply_markup": '{"inline_keyboard": [[{"text": "A", "callback": "a"}]]}'},
         400, 'InlineKeyboardButton has no field "callback"'),
        ("sendMessage", {"chat_id": 1, "text": "x",
                         "reply_markup": '{"inline_keyboard": [[{"text": "A", "callback_data": "'
                                         + "đ" * 33 + '"}]]}'},
         400, "BUTTON_DATA_INVALID"),
        ("sendMessage", {"chat_id": 1, "text": "x",
                         "reply_markup": '{"inline_keyboard": [[{"text": "A"}]]}'},
         400, "text buttons are unallowed"),
        ("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": "{not json"}, 400,
         "not valid JSON"),
        ("sendDocument", {"chat_id": 1, "document": "AgACnothing", "caption": "c" * 1025}, 400,
         "message caption is too long"),
        ("answerCallbackQuery", {"callback_query_id": "1", "text": "t" * 201}, 400,
         "MESSAGE_TOO_LONG"),
        ("setMyCommands", {"commands": '[{"command": "Start", "description": "Bắt đầu"}]'},
         400, "BOT_COMMAND_INVALID"),
        ("setMyCommands", {"commands": '[{"command": "start", "description": "x"}]',
                           "scope": '{"type": "chat"}'}, 400,
         'BotCommandScopeChat requires field "chat_id"'),
        ("sendChatAction", {"chat_id": 1, "action": "typing_fast"}, 400,
         "wrong parameter action"),
    ],
)
async def test_violations_are_answered_and_recorded(
        server: FakeTelegramServer, method: str, params: dict[str, str], status: int,
        expected: str) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(server.method_url(method), data=params)
    body = response.json()
    assert response.status_code == status
    assert body["ok"] is False and body["error_code"] == status
    assert len(server.violations) == 1
    assert expected in server.violations[0]
    with pytest.raises(AssertionError, match="1 Bot API violation"):
        server.assert_no_violations()


async def test_request_encodings_and_case_insensitive_methods(
        server: FakeTelegramServer) -> None:
    async with httpx.AsyncClient() as client:
        me = (await client.get(server.method_url("getme"))).json()
        assert me["ok"] and me["result"]["is_bot"]
        assert me["result"]["username"] == "nhacviec_test_bot"
        as_json = await client.post(server.method_url("SENDMESSAGE"), json={
            "chat_id": 42, "text": "JSON <i>body</i>", "parse_mode": "HTML",
            "reply_markup": {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}})
        assert as_json.json()["result"]["text"] == "JSON body"
        as_query = await client.get(server.method_url("sendMessage"),
                                    params={"chat_id": "42", "text": "query string"})
        assert as_query.json()["result"]["message_id"] == 2
        bad_json = await client.post(server.method_url("sendMessage"), json={
            "chat_id": 42, "text": "x", "disable_notification": "yes"})
        assert bad_json.status_code == 400
        wrong_token = await client.post(server.method_url("getMe", token="1:wrong"))
        assert wrong_token.status_code == 401
        stats = (await client.get(f"{server.base_url}/_fake/stats")).json()
    assert [m.text for m in server.messages_to(42)] == ["JSON body", "query string"]
    assert len(server.violations) == 2
    assert stats["requests"] == 5 and stats["violations"] == 2 and stats["accepted_sends"] == 2


async def test_ptb_sees_telegram_errors(server: FakeTelegramServer) -> None:
    async with server.application_builder().build() as app:
        bot = app.bot
        html_4096 = "<b>" + "&lt;" * 4096 + "</b>"  # 4096 characters once parsed
        longest = await bot.send_message(1001, html_4096, parse_mode=ParseMode.HTML)
        assert longest.text == "<" * 4096
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(1001, "ư" * 4097)
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(1001, "😀" * 2049)  # 4098 UTF-16 code units
        with pytest.raises(BadRequest, match="Can't parse entities"):
            await bot.send_message(1001, "Hạn <b>hôm nay</i>", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.send_message(1001, " <b> </b> ", parse_mode=ParseMode.HTML)
        message = await bot.send_message(1001, "Giữ nguyên")
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text("Giữ nguyên", chat_id=1001, message_id=message.message_id)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", chat_id=1001, message_id=999)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query("123")
        await bot.set_my_commands([BotCommand("start", "Bắt đầu"), BotCommand("viec", "Việc")])
        assert [c.command for c in await bot.get_my_commands()] == ["start", "viec"]
        with pytest.raises(BadRequest, match="Bot_command_invalid"):
            await bot.set_my_commands([BotCommand("Việc", "x")])
        server.group(-100888, "Nhóm cũ")
        assert await bot.leave_chat(-100888)
        with pytest.raises(Forbidden, match="bot is not a member"):
            await bot.send_message(-100888, "còn đây không?")
        location = await bot.send_location(1001, latitude=21.03, longitude=105.85)  # generic
        assert location.chat.id == 1001
        chat = await bot.get_chat(1001)
        assert chat.id == 1001 and chat.type == "private"
    assert len(server.violations) == 5  # too long ×2, HTML, empty text, command name
    assert sum("not modified" in e for e in server.errors) == 1


async def test_media_group_uploads_attach_parts(server: FakeTelegramServer) -> None:
    async with server.application_builder().build() as app:
        album = await app.bot.send_media_group(1001, [
            InputMediaDocument(io.BytesIO(b"so lieu 1"), filename="Báo cáo quý 1.pdf"),
            InputMediaDocument(io.BytesIO(b"so lieu 2"), filename="bc2.pdf",
                               caption="<b>Quý 2</b>", parse_mode=ParseMode.HTML),
        ])
        assert [m.document.file_name for m in album if m.document] == ["Báo cáo quý 1.pdf",
                                                                        "bc2.pdf"]
        with pytest.raises(BadRequest, match="Wrong number of media"):
            await app.bot.send_media_group(1001, [InputMediaDocument(io.BytesIO(b"x"))])
    first, second = server.messages_to(1001)
    assert first.document is not None and first.document.data == b"so lieu 1"
    assert second.caption == "Quý 2" and second.raw_text == "<b>Quý 2</b>"
    assert len(server.violations) == 1  # the one-item album


async def test_responses_match_the_spec(server: FakeTelegramServer) -> None:
    errors: list[BaseException] = []
    async with run_polling(echo_app(server, errors)):
        lan = server.user(1001, "Lan", username="lan_ub")
        group = server.group(-100777, "Tổ CCHC", creator=lan)
        server.send_text(lan, "/start")
        [menu] = await server.wait_for_messages(lan)
        server.send_photo(lan, png(3, 2))
        await server.wait_for_messages(lan, 2)
        server.click(lan, menu, "Việc")
        await server.wait_for(lambda: menu.edits)
        app_bot = Bot(server.token, base_url=server.api_base_url)
        async with app_bot:
            await app_bot.get_chat(group.id)
            await app_bot.get_chat_member(group.id, lan.id)
            await app_bot.get_chat_administrators(group.id)
    spec = BotApiSpec.load()
    returns = {"getMe": "User", "sendMessage": "Message", "sendDocument": "Message",
               "editMessageText": "Message", "getFile": "File", "getChat": "ChatFullInfo",
               "getChatMember": "ChatMember", "getUpdates": "Array of Update",
               "getChatAdministrators": "Array of ChatMember"}
    checked = 0
    for request in server.requests:
        if request.ok and request.method in returns:
            problems = spec.validate_object(request.result, returns[request.method])
            assert problems == [], (request.method, problems)
            checked += 1
    assert checked >= 10
    server.assert_no_violations()
