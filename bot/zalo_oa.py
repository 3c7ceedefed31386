"""Zalo Official Account mode (optional), for units that run an OA.

- Webhook events are signed: `X-ZEvent-Signature: mac=sha256(app_id + body + timestamp +
  oa_secret_key)`, the timestamp being the event's own `timestamp` field.
- Access tokens live about 25 hours and are refreshed with a SINGLE-USE refresh token. Two
  refreshes with the same refresh token lose the OA (the second burns nothing but fails, and
  whichever result is stored last may hold a dead token), so a refresh is taken as a lease:
  one at a time in the process (an asyncio lock), and across processes by a compare-and-set
  on the `app_settings` row's version column. Whoever wins the version bump refreshes; the
  others wait for the new tokens to appear.
- An OA may message a person freely only within 48 hours of their last message
  (`Identity.last_inbound_at`). Outside it a message is not sent: admins are told it was
  undeliverable on Zalo, and the person gets it on Telegram where their identities are linked.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
from aiohttp import web
from sqlalchemy import select

from bot.tls import shared_tls_context
from bot.webhook_payloads import BadPayload, parse_json, validate_oa_event
from bot.zalo import (
    FileTooBig,
    ZaloError,
    ZaloNetworkError,
    ZaloTimeout,
    download,
)
from bot.zalo_oa_auth import (  # the OA's errors and tokens live there
    TOKEN_ERRORS,
    OATokenManager,
    OATokenStore,
    ZaloOAApiError,
    ZaloOAAuthError,
)
from bot.zalo_plumbing import (
    ChatDispatcher,
    Pacer,
    SendPacer,
    file_link_text,
)
from config.settings import Settings
from db import services
from db.inbox import Inbox, content_key
from db.models import Identity, Person
from db.session import SessionFactory, unit_of_work
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
    RetryAfter,
    SendError,
    TransientError,
    UnknownOutcome,
)
from texts import messages
from timelang import numbers
from timelang.clock import Clock
from timelang.words import shorten

if TYPE_CHECKING:
    from bot.http import FileLinks, WebServer
    from bot.upload_page import UploadLinks

logger = logging.getLogger(__name__)

PLATFORM_OA = "zalo_oa"
WEBHOOK_PATH = "/zalo-oa/webhook"
SIGNATURE_HEADER = "X-ZEvent-Signature"
TEXT_LIMIT = 2000

RATE_LIMIT_ERRORS = {-32}


class OutsideWindow(Blocked):
    """Not sent: the person has not written to the OA within the free-messaging window."""


# --- signatures ----------------------------------------------------------------------------


def event_mac(app_id: str, body: bytes, timestamp: str, oa_secret_key: str) -> str:
    return hashlib.sha256(
        app_id.encode() + body + timestamp.encode() + oa_secret_key.encode()
    ).hexdigest()


def verify_signature(body: bytes, header: str | None, *, app_id: str, oa_secret_key: str) -> bool:
    """True when `header` (`mac=<hex>`) signs this exact body; compared in constant time."""
    if not header or not app_id or not oa_secret_key:
        return False
    try:
        event = json.loads(body)
        timestamp = str(event["timestamp"])
    except (ValueError, KeyError, TypeError, RecursionError):
        return False
    given = header.strip()
    if given.lower().startswith("mac="):
        given = given[4:]
    expected = event_mac(app_id, body, timestamp, oa_secret_key)
    return hmac.compare_digest(given.strip().lower().encode(), expected.encode())


# --- the OA API ----------------------------------------------------------------------------


class ZaloOAClient:
    def __init__(self, *, http: httpx.AsyncClient, tokens: OATokenManager, api_base_url: str,
                 owns_http: bool = False) -> None:
        self.http = http
        self.tokens = tokens
        self.api_base_url = api_base_url.rstrip("/")
        self._owns_http = owns_http

    async def aclose(self) -> None:
        if self._owns_http:
            await self.http.aclose()

    async def send_text(self, user_id: str, text: str) -> dict[str, Any]:
        body = {"recipient": {"user_id": user_id}, "message": {"text": text}}
        return await self._call("POST", "/v3.0/oa/message/cs", json_body=body)

    async def get_profile(self, user_id: str) -> dict[str, Any]:
        query = {"data": json.dumps({"user_id": user_id})}
        return await self._call("GET", "/v3.0/oa/user/detail", params=query)

    async def download(self, url: str, max_bytes: int) -> bytes:
        return await download(self.http, url, max_bytes)

    async def _call(self, method: str, path: str, *, json_body: Any = None,
                    params: Mapping[str, str] | None = None) -> dict[str, Any]:
        token = await self.tokens.access_token()
        for attempt in (1, 2):
            body = await self._request(method, path, token, json_body, params)
            code = _error_code(body)
            if code == 0:
                data = body.get("data")
                return data if isinstance(data, dict) else {}
            if code in TOKEN_ERRORS and attempt == 1:
                token = await self.tokens.refresh_after_rejection(token)
                continue
            raise ZaloOAApiError(code, str(body.get("message") or ""))
        raise AssertionError("unreachable")

    async def _request(self, method: str, path: str, token: str, json_body: Any,
                       params: Mapping[str, str] | None) -> dict[str, Any]:
        try:
            response = await self.http.request(method, self.api_base_url + path, json=json_body,
                                               params=params, headers={"access_token": token})
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            raise ZaloNetworkError(f"OA {path}: {type(error).__name__}") from None
        except (httpx.TimeoutException, httpx.TransportError) as error:
            raise ZaloTimeout(f"OA {path}: {type(error).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            if response.status_code >= 500:
                raise ZaloNetworkError(f"OA {path}: HTTP {response.status_code}")
            raise ZaloOAApiError(response.status_code, "reply is not JSON")
        return body


def _error_code(body: Mapping[str, Any]) -> int:
    try:
        return int(body.get("error", 0))
    except (TypeError, ValueError):
        return -1


# --- events → Incoming ---------------------------------------------------------------------


def event_key(event: Mapping[str, Any]) -> str:
    """Its message id, else (follow events, …) a hash of its content."""
    message_id = (event.get("message") or {}).get("msg_id")
    return f"{event.get('event_name')}:{message_id}" if message_id else content_key(event)


def event_time(event: Mapping[str, Any]) -> datetime:
    """The event's own signed `timestamp` (milliseconds since the epoch)."""
    return datetime.fromtimestamp(int(event["timestamp"]) / 1000, UTC)


