"""Zalo Official Account mode: signed webhooks, token refresh that never spends a refresh
token twice, and the 48-hour window with its fallback to Telegram."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest
from sqlalchemy import func, select

from bot.app import App, build_app
from bot.http import WebServer
from bot.zalo_oa import (
    PLATFORM_OA,
    SIGNATURE_HEADER,
    WEBHOOK_PATH,
    OATokenManager,
    OATokenStore,
    ZaloOAAuthError,
    ZaloOABot,
    verify_signature,
)
from db import services
from db.models import AppSetting, Identity, Outbox, Person
from db.session import unit_of_work
from tests.fakes.zalo_api import FakeZaloOA
from tests.support import RecordingTransport, make_settings
from timelang.clock import FakeClock

APP_ID = "3799894204854887828"
APP_SECRET = "app-secret-EA2Aus71pe4wUxIJ"
OA_SECRET_KEY = "oa-secret-key-6Q75B3ByNBIf"
FIRST_REFRESH = "refresh-0-configured"
ADMIN_TELEGRAM = "1"


def test_signature_matches_the_documented_formula() -> None:
    body = (b'{"app_id":"3799894204854887828","event_name":"user_send_text",'
            b'"timestamp":"1700000000000","sender":{"id":"246810"},'
            b'"message":{"msg_id":"abc","text":"/nhiemvu"}}')
    # mac = sha256(app_id + body + timestamp + oa_secret_key), hex, computed here by hand.
    expected = hashlib.sha256(
        ("3799894204854887828" + body.decode() + "1700000000000" + OA_SECRET_KEY).encode()
    ).hexdigest()
    check = {"app_id": APP_ID, "oa_secret_key": OA_SECRET_KEY}
    assert verify_signature(body, f"mac={expected}", **check)
    assert verify_signature(body, expected.upper(), **check)
    assert not verify_signature(body, None, **check)
    assert not verify_signature(body, "mac=", **check)
    assert not verify_signature(body, f"mac={expected[:-1]}0", **check)
    assert not verify_signature(body.replace(b"/nhiemvu", b"/giao"), f"mac={expected}", **check)
    assert not verify_signature(body, f"mac={expected}", app_id=APP_ID, oa_secret_key="other")
    assert not verify_signature(b"not json", f"mac={expected}", **check)


# --- an app with the OA -------------------------------------------------------------------


class OAWorld:
    def __init__(self, app: App, fake: FakeZaloOA, bot: ZaloOABot, web: WebServer,
                 telegram: RecordingTransport) -> None:
        self.app, self.fake, self.bot, self.web, self.telegram = app, fake, bot, web, telegram

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.web.port}{WEBHOOK_PATH}"

    async def post_event(self, event: dict[str, Any], *, sign: bool = True,
                         tamper: bool = False) -> int:
        raw, headers = self.fake.signed_event(event, OA_SECRET_KEY)
        if tamper:
            raw = raw.replace(b"/start", b"/giao ")
        if not sign:
            headers.pop(SIGNATURE_HEADER)
        async with aiohttp.ClientSession() as session, session.post(
            self.webhook_url, data=raw, headers=headers
        ) as response:
            status = response.status
        await self.bot.dispatcher.join()
        return status

    async def drain(self) -> None:
        for _ in range(10):
            if not await self.app.sender.drain_once():
                return


@pytest.fixture
async def world(tmp_path: Path, db_url: str, clock: FakeClock) -> AsyncIterator[OAWorld]:
    fake = FakeZaloOA(app_id=APP_ID, app_secret=APP_SECRET, refresh_token=FIRST_REFRESH,
                      clock=clock)
    await fake.start()
    settings = make_settings(
        tmp_path, db_url, admins=f"telegram:{ADMIN_TELEGRAM}", zalo_oa_app_id=APP_ID,
        zalo_oa_app_secret=APP_SECRET, zalo_oa_secret_key=OA_SECRET_KEY,
        zalo_oa_refresh_token=FIRST_REFRESH, zalo_oa_api_base_url=fake.api_base_url,
        zalo_oa_oauth_url=fake.oauth_url, zalo_chat_interval_seconds=0,
        zalo_messages_per_second=10_000, webhook_base_url="http://127.0.0.1")
    app = build_app(settings, clock=clock)
    bot = ZaloOABot.from_settings(settings, router=app.router,
                                  session_factory=app.session_factory, clock=clock)
    web = WebServer(settings, app.session_factory)
    await bot.start(web)
    await web.start(host="127.0.0.1", port=0)
    telegram = RecordingTransport("telegram")
    app.add_transport(bot.transport)
    app.add_transport(telegram)
    with unit_of_work(app.session_factory) as session:
        services.resolve_actor(session, platform="telegram", external_id=ADMIN_TELEGRAM,
                               display_name="Quản trị", private_chat_id=ADMIN_TELEGRAM,
                               now=clock.now(), env_admins=settings.admin_identities)
    try:
        yield OAWorld(app, fake, bot, web, telegram)
    finally:
        await bot.stop()
        await web.stop()
        await fake.stop()
        app.close()


async def test_signed_events_are_handled_once_and_unsigned_refused(world: OAWorld) -> None:
    world.fake.profiles["246810"] = "Hoàng Thị Lan"
    event = world.fake.text_event("246810", "/start")
    assert await world.post_event(event, sign=False) == 401
    assert await world.post_event(event, tamper=True) == 401
    assert world.fake.sent == []
    with world.app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Identity).where(
            Identity.platform == PLATFORM_OA)) == 0

    assert await world.post_event(event) == 200
    assert await world.post_event(event) == 200  # Zalo redelivers: handled once
    [(user, text)] = world.fake.sent
    assert user == "246810" and "Xin chào Hoàng Thị Lan" in text and "<b>" not in text
    with world.app.session_factory() as session:
        identity = session.scalars(select(Identity).where(
            Identity.platform == PLATFORM_OA)).one()
        assert identity.last_inbound_at is not None


async def test_images_and_files_from_the_oa_become_attachments(world: OAWorld) -> None:
    from bot.zalo_oa import oa_to_incoming

    event = world.fake.text_event("246810", "/minhchung 2")
    event["event_name"] = "user_send_file"
    event["message"]["attachments"] = [{"type": "file", "payload": {
        "url": "https://f.zalo.me/x.pdf", "name": "bien_ban.pdf", "size": "2048"}}]
    incoming = oa_to_incoming(event, "Lan")
    assert incoming is not None and incoming.attachment is not None
    assert (incoming.attachment.kind, incoming.attachment.file_name, incoming.attachment.size) \
        == ("document", "bien_ban.pdf", 2048)
    event["event_name"] = "user_send_image"
    image = oa_to_incoming(event)
    assert image is not None and image.attachment is not None
    assert image.attachment.kind == "photo" and image.text == "/minhchung 2"
    event["event_name"] = "follow"
    assert oa_to_incoming(event) is None


# --- tokens --------------------------------------------------------------------------------


def manager(world: OAWorld, http: httpx.AsyncClient, *, refresh_token: str = FIRST_REFRESH,
            instance: str) -> OATokenManager:
    settings = world.app.settings
    return OATokenManager(http=http, store=OATokenStore(world.app.session_factory, settings.token_cipher()),
                          app_id=APP_ID, app_secret=APP_SECRET,
                          configured_refresh_token=refresh_token,
                          oauth_url=settings.zalo_oa_oauth_url, clock=world.app.clock,
                          instance_id=instance, wait_step=0.02)


async def test_concurrent_refreshes_make_one_network_refresh(world: OAWorld) -> None:
    world.fake.refresh_delay = 0.3
    async with httpx.AsyncClient() as http:
        # Two processes sharing the database, each asked twice at the same moment.
        first, second = manager(world, http, instance="a"), manager(world, http, instance="b")
        tokens = await asyncio.gather(first.access_token(), second.access_token(),
                                      first.access_token(), second.access_token())
        assert world.fake.refresh_calls == 1
        assert len(set(tokens)) == 1 and tokens[0] in world.fake.valid_access_tokens
        with world.app.session_factory() as session:
            row = session.get(AppSetting, "zalo_oa.tokens")
            assert row is not None and "lease_until" not in row.value
            assert APP_SECRET not in json.dumps(row.value)
            assert "refresh-1" not in json.dumps(row.value)  # encrypted at rest
        stored = first.store.load().tokens
        assert stored is not None and stored.refresh_token == "refresh-1"

        # A day later a third process refreshes with the stored refresh token: the configured
        # one was spent on the first refresh and Zalo would refuse it.
        world.app.clock.advance(hours=26)
        third = manager(world, http, instance="c")
        fresh = await asyncio.gather(third.access_token(), first.access_token())
        assert world.fake.refresh_calls == 2 and fresh[0] == fresh[1] != tokens[0]


async def test_a_rejected_access_token_is_replaced_once(world: OAWorld) -> None:
    world.fake.profiles["246810"] = "Lan"
    assert await world.post_event(world.fake.text_event("246810", "/start")) == 200
    calls = world.fake.refresh_calls
    world.fake.expire_access_tokens()  # revoked early, before its expiry time
    await world.bot.client.send_text("246810", "Nhắc việc")
    assert world.fake.refresh_calls == calls + 1
    assert world.fake.sent[-1] == ("246810", "Nhắc việc")


async def test_a_refused_refresh_is_an_auth_error_and_frees_the_lease(world: OAWorld) -> None:
    async with httpx.AsyncClient() as http:
        wrong = manager(world, http, refresh_token="spent-or-wrong", instance="x")
        with pytest.raises(ZaloOAAuthError) as error:
            await wrong.access_token()
        assert "spent-or-wrong" not in str(error.value)
        right = manager(world, http, instance="y")  # the operator sets the right one
        assert await right.access_token() in world.fake.valid_access_tokens


# --- the 48-hour window --------------------------------------------------------------------


def person_on_oa(world: OAWorld, oa_id: str, name: str, *, hours_ago: float,
                 telegram_id: str | None) -> int:
    now = world.app.clock.now()
    with unit_of_work(world.app.session_factory) as session:
        person = Person(display_name=name, preferred_platform=PLATFORM_OA, created_at=now)
        session.add(person)
        session.add(Identity(person=person, platform=PLATFORM_OA, external_id=oa_id,
                             private_chat_id=oa_id, created_at=now,
                             last_inbound_at=now - timedelta(hours=hours_ago)))
        if telegram_id:
            session.add(Identity(person=person, platform="telegram", external_id=telegram_id,
                                 private_chat_id=telegram_id, created_at=now,
                                 last_inbound_at=now - timedelta(days=10)))
        session.flush()
        return person.id


def remind(world: OAWorld, person_id: int, text: str, key: str) -> None:
    with unit_of_work(world.app.session_factory) as session:
        person = session.get(Person, person_id)
        assert person is not None
        row = services.enqueue_to_person(session, person=person, text=text, kind="due_today",
                                         key=key, now=world.app.clock.now())
        assert row is not None and row.platform == PLATFORM_OA


async def test_reminder_outside_the_window_goes_to_telegram_and_admins_hear(
    world: OAWorld,
) -> None:
    linked = person_on_oa(world, "oa-1", "Đỗ Văn Minh", hours_ago=49, telegram_id="7001")
    alone = person_on_oa(world, "oa-2", "Vũ Thị Hoa", hours_ago=72, telegram_id=None)
    recent = person_on_oa(world, "oa-3", "Bùi Văn Nam", hours_ago=47, telegram_id="7003")
    remind(world, linked, "⏰ Nhiệm vụ #2 đến hạn hôm nay", "r-linked")
    remind(world, alone, "⏰ Nhiệm vụ #1 quá hạn", "r-alone")
    remind(world, recent, "⏰ Nhiệm vụ #3 sắp đến hạn", "r-recent")
    await world.drain()

    assert world.fake.sent == [("oa-3", "⏰ Nhiệm vụ #3 sắp đến hạn")]
    assert world.telegram.to("7001") == ["⏰ Nhiệm vụ #2 đến hạn hôm nay"]
    assert world.telegram.to("7003") == []
    notices = world.telegram.to(ADMIN_TELEGRAM)
    assert len(notices) == 2
    about_minh = next(n for n in notices if "Đỗ Văn Minh" in n)
    assert "48 giờ" in about_minh and "qua Telegram thay thế" in about_minh
    assert "đến hạn hôm nay" in about_minh
    about_hoa = next(n for n in notices if "Vũ Thị Hoa" in n)
    assert "chưa liên kết Telegram" in about_hoa
    with world.app.session_factory() as session:
        statuses = dict(session.execute(select(Outbox.idempotency_key, Outbox.status)).all())
        errors = dict(session.execute(select(Outbox.idempotency_key, Outbox.last_error)).all())
    assert statuses[f"r-linked:{linked}"] == "blocked"
    assert "OutsideWindow" in (errors[f"r-linked:{linked}"] or "")
    assert statuses[f"r-recent:{recent}"] == "sent"

    await world.drain()  # nothing more: each message went out once
    assert len(world.telegram.sent) == 3 and len(world.fake.sent) == 1


async def test_zalo_refusing_for_the_window_also_falls_back(world: OAWorld) -> None:
    person = person_on_oa(world, "oa-4", "Lý Văn Tâm", hours_ago=1, telegram_id="7004")
    world.fake.refuse["oa-4"] = -213
    remind(world, person, "⏰ Họp giao ban", "r-refused")
    await world.drain()
    assert world.telegram.to("7004") == ["⏰ Họp giao ban"]
    assert any("Lý Văn Tâm" in n for n in world.telegram.to(ADMIN_TELEGRAM))


async def test_oa_people_choose_zalo_for_their_reminders(world: OAWorld) -> None:
    world.fake.profiles["135790"] = "Lan"
    await world.post_event(world.fake.text_event("135790", "/lienket nhan zalo"))
    assert "Nhắc việc sẽ gửi qua Zalo OA" in world.fake.sent[-1][1]
    with world.app.session_factory() as session:
        identity = session.scalars(select(Identity).where(
            Identity.external_id == "135790")).one()
        assert identity.person.preferred_platform == PLATFORM_OA
