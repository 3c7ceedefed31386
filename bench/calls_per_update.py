"""Python calls and CPU per update on the whole Telegram path, in this process: PTB polling the
fake Bot API (its own process), the inbox, the router, the reply going out.

    python bench/calls_per_update.py [--code /tmp/base] [--backend sqlite] [--updates 300]

`--code`: the checkout whose bot is measured (default this one), so the before and after
run the same harness. On SQLite everything runs on this thread, so the count of Python
calls per update (cProfile) is exact and does not depend on the load of a shared machine,
unlike CPU time; on PostgreSQL the units of work run in worker threads, which the count
misses (CPU time is printed for both). The data of bench/peer_compare.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

parser = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--code", default=str(Path(__file__).resolve().parents[1]))
parser.add_argument("--backend", default="sqlite")
parser.add_argument("--updates", type=int, default=300)
ARGS = parser.parse_args()
sys.path.insert(0, ARGS.code)

import httpx

from bench.peer_compare import FIRST_USER_ID, Fake, seed_ours
from bench.reminders_common import ThrowawayDatabase
from bot.app import build_app
from bot.telegram import build_application
from db.inbox import inbox_for
from tests.support import make_settings


async def load(fake: Fake, users: list[int], texts: list[str], count: int,
               profile: cProfile.Profile | None) -> tuple[float, float]:
    target = await fake.messages() + count
    cpu = time.process_time()
    if profile is not None:
        profile.enable()
    await fake.send(users, texts, count)
    # Polled seldom: this process's own calls to the fake are counted too.
    await fake.wait_messages(target, 1.0)
    if profile is not None:
        profile.disable()
    spent = 1000 * (time.process_time() - cpu) / count
    calls = pstats.Stats(profile).total_calls / count if profile is not None else 0.0
    return spent, calls


async def main() -> None:
    port = 17000 + os.getpid() % 1000
    fake_process = subprocess.Popen([sys.executable, "-m", "tests.fakes.telegram_api",
                                     "--port", str(port)], cwd=ARGS.code,
                                    stdout=subprocess.DEVNULL)
    fake = Fake(port)
    db = ThrowawayDatabase(ARGS.backend)
    try:
        for _ in range(100):
            with contextlib.suppress(httpx.HTTPError):
                await fake.messages()
                break
            await asyncio.sleep(0.1)
        seed_ours(db, argparse.Namespace(units=200, senders=50, tasks=10_000))
        settings = make_settings(Path(tempfile.mkdtemp()), db.url,
                                 telegram_bot_token=fake.token,
                                 telegram_api_base_url=fake.api_base_url,
                                 telegram_file_base_url=fake.file_base_url)
        app = build_app(settings, migrate=False)
        inbox = inbox_for(app.session_factory, app.clock, settings.inbox_retention_days)
        application = build_application(settings, app.router, inbox=inbox)
        await application.initialize()
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=1)
        application.update_queue.replay([])  # type: ignore[attr-defined]
        users = [FIRST_USER_ID + i for i in range(1, 51)]
        workloads = {
            "list": ["/nhiemvu"],
            "create": [f"/giao DV{50 + i:04d} | Báo cáo CCHC quý | 31/12/2030"
                       for i in range(1, 51)],
        }
        try:
            for name, texts in workloads.items():
                await load(fake, users, texts, 50, None)  # warm-up
                cpu, calls = await load(fake, users, texts, ARGS.updates, cProfile.Profile())
                plain, _ = await load(fake, users, texts, ARGS.updates, None)
                print(f"{ARGS.backend} {name:6s} Python calls/update {calls:7.0f} (this thread)  "
                      f"CPU ms/update {plain:5.2f} ({cpu:5.2f} profiled)", flush=True)
        finally:
            await application.updater.stop()
            await application.stop()
            await application.shutdown()
            app.close()
    finally:
        db.drop()
        fake_process.terminate()
        fake_process.wait()


if __name__ == "__main__":
    asyncio.run(main())
