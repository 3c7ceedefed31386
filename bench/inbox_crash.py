"""Crash test of the inbox: kill -9 the bot at random moments while updates stream in, restart
it, and count updates lost, replies lost and answers sent twice.

    .venv/bin/python bench/inbox_crash.py                        # 600 updates, 5 kills
    .venv/bin/python bench/inbox_crash.py --count 2000 --kills 8 --backend postgres

The fake Bot API runs in this process; the bot is the real thing, `python -m bot run`, in a
child process, long polling. `--users` people send `--count` updates in all, at `--rate` a
second, each a different bare number ("1000017"): the bot answers each with one message that
quotes the number («1000017» …), so every answer is traced to its update. The bot is killed
with SIGKILL `--kills` times at random moments and restarted at once; when everything is
answered (or nothing more comes) it is stopped with SIGTERM.

Then, per update: never handled (no answer and no handled inbox row) → "lost updates";
handled (its unit of work committed) but never answered → "lost replies"; answered more than
once → "twice". The answers are stored with the inbox row in the unit of work's commit and
cleared once delivered, so those a kill cut off are sent on the next start
(handlers/durable_replies.py); each kill prints how many were owed, and how many of those
Telegram already had ("on the wire": sent, not yet cleared when the bot died). Those are the
only answers a restart sends again, so the targets are: lost updates 0, lost replies 0,
twice ≤ the answers on the wire at the kills.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select

from bench.crash_common import BotProcess
from bench.reminders_common import ThrowawayDatabase, bot_env
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


def inbox_state(db_url: str) -> dict[str, tuple[bool, bool]]:
    """Inbox key → (handled, answers still owed), read while no bot runs (a reader would only
    slow it down)."""
    from db.models import InboxUpdate
    from db.session import make_engine, make_session_factory

    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            return {key: (handled is not None, replies is not None)
                    for key, handled, replies in session.execute(
                        select(InboxUpdate.key, InboxUpdate.handled_at, InboxUpdate.replies)
                        .where(InboxUpdate.platform == "telegram"))}
    finally:
        engine.dispose()


def answered(server: FakeTelegramServer) -> int:
    return sum(1 for v in answers(server).values() if v)


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
        child = BotProcess(env, logs)
        child.start()
        started = time.monotonic()
        producer = asyncio.create_task(produce(server, args.count, args.users, args.rate,
                                               numbers))
        owed_at_kills = on_wire_at_kills = 0
        for number, point in enumerate(kill_points, 1):
            target = max(int(point * args.count), answered(server) + 1)
            await child.until(lambda t=target: answered(server) >= t)
            await asyncio.sleep(rng.uniform(0.0, 0.05))
            await child.kill()
            state = inbox_state(db.url)
            owed = sum(1 for _, o in state.values() if o)
            got = answers(server)
            on_wire = sum(1 for update_id, number in list(numbers.items())
                          if state.get(str(update_id), (False, False))[1] and got[number])
            owed_at_kills += owed
            on_wire_at_kills += on_wire
            print(f"  kill -9 #{number} at {time.monotonic() - started:.1f} s: "
                  f"{len(numbers)} sent, {answered(server)} answered, "
                  f"{sum(1 for h, _ in state.values() if not h)} in the inbox unhandled, "
                  f"{owed} handled with their answers owed ({on_wire} of them already on the wire)",
                  flush=True)
            child.start()
        await producer
        # Done when every number is answered, or when nothing more has come for a while.
        last_progress, last_seen = time.monotonic(), -1
        while time.monotonic() - last_progress < args.settle:
            seen = sum(1 for v in answers(server).values() if v)
            if seen == args.count:
                break
            if seen != last_seen:
                last_progress, last_seen = time.monotonic(), seen
            child.check_alive()
            await asyncio.sleep(0.2)
        await child.terminate()
        elapsed = time.monotonic() - started

        got = answers(server)
        handled = inbox_state(db.url)
        key_of = {number: str(update_id) for update_id, number in numbers.items()}
        twice = sum(1 for n in key_of if got[n] > 1)
        unanswered = [n for n in key_of if got[n] == 0]
        lost = sum(1 for n in unanswered if not handled.get(key_of[n], (False, False))[0])
        lost_replies = len(unanswered) - lost
        print(f"updates: {args.count}, answered {len(key_of) - len(unanswered)} in "
              f"{elapsed:.0f} s across {args.kills} kill -9; inbox rows {len(handled)}, "
              f"unhandled {sum(1 for h, _ in handled.values() if not h)}, answers still owed "
              f"{sum(1 for _, o in handled.values() if o)}")
        print(f"lost updates: {lost}, lost replies: {lost_replies}, twice: {twice}  (target 0, "
              f"0, ≤ {on_wire_at_kills} answers on the wire at the kills; {owed_at_kills} "
              f"answers were owed at the kills and sent on restart)")
        # A request cut off by the kill arrives half-written: the fake counts it as broken.
        broken = [v for v in server.violations
                  if "can't parse request body" in v or "Connection lost" in v]
        print(f"API violations: {len(server.violations) - len(broken)} (and {len(broken)} "
              f"requests cut off by a kill)")
        for violation in server.violations:
            if violation not in broken:
                print("  " + violation[:300])
        ok = lost == 0 and lost_replies == 0 and twice <= on_wire_at_kills
        return 0 if ok and len(broken) == len(server.violations) else 1
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
