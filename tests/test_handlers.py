"""Chat commands through the real router, on SQLite and PostgreSQL, with a recording replier."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import build_app
from db import services
from db.models import AuditLog, Evidence, ExtensionRequest, Occurrence, Outbox, Task
from db.session import unit_of_work
from tests.support import Harness, make_settings, sample_jpeg, sample_pdf
from timelang.clock import FakeClock
from timelang.deadlines import parse_deadline

ADMIN = "1"  # telegram:1 is in ADMINS (see make_settings)


@pytest.fixture
async def harness(tmp_path: Path, db_url: str, clock: FakeClock) -> AsyncIterator[Harness]:
    app = build_app(make_settings(tmp_path, db_url), clock=clock)
    harness = Harness(app)
    seed(app)
    yield harness
    app.close()


def seed(app: Any) -> None:
    now = app.clock.now()
    today = now.astimezone(app.settings.tz).date()
    with unit_of_work(app.session_factory) as session:
        district = services.create_unit(session, code="UBND", name="UBND huyện", parent=None,
                                        actor="test", now=now, kind="huyen")
        pnv = services.create_unit(session, code="PNV", name="Phòng Nội vụ", parent=district,
                                   actor="test", now=now, kind="phong")
        vp = services.create_unit(session, code="VP", name="Văn phòng HĐND-UBND",
                                  parent=district, actor="test", now=now, kind="phong")
        for title, unit, due in (
            ("Báo cáo CCHC quý I", pnv, "31/03/2026"),
            ("Rà soát thủ tục hành chính", pnv, "05/03/2026"),
            ("Kiểm tra công vụ", vp, "20/03/2026"),
        ):
            services.create_task(session, title=title, lead_unit=unit,
                                 deadline=parse_deadline(due, ref=today), actor="test", now=now,
                                 today=today)


async def register(h: Harness, user: str, name: str, unit: str = "PNV",
                   role: str = "canbo") -> None:
    await h.send(ADMIN, "/start", name="Quản trị")
    reply = await h.send(user, f"/dangky {unit}", name=name)
    assert "Đã gửi yêu cầu tham gia" in reply.text
    notice = h.transport.sent[-1]
    assert notice[0] == ADMIN and name in notice[1]
    approve = next(o.command for o in notice[2] if role in o.command)
    reply = await h.send(ADMIN, approve)
    assert "Đã duyệt" in reply.text


async def test_register_and_approve(harness: Harness) -> None:
    await register(harness, "100", "Nguyễn Văn An")
    welcome = harness.transport.to("100")[-1]
    assert "cán bộ" in welcome and "Phòng Nội vụ" in welcome
    reply = await harness.send("100", "/nhiemvu")
    assert "#2" in reply.text and "#1" in reply.text and "#3" not in reply.text
    # Open tasks by due date: 05/03 before 31/03.
    assert reply.text.index("#2") < reply.text.index("#1")
    buttons = reply.replies[-1].buttons
    assert [o.command for o in buttons] == ["/chitiet 2", "/chitiet 1"]
    assert buttons[0].label == "#2 Rà soát thủ tục hành chính"


async def test_refused_join_and_duplicate_request(harness: Harness) -> None:
    await harness.send(ADMIN, "/start")
    await harness.send("200", "/dangky VP", name="Lê Thị Bình")
    again = await harness.send("200", "/dangky VP")
    assert "đang chờ duyệt" in again.text
    request_cmd = harness.transport.sent[-1][2][-1].command
    assert request_cmd.startswith("/tuchoi")
    await harness.send(ADMIN, request_cmd)
    assert "không được chấp thuận" in harness.transport.to("200")[-1]
    denied = await harness.send("200", "/nhiemvu")
    assert "chưa thuộc đơn vị" in denied.text


async def test_progress_evidence_and_completion(harness: Harness, clock: FakeClock) -> None:
    await register(harness, "100", "An")
    reply = await harness.send("100", "/capnhat 1 50 đã có dự thảo")
    assert "50%" in reply.text
    menu = await harness.send("100", "/capnhat 1")
    assert [o.command for o in menu.replies[0].buttons][-1] == "/capnhat 1 100"

    photo = harness.attach("ph1", sample_jpeg(), kind="photo", file_name="anh.jpg")
    reply = await harness.send("100", "/minhchung 1", attachment=photo)
    assert "Đã lưu minh chứng" in reply.text
    waiting = await harness.send("100", "/minhchung 1")
    assert "Hãy gửi ảnh" in waiting.text
    pdf = harness.attach("doc1", sample_pdf(), file_name="bien_ban.pdf")
    reply = await harness.send("100", "", attachment=pdf)
    assert "bien_ban.pdf" in reply.text
    again = await harness.send("100", "/minhchung 1", attachment=pdf)
    assert "trước đó" in again.text

    reply = await harness.send_confirmed("100", "/hoanthanh 1")
    assert "đúng hạn" in reply.text

    clock.advance(days=5)  # 07/03, past the 05/03 deadline of task 2
    reply = await harness.send_confirmed("100", "/hoanthanh 2 xong muộn")
    assert "trễ hạn" in reply.text and "trễ 2 ngày" in reply.text

    detail = await harness.send("100", "/chitiet 1")
    assert "Minh chứng (2)" in detail.text and "50%" in detail.text

    with harness.app.session_factory() as session:
        evidence = session.scalars(select(Evidence)).all()
        assert len(evidence) == 2
        assert all(harness.app.evidence_store.path_for(e.sha256).exists() for e in evidence)
        assert {e.platform_file_id for e in evidence} == {"ph1", "doc1"}
        actions = set(session.scalars(select(AuditLog.action)))
        assert {"occurrence.progress", "evidence.add", "occurrence.complete",
                "join.approved"} <= actions


async def test_extension_approved_keeps_original_date(harness: Harness, clock: FakeClock) -> None:
    await register(harness, "100", "An")
    await register(harness, "101", "Bảo", role="lanhdao")
    reply = await harness.send("100", "/giahan 2 15/03/2026 chờ số liệu từ các xã")
    assert "Chờ lãnh đạo duyệt" in reply.text
    notice = [s for s in harness.transport.sent if s[0] == "101"][-1]
    assert "chờ số liệu" in notice[1]
    approve = notice[2][0].command
    reply = await harness.send("101", approve)
    assert "15/03/2026" in reply.text
    assert "hạn mới 15/03/2026" in harness.transport.to("100")[-1]

    clock.advance(days=10)  # 12/03: after the original 05/03, before the extended 15/03
    reply = await harness.send_confirmed("100", "/hoanthanh 2")
    assert "đúng hạn" in reply.text
    with harness.app.session_factory() as session:
        occurrence = session.scalars(select(Occurrence).where(Occurrence.task_id == 2)).one()
        assert occurrence.due_date == date(2026, 3, 5)
        assert occurrence.extended_due_date == date(2026, 3, 15)
        assert session.scalars(select(ExtensionRequest.status)).one() == "approved"


async def test_member_refused_on_other_units_task(harness: Harness) -> None:
    await register(harness, "100", "An")
    for command in ("/hoanthanh 3", "/capnhat 3 20", "/chitiet 3", "/giahan 3 30/03/2026 lý do"):
        reply = await harness.send("100", command)
        # Another unit's task is not confirmed to exist: the answer for a missing task.
        assert "Không tìm thấy nhiệm vụ số 3" in reply.text, command
    with harness.app.session_factory() as session:
        occurrence = session.scalars(select(Occurrence).where(Occurrence.task_id == 3)).one()
        assert occurrence.done_at is None and occurrence.progress == 0


async def test_assign_and_group_binding(harness: Harness) -> None:
    await register(harness, "101", "Bảo", role="lanhdao")
    reply = await harness.send("101", "/ganketnhom PNV")
    assert "chỉ dùng trong nhóm" in reply.text
    reply = await harness.send("101", "/ganketnhom PNV", chat="-500", group_title="Phòng NV")
    assert "Đã gắn nhóm" in reply.text
    reply = await harness.send("101", "/giao PNV | Tổng hợp số liệu CCHC | 25/03/2026")
    assert "Đã giao nhiệm vụ" in reply.text and "25/03/2026" in reply.text
    assert "Tổng hợp số liệu CCHC" in harness.transport.to("-500")[-1]
    # A member acts as themselves inside the group.
    await register(harness, "100", "An")
    reply = await harness.send_confirmed("100", "/hoanthanh 4", chat="-500", group_title="Phòng NV")
    assert "đúng hạn" in reply.text
    # Chatter in a group is not answered.
    reply = await harness.send("100", "chào cả phòng", chat="-500")
    assert reply.replies == []
    refused = await harness.send("101", "/giao VP | Việc của văn phòng | 25/03/2026")
    assert "Chỉ lãnh đạo" in refused.text


async def test_assign_with_a_past_due_date_asks_first(harness: Harness) -> None:
    # Today is 02/03/2026: "cuối năm 2025" is past, the task would be overdue at once.
    reply = await harness.send(ADMIN, "/giao PNV | Việc cũ | cuối năm 2025")
    assert "31/12/2025" in reply.text and "đã qua" in reply.text
    assert [b.command for b in reply.replies[-1].buttons] == ["/giao xacnhan", "/giao huy"]
    reply = await harness.send(ADMIN, "/giao huy")
    assert "Đã hủy" in reply.text
    reply = await harness.send(ADMIN, "/giao xacnhan")
    assert "Không có nhiệm vụ nào đang chờ" in reply.text
    await harness.send(ADMIN, "/giao PNV | Việc cũ | cuối năm 2025")
    reply = await harness.send(ADMIN, "/giao xacnhan")
    assert "Đã giao nhiệm vụ" in reply.text and "31/12/2025" in reply.text
    with harness.app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 4
    reply = await harness.send(ADMIN, "/giao PNV | Việc mới | cuối quý")
    assert "Đã giao nhiệm vụ" in reply.text and "31/03/2026" in reply.text


async def test_bad_input_gets_clear_answers(harness: Harness) -> None:
    await register(harness, "100", "An")
    cases = {
        "/khongco": "chưa hiểu lệnh",
        "/hoanthanh": "Cách dùng",
        "/hoanthanh abc": "không phải là số nhiệm vụ",
        "/chitiet 999": "Không tìm thấy nhiệm vụ số 999",
        "/capnhat 1 150": "từ 0 đến 100",
        "/capnhat 1 nhiều": "phải là số",
        "/giahan 1 31/02/2026 lý do": "không phải ngày hợp lệ",
        "/giahan 1 01/01/2026 lý do": "phải sau hạn hiện tại",
        "/giao PNV | thiếu hạn": "Cách dùng",
        "/dangky": "Cách dùng",
        "/dangky XYZ": "Không có đơn vị mã",
        "xin chào": "chưa hiểu ý",
    }
    for text, expected in cases.items():
        reply = await harness.send("100", text)
        assert expected in reply.text, (text, reply.text)
    reply = await harness.send(ADMIN, "/giao PNV | Việc A | khi nào trời đẹp")
    assert reply.text.count("Chưa hiểu thời hạn") == 1
    reply = await harness.send(ADMIN, "/giao PNV | Việc A | 15/6 và 20/6/2026")
    assert reply.text.count("Chưa hiểu thời hạn") == 1 and "\n" not in reply.text
    with harness.app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 3


async def test_commands_with_accents_and_capitals(harness: Harness) -> None:
    await register(harness, "100", "An")
    for text in ("/NHIEMVU", "/nhiệmvụ", "/NhiemVu@nhacviec_bot"):
        reply = await harness.send("100", text)
        assert "Nhiệm vụ" in reply.text, text


async def test_files_too_large_or_of_wrong_type(harness: Harness) -> None:
    await register(harness, "100", "An")
    big = harness.attach("big", b"%PDF-", file_name="lon.pdf", size=25 * 1024 * 1024)
    reply = await harness.send("100", "/minhchung 1", attachment=big)
    assert "quá lớn" in reply.text
    exe = harness.attach("exe", b"MZ\x90\x00" + b"\x00" * 100, file_name="baocao.pdf")
    reply = await harness.send("100", "/minhchung 1", attachment=exe)
    assert "không được nhận" in reply.text
    empty = harness.attach("empty", b"", file_name="rong.pdf")
    reply = await harness.send("100", "/minhchung 1", attachment=empty)
    assert "rỗng" in reply.text
    stray = harness.attach("stray", sample_pdf(), file_name="x.pdf")
    reply = await harness.send("100", "", attachment=stray)
    assert "không biết là minh chứng của nhiệm vụ nào" in reply.text
    with harness.app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Evidence)) == 0


async def test_user_text_is_escaped(harness: Harness) -> None:
    reply = await harness.send(ADMIN, '/giao PNV | Báo cáo <b>"A&B"</b> | 30/03/2026')
    assert "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;" in reply.text
    assert "<b>\"A&B\"</b>" not in reply.text
    detail = await harness.send(ADMIN, "/chitiet 4")
    assert "&lt;b&gt;" in detail.text


async def test_long_reply_is_split(harness: Harness, clock: FakeClock) -> None:
    app = harness.app
    now = clock.now()
    with unit_of_work(app.session_factory) as session:
        unit = services.require_unit(session, "VP")
        for i in range(40):
            services.create_task(session, title=f"Nhiệm vụ dài số {i} " + "x" * 150,
                                 lead_unit=unit, deadline=parse_deadline("30/06/2026"),
                                 actor="test", now=now, today=now.date())
    app.settings.page_size = 50
    reply = await harness.send(ADMIN, "/nhiemvu tatca")
    assert len(reply.replies) >= 2
    assert all(len(r.text) <= 4096 for r in reply.replies)
    joined = "\n".join(r.text for r in reply.replies)
    assert all(f"#{i}" in joined for i in range(1, 44))


async def test_numbered_menu_without_buttons(harness: Harness) -> None:
    await register(harness, "100", "An")
    reply = await harness.send("100", "/nhiemvu", buttons=False)
    # The choice is the task's own number, never a position ("1. #2 …").
    assert "2. Rà soát thủ tục hành chính" in reply.text
    assert "1. #2" not in reply.text
    reply = await harness.send("100", "2", buttons=False)
    assert "Nhiệm vụ #2" in reply.text
    await harness.send("100", "/nhiemvu", buttons=False)
    reply = await harness.send("100", "9", buttons=False)
    assert "Không có lựa chọn «9»" in reply.text


async def test_error_rolls_back_and_answers(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    await register(harness, "100", "An")

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "complete_occurrence", boom)
    reply = await harness.send_confirmed("100", "/hoanthanh 1")
    assert "đã có lỗi" in reply.text
    with harness.app.session_factory() as session:
        assert session.scalar(select(Occurrence.done_at).where(Occurrence.task_id == 1)) is None


async def test_link_identities(harness: Harness) -> None:
    await register(harness, "100", "An")
    reply = await harness.send("100", "/lienket")
    code = reply.text.split("<code>")[1].split("</code>")[0]
    zalo = Harness(harness.app, platform="zalo")
    reply = await zalo.send("z-100", f"/lienket {code}", name="An Zalo")
    assert "Đã liên kết" in reply.text
    reply = await zalo.send("z-100", "/nhiemvu")
    assert "#1" in reply.text  # the Telegram membership now serves Zalo too
    reply = await zalo.send("z-100", f"/lienket {code}")
    assert "hết hạn" in reply.text


async def test_outbox_keys_prevent_duplicates(harness: Harness) -> None:
    await register(harness, "100", "An")
    with harness.app.session_factory() as session:
        keys = session.scalars(select(Outbox.idempotency_key)).all()
        assert len(keys) == len(set(keys))


def test_status_rules() -> None:
    from zoneinfo import ZoneInfo

    from timelang.status import Status, occurrence_status

    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    due = date(2026, 3, 5)
    # 23:30 local on the due day is 16:30 UTC: still on time.
    on_time = datetime(2026, 3, 5, 16, 30, tzinfo=UTC)
    late = on_time + timedelta(hours=1)  # 00:30 local on the 6th
    kw: dict[str, Any] = {"due": due, "extended_due": None, "today": date(2026, 3, 6), "tz": tz}
    assert occurrence_status(done_at=on_time, **kw) == Status.DONE_ON_TIME
    assert occurrence_status(done_at=late, **kw) == Status.DONE_LATE
    assert occurrence_status(done_at=None, **kw) == Status.OVERDUE
    kw["today"] = date(2026, 3, 2)
    assert occurrence_status(done_at=None, **kw) == Status.DUE_SOON
    kw["today"] = date(2026, 3, 1)
    assert occurrence_status(done_at=None, **kw) == Status.IN_PROGRESS
    kw.update(extended_due=date(2026, 3, 10), today=date(2026, 3, 8))
    assert occurrence_status(done_at=late, **kw) == Status.DONE_ON_TIME
    assert occurrence_status(due=None, extended_due=None, done_at=None, today=due,
                             tz=tz) == Status.ONGOING
