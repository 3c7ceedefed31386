"""The shared per-platform rate limiter, on virtual time (nothing sleeps for real)."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter as TelegramRetryAfter

from scheduler.ratelimit import (
    OutboxSendScope,
    PlatformRateLimiter,
    RateLimits,
    TelegramRateLimiter,
    in_outbox_send,
    limits_for,
)
from tests.support import make_settings

# PTB 22 builds its RetryAfter message through the deprecated int accessor.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class VirtualTime:
    """Sleepers wake in deadline order; time jumps when everyone is waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), next(self._seq), future))
        await future

    async def run(self, *coroutines: Awaitable[Any]) -> list[Any]:
        tasks = [asyncio.ensure_future(c) for c in coroutines]
        while not all(t.done() for t in tasks):
            for _ in range(20):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            if self._sleepers and not all(t.done() for t in tasks):
                deadline, _, future = heapq.heappop(self._sleepers)
                self.now = max(self.now, deadline)
                future.set_result(None)
        return [t.result() for t in tasks]


def limiter_on(clock: VirtualTime, **limits: Any) -> PlatformRateLimiter:
    return PlatformRateLimiter(RateLimits(**limits), platform="telegram",
                               time_source=clock.time, sleep=clock.sleep)


def max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, low = 0, 0
    for high, moment in enumerate(times):
        while times[low] <= moment - window:
            low += 1
        best = max(best, high - low + 1)
    return best


async def test_bulk_is_paced_evenly_at_the_global_limit() -> None:
    clock = VirtualTime()
    limiter = limiter_on(clock)
    grants: list[float] = []

    async def bulk(count: int) -> None:
        for index in range(count):
            await limiter.acquire(f"chat-{index}")
            grants.append(clock.now)

    await clock.run(bulk(300))
    assert max_in_window(grants, 1.0) <= 30
    rate = (len(grants) - 1) / (grants[-1] - grants[0])
    assert 28.0 <= rate <= 30.0  # ≥ 27/s sustained, never over
    gaps = [b - a for a, b in itertools.pairwise(grants)]
    assert min(gaps) >= 1.0 / 30  # evenly spread, no bursts


async def test_one_chat_gets_one_message_a_second_and_a_group_twenty_a_minute() -> None:
    clock = VirtualTime()
    limiter = limiter_on(clock)
    private: list[float] = []
    group: list[float] = []

    async def to_private() -> None:
        for _ in range(5):
            await limiter.acquire("42")
            private.append(clock.now)

    async def to_group() -> None:
        for _ in range(25):
            await limiter.acquire("-100", group=True)
            group.append(clock.now)

    await clock.run(to_private(), to_group())
    assert min(b - a for a, b in itertools.pairwise(private)) >= 1.0
    assert max_in_window(group, 60.0) <= 20
    assert max_in_window(group, 1.0) <= 1
    assert group[-1] - group[0] >= 60.0


async def test_replies_jump_the_bulk_queue_and_share_the_budget() -> None:
    clock = VirtualTime()
    limiter = limiter_on(clock)
    everything: list[float] = []
    reply_waits: list[float] = []

    async def bulk() -> None:
        for index in range(400):
            await limiter.acquire(f"user-{index}")
            everything.append(clock.now)

    async def replies() -> None:
        await clock.sleep(3.0)
        for index in range(20):
            waited = await limiter.acquire(f"asker-{index % 4}", priority=True)
            everything.append(clock.now)
            reply_waits.append(waited)
            await clock.sleep(0.25)

    await clock.run(bulk(), replies())
    assert max_in_window(everything, 1.0) <= 30  # replies count against the same budget
    # A reply waits at most for one free slot (~35 ms) or its own chat's 1/s.
    assert max(reply_waits) <= 1.05
    assert sorted(reply_waits)[int(0.95 * len(reply_waits)) - 1] <= 0.05
    assert limiter.stats.granted_priority == 20 and limiter.stats.granted_bulk == 400


async def test_a_429_holds_the_chat_and_when_unexplained_the_platform() -> None:
    clock = VirtualTime()
    limiter = limiter_on(clock)
    await clock.run(limiter.acquire("7"))
    limiter.on_retry_after("7", 5.0)
    assert limiter.chat_ready_at("7", group=False) == pytest.approx(5.0)
    # Our counts say chat 7 was within its limit: the platform's budget is spent, all wait.
    assert limiter.global_ready_at(bulk=False) == pytest.approx(5.0)
    [waited] = await clock.run(limiter.acquire("8", priority=True))
    assert waited == pytest.approx(5.0)
    assert limiter.stats.retry_after == 1 and limiter.stats.global_pauses == 1
    # A group that used its 20 a minute explains its own 429: only that group waits.
    for _ in range(20):
        await clock.run(limiter.acquire("-5", group=True))
    limiter.on_retry_after("-5", 30.0, group=True)
    assert limiter.chat_ready_at("-5", group=True) >= clock.now + 29.0
    assert limiter.global_ready_at(bulk=False) <= clock.now + 0.05


