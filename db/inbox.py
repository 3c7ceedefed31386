"""The inbox: every platform update is written here before the platform is told it arrived,
and marked handled inside the handler's own unit of work.

So a crash between receiving and handling leaves the row unhandled, and the bot handles it on
its next start (`Inbox.unhandled`); a redelivered update meets the unique (platform, key) and
is dropped (`Inbox.record` answers False). Marking is a compare-and-set
(`mark_handled`, or `settle` as a unit of work's last statement: only the transaction that
turns `handled_at` from NULL commits its work), so two instances, or a replay racing a
redelivery, never both commit the same update.

The answers are durable the same way: the unit of work that handles an update stores its
replies in the row (`settle` or `owe_replies`, same commit), and they are cleared once
delivered (by the next unit of work's `settle`/`owe_replies`, or `replies_delivered`: no
commit of their own); what a crash kept from the person is sent on the next start
(`Inbox.replies_owed`, see handlers/durable_replies.py).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    Insert,
    Table,
    Update,
    and_,
    bindparam,
    case,
    delete,
    insert,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from db.models import InboxUpdate
from db.session import SessionFactory
from timelang.clock import Clock

logger = logging.getLogger(__name__)

KEY_LENGTH = 128
# An update that took the bot down this many starts in a row is set aside (logged), so one
# poisonous update cannot keep the bot from ever coming up.
MAX_REPLAYS = 3
INBOX_TABLE = cast(Table, InboxUpdate.__table__)


def content_key(event: Any) -> str:
    """For an event without a message id: the hash of its canonical JSON."""
    canonical = json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def bounded_key(key: str) -> str:
    return key if len(key) <= KEY_LENGTH else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class PendingUpdate:
    id: int
    key: str
    payload: dict[str, Any]


@functools.cache
def _record_statement() -> Insert:
    return insert(INBOX_TABLE)


@functools.cache
def _mark_statement() -> Update:
    """Built once: the hot path pays neither construction nor compilation again."""
    inbox = INBOX_TABLE
    return (update(inbox)
            .where(inbox.c.platform == bindparam("inbox_platform"),
                   inbox.c.key == bindparam("inbox_key"), inbox.c.handled_at.is_(None))
            .values(handled_at=bindparam("handled_now")))


def mark_handled(session: Session, platform: str, key: str, now: datetime) -> bool:
    """Inside the caller's unit of work: True when this transaction is the one that handles
    the update (it stays so only if the transaction commits), False when another already did.
    A key the inbox never recorded (an update from before the inbox, a test) counts as new."""
    # On the table, not the mapped class: a plain UPDATE, without the ORM's bulk-update
    # bookkeeping (a tenth of the bot's time per update under load).
    result = session.execute(_mark_statement(), {
        "inbox_platform": platform, "inbox_key": bounded_key(key), "handled_now": now})
    if result.rowcount:  # type: ignore[attr-defined]
        return True
    handled = session.scalar(select(InboxUpdate.handled_at).where(
        InboxUpdate.platform == platform, InboxUpdate.key == bounded_key(key)))
    return handled is None


@functools.cache
def _owe_statement() -> Update:
    """This update's answers stored, and those of the updates named in `delivered_keys`
    (delivered since the last commit) cleared, in one UPDATE."""
    inbox = INBOX_TABLE
    mine: BindParameter[str] = bindparam("inbox_key")
    return (update(inbox)
            .where(inbox.c.platform == bindparam("inbox_platform"),
                   or_(inbox.c.key == mine,
                       inbox.c.key.in_(bindparam("delivered_keys", expanding=True))))
            .values(replies=case((inbox.c.key == mine,
                                  bindparam("owed_replies", type_=inbox.c.replies.type)),
                                 else_=null())))


@functools.cache
def _clear_statement() -> Update:
    inbox = INBOX_TABLE
    return (update(inbox)
            .where(inbox.c.platform == bindparam("inbox_platform"),
                   inbox.c.key.in_(bindparam("delivered_keys", expanding=True)))
            .values(replies=null()))


@functools.cache
def _settle_statement() -> Update:
    """`mark_handled` and `owe_replies` in one UPDATE: this update turned handled (only if no
    one did before) with its answers stored, and those of `delivered_keys` cleared; it
    returns the keys it changed, so the caller knows whether this update was among them."""
    inbox = INBOX_TABLE
    mine: BindParameter[str] = bindparam("inbox_key")
    return (update(inbox)
            .where(inbox.c.platform == bindparam("inbox_platform"),
                   or_(and_(inbox.c.key == mine, inbox.c.handled_at.is_(None)),
                       inbox.c.key.in_(bindparam("delivered_keys", expanding=True))))
            .values(handled_at=case((inbox.c.key == mine, bindparam(
                        "handled_now", type_=inbox.c.handled_at.type)),
                                    else_=inbox.c.handled_at),
                    replies=case((inbox.c.key == mine,
                                  bindparam("owed_replies", type_=inbox.c.replies.type)),
                                 else_=null()))
            .returning(inbox.c.key))


def settle(session: Session, platform: str, key: str, now: datetime,
           replies: dict[str, Any] | None, *, delivered: Collection[str] = ()) -> bool:
    """Inside the caller's unit of work, as its last statement: `mark_handled` (the same
    compare-and-set, so the same answer) and `owe_replies` at once, one round trip instead
    of two. Marked last rather than first, a duplicate handled elsewhere meanwhile does its
    work for nothing and is rolled back: still only one transaction commits the update (on
    PostgreSQL the second UPDATE waits for the first's row lock, then finds it handled)."""
    mine = bounded_key(key)
    changed = session.execute(_settle_statement(), {
        "inbox_platform": platform, "inbox_key": mine, "handled_now": now,
        "owed_replies": replies, "delivered_keys": [bounded_key(k) for k in delivered],
    }).scalars().all()
    if mine in changed:
        return True
    handled = session.scalar(select(InboxUpdate.handled_at).where(
        InboxUpdate.platform == platform, InboxUpdate.key == mine))
    return handled is None


def owe_replies(session: Session, platform: str, key: str, replies: dict[str, Any] | None,
                *, delivered: Collection[str] = ()) -> None:
    """Inside the caller's unit of work: these are the update's answers, owed until they are
    delivered and cleared (None: nothing owed). `delivered`: keys of other updates whose
    answers went out since, cleared by the same statement (no commit of their own)."""
    # On the table, as in mark_handled: a plain UPDATE without the ORM's bulk-update
    # bookkeeping.
    session.execute(_owe_statement(), {
        "inbox_platform": platform, "inbox_key": bounded_key(key), "owed_replies": replies,
        "delivered_keys": [bounded_key(k) for k in delivered]})


def replies_delivered(session: Session, platform: str, keys: Collection[str]) -> None:
    """Inside the caller's unit of work: the answers of these updates went out."""
    if keys:
        session.execute(_clear_statement(), {
            "inbox_platform": platform, "delivered_keys": [bounded_key(k) for k in keys]})


@dataclass(frozen=True)
class OwedReplies:
    key: str
    replies: dict[str, Any]


class Inbox:
    def __init__(self, session_factory: SessionFactory, clock: Clock, *,
                 retention: timedelta, prune_every: timedelta = timedelta(hours=1)) -> None:
        self.session_factory = session_factory
        self.clock = clock
        self.retention = retention
        self.prune_every = prune_every
        self._pruned_at: datetime | None = None
        bind = session_factory.kw["bind"]
        # The inbox write is a single INSERT: atomic and durable on its own where the
        # database has autocommit without a cost (PostgreSQL: a flag of the driver). SQLite
        # resets a connection's isolation with a statement, and its BEGIN/COMMIT cost no
        # round trip: there it keeps an ordinary transaction.
        self._writer = (bind if bind.dialect.name == "sqlite"
                        else bind.execution_options(isolation_level="AUTOCOMMIT"))

    @property
    def writes_overlap(self) -> bool:
        """Whether a write from a worker thread can overlap the event loop's unit of work.
        PostgreSQL: yes. SQLite has one writer; a second one sleeps in its busy handler."""
        bind = self.session_factory.kw.get("bind")
        return bind is not None and bind.dialect.name != "sqlite"

    def record(self, platform: str, key: str, payload: dict[str, Any]) -> bool:
        """Writes the update (committed before this returns); False for a redelivery."""
        now = self.clock.now()
        if self._pruned_at is None or now - self._pruned_at >= self.prune_every:
            self.prune()
        try:
            # One statement, so its own transaction: in autocommit (PostgreSQL) it is one
            # round trip, not BEGIN, INSERT, COMMIT; on a bare connection, without an ORM
            # session, for a row written and never read back here.
            with self._writer.connect() as connection:
                connection.execute(_record_statement(), {
                    "platform": platform, "key": bounded_key(key), "payload": payload,
                    "received_at": now, "replays": 0})
                connection.commit()
        except IntegrityError:
            return False
        return True

    def done(self, platform: str, key: str) -> None:
        """Marks an update handled on its own, for the ones no unit of work took (ignored
        kinds, a handler that failed and was rolled back). Does nothing if already marked."""
        with self.session_factory() as session:
            mark_handled(session, platform, key, self.clock.now())
            session.commit()

    def unhandled(self, platform: str) -> list[PendingUpdate]:
        """The updates a previous run received but did not finish, in the order they came
        (so in order per chat). One whose handling was begun MAX_REPLAYS times on start-up
        and never finished is marked handled and logged instead of returned."""
        now = self.clock.now()
        pending: list[PendingUpdate] = []
        with self.session_factory() as session:
            rows = session.scalars(
                select(InboxUpdate)
                .where(InboxUpdate.platform == platform, InboxUpdate.handled_at.is_(None))
                .order_by(InboxUpdate.id)).all()
            for row in rows:
                if row.replays >= MAX_REPLAYS:
                    row.handled_at = now
                    logger.error("%s: bỏ qua cập nhật %s sau %d lần khởi động lại không xử lý "
                                 "xong", platform, row.key, row.replays)
                    continue
                pending.append(PendingUpdate(id=row.id, key=row.key, payload=dict(row.payload)))
            session.commit()
        return pending

    def replaying(self, platform: str, key: str) -> None:
        """Handling of a replayed update begins: counted (committed) now, so that only an
        update that was really being handled when the bot died counts against it, not the
        ones still waiting in the queue (a bot killed twice in a row loses nothing)."""
        with self.session_factory() as session:
            session.execute(update(InboxUpdate).where(
                InboxUpdate.platform == platform, InboxUpdate.key == bounded_key(key))
                .values(replays=InboxUpdate.replays + 1))
            session.commit()

    def replies_owed(self, platform: str) -> list[OwedReplies]:
        """Handled updates whose answers a previous run committed but never delivered, in
        the order the updates came."""
        with self.session_factory() as session:
            rows = session.execute(
                select(InboxUpdate.key, InboxUpdate.replies)
                .where(InboxUpdate.platform == platform, InboxUpdate.handled_at.is_not(None),
                       InboxUpdate.replies.is_not(None))
                .order_by(InboxUpdate.id)).all()
        return [OwedReplies(key, dict(replies)) for key, replies in rows if replies]

    def prune(self) -> int:
        """Forgets handled updates older than the retention; how many rows went. Redeliveries
        come within hours (Telegram keeps an update 24 hours), so a few days is plenty."""
        now = self.clock.now()
        self._pruned_at = now
        with self.session_factory() as session:
            result = session.execute(delete(InboxUpdate).where(
                InboxUpdate.received_at < now - self.retention,
                InboxUpdate.handled_at.is_not(None)))
            session.commit()
            return int(result.rowcount or 0)  # type: ignore[attr-defined]


def inbox_for(session_factory: SessionFactory | None, clock: Clock,
              retention_days: float) -> Inbox | None:
    """The inbox of a bot with a database; None (memory-only duplicate check) without."""
    if session_factory is None:
        return None
    return Inbox(session_factory, clock, retention=timedelta(days=retention_days))
