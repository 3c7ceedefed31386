"""Telegram adapter on python-telegram-bot 22: updates → `Incoming`, `Replier` → Bot API.

It only translates; every decision is made by the platform-neutral handlers.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from functools import lru_cache
from typing import Any

from telegram import Bot as TelegramBot
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    LinkPreviewOptions,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError, TimedOut
from telegram.error import RetryAfter as TelegramRetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.telegram_request import AiohttpRequest, UpdatesRequest
from bot.tls import shared_tls_context
from config.settings import Settings
from db.inbox import Inbox
from handlers import registry
from handlers.base import (
    Attachment,
    ButtonLayout,
    FileTooLarge,
    Incoming,
    MenuOption,
    OutgoingFile,
    Replier,
)
from handlers.router import Router, log_error
from scheduler.ratelimit import retry_after_seconds
from scheduler.transport import (
    Blocked,
    ChatNotFound,
    RetryAfter,
    SendError,
    TransientError,
    UnknownOutcome,
)
from texts import messages
from texts.clean import utf16_length

logger = logging.getLogger(__name__)

PLATFORM = "telegram"
CAPTION_LIMIT = 1024
MAX_CONCURRENT_UPDATES = 16


def keyboard(layout: ButtonLayout | Sequence[MenuOption] | None) -> InlineKeyboardMarkup | None:
    if not layout:
        return None
    if not isinstance(layout, ButtonLayout):
        layout = ButtonLayout(list(layout), 1)
    return _inline_keyboard(tuple(tuple((o.label, o.command) for o in row) for row in layout.rows()))


@lru_cache(maxsize=4096)
def _inline_keyboard(rows: tuple[tuple[tuple[str, str], ...], ...]) -> InlineKeyboardMarkup:
    # PTB objects are frozen, so one markup can serve every send of the same menu (a page of
    # /nhiemvu is asked for again and again); building eleven buttons each time is not free.
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=command) for label, command in row]
         for row in rows]
    )


def keyboard_json(layout: ButtonLayout | None) -> str | None:
    """The inline keyboard as the JSON the Bot API reads, made once per menu."""
    if not layout:
        return None
    return _inline_keyboard_json(
        tuple(tuple((o.label, o.command) for o in row) for row in layout.rows()))


@lru_cache(maxsize=4096)
def _inline_keyboard_json(rows: tuple[tuple[tuple[str, str], ...], ...]) -> str:
    # PTB would encode the markup again on every send (to_dict, then json.dumps): a string
    # goes out as it is.
    return json.dumps(_inline_keyboard(rows).to_dict())


# Every text we send is Telegram HTML (see texts.messages); links stay plain.
_NO_LINK_PREVIEW = LinkPreviewOptions(is_disabled=True)
TELEGRAM_DEFAULTS = Defaults(parse_mode=ParseMode.HTML, link_preview_options=_NO_LINK_PREVIEW)
# The same defaults, for the replies sent without PTB's own send_message (see _send_chunk).
_SEND_MESSAGE_DEFAULTS: dict[str, object] = {
    "parse_mode": ParseMode.HTML,
    "link_preview_options": json.dumps(_NO_LINK_PREVIEW.to_dict()),
}
# `do_api_request("sendMessage")` is chosen on purpose (see _send_chunk): PTB's advice to use
# send_message instead is not for us.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.sendMessage'",
                        category=PTBUserWarning, module=r"bot\.telegram")


class TelegramReplier(Replier):
    max_text_length = 4096
    supports_buttons = True
    supports_files = True
    supports_contact = True

    def __init__(self, bot: TelegramBot, chat_id: int | str) -> None:
        super().__init__()
        self.bot = bot
        self.chat_id = chat_id

    async def _send_chunk(self, text: str, buttons: ButtonLayout | None) -> None:
        # sendMessage through PTB's raw call: the Message Telegram sends back (text, entities,
        # the whole keyboard) is not decoded into objects for the one id we keep, a tenth of
        # the bot's time per update. The same request goes out as with send_message (HTML and
        # no link previews from TELEGRAM_DEFAULTS), through the same rate limiter and errors.
        sent = await self.bot.do_api_request("sendMessage", {
            "chat_id": self.chat_id, "text": text, "reply_markup": keyboard_json(buttons),
            **_SEND_MESSAGE_DEFAULTS})
        message_id = sent.get("message_id") if isinstance(sent, dict) else None
        if message_id is not None:
            self.sent_ids.append(str(message_id))

    async def ask_contact(self, text: str, button: str) -> None:
        # A reply keyboard, not an inline one: only it can share the person's own number.
        await self.bot.send_message(
            chat_id=self.chat_id, text=text, parse_mode=ParseMode.HTML,
            reply_markup=ReplyKeyboardMarkup([[KeyboardButton(button, request_contact=True)]],
                                             one_time_keyboard=True, resize_keyboard=True))

    async def send_file(self, file: OutgoingFile) -> None:
        caption = file.caption
        if caption and utf16_length(caption) > CAPTION_LIMIT:
            await self.send_text(caption)
            caption = None
        await self.bot.send_document(
            chat_id=self.chat_id,
            document=InputFile(io.BytesIO(file.data), filename=file.file_name),
            caption=caption,
        )

    async def download(self, attachment: Attachment, max_bytes: int) -> bytes:
        if attachment.file_id is None:
            raise ValueError("attachment without file id")
        if attachment.size is not None and attachment.size > max_bytes:
            raise FileTooLarge(attachment.size)
        try:
            telegram_file = await self.bot.get_file(attachment.file_id)
        except BadRequest as error:
            # The Bot API refuses files over 20 MB with "file is too big".
            if "too big" in str(error).lower():
                raise FileTooLarge(attachment.size) from None
            raise
        if telegram_file.file_size is not None and telegram_file.file_size > max_bytes:
            raise FileTooLarge(telegram_file.file_size)
        data = bytes(await telegram_file.download_as_bytearray())
        if len(data) > max_bytes:
            raise FileTooLarge(len(data))
        return data


class TelegramTransport:
    """The outbox sender's way out through Telegram."""

    platform = PLATFORM
    supports_buttons = True

    def __init__(self, bot: TelegramBot) -> None:
        self.bot = bot

    async def send(self, chat_id: str, text: str, menu: Sequence[MenuOption] | None
                   ) -> Sequence[str] | None:
        replier = TelegramReplier(self.bot, chat_id)
        try:
            if menu:
                await replier.send_menu(text, menu)
            else:
                await replier.send_text(text)
            return replier.sent_ids
        except TelegramRetryAfter as error:
            raise RetryAfter(retry_after_seconds(error)) from None
        except Forbidden as error:
            raise Blocked(str(error)) from None
        except BadRequest as error:
            if "chat not found" in str(error).lower():
                raise ChatNotFound(str(error)) from None
            raise SendError(str(error)) from None
        except TimedOut as error:
            # A pool timeout means the request never left this process: safe to try again.
            if "pool timeout" in str(error).lower():
                raise TransientError(str(error)) from None
            raise UnknownOutcome(str(error)) from None
        except NetworkError as error:
            raise TransientError(str(error)) from None
        except TelegramError as error:
            raise SendError(str(error)) from None


