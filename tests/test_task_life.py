"""Issue 15 through the real router: safe menus, "Xác nhận?", undo, reopen, cancel, edit,
typos and plain Vietnamese, and statistics across a frozen period."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import build_app
from db.models import AuditLog, Occurrence, Task
from reports import period_report, periods, stats
from tests.support import Harness, make_settings
from tests.test_handlers import ADMIN, register, seed
from timelang.clock import FakeClock

MEMBER, LEADER = "100", "300"


@pytest.fixture
async def harness(tmp_path: Path, db_url: str, clock: FakeClock) -> AsyncIterator[Harness]:
    app = build_app(make_settings(tmp_path, db_url), clock=clock)
    harness = Harness(app)
    seed(app)
    await register(harness, MEMBER, "An")
    await register(harness, LEADER, "Bảo", role="lanhdao")
    yield harness
    app.close()


def done_tasks(h: Harness) -> set[int]:
    with h.app.session_factory() as session:
        return set(session.scalars(select(Occurrence.task_id).where(
            Occurrence.done_at.is_not(None))))


def audit_actions(h: Harness) -> list[str]:
    with h.app.session_factory() as session:
        return list(session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


# --- safe menus ----------------------------------------------------------------------------


async def test_stale_menu_changes_nothing(harness: Harness) -> None:
    """The issue's case: task details, four unrelated messages, then "3"."""
    detail = await harness.send(MEMBER, "/chitiet 1", buttons=False)
    assert "3. ✅ Hoàn thành #1" in detail.text
    for text in ("xin chào", "/donvi", "cảm ơn", "/trogiup"):
        await harness.send(MEMBER, text, buttons=False)
    reply = await harness.send(MEMBER, "3", buttons=False)
    assert "không có gì thay đổi" in reply.text.lower()
    assert done_tasks(harness) == set()
    assert "occurrence.complete" not in audit_actions(harness)


async def test_menu_expires_and_a_choice_only_asks(harness: Harness, clock: FakeClock) -> None:
    await harness.send(MEMBER, "/chitiet 1", buttons=False)
    clock.advance(minutes=6)
    reply = await harness.send(MEMBER, "3", buttons=False)
    assert "hết hiệu lực" in reply.text and done_tasks(harness) == set()
    # Right after the menu, "3" asks first; the completion needs "Có".
    await harness.send(MEMBER, "/chitiet 1", buttons=False)
    asked = await harness.send(MEMBER, "3", buttons=False)
    assert "Xác nhận?" in asked.text and "1. ✅ Có" in asked.text
    assert done_tasks(harness) == set()
    done = await harness.send(MEMBER, "1", buttons=False)
    assert "đúng hạn" in done.text and done_tasks(harness) == {1}


async def test_confirmation_declined_and_not_carried_over(harness: Harness) -> None:
    asked = await harness.send(MEMBER, "/hoanthanh 1 đã gửi")
    assert [o.command for o in asked.replies[-1].buttons] == ["/co", "/khong"]
    declined = await harness.send(MEMBER, "không")
    assert "Không có gì thay đổi" in declined.text and done_tasks(harness) == set()
    # A question followed by anything else is dropped: a late "có" confirms nothing.
    await harness.send(MEMBER, "/hoanthanh 1")
    await harness.send(MEMBER, "/nhiemvu")
    late = await harness.send(MEMBER, "/co")  # an old "Có" button
    assert "Không có thao tác nào đang chờ" in late.text and done_tasks(harness) == set()


# --- task life -----------------------------------------------------------------------------


async def test_undo_within_the_window_only(harness: Harness, clock: FakeClock) -> None:
    done = await harness.send_confirmed(MEMBER, "/hoanthanh 1 nhầm")
    assert "/hoantac 1" in done.text
    undone = await harness.send(MEMBER, "/hoantac 1")
    assert "Đã hoàn tác" in undone.text and done_tasks(harness) == set()
    # The leader, told of the completion, is told it was taken back.
    told = harness.transport.to(LEADER)
    assert "báo hoàn thành" in told[-2] and "đã hoàn tác" in told[-1], told[-2:]
    await harness.send_confirmed(MEMBER, "/hoanthanh 1")
    assert (await harness.send(LEADER, "/hoantac 1")).text.count("Chỉ người đã báo") == 1
    clock.advance(minutes=20)
    late = await harness.send(MEMBER, "/hoantac 1")
    assert "Đã quá 15 phút" in late.text and done_tasks(harness) == {1}
    detail = await harness.send(MEMBER, "/chitiet 1")
    assert "hoàn tác báo hoàn thành" in detail.text and "nhầm" in detail.text


async def test_undo_without_a_number_takes_back_ones_own_last_completion(
        harness: Harness, clock: FakeClock) -> None:
    nothing = await harness.send(MEMBER, "/hoantac")
    assert "/hoantac SỐ" in nothing.text and done_tasks(harness) == set()
    await harness.send_confirmed(MEMBER, "/hoanthanh 1")
    clock.advance(minutes=1)
    await harness.send_confirmed(MEMBER, "/hoanthanh 2")
    # Another person's completion is never taken back by "/hoantac" alone.
    assert "/hoantac SỐ" in (await harness.send(LEADER, "/hoantac")).text
    undone = await harness.send(MEMBER, "/hoantac")
    assert "Đã hoàn tác" in undone.text and "#2" in undone.text and done_tasks(harness) == {1}
    clock.advance(minutes=20)
    assert "/hoantac SỐ" in (await harness.send(MEMBER, "/hoantac")).text
    assert done_tasks(harness) == {1}


