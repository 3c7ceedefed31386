"""No lost updates: the real bot (`python -m bot run`, a child process) is killed with SIGKILL
after it fetched updates and Telegram forgot them (the next getUpdates confirmed the offset),
but before any was handled; restarted, it handles every one of them, none twice.

Handling is held at a known point without touching the bot: every update is a button press,
and the fake Bot API leaves `answerCallbackQuery` (which the adapter calls before the router)
unanswered, so the bot is provably between fetching and handling when it dies."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from db.models import InboxUpdate
from db.session import make_engine, make_session_factory
from tests.fakes.telegram_api import FakeTelegramServer

ROOT = Path(__file__).resolve().parents[1]
USERS = [7100 + i for i in range(6)]


def _bot_env(db_url: str, data_dir: Path, server: FakeTelegramServer) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": db_url, "DATA_DIR": str(data_dir),
            "TELEGRAM_BOT_TOKEN": server.token, "TELEGRAM_API_BASE_URL": server.api_base_url,
            "TELEGRAM_FILE_BASE_URL": server.file_base_url, "ZALO_BOT_TOKEN": "",
            "ADMINS": "", "PORT": "0", "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}


def _start_bot(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = open(log, "ab")  # noqa: SIM115 (owned by the child)
    return subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=ROOT,
                            stdout=handle, stderr=subprocess.STDOUT)


def _press(server: FakeTelegramServer, user_id: int, data: str) -> int:
    """A press on a button of an earlier bot message; returns the update id."""
    user = server.user(user_id, f"Cán bộ {user_id}")
    chat = server.chat(user_id)
    message = {"message_id": chat.next_message_id(), "from": server.bot.to_dict(),
               "chat": chat.to_dict(), "date": int(time.time()), "text": "Chọn:"}
    update = server.push_update({"callback_query": {
        "id": f"q{user_id}", "from": user.to_dict(), "message": message,
        "chat_instance": str(user_id), "data": data}})
    return int(update["update_id"])


def _inbox(db_url: str) -> list[InboxUpdate]:
    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            return list(session.scalars(select(InboxUpdate).where(
                InboxUpdate.platform == "telegram").order_by(InboxUpdate.id)))
    finally:
        engine.dispose()


async def _wait(predicate, what: str, process: subprocess.Popen[bytes], log: Path,  # type: ignore[no-untyped-def]
                timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if process.poll() is not None:
            raise AssertionError(f"the bot exited while waiting for {what}:\n"
                                 + log.read_text(errors="replace")[-3000:])
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n"
                                 + log.read_text(errors="replace")[-3000:])
        await asyncio.sleep(0.05)


async def test_killed_between_fetching_and_handling_handles_each_update_once(
        tmp_path: Path, db_url: str) -> None:
    log = tmp_path / "bot.log"
    async with FakeTelegramServer() as server:
        env = _bot_env(db_url, tmp_path / "data", server)
        hold = server.hang_requests(method="answerCallbackQuery")
        process = _start_bot(env, log)
        try:
            ids = [_press(server, user, str(900 + n)) for n, user in enumerate(USERS)]
            last = max(ids)
            # Every press is in the adapter, waiting on its answer: fetched, not handled …
            await _wait(lambda: len(server.requests_for("answerCallbackQuery")) == len(USERS),
                        "every press to be fetched", process, log)
            # … and Telegram has been told they arrived: it will not send them again.
            await _wait(lambda: any(int(r.params.get("offset") or 0) > last
                                    for r in server.requests_for("getUpdates")),
                        "the offset to be confirmed", process, log)
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        rows = _inbox(db_url)
        assert [int(row.key) for row in rows] == ids
        assert all(row.handled_at is None for row in rows)
        assert not any(m.text for user in USERS for m in server.messages_to(user))

        server.remove_fault(hold)
        # Telegram would not resend confirmed updates; two are resent all the same, under their
        # own ids, as after a kill before the confirmation: the inbox's unique key drops them.
        for update in [u for u in server.updates if u["update_id"] in ids][:2]:
            server.redeliver(update)
        process = _start_bot(env, log)
        try:
            # Watched from the server, not the database: a reader here would hold up the fake
            # API (it shares this event loop) behind the bot's SQLite writes.
            await _wait(lambda: all(server.messages_to(user) for user in USERS),
                        "a reply to every press", process, log)
            process.send_signal(signal.SIGTERM)  # a graceful stop sends what is on its way
            assert process.wait(timeout=60) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        replies = Counter(user for user in USERS for m in server.messages_to(user)
                          if f"«{900 + USERS.index(user)}»" in (m.text or ""))
        assert replies == Counter(USERS), replies  # each press answered exactly once
        rows = _inbox(db_url)
        assert [int(row.key) for row in rows] == ids
        assert all(row.replays == 1 and row.handled_at is not None for row in rows)
        assert not [u for u in server.updates if u["update_id"] > last]
        server.assert_no_violations()
