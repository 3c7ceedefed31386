"""Engine and session factory. Nothing here connects until the composition root asks."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    # why: psycopg is loaded only for a PostgreSQL engine (a SQLite bot never imports it).
    from db.pg_cursor import DescribedOnDemandCursor

    engine = create_engine(url, echo=echo, pool_size=10, max_overflow=10,
                           connect_args={"cursor_factory": DescribedOnDemandCursor})
    event.listen(engine, "checkin", _stamp_checkin)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


# A connection back from the pool within this many seconds of its last use is taken as alive.
# `pool_pre_ping` pinged on every checkout: a round trip per session (two or three per update,
# 15 % of the bot's time under load). A connection that dies in use is still detected (the
# error invalidates it); one that died while idle (a database restart) is pinged first.
IDLE_PING_AFTER_SECONDS = 5.0


def _stamp_checkin(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info["checked_in_at"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    checked_in_at = record.info.get("checked_in_at")
    if checked_in_at is None or time.monotonic() - checked_in_at < IDLE_PING_AFTER_SECONDS:
        return  # new (just connected), or used a moment ago
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()  # the ping's own implicit transaction
    except Exception as error:
        # The pool discards this connection and checks out (or opens) another.
        raise DisconnectionError(str(error)) from error


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the sender read while a handler writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


SessionFactory = sessionmaker[Session]


def make_session_factory(engine: Engine) -> SessionFactory:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: SessionFactory) -> Iterator[Session]:
    """One session, committed once at the end, rolled back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
