"""Several due days a month ("ngày 15 và 30 hằng tháng"): read, each day its own occurrence
and period, a short month's missing day moved to its last day and said, reminded and counted
per occurrence (the controllable clock, no sleeps)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import build_app
from db import services
from db.models import Occurrence
from db.session import unit_of_work
from handlers.plan_preview import task_meaning
from reports import period_report, periods
from reports.details import period_label
from tests.reminders_world import (  # noqa: F401 — world_fixture is the `world` fixture
    PNV_MEMBER,
    TZ,
    World,
    add_task,
    days,
    local,
    world_fixture,
)
from tests.support import make_settings
from texts.deadlines import moved_dues_note, reason_text, refusal_text
from timelang import refusals
from timelang.deadlines import Reading, Refusal, parse_deadline, read_deadline

REF = date(2026, 12, 3)
FIFTEEN_THIRTY = "FREQ=MONTHLY;BYMONTHDAY=15,28,29,30;BYSETPOS=1,-1"


@pytest.mark.parametrize(("phrase", "rrule", "text"), [
    ("ngày 15 và 30 hằng tháng", FIFTEEN_THIRTY, "Ngày 15 và ngày 30 hằng tháng"),
    ("ngày 10, 20 hằng tháng", "FREQ=MONTHLY;BYMONTHDAY=10,20", "Ngày 10 và ngày 20 hằng tháng"),
    ("vào ngày 15 và ngày cuối tháng", "FREQ=MONTHLY;BYMONTHDAY=15,-1",
     "Ngày 15 và ngày cuối tháng hằng tháng"),
    ("định kỳ 2 lần/tháng vào ngày 15 và 30", FIFTEEN_THIRTY, "Ngày 15 và ngày 30 hằng tháng"),
    ("mỗi tháng 2 lần vào ngày 5 và 20", "FREQ=MONTHLY;BYMONTHDAY=5,20",
     "Ngày 5 và ngày 20 hằng tháng"),
    ("Hằng tháng, các ngày 10, 20 và 30", "FREQ=MONTHLY;BYMONTHDAY=10,20,28,29,30;BYSETPOS=1,2,-1",
     "Ngày 10, ngày 20 và ngày 30 hằng tháng"),
    ("hàng tháng vào ngày 30 và 15", FIFTEEN_THIRTY, "Ngày 15 và ngày 30 hằng tháng"),
])
def test_several_days_a_month_read_as_one_monthly_rule(phrase: str, rrule: str, text: str) -> None:
    result = read_deadline(phrase, REF)
    assert isinstance(result, Reading), refusal_text(result)
    deadline = result.deadline
    assert (deadline.kind, deadline.rrule, deadline.text, deadline.unit) == (
        "recurring", rrule, text, "month_part")
    # The description reads back to the same schedule.
    again = parse_deadline(deadline.text, ref=REF)
    assert again.same_schedule(deadline) and again.next_dues(REF, 6) == deadline.next_dues(REF, 6)


def test_february_has_no_30th_its_last_day_is_due_and_said() -> None:
    deadline = parse_deadline("ngày 15 và 30 hằng tháng", ref=date(2027, 1, 20))
    assert deadline.next_dues(date(2027, 1, 20), 6) == [
        date(2027, 1, 30), date(2027, 2, 15), date(2027, 2, 28), date(2027, 3, 15),
        date(2027, 3, 30), date(2027, 4, 15)]
    assert deadline.next_dues(date(2028, 2, 1), 2) == [date(2028, 2, 15), date(2028, 2, 29)]
    assert deadline.moved_dues(date(2027, 1, 20), 6) == [(30, date(2027, 2, 28))]
    note = moved_dues_note(deadline.moved_dues(date(2027, 1, 20)))
    assert "không có ngày 30" in note and "28/02/2027" in note
    # The same for one day a month: February is no longer skipped.
    single = parse_deadline("ngày 30 hằng tháng", ref=date(2027, 1, 20))
    assert date(2027, 2, 28) in single.next_dues(date(2027, 1, 20), 3)
    assert single.moved_dues(date(2027, 1, 20), 3) == [(30, date(2027, 2, 28))]
    # Days every month has move nothing.
    assert parse_deadline("ngày 10, 20 hằng tháng", ref=REF).moved_dues(REF) == []
    assert parse_deadline("ngày 15 và ngày cuối tháng hằng tháng", ref=REF).moved_dues(REF) == []


def test_each_day_has_its_own_period() -> None:
    deadline = parse_deadline("ngày 15 và 30 hằng tháng", ref=REF)
    found = deadline.periods(date(2027, 2, 1), 3)
    assert [(p.key, p.start, p.end, p.due) for p in found] == [
        ("2027-02-15", date(2027, 2, 1), date(2027, 2, 15), date(2027, 2, 15)),
        ("2027-02-28", date(2027, 2, 16), date(2027, 2, 28), date(2027, 2, 28)),
        ("2027-03-15", date(2027, 3, 1), date(2027, 3, 15), date(2027, 3, 15)),
    ]
    assert period_label("2027-02-28", date(2027, 2, 16), date(2027, 2, 28)) == \
        "16/02/2027–28/02/2027"


@pytest.mark.parametrize(("phrase", "reason"), [
    ("2 lần/tháng", refusals.TimesPerWithoutDays(2, "month")),
    ("định kỳ 2 lần/tháng", refusals.TimesPerWithoutDays(2, "month")),
    ("3 lần/tháng vào ngày 15 và 30", refusals.TimesPerDaysMismatch(3, (15, 30))),
    ("ngày 29 và 30 hằng tháng", refusals.MonthDaysCollide((29, 30))),
    ("ngày 28 và ngày cuối tháng hằng tháng", refusals.MonthDaysCollide((28, -1))),
    ("ngày 15 và 32 hằng tháng", refusals.NoSuchMonthDay(32)),
])
def test_what_cannot_be_several_days_is_asked_back(phrase: str, reason: refusals.Reason) -> None:
    result = read_deadline(phrase, REF)
    assert isinstance(result, Refusal) and result.reason == reason
    assert "\n" not in refusal_text(result) and reason_text(reason)


def test_days_of_a_named_month_are_not_monthly() -> None:
    """"ngày 15 và 30 tháng 6" names two dates of June, not a monthly duty: still refused."""
    for phrase in ("ngày 15 và 30 tháng 6", "ngày 15 và 30/6"):
        result = read_deadline(phrase, REF)
        assert isinstance(result, Refusal)
        assert not (result.understood and result.understood.unit == "month_part")


def test_the_schedule_survives_storage() -> None:
    deadline = parse_deadline("ngày 15 và 30 hằng tháng", ref=REF)
    stored = type(deadline).from_spec(deadline.to_spec())
    assert stored.month_days == (15, 30) and stored.same_schedule(deadline)
    assert stored.moved_dues(date(2027, 1, 20)) == deadline.moved_dues(date(2027, 1, 20))


def test_a_schedule_stored_before_short_months_were_handled_reads_as_today() -> None:
    old = {"kind": "recurring", "due": None, "rrule": "FREQ=MONTHLY;BYMONTHDAY=30",
           "text": "Ngày 30 hằng tháng", "source": "ngày 30 hằng tháng", "unit": "month",
           "anchor": "due", "offset_days": 0, "offset_working_days": 0, "starts": None}
    stored = type(parse_deadline(REF.isoformat())).from_spec(old)
    assert stored.same_schedule(parse_deadline("ngày 30 hằng tháng", ref=REF))
    assert date(2027, 2, 28) in stored.next_dues(date(2027, 2, 1), 2)


def test_occurrences_one_per_day_with_its_period(tmp_path: Path, db_url: str) -> None:
    app = build_app(make_settings(tmp_path, db_url))
    now = datetime(2027, 1, 20, 2, 0, tzinfo=UTC)
    today = date(2027, 1, 20)
    try:
        with unit_of_work(app.session_factory) as session:
            unit = services.create_unit(session, code="PNV", name="Phòng Nội vụ", parent=None,
                                        actor="test", now=now)
            task = services.create_task(
                session, title="Báo cáo nhanh", lead_unit=unit,
                deadline=parse_deadline("ngày 15 và 30 hằng tháng", ref=today), actor="test",
                now=now, today=today)
            task_id = task.id
        later = date(2027, 2, 1)
        with unit_of_work(app.session_factory) as session:
            task = services.get_task(session, task_id)
            assert task is not None
            services.ensure_occurrences(session, task, today=later, now=now)
        with app.session_factory() as session:
            rows = session.scalars(select(Occurrence).where(Occurrence.task_id == task_id)
                                   .order_by(Occurrence.due_date)).all()
            assert [(o.period_key, o.period_start, o.period_end, o.due_date) for o in rows] == [
                ("2027-01-30", date(2027, 1, 16), date(2027, 1, 31), date(2027, 1, 30)),
                ("2027-02-15", date(2027, 2, 1), date(2027, 2, 15), date(2027, 2, 15)),
                ("2027-02-28", date(2027, 2, 16), date(2027, 2, 28), date(2027, 2, 28)),
            ]
    finally:
        app.close()


async def test_each_day_is_reminded_and_counted_on_its_own(world: World) -> None:
    """25/03/2026: due 30/03 and 15/04. 30/03 is done that day (on time); 15/04 is done on
    17/04 (late), after overdue reminders."""
    now = world.clock.now()
    task_id = add_task(world.app, world.ids["PNV"], "Báo cáo nhanh tình hình",
                       "ngày 15 và 30 hằng tháng", now)
    world.ids["twice"] = task_id
    for day in days(date(2026, 3, 26), date(2026, 4, 20)):
        await world.morning(day)
        if day in (date(2026, 3, 30), date(2026, 4, 17)):
            world.clock.set(local(day, 9, 30))
            reply = await world.harness.send_confirmed(PNV_MEMBER, f"/hoanthanh {task_id}")
            assert ("đúng hạn" if day.day == 30 else "trễ hạn") in reply.text, reply.text
    sent = world.reminders("-1001", "twice")
    kinds = {(row.day, row.kind) for row in sent}
    assert (date(2026, 3, 30), "due_today") in kinds
    assert (date(2026, 4, 15), "due_today") in kinds
    assert (date(2026, 4, 16), "overdue") in kinds
    with world.app.session_factory() as session:
        rows = session.scalars(select(Occurrence).where(Occurrence.task_id == task_id)
                               .order_by(Occurrence.due_date)).all()
        assert [(o.period_key, o.done_at is not None) for o in rows][:3] == [
            ("2026-03-30", True), ("2026-04-15", True), ("2026-04-30", False)]
        when = local(date(2026, 4, 20), 12)
        report = period_report.build_report(
            session, periods.period_by_key("2026-Q1"), today=when.astimezone(TZ).date(),
            now=when, tz=TZ)
        q1 = next(line.own for line in report.units if line.code == "PNV")
        assert (q1.assigned, q1.done_on_time, q1.done_late) == (1, 1, 0)
        april = period_report.build_report(
            session, periods.period_by_key("2026-04"), today=when.astimezone(TZ).date(),
            now=when, tz=TZ)
        line = next(line.own for line in april.units if line.code == "PNV")
        # 15/04 done late; 30/04 not due yet.
        assert (line.assigned, line.done_on_time, line.done_late, line.in_progress) == (
            2, 0, 1, 1)


def test_preview_meaning_says_the_moved_day() -> None:
    class _Parsed:
        deadline = parse_deadline("ngày 15 và 30 hằng tháng", ref=date(2027, 1, 20))
        deadline_text = "ngày 15 và 30 hằng tháng"

    class _Task:
        parsed = _Parsed()

    class _Plan:
        deadline_reference = date(2027, 1, 20)

    meaning = task_meaning(_Task(), _Plan())  # type: ignore[arg-type]
    assert "Ngày 15 và ngày 30 hằng tháng" in meaning and "28/02/2027" in meaning
