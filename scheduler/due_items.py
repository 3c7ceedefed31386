"""What is due on a day: the occurrences each reminder policy makes due, and the kind of
reminder (before due, due today, overdue, escalation) each gets."""


from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Row, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from db.models import (
    Occurrence,
    Task,
)
from scheduler.audience import chunks
from scheduler.policy import (
    KIND_BEFORE_DUE,
    KIND_DUE_TODAY,
    KIND_ESCALATION,
    KIND_OVERDUE,
    ReminderPolicy,
    before_due_offsets,
    overdue_rhythm,
    task_policy,
)
from scheduler.working_days import WorkingDayIndex
from timelang.calendar import WorkingCalendar

# --- what is due on a day --------------------------------------------------------------------


class DueItem(NamedTuple):
    # A tuple, not a dataclass: a province's day has tens of thousands of these.
    kind: str
    # Days before the due date (before_due, due_today) or working days late (overdue …).
    offset: int
    task_id: int
    occurrence_id: int
    title: str
    unit_id: int
    due: date  # the effective due date (an approved extension moves it)
    original_due: date | None  # set when extended
    remind_at: time

    @property
    def to_leaders(self) -> bool:
        return self.kind == KIND_ESCALATION


EFFECTIVE_DUE = func.coalesce(Occurrence.extended_due_date, Occurrence.due_date)


def custom_policies(session: Session, task_ids: Collection[int] | None = None
                     ) -> dict[int, dict[str, Any]]:
    # A JSON null (an ORM None) and an empty object both mean "no override": they are
    # filtered in SQL, or 100 000 tasks would each have a 'null' decoded here.
    query = select(Task.id, Task.reminder_policy).where(
        Task.reminder_policy.is_not(None),
        cast(Task.reminder_policy, String).not_in(("null", "{}")),
        Task.status == "active",
    )
    if task_ids is not None:
        query = query.where(Task.id.in_(list(task_ids)))
    return {task_id: policy for task_id, policy in session.execute(query) if policy}


def slot_times(session: Session, base: ReminderPolicy,
               custom: Mapping[int, dict[str, Any]] | None = None) -> set[time]:
    times = {base.remind_at}
    for overrides in (custom if custom is not None else custom_policies(session)).values():
        times.add(task_policy(base, overrides).remind_at)
    return times


def _due_dates_for(day: date, policy: ReminderPolicy, calendar: WorkingCalendar) -> set[date]:
    """Due dates whose before-due or due-day reminder (under `policy`) falls on `day`: the
    target is `day` itself or one of the days off right after it."""
    targets = [day]
    probe = day + timedelta(days=1)
    while not calendar.is_working_day(probe) and probe - day < timedelta(days=60):
        targets.append(probe)
        probe += timedelta(days=1)
    offsets = list(policy.before_days) + ([0] if policy.on_due_day else [])
    return {target + timedelta(days=offset) for target in targets for offset in offsets}


def compute_items(
    session: Session,
    *,
    day: date,
    base: ReminderPolicy,
    calendar: WorkingCalendar,
    index: WorkingDayIndex,
    slot_time: time | None,
    task_ids: Collection[int] | None = None,
    custom: Mapping[int, dict[str, Any]] | None = None,
) -> list[DueItem]:
    """Every reminder of `day` for tasks whose policy sends at `slot_time` (None: any)."""
    if not calendar.is_working_day(day):
        return []  # reminders meant for a day off went out on the working day before
    columns = (
        Occurrence.id,
        Occurrence.task_id,
        Occurrence.due_date,
        Occurrence.extended_due_date,
        Task.title,
        Task.lead_unit_id,
    )
    open_occurrences = (
        select(*columns)
        .join(Task, Task.id == Occurrence.task_id)
        .where(Occurrence.done_at.is_(None), Task.status == "active", EFFECTIVE_DUE.is_not(None))
    )
    if task_ids is not None:
        ids = sorted({int(t) for t in task_ids})
        custom = custom_policies(session, ids)
        rows: list[Row[int, int, date | None, date | None, str, int]] = []
        for chunk in chunks(ids):
            rows += session.execute(open_occurrences.where(Task.id.in_(chunk))).all()
    else:
        if custom is None:
            custom = custom_policies(session)
        window = _due_dates_for(day, base, calendar)
        # Split so that each half can walk the (done_at, due_date) index: extensions are few.
        not_extended = and_(Occurrence.extended_due_date.is_(None),
                     or_(Occurrence.due_date < day, Occurrence.due_date.in_(sorted(window))))
        was_extended = and_(Occurrence.extended_due_date.is_not(None),
                        or_(Occurrence.extended_due_date < day,
                            Occurrence.extended_due_date.in_(sorted(window))))
        rows = list(session.execute(open_occurrences.where(or_(not_extended, was_extended))).all())
        if custom:
            seen = {row[0] for row in rows}
            for chunk in chunks(sorted(custom)):
                for row in session.execute(open_occurrences.where(Task.id.in_(chunk))):
                    if row[0] not in seen:
                        rows.append(row)

    policies = {task_id: task_policy(base, overrides) for task_id, overrides in custom.items()}
    # What a due date means today depends only on the date and the policy, and a province's
    # 100 000 occurrences share a few hundred due dates: decide once per pair.
    decided: dict[tuple[date, int], tuple[tuple[str, int], ...]] = {}
    items: list[DueItem] = []
    append = items.append
    for occurrence_id, task_id, due, extended, title, unit_id in rows:
        policy = policies.get(task_id, base)
        if not policy.enabled or (slot_time is not None and policy.remind_at != slot_time):
            continue
        effective = extended or due
        if effective is None:  # the query leaves these out; this tells the type checker
            continue
        # By identity: hashing a 13-field dataclass per row would cost more than it saves.
        kinds = decided.get((effective, id(policy)))
        if kinds is None:
            kinds = decided[(effective, id(policy))] = _kinds_on(effective, day, policy,
                                                                 calendar, index)
        if not kinds:
            continue
        original = due if extended and extended != due else None
        for kind, offset in kinds:
            append(DueItem(kind, offset, task_id, occurrence_id, title, unit_id, effective,
                           original, policy.remind_at))
    return items


def _kinds_on(due: date, day: date, policy: ReminderPolicy, calendar: WorkingCalendar,
              index: WorkingDayIndex) -> tuple[tuple[str, int], ...]:
    """The reminders (kind, offset) an occurrence due `due` gets on `day`."""
    if due >= day:
        offsets = before_due_offsets(due, day, policy, calendar)
        if not offsets:
            return ()
        # Two reminders landing on one working day (before a weekend): the nearer wins.
        nearest = min(offsets)
        return ((KIND_DUE_TODAY if nearest == 0 else KIND_BEFORE_DUE, nearest),)
    rhythm = overdue_rhythm(index.working_days_after(due, day), policy)
    kinds = []
    if rhythm.overdue:
        kinds.append((KIND_OVERDUE, rhythm.overdue_day))
    if rhythm.escalation:
        kinds.append((KIND_ESCALATION, rhythm.overdue_day))
    return tuple(kinds)