async def test_reopen_by_leader_keeps_the_completion(harness: Harness) -> None:
    await harness.send_confirmed(MEMBER, "/hoanthanh 2 đã rà soát xong")
    refused = await harness.send(MEMBER, "/molai 2 thiếu biên bản")
    assert "không có quyền" in refused.text and done_tasks(harness) == {2}
    assert "Cách dùng" in (await harness.send(LEADER, "/molai 2")).text
    reply = await harness.send(LEADER, "/molai 2 thiếu biên bản")
    assert "Đã mở lại nhiệm vụ #2" in reply.text and "An" in reply.text
    assert done_tasks(harness) == set()
    assert "mở lại nhiệm vụ #2" in harness.transport.to(MEMBER)[-1]
    detail = await harness.send(LEADER, "/chitiet 2")
    assert "đã rà soát xong" in detail.text and "thiếu biên bản" in detail.text
    with harness.app.session_factory() as session:
        entry = session.scalars(select(AuditLog).where(
            AuditLog.action == "occurrence.reopen")).one()
        assert entry.details["completion"]["note"] == "đã rà soát xong"
        assert entry.details["reason"] == "thiếu biên bản"


async def test_cancel_task_confirmed_kept_and_shown(harness: Harness) -> None:
    assert "không có quyền" in (await harness.send(MEMBER, "/huynhiemvu 1 trùng")).text
    asked = await harness.send(LEADER, "/huynhiemvu 1 trùng với nhiệm vụ 2")
    assert "Xác nhận?" in asked.text
    reply = await harness.send(LEADER, "có")
    assert "Đã huỷ nhiệm vụ #1" in reply.text
    listing = await harness.send(MEMBER, "/nhiemvu")
    assert "#1" not in listing.text and "#2" in listing.text
    detail = await harness.send(MEMBER, "/chitiet 1")
    assert "Nhiệm vụ đã huỷ" in detail.text and "trùng với nhiệm vụ 2" in detail.text
    assert "Nhiệm vụ #1 đã bị huỷ" in (await harness.send_confirmed(LEADER,
                                                                   "/huynhiemvu 1")).text


async def test_edit_title_deadline_lead_and_support(harness: Harness) -> None:
    reply = await harness.send(LEADER, "/sua 1 ten Báo cáo CCHC quý I/2026")
    assert "Đã sửa nhiệm vụ #1: tên" in reply.text
    reply = await harness.send(LEADER, "/sua 1 han 30/04/2026")
    assert "thời hạn" in reply.text
    reply = await harness.send(LEADER, "/sua 1 phoihop VP")
    assert "đơn vị phối hợp" in reply.text
    # PNV's leader has no say over VP: handing the task there is refused.
    assert "không có quyền" in (await harness.send_confirmed(LEADER, "/sua 1 chutri VP")).text
    asked = await harness.send(ADMIN, "/sua 1 chutri VP")
    assert "Giao lại" in asked.text
    assert "đơn vị chủ trì" in (await harness.send(ADMIN, "có")).text
    with harness.app.session_factory() as session:
        task = session.get(Task, 1)
        assert task is not None
        assert task.title == "Báo cáo CCHC quý I/2026" and task.lead_unit.code == "VP"
        assert task.deadline_text == "30/04/2026" and task.support_units == []
        assert [o.due_date.isoformat() for o in task.occurrences if o.due_date] == ["2026-04-30"]
    assert audit_actions(harness).count("task.edit") == 3


# --- typos and plain Vietnamese ------------------------------------------------------------


async def test_spaces_accents_and_typos(harness: Harness) -> None:
    assert "Nhiệm vụ #1" in (await harness.send(MEMBER, "/chi tiet 1")).text
    assert "Xác nhận?" in (await harness.send(MEMBER, "/hoàn thành 1")).text
    suggestion = await harness.send(MEMBER, "/chitet 1", buttons=False)
    assert "Ý anh/chị là <code>/chitiet 1</code>?" in suggestion.text
    assert "Nhiệm vụ #1" in (await harness.send(MEMBER, "có", buttons=False)).text
    assert "/nhiemvu" in (await harness.send(MEMBER, "/nhiemv")).text
    assert "chưa hiểu lệnh" in (await harness.send(MEMBER, "/xyzabc")).text


