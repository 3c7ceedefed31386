"""The reminder engine end to end, with a controllable clock, on SQLite and PostgreSQL.

A small district (UBND → Phòng Nội vụ with a bound group, Văn phòng without one) lives
through a simulated quarter and a Tết period: every working day at 08:00 the planner runs and
the sender drains the outbox into recording transports. Nothing sleeps; the clock is moved.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app import App, build_app
from bot.cli import main
from db import services
from db.models import (
    AppSetting,
    AuditLog,
    CalendarOverride,
    Chat,
    ChatState,
    Identity,
    Occurrence,
    Outbox,
    Person,
    Task,
    Unit,
)
from db.queries import load_calendar
from db.session import unit_of_work
from scheduler.audience import Directory, pick_identity
from scheduler.policy import (
    POLICY_SETTING_KEY,
    REMINDER_KINDS,
    ReminderPolicy,
    overdue_rhythm,
    reminder_day,
)
from scheduler.reminder_text import text_limit
from tests.support import Harness, RecordingTransport, make_settings
from timelang.calendar import WorkingCalendar
from timelang.clock import FakeClock
from timelang.deadlines import parse_deadline

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
GROUP = "-1001"  # Phòng Nội vụ's bound Telegram group
ADMIN, CHAIRMAN, PNV_LEADER, PNV_MEMBER, VP_LEADER, VP_MEMBER = (
    "1", "200", "201", "202", "300", "301")


def local(day: date, hour: int = 8, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ).astimezone(UTC)


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


@dataclass
class Sent:
    id: int
    kind: str
    chat_id: str
    day: date  # local day of the slot
    sent_at: datetime
    task_ids: list[int]
    text: str


@dataclass
class World:
    app: App
    harness: Harness
    clock: FakeClock
    ids: dict[str, int] = field(default_factory=dict)

    @property
    def transport(self) -> RecordingTransport:
        return self.harness.transport

    async def morning(self, day: date, hour: int = 8, minute: int = 0) -> None:
        """The bot's day: the minute tick plans, the sender drains."""
        self.clock.set(local(day, hour, minute))
        assert self.app.planner is not None
        self.app.planner.plan_due()
        self.app.planner.plan_digests()
        await self.drain()

    async def drain(self) -> None:
        while await self.app.sender.drain_once(limit=500):
            pass

    def rows(self, *, status: str = "sent") -> list[Sent]:
        with self.app.session_factory() as session:
            rows = session.scalars(
                select(Outbox).where(Outbox.status == status).order_by(Outbox.id)).all()
            return [Sent(r.id, r.kind, r.chat_id, r.scheduled_at.astimezone(TZ).date(),
                         r.sent_at or r.created_at, [int(t) for t in r.task_ids], r.text)
                    for r in rows]

    def reminders(self, chat: str, task: str | None = None) -> list[Sent]:
        task_id = self.ids[task] if task else None
        return [r for r in self.rows() if r.chat_id == chat and r.kind in REMINDER_KINDS
                and (task_id is None or task_id in r.task_ids)]

    def digests(self, chat: str) -> dict[date, str]:
        return {r.day: r.text for r in self.rows() if r.chat_id == chat and r.kind == "digest"}


def person(session: Any, external_id: str, name: str, now: datetime,
           platform: str = "telegram") -> Person:
    actor = services.resolve_actor(session, platform=platform, external_id=external_id,
                                   display_name=name, private_chat_id=external_id, now=now)
    return actor.person


