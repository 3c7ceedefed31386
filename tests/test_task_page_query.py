"""`/nhiemvu`'s query (db.queries.task_page) against a plain-Python statement of its rule, on
both databases: a unit sees the active tasks it leads or supports (never another unit's), each
once, with its current occurrence; open first by due date, then done ones; paging and total."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import Session

from db.migrate import upgrade
from db.models import Occurrence, Task, Unit, task_support_units
from db.queries import TaskRow, task_page

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
UNITS = 6


def _seed(session: Session, rng: random.Random) -> tuple[dict[int, dict], list[dict]]:
    session.execute(insert(Unit), [
        {"id": u, "code": f"U{u}", "name": f"Đơn vị {u}", "kind": "xa", "created_at": NOW}
        for u in range(1, UNITS + 1)])
    tasks: dict[int, dict] = {}
    occurrences: list[dict] = []
    support_rows = []
    occurrence_id = 0
    for t in range(1, 81):
        lead = rng.randint(1, UNITS)
        # Some support their own lead unit too: the task must still be listed once.
        support = set(rng.sample(range(1, UNITS + 1), rng.choice([0, 0, 1, 2])))
        status = rng.choice(["active"] * 5 + ["cancelled"])
        tasks[t] = {"lead": lead, "support": support, "status": status}
        support_rows += [{"task_id": t, "unit_id": u} for u in support]
        for k in range(rng.randint(0, 3)):
            occurrence_id += 1
            due = TODAY + timedelta(days=rng.randint(-40, 40)) if rng.random() < 0.9 else None
            extended = due + timedelta(days=7) if due and rng.random() < 0.2 else None
            done = NOW - timedelta(days=1) if rng.random() < 0.4 else None
            occurrences.append({"id": occurrence_id, "task_id": t, "period_key": f"p{k}",
                                "due_date": due, "extended_due_date": extended,
                                "done_at": done, "progress": 100 if done else 0,
                                "created_at": NOW})
    session.execute(insert(Task), [
        {"id": t, "title": f"Nhiệm vụ {t}", "lead_unit_id": v["lead"], "deadline_text": "x",
         "schedule_kind": "once", "schedule": {}, "status": v["status"], "created_at": NOW}
        for t, v in tasks.items()])
    session.execute(insert(Occurrence), occurrences)
    if support_rows:
        session.execute(insert(task_support_units), support_rows)
    session.commit()
    return tasks, occurrences


def _expected(tasks: dict[int, dict], occurrences: list[dict], unit_ids: set[int] | None,
              overdue_only: bool) -> list[tuple[int, int]]:
    """(task id, current occurrence id) in list order, straight from the rule."""
    rows = []
    for t, task in tasks.items():
        if task["status"] != "active":
            continue
        if unit_ids is not None and task["lead"] not in unit_ids and \
                not task["support"] & unit_ids:
            continue
        mine = [o for o in occurrences if o["task_id"] == t]
        if not mine:
            continue
        open_ = [o for o in mine if o["done_at"] is None]

        def eff(o: dict) -> date | None:
            return o["extended_due_date"] or o["due_date"]
        if open_:
            current = min(open_, key=lambda o: (eff(o) is None, eff(o) or date.max, -o["id"]))
        else:
            current = max(mine, key=lambda o: (eff(o) is not None, eff(o) or date.min, o["id"]))
        if overdue_only and not (current["done_at"] is None and eff(current) is not None
                                 and eff(current) < TODAY):
            continue
        rows.append((current["done_at"] is not None, eff(current) is None,
                     eff(current) or date.max, t, current["id"]))
    return [(r[3], r[4]) for r in sorted(rows)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_task_page_matches_the_rule(db_url: str, seed: int) -> None:
    engine = create_engine(db_url)
    upgrade(engine)
    rng = random.Random(seed)
    try:
        with Session(engine) as session:
            tasks, occurrences = _seed(session, rng)
            cases: list[set[int] | None] = [None, {1}, {2}, {3, 4}, {1, 2, 3, 4, 5, 6}, {99}]
            for unit_ids in cases:
                for overdue_only in (False, True):
                    expected = _expected(tasks, occurrences, unit_ids, overdue_only)
                    got: list[TaskRow] = []
                    for offset in range(0, len(expected) + 10, 7):
                        page, total = task_page(session, unit_ids=unit_ids, today=TODAY,
                                                overdue_only=overdue_only, offset=offset,
                                                limit=7)
                        assert total == len(expected), (unit_ids, overdue_only)
                        got += page
                    assert [(r.task_id, r.occurrence_id) for r in got] == expected, \
                        (unit_ids, overdue_only)
            # A unit neither leading nor supporting a task never sees it.
            page, _ = task_page(session, unit_ids={3}, today=TODAY, limit=1000)
            for row in page:
                task = tasks[row.task_id]
                assert task["lead"] == 3 or 3 in task["support"]
    finally:
        engine.dispose()
