"""Durable answers: the replies of a handled update are stored with its inbox row in the same
commit and cleared once delivered; a crash between the commit and the sending leaves them
owed, and the next start sends them once (handlers/durable_replies.py, Router.resend_owed).
The kill -9 end to end is bench/inbox_crash.py (tests/test_inbox_crash.py)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, select

from bot.app import App, build_app
from bot.zalo_adapter import PLATFORM, ZaloBot, update_key
from db.inbox import Inbox
from db.models import InboxUpdate
from handlers import durable_replies
from handlers.base import ButtonLayout, Incoming, MenuOption, OutgoingFile
from tests.e2e.scenarios import AN
from tests.e2e.zalo_driver import ZaloDriver, zalo_id
from tests.support import RecordingReplier, make_settings
from timelang.clock import FakeClock


class Killed(BaseException):
    """The process died while sending (a BaseException, as nothing may catch a kill)."""


class DyingReplier(RecordingReplier):
    async def _send_chunk(self, text: str, buttons: ButtonLayout | None) -> None:
        raise Killed()


def _app(tmp_path: Path, db_url: str, clock: FakeClock) -> App:
    return build_app(make_settings(tmp_path, db_url), clock=clock)


def _owed(app: App) -> dict[str, object]:
    with app.session_factory() as session:
        return {key: replies for key, replies in session.execute(
            select(InboxUpdate.key, InboxUpdate.replies))}


def _update(key: str, text: str) -> Incoming:
    return Incoming(platform="telegram", chat_id="501", user_id="501", user_name="An",
                    text=text, inbox_key=key)


async def test_delivered_replies_are_not_kept(tmp_path: Path, db_url: str,
                                              clock: FakeClock) -> None:
    app = _app(tmp_path, db_url, clock)
    inbox = Inbox(app.session_factory, clock, retention=timedelta(days=3))
    inbox.record("telegram", "1", {})
    inbox.record("telegram", "2", {})
    replier = RecordingReplier()
    await app.router.handle(_update("1", "/start"), replier)
    await app.router.handle(_update("2", "/khongcolenhnay"), replier)  # answered with an error
    assert len(replier.replies) >= 2
    await app.router.flush_delivered()  # what a quiet moment or a graceful stop does
    assert _owed(app) == {"1": None, "2": None}
    assert await app.router.resend_owed(inbox, "telegram", lambda chat: RecordingReplier()) == 0
    app.close()


async def test_clearing_delivered_replies_costs_no_commit_of_its_own(
        tmp_path: Path, db_url: str, clock: FakeClock) -> None:
    """The next unit of work clears the answers delivered before it, in its own commit: one
    commit per update. One that rolls back leaves them to the next."""
    app = _app(tmp_path, db_url, clock)
    inbox = Inbox(app.session_factory, clock, retention=timedelta(days=3))
    for key in "1234":
        inbox.record("telegram", key, {})
    commits: list[int] = []
    event.listen(app.session_factory.kw["bind"], "commit", lambda _conn: commits.append(1))
    replier = RecordingReplier()
    await app.router.handle(_update("1", "/start"), replier)
    await app.router.handle(_update("2", "/trogiup"), replier)
    assert len(commits) == 2
    owed = _owed(app)
    assert owed["1"] is None and owed["2"] is not None  # 2 went out; cleared by the next one
    # A unit of work that fails (an unknown command is answered from a rolled-back one)
    # clears nothing itself; the keys it took are cleared later all the same.
    await app.router.handle(_update("3", "/khongcolenhnay"), replier)
    await app.router.handle(_update("4", "/trogiup"), replier)
    owed = _owed(app)
    assert owed["2"] is None and owed["3"] is None and owed["4"] is not None
    await app.router.flush_delivered()
    assert set(_owed(app).values()) == {None}
    app.close()


async def test_a_quiet_bot_clears_what_it_delivered_after_a_moment() -> None:
    flushed = asyncio.Event()

    async def flush() -> None:
        flushed.set()

    delivered = durable_replies.Delivered(flush, delay=0)
    delivered.add("telegram", "1")
    delivered.add("telegram", "2")  # one flush for both
    await asyncio.wait_for(flushed.wait(), timeout=5)
    assert delivered.take("telegram") == ["1", "2"]
    delivered.give_back("telegram", ["1"])
    assert len(delivered) == 1 and delivered.take_all() == {"telegram": ["1"]}


async def test_a_crash_after_the_commit_sends_the_replies_on_start_once(
        tmp_path: Path, db_url: str, clock: FakeClock) -> None:
    app = _app(tmp_path, db_url, clock)
    inbox = Inbox(app.session_factory, clock, retention=timedelta(days=3))
    inbox.record("telegram", "1", {})
    inbox.record("telegram", "2", {})
    with pytest.raises(Killed):
        await app.router.handle(_update("1", "/start"), DyingReplier())
    with pytest.raises(Killed):
        await app.router.handle(_update("2", "/khongcolenhnay"), DyingReplier())
    owed = _owed(app)
    assert owed["1"] is not None and owed["2"] is not None
    # The work was committed: the update is not handled again.
    assert inbox.unhandled("telegram") == []

    # The next start: the answers go to their chat, once.
    chats: dict[str, RecordingReplier] = {}
    assert await app.router.resend_owed(
        inbox, "telegram", lambda chat: chats.setdefault(chat, RecordingReplier())) == 2
    assert list(chats) == ["501"]
    assert "Xin chào" in chats["501"].text and "/khongcolenhnay" in chats["501"].text
    assert _owed(app) == {"1": None, "2": None}
    assert await app.router.resend_owed(inbox, "telegram", lambda chat: RecordingReplier()) == 0

    # A resend that fails stays owed for the next start.
    inbox.record("telegram", "3", {})
    with pytest.raises(Killed):
        await app.router.handle(_update("3", "/trogiup"), DyingReplier())

    class Down(RecordingReplier):
        async def _send_chunk(self, text: str, buttons: ButtonLayout | None) -> None:
            raise OSError("network down")

    assert await app.router.resend_owed(inbox, "telegram", lambda chat: Down()) == 0
    assert _owed(app)["3"] is not None
    app.close()


async def test_menus_contact_buttons_and_files_are_kept_as_they_can_be() -> None:
    calls = [
        ("send_text", ("Một",), {}),
        ("send_menu", ("Chọn", [MenuOption("Việc #3", "/chitiet 3", "3")]), {"columns": 2}),
        ("ask_contact", ("Chia sẻ số", "📱 Gửi số"), {}),
        ("send_file", (OutgoingFile(b"x" * 10, "bao_cao<1>.xlsx"),), {}),
    ]
    stored = durable_replies.encode("77", calls)
    assert stored is not None and stored["chat"] == "77"
    assert durable_replies.encode("77", []) is None

    class Buttons(RecordingReplier):
        def __init__(self) -> None:
            super().__init__()
            self.asked: list[str] = []

        async def ask_contact(self, text: str, button: str) -> None:
            self.asked.append(button)
            await super().ask_contact(text, button)

    replier = Buttons()
    await durable_replies.play(replier, stored)
    texts = [reply.text for reply in replier.replies]
    assert texts[0] == "Một" and texts[1] == "Chọn"
    assert [(o.command, o.key) for o in replier.replies[1].buttons] == [("/chitiet 3", "3")]
    assert replier.asked == ["📱 Gửi số"]
    assert "bao_cao&lt;1&gt;.xlsx" in texts[-1] and "gõ lại lệnh" in texts[-1]


async def test_zalo_sends_what_is_owed_when_it_starts(tmp_path: Path, sqlite_url: str,
                                                      clock: FakeClock) -> None:
    driver = await ZaloDriver.start(tmp_path, sqlite_url, clock, webhook=True)
    try:
        update = driver.fake.text_update(zalo_id(AN), "/start", name=AN.name)
        inbox = driver.bot.inbox
        assert inbox is not None and inbox.record(PLATFORM, update_key(update), update)
        incoming = Incoming(platform=PLATFORM, chat_id=zalo_id(AN), user_id=zalo_id(AN),
                            user_name=AN.name, text="/start", inbox_key=update_key(update))
        with pytest.raises(Killed):
            await driver.app.router.handle(incoming, DyingReplier())
        assert driver.fake.sent_to(zalo_id(AN)) == []
        restarted = ZaloBot.from_settings(driver.app.settings, driver.app.router,
                                          session_factory=driver.app.session_factory,
                                          clock=clock)
        await restarted.start()
        await restarted.dispatcher.join()
        [reply] = driver.fake.sent_to(zalo_id(AN))
        assert "Nhắc Việc" in reply.text
        await restarted.stop()
    finally:
        await driver.close()
