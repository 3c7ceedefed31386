"""What the Zalo Bot and Zalo OA adapters share: remembering recent update keys, one queue
per chat so a person's messages are handled in order, pacing sends, backing off, and the text
that carries a file link (Zalo sends no files)."""

from __future__ import annotations

import asyncio
import html
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from config.settings import Settings
from handlers.base import (
    OutgoingFile,
)
from handlers.common import human_size
from handlers.router import log_error
from texts import messages

if TYPE_CHECKING:
    pass


logger = logging.getLogger(__name__)




class RecentKeys:
    """The last `capacity` event keys, to recognise a redelivered event."""

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._keys: OrderedDict[str, None] = OrderedDict()

    def add(self, key: str) -> bool:
        """True when the key is new."""
        if key in self._keys:
            self._keys.move_to_end(key)
            return False
        self._keys[key] = None
        if len(self._keys) > self.capacity:
            self._keys.popitem(last=False)
        return True


class ChatDispatcher:
    """Runs updates concurrently across chats but in order within one chat ("/minhchung 3"
    then the photo), with a cap on how many run at once."""

    def __init__(self, max_concurrent: int, secrets: Sequence[str] = ()) -> None:
        self._slots = asyncio.Semaphore(max_concurrent)
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._secrets = list(secrets)

    def submit(self, chat_id: str, work: Callable[[], Awaitable[None]]) -> asyncio.Task[None]:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._waiting[chat_id] = self._waiting.get(chat_id, 0) + 1
        task = asyncio.create_task(self._run(chat_id, lock, work), name=f"zalo-chat-{chat_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run(self, chat_id: str, lock: asyncio.Lock,
                   work: Callable[[], Awaitable[None]]) -> None:
        try:
            async with lock, self._slots:
                await work()
        except Exception as error:
            log_error(logger, "zalo update failed", error, self._secrets)
        finally:
            self._waiting[chat_id] -= 1
            if not self._waiting[chat_id]:
                # The last one out forgets the chat, so idle chats cost no memory.
                del self._waiting[chat_id]
                self._locks.pop(chat_id, None)

    async def join(self, timeout: float | None = None) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()


class Pacer(Protocol):
    """Waits until a message to the chat may go; the platform's shared rate limiter can
    stand in for `SendPacer` here, so replies and the outbox draw on one budget."""

    async def wait(self, chat_id: str) -> None: ...


class SendPacer:
    """Spaces messages out: at most `per_second` in all, and `chat_interval` seconds apart in
    one chat. Each caller reserves its slot under the lock and sleeps outside it."""

    def __init__(self, per_second: float, chat_interval: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.gap = 1.0 / per_second
        self.chat_interval = chat_interval
        self.clock = clock
        self._lock = asyncio.Lock()
        self._next_any = 0.0
        self._next_in_chat: dict[str, float] = {}

    async def wait(self, chat_id: str) -> None:
        async with self._lock:
            now = self.clock()
            slot = max(now, self._next_any, self._next_in_chat.get(chat_id, 0.0))
            self._next_any = slot + self.gap
            self._next_in_chat[chat_id] = slot + self.chat_interval
            if len(self._next_in_chat) > 1000:
                self._next_in_chat = {c: t for c, t in self._next_in_chat.items() if t > now}
        if slot > now:
            await asyncio.sleep(slot - now)


class Backoff:
    """1 s, 2 s, 4 s … up to a ceiling, with jitter so that restarts do not stampede."""

    def __init__(self, initial: float = 1.0, maximum: float = 60.0) -> None:
        self.initial = initial
        self.maximum = maximum
        self._current = 0.0

    def next(self) -> float:
        self._current = self.initial if not self._current else min(self._current * 2, self.maximum)
        return self._current * random.uniform(0.8, 1.2)

    def reset(self) -> None:
        self._current = 0.0


def file_link_text(file: OutgoingFile, url: str, expires_at: float, settings: Settings) -> str:
    expires = messages.fmt_datetime(datetime.fromtimestamp(expires_at, UTC), settings.tz)
    caption = f"\n{file.caption}" if file.caption else ""
    return messages.ZALO_FILE_LINK.format(name=html.escape(file.file_name),
                                          size=human_size(len(file.data)), caption=caption,
                                          url=html.escape(url), expires=expires)


