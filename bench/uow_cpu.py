"""CPU and Python calls per update of the database side alone: the inbox write, then the
router's unit of work (actor, command, settle, commit), no HTTP and no PTB.

    python bench/uow_cpu.py [--code DIR] [--backends postgres,sqlite] [--updates 300]
        [--rounds 3] [--dump PREFIX]

`--code`: the checkout measured (default this one), so a before and an after run the same
harness. Everything runs on this thread, one update after the other (the units of work do
not go to worker threads here), so the count of Python calls per update (cProfile) is
exact whatever else the shared machine runs; CPU ms per update (this process, unprofiled,
the best of `--rounds`) is printed beside it. The data and the two workloads of
bench/peer_compare.py (`/nhiemvu`, `/giao DV<child> | … | 31/12/2030`); the payload written
to the inbox is a Telegram message update as PTB's `to_dict` gives it.
`--dump PREFIX` writes each workload's profile to PREFIX-<backend>-<workload>.prof.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

parser = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--code", default=str(Path(__file__).resolve().parents[1]))
parser.add_argument("--backends", default="postgres,sqlite")
parser.add_argument("--updates", type=int, default=300)
parser.add_argument("--rounds", type=int, default=3)
parser.add_argument("--dump", default="")
ARGS = parser.parse_args()
sys.path.insert(0, ARGS.code)

from bench.peer_compare import FIRST_USER_ID, seed_ours
from bench.reminders_common import ThrowawayDatabase
from bot.app import build_app
from db.inbox import inbox_for
from handlers.base import Incoming
from handlers.router import Router
from tests.support import RecordingReplier, make_settings

SENDERS = 50
UPDATE_IDS = itertools.count(1)


def telegram_update(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    person = {"id": user_id, "first_name": f"Cán bộ {user_id - FIRST_USER_ID}",
              "is_bot": False, "language_code": "vi"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_767_000_000, "text": text,
        "chat": {"id": user_id, "type": "private", "first_name": person["first_name"]},
        "from": person,
        "entities": [{"type": "bot_command", "offset": 0, "length": text.find(" ") % 99}]}}


async def one_update(app: Any, inbox: Any, user_id: int, text: str) -> None:
    update_id = next(UPDATE_IDS)
    inbox.record("telegram", str(update_id), telegram_update(update_id, user_id, text))
    incoming = Incoming(platform="telegram", chat_id=str(user_id), user_id=str(user_id),
                        user_name=f"Cán bộ {user_id - FIRST_USER_ID}", text=text,
                        message_id=str(update_id), inbox_key=str(update_id))
    await app.router.handle(incoming, RecordingReplier())


async def load(app: Any, inbox: Any, texts: list[str], count: int,
               profile: cProfile.Profile | None) -> float:
    users = [FIRST_USER_ID + i for i in range(1, SENDERS + 1)]
    cpu = time.process_time()
    if profile is not None:
        profile.enable()
    for i in range(count):
        await one_update(app, inbox, users[i % SENDERS], texts[i % len(texts)])
    if profile is not None:
        profile.disable()
    return 1000 * (time.process_time() - cpu) / count


async def measure(backend: str) -> None:
    db = ThrowawayDatabase(backend)
    try:
        seed_ours(db, argparse.Namespace(units=200, senders=SENDERS, tasks=10_000))
        settings = make_settings(Path(tempfile.mkdtemp()), db.url)
        app = build_app(settings, migrate=False)
        # One thread: the units of work take turns on this loop, so cProfile sees them all.
        app.router = Router(session_factory=app.session_factory, settings=settings,
                            clock=app.clock, evidence_store=app.router.evidence_store,
                            calendar_provider=app.router.calendar_provider, overlap=False)
        inbox = inbox_for(app.session_factory, app.clock, settings.inbox_retention_days)
        workloads = {
            "list": ["/nhiemvu"],
            "create": [f"/giao DV{SENDERS + i:04d} | Báo cáo CCHC quý | 31/12/2030"
                       for i in range(1, SENDERS + 1)],
        }
        try:
            for name, texts in workloads.items():
                await load(app, inbox, texts, 50, None)  # warm-up
                profile = cProfile.Profile()
                await load(app, inbox, texts, ARGS.updates, profile)
                calls = pstats.Stats(profile).total_calls / ARGS.updates
                if ARGS.dump:
                    profile.dump_stats(f"{ARGS.dump}-{backend}-{name}.prof")
                cpu = min([await load(app, inbox, texts, ARGS.updates, None)
                           for _ in range(ARGS.rounds)])
                print(f"{backend:8s} {name:6s} Python calls/update {calls:7.0f}  "
                      f"CPU ms/update {cpu:5.2f} (best of {ARGS.rounds})", flush=True)
        finally:
            app.close()
    finally:
        db.drop()


async def main() -> None:
    for backend in ARGS.backends.split(","):
        await measure(backend)


if __name__ == "__main__":
    asyncio.run(main())
