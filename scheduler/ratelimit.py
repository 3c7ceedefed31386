"""One rate limiter per platform, shared by command replies and the outbox sender.

Telegram counts every message the bot sends, whoever asked for it: about 30 a second in all,
one a second to a chat, twenty a minute to a group. So replies and reminders must draw from
one budget, or a mass send at 08:00 would push replies over the limit (or the other way
round). Replies take the priority lane: a reply waits only for its own chat's limit and for
the next free slot in the global window, and the bulk lane yields that slot to it.

The bulk lane is also paced evenly (one slot every window/limit seconds) instead of bursting
to the limit: with a full window and a burst, a reply arriving just after it would wait up
to a whole second; with even pacing the next free slot is at most ~35 ms away.

`window_margin` stretches every window a little (5 % by default) because the platform counts
arrival times, which jitter by tens of milliseconds against the moment a slot was granted (a
busy event loop delays some writes, the network others). When a 429 still comes, the chat
waits the full retry_after; see `on_retry_after` for the rest.

Several instances of one bot (PostgreSQL) each have their own limiter: give each its share
(TELEGRAM_RATE_GLOBAL_PER_SEC=15 for two), the budget belongs to the bot token.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import math
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter as TelegramRetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

logger = logging.getLogger(__name__)

TimeSource = Callable[[], float]

# A retry_after up to this is Telegram's minimum (whole seconds, rounded up): jitter, not a ban.
SHORT_RETRY_AFTER = 1.5
JITTER_COOL_DOWN = 0.1
SLOWDOWN_STEP = 0.01
MAX_SLOWDOWN = 0.15
SLOWDOWN_FADE_SECONDS = 30.0
Sleep = Callable[[float], Awaitable[Any]]


@dataclass(frozen=True)
class RateLimits:
    global_per_sec: float = 30.0
    per_chat_per_sec: float = 1.0
    per_group_per_min: float = 20.0
    window_margin: float = 0.05

    def __post_init__(self) -> None:
        if min(self.global_per_sec, self.per_chat_per_sec, self.per_group_per_min) <= 0:
            raise ValueError("rate limits must be positive")
        if not 0 <= self.window_margin < 1:
            raise ValueError("window_margin must be within [0, 1)")

    # A rate is kept as "so many slots per window"; fractional rates (0.5/s) widen the window.

    @property
    def global_slots(self) -> int:
        return max(1, math.floor(self.global_per_sec))

    @property
    def global_window(self) -> float:
        return self.global_slots / self.global_per_sec * (1.0 + self.window_margin)

    @property
    def bulk_spacing(self) -> float:
        return (1.0 + self.window_margin) / self.global_per_sec

    @property
    def chat_interval(self) -> float:
        return (1.0 / self.per_chat_per_sec) * (1.0 + self.window_margin)

    @property
    def group_slots(self) -> int:
        return max(1, math.floor(self.per_group_per_min))

    @property
    def group_window(self) -> float:
        return self.group_slots / self.per_group_per_min * 60.0 * (1.0 + self.window_margin)


@dataclass
class LimiterStats:
    granted_priority: int = 0
    granted_bulk: int = 0
    retry_after: int = 0
    global_pauses: int = 0
    priority_wait_total: float = 0.0
    priority_wait_max: float = 0.0
    waits: list[float] = field(default_factory=list, repr=False)


class PlatformRateLimiter:
    """Grants send slots for one platform. Single event loop: a grant is checked and recorded
    without an await in between, so no lock is needed for correctness; the bulk gate only
    keeps bulk waiters in line (FIFO) instead of all polling the same slot."""

    def __init__(
        self,
        limits: RateLimits,
        *,
        platform: str = "",
        time_source: TimeSource = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.limits = limits
        self.platform = platform
        self._now = time_source
        self._sleep = sleep
        self._global: deque[float] = deque(maxlen=limits.global_slots)
        self._last_bulk = -math.inf
        self._chat_last: dict[str, float] = {}
        self._group_grants: dict[str, deque[float]] = {}
        self._chat_blocked_until: dict[str, float] = {}
        self._paused_until = -math.inf
        self._slowdown = 0.0
        self._slowdown_at = -math.inf
        self._priority_waiting = 0
        self._bulk_gate: asyncio.Lock | None = None
        self._grants_since_prune = 0
        self.stats = LimiterStats()

    # --- when may a message go ---------------------------------------------------------------

    def chat_ready_at(self, chat_id: str, *, group: bool) -> float:
        """The earliest moment the chat's own limits (and any 429 block) allow a message."""
        ready = max(self._paused_until, self._chat_blocked_until.get(chat_id, -math.inf))
        last = self._chat_last.get(chat_id)
        if last is not None:
            ready = max(ready, last + self.limits.chat_interval)
        if group:
            grants = self._group_grants.get(chat_id)
            if grants is not None and len(grants) >= self.limits.group_slots:
                ready = max(ready, grants[0] + self.limits.group_window)
        return ready

    def global_ready_at(self, *, bulk: bool) -> float:
        ready = self._paused_until
        stretch = 1.0 + self._current_slowdown(self._now()) if self._slowdown else 1.0
        if len(self._global) >= self.limits.global_slots:
            ready = max(ready, self._global[0] + self.limits.global_window * stretch)
        if bulk:
            ready = max(ready, self._last_bulk + self.limits.bulk_spacing * stretch)
        return ready

    def ready_at(self, chat_id: str, *, group: bool, bulk: bool = True) -> float:
        return max(self.chat_ready_at(chat_id, group=group), self.global_ready_at(bulk=bulk))

    # --- taking a slot ------------------------------------------------------------------------

    async def acquire(self, chat_id: str, *, group: bool = False, priority: bool = False) -> float:
        """Waits until a message to `chat_id` is within every limit and records it.
        Returns the seconds waited."""
        started = self._now()
        if priority:
            await self._acquire_priority(chat_id, group)
            waited = self._now() - started
            self.stats.granted_priority += 1
            self.stats.priority_wait_total += waited
            self.stats.priority_wait_max = max(self.stats.priority_wait_max, waited)
        else:
            if self._bulk_gate is None:
                self._bulk_gate = asyncio.Lock()
            async with self._bulk_gate:
                await self._acquire_bulk(chat_id, group)
            waited = self._now() - started
            self.stats.granted_bulk += 1
        return waited

    async def _acquire_priority(self, chat_id: str, group: bool) -> None:
        while True:
            now = self._now()
            chat_ready = self.chat_ready_at(chat_id, group=group)
            if chat_ready > now:
                # Waiting for its own chat only: the bulk lane may use the global slots meanwhile.
                await self._sleep(max(chat_ready - now, 0.001))
                continue
            global_ready = self.global_ready_at(bulk=False)
            if global_ready <= now:
                self._grant(chat_id, group, now, bulk=False)
                return
            self._priority_waiting += 1
            try:
                await self._sleep(max(global_ready - now, 0.001))
            finally:
                self._priority_waiting -= 1

    async def _acquire_bulk(self, chat_id: str, group: bool) -> None:
        while True:
            now = self._now()
            ready = self.ready_at(chat_id, group=group, bulk=True)
            if ready <= now and self._priority_waiting == 0:
                self._grant(chat_id, group, now, bulk=True)
                return
            if ready <= now:
                # A reply is queued for the global slot: give it one spacing.
                ready = now + self.limits.bulk_spacing
            await self._sleep(max(ready - now, 0.001))

    def _grant(self, chat_id: str, group: bool, now: float, *, bulk: bool) -> None:
        self._global.append(now)
        self._chat_last[chat_id] = now
        if bulk:
            # The slot's planned time, not the (late) moment we woke up: an event loop wakes a
            # few milliseconds late every time, and pacing from those moments would give up
            # that much of every interval (~6 % at 30/s). A wake-up later than one interval
            # (an idle spell) starts a new schedule. The window above still caps the count.
            planned = self._last_bulk + self.limits.bulk_spacing
            self._last_bulk = planned if 0 <= now - planned < self.limits.bulk_spacing else now
        if group:
            grants = self._group_grants.get(chat_id)
            if grants is None:
                grants = self._group_grants[chat_id] = deque(maxlen=self.limits.group_slots)
            grants.append(now)
        self._grants_since_prune += 1
        if self._grants_since_prune >= 2000:
            self._prune(now)

    def _prune(self, now: float) -> None:
        """Forgets chats whose limits no longer matter, so 100 000 recipients cost no memory."""
        self._grants_since_prune = 0
        chat_horizon = now - self.limits.chat_interval
        self._chat_last = {c: t for c, t in self._chat_last.items() if t > chat_horizon}
        group_horizon = now - self.limits.group_window
        self._group_grants = {c: g for c, g in self._group_grants.items() if g[-1] > group_horizon}
        self._chat_blocked_until = {c: t for c, t in self._chat_blocked_until.items() if t > now}

    # --- when the platform says "too many" ----------------------------------------------------

    def on_retry_after(self, chat_id: str, seconds: float, *, group: bool = False) -> None:
        """Honours a 429. The chat waits the full `retry_after` (and the sender re-queues the
        message for then). When our own counts say the chat was within its limits, the
        platform counted globally:
        - a long retry_after is real flood control: everything waits it out;
        - the shortest one Telegram gives (1 s, rounded up) means our stream brushed the limit
          because arrivals jittered: everything pauses for 0.1 s and the windows widen by 1 %
          more, easing back over half a minute. Pausing a whole second for each would cost
          more than the 429s themselves."""
        now = self._now()
        until = now + max(0.0, seconds)
        if self._chat_blocked_until.get(chat_id, -math.inf) >= until - 0.05:
            return  # the same 429, reported again by another layer
        self.stats.retry_after += 1
        self._chat_blocked_until[chat_id] = until
        grants = self._group_grants.get(chat_id)
        group_full = (
            group and grants is not None and len(grants) >= self.limits.group_slots - 1
        )
        if not group_full:
            if seconds > SHORT_RETRY_AFTER:
                pause_until = until
            else:
                pause_until = now + JITTER_COOL_DOWN
                self._slowdown = min(MAX_SLOWDOWN, self._current_slowdown(now) + SLOWDOWN_STEP)
                self._slowdown_at = now
            if pause_until > self._paused_until:
                self._paused_until = pause_until
                self.stats.global_pauses += 1
        logger.warning("%s: 429 for chat %s, retry after %.1fs", self.platform, chat_id, seconds)

    def _current_slowdown(self, now: float) -> float:
        """The extra widening after recent 429s, fading linearly."""
        if not self._slowdown:
            return 0.0
        left = self._slowdown * (1 - (now - self._slowdown_at) / SLOWDOWN_FADE_SECONDS)
        if left <= 0:
            self._slowdown = 0.0
            return 0.0
        return left