def seed_district(app: App, now: datetime) -> dict[str, int]:
    ids: dict[str, int] = {}
    with unit_of_work(app.session_factory) as session:
        ubnd = services.create_unit(session, code="UBND", name="UBND huyện Chợ Mới", parent=None,
                                    actor="test", now=now)
        pnv = services.create_unit(session, code="PNV", name="Phòng Nội vụ", parent=ubnd,
                                   actor="test", now=now)
        vp = services.create_unit(session, code="VP", name="Văn phòng HĐND-UBND", parent=ubnd,
                                  actor="test", now=now)
        person(session, ADMIN, "Quản trị", now)
        for external_id, name, unit, role in (
            (CHAIRMAN, "Chủ tịch Hùng", ubnd, "leader"),
            (PNV_LEADER, "Trưởng phòng Lan", pnv, "leader"),
            (PNV_MEMBER, "Chuyên viên Minh", pnv, "member"),
            (VP_LEADER, "Chánh VP Tâm", vp, "leader"),
            (VP_MEMBER, "Chuyên viên Hoa", vp, "member"),
        ):
            someone = person(session, external_id, name, now)
            services.set_membership(session, person_id=someone.id, unit_id=unit.id, role=role,
                                    actor="test", now=now)
        chat = services.ensure_chat(session, platform="telegram", external_id=GROUP,
                                    kind="group", title="Nhóm Phòng Nội vụ", now=now)
        chat.unit_id = pnv.id
        ids.update(UBND=ubnd.id, PNV=pnv.id, VP=vp.id)
    return ids


def add_task(app: App, unit_id: int, title: str, phrase: str, now: datetime) -> int:
    today = now.astimezone(TZ).date()
    with unit_of_work(app.session_factory) as session:
        unit = session.get(Unit, unit_id)
        task = services.create_task(session, title=title, lead_unit=unit,
                                    deadline=parse_deadline(phrase, ref=today), actor="test",
                                    now=now, today=today, calendar=load_calendar(session))
        return task.id


@pytest.fixture
async def world(tmp_path: Path, db_url: str) -> AsyncIterator[World]:
    clock = FakeClock(local(date(2026, 3, 25), 9))
    app = build_app(make_settings(tmp_path, db_url), clock=clock)
    harness = Harness(app)
    result = World(app, harness, clock, seed_district(app, clock.now()))
    yield result
    app.close()


def section(text: str, heading: str) -> str:
    """The lines of the section whose heading starts with `heading`."""
    for block in text.split("\n\n"):
        if block.startswith(heading):
            return block
    return ""


# --- a simulated quarter -----------------------------------------------------------------------


