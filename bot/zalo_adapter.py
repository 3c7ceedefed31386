"""Zalo Bot Platform adapter: updates → `Incoming`, `Replier` → Zalo API, outbox → Zalo.

It only translates; every decision is made by the platform-neutral handlers. Zalo has no
buttons (menus become numbered text, see `Replier.send_menu`), no formatting (HTML is
stripped), 2,000 characters a message, photos in by URL, and no files out: outgoing files
become signed links served by the bot's HTTP server (`bot.http.FileLinks`).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from aiohttp import web

from bot.zalo import (
    FileTooBig,
    ZaloApiError,
    ZaloBotClient,
    ZaloError,
    ZaloNetworkError,
    ZaloTimeout,
)
from config.settings import Settings
from handlers.base import (
    Attachment,
    ButtonLayout,
    FileTooLarge,
    Incoming,
    MenuOption,
    OutgoingFile,
    Replier,
    split_text,
    to_plain_text,
)
from handlers.common import human_size
from handlers.router import Router, log_error
from scheduler.transport import (
    Blocked,
    ChatNotFound,
    RetryAfter,
    SendError,
    TransientError,
    UnknownOutcome,
)
from texts import messages

if TYPE_CHECKING:
    from bot.app import App
    from bot.http import FileLinks, WebServer

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


def update_key(update: Mapping[str, Any]) -> str | None:
    """What makes an event unique, to drop Zalo's redeliveries."""
    message_id = (update.get("message") or {}).get("message_id")
    if message_id in (None, ""):
        return None
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


# --- plumbing shared with the OA adapter ---------------------------------------------------


class RecentKeys:
    """The last `capacity` event keys, to recognise a redelivered event."""

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._keys: OrderedDict[str, None] = OrderedDict()

    def add(self, key: str) -> bool:
        """True when the key is new."""
        if key in self._keys:
            self._keys.move_to_end(key)
            return False
        self._keys[key] = None
        if len(self._keys) > self.capacity:
            self._keys.popitem(last=False)
        return True


class ChatDispatcher:
    """Runs updates concurrently across chats but in order within one chat ("/minhchung 3"
    then the photo), with a cap on how many run at once."""

    def __init__(self, max_concurrent: int, secrets: Sequence[str] = ()) -> None:
        self._slots = asyncio.Semaphore(max_concurrent)
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._secrets = list(secrets)

    def submit(self, chat_id: str, work: Callable[[], Awaitable[None]]) -> asyncio.Task[None]:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._waiting[chat_id] = self._waiting.get(chat_id, 0) + 1
        task = asyncio.create_task(self._run(chat_id, lock, work), name=f"zalo-chat-{chat_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run(self, chat_id: str, lock: asyncio.Lock,
                   work: Callable[[], Awaitable[None]]) -> None:
        try:
            async with lock, self._slots:
                await work()
        except Exception as error:
            log_error(logger, "zalo update failed", error, self._secrets)
        finally:
            self._waiting[chat_id] -= 1
            if not self._waiting[chat_id]:
                # The last one out forgets the chat, so idle chats cost no memory.
                del self._waiting[chat_id]
                self._locks.pop(chat_id, None)

    async def join(self, timeout: float | None = None) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()


class Pacer(Protocol):
    """Waits until a message to the chat may go; the platform's shared rate limiter can
    stand in for `SendPacer` here, so replies and the outbox draw on one budget."""

    async def wait(self, chat_id: str) -> None: ...


