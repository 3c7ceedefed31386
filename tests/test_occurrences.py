"""Occurrences (kỳ) of recurring tasks in the database, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.app import build_app
from db import services
from db.models import Occurrence
from db.session import unit_of_work
from tests.support import make_settings
from timelang.deadlines import parse_deadline

MONTHLY = "họp định kỳ hàng tháng (chậm nhất 05 ngày sau khi kết thúc tháng)"


def test_recurring_occurrences_are_created_ahead_once_and_rescheduled(
    tmp_path: Path, db_url: str
) -> None:
    app = build_app(make_settings(tmp_path, db_url))
    now = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    today = date(2026, 3, 10)
    try:
        with unit_of_work(app.session_factory) as session:
            unit = services.create_unit(session, code="PNV", name="Phòng Nội vụ", parent=None,
                                        actor="test", now=now)
            task = services.create_task(session, title="Họp giao ban", lead_unit=unit,
                                        deadline=parse_deadline(MONTHLY, ref=today),
                                        actor="test", now=now, today=today)
            task_id = task.id
        with app.session_factory() as session:
            rows = session.scalars(select(Occurrence).where(Occurrence.task_id == task_id)
                                   .order_by(Occurrence.due_date)).all()
            # February's meeting was due 05/03, already past: March and April are ahead.
            assert [(o.period_key, o.due_date) for o in rows] == [
                ("2026-03", date(2026, 4, 5)), ("2026-04", date(2026, 5, 5))]
            assert rows[0].period_start == date(2026, 3, 1)
            assert rows[0].period_end == date(2026, 3, 31)

        with unit_of_work(app.session_factory) as session:
            task = services.get_task(session, task_id)
            assert task is not None
            # Asking again creates nothing: never the same period twice.
            assert services.ensure_occurrences(session, task, today=today, now=now) == []
        with app.session_factory() as session:
            session.add(Occurrence(task_id=task_id, period_key="2026-03",
                                   due_date=date(2026, 4, 5), created_at=now))
            try:
                session.flush()
                raise AssertionError("a second occurrence of one period was accepted")
            except IntegrityError:
                session.rollback()

        # March is completed; then the schedule changes to the quarterly report.
        later = now + timedelta(days=30)
        with unit_of_work(app.session_factory) as session:
            task = services.get_task(session, task_id)
            assert task is not None
            march = next(o for o in task.occurrences if o.period_key == "2026-03")
            march.done_at = later
            services.reschedule_task(
                session, task, parse_deadline("chậm nhất ngày 05 của các tháng 3, 6, 9, 12"),
                actor="test", now=later, today=date(2026, 4, 9))
        with app.session_factory() as session:
            rows = session.scalars(select(Occurrence).where(Occurrence.task_id == task_id)
                                   .order_by(Occurrence.due_date)).all()
            # The done past period stays; the open future one is replaced by the new schedule.
            assert [(o.period_key, o.due_date, o.done_at is not None) for o in rows] == [
                ("2026-03", date(2026, 4, 5), True),
                ("2026-06", date(2026, 6, 5), False),
                ("2026-09", date(2026, 9, 5), False),
            ]
    finally:
        app.close()