async def test_a_quarter_of_reminders(world: World) -> None:
    now = world.clock.now()
    ids = world.ids
    quarterly = add_task(world.app, ids["PNV"], "Báo cáo CCHC định kỳ quý",
                         "chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12", now)
    holiday_task = add_task(world.app, ids["VP"], "Rà soát thủ tục hành chính", "04/05/2026", now)
    pair_done = add_task(world.app, ids["PNV"], "Kiểm tra công vụ", "29/05/2026", now)
    pair_open = add_task(world.app, ids["PNV"], "Tổng hợp số liệu", "29/05/2026", now)
    ids.update(quarterly=quarterly, holiday_task=holiday_task, pair_done=pair_done,
               pair_open=pair_open)
    with world.app.session_factory() as session:
        dues = set(session.scalars(select(Occurrence.due_date).where(
            Occurrence.task_id == quarterly)))
    assert date(2026, 6, 5) in dues, f"the quarterly phrase must give 05/06/2026, got {dues}"
    calendar = WorkingCalendar()

    for day in days(date(2026, 4, 1), date(2026, 6, 30)):
        await world.morning(day)
        if day == date(2026, 5, 29):
            world.clock.set(local(day, 9, 30))
            reply = await world.harness.send_confirmed(PNV_MEMBER, f"/hoanthanh {pair_done}")
            assert "đúng hạn" in reply.text
        if day == date(2026, 6, 17):
            world.clock.set(local(day, 10))
            reply = await world.harness.send_confirmed(PNV_MEMBER, f"/hoanthanh {quarterly}")
            assert "trễ hạn" in reply.text

    # Nothing goes out on a day off, nothing outside 07:00-21:00, one message per chat and day.
    sent = world.rows()
    assert sent
    per_chat_day: dict[tuple[str, date], int] = defaultdict(int)
    for row in sent:
        if row.kind in REMINDER_KINDS or row.kind == "digest":
            assert calendar.is_working_day(row.day), row
            assert time(7) <= row.sent_at.astimezone(TZ).time() < time(21), row
        if row.kind in REMINDER_KINDS:
            per_chat_day[(row.chat_id, row.day)] += 1
    assert max(per_chat_day.values()) == 1

    # The quarterly report, due Friday 05/06/2026, in the unit's group: 7, 3, 1 days before and
    # on the day, then every working day late until it was done on 17/06.
    group_days = {r.day: r.text for r in world.reminders(GROUP, "quarterly")}
    overdue_days = [d for d in days(date(2026, 6, 6), date(2026, 6, 17))
                    if calendar.is_working_day(d)]
    assert sorted(group_days) == [date(2026, 5, 29), date(2026, 6, 2), date(2026, 6, 4),
                                  date(2026, 6, 5), *overdue_days]
    mark = f"<b>#{quarterly}</b>"
    assert "hạn 05/06/2026, còn 7 ngày" in group_days[date(2026, 5, 29)]
    assert "hạn 05/06/2026, còn 3 ngày" in group_days[date(2026, 6, 2)]
    assert "hạn 05/06/2026, còn 1 ngày" in group_days[date(2026, 6, 4)]
    assert "hạn hôm nay 05/06/2026" in section(group_days[date(2026, 6, 5)], "🟠")
    assert mark in section(group_days[date(2026, 6, 8)], "🔴")
    assert "đã quá hạn 3 ngày" in group_days[date(2026, 6, 8)]
    assert "/hoanthanh" in group_days[date(2026, 6, 8)]
    # Completed on 17/06 at 10:00: not one more reminder after that.
    assert max(group_days) == date(2026, 6, 17)

    # Escalated to the unit's leader on the first overdue working day, then every 3.
    escalations = [r for r in world.reminders(PNV_LEADER, "quarterly")]
    assert [r.day for r in escalations] == [date(2026, 6, 8), date(2026, 6, 11),
                                            date(2026, 6, 16)]
    assert all(r.kind == "escalation" for r in escalations)
    assert "Phòng Nội vụ" in escalations[0].text and mark in escalations[0].text
    # The chairman above hears through the digest, not through each escalation.
    assert world.reminders(CHAIRMAN) == []

    # Grouping: on 29/05 the group got ONE message with both tasks due that day and the
    # quarterly report's 7-day reminder.
    message = group_days[date(2026, 5, 29)]
    assert f"#{pair_done}</b>" in message and f"#{pair_open}</b>" in message and mark in message
    assert section(message, "🟠").count("•") == 2 and section(message, "🟡").count("•") == 1
    [row_29] = [r for r in world.reminders(GROUP) if r.day == date(2026, 5, 29)]
    assert row_29.kind == "due_today" and set(row_29.task_ids) == {quarterly, pair_done,
                                                                    pair_open}

    # Weekly digests to the unit's leader: due this week, then overdue, then done (late).
    digests = world.digests(PNV_LEADER)
    assert mark in section(digests[date(2026, 6, 1)], "🟡 <b>Đến hạn trong tuần")
    assert f"#{pair_done}</b>" in section(digests[date(2026, 6, 1)], "✅")
    assert mark in section(digests[date(2026, 6, 8)], "🔴 <b>Đang quá hạn")
    done_section = section(digests[date(2026, 6, 22)], "✅")
    assert mark in done_section and "trễ hạn" in done_section
    assert mark not in digests[date(2026, 6, 29)]
    # The chairman's digest covers the sub-units; the admin's, all units.
    assert mark in digests[date(2026, 6, 8)]
    assert mark in world.digests(CHAIRMAN)[date(2026, 6, 8)]
    admin_digest = world.digests(ADMIN)[date(2026, 6, 8)]
    assert "tất cả đơn vị" in admin_digest and f"#{holiday_task}</b>" in admin_digest
    # Digests go out on the week's first working day, Tuesday after the Hùng Kings' Monday.
    for digest_day in world.digests(PNV_LEADER):
        first = digest_day - timedelta(days=digest_day.weekday())
        assert digest_day == next(d for d in days(first, digest_day)
                                  if calendar.is_working_day(d))

    # The Văn phòng task due Monday 04/05/2026, after 30/04, 01/05 and a weekend, reaches
    # its members in private (no bound group): the 3- and 1-day reminders both fall on
    # Wednesday 29/04 and become one line.
    member_days = {r.day: r for r in world.reminders(VP_MEMBER, "holiday_task")}
    before = sorted(d for d in member_days if d <= date(2026, 5, 4))
    assert before == sorted({reminder_day(date(2026, 4, 27), calendar), date(2026, 4, 29),
                             date(2026, 5, 4)})
    assert member_days[date(2026, 4, 29)].text.count(f"#{holiday_task}</b>") == 1
    assert "còn 5 ngày" in member_days[date(2026, 4, 29)].text
    # The VP leader is both a member and the escalation target: one message, the task once,
    # as escalated; the member beside them reads it as overdue.
    [first_late] = [r for r in world.reminders(VP_LEADER, "holiday_task")
                    if r.day == date(2026, 5, 5)]
    assert first_late.kind == "escalation"
    assert f"#{holiday_task}</b>" in section(first_late.text, "🚨")
    assert first_late.text.count(f"#{holiday_task}</b>") == 1
    assert f"#{holiday_task}</b>" in section(member_days[date(2026, 5, 5)].text, "🔴")


