"""The calendar feeds over HTTP, mounted by the bot's webhook server (bot/http.py):

    GET /ics/unit/{code}.ics?token=…
    GET /ics/person/{id}.ics?token=…

A feed's token is an HMAC of its path derived from WEBHOOK_SECRET, so a link works only
for the feed it was made for and nobody can guess another unit's. Without a secret no feed
is served. `nhacviec ics --unit CODE --url` prints a unit's link.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Literal
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.orm import Session

from config.settings import Settings
from db import services
from db.models import Person
from db.session import SessionFactory
from reports import ics
from timelang import numbers
from timelang.clock import Clock, SystemClock

logger = logging.getLogger(__name__)

FeedKind = Literal["unit", "person"]
TOKEN_LENGTH = 32
CACHE_SECONDS = 300


def feed_token(secret: str, kind: FeedKind, key: str) -> str:
    """Stable per feed; changing WEBHOOK_SECRET revokes every link."""
    message = f"ics:{kind}:{key.upper() if kind == 'unit' else key}".encode()
    return hmac.new(f"ics-feed:{secret}".encode(), message, hashlib.sha256).hexdigest()[
        :TOKEN_LENGTH
    ]


def feed_path(kind: FeedKind, key: str) -> str:
    return f"/ics/{kind}/{quote(key.upper() if kind == 'unit' else key, safe='')}.ics"


def feed_url(settings: Settings, kind: FeedKind, key: str) -> str | None:
    """The link to subscribe to; None when the bot has no public address or secret."""
    if not settings.webhook_base_url or not settings.webhook_secret:
        return None
    base = settings.webhook_base_url.rstrip("/")
    token = feed_token(settings.webhook_secret, kind, key)
    return f"{base}{feed_path(kind, key)}?token={token}"


def routes(
    session_factory: SessionFactory, settings: Settings, clock: Clock | None = None
) -> list[web.RouteDef]:
    if not settings.webhook_secret:
        logger.info("WEBHOOK_SECRET chưa đặt: không phục vụ lịch .ics")
        return []
    secret = settings.webhook_secret
    clock = clock or SystemClock()

    def build(kind: FeedKind, key: str) -> bytes | None:
        now = clock.now()
        today = now.astimezone(settings.tz).date()
        with session_factory() as session:
            scope = _scope(session, kind, key)
            if scope is None:
                return None
            return ics.feed(session, scope, today=today, now=now, tz=settings.tz)

    def handler(kind: FeedKind) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def serve(request: web.Request) -> web.Response:
            key = request.match_info["key"]
            token = request.query.get("token", "")
            if not hmac.compare_digest(token.encode(), feed_token(secret, kind, key).encode()):
                raise web.HTTPForbidden(text="token không hợp lệ")
            # The database is synchronous: keep it off the event loop that serves webhooks.
            body = await asyncio.to_thread(build, kind, key)
            if body is None:
                raise web.HTTPNotFound(text="không có lịch này")
            return web.Response(
                body=body,
                content_type="text/calendar",
                charset="utf-8",
                headers={
                    "Cache-Control": f"private, max-age={CACHE_SECONDS}",
                    "Content-Disposition": f'inline; filename="{kind}-{quote(key)}.ics"',
                },
            )

        return serve

    return [
        web.get("/ics/unit/{key}.ics", handler("unit")),
        web.get("/ics/person/{key}.ics", handler("person")),
    ]


def _scope(session: Session, kind: FeedKind, key: str) -> ics.FeedScope | None:
    if kind == "unit":
        unit = services.unit_by_code(session, key)
        return ics.unit_scope(unit) if unit is not None else None
    person_id = numbers.ascii_int(key, low=1, high=numbers.ID_MAX)
    if person_id is None:
        return None
    person = session.get(Person, person_id)
    return ics.person_scope(session, person) if person is not None else None
