"""Start-up skips Alembic when the database is already at head; the head it reads without
Alembic is Alembic's own head, and an older database is still migrated."""

from __future__ import annotations

import subprocess
import sys

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from db.migrate import alembic_config, current_revision, head_revision, upgrade


def test_head_from_file_names_is_alembics_head() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == script.get_current_head()


def test_current_revision_of_an_empty_database(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        with engine.connect() as connection:
            assert current_revision(connection) is None
    finally:
        engine.dispose()


def test_current_revision_after_upgrade(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            assert current_revision(connection) == head_revision()
    finally:
        engine.dispose()


def test_older_database_is_migrated_to_head(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        script = ScriptDirectory.from_config(alembic_config())
        previous = script.get_revision(head_revision()).down_revision
        assert isinstance(previous, str)
        upgrade(engine, previous)
        with engine.connect() as connection:
            assert current_revision(connection) == previous
        upgrade(engine)
        with engine.connect() as connection:
            assert current_revision(connection) == head_revision()
            assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    finally:
        engine.dispose()


def test_start_up_at_head_does_not_import_alembic(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    upgrade(engine)
    engine.dispose()
    code = (
        "import sys\n"
        "from sqlalchemy import create_engine\n"
        "import bot.cli, bot.app\n"
        "from db.migrate import upgrade\n"
        f"upgrade(create_engine({sqlite_url!r}))\n"
        "print(sorted(m for m in ('alembic', 'mako', 'segno') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
