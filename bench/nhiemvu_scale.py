"""`/nhiemvu`'s query at 10,000 and at 100,000 tasks: it must stay flat (it should cost what
the person's tasks cost, not what the database holds).

    python bench/nhiemvu_scale.py [--backends postgres,sqlite] [--sizes 10000,100000]
        [--tasks-per-unit 50] [--support-every 10] [--repeat 300]

Per database and size, in a throw-away database: size / `--tasks-per-unit` units (the
database grows, one person's list does not: 10,000 tasks are 200 units of 50), tasks spread
evenly over them as lead unit, and every `--support-every`-th task also supported by the next unit (so
the list has lead and support tasks). Then `db.queries.task_page` for the units of one member
(first page of 10), `--repeat` times round-robin over the units: p50/p95 in ms, and the
ratio of the largest size's p50 to the smallest's (target <= 1.5). Exit 0 when flat.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bench.reminders_common import ThrowawayDatabase, _reset_sequences, bulk
from db.models import Occurrence, Task, Unit, task_support_units
from db.queries import task_page
from timelang.deadlines import parse_deadline


def seed(db: ThrowawayDatabase, units: int, tasks: int, support_every: int) -> None:
    engine = db.migrate()
    now = datetime.now(UTC)
    spec = parse_deadline("31/12/2030", ref=now.date()).to_spec()
    bulk(engine, Unit, ({"id": i, "code": f"DV{i:04d}", "name": f"Đơn vị {i}", "kind": "xa",
                         "created_at": now} for i in range(1, units + 1)))
    bulk(engine, Task, ({"id": t, "title": f"Nhiệm vụ số {t}", "lead_unit_id": (t - 1) % units + 1,
                         "deadline_text": "31/12/2030", "schedule_kind": "once",
                         "schedule": spec, "status": "active", "created_at": now}
                        for t in range(1, tasks + 1)))
    bulk(engine, Occurrence, ({"task_id": t, "period_key": "once",
                               "due_date": date(2026, 1, 1) + timedelta(days=t % 700),
                               "progress": 0, "created_at": now} for t in range(1, tasks + 1)))
    with engine.begin() as conn:
        rows = [{"task_id": t, "unit_id": t % units + 1}
                for t in range(support_every, tasks + 1, support_every)]
        for start in range(0, len(rows), 5000):
            conn.execute(insert(task_support_units), rows[start:start + 5000])
    _reset_sequences(engine)
    engine.dispose()


def time_queries(db: ThrowawayDatabase, units: int, repeat: int) -> list[float]:
    from db.session import make_engine  # the project's engine setup (SQLite pragmas and all)

    engine = make_engine(db.url)
    timings: list[float] = []
    today = datetime.now(UTC).date()
    with Session(engine) as session:
        for i in range(repeat + 20):
            started = time.perf_counter()
            rows, total = task_page(session, unit_ids=[i % units + 1], today=today)
            elapsed = time.perf_counter() - started
            assert rows and total > 0
            if i >= 20:  # the first ones warm caches and compile the statement
                timings.append(elapsed * 1000)
            session.rollback()
    engine.dispose()
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default="postgres,sqlite")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--tasks-per-unit", type=int, default=50)
    parser.add_argument("--support-every", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    ok = True
    for backend in args.backends.split(","):
        p50s = []
        for size in sizes:
            units = max(1, size // args.tasks_per_unit)
            db = ThrowawayDatabase(backend)
            try:
                seed(db, units, size, args.support_every)
                timings = sorted(time_queries(db, units, args.repeat))
            finally:
                db.drop()
            p50 = statistics.median(timings)
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            p50s.append(p50)
            print(f"{backend:<8} {size:>7} tasks, {units} units: /nhiemvu query "
                  f"p50 {p50:6.2f} ms, p95 {p95:6.2f} ms", flush=True)
        growth = p50s[-1] / p50s[0]
        flat = growth <= 1.5
        ok &= flat
        print(f"{backend:<8} p50 {sizes[-1]} / {sizes[0]}: {growth:.2f} (target <= 1.5)"
              f"{'' if flat else '   MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
