"""The weekly digest: each person's open tasks, grouped by when they are due."""


from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Occurrence,
    Task,
)
from scheduler.audience import Directory, Recipient
from scheduler.due_items import EFFECTIVE_DUE
from scheduler.policy import (
    KIND_DIGEST,
)
from scheduler.reminder_text import PlannedMessage, short_title, text_limit
from texts import messages
from texts.messages import esc, fmt_date
from timelang.status import Status, occurrence_status

DIGEST_LINES_PER_SECTION = 10


# --- the weekly digest -----------------------------------------------------------------------


class _DigestEntry(NamedTuple):
    task_id: int
    title: str
    unit_id: int
    due: date
    days_late: int = 0
    done_on_time: bool | None = None


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(UTC)


def _by_due(entry: _DigestEntry) -> tuple[date, int]:
    return (entry.due, entry.task_id)


def compute_digests(
    session: Session,
    *,
    day: date,
    slot: datetime,
    directory: Directory,
    tz: ZoneInfo,
    no_digest: Collection[int] = (),
) -> list[PlannedMessage]:
    """Each leader: their units and sub-units; each admin: all units. Overdue, due this
    week, done last week. Someone both admin and leader gets the admin's one."""
    week_start = day - timedelta(days=day.weekday())
    week_end = week_start + timedelta(days=6)
    last_start = week_start - timedelta(days=7)
    overdue: dict[int, list[_DigestEntry]] = defaultdict(list)
    due_week: dict[int, list[_DigestEntry]] = defaultdict(list)
    done: dict[int, list[_DigestEntry]] = defaultdict(list)
    base_columns = (Occurrence.task_id, Task.title, Task.lead_unit_id, Occurrence.due_date,
                    Occurrence.extended_due_date)
    open_rows = session.execute(
        select(*base_columns)
        .join(Task, Task.id == Occurrence.task_id)
        .where(Occurrence.done_at.is_(None), Task.status == "active",
               EFFECTIVE_DUE.is_not(None), week_end >= EFFECTIVE_DUE)
    )
    for task_id, title, unit_id, due, extended in open_rows:
        effective = extended or due
        if effective is None:  # the query leaves these out; this tells the type checker
            continue
        if effective < day:
            overdue[unit_id].append(
                _DigestEntry(task_id, title, unit_id, effective, (day - effective).days))
        else:
            due_week[unit_id].append(_DigestEntry(task_id, title, unit_id, effective))
    done_rows = session.execute(
        select(*base_columns, Occurrence.done_at)
        .join(Task, Task.id == Occurrence.task_id)
        .where(Occurrence.done_at >= _local_midnight(last_start, tz),
               Occurrence.done_at < _local_midnight(week_start, tz))
    )
    for task_id, title, unit_id, due, extended, done_at in done_rows:
        status = occurrence_status(due=due, extended_due=extended, done_at=done_at, today=day,
                                   tz=tz)
        effective = extended or due
        done[unit_id].append(_DigestEntry(
            task_id, title, unit_id, effective or day,
            done_on_time=None if status == Status.DONE else status == Status.DONE_ON_TIME))
    if not (overdue or due_week or done):
        return []
    per_unit = (overdue, due_week, done)
    for table in per_unit:
        for entries in table.values():
            entries.sort(key=_by_due)

    children = directory.children()
    subtrees: dict[int, tuple[int, ...]] = {}

    def subtree(unit_id: int) -> tuple[int, ...]:
        """The unit and all below it, each computed once for the whole digest run."""
        found = subtrees.get(unit_id)
        if found is None:
            result = [unit_id]
            stack = list(children.get(unit_id, ()))
            seen = {unit_id}
            while stack:
                child = stack.pop()
                if child not in seen:
                    seen.add(child)
                    result.append(child)
                    stack.extend(children.get(child, ()))
            found = subtrees[unit_id] = tuple(result)
        return found

    audience: dict[int, tuple[Recipient, tuple[int, ...] | None, list[int]]] = {}
    for person_id, recipient in directory.admins():
        audience[person_id] = (recipient, None, [])
    led: dict[int, list[int]] = defaultdict(list)
    for unit_id, person_ids in directory.leaders.items():
        for person_id in person_ids:
            led[person_id].append(unit_id)
    for person_id, unit_ids in led.items():
        reachable = directory.reach.get(person_id)
        if person_id in audience or reachable is None:
            continue
        scope = (subtree(unit_ids[0]) if len(unit_ids) == 1
                 else tuple(dict.fromkeys(u for led_unit in unit_ids for u in subtree(led_unit))))
        audience[person_id] = (reachable, scope, sorted(unit_ids))

    everything = tuple(set(overdue) | set(due_week) | set(done))
    renderer = DigestRenderer(week_start, week_end, directory)
    iso_year, iso_week, _ = day.isocalendar()
    planned: list[PlannedMessage] = []
    for person_id, (recipient, person_scope, led_units) in sorted(audience.items()):
        if person_id in no_digest:
            continue  # switched off in /caidat
        in_scope = person_scope if person_scope is not None else everything
        if len(in_scope) == 1:  # most leaders lead one unit without sub-units
            lists = [table.get(in_scope[0], []) for table in per_unit]
        else:
            lists = [sorted((e for u in in_scope for e in table.get(u, ())), key=_by_due)
                     for table in per_unit]
        if not any(lists):
            continue
        text, shown = renderer.render(lists, person_scope is None, led_units,
                                      text_limit(recipient.platform))
        planned.append(PlannedMessage(
            key=f"digest:{iso_year}-W{iso_week:02d}:{person_id}", slot=slot, kind=KIND_DIGEST,
            recipient=recipient, text=text, task_ids=shown, kinds=(KIND_DIGEST,),
        ))
    return planned


