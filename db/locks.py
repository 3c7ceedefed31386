"""Who may run: one bot per SQLite file, and one planner at a time on PostgreSQL.

SQLite has no row locks to share an outbox safely between processes, so a second `nhacviec
run` on the same file refuses to start: an OS lock on `<db file>.lock`, released by the
kernel when the holder dies (even by kill -9), so a crash never leaves a stale lock behind.

On PostgreSQL several instances may run. Outbox rows are claimed with FOR UPDATE SKIP LOCKED
(see the sender); planning takes a transaction-scoped advisory lock, so a second instance
skips a planning round instead of computing the same plan twice.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

# Any fixed 64-bit number; it names the lock in pg_locks.
PLANNER_LOCK_KEY = 0x6E68_6163_7669_6563 & 0x7FFF_FFFF_FFFF_FFFF  # "nhacviec"


class AlreadyRunning(RuntimeError):
    """Another bot process holds the database."""


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:":
        return None
    return Path(database).resolve()


class InstanceLock:
    """An exclusive, non-blocking OS lock next to the SQLite file. A no-op for PostgreSQL."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        db_file = sqlite_path(database_url)
        self.path = db_file.with_name(db_file.name + ".lock") if db_file else None
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        if self.path is None or self._handle is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held while running)
        try:
            _lock_file(handle)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            handle.close()
            raise AlreadyRunning(
                f"Một tiến trình nhacviec khác (PID {holder}) đang chạy trên cơ sở dữ liệu "
                f"{self.path.with_suffix('')}; SQLite chỉ cho phép một bot. Dừng tiến trình đó "
                "trước, hoặc dùng PostgreSQL để chạy nhiều bản."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is None:
            return
        try:
            self._handle.seek(0)
            self._handle.truncate()
            _unlock_file(self._handle)
        finally:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock_file(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock_file(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock_file(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock_file(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def try_planner_lock(session: Session) -> bool:
    """True when this transaction may plan. PostgreSQL: an advisory lock released at commit
    or rollback; SQLite: always (one process per file, and its writes are serialised)."""
    if not is_postgres(session):
        return True
    return bool(
        session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": PLANNER_LOCK_KEY})
    )