# --- Tết ---------------------------------------------------------------------------------------


async def test_tet_moves_reminders_and_the_overdue_rhythm(world: World) -> None:
    now = world.clock.now()
    world.clock.set(local(date(2026, 1, 20), 9))
    task = add_task(world.app, world.ids["PNV"], "Báo cáo tổng kết công tác Tết", "20/02/2026",
                    world.clock.now())
    world.ids["tet"] = task
    make_up = date(2026, 2, 28)  # a Saturday the province works (ngày làm bù)
    with unit_of_work(world.app.session_factory) as session:
        session.add(CalendarOverride(day=make_up, is_working_day=True, note="làm bù",
                                     created_at=now))
    with world.app.session_factory() as session:
        calendar = load_calendar(session)
    due = date(2026, 2, 20)
    assert not calendar.is_working_day(due), "20/02/2026 is within the Tết holiday"

    for day in days(date(2026, 1, 26), date(2026, 3, 13)):
        await world.morning(day)

    sent = {r.day: r for r in world.reminders(GROUP, "tet")}
    assert all(calendar.is_working_day(d) for d in sent)
    # Before the due date: each offset lands on a working day at or before its target; the
    # ones falling into the holiday pile up on the last working day before Tết, as one line.
    expected_before: dict[date, int] = {}
    for offset in (7, 3, 1, 0):
        target = due - timedelta(days=offset)
        while not calendar.is_working_day(target):
            target -= timedelta(days=1)
        expected_before[target] = min(offset, expected_before.get(target, offset))
    assert sorted(d for d in sent if d <= due) == sorted(expected_before)
    last_before = max(expected_before)
    assert expected_before[last_before] == 0
    assert "ngày nghỉ" in sent[last_before].text
    assert sent[last_before].text.count(f"#{task}</b>") == 1
    # After: every working day (the make-up Saturday included), escalations every 3.
    after = [d for d in days(due + timedelta(days=1), date(2026, 3, 13))
             if calendar.is_working_day(d)]
    assert make_up in after
    assert sorted(d for d in sent if d > due) == after
    escalated = [r.day for r in world.reminders(PNV_LEADER, "tet")]
    assert escalated == [d for n, d in enumerate(after, 1)
                         if overdue_rhythm(n, ReminderPolicy()).escalation]
    assert escalated[0] == after[0] and escalated[1] == after[3]


# --- grouping, people on two apps, limits --------------------------------------------------------


