"""What the outbox sender keeps about a row and its runs, and the outbox's upkeep: rows a
dead sender left in flight are handed back, scheduled rows past the catch-up window expire.
Plain functions over a session factory, so `nhacviec` and the bot share them."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from db.models import AuditLog, Outbox
from db.reminder_prefs import forget_old_sent
from db.session import SessionFactory
from scheduler.policy import KIND_DELIVERY_REPORT, SCHEDULED_KINDS
from scheduler.transport import (
    Blocked,
    ChatNotFound,
    RetryAfter,
    SendError,
    TransientError,
    UnknownOutcome,
)

SENDER_ACTOR = "sender"
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 6


@dataclass(frozen=True)
class SenderOptions:
    concurrency: int = 8
    # Rows claimed ahead of the workers; at least `concurrency` keeps them busy.
    prefetch: int = 24
    lease: timedelta = LEASE
    max_attempts: int = MAX_ATTEMPTS
    backoff_base: float = 5.0
    backoff_max: float = 900.0
    catchup_window: timedelta = timedelta(hours=12)
    idle_seconds: float = 5.0
    maintain_every: float = 30.0
    stop_grace: float = 15.0

    @classmethod
    def from_settings(cls, settings: Any) -> SenderOptions:
        concurrency = settings.sender_concurrency
        return cls(
            concurrency=concurrency,
            prefetch=max(3 * concurrency, 16),
            lease=timedelta(seconds=settings.sender_lease_seconds),
            max_attempts=settings.sender_max_attempts,
            catchup_window=timedelta(hours=settings.reminder_catchup_hours),
        )


@dataclass(frozen=True)
class OutboxRow:
    """A claimed row, detached from any session."""

    id: int
    kind: str
    platform: str
    chat_id: str
    chat_kind: str
    text: str
    menu: list[dict[str, str]] | None
    task_ids: list[int]
    person_id: int | None
    priority: int
    scheduled_at: datetime
    attempts: int
    lease_until: datetime | None
    key: str = ""


ROW_COLUMNS = (
    Outbox.id, Outbox.kind, Outbox.platform, Outbox.chat_id, Outbox.chat_kind, Outbox.text,
    Outbox.menu, Outbox.task_ids, Outbox.person_id, Outbox.priority, Outbox.scheduled_at,
    Outbox.attempts, Outbox.lease_until, Outbox.idempotency_key,
)


@dataclass
class SenderStats:
    sent: int = 0
    rate_limited: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    unknown: int = 0
    expired: int = 0
    cancelled: int = 0
    recovered: int = 0
    lost_lease: int = 0
    first_send_at: float | None = None  # time.time() of the first delivery
    by_status: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    status: str  # sent | pending | failed | blocked | unknown | expired | cancelled
    error: str | None = None
    retry_at: datetime | None = None
    audit_action: str | None = None
    uncount_attempt: bool = False
    unreachable: bool = False


def recover_orphans(session_factory: SessionFactory, *, now: datetime, instance_id: str,
                    all_orphans: bool = False) -> int:
    """Rows left `sending` by a dead instance become pending again. With `all_orphans`
    (SQLite start-up, where the file lock proves no other sender is alive) that is every
    such row at once; otherwise only those whose lease ran out."""
    condition = [Outbox.status == "sending"]
    if all_orphans:
        condition.append(Outbox.claimed_by.is_distinct_from(instance_id))
    else:
        condition.append(Outbox.lease_until < now)
    with session_factory() as session:
        result = session.execute(
            update(Outbox)
            .where(*condition)
            .values(status="pending", claimed_by=None, lease_until=None)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def expire_stale_rows(session_factory: SessionFactory, *, now: datetime,
                      catchup_window: timedelta) -> int:
    """Scheduled messages still pending past the catch-up window are not sent late: they
    are marked expired and recorded for the admins' report."""
    cutoff = now - catchup_window
    with session_factory() as session:
        rows = session.execute(
            update(Outbox)
            .where(Outbox.status == "pending", Outbox.kind.in_(sorted(SCHEDULED_KINDS)),
                   Outbox.scheduled_at < cutoff)
            .values(status="expired", last_error="expired: outside the catch-up window")
            .returning(*ROW_COLUMNS)
            .execution_options(synchronize_session=False)
        ).all()
        for values in rows:
            row = OutboxRow(*values)
            if row.kind == KIND_DELIVERY_REPORT:
                continue  # a report that could not go out is not itself worth a report
            session.add(AuditLog(at=now, actor=SENDER_ACTOR, action="outbox.expired",
                                 entity="outbox", entity_id=row.id,
                                 details=problem_details(row, None)))
        forget_old_sent(session, now)  # the same upkeep: message records past their use
        session.commit()
    return len(rows)


def problem_details(row: OutboxRow, error: str | None) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "platform": row.platform,
        "chat_id": row.chat_id,
        "chat_kind": row.chat_kind,
        "person_id": row.person_id,
        "task_ids": list(row.task_ids or [])[:50],
        "scheduled_at": row.scheduled_at.isoformat() if row.scheduled_at else None,
        "error": error,
    }


def classify_failure(row: OutboxRow, error: SendError, options: SenderOptions,
                     now: datetime) -> Outcome:
    """What a failed send means for its row: retry when, give up, or stop for good."""
    described = f"{type(error).__name__}: {error}"[:500]
    if isinstance(error, RetryAfter):
        return Outcome("pending", described,
                        retry_at=now + timedelta(seconds=max(error.seconds, 0.5)),
                        uncount_attempt=True)
    if isinstance(error, Blocked):
        return Outcome("blocked", described, audit_action="outbox.blocked",
                        unreachable=True)
    if isinstance(error, ChatNotFound):
        return Outcome("blocked", described, audit_action="outbox.chat_not_found",
                        unreachable=True)
    if isinstance(error, UnknownOutcome):
        return Outcome("unknown", described, audit_action="outbox.unknown")
    if isinstance(error, TransientError):
        if row.attempts >= options.max_attempts:
            return Outcome("failed", described, audit_action="outbox.failed")
        delay = min(options.backoff_max,
                    options.backoff_base * 2 ** max(0, row.attempts - 1))
        delay *= random.uniform(0.8, 1.2)  # restarts must not retry in lockstep
        return Outcome("pending", described, retry_at=now + timedelta(seconds=delay))
    return Outcome("failed", described, audit_action="outbox.failed")
