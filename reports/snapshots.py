"""Frozen figures of closed periods (ReportSnapshot), so that a closed period's figures never
change afterwards.

When a period closes: a named period (month, quarter, half year, year) closes once its last
day has passed. It is frozen by whichever comes first: `close_periods`, meant to run daily
from the scheduler, or the first report asked for it. Since figures of an ended period are
computed as they stood at the end of its last day (reports.stats), the snapshot is the same
whenever it is taken; freezing guards against later edits (tasks imported or cancelled
afterwards, units moved).

Periods that ended before the bot tracked anything (before the first occurrence was
recorded) are not frozen: a plan imported later may still fill them in.

One row per unit and period; `figures` keeps the unit's own counts, the occurrences and
their statuses, and the unit's name and parent at the close, so that rolled-up figures and
the occurrence sheet of a closed period are rebuilt from the snapshot alone.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from db.locks import try_planner_lock
from db.models import Occurrence, ReportSnapshot
from db.session import SessionFactory, unit_of_work
from reports.periods import Period, named_periods_ending_between
from reports.stats import (
    Counts,
    Cutoff,
    Item,
    Report,
    UnitNode,
    build_lines,
    current_tree,
    evaluate,
    own_counts,
)
from timelang.clock import Clock
from timelang.status import Status, local_date

# How far back the daily job looks for periods left unfrozen (a year and a bit).
LOOKBACK_DAYS = 400
DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Frozen:
    closed_at: datetime
    nodes: dict[int, UnitNode]
    own: dict[int, Counts]
    # Per unit, the encoded occurrences (see `encode_items`), decoded only when needed.
    encoded_items: dict[int, str]
    encoded_late: dict[int, str]

    def report(
        self, period: Period, *, today: date, scope: Collection[int] | None
    ) -> Report:
        wanted = set(scope) if scope is not None else None
        units = [unit_id for unit_id in self.nodes if wanted is None or unit_id in wanted]

        def items() -> tuple[list[Item], list[Item]]:
            found: list[Item] = []
            late: list[Item] = []
            for unit_id in units:
                found += decode_items(unit_id, self.encoded_items.get(unit_id, ""))
                late += decode_items(unit_id, self.encoded_late.get(unit_id, ""))
            return (sorted(found, key=lambda item: item.occurrence_id),
                    sorted(late, key=lambda item: item.occurrence_id))

        return Report(
            period=period,
            today=today,
            as_of=period.end,
            frozen=True,
            closed_at=self.closed_at,
            units=build_lines(self.nodes, self.own, scope),
            item_source=items,
        )


# Occurrences are kept as one string per unit, «id,status,day,extended;…» (day as a
# proleptic ordinal, date.toordinal), because a
# closed year of a province holds 100,000 of them and a JSON list of lists takes ten times
# longer to read back than the figures themselves.
STATUS_CODES = {
    Status.DONE_ON_TIME: "o",
    Status.DONE_LATE: "l",
    Status.OVERDUE: "x",
    Status.IN_PROGRESS: "p",
    Status.DUE_SOON: "s",
}
CODE_STATUSES = {code: status for status, code in STATUS_CODES.items()}


def encode_items(items: Iterable[Item]) -> str:
    return ";".join(
        f"{item.occurrence_id},{STATUS_CODES[item.status]},{item.due.toordinal()},"
        f"{int(item.extended)}"
        for item in items
    )


def decode_items(unit_id: int, encoded: str) -> list[Item]:
    items: list[Item] = []
    if not encoded:
        return items
    for part in encoded.split(";"):
        occurrence_id, code, due, extended = part.split(",")
        items.append(Item(int(occurrence_id), unit_id, CODE_STATUSES[code],
                          date.fromordinal(int(due)), extended == "1"))
    return items




def tracking_started(session: Session, tz: ZoneInfo) -> date | None:
    """The local day the first occurrence was recorded."""
    first = session.scalar(select(func.min(Occurrence.created_at)))
    if first is None:
        return None
    if isinstance(first, str):  # SQLite hands aggregates back untyped
        first = datetime.fromisoformat(first)
    if first.tzinfo is None:
        first = first.replace(tzinfo=UTC)
    return local_date(first, tz)


def may_freeze(session: Session, period: Period, tz: ZoneInfo) -> bool:
    started = tracking_started(session, tz)
    return period.key is not None and started is not None and period.end >= started


def freeze(session: Session, period: Period, *, now: datetime, tz: ZoneInfo) -> Frozen:
    """Stores the period's figures for every unit and returns them. Flushes, never commits.
    Freezing twice (two workers at once) keeps the first rows."""
    if period.key is None:
        raise ValueError("only named periods are frozen")
    # Judged as on the day after the period: the snapshot does not depend on when it is taken.
    cutoff = Cutoff.for_period(period, period.end + timedelta(days=1))
    items, late_earlier = evaluate(session, period, cutoff, tz)
    own = own_counts(items, late_earlier)
    by_unit: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        by_unit[item.unit_id].append(item)
    late_by_unit: dict[int, list[Item]] = defaultdict(list)
    for item in late_earlier:
        late_by_unit[item.unit_id].append(item)
    nodes = current_tree(session)
    frozen = Frozen(
        closed_at=now,
        nodes=nodes,
        own={unit_id: own.get(unit_id, Counts()) for unit_id in nodes},
        encoded_items={unit_id: encode_items(found) for unit_id, found in by_unit.items()},
        encoded_late={unit_id: encode_items(found) for unit_id, found in late_by_unit.items()},
    )
    rows = [
        {
            "period_key": period.key,
            "from_date": period.start,
            "to_date": period.end,
            "unit_id": node.unit_id,
            "figures": {
                "code": node.code,
                "name": node.name,
                "parent_id": node.parent_id,
                "counts": frozen.own[node.unit_id].to_dict(),
                "items": frozen.encoded_items.get(node.unit_id, ""),
                "late_earlier": frozen.encoded_late.get(node.unit_id, ""),
            },
            "closed_at": now,
        }
        for node in nodes.values()
    ]
    if rows:
        session.connection().execute(_insert_ignoring_duplicates(session), rows)
    return frozen


def _insert_ignoring_duplicates(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    table = cast(Table, ReportSnapshot.__table__)
    if dialect in ("postgresql", "sqlite"):
        # The engine's own dialect only (already loaded by the engine): the other one stays
        # out of memory (issue 17: idle RSS).
        dialect_module: Any = importlib.import_module(f"sqlalchemy.dialects.{dialect}")
        return dialect_module.insert(table).on_conflict_do_nothing()
    return insert(table)


def load(session: Session, period: Period) -> Frozen | None:
    if period.key is None:
        return None
    rows = session.connection().execute(
        select(ReportSnapshot.unit_id, ReportSnapshot.figures, ReportSnapshot.closed_at).where(
            ReportSnapshot.period_key == period.key
        )
    ).all()
    if not rows:
        return None
    nodes: dict[int, UnitNode] = {}
    own: dict[int, Counts] = {}
    encoded_items: dict[int, str] = {}
    encoded_late: dict[int, str] = {}
    for unit_id, figures, _ in rows:
        nodes[unit_id] = UnitNode(unit_id, figures["code"], figures["name"], figures["parent_id"])
        own[unit_id] = Counts.from_dict(figures["counts"])
        encoded_items[unit_id] = figures.get("items", "")
        encoded_late[unit_id] = figures.get("late_earlier", "")
    return Frozen(
        closed_at=min(row[2] for row in rows),
        nodes=nodes,
        own=own,
        encoded_items=encoded_items,
        encoded_late=encoded_late,
    )


def close_periods(
    session: Session,
    today: date,
    *,
    now: datetime | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
    lookback_days: int = LOOKBACK_DAYS,
) -> list[str]:
    """Freezes every named period that has closed (ended before `today`, local) and is not
    frozen yet, back to `lookback_days`. For the scheduler's daily job; flushes, never
    commits. Returns the keys frozen, e.g. ["2026-03", "2026-Q1"]."""
    now = now or datetime.now(UTC)
    started = tracking_started(session, tz)
    if started is None:
        return []
    first = max(started, today - timedelta(days=lookback_days))
    frozen_keys = set(
        session.scalars(
            select(ReportSnapshot.period_key)
            .where(ReportSnapshot.to_date >= first)
            .distinct()
        )
    )
    closed: list[str] = []
    for period in named_periods_ending_between(first, today - timedelta(days=1)):
        assert period.key is not None
        if period.key in frozen_keys:
            continue
        if freeze(session, period, now=now, tz=tz).nodes:
            closed.append(period.key)
    return closed


def close_periods_job(session_factory: SessionFactory, clock: Clock, tz: ZoneInfo) -> list[str]:
    """One daily run in its own unit of work (synchronous: run it in a worker thread). On
    PostgreSQL only the instance holding the planner's lock freezes, so two never race."""
    now = clock.now()
    with unit_of_work(session_factory) as session:
        if not try_planner_lock(session):
            return []
        return close_periods(session, now.astimezone(tz).date(), now=now, tz=tz)