def oa_to_incoming(event: Mapping[str, Any], user_name: str = "") -> Incoming | None:
    name = event.get("event_name")
    sender = str((event.get("sender") or {}).get("id") or "")
    message = event.get("message") or {}
    if not sender:
        return None
    message_id = str(message.get("msg_id")) if message.get("msg_id") else None
    text = str(message.get("text") or "")
    attachment = None
    if name in ("user_send_image", "user_send_file"):
        items = message.get("attachments") or []
        payload = (items[0].get("payload") or {}) if items and isinstance(items[0], dict) else {}
        url = payload.get("url")
        if not isinstance(url, str) or not url:
            return None
        if name == "user_send_image":
            attachment = Attachment(kind="photo", file_id=message_id, url=url,
                                    mime_type="image/jpeg",
                                    file_name=f"anh_zalo_{message_id or 'oa'}.jpg")
        else:
            size = payload.get("size")
            attachment = Attachment(kind="document", file_id=message_id, url=url,
                                    file_name=str(payload.get("name") or "tep"),
                                    size=int(str(size)) if numbers.is_ascii_number(str(size or "")) else None)
    elif name != "user_send_text":
        return None
    return Incoming(platform=PLATFORM_OA, chat_id=sender, user_id=sender, user_name=user_name,
                    text=text, message_id=message_id, attachment=attachment)


# --- replies, the outbox and the 48-hour window --------------------------------------------


