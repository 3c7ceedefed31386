"""A task's life after it was created: edit, cancel, reopen a completed period, undo one's
own completion. Each change is audited with what it replaced, so the history (and the audit
log) still shows a completion that was reopened or undone, with its note and the reason.

Flushes, never commits (the caller's unit of work commits once). Frozen report periods are
not touched here: their snapshots never change (reports.snapshots); the caller tells the
person which frozen periods a change concerns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import AuditLog, Occurrence, ReportSnapshot, Task, Unit
from db.services import (
    Actor,
    DomainError,
    audit,
    can_lead_unit,
    ensure_occurrences,
    reschedule_task,
)
from timelang.calendar import WorkingCalendar
from timelang.deadlines import Deadline

# The person who completed a period may take it back this long afterwards, on their own.
UNDO_WINDOW = timedelta(minutes=15)

HISTORY_ACTIONS = ("occurrence.complete", "occurrence.reopen", "occurrence.undo",
                   "task.cancel", "task.edit", "task.reschedule")


def require_leader(session: Session, actor: Actor | str, unit_id: int) -> None:
    """Leaders of the unit (or above it) and admins; the command line ("cli") always."""
    if isinstance(actor, Actor) and not can_lead_unit(session, actor, unit_id):
        raise DomainError("not_allowed")


def cancel_task(session: Session, *, actor: Actor | str, task: Task, reason: str,
                now: datetime) -> None:
    """The task stays, marked cancelled: out of lists, reminders and statistics."""
    require_leader(session, actor, task.lead_unit_id)
    if task.status == "cancelled":
        raise DomainError("task_already_cancelled", task_id=task.id)
    task.status = "cancelled"
    session.flush()
    audit(session, actor=actor, action="task.cancel", entity="task", entity_id=task.id,
          now=now, reason=reason or None, title=task.title)


def _clear_completion(occurrence: Occurrence) -> dict[str, Any]:
    kept = {"done_at": occurrence.done_at, "done_by": occurrence.done_by_id,
            "note": occurrence.done_note}
    occurrence.done_at = None
    occurrence.done_by_id = None
    occurrence.done_note = None
    updates = [u.percent for u in occurrence.progress_updates if u.percent < 100]
    occurrence.progress = updates[-1] if updates else 0
    return kept


def reopen_occurrence(session: Session, *, actor: Actor | str, occurrence: Occurrence,
                      reason: str, now: datetime) -> dict[str, Any]:
    """A completed period is open again; returns the completion it replaced."""
    require_leader(session, actor, occurrence.task.lead_unit_id)
    if occurrence.done_at is None:
        raise DomainError("occurrence_not_done", task_id=occurrence.task_id)
    if not reason.strip():
        raise DomainError("reopen_reason_missing", task_id=occurrence.task_id)
    kept = _clear_completion(occurrence)
    session.flush()
    audit(session, actor=actor, action="occurrence.reopen", entity="occurrence",
          entity_id=occurrence.id, now=now, task=occurrence.task_id, reason=reason.strip(),
          completion=kept)
    return kept


def undo_completion(session: Session, *, actor: Actor, occurrence: Occurrence,
                    now: datetime, window: timedelta = UNDO_WINDOW) -> dict[str, Any]:
    if occurrence.done_at is None:
        raise DomainError("occurrence_not_done", task_id=occurrence.task_id)
    if occurrence.done_by_id != actor.person_id:
        raise DomainError("undo_not_yours", task_id=occurrence.task_id)
    if now - occurrence.done_at > window:
        raise DomainError("undo_too_late", task_id=occurrence.task_id,
                          minutes=int(window.total_seconds() // 60))
    kept = _clear_completion(occurrence)
    session.flush()
    audit(session, actor=actor, action="occurrence.undo", entity="occurrence",
          entity_id=occurrence.id, now=now, task=occurrence.task_id, completion=kept)
    return kept


def recent_own_completion(session: Session, actor: Actor, now: datetime,
                          window: timedelta = UNDO_WINDOW) -> Occurrence | None:
    """The person's latest completion still inside the undo window: what "/hoantac" without
    a number takes back."""
    return session.scalars(
        select(Occurrence).where(Occurrence.done_by_id == actor.person_id,
                                 Occurrence.done_at >= now - window)
        .order_by(Occurrence.done_at.desc(), Occurrence.id.desc()).limit(1)
    ).first()


def last_completed(task: Task) -> Occurrence | None:
    done = [o for o in task.occurrences if o.done_at is not None]
    return max(done, key=lambda o: o.done_at) if done else None  # type: ignore[arg-type,return-value]


@dataclass
class Edit:
    title: str | None = None
    deadline: Deadline | None = None
    lead: Unit | None = None
    support: Sequence[Unit] | None = None


def edit_task(session: Session, *, actor: Actor | str, task: Task, edit: Edit, now: datetime,
              today: date, calendar: WorkingCalendar | None = None) -> dict[str, Any]:
    """Applies the edit; returns {field: [old, new]} of what changed."""
    require_leader(session, actor, task.lead_unit_id)
    if task.status != "active":
        raise DomainError("task_already_cancelled", task_id=task.id)
    changes: dict[str, Any] = {}
    if edit.title is not None:
        title = edit.title.strip()
        if not title:
            raise DomainError("task_title_missing")
        if title != task.title:
            changes["title"] = [task.title, title]
            task.title = title
    if edit.lead is not None and edit.lead.id != task.lead_unit_id:
        # Handing a task to another unit needs a say over that unit too.
        require_leader(session, actor, edit.lead.id)
        changes["lead"] = [task.lead_unit.code, edit.lead.code]
        task.lead_unit = edit.lead
        task.support_units = [u for u in task.support_units if u.id != edit.lead.id]
    if edit.support is not None:
        lead_id = task.lead_unit.id
        support = [u for u in edit.support if u.id != lead_id]
        old = [u.code for u in task.support_units]
        if sorted(old) != sorted(u.code for u in support):
            changes["support"] = [old, [u.code for u in support]]
            task.support_units = list(support)
    session.flush()
    if changes:
        audit(session, actor=actor, action="task.edit", entity="task", entity_id=task.id,
              now=now, changes=changes)
    if edit.deadline is not None and edit.deadline.source != task.deadline_text:
        changes["deadline"] = [task.deadline_text, edit.deadline.source]
        reschedule_task(session, task, edit.deadline, actor=actor, now=now, today=today,
                        calendar=calendar)
        ensure_occurrences(session, task, today=today, now=now, calendar=calendar)
    return changes


def history(session: Session, task: Task) -> list[AuditLog]:
    """The audited changes of the task and its periods, oldest first."""
    occurrence_ids = [o.id for o in task.occurrences]
    conditions = [(AuditLog.entity == "task") & (AuditLog.entity_id == task.id)]
    if occurrence_ids:
        conditions.append((AuditLog.entity == "occurrence")
                          & AuditLog.entity_id.in_(occurrence_ids))
    return list(session.scalars(
        select(AuditLog).where(AuditLog.action.in_(HISTORY_ACTIONS), or_(*conditions))
        .order_by(AuditLog.at, AuditLog.id)
    ))


def occurrence_days(occurrence: Occurrence, tz: Any) -> list[date]:
    """The days the period counts on in reports: its due date(s) and its completion day."""
    days = [d for d in (occurrence.due_date, occurrence.extended_due_date) if d is not None]
    if occurrence.done_at is not None:
        days.append(occurrence.done_at.astimezone(tz).date())
    return days


def frozen_periods(session: Session, days: Iterable[date]) -> list[str]:
    """Keys of the frozen report periods (reports.snapshots) that contain any of the days:
    their figures do not follow a change made now, and the person is told so."""
    keys: set[str] = set()
    for day in set(days):
        keys.update(session.scalars(
            select(ReportSnapshot.period_key).where(
                ReportSnapshot.from_date <= day, ReportSnapshot.to_date >= day).distinct()))
    return sorted(keys)
