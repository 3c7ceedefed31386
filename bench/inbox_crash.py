"""Crash test of the inbox: kill -9 the bot at random moments while updates stream in, restart
it, and count updates lost and updates handled twice.

    .venv/bin/python bench/inbox_crash.py                        # 600 updates, 5 kills
    .venv/bin/python bench/inbox_crash.py --count 2000 --kills 8 --backend postgres

The fake Bot API runs in this process; the bot is the real thing, `python -m bot run`, in a
child process, long polling. `--users` people send `--count` updates in all, at `--rate` a
second, each a different bare number ("1000017"): the bot answers each with one message that
quotes the number («1000017» …), so every answer is traced to its update. The bot is killed
with SIGKILL `--kills` times at random moments and restarted at once; when everything is
answered (or nothing more comes) it is stopped with SIGTERM.

Then, per update: answered more than once → "twice"; never handled (no answer and no handled
inbox row) → "lost". Targets 0 and 0. An update whose unit of work committed (inbox row
handled, in the same transaction) but whose answer was on its way out when the process died
is reported apart: the change was made, the reply went down with the process (replies are sent
after the commit, never before it).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select

from bench.reminders_common import ThrowawayDatabase, bot_env, start_bot
from tests.fakes.telegram_api import FakeTelegramServer

FIRST_NUMBER = 1_000_000
FIRST_USER = 5_000_000
QUOTED = re.compile(r"«(\d+)»")


def answers(server: FakeTelegramServer) -> Counter[int]:
    """How many times each update's number was answered."""
    counts: Counter[int] = Counter()
    for message in server.sent_messages:
        found = QUOTED.match(message.text or "")
        if found:
            counts[int(found.group(1))] += 1
    return counts


def inbox_state(db_url: str) -> dict[str, bool]:
    """Inbox key → handled, read while no bot runs (a reader would only slow it down)."""
    from db.models import InboxUpdate
    from db.session import make_engine, make_session_factory

    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            return {key: handled is not None for key, handled in session.execute(
                select(InboxUpdate.key, InboxUpdate.handled_at).where(
                    InboxUpdate.platform == "telegram"))}
    finally:
        engine.dispose()


async def wait_exit(process: subprocess.Popen[bytes], timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while process.poll() is None:
        if time.monotonic() > deadline:
            process.kill()
        await asyncio.sleep(0.02)
    return process.returncode


async def produce(server: FakeTelegramServer, count: int, users: int, rate: float,
                  numbers: dict[int, int]) -> None:
    """Each update: one person sends one new number; `numbers` maps update id → number."""
    people = [server.user(FIRST_USER + i, f"Cán bộ {i}") for i in range(users)]
    for n in range(count):
        number = FIRST_NUMBER + n
        message = server.send_text(people[n % users], str(number))
        numbers[server.updates[-1]["update_id"]] = number
        assert server.updates[-1]["message"] is message
        await asyncio.sleep(1 / rate)


async def bench(args: argparse.Namespace) -> int:
    logging.getLogger("aiohttp").setLevel(logging.CRITICAL)  # killed clients are noise
    rng = random.Random(args.seed)
    server = FakeTelegramServer()
    await server.start()
    db = ThrowawayDatabase(args.backend, args.db)
    logs = Path(tempfile.mkdtemp(prefix="nhacviec-inbox-crash-"))
    try:
        db.migrate().dispose()
        env = bot_env(db.url, db.data_dir, server)
        numbers: dict[int, int] = {}
        # Kill points: random numbers of answered updates, each reached after a restart (a
        # kill during start-up tests nothing), then a random few milliseconds more.
        kill_points = sorted(rng.uniform(0.05, 0.9) for _ in range(args.kills))
        print(f"{args.count} updates from {args.users} people at {args.rate:.0f}/s, "
              f"{args.kills} kill -9 once {', '.join(f'{p:.0%}' for p in kill_points)} are "
              f"answered; database {args.backend}; logs in {logs}", flush=True)
        process = start_bot(env, logs / "bot-0.log")
        started = time.monotonic()
        producer = asyncio.create_task(produce(server, args.count, args.users, args.rate,
                                               numbers))
        for number, point in enumerate(kill_points, 1):
            at_restart = sum(1 for v in answers(server).values() if v)
            target = max(int(point * args.count), at_restart + 1)
            while sum(1 for v in answers(server).values() if v) < target:
                if process.poll() is not None:
                    raise SystemExit(f"the bot exited on its own; see {logs}")
                await asyncio.sleep(0.005)
            await asyncio.sleep(rng.uniform(0.0, 0.05))
            os.kill(process.pid, signal.SIGKILL)
            await wait_exit(process)
            done = inbox_state(db.url)
            print(f"  kill -9 #{number} at {time.monotonic() - started:.1f} s: "
                  f"{len(numbers)} sent, {sum(1 for v in answers(server).values() if v)} "
                  f"answered, {sum(1 for h in done.values() if not h)} in the inbox "
                  f"unhandled", flush=True)
            process = start_bot(env, logs / f"bot-{number}.log")
        await producer
        # Done when every number is answered, or when nothing more has come for a while.
        last_progress, last_seen = time.monotonic(), -1
        while time.monotonic() - last_progress < args.settle:
            seen = sum(1 for v in answers(server).values() if v)
            if seen == args.count:
                break
            if seen != last_seen:
                last_progress, last_seen = time.monotonic(), seen
            if process.poll() is not None:
                raise SystemExit(f"the bot exited on its own; see {logs}")
            await asyncio.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        await wait_exit(process)
        elapsed = time.monotonic() - started

        got = answers(server)
        handled = inbox_state(db.url)
        key_of = {number: str(update_id) for update_id, number in numbers.items()}
        twice = sum(1 for n in key_of if got[n] > 1)
        unanswered = [n for n in key_of if got[n] == 0]
        lost = sum(1 for n in unanswered if not handled.get(key_of[n], False))
        cut = len(unanswered) - lost
        print(f"updates: {args.count}, answered {len(key_of) - len(unanswered)} in "
              f"{elapsed:.0f} s across {args.kills} kill -9; inbox rows {len(handled)}, "
              f"unhandled {sum(1 for h in handled.values() if not h)}")
        print(f"lost: {lost}, twice: {twice}  (target 0/0)")
        print(f"handled but the answer died with the process (committed, reply not yet "
              f"sent): {cut}")
        # A request cut off by the kill arrives half-written: the fake counts it as broken.
        broken = [v for v in server.violations
                  if "can't parse request body" in v or "Connection lost" in v]
        print(f"API violations: {len(server.violations) - len(broken)} (and {len(broken)} "
              f"requests cut off by a kill)")
        for violation in server.violations:
            if violation not in broken:
                print("  " + violation[:300])
        return 0 if lost == 0 and twice == 0 and len(broken) == len(server.violations) else 1
    finally:
        await server.stop()
        db.drop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=600)
    # Telegram lets a bot send 30 messages a second, one a second per chat: above that the
    # answers wait in the bot's rate limiter, already committed, and a kill cuts them off.
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--rate", type=float, default=20.0, help="updates a second")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--db", help="use this database URL instead of a throw-away one")
    parser.add_argument("--settle", type=float, default=20.0,
                        help="seconds without a new answer before stopping")
    parser.add_argument("--seed", type=int, default=2026)
    return asyncio.run(bench(parser.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