class ZaloOAReplier(Replier):
    supports_buttons = False
    max_text_length = TEXT_LIMIT
    # Zalo passes few files to an OA (not from every client, not Word from the web): files
    # are asked for through the upload page, as on the Zalo Bot platform.
    receives_documents = False

    def __init__(self, bot: ZaloOABot, chat_id: str) -> None:
        super().__init__()
        self.bot = bot
        self.chat_id = chat_id
        self.max_text_length = min(TEXT_LIMIT, bot.settings.zalo_max_text_length)
        self.supports_files = bot.file_links is not None

    async def _send_chunk(self, text: str, buttons: ButtonLayout | None) -> None:
        plain = to_plain_text(text).strip()
        if not plain:
            return
        # Plain text is never longer than its HTML; splitting again only guards the limit.
        for piece in split_text(plain, self.max_text_length):
            await self.bot.pacer.wait(self.chat_id)
            await self.bot.client.send_text(self.chat_id, piece)

    def upload_link(self, user_id: str, purpose: UploadPurpose) -> UploadLink | None:
        if self.bot.upload_links is None:
            return None
        return self.bot.upload_links.make(PLATFORM_OA, self.chat_id, user_id, purpose)

    async def send_file(self, file: OutgoingFile) -> None:
        if self.bot.file_links is None:
            await self.send_text(messages.ZALO_FILE_NO_LINK.format(
                name=messages.esc(file.file_name)))
            return
        published = self.bot.file_links.publish(file)
        await self.send_text(file_link_text(file, published.url, published.expires_at,
                                            self.bot.settings))

    async def download(self, attachment: Attachment, max_bytes: int) -> bytes:
        if not attachment.url:
            raise ValueError("Zalo OA attachment without a URL")
        try:
            return await self.bot.client.download(attachment.url, max_bytes)
        except FileTooBig as error:
            raise FileTooLarge(error.size) from None


class ConversationWindow:
    """Whether the OA may still write to a chat, and what to do when it may not."""

    def __init__(self, session_factory: SessionFactory, settings: Settings, clock: Clock) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.clock = clock
        self.length = timedelta(hours=settings.zalo_oa_window_hours)

    def is_open(self, chat_id: str) -> bool:
        with self.session_factory() as session:
            last = session.scalar(select(Identity.last_inbound_at).where(
                Identity.platform == PLATFORM_OA, Identity.external_id == chat_id))
        return last is not None and self.clock.now() - last < self.length

    def fall_back(self, chat_id: str, text: str, menu: Sequence[MenuOption] | None) -> bool:
        """Queue the message on Telegram when linked and tell the admins; True if rerouted."""
        now = self.clock.now()
        digest = hashlib.sha256(f"{chat_id}\0{text}".encode()).hexdigest()[:20]
        with unit_of_work(self.session_factory) as session:
            identity = session.scalar(select(Identity).where(
                Identity.platform == PLATFORM_OA, Identity.external_id == chat_id))
            if identity is None:
                return False
            person = identity.person
            telegram = next((i for i in person.identities
                             if i.platform == "telegram" and i.private_chat_id), None)
            if telegram is not None:
                services.enqueue(
                    session, platform="telegram", chat_id=str(telegram.private_chat_id),
                    text=text, kind="oa_fallback", key=f"oa-fallback:{digest}", now=now,
                    menu=[(o.label, o.command) for o in menu] if menu else None,
                    person_id=person.id, priority=10,
                )
            notice = messages.ZALO_OA_OUTSIDE_WINDOW.format(
                name=messages.esc(person.display_name),
                hours=f"{self.settings.zalo_oa_window_hours:g}",
                fallback=(messages.ZALO_OA_FALLBACK_TELEGRAM if telegram is not None
                          else messages.ZALO_OA_FALLBACK_NONE),
                excerpt=messages.esc(shorten(to_plain_text(text), 300)),
            )
            for admin in services.admins(session, self.settings.admin_identities):
                if admin.id != person.id:
                    self._tell_admin(session, admin, notice, f"oa-window:{digest}", now)
        return telegram is not None

    def _tell_admin(self, session: Any, admin: Person, text: str, key: str, now: datetime) -> None:
        # An admin who is themselves outside the OA window is reached elsewhere or not at all;
        # otherwise two such admins would bounce notices about each other forever.
        reachable = [i for i in admin.identities if i.private_chat_id and not (
            i.platform == PLATFORM_OA and (i.last_inbound_at is None
                                           or now - i.last_inbound_at >= self.length))]
        if not reachable:
            return
        identity = services.choose_identity(admin.preferred_platform, reachable)
        assert identity is not None  # `reachable` is not empty
        services.enqueue(session, platform=identity.platform, chat_id=str(identity.private_chat_id),
                         text=text, kind="undeliverable", key=f"{key}:{admin.id}", now=now,
                         person_id=admin.id, priority=10)




