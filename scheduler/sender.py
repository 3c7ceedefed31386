"""Delivers outbox rows through the platform transports.

The database is the record: a row is claimed (status 'sending', with a lease) before the
network call and marked afterwards, so a crash leaves evidence of what was in flight."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select, update

from db.models import Outbox
from db.session import SessionFactory
from handlers import state
from handlers.base import MenuOption
from scheduler.clock import Clock
from scheduler.transport import (
    Blocked,
    ChatNotFound,
    RetryAfter,
    SendError,
    TransientError,
    Transport,
    UnknownOutcome,
)

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 6


class OutboxSender:
    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        transports: Mapping[str, Transport],
        clock: Clock,
        instance_id: str = "main",
    ) -> None:
        self.session_factory = session_factory
        self.transports = dict(transports)
        self.clock = clock
        self.instance_id = instance_id
        self._wake = asyncio.Event()
        self._stopping = False

    def kick(self) -> None:
        self._wake.set()

    async def run(self, idle_seconds: float = 5.0) -> None:
        while not self._stopping:
            sent = await self.drain_once()
            if sent:
                continue
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=idle_seconds)
            except TimeoutError:
                pass

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    def _claim(self, limit: int) -> list[Outbox]:
        now = self.clock.now()
        with self.session_factory() as session:
            rows = list(session.scalars(
                select(Outbox)
                .where(Outbox.status == "pending", Outbox.not_before <= now,
                       Outbox.platform.in_(list(self.transports)))
                .order_by(Outbox.priority.desc(), Outbox.not_before, Outbox.id)
                .limit(limit)
            ))
            claimed = []
            for row in rows:
                result = session.execute(
                    update(Outbox)
                    .where(Outbox.id == row.id, Outbox.status == "pending")
                    .values(status="sending", claimed_by=self.instance_id,
                            lease_until=now + LEASE, attempts=Outbox.attempts + 1)
                )
                if result.rowcount:  # type: ignore[attr-defined]
                    claimed.append(row)
            session.commit()
            return claimed

    async def drain_once(self, limit: int = 50) -> int:
        rows = self._claim(limit)
        for row in rows:
            await self._deliver(row)
        return len(rows)

    async def _deliver(self, row: Outbox) -> None:
        transport = self.transports[row.platform]
        menu = [MenuOption(m["label"], m["command"]) for m in row.menu] if row.menu else None
        status, error, retry_at = "sent", None, None
        try:
            await transport.send(row.chat_id, row.text, menu)
        except RetryAfter as exc:
            status, error = "pending", str(exc)
            retry_at = self.clock.now() + timedelta(seconds=exc.seconds)
        except (Blocked, ChatNotFound) as exc:
            status, error = "blocked", f"{type(exc).__name__}: {exc}"
        except UnknownOutcome as exc:
            # Not repeated: a second copy is worse than asking an admin to check one.
            status, error = "unknown", str(exc)
        except (TransientError, SendError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            if row.attempts + 1 >= MAX_ATTEMPTS:
                status = "failed"
            else:
                status = "pending"
                retry_at = self.clock.now() + timedelta(seconds=2 ** (row.attempts + 1))
        self._finish(row, status, error, retry_at, menu, transport.supports_buttons)

    def _finish(
        self,
        row: Outbox,
        status: str,
        error: str | None,
        retry_at: datetime | None,
        menu: list[MenuOption] | None,
        supports_buttons: bool,
    ) -> None:
        now = self.clock.now()
        with self.session_factory() as session:
            values: dict[str, object] = {"status": status, "last_error": error,
                                         "lease_until": None}
            if status == "sent":
                values["sent_at"] = now
            if retry_at is not None:
                values["not_before"] = retry_at
            session.execute(update(Outbox).where(Outbox.id == row.id).values(**values))
            if status == "sent" and menu and not supports_buttons and row.person_id is not None:
                state.save_menu(session, row.platform, row.chat_id, _user_of(session, row),
                                [m.command for m in menu], now)
            session.commit()
        if status != "sent":
            logger.warning("outbox %s to %s:%s → %s (%s)", row.id, row.platform, row.chat_id,
                           status, error)


def _user_of(session: object, row: Outbox) -> str:
    # In a private chat the chat id is the user id on every supported platform.
    return row.chat_id