async def test_a_one_second_429_slows_down_briefly_instead_of_stopping_a_second() -> None:
    clock = VirtualTime()
    limiter = limiter_on(clock)
    await clock.run(limiter.acquire("1"))
    spacing = limiter.limits.bulk_spacing
    limiter.on_retry_after("1", 1.0)  # Telegram's minimum: our stream brushed the limit
    assert limiter.chat_ready_at("1", group=False) >= 1.0  # that chat waits it out
    assert limiter.global_ready_at(bulk=False) == pytest.approx(0.1)  # the rest: a breath
    assert limiter.global_ready_at(bulk=True) == pytest.approx(0.1)
    clock.now = 0.3
    await clock.run(limiter.acquire("2"))
    # …and for a while every window is 1 % wider, fading out over half a minute.
    gap = limiter.global_ready_at(bulk=True) - clock.now
    assert gap == pytest.approx(spacing * (1 + 0.01 * (1 - 0.3 / 30)), rel=1e-3)
    clock.now = 61.0
    gap = limiter.global_ready_at(bulk=True) - 0.3
    assert limiter._current_slowdown(clock.now) == 0.0 and gap < 61
    # The same 429 reported by two layers (the Bot API hook, the sender) counts once.
    limiter.on_retry_after("3", 1.0)
    limiter.on_retry_after("3", 1.0)
    assert limiter.stats.retry_after == 2


def test_limits_come_from_the_settings(tmp_path: Any) -> None:
    settings = make_settings(tmp_path, "sqlite://", telegram_rate_global_per_sec=25,
                             zalo_messages_per_second=2.0, zalo_chat_interval_seconds=2.0)
    telegram = limits_for(settings, "telegram")
    zalo = limits_for(settings, "zalo")
    assert telegram is not None and telegram.global_per_sec == 25
    assert telegram.per_chat_per_sec == 1 and telegram.per_group_per_min == 20
    assert zalo is not None and zalo.global_per_sec == 2.0 and zalo.per_chat_per_sec == 0.5
    assert limits_for(settings, "console") is None
    # Fractional rates widen the window instead of rounding to nothing.
    slow = RateLimits(global_per_sec=0.5, window_margin=0)
    assert (slow.global_slots, slow.global_window) == (1, 2.0)


# --- python-telegram-bot's hook ------------------------------------------------------------------


class Recorder:
    def __init__(self, limiter: PlatformRateLimiter) -> None:
        self.acquired: list[tuple[str, bool, bool]] = []
        self.original = limiter.acquire
        limiter.acquire = self  # type: ignore[method-assign]

    async def __call__(self, chat_id: str, *, group: bool = False,
                       priority: bool = False) -> float:
        self.acquired.append((chat_id, group, priority))
        return await self.original(chat_id, group=group, priority=priority)


def flaky(failures: int) -> Callable[..., Awaitable[dict[str, Any]]]:
    state = {"left": failures, "calls": 0}

    async def callback(*args: Any, **kwargs: Any) -> dict[str, Any]:
        state["calls"] += 1
        if state["left"]:
            state["left"] -= 1
            raise TelegramRetryAfter(timedelta(seconds=2))
        return {"ok": True, "calls": state["calls"], "outbox": in_outbox_send()}

    return callback


async def test_bot_api_replies_take_the_priority_lane_and_ride_out_a_429() -> None:
    clock = VirtualTime()
    limiter = limiter_on(clock)
    recorder = Recorder(limiter)
    hook = TelegramRateLimiter(limiter)
    [result] = await clock.run(hook.process_request(
        flaky(1), (), {}, "sendMessage", {"chat_id": 123, "text": "Đã ghi nhận"}, None))
    assert result["calls"] == 2 and result["outbox"] is False
    assert recorder.acquired == [("123", False, True), ("123", False, True)]
    assert clock.now >= 2.0  # waited out the retry_after before asking again
    # Group chats have negative ids; requests that post nothing are not paced.
    await clock.run(hook.process_request(flaky(0), (), {}, "sendMessage",
                                         {"chat_id": -1001, "text": "x"}, None))
    await clock.run(hook.process_request(flaky(0), (), {}, "answerCallbackQuery",
                                         {"callback_query_id": "1"}, None))
    assert recorder.acquired[-1] == ("-1001", True, True) and len(recorder.acquired) == 3


async def test_bot_api_outbox_sends_are_prepaid_and_hand_a_429_back() -> None:
    clock = VirtualTime()
    limiter = limiter_on(clock)
    recorder = Recorder(limiter)
    hook = TelegramRateLimiter(limiter)

    async def outbox_send(callback: Callable[..., Awaitable[Any]], pieces: int) -> None:
        with OutboxSendScope():
            for _ in range(pieces):
                await hook.process_request(callback, (), {}, "sendMessage",
                                           {"chat_id": 9, "text": "x"}, None)

    # The sender took the slot already; a second piece of a split text is paced as bulk.
    await clock.run(outbox_send(flaky(0), 2))
    assert recorder.acquired == [("9", False, False)]
    with pytest.raises(TelegramRetryAfter):
        await clock.run(outbox_send(flaky(1), 1))
    assert limiter.stats.retry_after == 1
