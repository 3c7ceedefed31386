"""Quick actions on reminders, "nhắc lại sau" and /caidat, through the real router, planner
and sender with a controllable clock (the district of tests/reminders_world.py: Văn phòng has
no group, so its people hear reminders in their private chats)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db import services
from db.models import AuditLog, Outbox, ReminderSnooze
from db.reminder_prefs import snooze_moment
from db.session import unit_of_work
from handlers.chat_actions import acts_on_task, reply_intent
from scheduler.policy import REMINDER_KINDS
from tests.reminders_world import (
    ADMIN,
    CHAIRMAN,
    GROUP,
    VP_LEADER,
    VP_MEMBER,
    World,
    add_task,
    local,
    world_fixture,  # noqa: F401  (the fixture `world`: a district with a controllable clock)
)
from texts import chat_actions as texts
from timelang.calendar import WorkingCalendar


def _heard(world: World, chat: str, task: int, *, kinds: tuple[str, ...] = REMINDER_KINDS
           ) -> list[Outbox]:
    with world.app.session_factory() as session:
        return [row for row in session.scalars(select(Outbox).where(
            Outbox.chat_id == chat, Outbox.status == "sent").order_by(Outbox.id))
            if row.kind in kinds and task in [int(t) for t in row.task_ids]]


def _actions(task: int) -> list[str]:
    return [f"/hoanthanh {task}", f"/capnhat {task}", f"/giahan {task}", f"/nhaclai {task}"]


async def test_snooze_holds_the_persons_reminder_until_its_time(world: World) -> None:
    task = add_task(world.app, world.ids["VP"], "Kiểm tra công vụ", "27/03/2026",
                    world.clock.now())
    # Thursday 26/03, 07:30, before the 08:00 reminders: «chiều nay» is 14:00.
    world.clock.set(local(date(2026, 3, 26), 7, 30))
    menu = await world.harness.send(VP_MEMBER, f"/nhaclai {task}")
    labels = [o.label for o in menu.replies[-1].buttons]
    assert labels == ["Chiều nay (14:00)", "Sáng mai (27/03/2026)",
                      "Ngày làm việc tới (27/03/2026)"]
    # Typed, the snooze asks first; picked from the menu just offered, the pick is the answer.
    typed = await world.harness.send(VP_MEMBER, f"/nhaclai {task} chieu")
    assert "Xác nhận?" in typed.text and "14:00 26/03/2026" in typed.text
    assert "Không có gì thay đổi" in (await world.harness.send(VP_MEMBER, "không")).text
    menu = await world.harness.send(VP_MEMBER, f"/nhaclai {task}")
    done = await world.harness.send(VP_MEMBER, menu.replies[-1].buttons[0].command, pressed=True)
    assert "Đã hẹn" in done.text and "14:00 26/03/2026" in done.text
    assert "Xác nhận?" not in done.text

    await world.morning(date(2026, 3, 26))
    # The leader hears of it as usual; the member who snoozed does not, yet.
    assert _heard(world, VP_LEADER, task)
    assert _heard(world, VP_MEMBER, task) == []
    world.clock.set(local(date(2026, 3, 26), 13, 59))
    await world.drain()
    assert _heard(world, VP_MEMBER, task, kinds=("snoozed",)) == []
    world.clock.set(local(date(2026, 3, 26), 14, 0))
    await world.drain()
    [back] = _heard(world, VP_MEMBER, task, kinds=("snoozed",))
    assert "Nhắc lại" in back.text and f"#{task}" in back.text
    assert [m["command"] for m in back.menu or []] == _actions(task)
    with world.app.session_factory() as session:
        entry = session.scalar(select(AuditLog).where(AuditLog.action == "occurrence.snooze"))
        assert entry is not None and entry.details["task_id"] == task


async def test_a_snooze_is_dropped_once_the_task_is_done(world: World) -> None:
    task = add_task(world.app, world.ids["VP"], "Rà soát", "27/03/2026", world.clock.now())
    world.clock.set(local(date(2026, 3, 26), 9))
    assert "Đã hẹn" in (await world.harness.send_confirmed(
        VP_MEMBER, f"/nhaclai {task} chieu")).text
    assert "đúng hạn" in (await world.harness.send_confirmed(
        VP_MEMBER, f"/hoanthanh {task}")).text
    world.clock.set(local(date(2026, 3, 26), 14))
    await world.drain()
    with world.app.session_factory() as session:
        statuses = [row.status for row in session.scalars(
            select(Outbox).where(Outbox.kind == "snoozed"))]
    assert statuses == ["cancelled"]


async def test_snooze_again_replaces_the_first(world: World) -> None:
    task = add_task(world.app, world.ids["VP"], "Rà soát", "27/03/2026", world.clock.now())
    world.clock.set(local(date(2026, 3, 26), 9))
    await world.harness.send_confirmed(VP_MEMBER, f"/nhaclai {task} chieu")
    await world.harness.send_confirmed(VP_MEMBER, f"/nhaclai {task} mai")
    with world.app.session_factory() as session:
        assert len(session.scalars(select(ReminderSnooze)).all()) == 1
        pending = session.scalars(select(Outbox).where(
            Outbox.kind == "snoozed", Outbox.status == "pending")).all()
        assert [row.not_before for row in pending] == [local(date(2026, 3, 27), 8)]


async def test_reminders_carry_quick_actions(world: World) -> None:
    one = add_task(world.app, world.ids["VP"], "Một việc", "27/03/2026", world.clock.now())
    await world.morning(date(2026, 3, 26))
    [row] = _heard(world, VP_MEMBER, one)
    assert [m["command"] for m in row.menu or []] == _actions(one)
    two = add_task(world.app, world.ids["VP"], "Việc thứ hai", "30/03/2026", world.clock.now())
    await world.morning(date(2026, 3, 27))
    [row] = [r for r in _heard(world, VP_MEMBER, two)]
    commands = [m["command"] for m in row.menu or []]
    assert commands == [f"/thaotac {one}", f"/thaotac {two}", f"/nhaclai {one},{two}"]
    actions = await world.harness.send(VP_MEMBER, f"/thaotac {two}")
    assert [o.command for o in actions.replies[-1].buttons][:4] == _actions(two)


# --- /caidat -------------------------------------------------------------------------------


async def test_settings_days_mute_and_the_admins_floor(world: World) -> None:
    # Due Wednesday 08/04: 7 days before is 01/04, 3 days before falls on Sunday 05/04 and
    # moves to Friday 03/04, 1 day before is 07/04.
    task = add_task(world.app, world.ids["VP"], "Báo cáo quý", "08/04/2026", world.clock.now())
    shown = await world.harness.send(VP_MEMBER, "/caidat")
    assert "7, 3, 1 ngày trước hạn (mặc định)" in shown.text and "nhắc 1 ngày" in shown.text
    saved = await world.harness.send_confirmed(VP_MEMBER, "/caidat ngay 3")
    assert texts.PREFS_SAVED in saved.text and "Ngày 1 trước hạn vẫn được nhắc" in saved.text
    refused = await world.harness.send(VP_MEMBER, "/caidat ngay 2")
    assert "Chỉ nhắc anh/chị 2, 1 ngày" in refused.text  # asked first …
    assert "Chỉ chọn được trong các ngày nhắc chung: 7, 3, 1" in (
        await world.harness.send(VP_MEMBER, "có")).text  # … and the rule refuses it

    await world.morning(date(2026, 4, 1))
    assert _heard(world, VP_LEADER, task) and _heard(world, VP_MEMBER, task) == []
    await world.morning(date(2026, 4, 3))
    assert len(_heard(world, VP_MEMBER, task)) == 1

    muted = await world.harness.send_confirmed(VP_MEMBER, f"/caidat tat {task}")
    assert texts.PREFS_SAVED in muted.text
    await world.morning(date(2026, 4, 7))
    # Muted, but the admins' floor (1 day before) still reaches the person.
    assert len(_heard(world, VP_MEMBER, task)) == 2
    assert "Không tắt được" in (await world.harness.send(VP_MEMBER, "/caidat leocap tat")).text
    await world.morning(date(2026, 4, 8))  # the due day is never personal
    assert len(_heard(world, VP_MEMBER, task)) == 3
    with world.app.session_factory() as session:
        actions = [a.action for a in session.scalars(
            select(AuditLog).where(AuditLog.action.startswith("prefs.")))]
    assert actions == ["prefs.before_days", "prefs.mute"]


async def test_floor_is_the_admins_and_binds_muted_tasks(world: World) -> None:
    task = add_task(world.app, world.ids["VP"], "Báo cáo quý", "08/04/2026", world.clock.now())
    assert "Chỉ cán bộ quản trị" in (await world.harness.send_confirmed(
        VP_MEMBER, "/caidat san 3")).text
    assert "luôn nhắc 3 ngày" in (await world.harness.send_confirmed(ADMIN, "/caidat san 3")).text
    await world.harness.send_confirmed(VP_MEMBER, f"/caidat tat {task}")
    await world.morning(date(2026, 4, 1))
    assert _heard(world, VP_MEMBER, task) == []  # muted, and 7 days is not in the floor
    await world.morning(date(2026, 4, 3))
    assert len(_heard(world, VP_MEMBER, task)) == 1  # 3 days: the floor the admin set


async def test_weekly_digest_can_be_switched_off(world: World) -> None:
    add_task(world.app, world.ids["VP"], "Báo cáo tuần", "01/04/2026", world.clock.now())
    off = await world.harness.send_confirmed(VP_LEADER, "/caidat tonghop tat")
    assert texts.PREFS_SAVED in off.text
    await world.morning(date(2026, 3, 30))  # Monday: digest day
    digests = {row.chat_id for row in world.rows() if row.kind == "digest"}
    assert CHAIRMAN in digests and VP_LEADER not in digests


# --- the pure rules ------------------------------------------------------------------------


def test_when_a_snooze_ends() -> None:
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    calendar = WorkingCalendar()
    friday = datetime(2026, 3, 27, 9, 0, tzinfo=tz)

    def moment(when: str, at: datetime) -> datetime | None:
        return snooze_moment(when, at, remind_at=time(8), quiet_start=time(21),
                             calendar=calendar)

    assert moment("chieu", friday) == friday.replace(hour=14)
    assert moment("chieu", friday.replace(hour=17)) == friday.replace(hour=20)
    assert moment("chieu", friday.replace(hour=18)) is None  # 21:00: the quiet hours
    assert moment("mai", friday) == datetime(2026, 3, 28, 8, tzinfo=tz)  # Saturday: asked for
    assert moment("ngaylamviec", friday) == datetime(2026, 3, 30, 8, tzinfo=tz)


def test_what_a_reply_about_a_task_asks_for() -> None:
    today = date(2026, 12, 3)
    expected = {
        "xong": "/hoanthanh 5",
        "đã xong rồi ạ": "/hoanthanh 5",
        "50%": "/capnhat 5 50",
        "được 75% rồi": "/capnhat 5 75",
        "xin gia hạn đến 20/12 vì chờ số liệu": "/giahan 5 20/12/2026 chờ số liệu",
        "nhắc lại mai": "/nhaclai 5 mai",
        "nhắc lại sau": "/nhaclai 5",
        "để chiều nhắc lại": "/nhaclai 5 chieu",
    }
    for text, command in expected.items():
        suggestion = reply_intent(text, 5, today)
        assert suggestion is not None and suggestion.command == command, text
        assert acts_on_task(text, 5, today)
    for talk in ("cảm ơn", "ok", "việc của tôi", "giúp tôi"):
        assert not acts_on_task(talk, 5, today), talk


async def test_snooze_in_a_group_by_someone_without_a_private_chat(world: World) -> None:
    """The unit's group hears reminders as before; the person is told the snooze cannot
    reach them until they write to the bot privately."""
    task = add_task(world.app, world.ids["PNV"], "Rà soát", "27/03/2026", world.clock.now())
    with unit_of_work(world.app.session_factory) as session:
        actor = services.resolve_actor(session, platform="telegram", external_id="777",
                                       display_name="Cán bộ nhóm", private_chat_id=None,
                                       now=world.clock.now())
        services.set_membership(session, person_id=actor.person.id, unit_id=world.ids["PNV"],
                                role="member", actor="test", now=world.clock.now())
    reply = await world.harness.send_confirmed("777", f"/nhaclai {task} mai", chat=GROUP)
    assert "chưa nhắn riêng cho bot" in reply.text
    with world.app.session_factory() as session:
        assert session.scalars(select(Outbox).where(Outbox.kind == "snoozed")).all() == []
    await world.morning(date(2026, 3, 26))
    assert _heard(world, GROUP, task)


async def test_a_unit_choice_shows_names_as_written(world: World) -> None:
    # Button labels are plain text: "&" stays "&" (the numbered fallback escapes it itself).
    with unit_of_work(world.app.session_factory) as session:
        for code, name in (("VHTT", "Phòng Văn hóa & Thông tin"), ("VHXH", "Phòng Văn hóa & Xã hội")):
            services.create_unit(session, code=code, name=name, parent=None, actor="cli",
                                 now=world.clock.now())
    asked = await world.harness.send("950", "/dangky Phòng Văn hóa")
    labels = [o.label for o in asked.replies[-1].buttons]
    assert "Phòng Văn hóa & Thông tin (VHTT)" in labels, labels
    numbered = await world.harness.send("951", "/dangky Phòng Văn hóa", buttons=False)
    assert "Phòng Văn hóa &amp; Thông tin (VHTT)" in numbered.text  # HTML, shown as "&"
