"""Writing planned messages into the outbox fast and exactly once (a key already taken is
skipped, never sent twice)."""


from __future__ import annotations

import functools
import importlib
import json
import operator
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Date, select
from sqlalchemy.orm import Session

from db.models import (
    AuditLog,
    Outbox,
    UTCDateTime,
)
from scheduler.audience import chunks
from scheduler.reminder_text import PlannedMessage

PLANNER_ACTOR = "scheduler"
INSERT_CHUNK = 1000


# --- writing the outbox ----------------------------------------------------------------------


def insert_ignoring_duplicates(
    session: Session, rows: list[dict[str, Any]], *, want_ids: bool = False
) -> dict[str, int | None]:
    """Inserts outbox rows whose key is not there yet; returns the new keys (with their ids
    when `want_ids`). Keys already present are looked up first; ON CONFLICT DO NOTHING still
    guards against a concurrent writer. RETURNING is used only when ids are wanted: on
    PostgreSQL it makes a 12 000-row insert several times slower."""
    if not rows:
        return {}
    existing: set[str] = set()
    keys = [row["idempotency_key"] for row in rows]
    for chunk in chunks(keys):
        existing.update(session.scalars(
            select(Outbox.idempotency_key).where(Outbox.idempotency_key.in_(chunk))))
    fresh = [row for row in rows if row["idempotency_key"] not in existing]
    if not fresh:
        return {}
    if not want_ids:
        bulk_insert(session, fresh)
        return dict.fromkeys((row["idempotency_key"] for row in fresh), None)
    dialect = session.get_bind().dialect.name
    # The engine's own dialect only (already loaded by the engine): the other one stays out of
    # memory (issue 17: PostgreSQL's is ≈2 MiB on SQLite, SQLite's ≈0.6 MiB on PostgreSQL).
    dialect_module = importlib.import_module(
        f"sqlalchemy.dialects.{'postgresql' if dialect == 'postgresql' else 'sqlite'}")
    table = Outbox.__table__
    statement: Any = dialect_module.insert(table).on_conflict_do_nothing(
        index_elements=["idempotency_key"])
    inserted: dict[str, int | None] = {}
    for start in range(0, len(fresh), INSERT_CHUNK):
        chunk = [_orm_ready(row) for row in fresh[start : start + INSERT_CHUNK]]
        for row_id, key in session.execute(
            statement.returning(table.c.id, table.c.idempotency_key), chunk
        ):
            inserted[key] = row_id
    return inserted


def bulk_insert(session: Session, rows: list[dict[str, Any]]) -> int:
    """Inserts rows the fast way; returns how many were new. SQLAlchemy's per-row statement
    machinery costs more than the insert itself at 12 000 rows, so values are converted here,
    each distinct one once (the slot and `now` are shared by every row, members of one unit
    share menus), then PostgreSQL gets a COPY and SQLite the driver's executemany."""
    connection = session.connection()
    dialect = connection.dialect
    table = Outbox.__table__
    names = list(rows[0])
    converting = [(index, converter) for index, name in enumerate(names)
                  if (converter := _converter(table.c[name].type, dialect)) is not None]
    columns = ", ".join(names)
    getter = operator.itemgetter(*names)
    tuples: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(getter(row))
        for index, converter in converting:
            values[index] = converter(values[index])
        tuples.append(tuple(values))
    if dialect.name == "postgresql":
        return _copy_into_outbox(connection, columns, tuples)
    placeholders = ", ".join("?" if dialect.paramstyle == "qmark" else "%s" for _ in names)
    result = connection.exec_driver_sql(
        f"INSERT INTO {Outbox.__tablename__} ({columns}) VALUES ({placeholders}) "
        "ON CONFLICT (idempotency_key) DO NOTHING",
        tuples,
    )
    return int(result.rowcount)


