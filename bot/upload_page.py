"""The upload page: how a person on Zalo sends a document (the platform passes no files to
bots). The bot answers /minhchung SỐ or /nhapkehoach with a link to `GET /upload/{token}`,
a small Vietnamese form; the file posted back goes through the router exactly as a chat
upload would (the same command, the same checks and storage), and the bot's answers go both
to the person's Zalo chat and onto the page.

The token is signed (HMAC-SHA256, a key derived from the file-link key), names one person in
one chat, one purpose (evidence for one task, or a plan), expires, and is used once (its
nonce is recorded in `webhook_events`). The form carries a CSRF value derived from the token
and a POST from another origin is refused; the page sends its address to no other site, and
the body is read as a stream capped at MAX_FILE_BYTES within UPLOAD_TIMEOUT_SECONDS.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import html
import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from aiohttp import BodyPartReader, web
from sqlalchemy import select

from config.settings import Settings
from db.inbox import Inbox, bounded_key
from db.models import InboxUpdate
from db.session import SessionFactory
from handlers.base import (
    Attachment,
    ButtonLayout,
    FileTooLarge,
    Incoming,
    OutgoingFile,
    Replier,
    UploadLink,
    UploadPurpose,
    to_plain_text,
)
from handlers.router import Router
from texts import onboarding as t
from texts import uploads
from timelang.clock import Clock

UPLOAD_PATH = "/upload"
# What the uploaded file enters as: the command that asked for it.
_COMMANDS = {"evidence": "/minhchung {task_id}", "plan": "/nhapkehoach", "staff": "/nhapcanbo"}
SEEN_SOURCE = "upload"
_FORM_OVERHEAD = 64 * 1024  # multipart boundaries, headers and the CSRF field


class LinkInvalid(Exception):
    pass


class LinkExpired(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class UploadLinks:
    """Makes and checks upload tokens."""

    def __init__(self, *, base_url: str, key: bytes, lifetime: timedelta, clock: Clock) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = key
        self.lifetime = lifetime
        self.clock = clock

    def __repr__(self) -> str:
        return f"UploadLinks(base_url={self.base_url!r}, key=***)"

    def make(self, platform: str, chat_id: str, user_id: str, purpose: UploadPurpose) -> UploadLink:
        expires = self.clock.now() + self.lifetime
        claims = {"p": platform, "c": chat_id, "u": user_id, "k": purpose.kind,
                  "t": purpose.task_id, "e": int(expires.timestamp()),
                  "n": secrets.token_urlsafe(12)}
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        token = f"{body}.{_b64(self._mac(body))}"
        return UploadLink(url=f"{self.base_url}{UPLOAD_PATH}/{token}", expires_at=expires)

    def verify(self, token: str) -> dict[str, Any]:
        """The claims; LinkInvalid for a forged or damaged token, LinkExpired past its time."""
        body, _, mac = token.partition(".")
        if not body or not mac or len(token) > 1024:
            raise LinkInvalid()
        if not hmac.compare_digest(_b64(self._mac(body)).encode(), mac.encode()):
            raise LinkInvalid()
        try:
            claims = json.loads(_unb64(body))
        except (ValueError, UnicodeDecodeError):
            raise LinkInvalid() from None
        if not isinstance(claims, dict) or not {"p", "c", "u", "k", "t", "e", "n"} <= claims.keys():
            raise LinkInvalid()
        if claims["k"] not in _COMMANDS:
            raise LinkInvalid()
        if claims["e"] < self.clock.now().timestamp():
            raise LinkExpired()
        return claims

    def csrf(self, claims: dict[str, Any]) -> str:
        return _b64(self._mac("csrf:" + str(claims["n"])))

    def _mac(self, text: str) -> bytes:
        return hmac.new(self._key, text.encode(), hashlib.sha256).digest()


class PageReplier(Replier):
    """Sends the bot's answers to the person's chat and keeps them for the page; hands the
    router the uploaded bytes as the attachment's download."""

    def __init__(self, target: Replier, data: bytes) -> None:
        super().__init__()
        self.target = target
        self.data = data
        self.max_text_length = target.max_text_length
        self.supports_buttons = target.supports_buttons
        self.supports_files = target.supports_files
        self.receives_documents = target.receives_documents
        self.texts: list[str] = []

    async def send_text(self, text: str) -> None:
        self.texts.append(text)
        await self.target.send_text(text)

    async def send_menu(self, text: str, options: Any, *, columns: int = 1) -> None:
        self.texts.append(text)
        await self.target.send_menu(text, options, columns=columns)
        self.numbered_menu = self.target.numbered_menu

    async def send_file(self, file: OutgoingFile) -> None:
        await self.target.send_file(file)

    def upload_link(self, user_id: str, purpose: UploadPurpose) -> UploadLink | None:
        return self.target.upload_link(user_id, purpose)  # the next file, after a refusal

    async def _send_chunk(self, text: str, buttons: ButtonLayout | None) -> None:
        raise AssertionError("PageReplier forwards whole messages")

    async def download(self, attachment: Attachment, max_bytes: int) -> bytes:
        if len(self.data) > max_bytes:
            raise FileTooLarge(len(self.data))
        return self.data


