"""Crash test: kill -9 the bot at random moments of a mass send, restart it, count.

    .venv/bin/python bench/reminders_crash.py                      # 10,000 reminders, ~7 min
    .venv/bin/python bench/reminders_crash.py --count 1000 --kills 3 --terms 2
    .venv/bin/python bench/reminders_crash.py --backend postgres

The fake Bot API (Telegram's limits enforced) runs in this process and counts what each chat
received. The bot is the real thing, `python -m bot run`, in a child process. `--count`
reminders are queued for the current minute; while the bot sends them it is killed with
SIGKILL `--kills` times at random points (and restarted at once), then stopped with SIGTERM
`--terms` times (and restarted), until everything is delivered.

After each stop the database is compared with the server: rows the dead bot had claimed
(`sending`) are "in flight"; of those, the ones the server had already accepted were on the
wire but not yet recorded — the only ones a restart can send twice.

Prints: reminders lost (target 0) and duplicates (target ≤ the sends in flight at the kills,
printed beside it); duplicates caused by the SIGTERM stops (target 0).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
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

from bench.crash_common import BotProcess
from bench.reminders_common import (
    ThrowawayDatabase,
    bot_env,
    quiet_hours_away,
    seed_recipients,
)
from tests.fakes.telegram_api import FakeTelegramServer, RateLimits

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MARK = "Nhắc việc"


def delivered(server: FakeTelegramServer) -> Counter[str]:
    return Counter(str(m.chat_id) for m in server.sent_messages if MARK in (m.text or ""))


def queue_reminders(db_url: str, remind_at: datetime) -> int:
    """What the planner's tick would queue at `remind_at`, written now."""
    from bot.app import build_app
    from config.settings import Settings
    from scheduler.planner import PlannerOptions, ReminderPlanner

    quiet_start, quiet_end = quiet_hours_away(remind_at)
    settings = Settings(_env_file=None, database_url=db_url,  # type: ignore[call-arg]
                        data_dir=Path(tempfile.gettempdir()), remind_at=remind_at.strftime(
                            "%H:%M"), quiet_start=quiet_start, quiet_end=quiet_end, admins="")
    app = build_app(settings, migrate=False)
    try:
        planner = ReminderPlanner(session_factory=app.session_factory, clock=app.clock,
                                  options=PlannerOptions.from_settings(settings))
        return sum(1 for _, new in planner.record(remind_at) if new)
    finally:
        app.close()


def in_flight(db_url: str, server: FakeTelegramServer) -> tuple[int, int]:
    """(rows claimed but not recorded, of which the server already has the message)."""
    from db.models import Outbox
    from db.session import make_engine, make_session_factory

    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            chats = session.scalars(select(Outbox.chat_id).where(
                Outbox.status == "sending")).all()
    finally:
        engine.dispose()
    got = delivered(server)
    return len(chats), sum(1 for chat in chats if got[chat])


def outbox_counts(db_url: str) -> Counter[str]:
    from db.models import Outbox
    from db.session import make_engine, make_session_factory

    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as session:
            return Counter(dict(session.execute(
                select(Outbox.status, func.count()).group_by(Outbox.status)).all()))
    finally:
        engine.dispose()


async def bench(args: argparse.Namespace) -> int:
    # A killed client drops its connection mid-request: the fake server's log of it is noise.
    logging.getLogger("aiohttp").setLevel(logging.CRITICAL)
    rng = random.Random(args.seed)
    server = FakeTelegramServer(rate_limits=RateLimits(30, 1, 20), latency_ms=args.latency_ms)
    await server.start()
    db = ThrowawayDatabase(args.backend, args.db)
    logs = Path(tempfile.mkdtemp(prefix="nhacviec-crash-"))
    try:
        engine = db.migrate()
        now_local = datetime.now(UTC).astimezone(TZ).replace(second=0, microsecond=0)
        recipients = seed_recipients(engine, args.count, due=now_local.date())
        engine.dispose()
        queued = queue_reminders(db.url, now_local)
        quiet_start, quiet_end = quiet_hours_away(now_local)
        env = bot_env(db.url, db.data_dir, server, REMIND_AT=now_local.strftime("%H:%M"),
                      QUIET_START=quiet_start, QUIET_END=quiet_end)
        print(f"{queued} reminders queued for {now_local:%H:%M}; database {args.backend}; "
              f"logs in {logs}", flush=True)

        # Stop points: kills first at random fractions, then the graceful stops.
        kill_points = sorted(rng.uniform(0.05, 0.6) for _ in range(args.kills))
        term_points = sorted(rng.uniform(0.65, 0.9) for _ in range(args.terms))
        events = [("kill", p) for p in kill_points] + [("term", p) for p in term_points]
        child = BotProcess(env, logs)
        child.start()
        kill_in_flight = kill_on_wire = 0
        term_left = 0
        report: list[str] = []
        started = time.monotonic()
        for number, (how, fraction) in enumerate(events, 1):
            target = int(fraction * args.count)
            await child.until(lambda t=target: sum(1 for c in delivered(server).values() if c) >= t,
                            rng=rng)
            code = await (child.kill() if how == "kill" else child.terminate())
            # Requests the dead bot had on the wire still land (the fake answers after its
            # latency): let them, then compare.
            await asyncio.sleep(args.latency_ms / 1000 + 0.5)
            sent_now = sum(1 for c in delivered(server).values() if c)
            claimed, on_wire = in_flight(db.url, server)
            if how == "kill":
                kill_in_flight += claimed
                kill_on_wire += on_wire
                report.append(f"kill -9 #{number} at {sent_now} delivered: {claimed} claimed "
                              f"in flight, {on_wire} of them already on the wire")
            else:
                term_left += claimed
                report.append(f"SIGTERM #{number - args.kills} at {sent_now} delivered: exit "
                              f"{code}, {claimed} left in flight ({on_wire} on the wire)")
            print("  " + report[-1], flush=True)
            child.start()
        await child.until(lambda: outbox_counts(db.url).get("sent", 0) >= queued, every=0.2)
        await child.terminate()
        elapsed = time.monotonic() - started

        got = delivered(server)
        lost = sum(1 for chat in recipients if got[chat] == 0)
        duplicates = sum(n - 1 for n in got.values() if n > 1)
        statuses = outbox_counts(db.url)
        print(f"reminders: {args.count}, delivered to {len(got)} chats in {elapsed:.0f} s; "
              f"outbox {dict(statuses)}")
        print(f"reminders lost: {lost} (target 0)")
        print(f"duplicates: {duplicates} (target ≤ sends in flight at the kills: "
              f"{kill_in_flight} claimed, {kill_on_wire} of them already on the wire)")
        print(f"after SIGTERM: {term_left} left in flight, so 0 duplicates from the "
              f"{args.terms} graceful stop(s) (target 0)")
        print(f"limit violations: {server.limit_violations()}, 429s: "
              f"{server.too_many_requests}")
        ok = lost == 0 and duplicates <= kill_in_flight and term_left == 0 \
            and duplicates <= kill_on_wire
        return 0 if ok else 1
    finally:
        await server.stop()
        db.drop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=4)
    parser.add_argument("--terms", type=int, default=2)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--db", help="use this database URL instead of a throw-away one")
    parser.add_argument("--latency-ms", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=2026)
    return asyncio.run(bench(parser.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