class ZaloOATransport:
    platform = PLATFORM_OA
    supports_buttons = False

    def __init__(self, bot: ZaloOABot) -> None:
        self.bot = bot
        self.max_text_length = TEXT_LIMIT

    async def send(self, chat_id: str, text: str, menu: Sequence[MenuOption] | None
                   ) -> Sequence[str] | None:
        window = self.bot.window
        if not window.is_open(chat_id):
            rerouted = window.fall_back(chat_id, text, menu)
            raise OutsideWindow(f"outside the {window.length} window"
                                + ("; sent on Telegram" if rerouted else ""))
        replier = ZaloOAReplier(self.bot, chat_id)
        try:
            if menu:
                await replier.send_menu(text, menu)
            else:
                await replier.send_text(text)
        except ZaloOAApiError as error:
            if error.is_outside_window:
                rerouted = window.fall_back(chat_id, text, menu)
                raise OutsideWindow(str(error) + ("; sent on Telegram" if rerouted else "")) \
                    from None
            if error.error_code in RATE_LIMIT_ERRORS:
                raise RetryAfter(self.bot.settings.zalo_retry_after_seconds) from None
            raise SendError(str(error)) from None
        except ZaloOAAuthError as error:
            raise SendError(str(error)) from None
        except ZaloNetworkError as error:
            raise TransientError(str(error)) from None
        except ZaloTimeout as error:
            raise UnknownOutcome(str(error)) from None
        return None  # the OA send API's message ids are not kept: no quoted replies there


# --- the OA bot ----------------------------------------------------------------------------