class UploadPage:
    def __init__(self, *, links: UploadLinks, router: Router, settings: Settings,
                 session_factory: SessionFactory, seen: Inbox,
                 repliers: dict[str, Callable[[str], Replier]]) -> None:
        self.links = links
        self.router = router
        self.settings = settings
        self.session_factory = session_factory
        self.seen = seen
        self.repliers = repliers  # platform → the replier of one of its chats

    def routes(self) -> list[web.RouteDef]:
        async def post(request: web.Request) -> web.StreamResponse:
            return await self.post(request)

        post.reads_own_body = True  # type: ignore[attr-defined]  # see bot.http_guard
        return [web.get(UPLOAD_PATH + "/{token}", self.get),
                web.post(UPLOAD_PATH + "/{token}", post)]

    @property
    def max_mb(self) -> int:
        return self.settings.max_file_bytes // (1024 * 1024)

    def _claims(self, token: str) -> dict[str, Any] | web.Response:
        try:
            claims = self.links.verify(token)
        except LinkInvalid:
            return _page(t.PAGE_INVALID, status=404)
        except LinkExpired:
            return _page(t.PAGE_EXPIRED, status=410)
        if claims["p"] not in self.repliers or self._used(str(claims["n"])):
            return _page(t.PAGE_EXPIRED, status=410)
        return claims

    def _used(self, nonce: str) -> bool:
        with self.session_factory() as session:
            return session.scalar(select(InboxUpdate.id).where(
                InboxUpdate.platform == SEEN_SOURCE,
                InboxUpdate.key == bounded_key(nonce))) is not None

    async def get(self, request: web.Request) -> web.StreamResponse:
        claims = self._claims(request.match_info["token"])
        if isinstance(claims, web.Response):
            return claims
        return _page(self._form(claims, request.match_info["token"]))

    def _form(self, claims: dict[str, Any], token: str) -> str:
        what = {"evidence": t.PAGE_EVIDENCE.format(task_id=int(claims["t"] or 0)),
                "plan": t.PAGE_PLAN, "staff": uploads.PAGE_STAFF}[str(claims["k"])]
        expires = datetime.fromtimestamp(claims["e"], UTC).astimezone(self.settings.tz)
        accept = ".pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,.jpg,.jpeg,.png,.txt,.md"
        return (
            f"<h2>{html.escape(what)}</h2>"
            f'<form method="post" action="{UPLOAD_PATH}/{html.escape(token)}" '
            'enctype="multipart/form-data">'
            f'<input type="hidden" name="csrf" value="{self.links.csrf(claims)}">'
            f'<label for="file">{html.escape(t.PAGE_CHOOSE.format(max_mb=self.max_mb))}</label>'
            f'<input id="file" type="file" name="file" accept="{accept}" required>'
            f'<button type="submit">{html.escape(t.PAGE_SEND)}</button></form>'
            f"<p>{html.escape(t.PAGE_EXPIRES.format(expires=expires.strftime('%H:%M %d/%m/%Y')))}</p>"
        )

    async def post(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        claims = self._claims(token)
        if isinstance(claims, web.Response):
            return claims
        if not self._same_origin(request):
            return _page(t.PAGE_FORBIDDEN, status=403)
        limit = self.settings.max_file_bytes
        if request.content_length is not None and request.content_length > limit + _FORM_OVERHEAD:
            return _too_large(self.max_mb)
        try:
            async with asyncio.timeout(self.settings.upload_timeout_seconds):
                form = await self._read_form(request, limit)
        except TimeoutError:
            return _page(t.PAGE_TIMEOUT, status=408)
        except _TooLarge:
            return _too_large(self.max_mb)
        except (ValueError, AssertionError, KeyError):
            return _page(t.PAGE_NO_FILE, status=400)
        csrf, file_name, data, mime = form
        if not hmac.compare_digest(csrf.encode(), self.links.csrf(claims).encode()):
            return _page(t.PAGE_FORBIDDEN, status=403)
        if data is None:
            return _page(t.PAGE_NO_FILE, status=400)
        # The link's nonce is recorded once (the inbox's unique key), so a link works once.
        if not self.seen.record(SEEN_SOURCE, str(claims["n"]), {}):
            return _page(t.PAGE_EXPIRED, status=410)  # the same link, used twice at once
        self.seen.done(SEEN_SOURCE, str(claims["n"]))
        texts = await self._deliver(claims, file_name or "tep", data, mime)
        answers = "".join(f"<p>{html.escape(to_plain_text(text))}</p>" for text in texts)
        return _page(f"<h2>{html.escape(t.PAGE_DONE)}</h2>{answers}"
                     f"<p>{html.escape(t.PAGE_DONE_FOOT)}</p>")

    def _same_origin(self, request: web.Request) -> bool:
        """A browser names the page a POST came from; it must be ours. (A client that sends
        no Origin is no browser carrying someone's session: the token alone authorises.)"""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        ours = urlsplit(self.links.base_url)
        theirs = urlsplit(origin)
        return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc)

    async def _read_form(self, request: web.Request, limit: int
                         ) -> tuple[str, str | None, bytes | None, str | None]:
        reader = await request.multipart()
        csrf, name, data, mime = "", None, None, None
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "csrf":
                csrf = (await part.read_chunk(256)).decode("ascii", "replace")
            elif part.name == "file" and part.filename:
                chunks, size = [], 0
                while chunk := await part.read_chunk(64 * 1024):
                    size += len(chunk)
                    if size > limit:
                        raise _TooLarge()
                    chunks.append(chunk)
                data, name = b"".join(chunks), part.filename
                mime = part.headers.get("Content-Type")
                if not data:
                    data = None
        return csrf, name, data, mime

    async def _deliver(self, claims: dict[str, Any], file_name: str, data: bytes,
                       mime: str | None) -> list[str]:
        """The file enters as the command it was asked for, through the router."""
        platform, chat_id, user_id = str(claims["p"]), str(claims["c"]), str(claims["u"])
        text = _COMMANDS[str(claims["k"])].format(task_id=int(claims["t"] or 0))
        attachment = Attachment(kind="document", file_id=f"upload:{claims['n']}",
                                file_name=file_name, mime_type=mime, size=len(data))
        incoming = Incoming(platform=platform, chat_id=chat_id, user_id=user_id, user_name="",
                            text=text, attachment=attachment)
        replier = PageReplier(self.repliers[platform](chat_id), data)
        await self.router.handle(incoming, replier)
        return replier.texts


