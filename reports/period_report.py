"""The report of a period: the frozen figures once a named period has closed, live ones
otherwise. Here rather than in `stats` so that the snapshots, built from the live figures,
never import back into them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from reports import snapshots
from reports.periods import Period
from reports.stats import Cutoff, Report, build_lines, current_tree, evaluate, own_counts


def build_report(
    session: Session,
    period: Period,
    *,
    today: date,
    now: datetime,
    tz: ZoneInfo,
    unit_ids: Collection[int] | None = None,
    freeze: bool = True,
) -> Report:
    """The report of `period` for the units in `unit_ids` (None: every unit).

    A named period that has closed is read from its snapshot, frozen now (when `freeze`)
    if this is the first report asked for since it closed."""
    if period.key is not None and period.is_closed(today):
        frozen = snapshots.load(session, period)
        if frozen is None and freeze and snapshots.may_freeze(session, period, tz):
            frozen = snapshots.freeze(session, period, now=now, tz=tz)
        if frozen is not None:
            return frozen.report(period, today=today, scope=unit_ids)
    cutoff = Cutoff.for_period(period, today)
    items, late_earlier = evaluate(session, period, cutoff, tz, unit_ids)
    lines = build_lines(current_tree(session), own_counts(items, late_earlier), unit_ids)
    return Report(
        period=period,
        today=today,
        as_of=cutoff.as_of,
        frozen=False,
        closed_at=None,
        units=lines,
        item_source=lambda: (items, late_earlier),
    )
