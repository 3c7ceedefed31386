"""Applying Alembic migrations from code (`nhacviec db upgrade`, start-up, tests).

Alembic (with Mako and its script machinery, ≈25 MiB resident) is imported only when there is
something to migrate: at start-up the database is usually already at head, which is read with
one plain SELECT and compared with the head named by the revision files themselves
(`NNNN_name.py`, revision "NNNN"; tests/test_migrate_head.py checks it is Alembic's head).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VERSIONS_DIR = MIGRATIONS_DIR / "versions"
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


@cache
def head_revision() -> str:
    """The newest revision, from the file names of db/migrations/versions (revisions are a line)."""
    numbers = [m.group(1) for p in VERSIONS_DIR.iterdir() if (m := _REVISION_FILE.match(p.name))]
    return max(numbers)


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at (None for an empty database), without Alembic."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None


def alembic_config(url: str | None = None) -> Config:
    # why: alembic is heavy to import and only needed when a migration actually runs
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    target = head_revision() if revision == "head" else revision
    with engine.connect() as connection:
        if current_revision(connection) == target:
            return
    # why: alembic is heavy to import and only needed when a migration actually runs
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
