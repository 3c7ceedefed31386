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

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
from aiohttp import web
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.zalo import (
    FileTooBig,
    ZaloError,
    ZaloNetworkError,
    ZaloTimeout,
    download,
)
from bot.zalo_adapter import (
    ChatDispatcher,
    Pacer,
    RecentKeys,
    SendPacer,
    file_link_text,
)
from config.settings import Settings
from db import services
from db.models import AppSetting, Identity, Person
from db.session import SessionFactory, unit_of_work
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
from handlers.router import Router
from scheduler.transport import (
    Blocked,
    RetryAfter,
    SendError,
    TransientError,
    UnknownOutcome,
)
from texts import messages
from timelang.clock import Clock

if TYPE_CHECKING:
    from bot.http import FileLinks, WebServer

logger = logging.getLogger(__name__)

PLATFORM_OA = "zalo_oa"
WEBHOOK_PATH = "/zalo-oa/webhook"
SIGNATURE_HEADER = "X-ZEvent-Signature"
TOKENS_KEY = "zalo_oa.tokens"
TEXT_LIMIT = 2000

# Error codes of the OA API, as Zalo documents them and as integrators report them.
TOKEN_ERRORS = {-216, -124}  # access token invalid / expired
WINDOW_ERRORS = {-213, -230}  # the person has not written to the OA recently enough
RATE_LIMIT_ERRORS = {-32}


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
    except (ValueError, KeyError, TypeError):
        return False
    given = header.strip()
    if given.lower().startswith("mac="):
        given = given[4:]
    expected = event_mac(app_id, body, timestamp, oa_secret_key)
    return hmac.compare_digest(given.strip().lower().encode(), expected.encode())


# --- errors --------------------------------------------------------------------------------


class ZaloOAError(ZaloError):
    pass


class ZaloOAApiError(ZaloOAError):
    def __init__(self, error_code: int, description: str) -> None:
        super().__init__(f"Zalo OA error {error_code}: {description}")
        self.error_code = error_code
        self.description = description

    @property
    def is_outside_window(self) -> bool:
        return self.error_code in WINDOW_ERRORS

    @property
    def is_token_error(self) -> bool:
        return self.error_code in TOKEN_ERRORS


class ZaloOAAuthError(ZaloOAError):
    """The refresh failed: the OA must be authorised again (a new ZALO_OA_REFRESH_TOKEN)."""


class OutsideWindow(Blocked):
    """Not sent: the person has not written to the OA within the free-messaging window."""


# --- tokens --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OATokens:
    access_token: str
    refresh_token: str
    expires_at: datetime


@dataclass(frozen=True)
class StoredTokens:
    """The `app_settings` row as read: `version` is what a compare-and-set must match."""

    exists: bool
    version: int
    tokens: OATokens | None
    seed: str | None  # which configured refresh token this chain of tokens started from
    lease_owner: str | None
    lease_until: datetime | None


def seed_id(refresh_token: str) -> str:
    """Names the configured refresh token without storing it twice."""
    return hashlib.sha256(b"zalo-oa-seed\0" + refresh_token.encode()).hexdigest()[:16]


