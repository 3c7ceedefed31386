"""The calendar feeds over HTTP, mounted by the bot's webhook server (bot/http.py):

    GET /ics/unit/{code}.ics?token=…
    GET /ics/person/{id}.ics?token=…

Each link has a random token of its own, stored hashed (`reports.feeds`); a token opens only
the feed it was made for, and a revoked one opens nothing (403). `nhacviec feed create` makes
a link, `nhacviec feed revoke` withdraws it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.orm import Session

from config.settings import Settings
from db import services
from db.models import Person
from db.session import SessionFactory
from reports import feeds
from reports.feeds import FeedKind
from timelang import numbers
from timelang.clock import Clock, SystemClock

if TYPE_CHECKING:
    from reports.ics import FeedScope

logger = logging.getLogger(__name__)

CACHE_SECONDS = 300
FORBIDDEN = object()


def routes(
    session_factory: SessionFactory, settings: Settings, clock: Clock | None = None
) -> list[web.RouteDef]:
    clock = clock or SystemClock()

    def build(kind: FeedKind, key: str, token: str) -> bytes | object | None:
        # why: icalendar (≈7 MiB resident) is loaded when a feed is first asked for, not at
        # start-up: most bots never serve one
        from reports import ics

        now = clock.now()
        today = now.astimezone(settings.tz).date()
        with session_factory() as session:
            feed = feeds.find(session, token)
            if feed is None or feed.kind != kind or feed.key != feeds.normal_key(kind, key):
                return FORBIDDEN
            scope = _scope(session, kind, feed.key)
            if scope is None:
                return None
            return ics.feed(session, scope, today=today, now=now, tz=settings.tz)

    def handler(kind: FeedKind) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def serve(request: web.Request) -> web.Response:
            key = request.match_info["key"]
            token = request.query.get("token", "")
            # The database is synchronous: keep it off the event loop that serves webhooks.
            body = await asyncio.to_thread(build, kind, key, token)
            if body is FORBIDDEN:
                raise web.HTTPForbidden(text="token không hợp lệ hoặc đã bị thu hồi")
            if not isinstance(body, bytes):
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


def _scope(session: Session, kind: FeedKind, key: str) -> FeedScope | None:
    # why: icalendar is loaded with the first feed asked for (see `build`)
    from reports import ics

    if kind == "unit":
        unit = services.unit_by_code(session, key)
        return ics.unit_scope(unit) if unit is not None else None
    person_id = numbers.ascii_int(key, low=1, high=numbers.ID_MAX)
    if person_id is None:
        return None
    person = session.get(Person, person_id)
    return ics.person_scope(session, person) if person is not None else None