class ZaloOABot:
    platform = PLATFORM_OA

    def __init__(
        self,
        *,
        client: ZaloOAClient,
        router: Router,
        settings: Settings,
        session_factory: SessionFactory,
        clock: Clock,
        file_links: FileLinks | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        self.client = client
        self.router = router
        self.settings = settings
        self.file_links = file_links
        # Set by bot.zalo_platforms when the server has the upload page (bot.upload_page).
        self.upload_links: UploadLinks | None = None
        self.pacer = pacer or SendPacer(settings.zalo_messages_per_second,
                                        settings.zalo_chat_interval_seconds)
        self.window = ConversationWindow(session_factory, settings, clock)
        self.dispatcher = ChatDispatcher(settings.zalo_max_concurrent_updates, settings.secrets)
        self.clock = clock
        # Every accepted event, in the database before Zalo hears 200: a redelivery is refused
        # also after a restart, and what a crash left unhandled is handled on start.
        self.inbox = Inbox(session_factory, clock,
                           retention=timedelta(days=settings.inbox_retention_days))
        self.event_window = timedelta(minutes=settings.zalo_oa_event_window_minutes)
        self.transport = ZaloOATransport(self)
        self._names: dict[str, str] = {}

    @classmethod
    def from_settings(cls, settings: Settings, *, router: Router, session_factory: SessionFactory,
                      clock: Clock, file_links: FileLinks | None = None) -> ZaloOABot:
        cipher = settings.token_cipher()  # ConfigError naming DATA_ENCRYPTION_KEY if unset
        http = httpx.AsyncClient(timeout=httpx.Timeout(20.0), verify=shared_tls_context())
        tokens = OATokenManager(
            http=http, store=OATokenStore(session_factory, cipher),
            app_id=settings.zalo_oa_app_id,
            app_secret=settings.zalo_oa_app_secret.get_secret_value(),
            configured_refresh_token=settings.zalo_oa_refresh_token.get_secret_value(),
            oauth_url=settings.zalo_oa_oauth_url, clock=clock,
        )
        client = ZaloOAClient(http=http, tokens=tokens, api_base_url=settings.zalo_oa_api_base_url,
                              owns_http=True)
        return cls(client=client, router=router, settings=settings,
                   session_factory=session_factory, clock=clock, file_links=file_links)

    def replier(self, chat_id: str) -> ZaloOAReplier:
        return ZaloOAReplier(self, chat_id)

    async def webhook(self, request: web.Request) -> web.Response:
        # Refusals are counted by the server's RejectionLog, not logged one by one.
        if not request.headers.get(SIGNATURE_HEADER):
            return web.json_response({"error": -1, "message": "bad signature"}, status=401)
        body = await request.read()
        try:
            event = validate_oa_event(parse_json(body, self.settings.webhook_max_json_depth))
        except BadPayload as error:
            # Checked before the signature: verifying needs the parsed timestamp.
            return web.json_response({"error": -1, "message": str(error)[:200]}, status=400)
        if not verify_signature(body, request.headers.get(SIGNATURE_HEADER),
                                app_id=self.settings.zalo_oa_app_id,
                                oa_secret_key=self.settings.zalo_oa_webhook_key):
            return web.json_response({"error": -1, "message": "bad signature"}, status=401)
        if str(event.get("app_id", "")) not in ("", self.settings.zalo_oa_app_id):
            return web.json_response({"error": -1, "message": "wrong app"}, status=403)
        # The timestamp is signed: outside the window the event is a replay (or Zalo's clock
        # is far off, which the log line then shows).
        if abs(self.clock.now() - event_time(event)) > self.event_window:
            logger.info("Zalo OA: sự kiện lệch giờ %s, từ chối", event_time(event).isoformat())
            return web.json_response({"error": -1, "message": "stale timestamp"}, status=400)
        self.accept(event)
        return web.json_response({"error": 0, "message": "ok"})

    def accept(self, event: dict[str, Any]) -> bool:
        sender = str((event.get("sender") or {}).get("id") or "")
        if not sender:
            return False
        key = event_key(event)
        if not self.inbox.record(PLATFORM_OA, key, event):
            logger.info("Zalo OA: bỏ qua sự kiện gửi lại %s", key)
            return False
        self.dispatcher.submit(sender, lambda: self._handle(event, key))
        return True

    def replay_unhandled(self) -> int:
        """Events the previous run accepted but did not finish, queued in the order they came."""
        pending = self.inbox.unhandled(PLATFORM_OA)
        for item in pending:
            sender = str((item.payload.get("sender") or {}).get("id") or "")
            self.dispatcher.submit(sender, functools.partial(
                self._handle, item.payload, item.key, replay=True))
        if pending:
            logger.info("Zalo OA: xử lý tiếp %d sự kiện chưa xong từ lần chạy trước",
                        len(pending))
        return len(pending)

    async def _handle(self, event: dict[str, Any], key: str, *, replay: bool = False) -> None:
        if replay:
            self.inbox.replaying(PLATFORM_OA, key)
        sender = str((event.get("sender") or {}).get("id") or "")
        incoming = oa_to_incoming(event, await self._name_of(sender))
        if incoming is None:
            self.inbox.done(PLATFORM_OA, key)  # follows and the like: nothing to handle
            return
        # The router marks it handled in its own unit of work.
        await self.router.handle(dataclasses.replace(incoming, inbox_key=key),
                                 self.replier(incoming.chat_id))

    async def _name_of(self, user_id: str) -> str:
        """The person's Zalo name, asked once per process: OA events carry only an id."""
        if user_id not in self._names:
            name = ""
            with contextlib.suppress(ZaloError):
                profile = await self.client.get_profile(user_id)
                name = str(profile.get("display_name") or "")
            self._names[user_id] = name
        return self._names[user_id]

    async def start(self, web_server: WebServer | None) -> None:
        if web_server is None:
            logger.error("Zalo OA cần WEBHOOK_BASE_URL để nhận sự kiện; OA chưa được bật")
            return
        if self.client.tokens.store.encrypt_legacy():
            logger.info("Zalo OA: token lưu từ phiên bản trước đã được mã hoá")
        web_server.add_post(WEBHOOK_PATH, self.webhook)
        # The answers the previous run committed but did not send, then what it left unhandled.
        await self.router.resend_owed(self.inbox, PLATFORM_OA, self.replier)
        self.replay_unhandled()
        logger.info("Zalo OA: khai báo webhook %s%s trong trang quản lý ứng dụng Zalo",
                    self.settings.webhook_base_url.rstrip("/"), WEBHOOK_PATH)

    async def stop(self) -> None:
        await self.dispatcher.join(timeout=10)
        self.dispatcher.cancel()
        await self.client.aclose()
