"""The outbox sender: outcomes, retries, leases, crash recovery, graceful stop, two instances.

Runs on SQLite and PostgreSQL. Time is a FakeClock; the rate limiter, where one is used,
runs on a fake monotonic clock whose sleep only moves that clock.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import App, build_app
from db import services
from db.models import AuditLog, Outbox, Person
from db.session import make_engine, make_session_factory, unit_of_work
from handlers.base import MenuOption
from scheduler.ratelimit import PlatformRateLimiter, RateLimits
from scheduler.sender import OutboxSender, SenderOptions
from scheduler.transport import (
    Blocked,
    ChatNotFound,
    RetryAfter,
    SendError,
    TransientError,
    UnknownOutcome,
)
from tests.support import make_settings
from timelang.clock import FakeClock

NOON = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # 12:00 in Hà Nội, a Monday


class ScriptedTransport:
    """Records deliveries; `script[chat]` lists what each successive send does (None: OK)."""

    platform = "telegram"
    supports_buttons = True

    def __init__(self, script: dict[str, list[Exception | None]] | None = None,
                 gate: asyncio.Event | None = None) -> None:
        self.script = script or {}
        self.delivered: list[str] = []
        self.calls: Counter[str] = Counter()
        self.gate = gate
        self.waiting = 0

    async def send(self, chat_id: str, text: str, menu: Sequence[MenuOption] | None) -> None:
        self.calls[chat_id] += 1
        if self.gate is not None:
            self.waiting += 1
            await self.gate.wait()
            self.waiting -= 1
        else:
            await asyncio.sleep(0)
        steps = self.script.get(chat_id)
        outcome = steps.pop(0) if steps else None
        if outcome is not None:
            raise outcome
        self.delivered.append(chat_id)


@pytest.fixture
async def app(tmp_path: Path, db_url: str) -> AsyncIterator[App]:
    clock = FakeClock(NOON)
    built = build_app(make_settings(tmp_path, db_url), clock=clock)
    yield built
    built.close()


def queue(app: App, chats: Sequence[str], *, kind: str = "notice", priority: int = 0,
          chat_kind: str = "private") -> None:
    now = app.clock.now()
    with unit_of_work(app.session_factory) as session:
        for chat in chats:
            services.enqueue(session, platform="telegram", chat_id=chat, text=f"Tin cho {chat}",
                             kind=kind, key=f"{kind}:{chat}", now=now, priority=priority,
                             chat_kind=chat_kind)


def rows(app: App) -> dict[str, Outbox]:
    with app.session_factory() as session:
        return {r.chat_id: r for r in session.scalars(select(Outbox))}


def sender_for(app: App, transport: Any, **kwargs: Any) -> OutboxSender:
    options = kwargs.pop("options", SenderOptions(concurrency=4, prefetch=8))
    assert app.planner is not None
    return OutboxSender(session_factory=kwargs.pop("session_factory", app.session_factory),
                        transports={"telegram": transport}, clock=app.clock, options=options,
                        refresher=app.planner.refresh, tz=app.settings.tz, **kwargs)


def advance(app: App, seconds: float) -> None:
    clock = app.clock
    assert isinstance(clock, FakeClock)
    clock.advance(seconds=seconds)


async def test_each_outcome_is_recorded_and_only_safe_ones_retried(app: App) -> None:
    transport = ScriptedTransport({
        "rate": [RetryAfter(7)],
        "blocked": [Blocked("Forbidden: bot was blocked by the user")],
        "gone": [ChatNotFound("Bad Request: chat not found")],
        "flaky": [TransientError("502 Bad Gateway"), TransientError("Connection reset")],
        "timeout": [UnknownOutcome("Timed out")],
        "bad": [SendError("Bad Request: can't parse entities")],
    })
    queue(app, ["ok", "rate", "blocked", "gone", "flaky", "timeout", "bad"])
    sender = sender_for(app, transport)
    assert await sender.drain_once() == 7
    state = rows(app)
    assert {c: r.status for c, r in state.items()} == {
        "ok": "sent", "rate": "pending", "blocked": "blocked", "gone": "blocked",
        "flaky": "pending", "timeout": "unknown", "bad": "failed"}
    # A 429 is not a failed attempt, and waits exactly what the platform asked.
    assert state["rate"].attempts == 0
    assert state["rate"].not_before == app.clock.now() + timedelta(seconds=7)
    assert timedelta(seconds=3) < state["flaky"].not_before - app.clock.now() < timedelta(
        seconds=7)
    assert state["rate"].claimed_by is None and state["rate"].lease_until is None

    advance(app, 6)
    await sender.drain_once()  # 'flaky' fails again, backs off longer; 'rate' still waits
    assert transport.calls["rate"] == 1 and transport.calls["flaky"] == 2
    advance(app, 30)
    await sender.drain_once()
    advance(app, 600)
    await sender.drain_once()
    state = rows(app)
    assert state["rate"].status == state["flaky"].status == "sent"
    assert state["flaky"].attempts == 3
    # Never repeated: the unknown outcome, the blocked and vanished chats, the refusal.
    assert transport.calls == Counter(ok=1, rate=2, blocked=1, gone=1, flaky=3, timeout=1, bad=1)
    assert Counter(transport.delivered) == Counter(ok=1, rate=1, flaky=1)
    with app.session_factory() as session:
        actions = sorted(session.scalars(select(AuditLog.action).where(
            AuditLog.action.like("outbox.%"))))
    assert actions == ["outbox.blocked", "outbox.chat_not_found", "outbox.failed",
                       "outbox.unknown"]


async def test_the_admins_get_one_report_of_delivery_problems(app: App) -> None:
    now = app.clock.now()
    with unit_of_work(app.session_factory) as session:
        services.resolve_actor(session, platform="telegram", external_id="1",
                               display_name="Quản trị", private_chat_id="1", now=now,
                               env_admins=[("telegram", "1")])
    transport = ScriptedTransport({"b1": [Blocked("blocked")], "b2": [Blocked("blocked")],
                                   "t1": [UnknownOutcome("timed out")]})
    queue(app, ["b1", "b2", "t1"])
    sender = sender_for(app, transport)
    await sender.drain_once()
    assert app.reporter is not None
    assert app.reporter.report() == 3
    assert app.reporter.report() == 0  # told once
    await sender.drain_once()
    assert transport.delivered.count("1") == 1
    [report] = [r.text for r in rows(app).values() if r.kind == "delivery_report"]
    assert "2 cuộc trò chuyện đã chặn bot" in report and "1 tin không rõ" in report
    assert "telegram:b1" in report and "không tự gửi lại" in report


async def test_transient_errors_give_up_after_the_last_attempt(app: App) -> None:
    transport = ScriptedTransport({"x": [TransientError("down")] * 10})
    queue(app, ["x"])
    sender = sender_for(app, transport, options=SenderOptions(max_attempts=3))
    for _ in range(5):
        await sender.drain_once()
        advance(app, 3600)
    row = rows(app)["x"]
    assert row.status == "failed" and row.attempts == 3 and transport.calls["x"] == 3


async def test_a_dead_senders_rows_are_sent_again(app: App) -> None:
    queue(app, [f"c{i}" for i in range(6)])
    dead = sender_for(app, ScriptedTransport(), instance_id="dead")
    claimed = dead._claim(4, app.clock.now())  # claimed, then kill -9
    assert len(claimed) == 4
    transport = ScriptedTransport()
    alive = sender_for(app, transport, instance_id="alive")
    # Another instance may still be working on them: nothing happens before the lease ends.
    assert alive.recover() == 0
    await alive.drain_once()
    assert sorted(transport.delivered) == ["c4", "c5"]
    advance(app, alive.options.lease.total_seconds() + 1)
    await alive.drain_once()
    assert sorted(transport.delivered) == [f"c{i}" for i in range(6)]
    # On SQLite the file lock proves nobody else is alive: recovery need not wait.
    queue(app, ["d0", "d1"], kind="other")
    dead._claim(2, app.clock.now())
    assert alive.recover(all_orphans=True) == 2
    await alive.drain_once()
    assert {"d0", "d1"} <= set(transport.delivered)
    assert alive.stats.recovered == 6


async def test_a_row_taken_over_after_its_lease_is_not_marked_by_the_old_owner(
    app: App,
) -> None:
    queue(app, ["slow"])
    gate = asyncio.Event()
    slow = ScriptedTransport(gate=gate)
    old = sender_for(app, slow, instance_id="old")
    [row] = old._claim(1, app.clock.now())
    sending = asyncio.create_task(old._process(row))
    while not slow.waiting:
        await asyncio.sleep(0)
    advance(app, old.options.lease.total_seconds() + 1)
    fast = ScriptedTransport()
    new = sender_for(app, fast, instance_id="new")
    await new.drain_once()
    assert fast.delivered == ["slow"]
    gate.set()
    await sending
    assert old.stats.lost_lease == 1
    final = rows(app)["slow"]
    assert final.status == "sent" and final.claimed_by == "new"


async def test_graceful_stop_hands_back_what_was_not_sent(app: App) -> None:
    chats = [f"s{i}" for i in range(20)]
    queue(app, chats)
    gate = asyncio.Event()
    transport = ScriptedTransport(gate=gate)
    sender = sender_for(app, transport, options=SenderOptions(concurrency=3, prefetch=9,
                                                              stop_grace=5))
    running = asyncio.create_task(sender.run(idle_seconds=0.01))
    while transport.waiting < 3:
        await asyncio.sleep(0.001)
    sender.stop()
    await asyncio.sleep(0.01)
    gate.set()  # the three sends on the wire complete after the stop
    await asyncio.wait_for(running, 10)
    state = rows(app)
    assert Counter(r.status for r in state.values()) == Counter(sent=3, pending=17)
    # Sent rows keep the instance that sent them; handed-back rows are as if never claimed.
    assert all((r.claimed_by, r.attempts) == ((sender.instance_id, 1) if r.status == "sent"
                                              else (None, 0)) for r in state.values())
    # A restart sends the rest; nobody got anything twice.
    again = ScriptedTransport()
    while await sender_for(app, again).drain_once():
        pass
    assert Counter(transport.delivered + again.delivered) == Counter(chats)


async def test_two_senders_share_one_batch_without_sending_twice(
    app: App, db_url: str,
) -> None:
    chats = [f"m{i}" for i in range(240)]
    queue(app, chats)
    deliveries: list[str] = []
    done = asyncio.Event()

    class Shared(ScriptedTransport):
        async def send(self, chat_id: str, text: str, menu: Any) -> None:
            await asyncio.sleep(0.001)
            deliveries.append(chat_id)
            self.delivered.append(chat_id)
            if len(deliveries) >= len(chats):
                done.set()

    # Separate engines: two processes' worth of connections to the same database.
    engines = [make_engine(db_url) for _ in range(2)]
    transports = [Shared(), Shared()]
    senders = [
        sender_for(app, transports[i], instance_id=f"instance-{i}",
                   session_factory=make_session_factory(engines[i]),
                   options=SenderOptions(concurrency=4, prefetch=12))
        for i in range(2)
    ]
    tasks = [asyncio.create_task(s.run(idle_seconds=0.01)) for s in senders]
    try:
        await asyncio.wait_for(done.wait(), 60)
    finally:
        for sender in senders:
            sender.stop()
        await asyncio.gather(*tasks)
        for engine in engines:
            engine.dispose()
    assert Counter(deliveries) == Counter(chats)  # every one exactly once
    assert all(t.delivered for t in transports)  # and both instances did work
    with app.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Outbox).where(
            Outbox.status != "sent")) == 0


async def test_sends_take_slots_from_the_shared_limiter(app: App) -> None:
    fake_now = [1000.0]

    async def fake_sleep(seconds: float) -> None:
        fake_now[0] += seconds
        await asyncio.sleep(0)

    limiter = PlatformRateLimiter(RateLimits(window_margin=0.0), time_source=lambda: fake_now[0],
                                  sleep=fake_sleep)
    grants: list[tuple[float, str, bool]] = []
    original = limiter.acquire

    async def recording(chat_id: str, *, group: bool = False, priority: bool = False) -> float:
        waited = await original(chat_id, group=group, priority=priority)
        grants.append((fake_now[0], chat_id, priority))
        return waited

    limiter.acquire = recording  # type: ignore[method-assign]
    queue(app, [f"n{i}" for i in range(90)], kind="notice")
    queue(app, ["urgent"], kind="join", priority=10)
    sender = sender_for(app, ScriptedTransport(), limiters={"telegram": limiter})
    while await sender.drain_once(limit=200):
        pass
    assert len(grants) == 91
    # Most urgent first, on the priority lane; the rest paced at 30/s.
    assert grants[0][1:] == ("urgent", True)
    times = [t for t, _, _ in grants]
    assert all(sum(1 for u in times if t - 1.0 < u <= t) <= 30 for t in times)
    assert times[-1] - times[0] >= 2.9


async def test_claims_skip_platforms_without_transport_and_respect_not_before(app: App) -> None:
    now = app.clock.now()
    with unit_of_work(app.session_factory) as session:
        services.enqueue(session, platform="zalo", chat_id="z", text="x", kind="notice",
                         key="z", now=now)
        services.enqueue(session, platform="telegram", chat_id="later", text="x",
                         kind="notice", key="later", now=now,
                         not_before=now + timedelta(minutes=5))
    transport = ScriptedTransport()
    sender = sender_for(app, transport)
    assert await sender.drain_once() == 0
    assert sender._next_due(now) == now + timedelta(minutes=5)
    advance(app, 301)
    assert await sender.drain_once() == 1
    assert transport.delivered == ["later"] and rows(app)["z"].status == "pending"


async def test_a_person_notice_saves_its_numbered_menu_where_there_are_no_buttons(
    app: App,
) -> None:
    class Plain(ScriptedTransport):
        supports_buttons = False

    now = app.clock.now()
    with unit_of_work(app.session_factory) as session:
        actor = services.resolve_actor(session, platform="telegram", external_id="77",
                                       display_name="An", private_chat_id="77", now=now)
        person = session.get(Person, actor.person_id)
        assert person is not None
        services.enqueue_to_person(session, person=person, text="Duyệt?", kind="join",
                                   key="join:1", now=now,
                                   menu=[("Duyệt", "/duyet 1 canbo"), ("Từ chối", "/tuchoi 1")])
    await sender_for(app, Plain()).drain_once()
    from db import chat_state as state

    with app.session_factory() as session:
        saved = state.load(session, "telegram", "77", "77", now)
        assert saved is not None and isinstance(saved.menu, dict)
        assert saved.menu["options"] == [["1", "/duyet 1 canbo"], ["2", "/tuchoi 1"]]


async def test_a_stop_that_comes_before_the_loop_starts_still_stops_it(app: App) -> None:
    # `run` stops the sender while the task that runs it has not started yet (a quick
    # SIGTERM during start-up): the loop must not undo that stop and run on.
    queue(app, ["early"])
    sender = sender_for(app, ScriptedTransport())
    running = asyncio.create_task(sender.run(idle_seconds=0.01))
    sender.stop()
    await asyncio.wait_for(running, 5)
    assert rows(app)["early"].status == "pending"
    # And a later run works again.
    again = asyncio.create_task(sender.run(idle_seconds=0.01))
    while rows(app)["early"].status != "sent":
        await asyncio.sleep(0.01)
    sender.stop()
    await asyncio.wait_for(again, 5)


async def test_a_second_enqueue_of_the_same_key_writes_nothing(app: App) -> None:
    """One INSERT … ON CONFLICT DO NOTHING: the first wins, in this unit of work or a later
    one, and the row comes back as the ORM reads it (defaults filled in by the table)."""
    now = app.clock.now()
    with unit_of_work(app.session_factory) as session:
        first = services.enqueue(session, platform="telegram", chat_id="c1", text="Một",
                                 kind="notice", key="same", now=now, menu=[("Xem", "/xem 1")])
        again = services.enqueue(session, platform="telegram", chat_id="c2", text="Hai",
                                 kind="notice", key="same", now=now)
        assert first is not None and again is None
        assert (first.status, first.attempts, first.chat_kind) == ("pending", 0, "private")
        assert first.menu == [{"label": "Xem", "command": "/xem 1"}]
    with unit_of_work(app.session_factory) as session:
        assert services.enqueue(session, platform="telegram", chat_id="c3", text="Ba",
                                kind="notice", key="same", now=now) is None
        assert session.scalars(select(Outbox.text)).all() == ["Một"]
