"""Scale: planning one day's reminders over 100,000 open occurrences across 5,000 units.

    .venv/bin/python bench/reminders_scale.py                       # SQLite and PostgreSQL
    .venv/bin/python bench/reminders_scale.py --backends sqlite --occurrences 20000

Each backend runs in its own child process, so its peak RSS is the whole process's: seeding,
migrations, planning. The province: 5,000 units in a tree (province → 50 districts → offices
and communes), a leader and two members in each, a bound group for a third of them, and
100,000 open one-off tasks due between 60 days before and 300 days after the planned day
(about one in six overdue, so reminded every working day; one task in a hundred has its own
policy).

Planned as the minute tick would: Monday 08/06/2026 08:00's reminders, then that Monday's
weekly digests to every leader and admin (their own transaction), then Tuesday 09/06/2026
08:00's reminders. Prints the time of each planning transaction (target ≤ 1 s) and the peak
RSS of the whole process (≤ 300 MB).
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

from bench.reminders_common import ThrowawayDatabase, peak_rss_mb, seed_province

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = date(2026, 6, 8)
TUESDAY = date(2026, 6, 9)
BUDGET_SECONDS = 1.0
BUDGET_RSS_MB = 300


def child(args: argparse.Namespace) -> dict[str, object]:
    from sqlalchemy import delete, func, select

    from db.models import AppSetting, Outbox
    from db.session import make_session_factory
    from scheduler.planner import (
        DIGEST_STATE_KEY,
        PLANNER_STATE_KEY,
        PlannerOptions,
        ReminderPlanner,
    )
    from scheduler.policy import REMINDER_KINDS, ReminderPolicy
    from timelang.clock import FakeClock

    db = ThrowawayDatabase(args.backend)
    try:
        engine = db.migrate()
        started = time.perf_counter()
        sizes = seed_province(engine, units=args.units, occurrences=args.occurrences,
                              day=MONDAY, overdue_days=args.overdue_days)
        seeded = time.perf_counter() - started
        factory = make_session_factory(engine)
        monday = datetime.combine(MONDAY, clock_time(8, 0), tzinfo=TZ).astimezone(UTC)
        clock = FakeClock(monday)
        planner = ReminderPlanner(
            session_factory=factory, clock=clock,
            options=PlannerOptions(tz=TZ, base_policy=ReminderPolicy()))
        planner.warm_up(monday)  # as the bot does at start
        results: dict[str, object] = {"backend": args.backend, **sizes,
                                      "seed_seconds": round(seeded, 1)}
        for label, day, digests in (("monday reminders", MONDAY, False),
                                    ("monday digests", MONDAY, True),
                                    ("tuesday reminders", TUESDAY, False)):
            now = datetime.combine(day, clock_time(8, 0), tzinfo=TZ).astimezone(UTC)
            clock.set(now)
            state_key = DIGEST_STATE_KEY if digests else PLANNER_STATE_KEY
            kinds_planned = ["digest"] if digests else list(REMINDER_KINDS)
            with factory() as session:
                state = session.get(AppSetting, state_key)
                previous = dict(state.value) if state else None
            timings = []
            for attempt in range(args.repeat):
                if attempt:  # undo the previous attempt: same slot, same work
                    with factory() as session:
                        session.execute(delete(Outbox).where(Outbox.scheduled_at == now,
                                                             Outbox.kind.in_(kinds_planned)))
                        state = session.get(AppSetting, state_key)
                        if previous is None:
                            session.delete(state)
                        else:
                            state.value = previous  # type: ignore[union-attr]
                        session.commit()
                run = planner.plan_digests(now) if digests else planner.plan_due(now)
                timings.append(run.seconds)
            with factory() as session:
                kinds = dict(session.execute(
                    select(Outbox.kind, func.count()).where(Outbox.scheduled_at == now)
                    .group_by(Outbox.kind)).all())
            if digests:
                kinds = {"digest": kinds.get("digest", 0)}
            else:
                kinds.pop("digest", None)
            results[label] = {"seconds": round(min(timings), 3),
                              "all": [round(t, 3) for t in timings], "messages": run.queued,
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
    parser.add_argument("--overdue-days", type=int, default=30,
                        help="open tasks are due from this many days ago to a year later")
    parser.add_argument("--repeat", type=int, default=3,
                        help="plan each slot this many times (undoing in between); best shown")
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
             str(args.units), "--occurrences", str(args.occurrences), "--overdue-days",
             str(args.overdue_days), "--repeat", str(args.repeat)],
            capture_output=True, text=True, check=False)
        if output.returncode != 0:
            print(output.stderr, file=sys.stderr)
            return 1
        result = json.loads(output.stdout.strip().splitlines()[-1])
        print(f"{backend}: {result['units']} units, {result['occurrences']} open occurrences, "
              f"{result['people']} people (seeded in {result['seed_seconds']} s)")
        for label in ("monday reminders", "tuesday reminders", "monday digests"):
            figures = result[label]
            print(f"  plan {label}: {figures['seconds']:.3f} s (best of {figures['all']}) for "
                  f"{figures['messages']} messages {figures['by_kind']} "
                  f"(target ≤ {BUDGET_SECONDS:.0f} s)")
            ok &= figures["seconds"] <= BUDGET_SECONDS
        print(f"  peak RSS of the whole process: {result['peak_rss_mb']:.0f} MB "
              f"(target ≤ {BUDGET_RSS_MB} MB)")
        ok &= result["peak_rss_mb"] <= BUDGET_RSS_MB
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
