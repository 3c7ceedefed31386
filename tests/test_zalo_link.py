"""/lienket across the two adapters: a person links Telegram and Zalo, chooses where
reminders go, and a reminder reaches them once, on that platform."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from db import services
from db.models import Identity, Outbox, Person
from db.session import unit_of_work
from handlers.base import Incoming
from tests.e2e.scenarios import ADMIN, AN, register, text_of, with_option
from tests.e2e.zalo_driver import ZaloDriver, zalo_id
from tests.support import RecordingReplier, RecordingTransport
from timelang.clock import FakeClock

TELEGRAM_AN = "7001"


class TelegramSide:
    """The Telegram half, straight into the router (the Telegram adapter has its own tests)."""

    def __init__(self, driver: ZaloDriver) -> None:
        self.driver = driver
        self.transport = RecordingTransport("telegram")
        driver.app.add_transport(self.transport)

    async def say(self, user_id: str, text: str, name: str = AN.name) -> str:
        replier = RecordingReplier()
        await self.driver.app.router.handle(Incoming(
            platform="telegram", chat_id=user_id, user_id=user_id, user_name=name, text=text,
        ), replier)
        await self.driver.drain_outbox()
        return replier.text


@pytest.fixture
async def zalo(tmp_path: Path, db_url: str, clock: FakeClock) -> AsyncIterator[ZaloDriver]:
    driver = await ZaloDriver.start(tmp_path, db_url, clock)
    try:
        yield driver
    finally:
        await driver.close()


def link_code(text: str) -> str:
    match = re.search(r"/lienket ([A-Z2-9]{8})", text)
    assert match, text
    return match.group(1)


def remind(driver: ZaloDriver, key: str) -> None:
    """A reminder queued the way the planner queues one: to the person, not to a chat."""
    with unit_of_work(driver.app.session_factory) as session:
        identity = session.scalars(select(Identity).where(
            Identity.platform == "zalo", Identity.external_id == zalo_id(AN))).one()
        services.enqueue_to_person(session, person=identity.person, text=f"⏰ Nhắc việc {key}",
                                   kind="due_today", key=key, now=driver.clock.now())


async def test_link_then_reminders_go_once_to_the_chosen_platform(zalo: ZaloDriver) -> None:
    telegram = TelegramSide(zalo)
    await register(zalo, AN)
    code = link_code(await telegram.say(TELEGRAM_AN, "/lienket"))

    reply = text_of(await zalo.say(AN, f"/lienket {code}"))
    assert "Đã liên kết tài khoản Zalo" in reply and "Nhắc việc sẽ gửi qua Zalo" in reply
    # One person now: the unit membership made on Zalo serves on Telegram too.
    assert "Rà soát thủ tục hành chính" in await telegram.say(TELEGRAM_AN, "/nhiemvu")
    with zalo.app.session_factory() as session:
        owners = {i.platform: i.person_id for i in session.scalars(select(Identity)).all()
                  if i.external_id in (TELEGRAM_AN, zalo_id(AN))}
    assert owners["telegram"] == owners["zalo"]
    # The app that asked for the code hears of the link too, with the way to undo it.
    assert "/lienket tach" in telegram.transport.to(TELEGRAM_AN)[-1]
    telegram.transport.sent.clear()

    remind(zalo, "reminder-1")
    await zalo.drain_outbox()
    assert [m.text for m in await zalo.inbox(AN)] == ["⏰ Nhắc việc reminder-1"]
    assert telegram.transport.to(TELEGRAM_AN) == []

    assert "Nhắc việc sẽ gửi qua Telegram" in await telegram.say(
        TELEGRAM_AN, "/lienket nhan telegram")
    remind(zalo, "reminder-2")
    remind(zalo, "reminder-2")  # queued twice by mistake: the key keeps it to one message
    await zalo.drain_outbox()
    assert telegram.transport.to(TELEGRAM_AN) == ["⏰ Nhắc việc reminder-2"]
    assert await zalo.inbox(AN) == []

    assert "Nhắc việc sẽ gửi qua Zalo" in text_of(await zalo.say(AN, "/lienket nhận Zalo"))
    with zalo.app.session_factory() as session:
        person = session.get(Person, owners["zalo"])
        assert person is not None and person.preferred_platform == "zalo"
        assert len(session.scalars(select(Outbox)).all()) >= 2


async def test_pending_join_request_follows_the_linked_person(zalo: ZaloDriver) -> None:
    telegram = TelegramSide(zalo)
    await zalo.say(ADMIN, "/start")
    assert "Đã gửi yêu cầu" in await telegram.say(TELEGRAM_AN, "/dangky PNV")
    request = with_option(await zalo.inbox(ADMIN), "Duyệt: cán bộ")

    # Linked before the approval: the request was made by the Telegram record.
    code = link_code(text_of(await zalo.say(AN, "/lienket")))
    assert "Đã liên kết tài khoản Telegram" in await telegram.say(TELEGRAM_AN, f"/lienket {code}")

    await zalo.choose(ADMIN, request, "Duyệt: cán bộ")
    notices = text_of(await zalo.inbox(AN)) + "\n".join(telegram.transport.to(TELEGRAM_AN))
    assert "đã được duyệt làm cán bộ" in notices
    assert "Rà soát thủ tục hành chính" in text_of(await zalo.say(AN, "/nhiemvu"))


async def test_bad_codes_and_unknown_platform(zalo: ZaloDriver) -> None:
    telegram = TelegramSide(zalo)
    assert "không đúng hoặc đã hết hạn" in text_of(await zalo.say(AN, "/lienket ABCDEFGH"))
    own = link_code(text_of(await zalo.say(AN, "/lienket")))
    assert "chính ứng dụng này" in text_of(await zalo.say(AN, f"/lienket {own}"))
    assert "chưa có tài khoản Telegram" in text_of(await zalo.say(AN, "/lienket nhan telegram"))

    code = link_code(await telegram.say(TELEGRAM_AN, "/lienket"))
    assert "Đã liên kết" in text_of(await zalo.say(AN, f"/lienket {code}"))
    # One-time: the same code does not link a third identity.
    assert "không đúng hoặc đã hết hạn" in await telegram.say("7002", f"/lienket {code}", "Khác")

    late = link_code(await telegram.say("7003", "/lienket", "Muộn"))
    zalo.clock.advance(minutes=16)
    assert "đã hết hạn" in await telegram.say("7004", f"/lienket {late}", "Muộn")
