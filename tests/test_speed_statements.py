"""Fewer statements per /giao, same results: a new task's occurrences are not read back, the
occurrences it gets are those in the database, and the unit list is read once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build_app
from db import services
from db.migrate import upgrade
from db.models import Occurrence, Task
from db.session import unit_of_work
from tests.support import Harness, make_settings
from tests.test_handlers import ADMIN, seed
from timelang.clock import FakeClock
from timelang.deadlines import parse_deadline

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)


@pytest.mark.parametrize("phrase", ["31/12/2030", "hằng tháng, ngày 25", "thường xuyên"])
def test_new_task_occurrences_without_reading_back(db_url: str, phrase: str) -> None:
    engine = create_engine(db_url)
    upgrade(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    statements: list[str] = []
    try:
        with unit_of_work(factory) as session:
            unit = services.create_unit(session, code="PNV", name="Phòng Nội vụ", parent=None,
                                        actor="test", now=NOW, kind="phong")
            event.listen(engine, "before_cursor_execute",
                         lambda _c, _cur, statement, *_a: statements.append(statement))
            task = services.create_task(session, title="Việc", lead_unit=unit,
                                        deadline=parse_deadline(phrase, ref=TODAY),
                                        actor="test", now=NOW, today=TODAY)
            first = services.current_occurrence(task)
            held = sorted(o.period_key for o in task.occurrences)
            task_id = task.id
        assert not [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert held
        with Session(engine) as session:
            stored = session.get(Task, task_id)
            assert stored is not None
            assert sorted(o.period_key for o in stored.occurrences) == held
            again = services.current_occurrence(stored)
            assert first is not None and again is not None and first.id == again.id
            # Ensuring again adds nothing: what was made is what the task needs.
            assert services.ensure_occurrences(session, stored, today=TODAY, now=NOW) == []
            assert session.scalar(select(Occurrence.id).where(
                Occurrence.task_id == task_id).limit(1)) is not None
    finally:
        engine.dispose()


async def test_giao_reads_the_units_once_and_no_occurrence(tmp_path: Path, db_url: str,
                                                            clock: FakeClock) -> None:
    app = build_app(make_settings(tmp_path, db_url), clock=clock)
    try:
        harness = Harness(app)
        seed(app)
        await harness.send(ADMIN, "/start", name="Quản trị")
        statements: list[str] = []
        engine = app.session_factory.kw["bind"]
        event.listen(engine, "before_cursor_execute",
                     lambda _c, _cur, statement, *_a: statements.append(statement))
        reply = await harness.send(ADMIN, "/giao PNV | Tổng hợp số liệu | 31/12/2030")
        assert "31/12/2030" in reply.text
        units = [s for s in statements if s.lstrip().startswith("SELECT units.")]
        occurrences = [s for s in statements if "FROM occurrences" in s]
        assert len(units) == 1
        assert occurrences == []
    finally:
        app.close()
