"""The bot's own HTTP server (aiohttp): platform webhooks, signed file links, calendar feeds.

Zalo cannot receive a file from a bot, so spreadsheets, charts and dossiers go out as links:
`GET /files/{token}` where the token is signed (HMAC-SHA256) and carries its expiry. The file
itself waits under DATA_DIR/outgoing with a random name the token points to.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import json
import logging
import os
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web
from telegram import Update

from bot.http_guard import ConnectionGuard, GuardedSite, RejectionLog, guard_middleware
from config.settings import Settings
from db.session import SessionFactory
from handlers.base import OutgoingFile
from timelang.clock import Clock as TimeClock
from timelang.clock import SystemClock

if TYPE_CHECKING:
    from bot.wiring import PlatformWiring

logger = logging.getLogger(__name__)

FILES_PATH = "/files"
KEY_FILE_NAME = "file_links.key"
_FILE_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

Clock = Callable[[], float]


@dataclass(frozen=True)
class PublishedFile:
    url: str
    expires_at: float  # unix time


class FileLinks:
    """Publishes outgoing files as signed, expiring links and checks those links."""

    def __init__(
        self,
        *,
        base_url: str,
        root: Path,
        key: bytes,
        lifetime_seconds: float,
        clock: Clock = time.time,
    ) -> None:
        if not base_url:
            raise ValueError("file links need WEBHOOK_BASE_URL")
        self.base_url = base_url.rstrip("/")
        self.root = root
        self._key = key
        self.lifetime_seconds = lifetime_seconds
        self.clock = clock

    def __repr__(self) -> str:
        return f"FileLinks(base_url={self.base_url!r}, key=***)"

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Clock = time.time) -> FileLinks:
        root = settings.data_dir / "outgoing"
        if settings.file_link_secret.get_secret_value():
            secret = settings.file_link_secret.get_secret_value().encode()
            key = hashlib.sha256(b"nhacviec-file-links\0" + secret).digest()
        else:
            key = _persistent_key(settings.data_dir / KEY_FILE_NAME)
        return cls(base_url=settings.webhook_base_url, root=root, key=key,
                   lifetime_seconds=settings.file_link_lifetime_minutes * 60, clock=clock)

    def derive_key(self, purpose: str) -> bytes:
        """A separate key for another kind of signed link (upload pages): a token of one
        kind never verifies as the other."""
        return hmac.new(self._key, b"nhacviec-derive\0" + purpose.encode(), hashlib.sha256).digest()

    def publish(self, file: OutgoingFile) -> PublishedFile:
        self.sweep()
        file_id = secrets.token_urlsafe(18)
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / file_id).write_bytes(file.data)
        expires_at = self.clock() + self.lifetime_seconds
        claims = {"f": file_id, "n": file.file_name, "m": file.mime_type, "e": int(expires_at)}
        return PublishedFile(url=f"{self.base_url}{FILES_PATH}/{self._sign(claims)}",
                             expires_at=expires_at)

    def open(self, token: str) -> tuple[Path, str, str]:
        """The file behind a token: (path, file name, mime type).

        Raises `LinkInvalid` for a forged or damaged token and `LinkExpired` past its time."""
        claims = self._verify(token)
        if claims["e"] < self.clock():
            raise LinkExpired()
        file_id = str(claims["f"])
        if not _FILE_ID.match(file_id):
            raise LinkInvalid()
        path = self.root / file_id
        if not path.is_file():
            raise LinkExpired()
        return path, str(claims["n"]), str(claims["m"])

    def sweep(self) -> None:
        """Delete files whose links have all expired (each file has exactly one link)."""
        if not self.root.is_dir():
            return
        cutoff = self.clock() - self.lifetime_seconds
        for path in self.root.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
            except OSError:
                continue

    def _sign(self, claims: dict[str, Any]) -> str:
        body = _b64(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode())
        mac = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return f"{body}.{_b64(mac)}"

    def _verify(self, token: str) -> dict[str, Any]:
        body, _, mac = token.partition(".")
        if not body or not mac:
            raise LinkInvalid()
        expected = _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(expected.encode(), mac.encode()):
            raise LinkInvalid()
        try:
            claims = json.loads(_unb64(body))
        except (ValueError, UnicodeDecodeError):
            raise LinkInvalid() from None
        if not isinstance(claims, dict) or not {"f", "n", "m", "e"} <= claims.keys():
            raise LinkInvalid()
        return claims


class LinkInvalid(Exception):
    pass


class LinkExpired(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _persistent_key(path: Path) -> bytes:
    """A random key kept beside the data, so links survive a restart without configuration."""
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


# --- the server ----------------------------------------------------------------------------

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class WebServer:
    """Routes are added while building; `start` freezes them and listens on PORT."""

    def __init__(
        self,
        settings: Settings,
        session_factory: SessionFactory,
        *,
        file_links: FileLinks | None = None,
        clock: TimeClock | None = None,
    ) -> None:
        self.settings = settings
        self.file_links = file_links
        self.clock = clock or SystemClock()
        self.guard = ConnectionGuard(max_connections=settings.webhook_max_connections,
                                     header_timeout=settings.webhook_header_timeout_seconds)
        self.rejections = RejectionLog(settings.webhook_reject_log_interval_seconds, self.clock)
        # Webhook bodies are small JSON; anything larger is not from a chat platform.
        self.app = web.Application(
            client_max_size=settings.webhook_max_body_bytes,
            middlewares=[guard_middleware(self.guard, self.rejections,
                                          settings.webhook_body_timeout_seconds)])
        # `run` sets this to a `bot.health.Health`, which reports the real state (or 503).
        self.health: Any = None
        self.app.router.add_get("/healthz", self._healthz)
        if file_links is not None:
            self.app.router.add_get(FILES_PATH + "/{token}", self._serve_file)
        self._mount_optional_routes(session_factory)
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def add_post(self, path: str, handler: Handler) -> None:
        self.app.router.add_post(path, handler)

    async def start(self, host: str = "0.0.0.0", port: int | None = None) -> None:
        # No lingering: aiohttp would otherwise wait 10 s more for a body that never comes.
        self._runner = web.AppRunner(self.app, access_log=None, lingering_time=0,
                                     keepalive_timeout=self.settings.webhook_keepalive_seconds)
        await self._runner.setup()
        site = GuardedSite(self._runner, host, self.settings.port if port is None else port,
                           guard=self.guard)
        await site.start()
        # The real port, also when 0 asked the system for a free one (tests).
        addresses = self._runner.addresses
        self.port = addresses[0][1] if addresses else port
        logger.info("Máy chủ HTTP đang chạy ở cổng %s", self.port)

    async def stop(self) -> None:
        self.rejections.flush()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.StreamResponse:
        if self.health is None:
            return await _health(request)
        response: web.StreamResponse = await self.health.handle(request)
        return response

    async def _serve_file(self, request: web.Request) -> web.StreamResponse:
        assert self.file_links is not None
        try:
            path, name, mime = self.file_links.open(request.match_info["token"])
        except LinkInvalid:
            return web.Response(status=404, text="Không tìm thấy tệp.")
        except LinkExpired:
            return web.Response(status=410, text="Đường dẫn đã hết hạn. Hãy yêu cầu lại tệp.")
        ascii_name = name.encode("ascii", "ignore").decode() or "tep"
        ascii_name = ascii_name.replace('"', "").replace("\\", "")
        disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
        return web.FileResponse(path, headers={
            "Content-Type": mime,
            "Content-Disposition": disposition,
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        })

    def _mount_optional_routes(self, session_factory: SessionFactory) -> None:
        """Calendar feeds (`reports.web`) are written separately; mounted when present."""
        try:
            module = importlib.import_module("reports.web")
        except ModuleNotFoundError as error:
            if error.name in ("reports", "reports.web"):
                return
            raise
        self.app.add_routes(module.routes(session_factory, self.settings, self.clock))


async def _health(request: web.Request) -> web.Response:
    return web.Response(text="ok")


def secret_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison; an empty expected secret never matches."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def build_web_server(wiring: PlatformWiring, *, always: bool = False) -> WebServer | None:
    """The HTTP server when the bot has a public address (WEBHOOK_BASE_URL), else None;
    with `always` (`nhacviec run`: /healthz for Docker) a server without file links."""
    settings = wiring.settings
    if not settings.webhook_base_url:
        return WebServer(settings, wiring.session_factory, clock=wiring.clock) if always else None
    return WebServer(settings, wiring.session_factory,
                     file_links=FileLinks.from_settings(settings), clock=wiring.clock)


TELEGRAM_WEBHOOK_PATH = "/telegram/webhook"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def telegram_webhook_handler(application: Any, secret: str, *,
                             max_json_depth: int = 32) -> Handler:
    """Telegram webhook route for a python-telegram-bot `Application`: the secret header set
    with setWebhook's `secret_token` is checked, the body is validated, then the update joins
    the application's queue exactly as long polling would put it there. Rejections are
    counted by the server's RejectionLog, not logged one by one."""
    # why: the payload models (pydantic) are built when a webhook is mounted; a polling bot
    # never carries them (issue 17: idle RSS)
    from bot.webhook_payloads import BadPayload, parse_json, validate_telegram_update

    async def handle(request: web.Request) -> web.Response:
        if not secret_matches(request.headers.get(TELEGRAM_SECRET_HEADER), secret):
            return web.Response(status=403)
        try:
            data = validate_telegram_update(parse_json(await request.read(), max_json_depth))
            update = Update.de_json(data, application.bot)
        except BadPayload:
            return web.Response(status=400)
        except (TypeError, ValueError, KeyError, AttributeError):
            # PTB's own parsing met a shape the model let through (e.g. a string `chat`).
            return web.Response(status=400)
        queue = application.update_queue
        received = getattr(queue, "received", None)  # bot.telegram.InboxQueue's
        if isinstance(received, dict):
            received[update.update_id] = data  # stored as it came (see InboxQueue)
        await queue.put(update)
        return web.Response(text="ok")

    return handle
