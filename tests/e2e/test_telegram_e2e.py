"""The shared chat scenarios on Telegram, plus what only Telegram has (groups, documents,
buttons, the command menu), through real python-telegram-bot and a spec-checking fake API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db import services
from db.models import Evidence
from db.session import unit_of_work
from tests.e2e.scenarios import (
    ADMIN,
    AN,
    BAO,
    SCENARIOS,
    Scenario,
    at,
    occurrence_of,
    register,
    reminders_now,
    text_of,
    with_option,
)
from tests.e2e.telegram_driver import TelegramDriver, telegram_id
from tests.support import sample_pdf
from timelang.clock import FakeClock
from timelang.deadlines import parse_deadline


@pytest.fixture
async def telegram(tmp_path: Path, db_url: str, clock: FakeClock) -> AsyncIterator[TelegramDriver]:
    driver = await TelegramDriver.start(tmp_path, db_url, clock)
    try:
        yield driver
        driver.server.assert_no_violations()
    finally:
        await driver.close()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
async def test_scenario_on_telegram(telegram: TelegramDriver, scenario: Scenario) -> None:
    await scenario(telegram)


async def test_command_menu_is_set_in_vietnamese(telegram: TelegramDriver) -> None:
    [request] = telegram.server.requests_for("setMyCommands")
    commands = {c["command"]: c["description"] for c in request.params["commands"]}
    assert commands["nhiemvu"] == "Danh sách nhiệm vụ"
    assert {"hoanthanh", "giahan", "minhchung", "dangky", "huy"} <= set(commands)


async def test_group_is_bound_and_used(telegram: TelegramDriver) -> None:
    d = telegram
    await register(d, BAO, role_label="lãnh đạo")
    await register(d, AN)
    group = d.server.group(-100500, "Phòng Nội vụ", members=[d.fake_user(AN), d.fake_user(BAO)])
    assert "chỉ dùng trong nhóm" in text_of(await d.say(BAO, "/ganketnhom PNV"))
    bound = text_of(await d.say(BAO, "/ganketnhom PNV", chat=group.id))
    assert "Đã gắn nhóm này với Phòng Nội vụ" in bound
    # The assignment is announced in the bound group, not to each member.
    await d.inbox(AN)
    assigned = text_of(await d.say(BAO, "/giao PNV | Tổng hợp số liệu CCHC | 25/03/2026"))
    assert "Đã giao nhiệm vụ #4" in assigned
    await d.drain_outbox()
    group_text = text_of(d._unread(group.id))
    assert "Nhiệm vụ mới #4" in group_text
    assert "Nhiệm vụ mới" not in text_of(await d.inbox(AN))
    # Members act as themselves in the group.
    asked = text_of(await d.say(AN, "/hoanthanh@nhacviec_bot 4", chat=group.id))
    assert "Xác nhận?" in asked
    done = text_of(await d.say(AN, "/co@nhacviec_bot", chat=group.id))
    assert "đúng hạn" in done
    assert text_of(await d.say(AN, "chào cả phòng", chat=group.id)) == ""


async def test_bad_files_are_refused_and_nothing_kept(telegram: TelegramDriver) -> None:
    d = telegram
    await register(d, AN)
    too_big = await d.send_document(AN, sample_pdf(), "lon.pdf", "application/pdf",
                                    "/minhchung 1", declared_size=25 * 1024 * 1024)
    assert "quá lớn" in text_of(too_big)
    exe = await d.send_document(AN, b"MZ\x90\x00" + b"\x00" * 200, "baocao.pdf",
                                "application/pdf", "/minhchung 1")
    assert "không được nhận" in text_of(exe)
    with d.app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Evidence)) == 0
    # The bot is still alive and answering.
    assert "Nhiệm vụ" in text_of(await d.say(AN, "/nhiemvu"))


async def test_unknown_and_garbled_commands(telegram: TelegramDriver) -> None:
    d = telegram
    await register(d, AN)
    assert "chưa hiểu lệnh /khongco" in text_of(await d.say(AN, "/khongco"))
    assert "Cách dùng" in text_of(await d.say(AN, "/giahan"))
    assert "Không tìm thấy nhiệm vụ số 77" in text_of(await d.say(AN, "/chitiet 77"))
    assert "Nhiệm vụ của anh/chị" in text_of(await d.say(AN, "/NhiệmVụ"))


async def test_html_escaping_and_long_replies(telegram: TelegramDriver) -> None:
    d = telegram
    now = d.clock.now()
    with unit_of_work(d.app.session_factory) as session:
        unit = services.require_unit(session, "VP")
        for i in range(60):
            services.create_task(session, title=f"Việc <{i}> & \"thử\" " + "chữ " * 40,
                                 lead_unit=unit, deadline=parse_deadline("30/06/2026"),
                                 actor="test", now=now, today=now.date())
    d.app.settings.page_size = 50
    replies = await d.say(ADMIN, "/nhiemvu tatca")
    assert len(replies) >= 2  # over 4096 characters: split, each part accepted by the API
    assert "Việc <5> & \"thử\"" in text_of(replies)  # the user sees the text as typed
    raw = [m.raw for m in replies if getattr(m, "raw", None) is not None]
    assert all(len(m.content) <= 4096 for m in raw)  # type: ignore[union-attr]
    assert any("&lt;5&gt; &amp; &quot;thử&quot;" in (m.raw_text or "") for m in raw)  # type: ignore[union-attr]


async def test_error_handler_answers_in_vietnamese(
    telegram: TelegramDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = telegram
    await register(d, AN)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"boom with token {d.app.settings.telegram_bot_token.get_secret_value()}")

    monkeypatch.setattr(services, "record_progress", broken)
    reply = text_of(await d.say(AN, "/capnhat 1 30"))
    assert "đã có lỗi" in reply and d.app.settings.telegram_bot_token.get_secret_value() not in reply
    assert telegram_id(AN)


async def test_reply_to_a_reminder_or_a_task_message_acts_on_its_task(
        telegram: TelegramDriver) -> None:
    """Replying «xong» to a reminder completes its task after "Xác nhận?"; a reply to a
    message about several tasks asks which one; a reply to a task's details acts on it."""
    d = telegram
    await register(d, AN)
    reminder = with_option(await reminders_now(d, AN), "Xong #2")
    # Talk is not an action: «cảm ơn» in reply changes nothing and asks nothing.
    assert "Xác nhận?" not in text_of(await d.reply(AN, reminder, "cảm ơn bot"))
    asked = await d.reply(AN, reminder, "xong rồi")
    assert "Xác nhận?" in text_of(asked) and "#2" in text_of(asked)
    assert occurrence_of(d, 2).done_at is None
    assert "đúng hạn" in text_of(await d.choose(AN, with_option(asked, "Có"), "Có"))

    now = d.clock.now()
    with unit_of_work(d.app.session_factory) as session:
        unit = services.unit_by_code(session, "PNV")
        assert unit is not None
        for title in ("Tổng hợp số liệu", "Lập danh sách"):
            services.create_task(session, title=title, lead_unit=unit,
                                 deadline=parse_deadline("05/03/2026", ref=now.date()),
                                 actor="test", now=now, today=now.date())
    at(d, date(2026, 3, 4), 8)
    reminder = with_option(await reminders_now(d, AN), "Nhắc lại sau (2 việc)")
    which = await d.reply(AN, reminder, "được 50% rồi")
    assert "nói về 2 nhiệm vụ" in text_of(which)
    offer = await d.choose(AN, with_option(which, "#5"), "#5")
    assert "/capnhat 5 50" in text_of(offer) and "Xác nhận?" in text_of(offer)
    assert "50%" in text_of(await d.choose(AN, with_option(offer, "Có"), "Có"))
    assert occurrence_of(d, 5).progress == 50 and occurrence_of(d, 4).progress == 0

    detail = await d.say(AN, "/chitiet 1")
    offer = await d.reply(AN, detail[0], "nhắc lại mai")
    asked = text_of(offer)
    assert "Xác nhận?" in asked and "#1" in asked
    assert "Đã hẹn" in text_of(await d.choose(AN, with_option(offer, "Có"), "Có"))
