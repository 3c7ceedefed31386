"""Start-up that waits: network calls at boot are retried with exponential backoff.

A server often starts before its network (a district office's machine after a power cut, a
container before DNS): `nhacviec run` must not exit then, nor fill the log with one line per
attempt. Each retried step logs at most once per `log_every` seconds and keeps its last error
on the platform's health entry, where `/healthz` shows it.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.health import PlatformHealth
from config.settings import Settings

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class RetryPolicy:
    initial: float = 1.0
    maximum: float = 60.0
    log_every: float = 60.0
    jitter: float = 0.1  # ± this fraction, so that restarted instances do not stampede
    # Injected in tests: a clock that moves without waiting, a sleep that does not sleep.
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    monotonic: Callable[[], float] = time.monotonic

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(maximum=settings.startup_retry_max_seconds)


class RateLimitedLog:
    """One warning per `every` seconds; the ones in between are counted, not lost."""

    def __init__(self, every: float, monotonic: Callable[[], float]) -> None:
        self.every = every
        self.monotonic = monotonic
        self._last: float | None = None
        self._skipped = 0

    def warning(self, message: str, *args: object) -> None:
        now = self.monotonic()
        if self._last is not None and now - self._last < self.every:
            self._skipped += 1
            return
        if self._skipped:
            message += " (thêm %d lần lỗi từ lần ghi trước)"
            args = (*args, self._skipped)
        logger.warning(message, *args)
        self._last = now
        self._skipped = 0


def redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


async def retry_until_done(
    operation: Callable[[], Awaitable[T]],
    *,
    what: str,
    policy: RetryPolicy,
    entry: PlatformHealth | None = None,
    secrets: Sequence[str] = (),
) -> T:
    """Runs `operation` until it succeeds; only cancellation stops it."""
    delay = policy.initial
    log = RateLimitedLog(policy.log_every, policy.monotonic)
    failures = 0
    while True:
        try:
            result = await operation()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            failures += 1
            reason = redact(f"{type(error).__name__}: {error}", secrets)
            if entry is not None:
                entry.start_attempts += 1
                entry.last_error = f"{what}: {reason}"
            wait = delay * random.uniform(1 - policy.jitter, 1 + policy.jitter)
            log.warning("%s lỗi (%s); thử lại sau %.0f giây, lần thử %d", what, reason, wait,
                        failures)
            await policy.sleep(wait)
            delay = min(delay * 2, policy.maximum)
            continue
        if failures:
            logger.info("%s: thành công sau %d lần thử", what, failures + 1)
        if entry is not None:
            entry.last_error = None
        return result