class OATokenStore:
    """The OA tokens in one `app_settings` row; every write is a compare-and-set on `version`."""

    def __init__(self, session_factory: SessionFactory, key: str = TOKENS_KEY) -> None:
        self.session_factory = session_factory
        self.key = key

    def load(self) -> StoredTokens:
        with self.session_factory() as session:
            row = session.get(AppSetting, self.key)
            if row is None:
                return StoredTokens(False, 0, None, None, None, None)
            value = dict(row.value or {})
            tokens = None
            if value.get("access_token") and value.get("refresh_token"):
                tokens = OATokens(value["access_token"], value["refresh_token"],
                                  datetime.fromisoformat(value["expires_at"]))
            lease_until = value.get("lease_until")
            return StoredTokens(
                exists=True, version=row.version, tokens=tokens, seed=value.get("seed"),
                lease_owner=value.get("lease_owner"),
                lease_until=datetime.fromisoformat(lease_until) if lease_until else None,
            )

    def claim(self, state: StoredTokens, *, owner: str, until: datetime, seed: str) -> int | None:
        """Take the refresh lease; the new version, or None when another process got there."""
        value = _value(state.tokens if state.seed == seed else None, seed)
        value.update(lease_owner=owner, lease_until=until.isoformat())
        return self._write(state, value)

    def save(self, version: int, tokens: OATokens, seed: str, *, force: bool = False) -> bool:
        """Store fresh tokens and end the lease taken at `version`."""
        with self.session_factory() as session:
            statement = update(AppSetting).where(AppSetting.key == self.key)
            if not force:
                statement = statement.where(AppSetting.version == version)
            result = session.execute(statement.values(value=_value(tokens, seed),
                                                      version=AppSetting.version + 1))
            session.commit()
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def release(self, version: int) -> None:
        """End a lease without new tokens (the refresh failed)."""
        with self.session_factory() as session:
            row = session.get(AppSetting, self.key)
            if row is None or row.version != version:
                return
            value = dict(row.value or {})
            value.pop("lease_owner", None)
            value.pop("lease_until", None)
            session.execute(update(AppSetting).where(AppSetting.key == self.key,
                                                     AppSetting.version == version)
                            .values(value=value, version=version + 1))
            session.commit()

    def _write(self, state: StoredTokens, value: dict[str, Any]) -> int | None:
        with self.session_factory() as session:
            if not state.exists:
                session.add(AppSetting(key=self.key, value=value, version=1))
                try:
                    session.commit()
                except IntegrityError:
                    session.rollback()
                    return None
                return 1
            result = session.execute(
                update(AppSetting)
                .where(AppSetting.key == self.key, AppSetting.version == state.version)
                .values(value=value, version=state.version + 1)
            )
            session.commit()
            return state.version + 1 if result.rowcount else None  # type: ignore[attr-defined]


def _value(tokens: OATokens | None, seed: str) -> dict[str, Any]:
    value: dict[str, Any] = {"seed": seed}
    if tokens is not None:
        value.update(access_token=tokens.access_token, refresh_token=tokens.refresh_token,
                     expires_at=tokens.expires_at.isoformat())
    return value