class _TooLarge(Exception):
    pass


def _too_large(max_mb: int) -> web.Response:
    return _page(t.PAGE_TOO_LARGE.format(max_mb=max_mb), status=413)


_STYLE = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;"
    "padding:1rem;max-width:32rem;margin:auto;font-size:1.05rem;line-height:1.5;color:#1b1b1b}"
    "h1{font-size:1.3rem}h2{font-size:1.1rem}label{display:block;margin:1rem 0 .5rem}"
    "input[type=file]{width:100%;padding:.8rem 0;font-size:1rem}"
    "button{width:100%;padding:.9rem;font-size:1.1rem;border:0;border-radius:.5rem;"
    "background:#0a66c2;color:#fff;margin-top:1rem}"
)


def _page(body: str, *, status: int = 200) -> web.Response:
    """A whole page. User texts in `body` are escaped by the callers; a plain sentence
    (an error) is escaped here."""
    if not body.startswith("<"):
        body = f"<p>{html.escape(body)}</p>"
    document = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(t.PAGE_TITLE)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{html.escape(t.PAGE_TITLE)}</h1>{body}</body></html>"
    )
    return web.Response(status=status, text=document, content_type="text/html", headers={
        "Cache-Control": "no-store",
        # same-origin: no other site sees the token in a Referer, and our own form POST still
        # carries its Origin (with no-referrer, Chromium sends "Origin: null").
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                   "form-action 'self'; frame-ancestors 'none'",
    })


def mount(web_server: Any, *, router: Router, settings: Settings, session_factory: SessionFactory,
          clock: Clock, repliers: dict[str, Callable[[str], Replier]]) -> UploadLinks | None:
    """Adds the upload page to the server (it needs the public address the file links
    have); returns the link maker the platform repliers hand out, or None without it."""
    file_links = getattr(web_server, "file_links", None)
    if file_links is None:
        return None
    links = UploadLinks(base_url=file_links.base_url, key=file_links.derive_key("upload"),
                        lifetime=timedelta(minutes=settings.upload_link_lifetime_minutes),
                        clock=clock)
    seen = Inbox(session_factory, clock,
                 retention=max(timedelta(days=settings.inbox_retention_days), links.lifetime * 2))
    page = UploadPage(links=links, router=router, settings=settings,
                      session_factory=session_factory, seen=seen, repliers=repliers)
    web_server.app.add_routes(page.routes())
    return links
