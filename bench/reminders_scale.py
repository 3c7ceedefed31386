"""Scale: planning one day's reminders over 100,000 open occurrences across 5,000 units.

    .venv/bin/python bench/reminders_scale.py                       # SQLite and PostgreSQL
    .venv/bin/python bench/reminders_scale.py --backends sqlite --occurrences 20000

Each backend runs in its own child process, so its peak RSS is the whole process's: seeding,
migrations, planning. The province: 5,000 units in a tree (province → 50 districts → offices
and communes), a leader and two members in each, a bound group for a third of them, and
100,000 open one-off tasks due between 60 days before and 300 days after the planned day
(about one in six overdue, so reminded every working day; one task in a hundred has its own
policy).

Two slots are planned, as the minute tick would: Monday 08/06/2026 08:00 (reminders and the
weekly digests to every leader and admin) and Tuesday 09/06/2026 08:00 (reminders only).
Prints the time of each planning transaction (target ≤ 1 s) and the peak RSS (≤ 300 MB).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.reminders_common import ThrowawayDatabase, peak_rss_mb, seed_province  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = date(2026, 6, 8)
TUESDAY = date(2026, 6, 9)
BUDGET_SECONDS = 1.0
BUDGET_RSS_MB = 300


def child(args: argparse.Namespace) -> dict[str, object]:
    from sqlalchemy import func, select

    from db.models import Outbox
    from db.session import make_session_factory
    from scheduler.clock import FakeClock
    from scheduler.planner import PlannerOptions, ReminderPlanner
    from scheduler.policy import ReminderPolicy

    db = ThrowawayDatabase(args.backend)
    try:
        engine = db.migrate()
        started = time.perf_counter()
        sizes = seed_province(engine, units=args.units, occurrences=args.occurrences,
                              day=MONDAY)
        seeded = time.perf_counter() - started
        factory = make_session_factory(engine)
        monday = datetime.combine(MONDAY, clock_time(8, 0), tzinfo=TZ).astimezone(UTC)
        clock = FakeClock(monday)
        planner = ReminderPlanner(
            session_factory=factory, clock=clock,
            options=PlannerOptions(tz=TZ, base_policy=ReminderPolicy()))
        results: dict[str, object] = {"backend": args.backend, **sizes,
                                      "seed_seconds": round(seeded, 1)}
        for label, day in (("monday_with_digests", MONDAY), ("tuesday", TUESDAY)):
            now = datetime.combine(day, clock_time(8, 0), tzinfo=TZ).astimezone(UTC)
            clock.set(now)
            run = planner.plan_due(now)
            with factory() as session:
                kinds = dict(session.execute(
                    select(Outbox.kind, func.count()).where(Outbox.scheduled_at == now)
                    .group_by(Outbox.kind)).all())
            results[label] = {"seconds": round(run.seconds, 3), "messages": run.queued,
                              "by_kind": kinds}
        engine.dispose()
        results["peak_rss_mb"] = round(peak_rss_mb(), 1)
        return results
    finally:
        db.drop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--units", type=int, default=5_000)
    parser.add_argument("--occurrences", type=int, default=100_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return 0
    ok = True
    for backend in args.backends.split(","):
        output = subprocess.run(
            [sys.executable, __file__, "--child", "--backend", backend, "--units",
             str(args.units), "--occurrences", str(args.occurrences)],
            capture_output=True, text=True, check=False)
        if output.returncode != 0:
            print(output.stderr, file=sys.stderr)
            return 1
        result = json.loads(output.stdout.strip().splitlines()[-1])
        print(f"{backend}: {result['units']} units, {result['occurrences']} open occurrences, "
              f"{result['people']} people (seeded in {result['seed_seconds']} s)")
        for label in ("monday_with_digests", "tuesday"):
            figures = result[label]
            print(f"  plan {label.replace('_', ' ')}: {figures['seconds']:.3f} s for "
                  f"{figures['messages']} messages {figures['by_kind']} "
                  f"(target ≤ {BUDGET_SECONDS:.0f} s)")
            ok &= figures["seconds"] <= BUDGET_SECONDS
        print(f"  peak RSS of the whole process: {result['peak_rss_mb']:.0f} MB "
              f"(target ≤ {BUDGET_RSS_MB} MB)")
        ok &= result["peak_rss_mb"] <= BUDGET_RSS_MB
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
