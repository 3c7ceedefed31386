"""Fewer statements per /giao, same results: a new task's occurrences are not read back, the
occurrences it gets are those in the database, and the unit list is read once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build_app
from db import services
from db.inbox import Inbox
from db.migrate import upgrade
from db.models import Occurrence, Task
from db.session import unit_of_work
from handlers.base import Incoming
from tests.support import Harness, RecordingReplier, make_settings
from tests.test_handlers import ADMIN, register, seed
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
        units = [s for s in statements if "FROM units" in s]
        occurrences = [s for s in statements if "FROM occurrences" in s]
        assert len(units) == 1
        assert occurrences == []
    finally:
        app.close()


async def _statements_of(app: Any, inbox: Inbox, key: str, user: str, text: str
                         ) -> tuple[RecordingReplier, list[str]]:
    """The statements of one update's unit of work, as the adapters hand it over (recorded
    in the inbox first, that INSERT not counted)."""
    inbox.record("telegram", key, {})
    statements: list[str] = []

    def record(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
        statements.append(" ".join(statement.split()))

    engine = app.session_factory.kw["bind"]
    event.listen(engine, "before_cursor_execute", record)
    replier = RecordingReplier()
    try:
        await app.router.handle(Incoming(platform="telegram", chat_id=user, user_id=user,
                                         user_name="Bảo", text=text, inbox_key=key), replier)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return replier, statements


async def test_statements_per_update_of_nhiemvu_and_giao(tmp_path: Path, db_url: str,
                                                          clock: FakeClock) -> None:
    """One unit of work each, one commit, and no statement it does not need. Counts (issue 17):
    /nhiemvu 3 (actor with the chat state, the page, the update marked handled with its
    answer stored); /giao 7 (the same two, the unit with its chain up, task, audit row and
    occurrence, who hears the unit). They were 6 and 13, plus a second transaction to clear
    the delivered answer, which the next unit of work now does in that same UPDATE."""
    app = build_app(make_settings(tmp_path, db_url), clock=clock)
    try:
        harness = Harness(app)
        seed(app)
        await register(harness, "101", "Bảo", unit="UBND", role="lanhdao")
        inbox = Inbox(app.session_factory, clock, retention=timedelta(days=3))
        for key, text in (("w2", "/giao UBND | Việc khởi động | 31/12/2030"), ("w1", "/nhiemvu")):
            await _statements_of(app, inbox, key, "101", text)  # the identity stamped, warm
        reply, listed = await _statements_of(app, inbox, "1", "101", "/nhiemvu")
        assert "Việc khởi động" in reply.text
        assert len(listed) == 3, listed
        assert not [s for s in listed if s.startswith("SELECT calendar_overrides")]
        reply, created = await _statements_of(app, inbox, "2", "101",
                                              "/giao PNV | Tổng hợp số liệu | 31/12/2030")
        assert "31/12/2030" in reply.text
        # A plain date looks at no working day: the calendar overrides are not read.
        assert not [s for s in created if "calendar_overrides" in s], created
        assert len(created) == 7, created
        # The previous update's delivered answer is cleared by this unit of work's UPDATE,
        # the one that marks this update handled.
        assert created[-1].startswith("UPDATE inbox SET handled_at=CASE"), created[-1]
        # Three working days from now: the overrides are read, and a day off set a moment
        # ago counts at once.
        reply, counted = await _statements_of(app, inbox, "3", "101",
                                              "/giao PNV | Gửi báo cáo | trong 3 ngày làm việc")
        assert [s for s in counted if "calendar_overrides" in s], counted
    finally:
        app.close()


def test_a_unit_read_by_code_brings_its_chain_up(db_url: str) -> None:
    """`unit_by_code` reads the units above in the same statement; `ancestor_ids` then asks
    nothing and answers what the walk up in the database answers."""
    engine = create_engine(db_url)
    upgrade(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    try:
        with unit_of_work(factory) as session:
            top = services.create_unit(session, code="UBND", name="UBND tỉnh", parent=None,
                                       actor="test", now=NOW, kind="ubnd")
            mid = services.create_unit(session, code="SNV", name="Sở Nội vụ", parent=top,
                                       actor="test", now=NOW, kind="so")
            services.create_unit(session, code="PTC", name="Phòng Tổ chức", parent=mid,
                                 actor="test", now=NOW, kind="phong")
        with Session(engine) as session:
            unit = services.unit_by_code(session, "PTC")
            assert unit is not None
        with Session(engine) as session:
            walked = services.ancestor_ids(session, unit.id)  # the walk up, nothing cached
        with Session(engine) as session:
            statements: list[str] = []
            event.listen(engine, "before_cursor_execute",
                         lambda _c, _cur, statement, *_a: statements.append(statement))
            found = services.unit_by_code(session, " ptc ")
            assert found is not None and found.code == "PTC" and found.parent_id == mid.id
            assert services.ancestor_ids(session, found.id) == walked == [mid.id, top.id]
            assert services.ancestor_ids(session, mid.id) == [top.id]  # not read: walked
            assert len(statements) == 2
            assert services.unit_by_code(session, "KHONGCO") is None
    finally:
        engine.dispose()