class OATokenManager:
    """Hands out a valid access token, refreshing it when it is about to expire."""

    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        store: OATokenStore,
        app_id: str,
        app_secret: str,
        configured_refresh_token: str,
        oauth_url: str,
        clock: Clock,
        instance_id: str | None = None,
        margin: timedelta = timedelta(minutes=10),
        lease: timedelta = timedelta(seconds=60),
        wait_step: float = 0.1,
        max_wait: float = 90.0,
    ) -> None:
        self.http = http
        self.store = store
        self.app_id = app_id
        self._app_secret = app_secret
        self._configured = configured_refresh_token
        self._seed = seed_id(configured_refresh_token)
        self.oauth_url = oauth_url
        self.clock = clock
        self.instance_id = instance_id or secrets.token_hex(6)
        self.margin = margin
        self.lease = lease
        self.wait_step = wait_step
        self.max_wait = max_wait
        self._lock = asyncio.Lock()
        self._cached: OATokens | None = None

    def __repr__(self) -> str:
        return f"OATokenManager(app_id={self.app_id!r}, tokens=***)"

    async def access_token(self) -> str:
        if self._fresh(self._cached):
            assert self._cached is not None
            return self._cached.access_token
        async with self._lock:
            if self._fresh(self._cached):
                assert self._cached is not None
                return self._cached.access_token
            return await self._obtain(stale=None)

    async def refresh_after_rejection(self, rejected: str) -> str:
        """Zalo refused `rejected` before its time: get another, unless one came meanwhile."""
        async with self._lock:
            if self._cached is not None and self._cached.access_token != rejected:
                return self._cached.access_token
            self._cached = None
            return await self._obtain(stale=rejected)

    def _fresh(self, tokens: OATokens | None, stale: str | None = None) -> bool:
        return (tokens is not None and tokens.access_token != stale
                and tokens.expires_at - self.margin > self.clock.now())

    async def _obtain(self, *, stale: str | None) -> str:
        give_up_at = time.monotonic() + self.max_wait
        while True:
            state = self.store.load()
            current = state.tokens if state.seed == self._seed else None
            if self._fresh(current, stale):
                assert current is not None
                self._cached = current
                return current.access_token
            now = self.clock.now()
            leased = (state.lease_until is not None and state.lease_until > now
                      and state.lease_owner != self.instance_id)
            if leased:
                if time.monotonic() > give_up_at:
                    raise ZaloOAAuthError("another process has been refreshing for too long")
                await asyncio.sleep(self.wait_step)
                continue
            version = self.store.claim(state, owner=self.instance_id, until=now + self.lease,
                                       seed=self._seed)
            if version is None:
                continue  # another process bumped the version first: read again
            refresh_token = current.refresh_token if current is not None else self._configured
            try:
                tokens = await self._refresh(refresh_token)
            except BaseException:
                self.store.release(version)
                raise
            if not self.store.save(version, tokens, self._seed):
                # Our lease ran out and someone claimed it; our tokens are the only valid
                # ones now (the refresh token they hold is spent), so ours must win.
                logger.warning("Zalo OA: lease hết hạn trong lúc làm mới token; ghi đè")
                self.store.save(version, tokens, self._seed, force=True)
            self._cached = tokens
            logger.info("Zalo OA: đã làm mới access token")
            return tokens.access_token

    async def _refresh(self, refresh_token: str) -> OATokens:
        try:
            response = await self.http.post(
                self.oauth_url,
                data={"refresh_token": refresh_token, "app_id": self.app_id,
                      "grant_type": "refresh_token"},
                headers={"secret_key": self._app_secret},
            )
        except httpx.TimeoutException:
            raise ZaloTimeout("OA token refresh timed out") from None
        except httpx.TransportError as error:
            raise ZaloNetworkError(f"OA token refresh failed: {type(error).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict) or not body.get("access_token"):
            error = body.get("error") if isinstance(body, dict) else None
            name = body.get("error_name") if isinstance(body, dict) else None
            raise ZaloOAAuthError(f"OA token refresh refused ({error}: {name}); "
                                  "authorise the OA again and set ZALO_OA_REFRESH_TOKEN")
        try:
            lifetime = int(body.get("expires_in") or 90000)
        except (TypeError, ValueError):
            lifetime = 90000
        return OATokens(access_token=str(body["access_token"]),
                        refresh_token=str(body.get("refresh_token") or refresh_token),
                        expires_at=self.clock.now() + timedelta(seconds=lifetime))


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


def event_key(event: Mapping[str, Any]) -> str | None:
    message_id = (event.get("message") or {}).get("msg_id")
    return f"{event.get('event_name')}:{message_id}" if message_id else None


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
                                    size=int(size) if str(size or "").isdigit() else None)
    elif name != "user_send_text":
        return None
    return Incoming(platform=PLATFORM_OA, chat_id=sender, user_id=sender, user_name=user_name,
                    text=text, message_id=message_id, attachment=attachment)


# --- replies, the outbox and the 48-hour window --------------------------------------------


