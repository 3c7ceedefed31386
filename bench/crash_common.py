"""What the crash benches share: the bot as a child process (`python -m bot run`), killed with
SIGKILL or stopped with SIGTERM and started again, each run logging to its own file
(bot-0.log, bot-1.log …); waiting for progress while making sure it did not die on its own."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from bench.reminders_common import start_bot


async def wait_exit(process: subprocess.Popen[bytes], timeout: float = 60) -> int:
    """The child's exit code; SIGKILL after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while process.poll() is None:
        if time.monotonic() > deadline:
            process.kill()
        await asyncio.sleep(0.02)
    return process.returncode


class BotProcess:
    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.runs = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def process(self) -> subprocess.Popen[bytes]:
        assert self._process is not None, "the bot was not started"
        return self._process

    def start(self) -> None:
        self._process = start_bot(self.env, self.logs / f"bot-{self.runs}.log")
        self.runs += 1

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise SystemExit(f"the bot exited on its own; see {self.logs}")

    async def kill(self) -> int:
        """kill -9, then waits for the process to be gone."""
        os.kill(self.process.pid, signal.SIGKILL)
        return await wait_exit(self.process)

    async def terminate(self) -> int:
        """SIGTERM (a graceful stop), then waits for it to exit."""
        self.process.send_signal(signal.SIGTERM)
        return await wait_exit(self.process)

    async def until(self, done: Callable[[], bool], *, every: float = 0.005,
                    rng: random.Random | None = None) -> None:
        """Waits until `done()`, polling every `every` seconds (a random 1–10× that with
        `rng`), failing if the bot dies meanwhile."""
        while not done():
            self.check_alive()
            await asyncio.sleep(rng.uniform(every, every * 10) if rng else every)