async def test_plain_vietnamese_intents(harness: Harness) -> None:
    asked = await harness.send(MEMBER, "xong việc 2 rồi")
    assert "Báo <b>hoàn thành</b> nhiệm vụ #2" in asked.text and done_tasks(harness) == set()
    assert "đúng hạn" in (await harness.send(MEMBER, "có")).text

    offer = await harness.send(MEMBER, "báo cáo tiến độ 50% việc 1")
    assert "<code>/capnhat 1 50</code>" in offer.text
    assert "50%" in (await harness.send(MEMBER, "đồng ý")).text

    need = await harness.send(MEMBER, "báo cáo tiến độ 50%")
    assert "số mấy" in need.text

    offer = await harness.send(MEMBER, "xin gia hạn việc 1 đến 20/4 vì chờ số liệu các xã")
    assert "/giahan 1 20/04/2026 chờ số liệu các xã" in offer.text
    assert "Đã gửi" in (await harness.send(MEMBER, "có")).text

    assert "Nhiệm vụ của anh/chị" in (await harness.send(MEMBER, "việc của tôi")).text
    assert "/nhiemvu" in (await harness.send(MEMBER, "hướng dẫn")).text
    assert "chưa hiểu ý" in (await harness.send(MEMBER, "trời hôm nay đẹp")).text


async def test_a_command_typed_without_its_slash(harness: Harness) -> None:
    # Officials type the command's name as a word: reading it runs, changing it is asked.
    assert "Nhiệm vụ của anh/chị" in (await harness.send(MEMBER, "nhiệm vụ")).text
    assert "Nhiệm vụ của anh/chị" in (await harness.send(MEMBER, "nhiemvu")).text
    assert "Nhiệm vụ của anh/chị" in (await harness.send(MEMBER, "ds nhiem vu")).text
    assert "Nhiệm vụ #1" in (await harness.send(MEMBER, "chi tiet 1")).text
    offer = await harness.send(MEMBER, "capnhat 1 50")
    assert "/capnhat 1 50" in offer.text
    assert done_tasks(harness) == set()
    # A sentence that merely begins with a command's word is not a command.
    assert "chưa hiểu ý" in (await harness.send(MEMBER, "giao ban sáng mai lúc 8 giờ")).text


# --- statistics across a frozen period -----------------------------------------------------


def march(h: Harness, *, frozen: bool) -> stats.Counts:
    app = h.app
    now = app.clock.now()
    today = now.astimezone(app.settings.tz).date()
    # A range that is not a named period is never frozen: it shows the figures afresh.
    period = (periods.month(2026, 3) if frozen
              else periods.date_range(date(2026, 3, 2), date(2026, 3, 31)))
    with app.session_factory() as session:
        report = period_report.build_report(session, period, today=today, now=now, tz=app.settings.tz)
        session.commit()
        line = next(line for line in report.units if line.code == "PNV")
        return line.own


async def test_cancel_and_reopen_across_a_frozen_period(harness: Harness,
                                                        clock: FakeClock) -> None:
    await harness.send_confirmed(MEMBER, "/hoanthanh 2")  # 02/03, due 05/03: on time
    clock.advance(days=31)  # 02/04: March has closed
    before = march(harness, frozen=True)  # freezes March
    assert (before.done_on_time, before.overdue, before.assigned) == (1, 1, 2)

    reopened = await harness.send(LEADER, "/molai 2 thiếu minh chứng")
    assert "Đã mở lại" in reopened.text and "2026-03" in reopened.text
    cancelled = await harness.send_confirmed(LEADER, "/huynhiemvu 1 không còn phù hợp")
    assert "Đã huỷ" in cancelled.text and "2026-03" in cancelled.text

    frozen = march(harness, frozen=True)
    assert frozen == before  # nothing frozen changed
    live = march(harness, frozen=False)
    # The same days computed afresh: task 1 no longer counts, task 2 is open past its due.
    assert (live.assigned, live.done_on_time, live.overdue) == (1, 0, 1)


# --- units by name -------------------------------------------------------------------------


async def test_units_by_name_where_a_code_is_asked(harness: Harness) -> None:
    listing = await harness.send(LEADER, "/nhiemvu Phòng Nội vụ")
    assert "của Phòng Nội vụ" in listing.text and "#1" in listing.text
    reply = await harness.send(LEADER, "/giao phòng nội vụ | Tổng hợp số liệu | 25/03/2026")
    assert "Đã giao nhiệm vụ <b>#4</b> cho Phòng Nội vụ" in reply.text
    assert "phối hợp" in (await harness.send(LEADER, "/sua 4 phoihop Văn phòng HĐND-UBND")).text
    ambiguous = await harness.send(LEADER, "/nhiemvu phòng")
    # Several units answer to «phòng»: a choice, never a silent pick; the button carries
    # only its key, the command stays server-side.
    assert "Có 2 đơn vị khớp với «phòng»" in ambiguous.text
    options = ambiguous.replies[-1].buttons
    assert [o.label for o in options] == ["Phòng Nội vụ (PNV)", "Văn phòng HĐND-UBND (VP)"]
    chosen = await harness.send(LEADER, options[0].command)
    assert "của Phòng Nội vụ" in chosen.text and "#1" in chosen.text
    joined = await harness.send("555", "/dangky Văn phòng HĐND UBND")
    assert "Văn phòng HĐND-UBND" in joined.text
    with harness.app.session_factory() as session:
        task = session.get(Task, 4)
        assert task is not None and [u.code for u in task.support_units] == ["VP"]