def _copy_into_outbox(connection: Any, columns: str, rows: list[tuple[Any, ...]]) -> int:
    """PostgreSQL's COPY, several times faster than row-by-row parameters. A fresh slot has
    no keys in the outbox yet, so the rows are copied straight in; if one is there already
    (`nhacviec remind` queued part of the slot), the COPY is rolled back to its savepoint and
    the rows go through a scratch table and an INSERT … ON CONFLICT DO NOTHING instead."""
    # psycopg is installed only where PostgreSQL is used.
    from psycopg.errors import UniqueViolation

    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute("SAVEPOINT outbox_copy")
        try:
            with cursor.copy(f"COPY outbox ({columns}) FROM STDIN") as copy:
                for values in rows:
                    copy.write_row(values)
        except UniqueViolation:
            cursor.execute("ROLLBACK TO SAVEPOINT outbox_copy")
        else:
            cursor.execute("RELEASE SAVEPOINT outbox_copy")
            return len(rows)
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS outbox_load "
                       "(LIKE outbox INCLUDING DEFAULTS) ON COMMIT DROP")
        cursor.execute("TRUNCATE outbox_load")
        with cursor.copy(f"COPY outbox_load ({columns}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(values)
        cursor.execute(f"INSERT INTO outbox ({columns}) SELECT {columns} FROM outbox_load "
                       "ON CONFLICT (idempotency_key) DO NOTHING")
        return int(cursor.rowcount)
    finally:
        cursor.close()


def _converter(column_type: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """The column's bind processing, remembered per distinct (hashable) value."""
    if isinstance(column_type, JSON):
        # Menus and task lists arrive as tuples (hashable, shared between identical messages).
        def to_json(value: Any) -> Any:
            if value is None:
                return None
            if value and isinstance(value[0], tuple):  # a menu: ((label, command), …)
                value = [{"label": label, "command": command} for label, command in value]
            return json.dumps(list(value), ensure_ascii=False)

        return functools.lru_cache(maxsize=4096)(to_json)
    process = column_type._cached_bind_processor(dialect)
    if process is None:
        return None
    if isinstance(column_type, UTCDateTime | Date):
        return functools.lru_cache(maxsize=256)(process)
    return process


def outbox_values(message: PlannedMessage, *, status: str, now: datetime) -> dict[str, Any]:
    """An outbox row; `menu` and `task_ids` stay tuples until they are written."""
    return {
        "idempotency_key": message.key,
        "kind": message.kind,
        "platform": message.recipient.platform,
        "chat_id": message.recipient.chat_id,
        "chat_kind": message.recipient.chat_kind,
        "text": message.text,
        "menu": tuple(message.menu) if message.menu else None,
        "task_ids": tuple(message.task_ids),
        "person_id": message.recipient.person_id,
        "priority": 0,
        "scheduled_at": message.slot,
        "not_before": message.slot,
        "status": status,
        "attempts": 0,
        "last_error": "expired: outside the catch-up window" if status == "expired" else None,
        "created_at": now,
    }


def _orm_ready(row: dict[str, Any]) -> dict[str, Any]:
    """The same row for SQLAlchemy's own insert (JSON as lists and objects)."""
    menu = row["menu"]
    return {**row, "task_ids": list(row["task_ids"]),
            "menu": [{"label": label, "command": command} for label, command in menu]
            if menu else None}


def record_problem(session: Session, *, action: str, outbox_id: int | None, now: datetime,
                   details: Mapping[str, Any]) -> None:
    session.add(AuditLog(at=now, actor=PLANNER_ACTOR, action=action, entity="outbox",
                         entity_id=outbox_id, details=dict(details)))


def problem_details(message: PlannedMessage | Outbox) -> dict[str, Any]:
    if isinstance(message, PlannedMessage):
        platform, chat_id = message.recipient.platform, message.recipient.chat_id
        chat_kind, person_id = message.recipient.chat_kind, message.recipient.person_id
        scheduled = message.slot
    else:
        platform, chat_id, chat_kind = message.platform, message.chat_id, message.chat_kind
        person_id, scheduled = message.person_id, message.scheduled_at
    return {
        "kind": message.kind,
        "platform": platform,
        "chat_id": chat_id,
        "chat_kind": chat_kind,
        "person_id": person_id,
        "task_ids": list(message.task_ids or [])[:50],
        "scheduled_at": scheduled.isoformat() if scheduled else None,
    }


