"""`/nhiemvu` end to end through python-telegram-bot against the fake Bot API, beside a bare
python-telegram-bot echo bot on the same fake server, in the same run.

    python bench/nhiemvu_bench.py [--updates 2000] [--units 200] [--tasks 10000] [--db URL]
    python bench/nhiemvu_bench.py --fake-process                  # the fake gets its own core
    python bench/nhiemvu_bench.py --fake-process --latency-ms 50   # Telegram-like latency

Prints updates/s for both bots and their ratio (target ≥ 0.5), the CPU each spends on an
update, and p50/p95 of the time the bot spends on one /nhiemvu (router: session, queries,
rendering, commit; target p95 ≤ 50 ms).

With no latency (the default) the fake answers at once and both bots are bound by CPU: the
ratio is then the cost of a /nhiemvu (two queries, a ten-line HTML page with eleven buttons,
a reply ~10× the echo's) against PTB's cost of echoing a word. With latency the bots are bound
by how many calls they overlap. The echo bot runs twice: with PTB's defaults (one update at a
time, one connection) and configured like Nhắc Việc (16 concurrent updates, 16 connections),
so the ratio against each says what the work costs and what the concurrency costs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx
from sqlalchemy import insert

from bot.app import build_app
from bot.telegram import MAX_CONCURRENT_UPDATES, build_application
from config.settings import Settings
from db.models import Identity, Membership, Occurrence, Person, Task, Unit
from tests.fakes.telegram_api import DEFAULT_TOKEN, FakeTelegramServer
from timelang.deadlines import parse_deadline

FIRST_USER_ID = 500_000


def seed(app: Any, units: int, tasks: int) -> list[int]:
    """Units, one member each, and `tasks` one-off tasks spread evenly over the units."""
    now = datetime.now(UTC)
    today = now.date()
    spec = parse_deadline("31/12/2030", ref=today).to_spec()
    with app.session_factory() as session:
        session.execute(insert(Unit), [
            {"id": i, "code": f"DV{i:04d}", "name": f"Đơn vị {i}", "kind": "xa",
             "created_at": now} for i in range(1, units + 1)])
        session.execute(insert(Person), [
            {"id": i, "display_name": f"Cán bộ {i}", "is_admin": False, "created_at": now}
            for i in range(1, units + 1)])
        session.execute(insert(Identity), [
            {"person_id": i, "platform": "telegram", "external_id": str(FIRST_USER_ID + i),
             "private_chat_id": str(FIRST_USER_ID + i), "display_name": f"Cán bộ {i}",
             "created_at": now} for i in range(1, units + 1)])
        session.execute(insert(Membership), [
            {"person_id": i, "unit_id": i, "role": "member", "created_at": now}
            for i in range(1, units + 1)])
        session.execute(insert(Task), [
            {"id": t, "title": f"Nhiệm vụ số {t} về cải cách hành chính", "lead_unit_id":
             (t - 1) % units + 1, "deadline_text": "31/12/2030", "schedule_kind": "once",
             "schedule": spec, "status": "active", "created_at": now}
            for t in range(1, tasks + 1)])
        session.execute(insert(Occurrence), [
            {"task_id": t, "period_key": "once", "due_date": date(2026, 1, 1) +
             timedelta(days=t % 700), "progress": 0, "created_at": now}
            for t in range(1, tasks + 1)])
        session.commit()
    return [FIRST_USER_ID + i for i in range(1, units + 1)]


class InProcessFake:
    """The fake Bot API in this process and event loop (it then shares the bot's core)."""

    def __init__(self, server: FakeTelegramServer) -> None:
        self.server = server
        self.token = server.token
        self.api_base_url = server.api_base_url
        self.file_base_url = server.file_base_url

    async def messages(self) -> int:
        return len(self.server.sent_messages)

    async def send(self, users: list[int], count: int) -> None:
        fake_users = [self.server.user(u, f"Cán bộ {u}") for u in users]
        for i in range(count):
            self.server.send_text(fake_users[i % len(fake_users)], "/nhiemvu")

    async def wait_messages(self, target: int, poll: float = 0.02) -> None:
        await self.server.wait_for(lambda: len(self.server.sent_messages) >= target or None,
                                   timeout=600)


class ProcessFake:
    """The same fake in its own process, scripted over its /_fake endpoints."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.token = DEFAULT_TOKEN
        self.api_base_url = f"{self.base}/bot"
        self.file_base_url = f"{self.base}/file/bot"
        self.client = httpx.AsyncClient(timeout=30)

    async def messages(self) -> int:
        return int((await self.client.get(f"{self.base}/_fake/stats")).json()["messages"])

    async def send(self, users: list[int], count: int) -> None:
        await self.client.post(f"{self.base}/_fake/script",
                               json={"users": users, "count": count, "text": "/nhiemvu"})

    async def wait_messages(self, target: int, poll: float = 0.02) -> None:
        # Polling costs this process (the bot's) CPU: coarse under load, fine for one update.
        while await self.messages() < target:
            await asyncio.sleep(poll)


@dataclass
class Measured:
    updates: int
    seconds: float
    cpu_seconds: float  # of this process: the bot alone when the fake runs in its own process

    @property
    def rate(self) -> float:
        return self.updates / self.seconds

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu_seconds / self.updates


async def drive(fake: InProcessFake | ProcessFake, users: list[int], count: int,
                poll: float = 0.02) -> Measured:
    """Sends `count` /nhiemvu (or echo) updates round-robin and waits for every reply."""
    target = await fake.messages() + count
    start = time.perf_counter()
    cpu = time.process_time()
    await fake.send(users, count)
    await fake.wait_messages(target, poll)
    return Measured(count, time.perf_counter() - start, time.process_time() - cpu)


async def run_bot(server: InProcessFake | ProcessFake, settings: Settings, args: argparse.Namespace,
                  users: list[int], app: Any, single: list[float]) -> tuple[Measured, list[float]]:
    timings: list[float] = []
    unit_of_work = app.router._run_unit_of_work

    async def timed(incoming: Any, buffered: Any) -> bool:
        started = time.perf_counter()
        try:
            return await unit_of_work(incoming, buffered)
        finally:
            timings.append(time.perf_counter() - started)

    app.router._run_unit_of_work = timed
    application = build_application(settings, app.router)
    await application.initialize()
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        await drive(server, users, min(200, args.updates))  # warm-up
        for i in range(args.single):
            started = time.perf_counter()
            await drive(server, [users[i % len(users)]], 1, poll=0.0005)
            single.append(time.perf_counter() - started)
        timings.clear()
        measured = await drive(server, users, args.updates)
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
    return measured, timings


async def run_echo(server: InProcessFake | ProcessFake, args: argparse.Namespace,
                   users: list[int], *, concurrent: bool) -> Measured:
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    builder = (ApplicationBuilder().token(server.token).base_url(server.api_base_url)
               .base_file_url(server.file_base_url))
    if concurrent:
        # The same concurrency and connection pool as Nhắc Việc, so that with latency both
        # overlap their waits and the comparison is of work, not of waiting.
        builder = (builder.concurrent_updates(MAX_CONCURRENT_UPDATES)
                   .connection_pool_size(MAX_CONCURRENT_UPDATES))
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    await application.initialize()
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=1)
    # One at a time with latency is slow by design (1/latency updates a second): fewer suffice.
    count = args.updates if concurrent or not args.latency_ms else min(args.updates, 200)
    try:
        await drive(server, users, min(200, count))
        measured = await drive(server, users, count)
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
    return measured


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--page-size", type=int, default=10)
    parser.add_argument("--single", type=int, default=200,
                        help="updates sent one at a time for the end-to-end latency")
    parser.add_argument("--db", help="SQLAlchemy URL (default: a fresh SQLite file)")
    parser.add_argument("--fake-process", action="store_true",
                        help="run the fake Bot API in its own process (the bot gets a core)")
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="the fake answers each call after this delay (Telegram: 50-300 ms)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="nhacviec-bench-"))
    if args.fake_process:
        port = 18000 + os.getpid() % 1000
        process = subprocess.Popen([sys.executable, "-m", "tests.fakes.telegram_api", "--port",
                                    str(port), "--latency-ms", str(args.latency_ms)],
                                   cwd=ROOT, stdout=subprocess.DEVNULL)
        try:
            fake = ProcessFake(port)
            for _ in range(100):
                with contextlib.suppress(httpx.HTTPError):
                    await fake.messages()
                    break
                await asyncio.sleep(0.1)
            bot, timings, single, echo_default, echo_concurrent = await measure(
                fake, workdir, args)
            stats = (await fake.client.get(f"{fake.base}/_fake/stats")).json()
            assert stats["violations"] == 0, stats
        finally:
            process.terminate()
            process.wait()
    else:
        async with FakeTelegramServer(latency_ms=args.latency_ms) as server:
            bot, timings, single, echo_default, echo_concurrent = await measure(
                InProcessFake(server), workdir, args)
            server.assert_no_violations()
    p50, p95 = percentiles(timings)
    single_p50, single_p95 = percentiles(single) if single else (0.0, 0.0)
    backend = "PostgreSQL" if args.db and args.db.startswith("postgres") else "SQLite"
    where = "fake API in its own process" if args.fake_process else "fake API in-process"
    cpu_of = "the bot's own" if args.fake_process else "bot and fake"
    print(f"/nhiemvu bench: {args.tasks} nhiệm vụ, {args.units} đơn vị, {args.updates} cập nhật, "
          f"{backend}, {where}, API latency {args.latency_ms:.0f} ms")
    print(f"  Nhắc Việc /nhiemvu          : {bot.rate:8.1f} updates/s  "
          f"(CPU {bot.cpu_ms:.2f} ms/update, {cpu_of})")
    for label, echo in (("PTB defaults", echo_default),
                        (f"{MAX_CONCURRENT_UPDATES} at a time", echo_concurrent)):
        print(f"  PTB echo bot, {label:<14}: {echo.rate:8.1f} updates/s  "
              f"(CPU {echo.cpu_ms:.2f} ms/update)   ratio {bot.rate / echo.rate:.2f}"
              f"  (target >= 0.5)")
    print(f"  /nhiemvu processing (session, queries, rendering, commit) under load: "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms  (target p95 <= 50 ms)")
    print(f"  /nhiemvu end to end, one at a time (update in → reply out through PTB): "
          f"p50 {single_p50:.1f} ms, p95 {single_p95:.1f} ms")


async def measure(fake: InProcessFake | ProcessFake, workdir: Path, args: argparse.Namespace
                  ) -> tuple[Measured, list[float], list[float], Measured, Measured]:
    settings = Settings(_env_file=None, data_dir=workdir,  # type: ignore[call-arg]
                        database_url=args.db or f"sqlite:///{workdir / 'bench.db'}",
                        telegram_bot_token=fake.token,
                        telegram_api_base_url=fake.api_base_url,
                        telegram_file_base_url=fake.file_base_url,
                        page_size=args.page_size)
    app = build_app(settings)
    users = seed(app, args.units, args.tasks)
    single: list[float] = []
    try:
        bot, timings = await run_bot(fake, settings, args, users, app, single)
        echo_default = await run_echo(fake, args, users, concurrent=False)
        echo_concurrent = await run_echo(fake, args, users, concurrent=True)
    finally:
        app.close()
    return bot, timings, single, echo_default, echo_concurrent


def percentiles(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(s * 1000 for s in seconds)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


if __name__ == "__main__":
    asyncio.run(main())
