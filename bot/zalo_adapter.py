"""Zalo Bot Platform adapter: updates → `Incoming`, `Replier` → Zalo API, outbox → Zalo.

It only translates; every decision is made by the platform-neutral handlers. Zalo has no
buttons (menus become numbered text, see `Replier.send_menu`), no formatting (HTML is
stripped), 2,000 characters a message, photos in by URL, and no files out: outgoing files
become signed links served by the bot's HTTP server (`bot.http.FileLinks`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import html
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.http import secret_matches
from bot.startup import retry_until_done
from bot.webhook_payloads import BadPayload, parse_json, validate_zalo_update
from bot.zalo import (
    FileTooBig,
    ZaloApiError,
    ZaloBotClient,
    ZaloError,
    ZaloNetworkError,
    ZaloTimeout,
)
from bot.zalo_plumbing import Backoff, ChatDispatcher, Pacer, RecentKeys, SendPacer, file_link_text
from config.settings import Settings
from db.inbox import Inbox, content_key, inbox_for
from db.session import SessionFactory
from handlers.base import (
    Attachment,
    ButtonLayout,
    FileTooLarge,
    Incoming,
    MenuOption,
    OutgoingFile,
    Replier,
    UploadLink,
    UploadPurpose,
    split_text,
    to_plain_text,
)
from handlers.router import Router
from scheduler.transport import (
    Blocked,
    ChatNotFound,
    RetryAfter,
    SendError,
    TransientError,
    UnknownOutcome,
)
from texts import messages
from timelang.clock import Clock, SystemClock

if TYPE_CHECKING:
    from bot.health import PlatformHealth
    from bot.http import FileLinks, WebServer
    from bot.startup import RetryPolicy
    from bot.upload_page import UploadLinks

logger = logging.getLogger(__name__)

PLATFORM = "zalo"
WEBHOOK_PATH = "/zalo/webhook"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}

EVENT_TEXT = "message.text.received"
EVENT_IMAGE = "message.image.received"
EVENT_STICKER = "message.sticker.received"
EVENT_UNSUPPORTED = "message.unsupported.received"


# --- updates -------------------------------------------------------------------------------


def unwrap_update(payload: object) -> dict[str, Any] | None:
    """An update from getUpdates or a webhook: some arrive as `{"ok": true, "result": {…}}`,
    some bare."""
    if not isinstance(payload, dict):
        return None
    if "result" in payload and "message" not in payload:
        payload = payload.get("result")
        if not isinstance(payload, dict):
            return None
    message = payload.get("message")
    return payload if isinstance(message, dict) else None


def event_name(update: Mapping[str, Any]) -> str:
    """The event, also for payloads that leave `event_name` out (seen in getUpdates)."""
    name = update.get("event_name")
    if isinstance(name, str) and name:
        return name
    message = update.get("message") or {}
    if message.get("photo_url") or message.get("photo"):
        return EVENT_IMAGE
    if message.get("sticker"):
        return EVENT_STICKER
    if "text" in message:
        return EVENT_TEXT
    return EVENT_UNSUPPORTED


def update_key(update: Mapping[str, Any]) -> str:
    """What makes an event unique, to drop Zalo's redeliveries (its inbox key): its message
    id, else a hash of its content."""
    message_id = (update.get("message") or {}).get("message_id")
    if message_id in (None, ""):
        return content_key(update)
    return f"{event_name(update)}:{message_id}"


def chat_of(update: Mapping[str, Any]) -> tuple[str, str] | None:
    """(chat id, sender id) of an update."""
    message = update.get("message") or {}
    chat = message.get("chat") or {}
    sender = message.get("from") or {}
    chat_id = chat.get("id") or sender.get("id")
    user_id = sender.get("id") or chat.get("id")
    if chat_id in (None, "") or user_id in (None, ""):
        return None
    return str(chat_id), str(user_id)


def to_incoming(update: Mapping[str, Any]) -> Incoming | None:
    """A Zalo update as the handlers see it; None for events the bot does not act on."""
    ids = chat_of(update)
    if ids is None:
        return None
    chat_id, user_id = ids
    message = update.get("message") or {}
    chat = message.get("chat") or {}
    sender = message.get("from") or {}
    name = str(sender.get("display_name") or sender.get("first_name") or sender.get("name")
               or user_id)
    chat_type = "group" if "GROUP" in str(chat.get("chat_type", "")).upper() else "private"
    message_id = str(message["message_id"]) if message.get("message_id") else None
    event = event_name(update)
    if event == EVENT_TEXT:
        text, attachment = str(message.get("text") or ""), None
    elif event == EVENT_IMAGE:
        url = message.get("photo_url") or message.get("photo")
        if not isinstance(url, str) or not url:
            return None
        text = str(message.get("caption") or message.get("text") or "")
        attachment = Attachment(kind="photo", file_id=message_id, url=url, mime_type="image/jpeg",
                                file_name=f"anh_zalo_{message_id or int(time.time())}.jpg")
    else:
        return None
    return Incoming(platform=PLATFORM, chat_id=chat_id, user_id=user_id, user_name=name,
                    text=text, chat_type=chat_type,  # type: ignore[arg-type]
                    chat_title=None, message_id=message_id, attachment=attachment)


# --- replies and the outbox ----------------------------------------------------------------


class ZaloReplier(Replier):
    supports_buttons = False
    receives_documents = False  # documents come through the upload page (bot.upload_page)

    def __init__(
        self,
        client: ZaloBotClient,
        chat_id: str,
        *,
        settings: Settings,
        pacer: Pacer | None = None,
        file_links: FileLinks | None = None,
        upload_links: UploadLinks | None = None,
    ) -> None:
        super().__init__()
        self.client = client
        self.chat_id = chat_id
        self.upload_links = upload_links
        self.settings = settings
        self.pacer = pacer
        self.file_links = file_links
        self.max_text_length = settings.zalo_max_text_length
        # With links the handlers may offer files; without, they get a text fallback.
        self.supports_files = file_links is not None

    async def _send_chunk(self, text: str, buttons: ButtonLayout | None) -> None:
        plain = to_plain_text(text).strip()
        if not plain:
            return  # Zalo refuses empty messages
        # Plain text is never longer than its HTML; splitting again only guards the limit.
        for piece in split_text(plain, self.max_text_length):
            if self.pacer is not None:
                await self.pacer.wait(self.chat_id)
            sent = await self.client.send_message(self.chat_id, piece)
            if isinstance(sent, dict) and sent.get("message_id"):
                self.sent_ids.append(str(sent["message_id"]))

    async def send_file(self, file: OutgoingFile) -> None:
        if self.file_links is None:
            await self.send_text(messages.ZALO_FILE_NO_LINK.format(
                name=html.escape(file.file_name)))
            return
        published = self.file_links.publish(file)
        if file.mime_type in IMAGE_TYPES:
            # Zalo shows a photo inline when given its URL: charts read at a glance.
            if self.pacer is not None:
                await self.pacer.wait(self.chat_id)
            caption = split_text(to_plain_text(file.caption or "").strip(),
                                 self.max_text_length)[0] or None
            await self.client.send_photo(self.chat_id, published.url, caption)
            return
        await self.send_text(file_link_text(file, published.url, published.expires_at,
                                            self.settings))

    def upload_link(self, user_id: str, purpose: UploadPurpose) -> UploadLink | None:
        # Zalo passes no documents to bots: they come through the bot's upload page.
        if self.upload_links is None:
            return None
        return self.upload_links.make(PLATFORM, self.chat_id, user_id, purpose)

    async def download(self, attachment: Attachment, max_bytes: int) -> bytes:
        if not attachment.url:
            raise ValueError("Zalo attachment without a URL")
        try:
            return await self.client.download(attachment.url, max_bytes)
        except FileTooBig as error:
            raise FileTooLarge(error.size) from None


class ZaloTransport:
    """The outbox sender's way out through Zalo; failures become `scheduler.transport` errors."""

    platform = PLATFORM
    supports_buttons = False

    def __init__(self, bot: ZaloBot) -> None:
        self.bot = bot
        self.max_text_length = bot.settings.zalo_max_text_length

    async def send(self, chat_id: str, text: str, menu: Sequence[MenuOption] | None
                   ) -> Sequence[str] | None:
        replier = self.bot.replier(chat_id)
        try:
            if menu:
                await replier.send_menu(text, menu)
            else:
                await replier.send_text(text)
            return replier.sent_ids
        except ZaloApiError as error:
            raise _send_error(error, self.bot.settings.zalo_retry_after_seconds) from None
        except ZaloNetworkError as error:
            raise TransientError(str(error)) from None
        except ZaloTimeout as error:
            raise UnknownOutcome(str(error)) from None
        except ZaloError as error:
            raise SendError(str(error)) from None


