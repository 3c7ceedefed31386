"""The reminder engine end to end, with a controllable clock, on SQLite and PostgreSQL.

A small district (UBND → Phòng Nội vụ with a bound group, Văn phòng without one) lives
through a simulated quarter and a Tết period: every working day at 08:00 the planner runs and
the sender drains the outbox into recording transports. Nothing sleeps; the clock is moved.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time, timedelta

from sqlalchemy import select

from db import services
from db.models import (
    CalendarOverride,
    ChatState,
    Identity,
    Occurrence,
    Person,
)
from db.queries import load_calendar
from db.session import unit_of_work
from scheduler.audience import Directory, pick_identity
from scheduler.policy import (
    REMINDER_KINDS,
    ReminderPolicy,
    overdue_rhythm,
    reminder_day,
)
from scheduler.reminder_text import text_limit
from tests.reminders_world import (
    ADMIN,
    CHAIRMAN,
    GROUP,
    PNV_LEADER,
    PNV_MEMBER,
    TZ,
    VP_LEADER,
    VP_MEMBER,
    World,
    add_task,
    days,
    local,
    section,
    world_fixture,  # noqa: F401  (the fixture `world`)
)
from tests.support import RecordingTransport
from timelang.calendar import WorkingCalendar

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
