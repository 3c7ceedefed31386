"""Units of work overlapping or taking turns (handlers/turns.py), A/B in one process.

    python bench/turns_ab.py [--backend postgres] [--n 300] [--rounds 3]

The data of bench/peer_compare.py; `--n` updates (/nhiemvu, then /giao) from 50 people, at
most 16 in flight and one chat's in order (as the Telegram adapter's per-chat processor),
through `Router.handle` with a recording replier: no HTTP, no inbox, so what is measured is
the units of work alone. Overlap off (turns on the loop) and on (worker threads) alternate,
so a machine shared with other work weighs on both alike. Prints updates/s and the process
CPU per update of each round.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.peer_compare import FIRST_USER_ID, seed_ours
from bench.reminders_common import ThrowawayDatabase
from bot.app import build_app
from handlers.base import Incoming
from handlers.turns import Turns
from tests.support import RecordingReplier, make_settings


async def run(app: Any, texts: list[str], n: int, overlap: bool) -> tuple[float, float]:
    app.router._unit_of_work_turn = Turns(overlap=overlap)
    sem = asyncio.Semaphore(16)
    locks: dict[int, asyncio.Lock] = {}

    async def one(i: int) -> None:
        u = FIRST_USER_ID + 1 + i % 50
        lock = locks.setdefault(u, asyncio.Lock())
        async with sem, lock:
            msg = Incoming(platform="telegram", chat_id=str(u), chat_type="private", chat_title=None,
                           user_id=str(u), user_name=f"Cán bộ {u}", text=texts[i % len(texts)])
            r = RecordingReplier()
            await app.router.handle(msg, r)
            assert r.replies, r
    cpu0, t0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    dt, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    app.router._unit_of_work_turn.close()
    return n / dt, 1000 * cpu / n


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--n", type=int, default=300)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--backend", default="postgres")
    a = p.parse_args()
    ns = argparse.Namespace(units=200, senders=50, tasks=10000)
    db = ThrowawayDatabase(a.backend)
    try:
        seed_ours(db, ns)
        app = build_app(make_settings(Path(tempfile.mkdtemp()), db.url), migrate=False)
        workloads = {"list": ["/nhiemvu"], "create": [f"/giao DV{50 + i:04d} | Báo cáo CCHC quý | 31/12/2030" for i in range(1, 51)]}
        for name, texts in workloads.items():
            await run(app, texts, 50, True)  # warm-up
            res: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
            for _ in range(a.rounds):
                for ov in (False, True):
                    res[ov].append(await run(app, texts, a.n, ov))
            for ov in (False, True):
                rates = " ".join(f"{r:6.1f}" for r, _ in res[ov])
                cpus = " ".join(f"{c:5.2f}" for _, c in res[ov])
                print(f"{a.backend} {name:6s} overlap={ov!s:5s} updates/s {rates}  "
                      f"CPU ms/update {cpus}", flush=True)
        app.close()
    finally:
        db.drop()

if __name__ == "__main__":
    asyncio.run(main())
