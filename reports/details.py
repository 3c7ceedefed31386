"""What the spreadsheets and the dossier show about each occurrence: its task, plan, dates,
who completed it, its evidence and its extension."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.models import Evidence, ExtensionRequest, Occurrence, Person, Plan, Task, Unit
from reports.periods import PeriodError, period_by_key
from texts import messages

CHUNK = 500

T = TypeVar("T")


@dataclass(frozen=True)
class OccurrenceDetail:
    occurrence_id: int
    task_id: int
    task_ref: str | None
    task_title: str
    plan_id: int | None
    plan_number: str | None
    plan_title: str | None
    unit_code: str
    unit_name: str
    period_key: str
    period_start: date | None
    period_end: date | None
    due_date: date | None
    extended_due_date: date | None
    done_at: datetime | None
    done_by: str | None
    done_note: str | None
    progress: int
    evidence_count: int

    @property
    def period_label(self) -> str:
        return period_label(self.period_key, self.period_start, self.period_end)

    @property
    def plan_label(self) -> str:
        if self.plan_id is None:
            return messages.REPORT_NO_PLAN
        return plan_label(self.plan_number, self.plan_title)


@dataclass(frozen=True)
class ExtensionDetail:
    occurrence_id: int
    old_due: date | None
    new_due: date
    reason: str
    requested_by: str | None
    decided_by: str | None
    decided_at: datetime | None


def period_label(key: str, start: date | None, end: date | None) -> str:
    """«quý I/2026» for the keys the scheduler writes, dates otherwise."""
    if key == "once":
        return messages.PERIOD_ONCE
    if key == "ongoing":
        return messages.PERIOD_ONGOING
    try:
        return period_by_key(key).label
    except PeriodError:
        pass
    week = re.fullmatch(r"(\d{4})-W(\d{2})", key)
    if week:
        return messages.PERIOD_WEEK.format(week=week[2], year=week[1])
    if start and end:
        if start == end:  # a daily report's period is its one day
            return messages.PERIOD_DAY.format(day=messages.fmt_date(start))
        return f"{messages.fmt_date(start)}–{messages.fmt_date(end)}"
    return key


def plan_label(number: str | None, title: str | None) -> str:
    if number and title:
        return f"{number} — {title}"
    return number or title or messages.REPORT_NO_PLAN


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def occurrence_details(session: Session, ids: Iterable[int]) -> dict[int, OccurrenceDetail]:
    wanted = sorted(set(ids))
    done_by = aliased(Person)
    evidence_counts = (
        select(Evidence.occurrence_id, func.count(Evidence.id).label("n"))
        .group_by(Evidence.occurrence_id)
        .subquery()
    )
    result: dict[int, OccurrenceDetail] = {}
    for part in chunks(wanted):
        rows = session.execute(
            select(
                Occurrence.id,
                Task.id,
                Task.ref,
                Task.title,
                Plan.id,
                Plan.number,
                Plan.title,
                Unit.code,
                Unit.name,
                Occurrence.period_key,
                Occurrence.period_start,
                Occurrence.period_end,
                Occurrence.due_date,
                Occurrence.extended_due_date,
                Occurrence.done_at,
                done_by.display_name,
                Occurrence.done_note,
                Occurrence.progress,
                func.coalesce(evidence_counts.c.n, 0),
            )
            .join(Task, Task.id == Occurrence.task_id)
            .join(Unit, Unit.id == Task.lead_unit_id)
            .outerjoin(Plan, Plan.id == Task.plan_id)
            .outerjoin(done_by, done_by.id == Occurrence.done_by_id)
            .outerjoin(evidence_counts, evidence_counts.c.occurrence_id == Occurrence.id)
            .where(Occurrence.id.in_(list(part)))
        ).all()
        for row in rows:
            result[row[0]] = OccurrenceDetail(*tuple(row))
    return result


def extension_details(session: Session, ids: Iterable[int]) -> dict[int, ExtensionDetail]:
    """The last approved extension of each occurrence."""
    wanted = sorted(set(ids))
    requester = aliased(Person)
    decider = aliased(Person)
    result: dict[int, ExtensionDetail] = {}
    for part in chunks(wanted):
        rows = session.execute(
            select(
                ExtensionRequest.occurrence_id,
                ExtensionRequest.old_due_date,
                ExtensionRequest.requested_due_date,
                ExtensionRequest.reason,
                requester.display_name,
                decider.display_name,
                ExtensionRequest.decided_at,
            )
            .outerjoin(requester, requester.id == ExtensionRequest.requested_by_id)
            .outerjoin(decider, decider.id == ExtensionRequest.decided_by_id)
            .where(
                ExtensionRequest.occurrence_id.in_(list(part)),
                ExtensionRequest.status == "approved",
            )
            .order_by(ExtensionRequest.id)
        ).all()
        for row in rows:
            result[row[0]] = ExtensionDetail(*row)  # later approvals replace earlier ones
    return result