class DigestRenderer:
    """The weekly digest's text; one entry's line is built once for all who see it."""

    def __init__(self, week_start: date, week_end: date, directory: Directory) -> None:
        self.directory = directory
        self.header = messages.DIGEST_HEADER.format(start=week_start.strftime("%d/%m"),
                                                    end=fmt_date(week_end))
        self._lines: dict[tuple[str, int, date], str] = {}

    def line(self, entry: _DigestEntry, what: str) -> str:
        key = (what, entry.task_id, entry.due)
        line = self._lines.get(key)
        if line is None:
            if what == "overdue":
                suffix = messages.DIGEST_SUFFIX_OVERDUE.format(days=entry.days_late)
            elif what == "done" and entry.done_on_time is not None:
                suffix = (messages.DIGEST_SUFFIX_DONE_ON_TIME if entry.done_on_time
                          else messages.DIGEST_SUFFIX_DONE_LATE)
            else:
                suffix = ""
            line = self._lines[key] = messages.DIGEST_LINE.format(
                task_id=entry.task_id, title=short_title(entry.title),
                unit=esc(self.directory.unit_name(entry.unit_id)), due=fmt_date(entry.due),
                suffix=suffix)
        return line

    def render(self, lists: Sequence[Sequence[_DigestEntry]], everything: bool,
               led_units: Sequence[int], limit: int) -> tuple[str, tuple[int, ...]]:
        overdue, due_week, done = lists
        if everything:
            scope_text = messages.DIGEST_SCOPE_ALL
        else:
            scope_text = ", ".join(esc(self.directory.unit_name(u)) for u in led_units[:3])
            if len(led_units) > 3:
                scope_text += messages.DIGEST_SCOPE_MORE.format(count=len(led_units) - 3)
        lines = [self.header, messages.DIGEST_SCOPE.format(scope=scope_text)]
        on_time = sum(1 for e in done if e.done_on_time)
        late = sum(1 for e in done if e.done_on_time is False)
        sections = (
            (messages.DIGEST_SECTION_OVERDUE.format(count=len(overdue)), overdue, "overdue"),
            (messages.DIGEST_SECTION_DUE_WEEK.format(count=len(due_week)), due_week, "due"),
            (messages.DIGEST_SECTION_DONE.format(count=len(done), on_time=on_time, late=late),
             done, "done"),
        )
        budget = limit - len(messages.DIGEST_FOOTER) - 200
        used = sum(len(line) + 1 for line in lines)
        shown: list[int] = []
        for heading, entries, what in sections:
            lines += ("", heading)
            used += len(heading) + 2
            if not entries:
                lines.append(messages.DIGEST_NONE)
                continue
            count = 0
            for entry in entries[:DIGEST_LINES_PER_SECTION]:
                line = self.line(entry, what)
                if used + len(line) + 1 + 150 > budget:
                    break
                lines.append(line)
                used += len(line) + 1
                count += 1
                shown.append(entry.task_id)
            if count < len(entries):
                lines.append(messages.DIGEST_MORE.format(count=len(entries) - count))
        lines += ("", messages.DIGEST_FOOTER)
        return "\n".join(lines), tuple(dict.fromkeys(shown))


