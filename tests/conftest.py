"""Shared fixtures: a database on SQLite and on PostgreSQL, a movable clock, a recording replier.

PostgreSQL tests skip with a visible reason when no server answers; `.ci/run` sets
NHACVIEC_REQUIRE_POSTGRES=1 so that CI fails instead of skipping them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support import RecordingReplier  # noqa: F401  (re-exported for tests)

PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("NHACVIEC_REQUIRE_POSTGRES") == "1"

_pg_state: dict[str, object] = {}


def _postgres_database() -> str | None:
    """Creates one throw-away database for the whole run; None when PostgreSQL is absent."""
    if "url" in _pg_state:
        return _pg_state["url"]  # type: ignore[return-value]
    name = f"nhacviec_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception as error:
        _pg_state["url"] = None
        _pg_state["error"] = f"{type(error).__name__}: {str(error).splitlines()[0]}"
        return None
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    _pg_state["url"] = url
    _pg_state["name"] = name
    return url


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    name = _pg_state.get("name")
    if not name:
        return
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    except Exception:
        pass


def postgres_url_or_skip() -> str:
    url = _postgres_database()
    if url is None:
        reason = f"PostgreSQL không kết nối được ({_pg_state.get('error')})"
        if REQUIRE_POSTGRES:
            pytest.fail(f"{reason}; NHACVIEC_REQUIRE_POSTGRES=1 đòi hỏi PostgreSQL")
        pytest.skip(reason)
    return url


_migrated_pg = False


def _reset_postgres(url: str) -> None:
    global _migrated_pg
    from db.migrate import upgrade
    from db.models import Base

    engine = create_engine(url)
    try:
        if not _migrated_pg:
            upgrade(engine)
            _migrated_pg = True
        else:
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            with engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database; every test using it runs on both backends."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
    else:
        url = postgres_url_or_skip()
        _reset_postgres(url)
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    from timelang.clock import FakeClock

    # A Monday morning in Hà Nội (01:00 UTC = 08:00 local).
    return FakeClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
