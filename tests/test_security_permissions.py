"""Issue 11: who may do what, and numbers people type. One test per finding, through the real
router on both database backends."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from bot.app import build_app
from db.models import Chat, ExtensionRequest, Identity, LinkCode
from tests.support import Harness, make_settings
from tests.test_handlers import ADMIN, register, seed
from texts import messages
from timelang.clock import FakeClock

CODE = re.compile(r"\b[A-HJ-NP-Z2-9]{8}\b")


@pytest.fixture
async def harness(tmp_path: Path, db_url: str, clock: FakeClock) -> AsyncIterator[Harness]:
    app = build_app(make_settings(tmp_path, db_url), clock=clock)
    harness = Harness(app)
    seed(app)
    yield harness
    app.close()


def code_in(text: str) -> str:
    match = re.search(r"/lienket ([A-Z2-9]{8})", text)
    assert match, text
    return match.group(1)


@contextmanager
def counted_statements(app: Any) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(app.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(app.engine, "before_cursor_execute", record)


# --- finding 1: /lienket ---------------------------------------------------------------------


async def test_link_codes_are_private_single_use_limited_and_announced_on_both_apps(
        harness: Harness) -> None:
    await register(harness, "101", "Bảo", role="lanhdao")
    zalo = Harness(harness.app, platform="zalo")

    # In a group the code would be read by everyone: no code is shown, nothing is issued.
    reply = await harness.send("101", "/lienket", chat="-500", group_title="Phòng NV")
    assert "nhắn riêng" in reply.text and not CODE.search(reply.text)
    with harness.app.session_factory() as session:
        assert session.scalars(select(LinkCode)).all() == []

    code = code_in((await harness.send("101", "/lienket")).text)
    # Typed in a group, the code is burnt: it has been seen by the whole group.
    reply = await zalo.send("z-9", f"/lienket {code}", chat="zg-1", group_title="Nhóm")
    assert "nhắn riêng" in reply.text
    reply = await zalo.send("z-9", f"/lienket {code}")
    assert "không đúng hoặc đã hết hạn" in reply.text

    # Guessing is limited per person, and the limit holds even for a right code.
    code = code_in((await harness.send("101", "/lienket")).text)
    for _ in range(5):
        await zalo.send("z-9", "/lienket ABCDEFGH")
    reply = await zalo.send("z-9", f"/lienket {code}")
    assert "quá nhiều lần" in reply.text
    with harness.app.session_factory() as session:
        assert session.scalar(select(LinkCode.used_at).where(LinkCode.code == code)) is None

    # The real owner links from their own Zalo; both apps hear of it, with the way back.
    reply = await zalo.send("z-101", f"/lienket {code}", name="Bảo Zalo")
    assert "Đã liên kết" in reply.text
    telegram_notice = harness.transport.to("101")[-1]
    zalo_notice = zalo.transport.to("z-101")[-1]
    for notice in (telegram_notice, zalo_notice):
        assert "vừa được liên kết" in notice and "/lienket tach" in notice
    undo = re.search(r"/lienket tach (\d+)", telegram_notice)
    assert undo
    reply = await harness.send("101", undo.group(0))
    assert "Đã tách" in reply.text
    with harness.app.session_factory() as session:
        owners = {i.external_id: i.person_id for i in session.scalars(select(Identity))}
    assert owners["101"] != owners["z-101"]
    assert "chưa thuộc đơn vị nào" in (await zalo.send("z-101", "/nhiemvu")).text


# --- finding 5: four eyes on extensions ------------------------------------------------------


async def test_a_leader_cannot_approve_his_own_extension(harness: Harness) -> None:
    await register(harness, "101", "Bảo", role="lanhdao")
    reply = await harness.send("101", "/giahan 2 15/03/2026 chờ số liệu")
    assert "lãnh đạo đơn vị cấp trên hoặc quản trị" in reply.text
    request = next(o.command for o in harness.transport.sent[-1][2] if "duyetgiahan" in o.command)
    assert harness.transport.sent[-1][0] == ADMIN

    reply = await harness.send("101", request)
    assert "không thể tự duyệt" in reply.text
    with harness.app.session_factory() as session:
        assert session.scalars(select(ExtensionRequest.status)).one() == "pending"
    assert "Đã duyệt gia hạn" in (await harness.send(ADMIN, request)).text


# --- finding 6: re-binding a bound group -----------------------------------------------------


async def test_rebinding_a_bound_group_needs_its_unit_leader_or_an_admin(
        harness: Harness) -> None:
    await register(harness, "101", "Bảo", role="lanhdao")
    await register(harness, "301", "Cường", unit="VP", role="lanhdao")
    group = {"chat": "-500", "group_title": "Phòng NV"}
    assert "Đã gắn nhóm" in (await harness.send("101", "/ganketnhom PNV", **group)).text

    reply = await harness.send("301", "/ganketnhom VP", **group)
    assert "đã gắn với" in reply.text and "Phòng Nội vụ" in reply.text
    with harness.app.session_factory() as session:
        chat = session.scalars(select(Chat).where(Chat.external_id == "-500")).one()
        assert chat.unit is not None and chat.unit.code == "PNV"

    assert "Đã gắn nhóm" in (await harness.send(ADMIN, "/ganketnhom VP", **group)).text
    notice = harness.transport.to("101")[-1]
    assert "Phòng NV" in notice and "Văn phòng HĐND-UBND" in notice


# --- finding 7: permission before work, bounded arguments -------------------------------------


async def test_a_strangers_long_report_is_refused_before_any_unit_lookup(
        harness: Harness) -> None:
    await harness.send("900", "/start", name="Lạ")
    words = " ".join(f"X{i}" for i in range(2000))
    with counted_statements(harness.app) as statements:
        reply = await harness.send("900", f"/baocao {words}")
    assert "chưa thuộc đơn vị nào" in reply.text
    assert len(statements) < 15, len(statements)

    await register(harness, "100", "An")
    with counted_statements(harness.app) as statements:
        reply = await harness.send("100", f"/baocao {words}")
    assert "quá nhiều" in reply.text
    assert len(statements) < 15, len(statements)
    with counted_statements(harness.app) as statements:
        reply = await harness.send("100", f"/nhiemvu {words}")
    assert "quá nhiều" in reply.text
    assert len(statements) < 15, len(statements)


# --- finding 10: numbers ---------------------------------------------------------------------


async def test_unicode_and_huge_numbers_get_a_clear_answer(harness: Harness) -> None:
    await register(harness, "101", "Bảo", role="lanhdao")
    commands = [
        "/chitiet ①", "/chitiet ²", "/capnhat 1 ፩", "/capnhat 1 99999999999999999999",
        "/nhiemvu ²", "/nhiemvu 99999999999999999999", "/duyet ①",
        "/duyet 99999999999999999999", "/duyetgiahan 99999999999999999999",
        "/tuchoigiahan ²", "/giahan 1 ①/04/2026 bận", "/giahan 1 01/04/99999 bận",
        "/baocao nam 0000", "/baocao thang 3/0000", "/baocao nam 9999", "/baocao ፩",
    ]
    for command in commands:
        reply = await harness.send("101", command)
        assert "đã có lỗi" not in reply.text, (command, reply.text)
        assert reply.text, command
    assert "từ 2000 đến 2100" in (await harness.send("101", "/baocao nam 0000")).text
    # A number typed to choose from a menu: a superscript is not a choice.
    await harness.send("101", "/nhiemvu", buttons=False)
    reply = await harness.send("101", "²", buttons=False)
    assert "đã có lỗi" not in reply.text


# --- finding 11: what a stranger may learn ---------------------------------------------------


async def test_strangers_learn_nothing_of_tasks_and_members(harness: Harness) -> None:
    await register(harness, "100", "An")
    await register(harness, "300", "Cao Thị Vân", unit="VP")
    missing = (await harness.send("900", "/chitiet 999", name="Lạ")).text
    assert missing == messages.TASK_NOT_FOUND.format(task_id=999)
    reply = await harness.send("900", "/chitiet 3", name="Lạ")
    assert reply.text == messages.TASK_NOT_FOUND.format(task_id=3)
    reply = await harness.send("100", "/chitiet 3")
    assert reply.text == messages.TASK_NOT_FOUND.format(task_id=3)

    listing = (await harness.send("100", "/donvi")).text
    assert "An" in listing and "Cao Thị Vân" not in listing and "<b>VP</b>" in listing
    assert "Cao Thị Vân" in (await harness.send(ADMIN, "/donvi")).text