async def test_one_person_on_two_apps_gets_one_reminder_where_they_prefer(world: World) -> None:
    zalo = RecordingTransport("zalo", buttons=False)
    world.app.add_transport(zalo)
    now = world.clock.now()
    with unit_of_work(world.app.session_factory) as session:
        hoa = session.scalar(select(Person).join(Identity).where(
            Identity.external_id == VP_MEMBER))
        assert hoa is not None
        session.add(Identity(person=hoa, platform="zalo", external_id="zalo-hoa",
                             private_chat_id="zalo-hoa", created_at=now))
        hoa.preferred_platform = "zalo"
    task = add_task(world.app, world.ids["VP"], "Báo cáo tháng", "27/03/2026", now)
    await world.morning(date(2026, 3, 26))
    assert [chat for chat, _, _ in zalo.sent] == ["zalo-hoa"]
    assert world.transport.to(VP_MEMBER) == []
    assert world.transport.to(VP_LEADER) != []  # the other member still hears on Telegram
    _, text, menu = zalo.sent[0]
    # The reminder carries the task's quick actions: done, progress, more time, snooze.
    actions = [f"/hoanthanh {task}", f"/capnhat {task}", f"/giahan {task}", f"/nhaclai {task}"]
    assert f"#{task}" in text and [o.command for o in menu] == actions
    # Zalo has no buttons: the numbered menu is remembered, so "1" answers "done" (which
    # still asks "Xác nhận?").
    with world.app.session_factory() as session:
        state = session.scalar(select(ChatState).where(ChatState.chat_id == "zalo-hoa"))
        assert state is not None and isinstance(state.menu, dict)
        assert state.menu["options"] == [[str(i), c] for i, c in enumerate(actions, 1)]


def test_reachable_identity_rule_matches_services(world: World) -> None:
    now = world.clock.now()
    with unit_of_work(world.app.session_factory) as session:
        people = []
        for index, (preferred, identities) in enumerate([
            (None, [("telegram", "t1", 1), ("zalo", "z1", 5)]),
            ("telegram", [("telegram", "t2", 1), ("zalo", "z2", 9)]),
            ("zalo", [("telegram", "t3", 9)]),
            (None, [("telegram", None, 1)]),
        ]):
            someone = Person(display_name=f"P{index}", preferred_platform=preferred,
                             created_at=now)
            for platform, chat, hours in identities:
                someone.identities.append(Identity(
                    platform=platform, external_id=f"{platform}-{index}", private_chat_id=chat,
                    last_inbound_at=now - timedelta(hours=hours), created_at=now))
            session.add(someone)
            people.append(someone)
        session.flush()
        for unit_person in people:
            services.set_membership(session, person_id=unit_person.id,
                                    unit_id=world.ids["VP"], role="member", actor="t", now=now)
        created = [p.id for p in people]
    with world.app.session_factory() as session:
        directory = Directory(session, unit_ids=[world.ids["VP"]])
        checked = set(created) | set(directory.reach)
        for someone in session.scalars(select(Person).where(Person.id.in_(sorted(checked)))):
            expected = services.reachable_identity(someone)
            got = directory.reach.get(someone.id)
            if expected is None:
                assert got is None
            else:
                assert got is not None
                assert (got.platform, got.chat_id) == (expected.platform,
                                                       expected.private_chat_id)
        assert pick_identity(None, []) is None


async def test_a_long_list_stays_one_message_within_the_platform_limit(world: World) -> None:
    now = world.clock.now()
    for index in range(150):
        add_task(world.app, world.ids["PNV"], f"Nhiệm vụ kiểm tra số {index} " + "x" * 60,
                 "20/03/2026", now)
    await world.morning(date(2026, 3, 26))
    [message] = world.transport.to(GROUP)
    assert len(message) <= text_limit("telegram")
    assert "… và " in message and "nhiệm vụ khác" in message
    [row] = world.reminders(GROUP)
    assert len(row.task_ids) == 150  # the row knows every task, the text shows the first ones


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