def limits_for(settings: Any, platform: str) -> RateLimits | None:
    """The configured limits of a platform; None where nothing needs pacing (the terminal)."""
    margin = float(getattr(settings, "rate_limit_margin", 0.05))
    if platform == "telegram":
        return RateLimits(
            global_per_sec=settings.telegram_rate_global_per_sec,
            per_chat_per_sec=settings.telegram_rate_per_chat_per_sec,
            per_group_per_min=settings.telegram_rate_per_group_per_min,
            window_margin=margin,
        )
    if platform in ("zalo", "zalo_oa"):
        # Zalo publishes no limits: the Zalo adapter's conservative pacing, shared here so that
        # the sender leaves the replies their turn.
        interval = float(getattr(settings, "zalo_chat_interval_seconds", 1.0)) or 0.001
        return RateLimits(
            global_per_sec=float(getattr(settings, "zalo_messages_per_second", 3.0)),
            per_chat_per_sec=1.0 / interval,
            per_group_per_min=float(getattr(settings, "zalo_rate_per_group_per_min", 10.0)),
            window_margin=margin,
        )
    return None


# --- the outbox lane, told to the Bot API layer ---------------------------------------------

# Set by the outbox sender while it delivers a row it has already paced; the Bot API layer
# then lets the first request through and paces any extra pieces (a split text) as bulk.
_OUTBOX_SEND: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "outbox_send", default=None
)


