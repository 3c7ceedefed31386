"""Delivers outbox rows through the platform transports, as fast as each platform allows.

The database is the record. A row is claimed before the network call (status `sending`,
`claimed_by` this instance, a lease) and marked right after it, one short commit per row:
- claims take `FOR UPDATE SKIP LOCKED` on PostgreSQL, so instances sharing an outbox never
  take the same row; a row whose lease ran out (its instance died) becomes pending again;
- a crash or kill -9 leaves claimed rows in `sending`; on restart they are sent again. Only
  those that had already reached the platform can arrive twice, and there are at most
  `concurrency` of those: the rest were claimed but not yet on the wire. Losing a reminder
  is worse than a rare second copy after a crash;
- a graceful stop (SIGTERM) lets the sends on the wire finish and be recorded and hands the
  other claimed rows back, so it sends nothing twice.

Outcomes:
- 429: the row goes back with `not_before` = now + retry_after (not counted as a failed
  attempt) and the limiter holds the chat that long, and the platform too when the 429
  cannot be the chat's own limit (see `PlatformRateLimiter.on_retry_after`);
- blocked by the user / chat not found: recorded (`blocked`, audit entry) and reported to the
  admins once by the DeliveryReporter; the chat is taken out of use (the identity's private
  chat cleared, the group unbound) so tomorrow's plan does not try it again. A person who
  writes to the bot again gets their private chat back;
- network trouble and 5xx before the message was accepted: retried with exponential backoff
  and jitter, up to `max_attempts`, then `failed` and reported;
- unknown outcome (the request went out, no answer came: a timeout): recorded as `unknown`
  and reported, NOT sent again. The message was most likely delivered (the platform usually
  accepts before the connection drops), a reminder that arrives twice in a unit's group
  teaches people to ignore the bot, and the admin report names the chat and the task
  numbers so a person can check. The next day's plan reminds again anyway if still due.
  (After a crash the opposite choice is made — see above — because there the rows in doubt
  are mostly ones never sent, and nobody can tell which.);
- other refusals (a malformed message): `failed` at once, retrying cannot help.

Reminders are re-checked just before sending (the planner's `refresh`): a task completed
since planning drops out of the message, and a message left with nothing is `cancelled`.
Scheduled kinds wait out the quiet hours and expire after the catch-up window.

Pacing: every send takes a slot from the platform's shared `PlatformRateLimiter` (bulk
lane; rows raised by a person's action, priority ≥ 10, take the priority lane like replies).
A row whose chat is not ready (its 1/s or 20/min budget spent) waits aside without holding
a worker, so one busy group never stalls the other 9 999 chats.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db import chat_state as state
from db.models import AuditLog, Chat, Identity, Outbox
from db.reminder_prefs import KIND_SNOOZED, record_sent
from db.session import SessionFactory
from scheduler.outbox_upkeep import (
    ROW_COLUMNS,
    SENDER_ACTOR,
    OutboxRow,
    Outcome,
    SenderOptions,
    SenderStats,
    classify_failure,
    expire_stale_rows,
    problem_details,
    recover_orphans,
)
from scheduler.policy import (
    KIND_DELIVERY_REPORT,
    REMINDER_KINDS,
    SCHEDULED_KINDS,
    ReminderPolicy,
)
from scheduler.ratelimit import OutboxSendScope, PlatformRateLimiter
from scheduler.transport import (
    SendError,
    Transport,
)
from texts.menus import MenuOption
from timelang.clock import Clock

logger = logging.getLogger(__name__)

# Rows queued by a person's action (services.enqueue_to_person's default) ride the priority
# lane: someone just acted and waits for the consequence.
INTERACTIVE_PRIORITY = 10



Refresher = Callable[[Session, OutboxRow], Any]
PolicyProvider = Callable[[], ReminderPolicy]


class OutboxSender:
    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        transports: Mapping[str, Transport],
        clock: Clock,
        instance_id: str | None = None,
        limiters: Mapping[str, PlatformRateLimiter] | None = None,
        options: SenderOptions | None = None,
        refresher: Refresher | None = None,
        policy_provider: PolicyProvider | None = None,
        tz: ZoneInfo | None = None,
        only_ids: Iterable[int] | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.transports = dict(transports)
        self.clock = clock
        self.instance_id = instance_id or (
            f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        )
        self.limiters: dict[str, PlatformRateLimiter] = dict(limiters or {})
        self.options = options or SenderOptions()
        self.refresher = refresher
        self.policy_provider = policy_provider
        self.tz = tz or ZoneInfo("Asia/Ho_Chi_Minh")
        # A one-off sender (`nhacviec remind`) delivers only the rows it queued itself.
        self.only_ids = sorted(set(only_ids)) if only_ids is not None else None
        self.stats = SenderStats()
        self._wake = asyncio.Event()
        self._stopping = False
        self._queue: asyncio.Queue[OutboxRow | None] | None = None
        self._delayed: list[tuple[float, int, OutboxRow]] = []
        self._busy: set[int] = set()
        self._on_wire: set[int] = set()
        self._last_maintenance = -float("inf")
        self._running = False
        self._db_lock: asyncio.Lock | None = None
        self._serialize_writes: bool | None = None

    # --- control -------------------------------------------------------------------------------

    def kick(self) -> None:
        """New rows may be due: look now instead of at the next idle tick."""
        self._wake.set()

    def stop(self) -> None:
        """Graceful: finish what is on the wire, hand the rest back (see `run`)."""
        self._stopping = True
        self._wake.set()

    @property
    def in_flight(self) -> int:
        return len(self._on_wire)

    # --- the loop ------------------------------------------------------------------------------

    async def run(self, idle_seconds: float | None = None) -> None:
        idle = self.options.idle_seconds if idle_seconds is None else idle_seconds
        # A stop() that came before this task got to run still counts: no reset here.
        self._running = True
        self._queue = asyncio.Queue()
        workers = [asyncio.create_task(self._worker(), name=f"outbox-worker-{i}")
                   for i in range(self.options.concurrency)]
        try:
            while not self._stopping:
                # Cleared before looking, so a kick that comes while we look is not lost.
                self._wake.clear()
                now = self.clock.now()
                await self._maintain(now)
                self._promote_delayed()
                held = self._queue.qsize() + len(self._busy) + len(self._delayed)
                room = self.options.prefetch - held
                claimed: list[OutboxRow] = []
                # Claim in batches, not one query per finished send.
                if room >= max(1, self.options.prefetch // 3) or held == 0:
                    claimed = await self._db(self._claim, room, now)
                    for row in claimed:
                        self._route(row)
                if claimed and len(claimed) == room:
                    continue
                timeout = await self._idle_timeout(now, idle, nothing_claimed=not claimed)
                if self._stopping:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=timeout)
        finally:
            await self._shutdown(workers)
            self._running = False
            self._stopping = False  # ready for a later run()

    async def _idle_timeout(self, now: datetime, idle: float, *, nothing_claimed: bool) -> float:
        timeout = idle
        if self._delayed:
            timeout = min(timeout, max(0.0, self._delayed[0][0] - time.monotonic()))
        if nothing_claimed and self._queue is not None and self._queue.qsize() == 0:
            next_due = await self._read(self._next_due, now)
            if next_due is not None:
                timeout = min(timeout, max(0.0, (next_due - now).total_seconds()))
        return max(timeout, 0.005)

    def _route(self, row: OutboxRow) -> None:
        """Ready chats go to the workers; a chat still within its limit waits aside."""
        assert self._queue is not None
        limiter = self.limiters.get(row.platform)
        if limiter is not None:
            ready = limiter.chat_ready_at(row.chat_id, group=row.chat_kind == "group")
            if ready - time.monotonic() > 0.25:
                heapq.heappush(self._delayed, (ready, row.id, row))
                return
        self._queue.put_nowait(row)

    def _promote_delayed(self) -> None:
        assert self._queue is not None
        now = time.monotonic()
        while self._delayed and self._delayed[0][0] <= now:
            _, _, row = heapq.heappop(self._delayed)
            self._queue.put_nowait(row)

    async def _worker(self) -> None:
        assert self._queue is not None
        while True:
            row = await self._queue.get()
            if row is None:
                return
            self._busy.add(row.id)
            try:
                await self._process(row)
            except Exception as error:  # a bug must not lose the row: it is handed back
                logger.exception("outbox %s: delivery crashed", row.id)
                with contextlib.suppress(Exception):
                    await self._db(self._finish, row, Outcome(
                        "pending", f"{type(error).__name__}: {error}",
                        retry_at=self.clock.now() + timedelta(seconds=60)))
            finally:
                self._busy.discard(row.id)
                if self._queue.qsize() < self.options.concurrency:
                    self._wake.set()

    async def _shutdown(self, workers: list[asyncio.Task[None]]) -> None:
        assert self._queue is not None
        # Rows nobody started are handed back at once; rows on the wire finish and are marked.
        unstarted: list[OutboxRow] = [row for _, _, row in self._delayed]
        self._delayed.clear()
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if item is not None:
                unstarted.append(item)
        for _ in workers:
            self._queue.put_nowait(None)
        if unstarted:
            await self._db(self._release, unstarted)
        _, pending = await asyncio.wait(workers, timeout=self.options.stop_grace)
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if pending:
            logger.warning("outbox: %d send(s) still on the wire at stop; their lease expires "
                           "and they are retried", len(pending))

    async def drain_once(self, limit: int = 50) -> int:
        """Claims what is due now and delivers it, one row after another; returns how many
        rows were claimed. For tests, the CLI, and a final flush."""
        now = self.clock.now()
        await self._maintain(now, force=True)
        rows = await self._db(self._claim, limit, now)
        for row in rows:
            await self._process(row)
        return len(rows)

    # --- one row -------------------------------------------------------------------------------

    async def _process(self, row: OutboxRow) -> None:
        now = self.clock.now()
        if row.kind in SCHEDULED_KINDS:
            if row.scheduled_at < now - self.options.catchup_window:
                await self._db(self._finish, row, Outcome(
                    "expired", "expired: outside the catch-up window",
                    audit_action=None if row.kind == KIND_DELIVERY_REPORT
                    else "outbox.expired"))
                return
            quiet_end = self._quiet_until(now)
            if quiet_end is not None:
                await self._db(self._release, [row], quiet_end)
                return
        if (row.kind in REMINDER_KINDS or row.kind == KIND_SNOOZED) and self.refresher:
            refreshed = await self._read(self._refresh, row)
            if refreshed is None:
                await self._db(self._finish, row, Outcome(
                    "cancelled", "nothing left to remind: the tasks were completed"))
                return
            row = refreshed
        limiter = self.limiters.get(row.platform)
        if limiter is not None:
            await limiter.acquire(row.chat_id, group=row.chat_kind == "group",
                                  priority=row.priority >= INTERACTIVE_PRIORITY)
        if not await self._lease_still_ours(row):
            return
        transport = self.transports.get(row.platform)
        if transport is None:
            await self._db(self._release, [row])
            return
        menu = [MenuOption(m["label"], m["command"]) for m in row.menu] if row.menu else None
        self._on_wire.add(row.id)
        sent_ids: Sequence[str] | None = None
        try:
            with OutboxSendScope():
                sent_ids = await transport.send(row.chat_id, row.text, menu)
            outcome = Outcome("sent")
        except SendError as error:
            outcome = self._classify(row, error)
        finally:
            self._on_wire.discard(row.id)
        if outcome.status == "sent" and self.stats.first_send_at is None:
            self.stats.first_send_at = time.time()
        if isinstance(outcome.retry_at, datetime) and outcome.uncount_attempt and limiter:
            seconds = (outcome.retry_at - self.clock.now()).total_seconds()
            limiter.on_retry_after(row.chat_id, seconds, group=row.chat_kind == "group")
        await self._db(self._finish, row, outcome, menu, transport.supports_buttons, sent_ids)

    def _classify(self, row: OutboxRow, error: SendError) -> Outcome:
        return classify_failure(row, error, self.options, self.clock.now())

    def _quiet_until(self, now: datetime) -> datetime | None:
        if self.policy_provider is None:
            return None
        return self.policy_provider().quiet_until(now.astimezone(self.tz))

    def _refresh(self, row: OutboxRow) -> OutboxRow | None:
        assert self.refresher is not None
        with self.session_factory() as session:
            refreshed = self.refresher(session, row)
        if refreshed is None:
            return None
        menu = ([{"label": label, "command": command} for label, command in refreshed.menu]
                if refreshed.menu else None)
        return replace(row, text=refreshed.text, menu=menu, task_ids=list(refreshed.task_ids),
                       kind=refreshed.kind)

    async def _lease_still_ours(self, row: OutboxRow) -> bool:
        """A row that waited long for its slot renews its lease first; if another instance
        took it meanwhile (our lease ran out), it is theirs now."""
        if row.lease_until is None:
            return True
        margin = min(self.options.lease / 4, timedelta(seconds=30))
        if self.clock.now() < row.lease_until - margin:
            return True
        renewed = await self._db(self._renew_lease, row)
        if not renewed:
            self.stats.lost_lease += 1
            logger.warning("outbox %s: lease lost before sending; another instance has it",
                           row.id)
        return renewed

    # --- database work (run in a worker thread) ------------------------------------------------

    async def _db(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Runs a write off the event loop. On SQLite one at a time: concurrent writers would
        spin in the busy handler (sleeping up to 100 ms a try), while one short transaction
        after another is far faster. PostgreSQL takes them side by side."""
        if self._serialize_writes is None:
            with self.session_factory() as session:
                self._serialize_writes = session.get_bind().dialect.name == "sqlite"
        if not self._serialize_writes:
            return await asyncio.to_thread(function, *args, **kwargs)
        if self._db_lock is None:
            self._db_lock = asyncio.Lock()
        async with self._db_lock:
            return await asyncio.to_thread(function, *args, **kwargs)

    @staticmethod
    async def _read(function: Callable[..., Any], *args: Any) -> Any:
        """Runs a read off the event loop; readers never wait for one another (WAL)."""
        return await asyncio.to_thread(function, *args)

    def _claim(self, limit: int, now: datetime) -> list[OutboxRow]:
        platforms = sorted(self.transports)
        if limit <= 0 or not platforms:
            return []
        conditions = [
            Outbox.status == "pending",
            Outbox.not_before <= now,
            Outbox.platform.in_(platforms),
        ]
        if self._quiet_until(now) is not None:
            conditions.append(Outbox.kind.not_in(sorted(SCHEDULED_KINDS)))
        if self.only_ids is not None:
            conditions.append(Outbox.id.in_(self.only_ids))
        # A CTE, not `id IN (subquery)`: PostgreSQL may re-evaluate a locking subquery and
        # claim more rows than the LIMIT; a CTE is evaluated exactly once.
        picked = (
            select(Outbox.id)
            .where(*conditions)
            .order_by(Outbox.priority.desc(), Outbox.not_before, Outbox.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .cte("picked")
        )
        claim = (
            update(Outbox)
            .where(Outbox.id == picked.c.id, Outbox.status == "pending")
            .values(status="sending", claimed_by=self.instance_id,
                    lease_until=now + self.options.lease, attempts=Outbox.attempts + 1)
            .returning(*ROW_COLUMNS)
            .execution_options(synchronize_session=False)
        )
        with self.session_factory() as session:
            rows = [OutboxRow(*row) for row in session.execute(claim)]
            session.commit()
        rows.sort(key=lambda r: (-r.priority, r.id))
        return rows

    def _next_due(self, now: datetime) -> datetime | None:
        platforms = sorted(self.transports)
        if not platforms:
            return None
        query = select(func.min(Outbox.not_before)).where(
            Outbox.status == "pending", Outbox.platform.in_(platforms))
        quiet_end = self._quiet_until(now)
        if quiet_end is not None:
            query = query.where(Outbox.kind.not_in(sorted(SCHEDULED_KINDS)))
        with self.session_factory() as session:
            moment = session.scalar(query)
        if quiet_end is not None:
            moment = min(moment, quiet_end) if moment else quiet_end
        return moment

    def _renew_lease(self, row: OutboxRow) -> bool:
        with self.session_factory() as session:
            result = session.execute(
                update(Outbox)
                .where(Outbox.id == row.id, Outbox.claimed_by == self.instance_id,
                       Outbox.status == "sending")
                .values(lease_until=self.clock.now() + self.options.lease)
                .execution_options(synchronize_session=False)
            )
            session.commit()
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def _finish(
        self,
        row: OutboxRow,
        outcome: Outcome,
        menu: list[MenuOption] | None = None,
        supports_buttons: bool = True,
        sent_ids: Sequence[str] | None = None,
    ) -> None:
        now = self.clock.now()
        values: dict[str, Any] = {
            "status": outcome.status,
            "last_error": outcome.error,
            "lease_until": None,
            "text": row.text,
            "menu": row.menu,
            "task_ids": row.task_ids,
            "kind": row.kind,
        }
        if outcome.status == "sent":
            values["sent_at"] = now
        if outcome.status == "pending":
            values["claimed_by"] = None
            values["not_before"] = outcome.retry_at or now
            if outcome.uncount_attempt:
                values["attempts"] = Outbox.attempts - 1
        with self.session_factory() as session:
            result = session.execute(
                update(Outbox)
                .where(Outbox.id == row.id, Outbox.claimed_by == self.instance_id,
                       Outbox.status == "sending")
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                session.rollback()
                self.stats.lost_lease += 1
                logger.error("outbox %s: %s, but the row was taken over by another instance "
                             "(lease expired)", row.id, outcome.status)
                return
            if outcome.audit_action:
                session.add(AuditLog(at=now, actor=SENDER_ACTOR, action=outcome.audit_action,
                                     entity="outbox", entity_id=row.id,
                                     details=problem_details(row, outcome.error)))
            if outcome.unreachable:
                self._retire_chat(session, row, now)
            if (outcome.status == "sent" and menu and not supports_buttons
                    and row.person_id is not None and row.chat_kind == "private"):
                # In a private chat the chat id is the user id on every supported platform.
                state.save_menu(session, row.platform, row.chat_id, row.chat_id,
                                [m.command for m in menu], now)
            if outcome.status == "sent" and sent_ids and row.task_ids:
                # A reply to this message ("xong", "50%") then acts on its tasks.
                record_sent(session, platform=row.platform, chat_id=row.chat_id,
                            message_ids=sent_ids, task_ids=row.task_ids, now=now)
            session.commit()
        self._count(outcome)
        if outcome.status not in ("sent", "cancelled"):
            logger.warning("outbox %s to %s:%s → %s (%s)", row.id, row.platform, row.chat_id,
                           outcome.status, outcome.error)

    def _count(self, outcome: Outcome) -> None:
        stats = self.stats
        stats.by_status[outcome.status] = stats.by_status.get(outcome.status, 0) + 1
        if outcome.status == "sent":
            stats.sent += 1
        elif outcome.status == "pending":
            if outcome.uncount_attempt:
                stats.rate_limited += 1
            else:
                stats.retried += 1
        elif outcome.status in ("blocked",):
            stats.blocked += 1
        elif outcome.status == "unknown":
            stats.unknown += 1
        elif outcome.status == "failed":
            stats.failed += 1
        elif outcome.status == "expired":
            stats.expired += 1
        elif outcome.status == "cancelled":
            stats.cancelled += 1

    def _retire_chat(self, session: Session, row: OutboxRow, now: datetime) -> None:
        """Stops planning messages to a chat that refused one. A private chat comes back by
        itself when the person writes to the bot (the router records the chat again)."""
        if row.chat_kind == "group":
            session.execute(
                update(Chat)
                .where(Chat.platform == row.platform, Chat.external_id == row.chat_id)
                .values(unit_id=None)
                .execution_options(synchronize_session=False)
            )
        else:
            session.execute(
                update(Identity)
                .where(Identity.platform == row.platform, Identity.private_chat_id == row.chat_id)
                .values(private_chat_id=None)
                .execution_options(synchronize_session=False)
            )

    def _release(self, rows: Iterable[OutboxRow], not_before: datetime | None = None) -> None:
        """Hands claimed, unsent rows back (graceful stop, quiet hours): no attempt counted."""
        ids = [row.id for row in rows]
        if not ids:
            return
        values: dict[str, Any] = {"status": "pending", "claimed_by": None, "lease_until": None,
                                  "attempts": Outbox.attempts - 1}
        if not_before is not None:
            values["not_before"] = not_before
        with self.session_factory() as session:
            session.execute(
                update(Outbox)
                .where(Outbox.id.in_(ids), Outbox.claimed_by == self.instance_id,
                       Outbox.status == "sending")
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            session.commit()

    # --- upkeep --------------------------------------------------------------------------------

    async def _maintain(self, now: datetime, *, force: bool = False) -> None:
        if not force and time.monotonic() - self._last_maintenance < self.options.maintain_every:
            return
        self._last_maintenance = time.monotonic()
        await self._db(self.recover, now=now)
        await self._db(self.expire_stale, now=now)

    def recover(self, *, now: datetime | None = None, all_orphans: bool = False) -> int:
        """Rows left `sending` by a dead instance become pending again (outbox_upkeep)."""
        count = recover_orphans(self.session_factory, now=now or self.clock.now(),
                                instance_id=self.instance_id, all_orphans=all_orphans)
        if count:
            self.stats.recovered += count
            logger.warning("outbox: %d message(s) left in flight by a stopped sender are sent "
                           "again", count)
        return count

    def expire_stale(self, *, now: datetime | None = None) -> int:
        """Scheduled messages past the catch-up window are expired, not sent late."""
        count = expire_stale_rows(self.session_factory, now=now or self.clock.now(),
                                  catchup_window=self.options.catchup_window)
        self.stats.expired += count
        return count
