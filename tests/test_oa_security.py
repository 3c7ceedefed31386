"""Zalo OA and Bot Platform events: a timestamp window against replays, duplicates remembered
in the database across restarts, malformed signed events refused with 400, and the OA's
tokens encrypted at rest."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text

from bot.http import WebServer
from bot.zalo_adapter import ZaloBot
from bot.zalo_oa import SIGNATURE_HEADER, WEBHOOK_PATH, OATokenStore, ZaloOABot
from db.session import make_engine, make_session_factory
from tests.fakes.zalo_api import FakeZaloBotApi
from tests.support import make_settings
from tests.test_zalo_oa import OA_SECRET_KEY, OAWorld, world  # noqa: F401  (the fixture)
from timelang.clock import FakeClock


def at(clock: FakeClock, delta: timedelta) -> str:
    return str(int((clock.now() + delta).timestamp() * 1000))


async def test_events_outside_the_timestamp_window_are_refused(world: OAWorld) -> None:
    clock = world.app.clock
    assert isinstance(clock, FakeClock)
    for delta in (timedelta(minutes=-11), timedelta(minutes=11), timedelta(days=-30)):
        event = world.fake.text_event("246810", "/start")
        event["timestamp"] = at(clock, delta)
        assert await world.post_event(event) == 400
    assert world.fake.sent == []
    event = world.fake.text_event("246810", "/start")
    event["timestamp"] = at(clock, timedelta(minutes=-9))  # within ±10 minutes
    assert await world.post_event(event) == 200
    assert len(world.fake.sent) == 1


async def test_a_duplicate_is_refused_after_a_restart(world: OAWorld) -> None:
    event = world.fake.text_event("246810", "/start")
    assert await world.post_event(event) == 200
    assert len(world.fake.sent) == 1
    # A new process: nothing in memory, the same database.
    settings = world.app.settings
    reborn = ZaloOABot.from_settings(settings, router=world.app.router,
                                     session_factory=world.app.session_factory,
                                     clock=world.app.clock)
    web = WebServer(settings, world.app.session_factory)
    await reborn.start(web)
    await web.start(host="127.0.0.1", port=0)
    try:
        raw, headers = world.fake.signed_event(event, OA_SECRET_KEY)
        async with aiohttp.ClientSession() as session, session.post(
            f"http://127.0.0.1:{web.port}{WEBHOOK_PATH}", data=raw, headers=headers
        ) as response:
            assert response.status == 200
        await reborn.dispatcher.join()
    finally:
        await reborn.stop()
        await web.stop()
    assert len(world.fake.sent) == 1


async def test_events_without_a_message_id_are_recognised_by_their_content(
        world: OAWorld) -> None:
    event = world.fake.text_event("246810", "/start")
    del event["message"]["msg_id"]
    assert world.bot.accept(event)
    assert not world.bot.accept(dict(event))
    other = dict(event, message={"text": "/trogiup"})
    assert world.bot.accept(other)
    await world.bot.dispatcher.join()


async def test_old_duplicate_records_are_pruned(world: OAWorld) -> None:
    event = world.fake.text_event("246810", "/start")
    assert world.bot.accept(event)
    await world.bot.dispatcher.join()  # only handled updates are ever pruned
    clock = world.app.clock
    assert isinstance(clock, FakeClock)
    clock.advance(days=30)
    assert world.bot.inbox.prune() >= 1
    assert world.bot.inbox.record("zalo_oa", "user_send_text:" + event["message"]["msg_id"],
                                  event)


@pytest.mark.parametrize("change", [
    {"sender": "246810"},
    {"sender": {"id": {"nested": True}}},
    {"message": ["text"]},
    {"message": {"msg_id": "x", "text": {"a": 1}}},
    {"message": {"msg_id": "x", "attachments": "not a list"}},
    {"timestamp": {"ms": 1}},
])
async def test_malformed_signed_events_get_400(world: OAWorld, change: dict[str, Any]) -> None:
    event = world.fake.text_event("246810", "/start")
    event.update(change)
    assert await world.post_event(event) == 400
    assert world.fake.sent == []


async def test_signed_but_deeply_nested_events_get_400(world: OAWorld) -> None:
    event = world.fake.text_event("246810", "/start")
    raw, headers = world.fake.signed_event(event, OA_SECRET_KEY)
    deep = raw[:-1] + b', "x": ' + b"[" * 3000 + b"]" * 3000 + b"}"
    headers[SIGNATURE_HEADER] = "mac=" + hashlib.sha256(
        world.fake.app_id.encode() + deep + event["timestamp"].encode()
        + OA_SECRET_KEY.encode()).hexdigest()
    async with aiohttp.ClientSession() as session, session.post(
        world.webhook_url, data=deep, headers=headers
    ) as response:
        assert response.status == 400
    assert world.fake.sent == []


# --- tokens at rest ------------------------------------------------------------------------


async def test_tokens_are_encrypted_in_the_database(world: OAWorld) -> None:
    assert await world.post_event(world.fake.text_event("246810", "/start")) == 200
    [access] = world.fake.valid_access_tokens
    with world.app.session_factory() as session:
        stored = session.execute(text(
            "SELECT value FROM app_settings WHERE key = 'zalo_oa.tokens'")).scalar_one()
    raw = stored if isinstance(stored, str) else json.dumps(stored)
    assert access not in raw
    assert "refresh-1" not in raw
    tokens = world.bot.client.tokens.store.load().tokens
    assert tokens is not None and tokens.access_token == access
    assert tokens.refresh_token == "refresh-1"


async def test_plaintext_tokens_from_before_are_read_and_encrypted(world: OAWorld) -> None:
    store: OATokenStore = world.bot.client.tokens.store
    expires = (world.app.clock.now() + timedelta(hours=20)).isoformat()
    with world.app.session_factory() as session:
        session.execute(text("DELETE FROM app_settings WHERE key = 'zalo_oa.tokens'"))
        session.commit()
    legacy = {"seed": store_seed(world), "access_token": "old-access",
              "refresh_token": "old-refresh", "expires_at": expires}
    from db.models import AppSetting

    with world.app.session_factory() as session:
        session.add(AppSetting(key="zalo_oa.tokens", value=legacy, version=3))
        session.commit()
    loaded = store.load().tokens
    assert loaded is not None and loaded.refresh_token == "old-refresh"
    assert store.encrypt_legacy() is True
    with world.app.session_factory() as session:
        raw = json.dumps(session.execute(text(
            "SELECT value FROM app_settings WHERE key = 'zalo_oa.tokens'")).scalar_one())
    assert "old-access" not in raw and "old-refresh" not in raw
    again = store.load().tokens
    assert again is not None and again.access_token == "old-access"


def store_seed(world: OAWorld) -> str:
    from bot.zalo_oa_auth import seed_id

    return seed_id(world.app.settings.zalo_oa_refresh_token.get_secret_value())


def test_the_oa_without_an_encryption_key_says_what_to_set(tmp_path: Path,
                                                           sqlite_url: str) -> None:
    from config.settings import ConfigError

    settings = make_settings(tmp_path, sqlite_url, zalo_oa_app_id="1", zalo_oa_app_secret="s",
                             zalo_oa_refresh_token="r", data_encryption_key="")
    with pytest.raises(ConfigError, match="DATA_ENCRYPTION_KEY"):
        settings.token_cipher()
    with pytest.raises(ConfigError, match="DATA_ENCRYPTION_KEY"):
        make_settings(tmp_path, sqlite_url, data_encryption_key="not-a-key").token_cipher()


# --- the Bot Platform remembers too --------------------------------------------------------


async def test_zalo_bot_duplicates_survive_a_restart(tmp_path: Path, sqlite_url: str,
                                                     clock: FakeClock) -> None:
    from db.migrate import upgrade

    engine = make_engine(sqlite_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    fake = FakeZaloBotApi()
    update = fake.text_update("u-1", "/start")
    settings = make_settings(tmp_path, sqlite_url, zalo_bot_token=fake.token,
                             zalo_api_base_url="http://127.0.0.1:9/bot")

    class Router:
        handled = 0

        async def handle(self, incoming: Any, replier: Any) -> None:
            Router.handled += 1

    def new_bot() -> ZaloBot:
        return ZaloBot.from_settings(settings, Router(), session_factory=factory,  # type: ignore[arg-type]
                                     clock=clock)

    first = new_bot()
    assert first.accept(update)
    assert not first.accept(update)
    second = new_bot()
    assert not second.accept(update)
    for bot in (first, second):
        await bot.dispatcher.join(timeout=10)
        await bot.client.aclose()
    assert Router.handled == 1
    engine.dispose()
