"""What the speed work changed on the update path keeps its guarantees: the inbox write in a
worker thread (PostgreSQL) still queues each update once, in order; pooled PostgreSQL
connections are pinged only after being idle, and a dead idle one is replaced unseen; the
inbox stores updates as Telegram sent them, and the replay rebuilds the same Update."""

from __future__ import annotations

import asyncio
import copy
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from telegram import Bot, Update

from bot.app import build_app
from bot.telegram import InboxQueue
from bot.telegram_request import UpdatesRequest
from db.inbox import Inbox
from db.models import InboxUpdate
from db.session import IDLE_PING_AFTER_SECONDS, make_engine
from tests.conftest import postgres_url_or_skip
from tests.fakes.telegram_api import FakeTelegramServer
from tests.support import make_settings
from timelang.clock import FakeClock


async def test_inbox_queue_records_and_queues_each_update_once_in_order(
        tmp_path: Path, db_url: str, clock: FakeClock) -> None:
    app = build_app(make_settings(tmp_path, db_url), clock=clock)
    inbox = Inbox(app.session_factory, app.clock, retention=timedelta(days=3))
    assert inbox.writes_overlap == db_url.startswith("postgresql")
    queue = InboxQueue(inbox)
    queue.replay([])
    try:
        # Puts may run concurrently (webhook requests); polling awaits them one by one.
        for update_id in range(1, 21):
            await queue.put(Update(update_id=update_id))
        await asyncio.gather(*(queue.put(Update(update_id=i)) for i in (3, 7, 20)))  # again
        queued = []
        while not queue.empty():
            item = queue.get_nowait()
            assert isinstance(item, Update)
            queued.append(item.update_id)
        assert queued == list(range(1, 21))
        with app.session_factory() as session:
            keys = session.scalars(select(InboxUpdate.key).order_by(InboxUpdate.id)).all()
        assert keys == [str(i) for i in range(1, 21)]
    finally:
        app.close()


async def test_an_update_replayed_while_its_write_was_in_the_thread_is_queued_once(
        tmp_path: Path, db_url: str, clock: FakeClock) -> None:
    app = build_app(make_settings(tmp_path, db_url), clock=clock)
    inbox = Inbox(app.session_factory, app.clock, retention=timedelta(days=3))
    queue = InboxQueue(inbox)
    try:
        # The replay read the row (committed by the put's thread) and queued it; then the put
        # comes back from its thread: it must not queue it a second time.
        queue.replay([Update(update_id=5)])
        await queue.put(Update(update_id=5))
        await queue.put(Update(update_id=6))
        queued = [queue.get_nowait().update_id for _ in range(queue.qsize())]  # type: ignore[attr-defined]
        assert queued == [5, 6]
    finally:
        app.close()


async def test_polled_updates_are_stored_as_sent_and_replay_as_the_same_update(
        tmp_path: Path, db_url: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    app = build_app(make_settings(tmp_path, db_url), clock=clock)
    inbox = Inbox(app.session_factory, app.clock, retention=timedelta(days=3))
    received: dict[int, dict[str, Any]] = {}
    queue = InboxQueue(inbox, received)
    queue.replay([])
    try:
        async with FakeTelegramServer() as server:
            user = server.user(77, "Bảo", "Trần")
            sent = [server.send_text(user, "/giao PNV | Việc | 31/12/2030"),
                    server.send_text(user, "12")]
            bot = Bot(server.token, base_url=server.api_base_url,
                      base_file_url=server.file_base_url,
                      get_updates_request=UpdatesRequest(received))
            async with bot:
                updates = await bot.get_updates(timeout=0)
                raw = {update_id: copy.deepcopy(item) for update_id, item in received.items()}
                # Not encoded back: the dicts getUpdates parsed are what the inbox stores.
                monkeypatch.setattr(Update, "to_dict", lambda *_a, **_k: pytest.fail("to_dict"))
                for update in updates:
                    await queue.put(update)
                monkeypatch.undo()
                assert received == {}
                stored = {int(item.key): item.payload for item in inbox.unhandled("telegram")}
                assert stored == raw == {item["update_id"]: item for item in server.updates}
                assert [message["message_id"] for message in sent] == [
                    stored[update.update_id]["message"]["message_id"] for update in updates]
                for update in updates:
                    assert Update.de_json(stored[update.update_id], bot).to_dict() == (
                        update.to_dict())
    finally:
        app.close()


def test_an_idle_pooled_connection_that_died_is_replaced() -> None:
    url = postgres_url_or_skip()
    engine = make_engine(url)
    admin = make_engine(url)
    try:
        with engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with admin.begin() as conn:  # the server drops it (a restart, an idle timeout)
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        # Age the pooled connection past the idle threshold: the next checkout pings it.
        pool = engine.pool
        record = pool._pool.queue[0]  # type: ignore[attr-defined]
        record.info["checked_in_at"] -= IDLE_PING_AFTER_SECONDS + 1
        with engine.connect() as conn:
            new_pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert new_pid != pid
    finally:
        engine.dispose()
        admin.dispose()


def test_a_connection_used_a_moment_ago_is_not_pinged() -> None:
    url = postgres_url_or_skip()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        record = engine.pool._pool.queue[0]  # type: ignore[attr-defined]
        pings = []
        original = record.dbapi_connection.cursor

        def counting_cursor(*args: object, **kwargs: object) -> object:
            pings.append(1)
            return original(*args, **kwargs)

        record.dbapi_connection.cursor = counting_cursor
        with engine.connect() as conn:  # checkout: no ping (SQLAlchemy's own cursor comes later)
            assert pings == []
            conn.execute(text("SELECT 1"))
        assert len(pings) == 1
    finally:
        engine.dispose()


def test_the_vietnamese_holidays_read_alone_are_those_of_the_holidays_package() -> None:
    """timelang.holidays_vn reads holidays' Vietnam module on its own (the package of
    countries imports the whole world): the days are those `country_holidays("VN")` gives."""
    import holidays  # why: only this test compares with the whole package

    from timelang.holidays_vn import vietnam_holidays

    for year in range(2020, 2032):
        assert vietnam_holidays(year) == dict(holidays.country_holidays("VN", years=year))
