"""Shared pieces of the reminder benchmarks: throw-away databases and bulk-seeded districts.

Seeding goes straight through SQLAlchemy Core (executemany in chunks): building 100 000 ORM
objects would measure the seeding, not the engine, and cost the memory the RSS figure counts.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url

from db.models import (
    CalendarOverride,
    Chat,
    Identity,
    Membership,
    Occurrence,
    Person,
    Task,
    Unit,
)

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CHUNK = 2000
FIRST_USER_ID = 10_000_000


def peak_rss_mb() -> float:
    """The whole process's peak resident set so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class ThrowawayDatabase:
    """`sqlite` (a temp file) or `postgres` (a fresh database on the local server)."""

    def __init__(self, backend: str, url: str | None = None) -> None:
        self.backend = backend
        self._pg_name: str | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if url:
            self.url = url
        elif backend == "sqlite":
            self._tmp = tempfile.TemporaryDirectory(prefix="nhacviec-bench-")
            self.url = f"sqlite:///{Path(self._tmp.name) / 'nhacviec.db'}"
        else:
            self._pg_name = f"nhacviec_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self._pg_name}"'))
            admin.dispose()
            self.url = make_url(PG_ADMIN_URL).set(database=self._pg_name).render_as_string(
                hide_password=False)

    @property
    def data_dir(self) -> Path:
        if self._tmp is not None:
            return Path(self._tmp.name)
        path = Path(tempfile.gettempdir()) / f"nhacviec-bench-{self._pg_name or 'db'}"
        path.mkdir(exist_ok=True)
        return path

    def migrate(self) -> Engine:
        from db.migrate import upgrade
        from db.session import make_engine

        engine = make_engine(self.url)
        upgrade(engine)
        return engine

    def drop(self) -> None:
        if self._pg_name:
            admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self._pg_name}" WITH (FORCE)'))
            admin.dispose()
        if self._tmp is not None:
            self._tmp.cleanup()


