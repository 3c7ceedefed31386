"""The reminder engine end to end, continued: completion, quiet hours, restarts, blocked
chats and the command line (the district is tests/reminders_world.py)."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.cli import main
from db import services
from db.models import (
    AppSetting,
    AuditLog,
    Chat,
    Identity,
    Occurrence,
    Outbox,
    Person,
    Task,
)
from db.session import unit_of_work
from scheduler.policy import (
    POLICY_SETTING_KEY,
)
from tests.reminders_world import (
    ADMIN,
    GROUP,
    PNV_LEADER,
    PNV_MEMBER,
    TZ,
    VP_LEADER,
    VP_MEMBER,
    World,
    add_task,
    local,
    world_fixture,  # noqa: F401  (the fixture `world`)
)
from tests.support import RecordingTransport

# --- completion, quiet hours, restarts -------------------------------------------------------------


async def test_a_completed_task_drops_out_of_a_queued_reminder_at_once(world: World) -> None:
    now = world.clock.now()
    first = add_task(world.app, world.ids["PNV"], "Báo cáo A", "31/03/2026", now)
    second = add_task(world.app, world.ids["PNV"], "Báo cáo B", "31/03/2026", now)
    world.clock.set(local(date(2026, 3, 30)))
    assert world.app.planner is not None
    assert world.app.planner.plan_due().queued >= 1
    # Done before the sender got to the queued reminder: it goes without that task.
    await world.harness.send_confirmed(PNV_MEMBER, f"/hoanthanh {first}")
    await world.drain()
    [message] = world.transport.to(GROUP)
    assert f"#{second}</b>" in message and f"#{first}</b>" not in message
    [row] = world.reminders(GROUP)
    assert row.task_ids == [second]
    # Both done before the next morning's message goes: it is cancelled, not sent.
    world.clock.set(local(date(2026, 3, 31)))
    world.app.planner.plan_due()
    await world.harness.send_confirmed(PNV_MEMBER, f"/hoanthanh {second}")
    await world.drain()
    assert len(world.transport.to(GROUP)) == 1
    assert [r.chat_id for r in world.rows(status="cancelled")] == [GROUP]
    # And nothing is planned for them any more.
    await world.morning(date(2026, 4, 1))
    assert len(world.transport.to(GROUP)) == 1


async def test_quiet_hours_hold_scheduled_messages_but_not_notices(world: World) -> None:
    now = world.clock.now()
    add_task(world.app, world.ids["PNV"], "Báo cáo C", "27/03/2026", now)
    with unit_of_work(world.app.session_factory) as session:
        session.add(AppSetting(key=POLICY_SETTING_KEY, value={"remind_at": "20:55"}, version=1,
                               updated_at=now))
    world.clock.set(local(date(2026, 3, 26), 20, 55))
    assert world.app.planner is not None
    world.app.planner.CACHE_SECONDS = 0  # see the policy change at once
    assert world.app.planner.plan_due().queued == 1
    world.clock.set(local(date(2026, 3, 26), 21, 0))
    with unit_of_work(world.app.session_factory) as session:
        admin = session.scalar(select(Person).where(Person.display_name == "Quản trị"))
        assert admin is not None
        services.enqueue_to_person(session, person=admin, text="Có yêu cầu mới", kind="notice",
                                   key="notice:1", now=world.clock.now())
    await world.drain()
    assert world.transport.to(GROUP) == []  # 21:00: the reminder waits
    assert world.transport.to(ADMIN) == ["Có yêu cầu mới"]  # a person's action is not held
    world.clock.set(local(date(2026, 3, 27), 6, 59))
    await world.drain()
    assert world.transport.to(GROUP) == []
    world.clock.set(local(date(2026, 3, 27), 7, 0))
    await world.drain()
    assert len(world.transport.to(GROUP)) == 1
    [row] = world.reminders(GROUP)
    assert row.sent_at.astimezone(TZ) == datetime(2026, 3, 27, 7, 0, tzinfo=TZ)


async def test_restart_catches_up_expires_the_stale_and_reports_once(world: World) -> None:
    from scheduler.jobs import ReminderJobs

    now = world.clock.now()
    task = add_task(world.app, world.ids["PNV"], "Báo cáo D", "27/03/2026", now)
    planner, sender, reporter = world.app.planner, world.app.sender, world.app.reporter
    assert planner is not None and reporter is not None
    await world.morning(date(2026, 3, 30))
    # Tuesday 08:00 the plan is written, then the process dies before sending anything.
    world.clock.set(local(date(2026, 3, 31)))
    planner.plan_due()
    # It comes back on Thursday at 10:00: Tuesday's queued reminder and Wednesday's slot are
    # too old (> 12 h); Thursday's goes out. The admins hear of both in ONE message.
    world.clock.set(local(date(2026, 4, 2), 10))
    jobs = ReminderJobs(planner=planner, sender=sender, reporter=reporter, tz=TZ,
                        remind_at=time(8, 0))
    run = await jobs.catch_up(single_instance=True)
    assert run.expired == 1 and run.queued == 2  # the group; the group and the leader
    await world.drain()
    group_days = [r.day for r in world.reminders(GROUP)]
    assert group_days == [date(2026, 3, 30), date(2026, 4, 2)]
    expired = world.rows(status="expired")
    assert sorted(r.day for r in expired if r.chat_id == GROUP) == [date(2026, 3, 31),
                                                                     date(2026, 4, 1)]
    [report] = [t for t in world.transport.to(ADMIN) if "Báo cáo gửi tin" in t]
    assert "2 tin nhắc không gửi nữa" in report and f"#{task}" in report
    assert "Nhóm Phòng Nội vụ" in report
    # Planning again changes nothing, and a second report says nothing new.
    assert planner.plan_due().queued == 0
    assert await jobs.report() == 0
    # Down for three weeks: the days beyond the catch-up horizon are reported as a gap.
    world.clock.set(local(date(2026, 4, 24), 9))
    run = await jobs.catch_up(single_instance=True)
    assert run.gap is not None
    await world.drain()
    gap_report = world.transport.to(ADMIN)[-1]
    assert "Bot không hoạt động từ 02/04/2026" in gap_report
    with world.app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "reminders.gap")) == 1


async def test_restart_and_the_daily_job_freeze_ended_report_periods(world: World) -> None:
    import functools

    from db.models import ReportSnapshot
    from reports.snapshots import close_periods_job
    from scheduler.jobs import ReminderJobs

    add_task(world.app, world.ids["PNV"], "Báo cáo F", "27/03/2026", world.clock.now())
    planner, sender, reporter = world.app.planner, world.app.sender, world.app.reporter
    assert planner is not None and reporter is not None
    jobs = ReminderJobs(planner=planner, sender=sender, reporter=reporter, tz=TZ,
                        remind_at=time(8, 0),
                        close_periods=functools.partial(
                            close_periods_job, world.app.session_factory, world.clock, TZ))

    def frozen() -> set[str]:
        with world.app.session_factory() as session:
            return set(session.scalars(select(ReportSnapshot.period_key).distinct()))

    world.clock.set(local(date(2026, 3, 31), 10))
    await jobs.catch_up(single_instance=True)
    assert frozen() == set()  # March has not ended yet
    # Back after the month (and the quarter) ended: both are frozen at start …
    world.clock.set(local(date(2026, 4, 2), 10))
    await jobs.catch_up(single_instance=True)
    assert {"2026-03", "2026-Q1"} <= frozen()
    # … and the daily wake finds nothing more to do.
    before = frozen()
    await jobs.close_report_periods()
    assert frozen() == before


async def test_planning_twice_never_queues_twice(world: World) -> None:
    now = world.clock.now()
    add_task(world.app, world.ids["PNV"], "Báo cáo E", "27/03/2026", now)
    assert world.app.planner is not None
    world.clock.set(local(date(2026, 3, 26)))
    first = world.app.planner.plan_due()
    # A second instance (or a crash before the watermark) plans the same slot again.
    with unit_of_work(world.app.session_factory) as session:
        session.get(AppSetting, "reminder_planner").value = {  # type: ignore[union-attr]
            "planned_through": local(date(2026, 3, 25), 12).isoformat()}
    again = world.app.planner.plan_due()
    assert first.queued >= 1 and again.queued == 0 and again.already_planned == first.queued
    with world.app.session_factory() as session:
        keys = session.scalars(select(Outbox.idempotency_key)).all()
    assert len(keys) == len(set(keys)) == first.queued


async def test_recurring_tasks_keep_their_next_occurrences(world: World) -> None:
    now = world.clock.now()
    task = add_task(world.app, world.ids["PNV"], "Báo cáo quý",
                    "chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12", now)
    assert world.app.planner is not None
    with world.app.session_factory() as session:
        before = session.scalar(select(func.count()).select_from(Occurrence).where(
            Occurrence.task_id == task))
    # Months pass; the next periods are created ahead so their reminders can be planned.
    world.clock.set(local(date(2026, 9, 10)))
    created = world.app.planner.ensure_occurrences_ahead()
    with world.app.session_factory() as session:
        dues = sorted(session.scalars(select(Occurrence.due_date).where(
            Occurrence.task_id == task)))
    assert created >= 1 and len(dues) > (before or 0)
    assert sum(1 for d in dues if d and d >= date(2026, 9, 10)) >= services.OCCURRENCES_AHEAD


async def test_blocked_member_is_reported_and_not_tried_again(world: World) -> None:
    from scheduler.transport import Blocked

    class BlockingTransport(RecordingTransport):
        async def send(self, chat_id: str, text: str, menu: Any) -> None:
            if chat_id == VP_MEMBER:
                raise Blocked("Forbidden: bot was blocked by the user")
            await super().send(chat_id, text, menu)

    transport = BlockingTransport("telegram")
    world.app.add_transport(transport)
    world.harness.transport = transport
    add_task(world.app, world.ids["VP"], "Báo cáo F", "27/03/2026", world.clock.now())
    await world.morning(date(2026, 3, 26))
    assert world.app.reporter is not None
    assert world.app.reporter.report() == 1
    await world.drain()
    [report] = transport.to(ADMIN)
    assert "chặn bot" in report and "Chuyên viên Hoa" in report
    with world.app.session_factory() as session:
        identity = session.scalar(select(Identity).where(Identity.external_id == VP_MEMBER))
        assert identity is not None and identity.private_chat_id is None
    # Tomorrow's plan leaves the blocked chat out; the leader still hears.
    await world.morning(date(2026, 3, 27))
    assert [r.day for r in world.rows(status="blocked")] == [date(2026, 3, 26)]
    assert len(transport.to(VP_LEADER)) == 2
    # Writing to the bot again brings the private chat back.
    reply = await world.harness.send(VP_MEMBER, "/nhiemvu")
    assert reply.replies
    with world.app.session_factory() as session:
        identity = session.scalar(select(Identity).where(Identity.external_id == VP_MEMBER))
        assert identity is not None and identity.private_chat_id == VP_MEMBER


async def test_a_group_that_vanished_is_unbound_and_the_unit_falls_back_to_members(
    world: World,
) -> None:
    from scheduler.transport import ChatNotFound

    class GoneGroup(RecordingTransport):
        async def send(self, chat_id: str, text: str, menu: Any) -> None:
            if chat_id == GROUP:
                raise ChatNotFound("Bad Request: chat not found")
            await super().send(chat_id, text, menu)

    transport = GoneGroup("telegram")
    world.app.add_transport(transport)
    add_task(world.app, world.ids["PNV"], "Báo cáo G", "27/03/2026", world.clock.now())
    await world.morning(date(2026, 3, 26))
    with world.app.session_factory() as session:
        chat = session.scalar(select(Chat).where(Chat.external_id == GROUP))
        assert chat is not None and chat.unit_id is None
    await world.morning(date(2026, 3, 27))
    assert transport.to(PNV_MEMBER) and transport.to(PNV_LEADER)


# --- the command line ------------------------------------------------------------------------------


async def test_remind_command_prints_json_lines_and_dry_run_records_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    settings = world.app.settings
    monkeypatch.setenv("DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DATABASE_URL", settings.database_url.get_secret_value())
    monkeypatch.setenv("ADMINS", "telegram:1")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(settings.data_dir)
    task = add_task(world.app, world.ids["PNV"], "Báo cáo quý II", "05/06/2026",
                    world.clock.now())
    assert main(["remind", "--at", "2026-06-04T08:00", "--dry-run"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines == [{
        "at": "2026-06-04T08:00:00+07:00", "kind": "before_due", "platform": "telegram",
        "chat_id": GROUP, "task_ids": [task], "text": lines[0]["text"],
        "kinds": ["before_due"], "chat_kind": "group", "key": f"rem:2026-06-04:telegram:{GROUP}",
    }]
    assert f"#{task}" in lines[0]["text"] and "còn 1 ngày" in lines[0]["text"]
    with world.app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Outbox)) == 0
    # Before REMIND_AT nothing is due yet; on a Sunday nothing at all.
    assert main(["remind", "--at", "2026-06-04T07:30", "--dry-run"]) == 0
    assert main(["remind", "--at", "2026-06-07T08:00", "--dry-run"]) == 0
    assert capsys.readouterr().out == ""
    # Without --dry-run it is queued, once.
    assert main(["remind", "--at", "2026-06-05T08:00"]) == 0
    first = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(x["kind"], x["queued"]) for x in first] == [("due_today", True)]
    assert main(["remind", "--at", "2026-06-05T08:00"]) == 0
    second = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [x["queued"] for x in second] == [False]
    with world.app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Outbox)) == 1


@pytest.mark.parametrize("value", ["2026-13-01T08:00", "ngày mai", "05/06/2026 08:00"])
def test_remind_command_rejects_bad_times(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["remind", "--at", value, "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nhacviec: ") and "YYYY-MM-DDTHH:MM" in err and err.count("\n") == 1


def test_tasks_with_their_own_policy(world: World) -> None:
    now = world.clock.now()
    quiet = add_task(world.app, world.ids["PNV"], "Việc không nhắc", "27/03/2026", now)
    early = add_task(world.app, world.ids["PNV"], "Việc nhắc sớm", "06/04/2026", now)
    with unit_of_work(world.app.session_factory) as session:
        session.get(Task, quiet).reminder_policy = {"enabled": False}  # type: ignore[union-attr]
        session.get(Task, early).reminder_policy = {  # type: ignore[union-attr]
            "before_days": [10], "remind_at": "14:00"}
    assert world.app.planner is not None
    world.clock.set(local(date(2026, 3, 26), 8))
    assert world.app.planner.plan_due().queued == 0  # 'quiet' is silenced
    world.clock.set(local(date(2026, 3, 27), 14))
    world.app.planner.plan_due()
    with world.app.session_factory() as session:
        rows = session.scalars(select(Outbox)).all()
    assert [(r.idempotency_key, r.task_ids) for r in rows] == [
        (f"rem:2026-03-27@1400:telegram:{GROUP}", [early])]


@pytest.fixture
def cli_on_world(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    """`nhacviec …` run in this test reads the world's database."""
    settings = world.app.settings
    monkeypatch.setenv("DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DATABASE_URL", settings.database_url.get_secret_value())
    monkeypatch.chdir(settings.data_dir)
    return world


