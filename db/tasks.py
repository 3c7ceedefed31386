"""Tasks and their occurrences: creating, scheduling, progress, completion, evidence and
extensions."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.dml import ReturningInsert

from db.actors import Actor
from db.domain import OCCURRENCES_AHEAD, DomainError, audit
from db.models import (
    Evidence,
    ExtensionRequest,
    Occurrence,
    Plan,
    ProgressUpdate,
    Task,
    Unit,
    task_support_units,
)
from db.rows import as_read
from db.units import can_lead_unit
from timelang.calendar import WorkingCalendar
from timelang.deadlines import Deadline
from timelang.status import Status, occurrence_status

# --- tasks and occurrences -----------------------------------------------------------------


def create_task(
    session: Session,
    *,
    title: str,
    lead_unit: Unit,
    deadline: Deadline,
    actor: Actor | str,
    now: datetime,
    today: date,
    support_units: Sequence[Unit] = (),
    description: str | None = None,
    plan: Plan | None = None,
    ref: str | None = None,
    calendar: WorkingCalendar | None = None,
) -> Task:
    """The task and its first occurrences, written by plain INSERTs (the ORM's flush was
    most of /giao's time) and returned as ORM objects already in the session, as if read:
    the task with its units, plan and occurrences loaded (nothing is read back)."""
    title = title.strip()
    if not title:
        raise DomainError("task_title_missing")
    if session.new:
        # What the rows written here may refer to (a unit, a plan, a person made in this
        # unit of work) goes first: a plain INSERT does not flush the session.
        session.flush()
    supports = [unit for unit in support_units if unit.id != lead_unit.id]
    task = as_read(session, Task, session.execute(_insert_statement(_TASKS), {
        "plan_id": plan.id if plan is not None else None, "ref": ref, "title": title,
        "description": description, "lead_unit_id": lead_unit.id,
        "deadline_text": deadline.source, "schedule_kind": deadline.kind,
        "schedule": deadline.to_spec(), "rrule": deadline.rrule,
        "created_by_id": actor.person_id if isinstance(actor, Actor) else None,
        "created_at": now,
    }).one()._asdict())
    if supports:
        session.execute(insert(task_support_units),
                        [{"task_id": task.id, "unit_id": unit.id} for unit in supports])
    set_committed_value(task, "lead_unit", lead_unit)
    set_committed_value(task, "support_units", supports)
    set_committed_value(task, "plan", plan)
    if plan is not None and "tasks" in plan.__dict__:
        set_committed_value(plan, "tasks", [*plan.tasks, task])
    # A new task has no occurrences: none are read, the ones made are its loaded collection
    # (current_occurrence right after needs no query).
    periods = _missing_periods(deadline, set(), 0, today=today, start=min(today, now.date()),
                               now=now,
                               ahead=OCCURRENCES_AHEAD, calendar=calendar)
    rows = session.execute(_insert_statement(_OCCURRENCES), [
        {"task_id": task.id, **values} for values in periods]).all() if periods else []
    occurrences = [as_read(session, Occurrence, row._asdict()) for row in rows]
    for occurrence in occurrences:
        set_committed_value(occurrence, "task", task)
    set_committed_value(task, "occurrences", occurrences)
    audit(session, actor=actor, action="task.create", entity="task", entity_id=task.id, now=now,
          title=title, unit=lead_unit.code, deadline=deadline.source)
    return task


_TASKS = cast(Table, Task.__table__)
_OCCURRENCES = cast(Table, Occurrence.__table__)


@functools.cache
def _insert_statement(table: Table) -> ReturningInsert[Any]:
    """INSERT … RETURNING every column (defaults filled in by the table), built once."""
    return insert(table).returning(*table.c, sort_by_parameter_order=True)


def task_deadline(task: Task) -> Deadline:
    return Deadline.from_spec(task.schedule)


def _missing_periods(
    deadline: Deadline, existing: set[str], open_future: int, *, today: date, start: date,
    now: datetime, ahead: int, calendar: WorkingCalendar | None,
) -> list[dict[str, Any]]:
    """The occurrences (their column values, without the task) a task with these periods
    `existing` and `open_future` open ones still due lacks: the one of a one-off or ongoing
    task, the next `ahead` open periods of a recurring one. Never the same period twice."""
    if deadline.kind == "once":
        return [] if "once" in existing else [
            {"period_key": "once", "due_date": deadline.due, "created_at": now}]
    if deadline.kind == "ongoing":
        return [] if "ongoing" in existing else [
            {"period_key": "ongoing", "due_date": None, "created_at": now}]
    missing: list[dict[str, Any]] = []
    needed = max(0, ahead - open_future)
    if not needed:
        return missing
    seen = set(existing)
    for period in deadline.periods(start, ahead + len(existing) + 2, calendar):
        if needed == 0:
            break
        if period.key in seen or (period.due is not None and period.due < today):
            continue
        missing.append({"period_key": period.key, "period_start": period.start,
                        "period_end": period.end, "due_date": period.due, "created_at": now})
        seen.add(period.key)
        needed -= 1
    return missing


def ensure_occurrences(
    session: Session,
    task: Task,
    *,
    today: date,
    now: datetime,
    ahead: int = OCCURRENCES_AHEAD,
    calendar: WorkingCalendar | None = None,
) -> list[Occurrence]:
    """Create the task's missing occurrences: the one for a one-off or ongoing task, and the
    next `ahead` open periods of a recurring one. Never the same period twice."""
    deadline = task_deadline(task)
    existing = {key for key in session.scalars(
        select(Occurrence.period_key).where(Occurrence.task_id == task.id))}
    open_future = 0
    if deadline.kind not in ("once", "ongoing"):
        open_future = session.scalar(
            select(func.count()).select_from(Occurrence).where(
                Occurrence.task_id == task.id,
                Occurrence.done_at.is_(None),
                Occurrence.due_date >= today,
            )
        ) or 0
    start = min(today, task.created_at.date()) if task.created_at else today
    created = [Occurrence(task_id=task.id, **values) for values in _missing_periods(
        deadline, existing, open_future, today=today, start=start, now=now, ahead=ahead,
        calendar=calendar)]
    session.add_all(created)
    if created:
        session.flush()
    return created


def reschedule_task(
    session: Session,
    task: Task,
    deadline: Deadline,
    *,
    actor: Actor | str,
    now: datetime,
    today: date,
    calendar: WorkingCalendar | None = None,
) -> None:
    """A new schedule rewrites only future, open occurrences; the past stays as it was."""
    old = task.deadline_text
    for occurrence in list(task.occurrences):
        if occurrence.done_at is None and (occurrence.due_date is None or occurrence.due_date >= today):
            if occurrence.evidence or occurrence.progress_updates or occurrence.extension_requests:
                continue
            session.delete(occurrence)
    session.flush()
    session.expire(task, ["occurrences"])
    task.deadline_text = deadline.source
    task.schedule_kind = deadline.kind
    task.schedule = deadline.to_spec()
    task.rrule = deadline.rrule
    session.flush()
    ensure_occurrences(session, task, today=today, now=now, calendar=calendar)
    audit(session, actor=actor, action="task.reschedule", entity="task", entity_id=task.id,
          now=now, old=old, new=deadline.source)


def get_task(session: Session, task_id: int) -> Task | None:
    return session.get(Task, task_id)


def current_occurrence(task: Task) -> Occurrence | None:
    """The earliest open period; the latest one once all are done."""
    occurrences = list(task.occurrences)
    if not occurrences:
        return None
    open_ones = [o for o in occurrences if o.done_at is None]
    if open_ones:
        return min(open_ones, key=lambda o: (o.effective_due is None, o.effective_due or date.max))
    return max(occurrences, key=lambda o: (o.effective_due or date.min, o.id))


def status_of(occurrence: Occurrence, today: date, tz: ZoneInfo) -> Status:
    return occurrence_status(
        due=occurrence.due_date,
        extended_due=occurrence.extended_due_date,
        done_at=occurrence.done_at,
        today=today,
        tz=tz,
    )


def record_progress(
    session: Session,
    *,
    actor: Actor,
    occurrence: Occurrence,
    percent: int,
    note: str | None,
    now: datetime,
) -> ProgressUpdate:
    if not 0 <= percent <= 100:
        raise DomainError("progress_out_of_range")
    if occurrence.done_at is not None:
        raise DomainError("occurrence_already_done")
    update = ProgressUpdate(occurrence=occurrence, person_id=actor.person_id, percent=percent,
                            note=note, created_at=now)
    occurrence.progress = percent
    session.add(update)
    session.flush()
    audit(session, actor=actor, action="occurrence.progress", entity="occurrence",
          entity_id=occurrence.id, now=now, percent=percent, note=note)
    return update


def complete_occurrence(
    session: Session,
    *,
    actor: Actor,
    occurrence: Occurrence,
    note: str | None,
    now: datetime,
    tz: ZoneInfo,
    today: date,
    calendar: WorkingCalendar | None = None,
) -> Status:
    if occurrence.done_at is not None:
        raise DomainError("occurrence_already_done")
    occurrence.done_at = now
    occurrence.done_by_id = actor.person_id
    occurrence.done_note = note
    occurrence.progress = 100
    status = status_of(occurrence, today, tz)
    session.flush()
    audit(session, actor=actor, action="occurrence.complete", entity="occurrence",
          entity_id=occurrence.id, now=now, status=status.value, note=note)
    if occurrence.task.schedule_kind == "recurring":
        ensure_occurrences(session, occurrence.task, today=today, now=now, calendar=calendar)
    return status


def add_evidence(
    session: Session,
    *,
    actor: Actor,
    occurrence: Occurrence,
    sha256: str,
    size: int,
    mime_type: str,
    file_name: str | None,
    platform_file_id: str | None,
    caption: str | None,
    now: datetime,
) -> tuple[Evidence, bool]:
    """Returns the evidence and whether it is new (the same file twice is recognised)."""
    existing = session.scalar(
        select(Evidence).where(Evidence.occurrence_id == occurrence.id, Evidence.sha256 == sha256)
    )
    if existing is not None:
        return existing, False
    evidence = Evidence(
        occurrence=occurrence,
        person_id=actor.person_id,
        sha256=sha256,
        size=size,
        mime_type=mime_type,
        file_name=file_name,
        platform=actor.platform,
        platform_file_id=platform_file_id,
        caption=caption,
        created_at=now,
    )
    session.add(evidence)
    session.flush()
    audit(session, actor=actor, action="evidence.add", entity="evidence", entity_id=evidence.id,
          now=now, occurrence=occurrence.id, sha256=sha256, size=size, file_name=file_name)
    return evidence, True


def request_extension(
    session: Session,
    *,
    actor: Actor,
    occurrence: Occurrence,
    new_due: date,
    reason: str,
    now: datetime,
) -> ExtensionRequest:
    if occurrence.done_at is not None:
        raise DomainError("occurrence_already_done")
    current_due = occurrence.effective_due
    if current_due is None:
        raise DomainError("extension_ongoing")
    if new_due <= current_due:
        raise DomainError("extension_not_later", due=current_due)
    if not reason.strip():
        raise DomainError("extension_reason_missing")
    pending = session.scalar(
        select(ExtensionRequest).where(
            ExtensionRequest.occurrence_id == occurrence.id, ExtensionRequest.status == "pending"
        )
    )
    if pending is not None:
        raise DomainError("extension_pending", request_id=pending.id)
    request = ExtensionRequest(
        occurrence=occurrence,
        requested_by_id=actor.person_id,
        old_due_date=current_due,
        requested_due_date=new_due,
        reason=reason.strip(),
        created_at=now,
    )
    session.add(request)
    session.flush()
    audit(session, actor=actor, action="extension.request", entity="extension",
          entity_id=request.id, now=now, occurrence=occurrence.id, new_due=new_due, reason=reason)
    return request


def decide_extension(
    session: Session, *, actor: Actor, request: ExtensionRequest, approve: bool, now: datetime
) -> None:
    if request.status != "pending":
        raise DomainError("already_decided")
    if approve and request.occurrence.done_at is not None:
        # A done period keeps the date it was judged against: no late-to-on-time rewrite.
        raise DomainError("occurrence_already_done")
    if request.requested_by_id == actor.person_id:
        # Four eyes, admins included: the requester's approvers are the others.
        raise DomainError("extension_own_request")
    if not can_lead_unit(session, actor, request.occurrence.task.lead_unit_id):
        raise DomainError("not_allowed")
    request.status = "approved" if approve else "refused"
    request.decided_by_id = actor.person_id
    request.decided_at = now
    if approve:
        # The original due date stays in due_date; statistics report the extension.
        request.occurrence.extended_due_date = request.requested_due_date
    session.flush()
    audit(session, actor=actor, action=f"extension.{request.status}", entity="extension",
          entity_id=request.id, now=now, new_due=request.requested_due_date)
