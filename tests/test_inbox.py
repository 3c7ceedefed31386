"""The inbox (db.inbox): written before an update is acknowledged, marked handled by the
handler's own unit of work, replayed on start when a crash left it unhandled, redeliveries
dropped by the unique key. The kill -9 end to end is tests/test_inbox_crash.py."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.app import App, build_app
from bot.zalo_adapter import PLATFORM, ZaloBot, update_key
from db.inbox import MAX_REPLAYS, Inbox, mark_handled, settle
from db.models import InboxUpdate
from handlers.base import Incoming
from tests.e2e.scenarios import AN
from tests.e2e.zalo_driver import ZaloDriver, zalo_id
from tests.support import RecordingReplier, make_settings
from timelang.clock import FakeClock


def _app(tmp_path: Path, db_url: str, clock: FakeClock) -> App:
    return build_app(make_settings(tmp_path, db_url), clock=clock)


def _inbox(app: App) -> Inbox:
    return Inbox(app.session_factory, app.clock, retention=timedelta(days=3))


def _rows(app: App) -> list[InboxUpdate]:
    with app.session_factory() as session:
        return list(session.scalars(select(InboxUpdate).order_by(InboxUpdate.id)))


def test_a_redelivery_is_refused_by_the_unique_key(tmp_path: Path, db_url: str,
                                                   clock: FakeClock) -> None:
    app = _app(tmp_path, db_url, clock)
    inbox = _inbox(app)
    assert inbox.record("telegram", "17", {"update_id": 17})
    assert not inbox.record("telegram", "17", {"update_id": 17})
    assert inbox.record("zalo", "17", {"x": 1})  # the key is per platform
    assert inbox.record("zalo", "k" * 400, {})  # long keys are hashed, not cut
    assert not inbox.record("zalo", "k" * 400, {})
    app.close()


def test_settle_marks_once_stores_the_answer_and_clears_the_delivered(
        tmp_path: Path, db_url: str, clock: FakeClock) -> None:
    """settle (the unit of work's last statement) is mark_handled and owe_replies at once."""
    app = _app(tmp_path, db_url, clock)
    inbox = _inbox(app)
    for key in ("1", "2"):
        inbox.record("telegram", key, {})
    answer = {"chat": "9", "calls": [{"send": "text", "text": "Xong"}]}
    with app.session_factory() as first:
        assert settle(first, "telegram", "1", clock.now(), answer)
        first.rollback()  # the handler failed: neither marked nor owed
    assert [item.key for item in inbox.unhandled("telegram")] == ["1", "2"]
    with app.session_factory() as second:
        assert settle(second, "telegram", "1", clock.now(), answer)
        second.commit()
    assert [(item.key, item.replies) for item in inbox.replies_owed("telegram")] == [("1", answer)]
    with app.session_factory() as third:
        # "1" was handled already: not this transaction's to commit, its answer untouched.
        assert not settle(third, "telegram", "1", clock.now(), None)
        third.rollback()
    with app.session_factory() as fourth:
        # "2" handled with nothing to say; "1"'s answer went out meanwhile: cleared.
        assert settle(fourth, "telegram", "2", clock.now(), None, delivered=["1"])
        # A key the inbox never recorded counts as new, as with mark_handled.
        assert settle(fourth, "telegram", "never-recorded", clock.now(), None)
        fourth.commit()
    assert inbox.replies_owed("telegram") == []
    assert inbox.unhandled("telegram") == []
    app.close()


def test_only_one_transaction_handles_an_update(tmp_path: Path, db_url: str,
                                                clock: FakeClock) -> None:
    app = _app(tmp_path, db_url, clock)
    inbox = _inbox(app)
    inbox.record("telegram", "5", {})
    with app.session_factory() as first:
        assert mark_handled(first, "telegram", "5", clock.now())
        first.rollback()  # the handler failed: the update is not handled
    with app.session_factory() as second:
        assert mark_handled(second, "telegram", "5", clock.now())
        second.commit()
    with app.session_factory() as third:
        assert not mark_handled(third, "telegram", "5", clock.now())
    app.close()


def test_unhandled_come_back_in_order_and_a_poisonous_one_is_given_up(
        tmp_path: Path, db_url: str, clock: FakeClock) -> None:
    app = _app(tmp_path, db_url, clock)
    inbox = _inbox(app)
    for key in ("3", "1", "2"):
        inbox.record("telegram", key, {"k": key})
    inbox.done("telegram", "1")
    # Killed again and again before their turn came: nothing counts against them.
    for _ in range(MAX_REPLAYS + 1):
        assert [p.key for p in inbox.unhandled("telegram")] == ["3", "2"]
    assert [p.payload for p in inbox.unhandled("telegram")] == [{"k": "3"}, {"k": "2"}]
    inbox.done("telegram", "2")
    for _ in range(MAX_REPLAYS):
        assert [p.key for p in inbox.unhandled("telegram")] == ["3"]
        inbox.replaying("telegram", "3")  # … and the bot dies while handling it
    # "3" took the bot down MAX_REPLAYS starts in a row: set aside, the bot comes up.
    assert inbox.unhandled("telegram") == []
    assert all(row.handled_at is not None for row in _rows(app))
    app.close()


def test_prune_forgets_old_handled_updates_only(tmp_path: Path, db_url: str,
                                                clock: FakeClock) -> None:
    app = _app(tmp_path, db_url, clock)
    inbox = _inbox(app)
    inbox.record("zalo", "old-done", {})
    inbox.record("zalo", "old-open", {})
    inbox.done("zalo", "old-done")
    clock.advance(days=4)
    inbox.record("zalo", "new-done", {})  # recording prunes, at most once an hour
    inbox.done("zalo", "new-done")
    assert [row.key for row in _rows(app)] == ["old-open", "new-done"]
    clock.advance(days=4)
    assert inbox.prune() == 1
    assert [row.key for row in _rows(app)] == ["old-open"]
    app.close()


def _number(key: str, text: str = "7") -> Incoming:
    return Incoming(platform="telegram", chat_id="4242", user_id="4242", user_name="Chuyên viên",
                    text=text, inbox_key=key)


async def test_the_router_marks_the_update_in_its_unit_of_work(tmp_path: Path, db_url: str,
                                                               clock: FakeClock) -> None:
    app = _app(tmp_path, db_url, clock)
    inbox = _inbox(app)
    inbox.record("telegram", "1", {})
    inbox.record("telegram", "2", {})
    replier = RecordingReplier()
    await app.router.handle(_number("1"), replier)
    assert "«7»" in replier.text
    # A command that fails changes nothing, is answered, and is done with all the same.
    failing = RecordingReplier()
    await app.router.handle(_number("2", "/khongcolenhnay"), failing)
    assert failing.replies
    assert all(row.handled_at is not None for row in _rows(app))
    # Handled already (a replay racing a redelivery, another instance): nothing is said.
    again = RecordingReplier()
    await app.router.handle(_number("1"), again)
    assert again.replies == []
    app.close()


async def test_zalo_update_left_unhandled_by_a_crash_is_handled_on_start_once(
        tmp_path: Path, sqlite_url: str, clock: FakeClock) -> None:
    driver = await ZaloDriver.start(tmp_path, sqlite_url, clock, webhook=True)
    try:
        update = driver.fake.text_update(zalo_id(AN), "/start", name=AN.name)
        # What `accept` writes before Zalo hears 200 — and then the process died.
        assert driver.bot.inbox is not None
        assert driver.bot.inbox.record(PLATFORM, update_key(update), update)
        assert driver.fake.sent_to(zalo_id(AN)) == []
        restarted = ZaloBot.from_settings(driver.app.settings, driver.app.router,
                                          session_factory=driver.app.session_factory,
                                          clock=clock)
        assert restarted.replay_unhandled() == 1
        await restarted.dispatcher.join()
        [reply] = driver.fake.sent_to(zalo_id(AN))
        assert "Nhắc Việc" in reply.text
        # Zalo redelivers the webhook call it never saw answered: dropped by the key.
        assert await driver.fake.deliver_webhook(update) == 200
        await driver.bot.dispatcher.join()
        assert len(driver.fake.sent_to(zalo_id(AN))) == 1
        assert restarted.replay_unhandled() == 0
        await restarted.client.aclose()
    finally:
        await driver.close()
