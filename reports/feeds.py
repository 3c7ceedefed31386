"""Calendar feed links: each one a random token of its own, kept only as its SHA-256, so that
one link can be revoked (a leader who moved on, a link pasted in the wrong group) while every
other keeps working. The token is shown once, when the feed is made.

Feeds used to be an HMAC of WEBHOOK_SECRET — the secret also sent to Zalo — and could only be
revoked all together; those old links no longer open anything.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.settings import Settings
from db.models import CalendarFeed

FeedKind = Literal["unit", "person"]
TOKEN_BYTES = 32


@dataclass(frozen=True)
class NewFeed:
    id: int
    kind: FeedKind
    key: str
    token: str  # only here, never stored


def normal_key(kind: FeedKind, key: str) -> str:
    return key.strip().upper() if kind == "unit" else key.strip()


def hash_token(token: str) -> str:
    # Tokens are 256 random bits: a plain hash is enough, nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


def create(session: Session, kind: FeedKind, key: str, *, now: datetime,
           label: str | None = None) -> NewFeed:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed(kind=kind, key=normal_key(kind, key), token_hash=hash_token(token),
                        label=label, created_at=now)
    session.add(feed)
    session.flush()
    return NewFeed(id=feed.id, kind=kind, key=feed.key, token=token)


def find(session: Session, token: str) -> CalendarFeed | None:
    """The live feed a token opens, or None (unknown or revoked)."""
    if not token:
        return None
    return session.scalar(select(CalendarFeed).where(
        CalendarFeed.token_hash == hash_token(token), CalendarFeed.revoked_at.is_(None)))


def all_feeds(session: Session) -> list[CalendarFeed]:
    return list(session.scalars(select(CalendarFeed).order_by(CalendarFeed.id)))


def revoke(session: Session, feed_id: int, *, now: datetime) -> bool:
    """False when there is no such feed or it was already revoked."""
    feed = session.get(CalendarFeed, feed_id)
    if feed is None or feed.revoked_at is not None:
        return False
    feed.revoked_at = now
    return True


def path(kind: str, key: str) -> str:
    return f"/ics/{kind}/{quote(key, safe='')}.ics"


def url(settings: Settings, feed: NewFeed) -> str:
    """The link to subscribe to (a path alone when the bot has no public address)."""
    base = settings.webhook_base_url.rstrip("/")
    return f"{base}{path(feed.kind, feed.key)}?token={feed.token}"
