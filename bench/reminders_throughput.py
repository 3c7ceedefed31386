"""Mass send at the scheduled minute against a fake Bot API that enforces Telegram's limits.

    .venv/bin/python bench/reminders_throughput.py                  # 10,000 reminders, ~7 min
    .venv/bin/python bench/reminders_throughput.py --count 1000     # a shorter run
    .venv/bin/python bench/reminders_throughput.py --backend postgres

The bot is the real thing, `python -m bot run`, in a child process: python-telegram-bot polling
the fake server with the shared rate limiter, APScheduler, planner, sender. The fake Bot API
(`tests.fakes.telegram_api.FakeTelegramServer`, rate limits 30/s, 1/s per chat, 20/min per
group, answers after `--latency-ms`) runs in this process, like Telegram somewhere else.
`--count` officials in units of five each have one task due today; REMIND_AT is the next
whole minute, so the planner's minute tick plans `--count` reminders at once. While they go
out, officials send /trogiup every `--ask-every` seconds (half of them reminder recipients,
whose chat may just have had its reminder, half not) and the time until the reply reaches the
server is measured.

Prints: sustained messages/s (target ≥ 27), 429s (≤ 0.5 % of sends), limit violations (0),
p95/p99 command reply time (p95 ≤ 1 s), scheduled minute → first send (≤ 5 s), and the bot
process's peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
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

from bench.reminders_common import (
    ThrowawayDatabase,
    bot_env,
    next_minute,
    percentile,
    quiet_hours_away,
    seed_recipients,
    start_bot,
    wall_to_monotonic,
)
from tests.fakes.telegram_api import FakeTelegramServer, FakeUser, RateLimits

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
REPLY_MARK = "Xin chào"  # the start of the /trogiup answer
REMINDER_MARK = "Nhắc việc"


async def ask(server: FakeTelegramServer, user: FakeUser, timings: list[float]) -> None:
    before = len(server.messages_to(user.id))
    started = time.monotonic()
    server.send_text(user, "/trogiup")

    def replied() -> bool:
        return any(REPLY_MARK in (m.text or "") for m in server.messages_to(user.id)[before:])

    await server.wait_for(replied, timeout=30, what=f"reply to {user.id}")
    timings.append(time.monotonic() - started)


def peak_rss_of(pid: int) -> float:
    """A live process's peak resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def bench(args: argparse.Namespace) -> int:
    logging.getLogger("aiohttp").setLevel(logging.CRITICAL)
    server = FakeTelegramServer(rate_limits=RateLimits(30, 1, 20), latency_ms=args.latency_ms)
    await server.start()
    db = ThrowawayDatabase(args.backend, args.db)
    logs = Path(tempfile.mkdtemp(prefix="nhacviec-throughput-"))
    process = None
    try:
        engine = db.migrate()
        slot = next_minute(args.lead_seconds)
        local_slot = slot.astimezone(TZ)
        recipients = seed_recipients(engine, args.count, due=local_slot.date())
        engine.dispose()
        quiet_start, quiet_end = quiet_hours_away(local_slot)
        env = bot_env(db.url, db.data_dir, server, REMIND_AT=local_slot.strftime("%H:%M"),
                      QUIET_START=quiet_start, QUIET_END=quiet_end)
        process = start_bot(env, logs / "bot.log")
        print(f"{args.count} reminders planned for {local_slot:%H:%M} "
              f"({(slot - datetime.now(UTC)).total_seconds():.0f} s from now), "
              f"database {args.backend}, fake API latency {args.latency_ms:.0f} ms; "
              f"bot log {logs / 'bot.log'}", flush=True)

        recipient_set = set(recipients)
        askers = [server.user(20_000_000 + i, f"Người hỏi {i}") for i in range(args.askers)]
        askers += [server.user(int(c), f"Cán bộ {c}") for c in
                   recipients[:: max(1, len(recipients) // args.askers)][: args.askers]]
        timings: list[float] = []
        asking: list[asyncio.Task[None]] = []
        reminded: set[str] = set()
        seen = 0

        def progress() -> int:
            nonlocal seen
            for message in server.sent_messages[seen:]:
                if REMINDER_MARK in (message.text or ""):
                    reminded.add(str(message.chat_id))
            seen = len(server.sent_messages)
            return len(reminded)

        while not server.accepted_sends:
            if process.poll() is not None:
                raise SystemExit(f"the bot exited; see {logs / 'bot.log'}")
            await asyncio.sleep(0.01)
        first_send = min(s.time for s in server.accepted_sends)
        turn = 0
        last_progress = time.monotonic()
        deadline = time.monotonic() + args.count / 20 + 120
        while progress() < args.count and time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"the bot exited; see {logs / 'bot.log'}")
            asking.append(asyncio.create_task(ask(server, askers[turn % len(askers)], timings)))
            turn += 1
            await asyncio.sleep(args.ask_every)
            if time.monotonic() - last_progress > 30:
                last_progress = time.monotonic()
                print(f"  … {len(reminded)} reminded, {len(timings)} replies", flush=True)
        await asyncio.gather(*asking)
        rss = peak_rss_of(process.pid)
        process.send_signal(signal.SIGTERM)
        while process.poll() is None:
            await asyncio.sleep(0.05)

        per_chat = Counter(str(m.chat_id) for m in server.sent_messages
                           if REMINDER_MARK in (m.text or ""))
        times = sorted(s.time for s in server.accepted_sends)
        total = len(times)
        span = times[-1] - times[0]
        # Steady state: the middle 90 % of the send, without its first and last moments.
        low, high = times[total // 20], times[-(total // 20) - 1]
        steady = sum(1 for t in times if low <= t <= high) / (high - low)
        reminder_times = sorted(s.time for s in server.accepted_sends
                                if str(s.chat_id) in recipient_set)
        first_delay = first_send - wall_to_monotonic(slot)
        lost = sum(1 for c in recipients if per_chat[c] == 0)
        doubled = sum(n - 1 for n in per_chat.values() if n > 1)
        details = server.limit_violation_details()
        gaps = sorted(b - a for a, b in itertools.pairwise(times))
        print(f"reminders delivered: {sum(per_chat.values())} to {len(per_chat)} chats "
              f"(lost {lost}, twice {doubled}); command replies: {len(timings)}; "
              f"messages in all {total} in {span:.1f} s")
        print(f"sustained: {steady:.2f} messages/s in the middle 90 % of the send "
              f"({total / span:.2f} from first to last message; "
              f"{len(reminder_times) / (reminder_times[-1] - reminder_times[0]):.2f} reminders/s "
              f"beside the replies) (target ≥ 27/s)")
        print(f"429 received: {server.too_many_requests} "
              f"({100 * server.too_many_requests / max(total, 1):.3f} % of sends; "
              f"target ≤ 0.5 %)")
        print(f"limit violations: {details['total']} (global {details['global']}, per chat "
              f"{details['per_chat']}, per group {details['per_group']}; target 0)")
        print(f"command reply during the mass send: n={len(timings)} "
              f"p50={percentile(timings, 0.50):.3f} s p95={percentile(timings, 0.95):.3f} s "
              f"p99={percentile(timings, 0.99):.3f} s max={max(timings, default=0):.3f} s "
              f"(target p95 ≤ 1 s)")
        print(f"scheduled minute {local_slot:%H:%M:%S} → first send: {first_delay:.2f} s "
              f"(target ≤ 5 s)")
        print(f"gaps between accepted sends: median {1000 * percentile(gaps, 0.5):.1f} ms, "
              f"p90 {1000 * percentile(gaps, 0.9):.1f} ms; bot process peak RSS {rss:.0f} MB")
        ok = (steady >= 27 and server.too_many_requests <= 0.005 * total
              and details["total"] == 0 and percentile(timings, 0.95) <= 1.0
              and first_delay <= 5 and lost == 0 and doubled == 0)
        return 0 if ok else 1
    finally:
        if process is not None and process.poll() is None:
            process.kill()
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
    parser.add_argument("--lead-seconds", type=float, default=25.0,
                        help="at least this long between start and the scheduled minute")
    return asyncio.run(bench(parser.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
