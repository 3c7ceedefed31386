"""Read-only queries. They never commit and never write."""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Integer, Select, and_, bindparam, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.selectable import CompoundSelect

from db.models import CalendarOverride, Occurrence, Task, Unit, task_support_units
from timelang.calendar import WorkingCalendar


@dataclass(frozen=True)
class TaskRow:
    task_id: int
    title: str
    unit_code: str
    unit_name: str
    occurrence_id: int | None
    period_key: str | None
    due: date | None
    extended_due: date | None
    done_at: datetime | None
    progress: int

    @property
    def effective_due(self) -> date | None:
        return self.extended_due or self.due


@functools.cache
def _task_page_statement(all_units: bool, overdue_only: bool) -> Select[Any]:
    """Built once per shape; the values travel as bind parameters, so that the hot path of
    /nhiemvu pays neither statement construction nor compilation again."""
    effective_due = func.coalesce(Occurrence.extended_due_date, Occurrence.due_date)
    is_done = case((Occurrence.done_at.is_(None), 0), else_=1)
    rank = func.row_number().over(
        partition_by=Occurrence.task_id,
        order_by=(
            is_done,
            case((is_done == 0, effective_due), else_=None).asc().nulls_last(),
            effective_due.desc().nulls_last(),  # PostgreSQL puts NULLs first on DESC
            Occurrence.id.desc(),
        ),
    )
    tasks: Select[Any] | CompoundSelect = select(Task.id).where(Task.status == "active")
    if not all_units:
        unit_ids: BindParameter[list[int]] = bindparam("unit_ids", expanding=True)
        # A UNION, not `lead IN (…) OR id IN (support …)`: each branch uses its own index
        # (tasks.lead_unit_id, task_support_units.unit_id), where the OR made PostgreSQL scan
        # every task and occurrence — the cost grew with the database, not the person's tasks.
        supported = (
            select(task_support_units.c.task_id)
            .join(Task, Task.id == task_support_units.c.task_id)
            .where(task_support_units.c.unit_id.in_(unit_ids), Task.status == "active")
        )
        tasks = (select(Task.id).where(Task.status == "active", Task.lead_unit_id.in_(unit_ids))
                 .union(supported))
    current = (
        select(
            Occurrence.id.label("occurrence_id"),
            Occurrence.task_id.label("task_id"),
            Occurrence.period_key.label("period_key"),
            Occurrence.due_date.label("due"),
            Occurrence.extended_due_date.label("extended_due"),
            Occurrence.done_at.label("done_at"),
            Occurrence.progress.label("progress"),
            effective_due.label("effective_due"),
            rank.label("rank"),
        )
        .where(Occurrence.task_id.in_(tasks))
        .subquery()
    )
    conditions = [current.c.rank == 1]
    if overdue_only:
        conditions += [current.c.done_at.is_(None),
                       current.c.effective_due < bindparam("today", type_=Date)]
    done_last = case((current.c.done_at.is_(None), 0), else_=1)
    return (
        select(
            Task.id,
            Task.title,
            Unit.code,
            Unit.name,
            current.c.occurrence_id,
            current.c.period_key,
            current.c.due,
            current.c.extended_due,
            current.c.done_at,
            current.c.progress,
            func.count().over().label("total"),
        )
        .join(current, current.c.task_id == Task.id)
        .join(Unit, Unit.id == Task.lead_unit_id)
        .where(and_(*conditions))
        .order_by(done_last, current.c.effective_due.asc().nulls_last(), Task.id)
        .limit(bindparam("page_limit", type_=Integer))
        .offset(bindparam("page_offset", type_=Integer))
    )


def task_page(
    session: Session,
    *,
    unit_ids: Collection[int] | None,
    today: date,
    overdue_only: bool = False,
    offset: int = 0,
    limit: int = 10,
) -> tuple[list[TaskRow], int]:
    """The task list: each task with its current occurrence (the earliest open one, else the
    latest), open tasks first by due date, then done ones. Returns the page and the total."""
    statement = _task_page_statement(unit_ids is None, overdue_only)
    params: dict[str, Any] = {"page_limit": limit, "page_offset": offset}
    if unit_ids is not None:
        params["unit_ids"] = sorted(unit_ids)
    if overdue_only:
        params["today"] = today
    session.flush()  # what this unit of work changed is listed (the autoflush it skips)
    # On the session's connection: plain rows, without the ORM's result set-up (the
    # statement selects columns, never entities).
    rows = session.connection().execute(statement, params).all()
    if not rows and offset:
        # Past the last page: the total still tells the caller how many pages there are.
        _, total = task_page(session, unit_ids=unit_ids, today=today,
                             overdue_only=overdue_only, offset=0, limit=1)
        return [], total
    total = rows[0].total if rows else 0
    return [TaskRow(*row[:10]) for row in rows], total


def units_by_id(session: Session, ids: Collection[int]) -> dict[int, Unit]:
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))}


def units_by_codes(session: Session, codes: Collection[str]) -> dict[str, Unit]:
    """Units whose code is among `codes` (any case), keyed by the upper-case code."""
    wanted = {code.strip().upper() for code in codes if code.strip()}
    if not wanted:
        return {}
    rows = session.scalars(select(Unit).where(func.upper(Unit.code).in_(wanted)))
    return {unit.code.upper(): unit for unit in rows}


def load_calendar(session: Session) -> WorkingCalendar:
    """The national calendar with the admins' local days off and make-up working days."""

    overrides = session.execute(select(CalendarOverride.day, CalendarOverride.is_working_day)).all()
    return WorkingCalendar(
        extra_days_off=[day for day, working in overrides if not working],
        extra_working_days=[day for day, working in overrides if working],
    )


def lazy_calendar(session: Session) -> WorkingCalendar:
    """`load_calendar`, its overrides read the first time a day is looked at, within the
    caller's unit of work: a /giao with a plain date reads none."""

    def overrides() -> tuple[list[date], list[date]]:
        rows = session.execute(select(CalendarOverride.day,
                                      CalendarOverride.is_working_day)).all()
        return [day for day, working in rows if not working], [day for day, working in rows
                                                               if working]

    return WorkingCalendar(overrides=overrides)