class OutboxSendScope:
    """`with OutboxSendScope(): await transport.send(...)` marks the requests as pre-paced."""

    def __init__(self, prepaid: int = 1) -> None:
        self._prepaid = [prepaid]
        self._token: contextvars.Token[list[int] | None] | None = None

    def __enter__(self) -> OutboxSendScope:
        self._token = _OUTBOX_SEND.set(self._prepaid)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _OUTBOX_SEND.reset(self._token)


def in_outbox_send() -> bool:
    return _OUTBOX_SEND.get() is not None


LIMITED_ENDPOINT_PREFIXES = ("send", "copy", "forward", "edit")


def retry_after_seconds(error: TelegramRetryAfter) -> float:
    """PTB 22 warns that `retry_after` will become a timedelta; accept both, quietly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        retry = error.retry_after
    return float(retry.total_seconds() if isinstance(retry, timedelta) else retry)


MAX_REPLY_RETRIES = 3


class TelegramRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """python-telegram-bot's hook in front of every Bot API call: replies (anything not sent
    by the outbox sender) take the priority lane of the shared limiter; a 429 on a reply is
    waited out and retried, one on an outbox send goes back to the sender to reschedule."""

    def __init__(self, limiter: PlatformRateLimiter) -> None:
        self.limiter = limiter

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat = data.get("chat_id")
        if chat is None or not endpoint.startswith(LIMITED_ENDPOINT_PREFIXES):
            return await callback(*args, **kwargs)
        chat_id = str(chat)
        # Telegram group and channel ids are negative; private chats are the user's id.
        group = chat_id.startswith("-")
        prepaid = _OUTBOX_SEND.get()
        outbox = prepaid is not None
        attempts = 0
        while True:
            if prepaid is not None and prepaid[0] > 0:
                prepaid[0] -= 1
            else:
                await self.limiter.acquire(chat_id, group=group, priority=not outbox)
            try:
                return await callback(*args, **kwargs)
            except TelegramRetryAfter as error:
                seconds = retry_after_seconds(error)
                self.limiter.on_retry_after(chat_id, float(seconds), group=group)
                attempts += 1
                if outbox or attempts > MAX_REPLY_RETRIES:
                    raise