def _chunked(rows: Iterable[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk(engine: Engine, table: Any, rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    with engine.begin() as conn:
        for batch in _chunked(rows):
            conn.execute(insert(table.__table__), batch)
            count += len(batch)
    return count


def seed_recipients(engine: Engine, count: int, *, due: date, per_unit: int = 5,
                    now: datetime | None = None) -> list[str]:
    """`count` officials in units of `per_unit`, none with a bound group, each unit with one
    task due `due`: planning that day's slot gives exactly one reminder per official.
    Returns the private chat ids."""
    now = now or datetime.now(UTC)
    units = (count + per_unit - 1) // per_unit
    chat_ids = [str(FIRST_USER_ID + i) for i in range(count)]
    bulk(engine, Unit, ({"id": u + 1, "code": f"U{u + 1:05d}", "name": f"Đơn vị {u + 1}",
                         "created_at": now} for u in range(units)))
    bulk(engine, Person, ({"id": i + 1, "display_name": f"Cán bộ {i + 1}", "is_admin": False,
                           "created_at": now} for i in range(count)))
    bulk(engine, Identity, ({"person_id": i + 1, "platform": "telegram",
                             "external_id": chat_ids[i], "private_chat_id": chat_ids[i],
                             "created_at": now} for i in range(count)))
    bulk(engine, Membership, ({"person_id": i + 1, "unit_id": i // per_unit + 1,
                               "role": "member", "created_at": now} for i in range(count)))
    _seed_tasks(engine, ((u + 1, due) for u in range(units)), now)
    # The bench runs on whatever day it is: make it a working day.
    bulk(engine, CalendarOverride, [{"day": due, "is_working_day": True, "note": "bench",
                                     "created_at": now}])
    _reset_sequences(engine)
    return chat_ids


def _seed_tasks(engine: Engine, unit_dues: Iterable[tuple[int, date]], now: datetime,
                policies: dict[int, dict[str, Any]] | None = None) -> int:
    tasks: list[dict[str, Any]] = []
    occurrences: list[dict[str, Any]] = []
    for task_id, (unit_id, due) in enumerate(unit_dues, 1):
        tasks.append({"id": task_id, "title": f"Nhiệm vụ số {task_id} theo kế hoạch CCHC",
                      "lead_unit_id": unit_id, "deadline_text": due.strftime("%d/%m/%Y"),
                      "schedule_kind": "once",
                      "schedule": {"kind": "once", "due": due.isoformat()},
                      "reminder_policy": (policies or {}).get(task_id),
                      "status": "active", "created_at": now})
        occurrences.append({"task_id": task_id, "period_key": "once", "due_date": due,
                            "progress": 0, "created_at": now})
    bulk(engine, Task, tasks)
    bulk(engine, Occurrence, occurrences)
    return len(tasks)


def seed_province(engine: Engine, *, units: int, occurrences: int, day: date,
                  overdue_days: int = 30, seed: int = 7) -> dict[str, int]:
    """A province for the scale test: a tree of `units` units (province → districts →
    offices and communes), a leader and two members each, a third of them with a bound group,
    and `occurrences` open one-off tasks due over a rolling year around `day`: from
    `overdue_days` before it (those are overdue, reminded every working day) to the rest of
    the year after."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    districts = max(1, units // 100)
    unit_rows = []
    for u in range(1, units + 1):
        parent = None if u == 1 else (1 if u <= districts + 1 else 2 + (u % districts))
        unit_rows.append({"id": u, "code": f"DV{u:05d}", "name": f"Đơn vị {u}",
                          "parent_id": parent, "created_at": now})
    bulk(engine, Unit, unit_rows)
    people = units * 3
    bulk(engine, Person, ({"id": p, "display_name": f"Cán bộ {p}", "is_admin": p == 1,
                           "created_at": now} for p in range(1, people + 1)))
    bulk(engine, Identity, ({"person_id": p, "platform": "telegram",
                             "external_id": str(FIRST_USER_ID + p),
                             "private_chat_id": str(FIRST_USER_ID + p), "created_at": now}
                            for p in range(1, people + 1)))
    bulk(engine, Membership, ({"person_id": p, "unit_id": (p - 1) // 3 + 1,
                               "role": "leader" if p % 3 == 1 else "member", "created_at": now}
                              for p in range(1, people + 1)))
    bulk(engine, Chat, ({"platform": "telegram", "external_id": str(-1_000_000 - u),
                         "kind": "group", "title": f"Nhóm đơn vị {u}", "unit_id": u,
                         "created_at": now} for u in range(1, units + 1) if u % 3 == 0))
    dues = ((rng.randint(1, units), day + timedelta(days=rng.randint(-overdue_days, 365 - overdue_days)))
            for _ in range(occurrences))
    policies = {t: {"before_days": [14, 2]} for t in range(1, occurrences + 1, 100)}
    _seed_tasks(engine, dues, now, policies)
    _reset_sequences(engine)
    return {"units": units, "people": people, "occurrences": occurrences}


def _reset_sequences(engine: Engine) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; later inserts must not collide. And
    a bulk load leaves the query planner without statistics until autovacuum comes by: take
    them now, as a database in service would have them."""
    if engine.dialect.name != "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        return
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
        for table in ("units", "people", "identities", "memberships", "tasks", "occurrences",
                      "chats", "calendar_overrides"):
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"))


def next_minute(after_seconds: float = 20.0) -> datetime:
    """The first whole local minute at least `after_seconds` away."""
    moment = datetime.now(UTC) + timedelta(seconds=after_seconds)
    return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)


def bot_env(db_url: str, data_dir: Path, server: Any, **extra: str) -> dict[str, str]:
    """The environment of a `nhacviec run` child talking to the fake Bot API."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "DATABASE_URL": db_url, "DATA_DIR": str(data_dir),
           "TELEGRAM_BOT_TOKEN": server.token, "TELEGRAM_API_BASE_URL": server.api_base_url,
           "TELEGRAM_FILE_BASE_URL": server.file_base_url, "ZALO_BOT_TOKEN": "",
           "ADMINS": "", "PYTHONPATH": path, "PYTHONUNBUFFERED": "1",
           # Each bot's HTTP server (/healthz) on a free port: two instances run side by side.
           "PORT": "0"}
    env.update(extra)
    return env


def start_bot(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = open(log, "ab")  # noqa: SIM115 (owned by the child)
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=ROOT,
                            stdout=handle, stderr=subprocess.STDOUT)


def quiet_hours_away(local_now: datetime) -> tuple[str, str]:
    """QUIET_START/QUIET_END that keep the bench's minutes out of quiet hours, whatever the
    time of day it runs at."""
    start = (local_now + timedelta(hours=6)).strftime("%H:%M")
    end = (local_now + timedelta(hours=7)).strftime("%H:%M")
    return start, end


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def wall_to_monotonic(moment: datetime) -> float:
    return time.monotonic() + (moment - datetime.now(UTC)).total_seconds()