def test_admins_change_the_policy_from_the_command_line(
    cli_on_world: World, capsys: pytest.CaptureFixture[str],
) -> None:
    world = cli_on_world
    assert main(["remind-policy", "--set", "before_days=10,2", "--set", "escalate_every=5",
                 "--set", "digest=false"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["before_days"] == [10, 2] and shown["escalate_every"] == 5
    assert shown["digest"] is False and shown["remind_at"] == "08:00"
    with world.app.session_factory() as session:
        stored = session.get(AppSetting, POLICY_SETTING_KEY)
        assert stored is not None and stored.value["escalate_every"] == 5
    # The planner uses it: a task due in 10 days is reminded today.
    add_task(world.app, world.ids["PNV"], "Báo cáo H", "05/04/2026", world.clock.now())
    assert world.app.planner is not None
    world.clock.set(local(date(2026, 3, 26)))
    assert world.app.planner.plan_due().queued == 1
    assert main(["remind-policy", "--set", "remind_at=22:00"]) == 2
    assert "giờ yên lặng" in capsys.readouterr().err
    assert main(["remind-policy", "--reset"]) == 0
    assert json.loads(capsys.readouterr().out)["before_days"] == [7, 3, 1]


def test_admins_give_one_task_its_own_policy_from_the_command_line(
    cli_on_world: World, capsys: pytest.CaptureFixture[str],
) -> None:
    world = cli_on_world
    task = add_task(world.app, world.ids["PNV"], "Báo cáo riêng", "06/04/2026",
                    world.clock.now())
    assert main(["remind-policy", "--task", str(task), "--set", "before_days=10",
                 "--set", "remind_at=14:00"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["task"] == task and shown["overrides"] == {"before_days": [10],
                                                            "remind_at": "14:00"}
    assert shown["policy"]["before_days"] == [10] and shown["policy"]["escalate_every"] == 3
    assert world.app.planner is not None
    world.clock.set(local(date(2026, 3, 27), 14))  # ten days before, at the task's own hour
    assert world.app.planner.plan_due().queued == 1
    # Keys that belong to the whole province, unknown tasks: refused, nothing changed.
    assert main(["remind-policy", "--task", str(task), "--set", "quiet_start=20:00"]) == 2
    assert "không đặt riêng cho nhiệm vụ" in capsys.readouterr().err
    assert main(["remind-policy", "--task", "999999", "--set", "before_days=2"]) == 2
    assert "không có nhiệm vụ số 999999" in capsys.readouterr().err
    assert main(["remind-policy", "--task", str(task), "--reset"]) == 0
    assert json.loads(capsys.readouterr().out)["overrides"] == {}
    with world.app.session_factory() as session:
        assert session.get(Task, task).reminder_policy is None  # type: ignore[union-attr]
        actions = session.scalars(select(AuditLog.action).where(
            AuditLog.action == "task.reminder_policy")).all()
    assert len(actions) == 2
