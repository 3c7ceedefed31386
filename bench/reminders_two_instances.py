"""Two bot instances on one PostgreSQL database share a 10,000-reminder batch.

    .venv/bin/python bench/reminders_two_instances.py              # 10,000 reminders, ~6 min
    .venv/bin/python bench/reminders_two_instances.py --count 1000

Both instances are the real `python -m bot run`, started before the scheduled minute. At the
minute both planners wake: one takes the advisory lock and plans, the other skips (and the
outbox keys would stop a second plan anyway). Both senders claim rows with FOR UPDATE SKIP
LOCKED. Each instance paces itself at half of Telegram's 30 messages/s
(TELEGRAM_RATE_GLOBAL_PER_SEC=15): the budget belongs to the bot, not to a process.

Prints: reminders sent twice (target 0), lost, how the batch split between the instances,
429s and limit violations at the fake Bot API.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select

from bench.reminders_common import (
    ThrowawayDatabase,
    bot_env,
    next_minute,
    quiet_hours_away,
    seed_recipients,
    start_bot,
)
from tests.fakes.telegram_api import FakeTelegramServer, RateLimits

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MARK = "Nhắc việc"


def outbox_state(db_url: str) -> tuple[Counter[str], Counter[str]]:
    from db.models import Outbox
    from db.session import make_engine, make_session_factory

    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            statuses = Counter(dict(session.execute(
                select(Outbox.status, func.count()).group_by(Outbox.status)).all()))
            owners = Counter(dict(session.execute(
                select(Outbox.claimed_by, func.count()).where(Outbox.status == "sent")
                .group_by(Outbox.claimed_by)).all()))
    finally:
        engine.dispose()
    return statuses, owners


async def bench(args: argparse.Namespace) -> int:
    logging.getLogger("aiohttp").setLevel(logging.CRITICAL)
    server = FakeTelegramServer(rate_limits=RateLimits(30, 1, 20), latency_ms=args.latency_ms)
    await server.start()
    db = ThrowawayDatabase("postgres", args.db)
    logs = Path(tempfile.mkdtemp(prefix="nhacviec-two-"))
    processes = []
    try:
        engine = db.migrate()
        slot = next_minute(args.lead_seconds)
        local_slot = slot.astimezone(TZ)
        recipients = seed_recipients(engine, args.count, due=local_slot.date())
        engine.dispose()
        quiet_start, quiet_end = quiet_hours_away(local_slot)
        env = bot_env(db.url, db.data_dir, server, REMIND_AT=local_slot.strftime("%H:%M"),
                      QUIET_START=quiet_start, QUIET_END=quiet_end,
                      TELEGRAM_RATE_GLOBAL_PER_SEC=str(30 / args.instances))
        processes = [start_bot(env, logs / f"instance-{i}.log") for i in range(args.instances)]
        print(f"{args.count} reminders due at {local_slot:%H:%M} "
              f"({(slot - datetime.now(UTC)).total_seconds():.0f} s from now); "
              f"{args.instances} instances on PostgreSQL; logs in {logs}", flush=True)
        started = time.monotonic()
        while True:
            statuses, _ = outbox_state(db.url)
            if statuses.get("sent", 0) >= args.count:
                break
            if any(p.poll() is not None for p in processes):
                raise SystemExit(f"an instance exited on its own; see {logs}")
            await asyncio.sleep(1.0)
        elapsed = time.monotonic() - started
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            while process.poll() is None:
                await asyncio.sleep(0.05)
        statuses, owners = outbox_state(db.url)
        got = Counter(str(m.chat_id) for m in server.sent_messages if MARK in (m.text or ""))
        twice = sum(n - 1 for n in got.values() if n > 1)
        lost = sum(1 for chat in recipients if got[chat] == 0)
        print(f"outbox rows: {dict(statuses)} (one per reminder: planned once)")
        print(f"split between instances: {sorted(owners.values(), reverse=True)}")
        print(f"reminders sent twice: {twice} (target 0); lost: {lost}")
        print(f"429s: {server.too_many_requests}; limit violations: "
              f"{server.limit_violations()}; {len(got)} chats in {elapsed:.0f} s")
        ok = twice == 0 and lost == 0 and sum(statuses.values()) == args.count \
            and len(owners) == args.instances
        return 0 if ok else 1
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        await server.stop()
        db.drop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--db", help="an empty PostgreSQL database URL (default: a new one)")
    parser.add_argument("--latency-ms", type=float, default=30.0)
    parser.add_argument("--lead-seconds", type=float, default=25.0)
    return asyncio.run(bench(parser.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
