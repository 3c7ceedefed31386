"""Units of work of different chats overlap on PostgreSQL (each in a worker thread, so their
database waits overlap) and take turns on SQLite; either way each update keeps its one
session and one commit, its replies, and a download still happens on the main loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import build_app
from db import services
from db.models import InboxUpdate, Task
from db.session import unit_of_work
from handlers import registry
from handlers.base import Attachment, Context, Incoming
from handlers.turns import Turns, on_loop
from tests.conftest import postgres_url_or_skip
from tests.support import Harness, RecordingReplier, make_settings, sample_jpeg
from timelang.clock import FakeClock

ADMIN = "1"  # telegram:1 is an admin (see make_settings)


@pytest.fixture
def app(tmp_path: Path, db_url: str, clock: FakeClock) -> Iterator[Any]:
    application = build_app(make_settings(tmp_path, db_url), clock=clock)
    yield application
    application.close()


def add_command(monkeypatch: pytest.MonkeyPatch, name: str, handler: Any) -> None:
    monkeypatch.setattr(registry, "COMMANDS", [*registry.COMMANDS,
                                               registry.Command(name, handler, in_menu=False)])


async def test_units_of_work_of_different_chats_overlap_on_postgres(
        tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    app = build_app(make_settings(tmp_path, postgres_url_or_skip()), clock=clock)
    both_in = threading.Barrier(2, timeout=30)
    threads: set[int] = set()

    async def meet(msg: Incoming, ctx: Context) -> None:
        # Each unit of work has its session open here: it only returns once the other
        # one is in its own unit of work at the same time.
        threads.add(threading.get_ident())
        await asyncio.to_thread(both_in.wait)
        await ctx.replier.send_text(f"gặp {msg.user_id}")

    add_command(monkeypatch, "gap", meet)
    try:
        harness = Harness(app)
        first, second = await asyncio.gather(harness.send("501", "/gap"),
                                             harness.send("502", "/gap"))
        assert (first.text, second.text) == ("gặp 501", "gặp 502")
        assert len(threads) == 2 and threading.get_ident() not in threads
    finally:
        app.close()


async def test_many_chats_at_once_each_get_their_answer_and_one_commit(
        app: Any, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's turns and PostgreSQL's workers alike: no deadlock, nothing lost or doubled."""
    with unit_of_work(app.session_factory) as session:
        services.create_unit(session, code="DV1", name="Văn phòng", parent=None, actor="test",
                             now=app.clock.now(), kind="phong")
    seen: list[bool] = []

    async def on_which_loop(msg: Incoming, ctx: Context) -> None:
        seen.append(threading.current_thread() is threading.main_thread())
        await ctx.replier.send_text("ok")

    add_command(monkeypatch, "vong", on_which_loop)
    repliers = [RecordingReplier() for _ in range(12)]
    # Odd: the admin assigns a task (writes, one chat, in order); even: six other chats.
    updates = [Incoming(platform="telegram", chat_id=user, chat_type="private",
                        chat_title=None, user_id=user, user_name="A", inbox_key=str(9000 + i),
                        text=f"/giao DV1 | Việc {i} | 31/12/2026" if i % 2 else "/vong")
               for i in range(12) for user in [ADMIN if i % 2 else str(600 + i)]]
    with app.session_factory() as session:
        for update in updates:
            session.add(InboxUpdate(platform="telegram", key=update.inbox_key, payload={},
                                    received_at=app.clock.now(), replays=0))
        session.commit()
    admin_lock = asyncio.Lock()  # one chat's updates in order, as the adapters keep them

    async def deliver(update: Incoming, replier: RecordingReplier) -> None:
        if update.chat_id == ADMIN:
            async with admin_lock:
                await app.router.handle(update, replier)
        else:
            await app.router.handle(update, replier)

    await asyncio.gather(*(deliver(u, r) for u, r in zip(updates, repliers, strict=True)))
    assert all(r.replies for r in repliers)
    assert seen == [not db_url.startswith("postgresql")] * 6
    # Delivered answers are cleared by the next unit of work's commit, or when the bot is
    # quiet (durable_replies.Delivered): here, the quiet flush.
    await app.router.flush_delivered()
    with app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Task)) == 6
        rows = session.execute(select(InboxUpdate.handled_at, InboxUpdate.replies)).all()
    assert all(handled is not None and replies is None for handled, replies in rows)


async def test_a_download_inside_a_unit_of_work_runs_on_the_main_loop(
        app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    main_loop = asyncio.get_running_loop()
    loops: list[bool] = []

    class LoopReplier(RecordingReplier):
        async def download(self, attachment: Attachment, max_bytes: int) -> bytes:
            loops.append(asyncio.get_running_loop() is main_loop)
            return await super().download(attachment, max_bytes)

    async def fetch(msg: Incoming, ctx: Context) -> None:
        assert msg.attachment is not None
        data = await ctx.replier.download(msg.attachment, 1 << 20)
        await ctx.replier.send_text(f"{len(data)} byte")

    add_command(monkeypatch, "tai", fetch)
    photo = sample_jpeg()
    replier = LoopReplier(files={"p1": photo})
    await app.router.handle(Incoming(
        platform="telegram", chat_id="700", chat_type="private", chat_title=None,
        user_id="700", user_name="B", text="/tai",
        attachment=Attachment(kind="photo", file_id="p1", size=len(photo))), replier)
    assert replier.text == f"{len(photo)} byte"
    assert loops == [True]


async def test_turns_bring_back_results_and_errors_from_the_workers() -> None:
    turns = Turns(overlap=True, workers=2)

    async def answer() -> int:
        return 42

    async def fail() -> int:
        raise ValueError("hỏng")

    try:
        assert await turns.run(answer) == 42
        with pytest.raises(ValueError, match="hỏng"):
            await turns.run(fail)
        main_loop = asyncio.get_running_loop()

        async def back_on_main() -> bool:
            async def where() -> bool:
                return asyncio.get_running_loop() is main_loop
            return await on_loop(main_loop, where())

        assert await turns.run(back_on_main) is True
    finally:
        turns.close()


async def test_on_sqlite_units_of_work_take_turns_on_the_loop() -> None:
    turns = Turns(overlap=False)
    inside: list[int] = []
    most: list[int] = []

    async def unit() -> None:
        inside.append(1)
        most.append(len(inside))
        await asyncio.sleep(0)  # lets the others try to come in
        inside.pop()

    await asyncio.gather(*(turns.run(unit) for _ in range(5)))
    assert max(most) == 1
