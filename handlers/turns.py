"""Where the router's units of work run, and which of them may run at the same time.

The database driver is synchronous (SQLAlchemy over psycopg / sqlite3): a statement blocks the
thread that runs it. On PostgreSQL each unit of work runs in a worker thread, on that thread's
own event loop, so the database waits of updates of different chats overlap and the main loop
goes on receiving updates and sending replies meanwhile. Row locks are then waited for in a
worker, never in the loop: two units of work that touch the same row simply queue in
PostgreSQL.

SQLite has one writer; a second one sleeps in its busy handler, so nothing would overlap, and
a write waiting there on the main loop could wait for a unit of work that needs that loop.
There, units of work take turns on the main loop, one at a time (the way it always was).

Anything a handler awaits that belongs to the main loop (a platform download through the
real replier) is brought back to it with `on_loop`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")

# Units of work in flight at once on PostgreSQL. The engine's pool (db.session) has 10
# connections and 10 more on overflow; the sender, the planner and the inbox writes need some.
# More workers than cores only help while they wait on the database; 4 keep two cores busy.
DEFAULT_WORKERS = 4


class Turns:
    """`async with turns:` around work that must not overlap another unit of work (only on
    SQLite: elsewhere it is free); `await turns.run(make_work)` runs one unit of work."""

    def __init__(self, *, overlap: bool, workers: int = DEFAULT_WORKERS) -> None:
        self.overlap = overlap
        self._lock = asyncio.Lock()
        self._workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._local = threading.local()
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._loops_guard = threading.Lock()

    async def __aenter__(self) -> None:
        if not self.overlap:
            await self._lock.acquire()

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        traceback: TracebackType | None) -> None:
        if not self.overlap:
            self._lock.release()

    async def run(self, make_work: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """The unit of work `make_work()` makes, in a worker thread when units overlap, else
        in this loop in its turn. Its result (or exception) comes back here."""
        if not self.overlap:
            async with self._lock:
                return await make_work()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self._workers,
                                            thread_name_prefix="unit-of-work")
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, self._run_in_worker, make_work)

    def _run_in_worker(self, make_work: Callable[[], Coroutine[Any, Any, T]]) -> T:
        loop: asyncio.AbstractEventLoop | None = getattr(self._local, "loop", None)
        if loop is None:
            # One loop per worker, kept: making a loop per update costs more than the update.
            loop = self._local.loop = asyncio.new_event_loop()
            with self._loops_guard:
                self._loops.append(loop)
        return loop.run_until_complete(make_work())

    def close(self) -> None:
        """Waits for the units of work in flight, then frees the workers and their loops."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        with self._loops_guard:
            loops, self._loops = self._loops, []
        for loop in loops:
            loop.close()


async def on_loop(loop: asyncio.AbstractEventLoop, work: Awaitable[T]) -> T:
    """Awaits `work` on `loop` (the main one), from whichever loop this runs on."""
    if asyncio.get_running_loop() is loop:
        return await work
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(_awaited(work), loop))


async def _awaited(work: Awaitable[T]) -> T:
    return await work
