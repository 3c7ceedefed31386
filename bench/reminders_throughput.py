"""Mass send at the scheduled minute against a fake Bot API that enforces Telegram's limits.

    .venv/bin/python bench/reminders_throughput.py                  # 10,000 reminders, ~6 min
    .venv/bin/python bench/reminders_throughput.py --count 1000     # a shorter run
    .venv/bin/python bench/reminders_throughput.py --backend postgres

The whole bot runs as in production (`bot.app.run`: python-telegram-bot polling the fake
server, the shared rate limiter, APScheduler, planner, sender) in this process, next to
`tests.fakes.telegram_api.FakeTelegramServer(rate_limits=30/s, 1/s per chat, 20/min per
group)`. `--count` officials in units of five each have one task due today; REMIND_AT is set
to the next whole minute, so the planner's minute tick plans `--count` reminders at once.
While they go out, officials send /trogiup every `--ask-every` seconds (half of them are
reminder recipients, whose chat may have just had a reminder, half are not) and the time until
the reply reaches the server is measured.

Prints: sustained messages/s (target ≥ 27), 429s (≤ 0.5 % of sends), limit violations (0),
p95/p99 command reply time (p95 ≤ 1 s), scheduled minute → first send (≤ 5 s).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.reminders_common import (
    ThrowawayDatabase,
    next_minute,
    peak_rss_mb,
    percentile,
    quiet_hours_away,
    seed_recipients,
    wall_to_monotonic,
)
from tests.fakes.telegram_api import FakeTelegramServer, FakeUser, RateLimits

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
REPLY_MARK = "Xin chào"  # the start of the /trogiup answer


async def ask(server: FakeTelegramServer, user: FakeUser, timings: list[float]) -> None:
    before = len(server.messages_to(user.id))
    started = time.monotonic()
    server.send_text(user, "/trogiup")

    def replied() -> bool:
        return any(REPLY_MARK in (m.text or "") for m in server.messages_to(user.id)[before:])

    await server.wait_for(replied, timeout=30, what=f"reply to {user.id}")
    timings.append(time.monotonic() - started)


async def bench(args: argparse.Namespace) -> int:
    from bot.app import build_app, run
    from config.settings import Settings

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    server = FakeTelegramServer(rate_limits=RateLimits(30, 1, 20), latency_ms=args.latency_ms)
    await server.start()
    db = ThrowawayDatabase(args.backend, args.db)
    try:
        engine = db.migrate()
        slot = next_minute(args.lead_seconds)
        local_slot = slot.astimezone(TZ)
        recipients = seed_recipients(engine, args.count, due=local_slot.date())
        engine.dispose()
        quiet_start, quiet_end = quiet_hours_away(local_slot)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=db.url, data_dir=db.data_dir, admins="",
            telegram_bot_token=server.token, telegram_api_base_url=server.api_base_url,
            telegram_file_base_url=server.file_base_url,
            remind_at=local_slot.strftime("%H:%M"), quiet_start=quiet_start,
            quiet_end=quiet_end)
        app = build_app(settings)
        stop = asyncio.Event()
        bot = asyncio.create_task(run(app, stop=stop))
        print(f"{args.count} reminders planned for {local_slot:%H:%M} "
              f"({(slot - datetime.now(UTC)).total_seconds():.0f} s from now), "
              f"database {args.backend}, fake API latency {args.latency_ms:.0f} ms", flush=True)

        recipient_set = set(recipients)
        askers = [server.user(20_000_000 + i, f"Người hỏi {i}") for i in range(args.askers)]
        askers += [server.user(int(c), f"Cán bộ {c}") for c in
                   recipients[:: max(1, len(recipients) // args.askers)][: args.askers]]
        timings: list[float] = []
        asking: list[asyncio.Task[None]] = []

        def reminders_accepted() -> int:
            return app.sender.stats.sent

        while not server.accepted_sends and not bot.done():
            await asyncio.sleep(0.01)
        first_send = min(s.time for s in server.accepted_sends) if server.accepted_sends else 0
        turn = 0
        last_progress = time.monotonic()
        while reminders_accepted() < args.count and not bot.done():
            asking.append(asyncio.create_task(ask(server, askers[turn % len(askers)], timings)))
            turn += 1
            await asyncio.sleep(args.ask_every)
            if time.monotonic() - last_progress > 30:
                last_progress = time.monotonic()
                print(f"  … {reminders_accepted()} sent, {len(timings)} replies", flush=True)
        await asyncio.gather(*asking)
        stop.set()
        await bot
        app.close()

        reminder_sends = [s for s in server.accepted_sends if str(s.chat_id) in recipient_set]
        per_chat = Counter(str(m.chat_id) for m in server.sent_messages
                           if "Nhắc việc" in (m.text or ""))
        times = sorted(s.time for s in server.accepted_sends)
        span = times[-1] - times[0] if len(times) > 1 else float("nan")
        reminder_times = sorted(s.time for s in reminder_sends)
        total = len(server.accepted_sends)
        slot_mono = wall_to_monotonic(slot)
        first_delay = first_send - slot_mono
        lost = sum(1 for c in recipients if per_chat[c] == 0)
        doubled = sum(n - 1 for n in per_chat.values() if n > 1)
        print(f"reminders delivered: {sum(per_chat.values())} to {len(per_chat)} chats "
              f"(lost {lost}, twice {doubled}); command replies: {len(timings)}; "
              f"total messages {total} in {span:.1f} s")
        print(f"sustained: {total / span:.2f} messages/s overall, "
              f"{len(reminder_times) / (reminder_times[-1] - reminder_times[0]):.2f} "
              f"reminders/s (target ≥ 27/s)")
        print(f"429 received: {server.too_many_requests} "
              f"({100 * server.too_many_requests / max(total, 1):.3f} % of sends; "
              f"target ≤ 0.5 %)")
        details = server.limit_violation_details()
        print(f"limit violations: {details['total']} (global {details['global']}, per chat "
              f"{details['per_chat']}, per group {details['per_group']}; target 0)")
        print(f"command reply during the mass send: n={len(timings)} "
              f"p50={percentile(timings, 0.50):.3f} s p95={percentile(timings, 0.95):.3f} s "
              f"p99={percentile(timings, 0.99):.3f} s max={max(timings, default=0):.3f} s "
              f"(target p95 ≤ 1 s)")
        print(f"scheduled minute {local_slot:%H:%M:%S} → first send: {first_delay:.2f} s "
              f"(target ≤ 5 s)")
        limiter = app.sender.limiters["telegram"]
        print(f"bot side: {limiter.stats.granted_priority} replies on the priority lane, "
              f"sender outcomes {app.sender.stats.by_status}; peak RSS {peak_rss_mb():.0f} MB "
              f"(bot and fake server together)")
        ok = (total / span >= 27 and server.too_many_requests <= 0.005 * total
              and details["total"] == 0 and percentile(timings, 0.95) <= 1.0
              and first_delay <= 5 and lost == 0 and doubled == 0)
        return 0 if ok else 1
    finally:
        await server.stop()
        db.drop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--db", help="use this database URL instead of a throw-away one")
    parser.add_argument("--latency-ms", type=float, default=30.0,
                        help="the fake API's answer delay (Telegram is ~50-200 ms away)")
    parser.add_argument("--askers", type=int, default=20)
    parser.add_argument("--ask-every", type=float, default=0.5)
    parser.add_argument("--lead-seconds", type=float, default=20.0,
                        help="at least this long between start and the scheduled minute")
    args = parser.parse_args(argv)
    return asyncio.run(bench(args))


if __name__ == "__main__":
    raise SystemExit(main())