class ZaloOAReplier(Replier):
    supports_buttons = False
    max_text_length = TEXT_LIMIT

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
                excerpt=messages.esc(_shorten(to_plain_text(text), 300)),
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
        preferred = [i for i in reachable if i.platform == admin.preferred_platform]
        identity = (preferred or sorted(reachable, key=lambda i: i.last_inbound_at or i.created_at,
                                        reverse=True))[0]
        services.enqueue(session, platform=identity.platform, chat_id=str(identity.private_chat_id),
                         text=text, kind="undeliverable", key=f"{key}:{admin.id}", now=now,
                         person_id=admin.id, priority=10)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ZaloOATransport:
    platform = PLATFORM_OA
    supports_buttons = False

    def __init__(self, bot: ZaloOABot) -> None:
        self.bot = bot
        self.max_text_length = TEXT_LIMIT

    async def send(self, chat_id: str, text: str, menu: Sequence[MenuOption] | None) -> None:
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
        self.pacer = pacer or SendPacer(settings.zalo_messages_per_second,
                                        settings.zalo_chat_interval_seconds)
        self.window = ConversationWindow(session_factory, settings, clock)
        self.dispatcher = ChatDispatcher(settings.zalo_max_concurrent_updates, settings.secrets)
        self.recent = RecentKeys()
        self.transport = ZaloOATransport(self)
        self._names: dict[str, str] = {}

    @classmethod
    def from_settings(cls, settings: Settings, *, router: Router, session_factory: SessionFactory,
                      clock: Clock, file_links: FileLinks | None = None) -> ZaloOABot:
        http = httpx.AsyncClient(timeout=httpx.Timeout(20.0))
        tokens = OATokenManager(
            http=http, store=OATokenStore(session_factory), app_id=settings.zalo_oa_app_id,
            app_secret=settings.zalo_oa_app_secret,
            configured_refresh_token=settings.zalo_oa_refresh_token,
            oauth_url=settings.zalo_oa_oauth_url, clock=clock,
        )
        client = ZaloOAClient(http=http, tokens=tokens, api_base_url=settings.zalo_oa_api_base_url,
                              owns_http=True)
        return cls(client=client, router=router, settings=settings,
                   session_factory=session_factory, clock=clock, file_links=file_links)

    def replier(self, chat_id: str) -> ZaloOAReplier:
        return ZaloOAReplier(self, chat_id)

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not verify_signature(body, request.headers.get(SIGNATURE_HEADER),
                                app_id=self.settings.zalo_oa_app_id,
                                oa_secret_key=self.settings.zalo_oa_webhook_key):
            logger.warning("Zalo OA webhook: chữ ký %s sai hoặc thiếu, từ chối", SIGNATURE_HEADER)
            return web.json_response({"error": -1, "message": "bad signature"}, status=401)
        event = json.loads(body)
        if not isinstance(event, dict) or str(event.get("app_id", "")) not in (
                "", self.settings.zalo_oa_app_id):
            return web.json_response({"error": -1, "message": "wrong app"}, status=403)
        self.accept(event)
        return web.json_response({"error": 0, "message": "ok"})

    def accept(self, event: dict[str, Any]) -> bool:
        key = event_key(event)
        if key is not None and not self.recent.add(key):
            logger.info("Zalo OA: bỏ qua sự kiện gửi lại %s", key)
            return False
        sender = str((event.get("sender") or {}).get("id") or "")
        if not sender:
            return False
        self.dispatcher.submit(sender, lambda: self._handle(event))
        return True

    async def _handle(self, event: dict[str, Any]) -> None:
        sender = str((event.get("sender") or {}).get("id") or "")
        incoming = oa_to_incoming(event, await self._name_of(sender))
        if incoming is None:
            return
        await self.router.handle(incoming, self.replier(incoming.chat_id))

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
        web_server.add_post(WEBHOOK_PATH, self.webhook)
        logger.info("Zalo OA: khai báo webhook %s%s trong trang quản lý ứng dụng Zalo",
                    self.settings.webhook_base_url.rstrip("/"), WEBHOOK_PATH)

    async def stop(self) -> None:
        await self.dispatcher.join(timeout=10)
        self.dispatcher.cancel()
        await self.client.aclose()