def build_sender_bot(settings: Settings, *, rate_limiter: BaseRateLimiter | None,  # type: ignore[type-arg]
                     connections: int) -> ExtBot:  # type: ignore[type-arg]
    """The outbox sender's own Bot with its own connection pool: a mass send at 08:00 never
    holds the connections that replies to commands need. The shared rate limiter still paces
    both against one budget."""
    return ExtBot(
        defaults=TELEGRAM_DEFAULTS,
        token=settings.telegram_bot_token.get_secret_value(),
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_file_base_url,
        request=AiohttpRequest(connections, ssl_context=shared_tls_context()),
        # Never polls, but Bot would build an httpx client of its own without it.
        get_updates_request=AiohttpRequest(1, ssl_context=shared_tls_context()),
        rate_limiter=rate_limiter,
    )


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates of different chats run concurrently; one chat's updates run in the order they
    came, so a "/minhchung 3" is handled before the photo sent right after it."""

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._chat_turns: dict[int, tuple[asyncio.Lock, list[int]]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        turn, waiting = self._chat_turns.setdefault(chat.id, (asyncio.Lock(), [0]))
        waiting[0] += 1
        try:
            async with turn:
                await coroutine
        finally:
            waiting[0] -= 1
            if waiting[0] == 0:
                del self._chat_turns[chat.id]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


class InboxQueue(asyncio.Queue[object]):
    """PTB's update queue, writing every update to the inbox before queueing it.

    What this guarantees, read from python-telegram-bot 22's source (`Updater._start_polling`):
    the Updater puts each update of a getUpdates batch into this queue and only then sets
    `offset = last update_id + 1`, which Telegram takes as confirmation on the NEXT
    getUpdates. So when Telegram forgets an update, it is already committed in the inbox.
    Webhook mode (`bot.http.telegram_webhook_handler`) awaits this same `put` before it
    answers 200, so Telegram keeps redelivering until the row is written. A kill -9 after the
    write and before the handler's commit leaves the row unhandled; `TelegramService` puts it
    back in the queue on the next start (`put_recorded`), before polling resumes. Updates
    Telegram sends again (offset not yet confirmed, webhook retried) meet the unique key and
    are dropped here. Replies go out after the handler's commit: a kill between the two
    loses that reply, never the change (the outbox carries what must reach other people).

    The row holds the update as Telegram sent it when `received` has it by update_id (filled
    by getUpdates' `UpdatesRequest`, or by the webhook with its body): the replay's
    `Update.de_json` rebuilds the same Update from it; otherwise PTB encodes it (`to_dict`)."""

    def __init__(self, inbox: Inbox, received: dict[int, dict[str, Any]] | None = None) -> None:
        super().__init__()
        self.inbox = inbox
        self.received: dict[int, dict[str, Any]] = received if received is not None else {}
        self.replayed: set[int] = set()  # update ids put back by `replay`
        # Until the previous run's leftovers are queued, new updates (a webhook left
        # registered delivers at once) are only written: the replay reads them back in order.
        self.accepting = False

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            # The write (a commit) in a worker thread where the database takes concurrent
            # writers: the event loop goes on handling and answering earlier updates meanwhile. The Updater still awaits each put before
            # confirming the offset, so the guarantee above is unchanged.
            payload = self.received.pop(item.update_id, None)
            args = (PLATFORM, str(item.update_id),
                    payload if payload is not None else item.to_dict())
            recorded = (await asyncio.to_thread(self.inbox.record, *args)
                        if self.inbox.writes_overlap else self.inbox.record(*args))
            if not recorded:
                logger.info("Telegram: bỏ qua cập nhật gửi lại %s", item.update_id)
                return
            if not self.accepting or item.update_id in self.replayed:
                # Not yet accepting: the replay reads it back. Replayed while this write was
                # in the thread: already queued once.
                return
        await super().put(item)

    def replay(self, updates: Sequence[Update]) -> None:
        """Queues the updates the inbox holds unhandled, oldest first, then accepts new
        ones. Synchronous on purpose: no new update can slip in between the inbox read and
        `accepting` (they would be neither read nor queued)."""
        for update in updates:
            self.replayed.add(update.update_id)
            self.put_nowait(update)
        self.accepting = True


def to_incoming(update: Update) -> Incoming | None:
    """A Telegram update as the handlers see it; None for updates the bot does not act on."""
    query = update.callback_query
    if query is not None:
        message = query.message
        if message is None or query.data is None:
            return None
        chat = message.chat
        user = query.from_user
        return Incoming(
            platform=PLATFORM,
            chat_id=str(chat.id),
            chat_type="private" if chat.type == "private" else "group",
            chat_title=chat.title,
            user_id=str(user.id),
            user_name=user.full_name,
            text=query.data,
            message_id=str(message.message_id),
            is_button=True,
        )
    message = update.effective_message
    sender = update.effective_user
    if message is None or sender is None or not isinstance(message, Message):
        return None
    chat = message.chat
    reply_to_id, reply_to_text = _reply_to(message)
    return Incoming(
        platform=PLATFORM,
        chat_id=str(chat.id),
        chat_type="private" if chat.type == "private" else "group",
        chat_title=chat.title,
        user_id=str(sender.id),
        user_name=sender.full_name,
        text=message.text or message.caption or "",
        message_id=str(message.message_id),
        attachment=_attachment(message),
        reply_to_id=reply_to_id,
        reply_to_text=reply_to_text,
        contact_phone=_own_contact(message, sender.id),
    )


def _reply_to(message: Message) -> tuple[str | None, str | None]:
    """The message replied to: its id, and its text when a bot wrote it (a reminder, a
    task's details), so that "xong" in reply acts on the task it was about."""
    replied = message.reply_to_message
    if replied is None:
        return None, None
    author = replied.from_user
    quoted = (replied.text or replied.caption) if author is not None and author.is_bot else None
    return str(replied.message_id), quoted


def _own_contact(message: Message, user_id: int) -> str | None:
    """The phone of a shared contact card, only when the card is the sender's own: a card
    forwarded from someone else must not join the sender with that person's role."""
    contact = message.contact
    if contact is None:
        return None
    return contact.phone_number if contact.user_id == user_id else ""


def _attachment(message: Message) -> Attachment | None:
    if message.photo:
        largest = message.photo[-1]
        return Attachment(kind="photo", file_id=largest.file_id, size=largest.file_size,
                          mime_type="image/jpeg", file_name=f"anh_{message.message_id}.jpg")
    if message.document is not None:
        document = message.document
        return Attachment(kind="document", file_id=document.file_id, size=document.file_size,
                          mime_type=document.mime_type, file_name=document.file_name)
    return None


def build_application(
    settings: Settings,
    router: Router,
    *,
    on_ready: Callable[[Application], object] | None = None,
    rate_limiter: BaseRateLimiter | None = None,  # type: ignore[type-arg]
    inbox: Inbox | None = None,
) -> Application:  # type: ignore[type-arg]
    """One Application, every command registered explicitly (as in PTB's rules-bot). With an
    inbox, every update goes through it (`InboxQueue`) and is marked handled when done."""
    routed: set[int] = set()  # updates the router took, so it marks them itself

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = to_incoming(update)
        if incoming is None:
            return
        if update.callback_query is not None:
            # Stops the button's spinner; the answer itself comes as a message. A failure
            # here leaves a spinner turning, not the press unhandled.
            try:
                await update.callback_query.answer()
            except TelegramError as error:
                log_error(logger, "telegram callback answer failed", error, settings.secrets)
        if inbox is not None:
            incoming = dataclasses.replace(incoming, inbox_key=str(update.update_id))
            routed.add(update.update_id)
        await router.handle(incoming, TelegramReplier(context.bot, incoming.chat_id))

    async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Group -2 runs first, when this update's turn in its chat has come.
        queue = context.application.update_queue
        if isinstance(queue, InboxQueue) and update.update_id in queue.replayed:
            queue.replayed.discard(update.update_id)
            queue.inbox.replaying(PLATFORM, str(update.update_id))

    async def finish(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Group 1 runs after the command handlers, also when they failed: updates the router
        # did not take (kinds the bot ignores, errors before it) are done with all the same.
        if inbox is not None and update.update_id not in routed:
            inbox.done(PLATFORM, str(update.update_id))
        routed.discard(update.update_id)

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        if error is None:
            return
        log_error(logger, "telegram update failed", error, settings.secrets)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(update.effective_chat.id, messages.GENERIC_ERROR)
            except TelegramError as send_error:
                log_error(logger, "telegram error reply failed", send_error, settings.secrets)

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        if not settings.telegram_bot_username and application.bot.username:
            # Invitation deep links need the name; getMe (run by initialize) knows it.
            settings.telegram_bot_username = application.bot.username
        await application.bot.set_my_commands(
            [BotCommand(name, description) for name, description in registry.menu_commands()]
        )
        if on_ready is not None:
            result = on_ready(application)
            if hasattr(result, "__await__"):
                await result  # type: ignore[misc]

    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .defaults(TELEGRAM_DEFAULTS)
        .post_init(post_init)
        .concurrent_updates(PerChatUpdateProcessor(MAX_CONCURRENT_UPDATES))
        # One connection per update in flight, as PTB advises with concurrent updates; over
        # aiohttp rather than PTB's httpx (bot.telegram_request: a fifth to a third of the
        # CPU per request), with the process's one TLS context (bot.tls).
        .request(AiohttpRequest(MAX_CONCURRENT_UPDATES, ssl_context=shared_tls_context()))
    )
    received: dict[int, dict[str, Any]] = {}  # getUpdates' updates as sent, for the inbox
    builder = builder.get_updates_request(
        UpdatesRequest(received, ssl_context=shared_tls_context()) if inbox is not None
        else AiohttpRequest(1, ssl_context=shared_tls_context()))
    if rate_limiter is not None:
        # Replies share the platform's budget with the outbox sender (scheduler.ratelimit).
        builder = builder.rate_limiter(rate_limiter)
    if inbox is not None:
        builder = builder.update_queue(InboxQueue(inbox, received))
    application = builder.build()
    # One handler for every message: the router finds the command (also typed with accents,
    # capitals, "@bot" or a typo), the numbered choice, or the flow; PTB only delivers.
    application.add_handler(
        MessageHandler(
            (filters.TEXT | filters.PHOTO | filters.Document.ALL | filters.CONTACT)
            & ~filters.UpdateType.EDITED,
            on_update,
        )
    )
    application.add_handler(CallbackQueryHandler(on_update))
    application.add_error_handler(on_error)
    if inbox is not None:
        application.add_handler(TypeHandler(Update, begin), group=-2)
        application.add_handler(TypeHandler(Update, finish), group=1)
    return application