def _send_error(error: ZaloApiError, retry_seconds: float) -> SendError:
    if error.is_rate_limited:
        return RetryAfter(retry_seconds)
    if error.is_forbidden:
        return Blocked(str(error))
    if error.is_not_found:
        return ChatNotFound(str(error))
    if error.is_server_error:
        return TransientError(str(error))
    return SendError(str(error))


# --- the bot -------------------------------------------------------------------------------


class ZaloBot:
    """One Zalo bot: receives updates (long polling or webhook) and hands them to the router."""

    platform = PLATFORM

    def __init__(
        self,
        *,
        client: ZaloBotClient,
        router: Router,
        settings: Settings,
        file_links: FileLinks | None = None,
        pacer: Pacer | None = None,
        inbox: Inbox | None = None,
    ) -> None:
        self.client = client
        self.router = router
        self.settings = settings
        self.file_links = file_links
        self.pacer = pacer or SendPacer(settings.zalo_messages_per_second,
                                        settings.zalo_chat_interval_seconds)
        self.dispatcher = ChatDispatcher(settings.zalo_max_concurrent_updates, settings.secrets)
        # Without a database (tests of the adapter alone) redeliveries are caught in memory.
        self.recent = RecentKeys()
        self.inbox = inbox
        self.transport = ZaloTransport(self)
        self._poll_task: asyncio.Task[None] | None = None
        # Set by `start_zalo_platforms` in `nhacviec run`: /healthz state, start-up retries.
        self.health: PlatformHealth | None = None
        self.on_update: Callable[[], None] | None = None
        self.retry_policy: RetryPolicy | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        # Set by bot.zalo_platforms when the server has the upload page (bot.upload_page).
        self.upload_links: UploadLinks | None = None

    @classmethod
    def from_settings(cls, settings: Settings, router: Router,
                      file_links: FileLinks | None = None, *,
                      session_factory: SessionFactory | None = None,
                      clock: Clock | None = None) -> ZaloBot:
        client = ZaloBotClient(settings.zalo_bot_token.get_secret_value(),
                               base_url=settings.zalo_api_base_url)
        return cls(client=client, router=router, settings=settings, file_links=file_links,
                   inbox=inbox_for(session_factory, clock or SystemClock(),
                                   settings.inbox_retention_days))

    def replier(self, chat_id: str) -> ZaloReplier:
        return ZaloReplier(self.client, chat_id, settings=self.settings, pacer=self.pacer,
                           file_links=self.file_links, upload_links=self.upload_links)

    # --- receiving -------------------------------------------------------------------

    def accept(self, payload: object) -> bool:
        """Writes one update to the inbox and queues it for handling; False when it is not one
        or was received before. Called before the update is acknowledged: the webhook answers
        after it, and polling asks for the next update after it (Zalo's getUpdates has no
        offset: an update counts as delivered once fetched, so the write follows at once)."""
        try:
            validate_zalo_update(payload)
        except BadPayload as error:
            logger.info("Zalo: bỏ qua cập nhật sai dạng (%s)", error)
            return False
        update = unwrap_update(payload)
        if update is None:
            return False
        ids = chat_of(update)
        if ids is None:
            return False
        if self.on_update is not None:
            self.on_update()
        key = update_key(update)
        first = (self.inbox.record(PLATFORM, key, update) if self.inbox is not None
                 else self.recent.add(key))
        if not first:
            logger.info("Zalo: bỏ qua sự kiện gửi lại %s", key)
            return False
        self.dispatcher.submit(ids[0], lambda: self._handle(update, key))
        return True

    def replay_unhandled(self) -> int:
        """Updates the previous run received but did not finish, queued before new ones (in
        the order they came, so in order per chat)."""
        if self.inbox is None:
            return 0
        pending = self.inbox.unhandled(PLATFORM)
        for item in pending:
            ids = chat_of(item.payload)
            if ids is None:
                self.inbox.done(PLATFORM, item.key)
                continue
            self.dispatcher.submit(ids[0], functools.partial(
                self._handle, item.payload, item.key, replay=True))
        if pending:
            logger.info("Zalo: xử lý tiếp %d cập nhật chưa xong từ lần chạy trước", len(pending))
        return len(pending)

    async def _handle(self, update: dict[str, Any], key: str, *, replay: bool = False) -> None:
        if replay and self.inbox is not None:
            self.inbox.replaying(PLATFORM, key)
        incoming = to_incoming(update)
        if incoming is None:
            # Nothing to change: done with before the (best-effort) answer goes out.
            if self.inbox is not None:
                self.inbox.done(PLATFORM, key)
            await self._answer_unsupported(update)
            return
        with contextlib.suppress(ZaloError):
            await self.client.send_chat_action(incoming.chat_id, "typing")
        if self.inbox is not None:
            # The router marks it handled in its own unit of work.
            incoming = dataclasses.replace(incoming, inbox_key=key)
        await self.router.handle(incoming, self.replier(incoming.chat_id))

    async def _answer_unsupported(self, update: Mapping[str, Any]) -> None:
        """A file or video sent to the bot: Zalo does not pass it on, so say what works."""
        ids = chat_of(update)
        chat = (update.get("message") or {}).get("chat") or {}
        if ids is None or event_name(update) != EVENT_UNSUPPORTED:
            return
        if "GROUP" in str(chat.get("chat_type", "")).upper():
            return
        await self.replier(ids[0]).send_text(messages.ZALO_UNSUPPORTED_MESSAGE)

    async def webhook(self, request: web.Request) -> web.Response:

        # A refusal is counted by the server's RejectionLog, not logged one by one.
        if not secret_matches(request.headers.get(SECRET_HEADER),
                              self.settings.webhook_secret.get_secret_value()):
            return web.json_response({"ok": False, "description": "forbidden"}, status=403)
        try:
            payload = parse_json(await request.read(), self.settings.webhook_max_json_depth)
            validate_zalo_update(payload)
        except BadPayload as error:
            return web.json_response({"ok": False, "description": str(error)[:200]}, status=400)
        self.accept(payload)
        # Answered at once: Zalo redelivers slow webhooks, and handling may take a while.
        return web.json_response({"ok": True})

    async def poll(self, stop: asyncio.Event | None = None) -> None:
        """Long polling: one update per getUpdates, 408 when none came; back off on errors."""
        backoff = Backoff()
        timeout = self.settings.zalo_poll_timeout_seconds
        while stop is None or not stop.is_set():
            started = time.monotonic()
            try:
                update = await self.client.get_updates(timeout=timeout)
            except ZaloError as error:
                delay = backoff.next()
                if isinstance(error, ZaloApiError) and error.is_unauthorized:
                    delay = backoff.maximum
                    logger.error("Zalo từ chối ZALO_BOT_TOKEN (%s); thử lại sau %.0f giây",
                                 error.error_code, delay)
                else:
                    logger.warning("Zalo getUpdates lỗi (%s); thử lại sau %.1f giây",
                                   error, delay)
                await _sleep_unless(stop, delay)
                continue
            backoff.reset()
            if update is None:
                if time.monotonic() - started < 1.0:
                    # A server that answers "empty" at once must not spin the loop.
                    await _sleep_unless(stop, 1.0)
                continue
            self.accept(update)

    # --- life cycle ------------------------------------------------------------------

    async def start(self, web_server: WebServer | None = None) -> None:
        """Webhook mode when the settings allow it and a server is given; else long polling.
        What the previous run left unhandled is queued first, after the answers it committed
        but did not send."""
        if self.inbox is not None:
            await self.router.resend_owed(self.inbox, PLATFORM, self.replier)
        self.replay_unhandled()
        try:
            me = await self.client.get_me()
            logger.info("Zalo: bot %s", (me or {}).get("account_name") or (me or {}).get("id"))
        except ZaloError as error:
            logger.error("Zalo getMe lỗi: %s", error)
        if self.settings.webhook_mode and web_server is not None:
            web_server.add_post(WEBHOOK_PATH, self.webhook)
            url = self.settings.webhook_base_url.rstrip("/") + WEBHOOK_PATH
            if self.retry_policy is not None:
                # Retried in the background until Zalo accepts it; /healthz says 503 meanwhile.
                self._webhook_task = asyncio.create_task(self._register_webhook(url),
                                                         name="zalo-set-webhook")
                return
            try:
                await self.client.set_webhook(url, self.settings.webhook_secret.get_secret_value())
                logger.info("Zalo: nhận tin qua webhook %s", WEBHOOK_PATH)
            except ZaloError as error:
                logger.error("Zalo setWebhook lỗi: %s", error)
            return
        with contextlib.suppress(ZaloError):
            # getUpdates does not work while a webhook is set.
            await self.client.delete_webhook()
        self._poll_task = asyncio.create_task(self.poll(), name="zalo-polling")
        if self.health is not None:
            task = self._poll_task
            self.health.polling_probe = lambda: not task.done()
            self.health.state = "running"
        logger.info("Zalo: đang nhận tin (long polling)")

    async def _register_webhook(self, url: str) -> None:

        assert self.retry_policy is not None
        await retry_until_done(
            lambda: self.client.set_webhook(url, self.settings.webhook_secret.get_secret_value()),
            what="Zalo setWebhook", policy=self.retry_policy, entry=self.health,
            secrets=self.settings.secrets)
        if self.health is not None:
            self.health.webhook_registered = True
            self.health.state = "running"
        logger.info("Zalo: nhận tin qua webhook %s", WEBHOOK_PATH)

    async def stop(self) -> None:
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._webhook_task
        if self.health is not None:
            self.health.state = "stopped"
        if self._poll_task is not None:
            self._poll_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poll_task
            self._poll_task = None
        await self.dispatcher.join(timeout=10)
        self.dispatcher.cancel()
        await self.client.aclose()


async def _sleep_unless(stop: asyncio.Event | None, seconds: float) -> None:
    if stop is None:
        await asyncio.sleep(seconds)
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
