"""Which webhook events were already accepted: a row per event in `webhook_events`, so that
Zalo's redeliveries are dropped also after a restart or by a second instance."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from db.models import WebhookEvent
from db.session import SessionFactory
from timelang.clock import Clock

KEY_LENGTH = 128


def content_key(event: Any) -> str:
    """For an event without a message id: the hash of its canonical JSON."""
    canonical = json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


class SeenEvents:
    def __init__(self, session_factory: SessionFactory, clock: Clock, *,
                 retention: timedelta, prune_every: timedelta = timedelta(hours=1)) -> None:
        self.session_factory = session_factory
        self.clock = clock
        self.retention = retention
        self.prune_every = prune_every
        self._pruned_at: datetime | None = None

    def add(self, source: str, key: str) -> bool:
        """True when (source, key) is new, and records it; False for a duplicate."""
        if len(key) > KEY_LENGTH:
            key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
        now = self.clock.now()
        if self._pruned_at is None or now - self._pruned_at >= self.prune_every:
            self.prune()
        with self.session_factory() as session:
            session.add(WebhookEvent(source=source, key=key, seen_at=now))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                return False
        return True

    def prune(self) -> int:
        """Forget events older than the retention; how many rows went."""
        now = self.clock.now()
        self._pruned_at = now
        with self.session_factory() as session:
            result = session.execute(
                delete(WebhookEvent).where(WebhookEvent.seen_at < now - self.retention))
            session.commit()
            return int(result.rowcount or 0)  # type: ignore[attr-defined]