class SendPacer:
    """Spaces messages out: at most `per_second` in all, and `chat_interval` seconds apart in
    one chat. Each caller reserves its slot under the lock and sleeps outside it."""

    def __init__(self, per_second: float, chat_interval: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.gap = 1.0 / per_second
        self.chat_interval = chat_interval
        self.clock = clock
        self._lock = asyncio.Lock()
        self._next_any = 0.0
        self._next_in_chat: dict[str, float] = {}

    async def wait(self, chat_id: str) -> None:
        async with self._lock:
            now = self.clock()
            slot = max(now, self._next_any, self._next_in_chat.get(chat_id, 0.0))
            self._next_any = slot + self.gap
            self._next_in_chat[chat_id] = slot + self.chat_interval
            if len(self._next_in_chat) > 1000:
                self._next_in_chat = {c: t for c, t in self._next_in_chat.items() if t > now}
        if slot > now:
            await asyncio.sleep(slot - now)


class Backoff:
    """1 s, 2 s, 4 s … up to a ceiling, with jitter so that restarts do not stampede."""

    def __init__(self, initial: float = 1.0, maximum: float = 60.0) -> None:
        self.initial = initial
        self.maximum = maximum
        self._current = 0.0

    def next(self) -> float:
        self._current = self.initial if not self._current else min(self._current * 2, self.maximum)
        return self._current * random.uniform(0.8, 1.2)

    def reset(self) -> None:
        self._current = 0.0


def file_link_text(file: OutgoingFile, url: str, expires_at: float, settings: Settings) -> str:
    expires = messages.fmt_datetime(datetime.fromtimestamp(expires_at, UTC), settings.tz)
    caption = f"\n{file.caption}" if file.caption else ""
    return messages.ZALO_FILE_LINK.format(name=html.escape(file.file_name),
                                          size=human_size(len(file.data)), caption=caption,
                                          url=html.escape(url), expires=expires)


# --- replies and the outbox ----------------------------------------------------------------


class ZaloReplier(Replier):
    supports_buttons = False

    def __init__(
        self,
        client: ZaloBotClient,
        chat_id: str,
        *,
        settings: Settings,
        pacer: Pacer | None = None,
        file_links: FileLinks | None = None,
    ) -> None:
        super().__init__()
        self.client = client
        self.chat_id = chat_id
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
            await self.client.send_message(self.chat_id, piece)

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

    async def send(self, chat_id: str, text: str, menu: Sequence[MenuOption] | None) -> None:
        replier = self.bot.replier(chat_id)
        try:
            if menu:
                await replier.send_menu(text, menu)
            else:
                await replier.send_text(text)
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
    ) -> None:
        self.client = client
        self.router = router
        self.settings = settings
        self.file_links = file_links
        self.pacer = pacer or SendPacer(settings.zalo_messages_per_second,
                                        settings.zalo_chat_interval_seconds)
        self.dispatcher = ChatDispatcher(settings.zalo_max_concurrent_updates, settings.secrets)
        self.recent = RecentKeys()
        self.transport = ZaloTransport(self)
        self._poll_task: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(cls, settings: Settings, router: Router,
                      file_links: FileLinks | None = None) -> ZaloBot:
        client = ZaloBotClient(settings.zalo_bot_token, base_url=settings.zalo_api_base_url)
        return cls(client=client, router=router, settings=settings, file_links=file_links)

    def replier(self, chat_id: str) -> ZaloReplier:
        return ZaloReplier(self.client, chat_id, settings=self.settings, pacer=self.pacer,
                           file_links=self.file_links)

    # --- receiving -------------------------------------------------------------------

    def accept(self, payload: object) -> bool:
        """Queue one update for handling; False when it is not one or was seen before."""
        update = unwrap_update(payload)
        if update is None:
            return False
        key = update_key(update)
        if key is not None and not self.recent.add(key):
            logger.info("Zalo: bỏ qua sự kiện gửi lại %s", key)
            return False
        ids = chat_of(update)
        if ids is None:
            return False
        self.dispatcher.submit(ids[0], lambda: self._handle(update))
        return True

    async def _handle(self, update: dict[str, Any]) -> None:
        incoming = to_incoming(update)
        if incoming is None:
            await self._answer_unsupported(update)
            return
        with contextlib.suppress(ZaloError):
            await self.client.send_chat_action(incoming.chat_id, "typing")
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
        from bot.http import secret_matches

        if not secret_matches(request.headers.get(SECRET_HEADER), self.settings.webhook_secret):
            logger.warning("Zalo webhook: sai hoặc thiếu %s, từ chối", SECRET_HEADER)
            return web.json_response({"ok": False, "description": "forbidden"}, status=403)
        try:
            payload = await request.json()
        except ValueError:
            return web.json_response({"ok": False, "description": "bad json"}, status=400)
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
        """Webhook mode when the settings allow it and a server is given; else long polling."""
        try:
            me = await self.client.get_me()
            logger.info("Zalo: bot %s", (me or {}).get("account_name") or (me or {}).get("id"))
        except ZaloError as error:
            logger.error("Zalo getMe lỗi: %s", error)
        if self.settings.webhook_mode and web_server is not None:
            web_server.add_post(WEBHOOK_PATH, self.webhook)
            url = self.settings.webhook_base_url.rstrip("/") + WEBHOOK_PATH
            try:
                await self.client.set_webhook(url, self.settings.webhook_secret)
                logger.info("Zalo: nhận tin qua webhook %s", WEBHOOK_PATH)
            except ZaloError as error:
                logger.error("Zalo setWebhook lỗi: %s", error)
            return
        with contextlib.suppress(ZaloError):
            # getUpdates does not work while a webhook is set.
            await self.client.delete_webhook()
        self._poll_task = asyncio.create_task(self.poll(), name="zalo-polling")
        logger.info("Zalo: đang nhận tin (long polling)")

    async def stop(self) -> None:
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


async def start_zalo_platforms(
    app: App, web_server: WebServer | None
) -> list[Callable[[], Awaitable[None]]]:
    """Starts the Zalo bot and the OA when configured; their transports join the outbox
    sender. Returns what to close at shutdown. Routes are added before the server starts."""
    settings = app.settings
    file_links = web_server.file_links if web_server is not None else None
    closers: list[Callable[[], Awaitable[None]]] = []
    if settings.zalo_bot_token:
        zalo = ZaloBot.from_settings(settings, app.router, file_links=file_links)
        await zalo.start(web_server)
        app.add_transport(zalo.transport)
        closers.append(zalo.stop)
    if settings.zalo_oa_enabled:
        from bot.zalo_oa import ZaloOABot

        oa = ZaloOABot.from_settings(settings, router=app.router,
                                     session_factory=app.session_factory, clock=app.clock,
                                     file_links=file_links)
        await oa.start(web_server)
        app.add_transport(oa.transport)
        closers.append(oa.stop)
    return closers
