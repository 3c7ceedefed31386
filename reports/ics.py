"""iCalendar (.ics) feeds of deadlines, one all-day event per occurrence, for leaders to
subscribe to in their calendar app.

- A unit's feed: occurrences of the tasks it leads or supports.
- A person's feed: those of every unit they belong to, and for the units they lead, also
  the tasks led by the units below them.
Window: occurrences still open, and those due within the last `PAST_DAYS` days, so that a
feed stays small after years of use. UIDs are stable (one per occurrence), so an extension
moves the event instead of adding one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlalchemy import Row, func, or_, select
from sqlalchemy.orm import Session

from db import services
from db.models import (
    ROLE_LEADER,
    Membership,
    Occurrence,
    Person,
    Plan,
    Task,
    Unit,
    task_support_units,
)
from reports.details import period_label, plan_label
from texts import messages
from timelang.status import Status, occurrence_status

PAST_DAYS = 400
PRODID = "-//Nhắc Việc//nhacviec//VI"
UID_DOMAIN = "nhacviec"


@dataclass(frozen=True)
class FeedScope:
    """Tasks led or supported by `units`, and tasks led by `led_units`."""

    title: str
    units: frozenset[int]
    led_units: frozenset[int] = frozenset()


def unit_scope(unit: Unit) -> FeedScope:
    return FeedScope(title=messages.ICS_CALENDAR_UNIT.format(unit=unit.name),
                     units=frozenset({unit.id}))


def person_scope(session: Session, person: Person) -> FeedScope:
    roles = dict(
        session.execute(
            select(Membership.unit_id, Membership.role).where(Membership.person_id == person.id)
        ).all()
    )
    led = [unit_id for unit_id, role in roles.items() if role == ROLE_LEADER]
    return FeedScope(
        title=messages.ICS_CALENDAR_PERSON.format(name=person.display_name),
        units=frozenset(roles),
        led_units=frozenset(services.subtree_ids(session, led)) if led else frozenset(),
    )


def feed(session: Session, scope: FeedScope, *, today: date, now: datetime,
         tz: ZoneInfo) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", scope.title)
    calendar.add("x-wr-timezone", str(tz))
    # Subscribed calendars refresh on their own schedule; this is the hint they honour.
    calendar.add("x-published-ttl", "PT1H")
    for event in _events(session, scope, today=today, now=now, tz=tz):
        calendar.add_component(event)
    return calendar.to_ical()


def _events(session: Session, scope: FeedScope, *, today: date, now: datetime,
            tz: ZoneInfo) -> list[Event]:
    rows = _occurrences(session, scope, today=today)
    events: list[Event] = []
    for row in rows:
        (occurrence_id, due, extended_due, done_at, key, start, end, task_id, title,
         lead_id, unit_name, plan_number, plan_title) = row
        effective = extended_due or due
        status = occurrence_status(due=due, extended_due=extended_due, done_at=done_at,
                                   today=today, tz=tz)
        supporting = lead_id not in scope.units and lead_id not in scope.led_units
        event = Event()
        event.add("uid", f"occurrence-{occurrence_id}@{UID_DOMAIN}")
        event.add("dtstamp", now)
        event.add("dtstart", effective)
        event.add("dtend", effective + timedelta(days=1))
        event.add("summary", messages.ICS_SUMMARY.format(
            mark=_mark(status), title=title + (messages.ICS_MARK_SUPPORT if supporting else "")))
        due_text = messages.fmt_date(effective)
        if extended_due is not None and due is not None:
            due_text = messages.ICS_EXTENDED.format(due=due_text, original=messages.fmt_date(due))
        event.add("description", "\n".join(messages.ICS_DESCRIPTION).format(
            task_id=task_id, title=title, unit=unit_name, period=period_label(key, start, end),
            due=due_text, status=messages.STATUS_LABELS[status],
            plan=plan_label(plan_number, plan_title) if plan_number or plan_title
            else messages.REPORT_NO_PLAN))
        event.add("status", "CONFIRMED")
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        events.append(event)
    return events


def _mark(status: Status) -> str:
    if status.is_done:
        return messages.ICS_MARK_DONE
    if status == Status.OVERDUE:
        return messages.ICS_MARK_OVERDUE
    return ""


def _occurrences(session: Session, scope: FeedScope, *, today: date) -> Sequence[Row[*tuple[Any, ...]]]:
    effective_due = func.coalesce(Occurrence.extended_due_date, Occurrence.due_date)
    supported = select(task_support_units.c.task_id).where(
        task_support_units.c.unit_id.in_(list(scope.units))
    )
    concerned = [Task.lead_unit_id.in_(list(scope.units | scope.led_units))]
    if scope.units:
        concerned.append(Task.id.in_(supported))
    query = (
        select(
            Occurrence.id,
            Occurrence.due_date,
            Occurrence.extended_due_date,
            Occurrence.done_at,
            Occurrence.period_key,
            Occurrence.period_start,
            Occurrence.period_end,
            Task.id,
            Task.title,
            Task.lead_unit_id,
            Unit.name,
            Plan.number,
            Plan.title,
        )
        .join(Task, Task.id == Occurrence.task_id)
        .join(Unit, Unit.id == Task.lead_unit_id)
        .outerjoin(Plan, Plan.id == Task.plan_id)
        .where(
            Task.status == "active",
            effective_due.is_not(None),
            or_(*concerned),
            or_(Occurrence.done_at.is_(None), effective_due >= today - timedelta(days=PAST_DAYS)),
        )
        .order_by(effective_due, Occurrence.id)
    )
    return session.execute(query).all()
