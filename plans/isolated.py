"""Reading an uploaded plan in a child process, with a hard time limit and a memory cap.

The readers' own limits (plans.limits) refuse what a file declares before it is expanded and
check the clock in their loops, but some work cannot be interrupted from inside: pdfminer
tokenises a page's content stream in one call, and a few megabytes of drawing operators keep
it busy for many seconds without calling back. A child process can be killed: it gets
`max_seconds` (plus its start-up) and an address-space cap, and whatever happens in it, the
bot's process keeps its memory and its event loop.

Children come from a "forkserver" that imported the readers once, so each read starts in
milliseconds, without a copy of the bot's threads or database connections.
"""

from __future__ import annotations

import multiprocessing
import resource
import threading
import time
from datetime import date
from multiprocessing.connection import Connection
from pathlib import PurePath
from typing import Any

from plans.limits import DEFAULT_LIMITS, MB, ReadLimits, count_text
from plans.ocr import Progress
from plans.parser import ParsedPlan, read_plan
from plans.readers import PlanReadError
from texts import messages

# Two reads at most at a time, each in its own capped child: a burst of uploads cannot
# multiply the memory the readers use.
_SLOTS = threading.BoundedSemaphore(2)
_START_SECONDS = 5.0  # the child's start-up and the result's trip back
_context_lock = threading.Lock()
_context: Any = None


def _mp_context() -> Any:
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["plans.parser"])
            _context = context
        return _context


def _child(
    conn: Connection, data: bytes, filename: str, today: date | None, calendar: Any,
    limits: ReadLimits, memory_bytes: int,
) -> None:
    try:
        if memory_bytes > 0:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        def progress(page: int, pages: int) -> None:
            conn.send(("progress", page, pages))

        plan = read_plan(data, filename, today=today, calendar=calendar, limits=limits,
                         progress=progress)
        conn.send(("ok", plan.to_state()))
    except PlanReadError as error:
        conn.send(("refused", error.code, error.message))
    except MemoryError:
        conn.send(("memory",))
    except BaseException as error:
        conn.send(("failed", f"{type(error).__name__}: {error}"))
    finally:
        conn.close()


def read_plan_isolated(
    data: bytes, filename: str, *, today: date | None = None, calendar: Any = None,
    limits: ReadLimits = DEFAULT_LIMITS, memory_mb: int = 1024,
    progress: Progress | None = None,
) -> ParsedPlan:
    """`read_plan` in a child process. Blocking: call it from a worker thread. Raises
    PlanReadError for every refusal, including the time and memory caps. A scan read by OCR
    reports its pages (`progress` is called here, in the caller's thread) and gets the
    longer OCR time budget from its first page on."""

    name = PurePath(filename or "tệp").name or "tệp"
    with _SLOTS:
        context = _mp_context()
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_child, name="nhacviec-plan-reader", daemon=True,
            args=(sender, data, filename, today, calendar, limits, memory_mb * MB),
        )
        process.start()
        sender.close()
        started = time.monotonic()
        seconds = limits.max_seconds
        try:
            while True:
                left = started + seconds + _START_SECONDS - time.monotonic()
                if left <= 0 or not receiver.poll(left):
                    raise PlanReadError("limit_time", messages.READ_LIMIT_TIME.format(
                        name=name, seconds=count_text(seconds)))
                try:
                    outcome = receiver.recv()
                except EOFError:
                    # The child died without a word: the kernel killed it, or it could not
                    # even allocate the exception. Either way the cap is what it hit.
                    outcome = ("memory",)
                if outcome[0] != "progress":
                    break
                # OCR under way: the child's guard switched to the OCR budget too.
                seconds = max(limits.max_seconds, limits.ocr_max_seconds)
                if progress is not None:
                    progress(outcome[1], outcome[2])
        finally:
            receiver.close()
            if process.is_alive():
                process.kill()
            process.join()
    kind = outcome[0]
    if kind == "ok":
        return ParsedPlan.from_state(outcome[1])
    if kind == "refused":
        raise PlanReadError(outcome[1], outcome[2])
    if kind == "memory":
        raise PlanReadError("limit_memory", messages.READ_LIMIT_MEMORY.format(
            name=name, limit=f"{memory_mb} MB"))
    raise RuntimeError(f"plan reader child failed: {outcome[1]}")
