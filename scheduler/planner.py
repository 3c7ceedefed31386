"""The planner: from the tasks in the database to outbox rows of reminders and digests.

The database is the record of what is due. Each run looks at the reminder slots (a day at
the policy's REMIND_AT) between the last planned moment, kept in `AppSetting
["reminder_planner"]`, and now, and writes one outbox row per chat and slot holding every
reminder that chat gets then: grouped, never a flood. The weekly digests are planned the same
way with their own watermark (`AppSetting["digest_planner"]`).

Idempotency: one outbox row is one message, so its key names the message — `rem:<day>:
<platform>:<chat>` (plus `@HHMM` for tasks with their own reminder time) and
`digest:<year>-W<week>:<person>`. What the issue calls the key of a reminder — task or
occurrence, kind, offset, recipient, day — follows from it: an occurrence has at most one
kind and offset per day and recipient (the nearer of two offsets landing on the same working
day wins), and a day's slot is planned once, with the watermark committed in the same
transaction as its rows. Planning a slot again (a second instance, `nhacviec remind`, a crash
before the commit) finds the keys taken and queues nothing. The key deliberately leaves out
the time of the default slot: moving REMIND_AT on a day already planned sends nothing twice.

Slots missed while the bot was down are planned on start: those within the catch-up window
go out, older ones are written as `expired` rows and told to the admins in one message by
the `DeliveryReporter` — never dropped silently.

Everything here is synchronous SQL over plain tuples (no ORM objects per occurrence), so one
day over 100 000 open occurrences plans well within a second; the async callers run it in a
worker thread so that command replies never wait for it.
"""

from __future__ import annotations

import functools
import json
import logging
import operator
import threading
import time as monotonic_time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Date, String, and_, cast, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db import services
from db.locks import try_planner_lock
from db.models import (
    ROLE_LEADER,
    AppSetting,
    AuditLog,
    Chat,
    Identity,
    Membership,
    Occurrence,
    Outbox,
    Person,
    Task,
    Unit,
    UTCDateTime,
)
from db.queries import load_calendar
from db.session import SessionFactory
from scheduler.policy import (
    KIND_BEFORE_DUE,
    KIND_DELIVERY_REPORT,
    KIND_DIGEST,
    KIND_DUE_TODAY,
    KIND_ESCALATION,
    KIND_OVERDUE,
    REMINDER_KINDS,
    PolicyError,
    ReminderPolicy,
    before_due_offsets,
    digest_day,
    load_policy,
    overdue_rhythm,
    settings_policy,
    task_policy,
)
from texts import messages
from texts.messages import esc, fmt_date
from timelang.calendar import WorkingCalendar
from timelang.clock import Clock
from timelang.status import Status, occurrence_status

if TYPE_CHECKING:
    from scheduler.sender import OutboxRow

logger = logging.getLogger(__name__)

PLANNER_STATE_KEY = "reminder_planner"
DIGEST_STATE_KEY = "digest_planner"
REPORT_STATE_KEY = "delivery_report"
PLANNER_ACTOR = "scheduler"

TEXT_LIMITS: Mapping[str, int] = {"telegram": 4096, "zalo": 2000, "zalo_oa": 2000}
DEFAULT_TEXT_LIMIT = 2000
# Room left for a numbered menu where the platform has no buttons.
MENU_RESERVE = 400
MAX_BUTTONS = 6
TITLE_LIMIT = 140
DIGEST_LINES_PER_SECTION = 10
INSERT_CHUNK = 1000
IN_CHUNK = 900


def text_limit(platform: str) -> int:
    return TEXT_LIMITS.get(platform, DEFAULT_TEXT_LIMIT)


# --- options ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannerOptions:
    tz: ZoneInfo
    base_policy: ReminderPolicy
    catchup_window: timedelta = timedelta(hours=12)
    catchup_max_days: int = 7
    env_admins: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_settings(cls, settings: Any) -> PlannerOptions:
        return cls(
            tz=settings.tz,
            base_policy=settings_policy(settings),
            catchup_window=timedelta(hours=settings.reminder_catchup_hours),
            catchup_max_days=settings.reminder_catchup_max_days,
            env_admins=tuple(settings.admin_identities),
        )


# --- working days late -----------------------------------------------------------------------


class WorkingDayIndex:
    """Counts working days between two dates in O(1) after a one-off table of the range, so
    that 20 000 overdue occurrences do not each walk the calendar."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self._start: date | None = None
        self._cumulative: list[int] = []
        self._lock = threading.Lock()

    def working_days_after(self, due: date, day: date) -> int:
        """How many working days d satisfy due < d <= day."""
        if day <= due:
            return 0
        with self._lock:
            self._cover(due, day)
            assert self._start is not None
            return self._cumulative[(day - self._start).days] - self._cumulative[
                (due - self._start).days
            ]

    def _cover(self, first: date, last: date) -> None:
        start = self._start
        end = start + timedelta(days=len(self._cumulative) - 1) if start else None
        if start is not None and end is not None and start <= first and last <= end:
            return
        new_start = min(first, start) if start else first
        new_end = max(last, end) if end else last
        # Grow generously: the next call usually asks for the same neighbourhood.
        new_start -= timedelta(days=31)
        new_end += timedelta(days=31)
        counts: list[int] = []
        total = 0
        probe = new_start
        while probe <= new_end:
            if self.calendar.is_working_day(probe):
                total += 1
            counts.append(total)
            probe += timedelta(days=1)
        self._start, self._cumulative = new_start, counts


# --- who hears about a unit ------------------------------------------------------------------


class Recipient(NamedTuple):
    platform: str
    chat_id: str
    chat_kind: str = "private"
    person_id: int | None = None
    unit_id: int | None = None  # the unit a group chat is bound to

    @property
    def address(self) -> tuple[str, str]:
        return (self.platform, self.chat_id)


class _IdentityRow(NamedTuple):
    identity_id: int
    platform: str
    chat_id: str
    last_inbound_at: datetime | None
    created_at: datetime


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def pick_identity(preferred: str | None, identities: Sequence[_IdentityRow]) -> _IdentityRow | None:
    """`services.reachable_identity` over plain rows (same rule, tested to agree): the
    preferred platform first, then the most recently active identity with a private chat."""
    if not identities:
        return None
    if len(identities) == 1:
        return identities[0]
    if preferred:
        matching = [i for i in identities if i.platform == preferred]
        if matching:
            return matching[0]
    return max(identities, key=lambda i: i.last_inbound_at or i.created_at)


def _chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Directory:
    """Units, bound groups, members, leaders and reachable chats, read with a handful of
    queries. `unit_ids=None` loads everything (a full plan); a set loads just those units
    and their ancestors (re-checking one outbox row before it is sent)."""

    def __init__(
        self,
        session: Session,
        *,
        env_admins: Iterable[tuple[str, str]] = (),
        unit_ids: Collection[int] | None = None,
    ) -> None:
        self.session = session
        self.env_admins = tuple(env_admins)
        self.units: dict[int, tuple[int | None, str, str]] = {}
        self._load_units(unit_ids)
        loaded = None if unit_ids is None else list(self.units)
        self.groups: dict[int, list[Recipient]] = defaultdict(list)
        self.members: dict[int, list[int]] = defaultdict(list)
        self.leaders: dict[int, list[int]] = defaultdict(list)
        self.reach: dict[int, Recipient | None] = {}
        self._admins: list[tuple[int, Recipient]] | None = None
        self._load_groups(loaded)
        self._load_members(loaded)

    def _load_units(self, unit_ids: Collection[int] | None) -> None:
        columns = (Unit.id, Unit.parent_id, Unit.code, Unit.name)
        if unit_ids is None:
            for unit_id, parent_id, code, name in self.session.execute(select(*columns)):
                self.units[unit_id] = (parent_id, code, name)
            return
        wanted = set(unit_ids)
        while wanted:
            rows = []
            for chunk in _chunks(sorted(wanted)):
                rows += self.session.execute(select(*columns).where(Unit.id.in_(chunk))).all()
            wanted = set()
            for unit_id, parent_id, code, name in rows:
                self.units[unit_id] = (parent_id, code, name)
                if parent_id is not None and parent_id not in self.units:
                    wanted.add(parent_id)

    def _load_groups(self, unit_ids: list[int] | None) -> None:
        query = select(Chat.unit_id, Chat.platform, Chat.external_id).where(
            Chat.unit_id.is_not(None), Chat.kind == "group"
        ).order_by(Chat.id)
        for chunk in [None] if unit_ids is None else list(_chunks(unit_ids)):
            scoped = query if chunk is None else query.where(Chat.unit_id.in_(chunk))
            for unit_id, platform, external_id in self.session.execute(scoped):
                self.groups[unit_id].append(
                    Recipient(platform, external_id, "group", None, unit_id)
                )

    def _load_members(self, unit_ids: list[int] | None) -> None:
        """Members, leaders and each person's reachable chat, in one pass over one join."""
        query = (
            select(Membership.unit_id, Membership.person_id, Membership.role,
                   Person.preferred_platform, Identity.id, Identity.platform,
                   Identity.private_chat_id)
            .join(Person, Person.id == Membership.person_id)
            .outerjoin(Identity, and_(Identity.person_id == Membership.person_id,
                                      Identity.private_chat_id.is_not(None)))
            .order_by(Membership.id, Identity.id)
        )
        members, leaders, reach = self.members, self.leaders, self.reach
        # person → (preferred platform, {identity id: (platform, chat)}) for the few with two
        several: dict[int, tuple[str | None, dict[int, tuple[str, str]]]] = {}
        first_identity: dict[int, int] = {}
        last_membership: tuple[int, int] | None = None
        for chunk in [None] if unit_ids is None else list(_chunks(unit_ids)):
            scoped = query if chunk is None else query.where(Membership.unit_id.in_(chunk))
            for unit_id, person_id, role, preferred, identity_id, platform, chat_id in (
                self.session.execute(scoped)
            ):
                if (unit_id, person_id) != last_membership:
                    last_membership = (unit_id, person_id)
                    members[unit_id].append(person_id)
                    if role == ROLE_LEADER:
                        leaders[unit_id].append(person_id)
                if identity_id is None:
                    continue
                known = first_identity.get(person_id)
                if known is None:  # nearly everyone: one app, nothing to choose
                    first_identity[person_id] = identity_id
                    reach[person_id] = Recipient(platform, chat_id, "private", person_id)
                elif known != identity_id:
                    entry = several.get(person_id)
                    if entry is None:
                        first = reach[person_id]
                        entry = several[person_id] = (preferred, {
                            known: (first.platform, first.chat_id)})
                    entry[1][identity_id] = (platform, chat_id)
        self._choose(several)

    def _choose(self, several: Mapping[int, tuple[str | None, Mapping[int, tuple[str, str]]]]
                ) -> None:
        """The reachable chat of someone on several apps (services.reachable_identity)."""
        # Activity times matter only without a usable preference: fetch them for those few.
        undecided = [identity_id for preferred, identities in several.values()
                     if not any(p == preferred for p, _ in identities.values())
                     for identity_id in identities]
        times: dict[int, tuple[datetime | None, datetime]] = {}
        for chunk in _chunks(undecided):
            for identity_id, last, created in self.session.execute(
                select(Identity.id, Identity.last_inbound_at, Identity.created_at)
                .where(Identity.id.in_(chunk))
            ):
                times[identity_id] = (last, created)
        for person_id, (preferred, identities) in several.items():
            rows = [_IdentityRow(i, platform, chat, *times.get(i, (None, _EPOCH)))
                    for i, (platform, chat) in sorted(identities.items())]
            chosen = pick_identity(preferred, rows)
            if chosen is not None:
                self.reach[person_id] = Recipient(chosen.platform, chosen.chat_id, "private",
                                                  person_id)

    # --- audiences -----------------------------------------------------------------------------

    def parent(self, unit_id: int) -> int | None:
        entry = self.units.get(unit_id)
        return entry[0] if entry else None

    def unit_name(self, unit_id: int) -> str:
        entry = self.units.get(unit_id)
        return entry[2] if entry else f"#{unit_id}"

    def _reachable(self, person_ids: Iterable[int]) -> list[Recipient]:
        reach = self.reach
        # One chat each: two memberships of one person must not make two recipients.
        found = {r[:2]: r for p in person_ids if (r := reach.get(p)) is not None}
        return list(found.values())

    def unit_audience(self, unit_id: int) -> list[Recipient]:
        """A unit hears in its bound groups; without one, each member in private."""
        groups = self.groups.get(unit_id)
        if groups:
            return groups
        return self._reachable(self.members.get(unit_id, []))

    def leader_audience(self, unit_id: int) -> list[Recipient]:
        """The unit's leaders; when none can be reached, the nearest unit above with
        reachable leaders; at the top, the admins. An escalation always finds someone."""
        current: int | None = unit_id
        seen: set[int] = set()
        while current is not None and current not in seen:
            seen.add(current)
            people = self._reachable(self.leaders.get(current, []))
            if people:
                return people
            current = self.parent(current)
        return [recipient for _, recipient in self.admins()]

    def admins(self) -> list[tuple[int, Recipient]]:
        if self._admins is None:
            self._admins = []
            for person in services.admins(self.session, self.env_admins):
                identity = services.reachable_identity(person)
                if identity is not None and identity.private_chat_id:
                    self._admins.append((person.id, Recipient(
                        identity.platform, identity.private_chat_id, "private", person.id)))
        return self._admins

    def children(self) -> dict[int, list[int]]:
        tree: dict[int, list[int]] = defaultdict(list)
        for unit_id, (parent_id, _, _) in self.units.items():
            if parent_id is not None:
                tree[parent_id].append(unit_id)
        return tree


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


_effective_due = func.coalesce(Occurrence.extended_due_date, Occurrence.due_date)


def _custom_policies(session: Session, task_ids: Collection[int] | None = None
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
    for overrides in (custom if custom is not None else _custom_policies(session)).values():
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
        .where(Occurrence.done_at.is_(None), Task.status == "active", _effective_due.is_not(None))
    )
    if task_ids is not None:
        ids = sorted({int(t) for t in task_ids})
        custom = _custom_policies(session, ids)
        rows = []
        for chunk in _chunks(ids):
            rows += session.execute(open_occurrences.where(Task.id.in_(chunk))).all()
    else:
        if custom is None:
            custom = _custom_policies(session)
        window = _due_dates_for(day, base, calendar)
        # Split so that each half can walk the (done_at, due_date) index: extensions are few.
        plain = and_(Occurrence.extended_due_date.is_(None),
                     or_(Occurrence.due_date < day, Occurrence.due_date.in_(sorted(window))))
        extended = and_(Occurrence.extended_due_date.is_not(None),
                        or_(Occurrence.extended_due_date < day,
                            Occurrence.extended_due_date.in_(sorted(window))))
        rows = session.execute(open_occurrences.where(or_(plain, extended))).all()
        if custom:
            seen = {row[0] for row in rows}
            for chunk in _chunks(sorted(custom)):
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


# --- messages --------------------------------------------------------------------------------


@dataclass
class PlannedMessage:
    key: str
    slot: datetime  # aware UTC
    kind: str
    recipient: Recipient
    text: str
    task_ids: Sequence[int]
    menu: Sequence[tuple[str, str]] | None = None
    kinds: Sequence[str] = ()

    def to_json(self, tz: ZoneInfo) -> dict[str, Any]:
        return {
            "at": self.slot.astimezone(tz).isoformat(),
            "kind": self.kind,
            "platform": self.recipient.platform,
            "chat_id": self.recipient.chat_id,
            "task_ids": list(self.task_ids),
            "text": self.text,
            "kinds": list(self.kinds),
            "chat_kind": self.recipient.chat_kind,
            "key": self.key,
        }


def reminder_key(day: date, slot_time: time, base: ReminderPolicy, recipient: Recipient) -> str:
    # The default slot has no time in its key: moving REMIND_AT during a day that was already
    # planned must not send that day's reminders again. Tasks with their own time get theirs.
    slot_class = "" if slot_time == base.remind_at else f"@{slot_time:%H%M}"
    return f"rem:{day.isoformat()}{slot_class}:{recipient.platform}:{recipient.chat_id}"


def reminder_day_of(key: str) -> date | None:
    """The day a reminder row is for, from its key (`rem:2026-06-05…`)."""
    if not key.startswith("rem:"):
        return None
    try:
        return date.fromisoformat(key[4:14])
    except ValueError:
        return None


def group_reminders(
    items: Sequence[DueItem],
    directory: Directory,
    *,
    day: date,
    tz: ZoneInfo,
    base: ReminderPolicy,
) -> list[PlannedMessage]:
    """One message per chat and slot, however many tasks and kinds it covers.

    Items are gathered per source — a unit's reminders, a unit's escalations — and each chat
    gets the sources it hears: a unit's group or members hear its reminders, its leaders its
    escalations. Most chats hear one source, so their message is rendered once per unit."""
    sources: dict[tuple[time, int, bool], list[DueItem]] = {}
    for item in items:
        key = (item.remind_at, item.unit_id, item.to_leaders)
        bucket = sources.get(key)
        if bucket is None:
            bucket = sources[key] = []
        bucket.append(item)
    heard: dict[tuple[time, str, str], tuple[Recipient, list[tuple[time, int, bool]]]] = {}
    for key in sources:
        _, unit_id, to_leaders = key
        audience = (directory.leader_audience(unit_id) if to_leaders
                    else directory.unit_audience(unit_id))
        for recipient in audience:
            chat = (key[0], recipient.platform, recipient.chat_id)
            entry = heard.get(chat)
            if entry is None:
                heard[chat] = (recipient, [key])
            elif key not in entry[1]:
                entry[1].append(key)
    renderer = ReminderRenderer(day, directory)
    slots: dict[time, datetime] = {}
    planned: list[PlannedMessage] = []
    for (slot_time, _, _), (recipient, keys) in heard.items():
        text, menu, kinds, task_ids = renderer.render(tuple(keys), sources, recipient)
        slot = slots.get(slot_time)
        if slot is None:
            slot = slots[slot_time] = datetime.combine(day, slot_time, tzinfo=tz).astimezone(UTC)
        planned.append(PlannedMessage(
            key=reminder_key(day, slot_time, base, recipient), slot=slot, kind=kinds[0],
            recipient=recipient, text=text, task_ids=task_ids, menu=menu, kinds=kinds,
        ))
    return planned


_KIND_RANK = {kind: rank for rank, kind in enumerate(REMINDER_KINDS)}


def _item_order(item: DueItem) -> tuple[int, int, date, int]:
    late_first = -item.offset if item.kind in (KIND_OVERDUE, KIND_ESCALATION) else 0
    return (_KIND_RANK[item.kind], late_first, item.due, item.task_id)


def _title(title: str) -> str:
    title = " ".join(title.split())
    if len(title) > TITLE_LIMIT:
        title = title[: TITLE_LIMIT - 1].rstrip() + "…"
    return esc(title)


def _when(item: DueItem, day: date, date_text: Callable[[date], str] = fmt_date) -> str:
    due = date_text(item.due)
    if item.kind == KIND_BEFORE_DUE:
        text = messages.REMINDER_WHEN_BEFORE_DUE.format(due=due, days=(item.due - day).days)
    elif item.kind == KIND_DUE_TODAY:
        if item.due == day:
            text = messages.REMINDER_WHEN_DUE_TODAY.format(due=due)
        else:
            text = messages.REMINDER_WHEN_DUE_DAY_OFF.format(
                due=due, weekday=messages.WEEKDAY_NAMES[item.due.weekday()])
    else:
        text = messages.REMINDER_WHEN_OVERDUE.format(due=due, days=(day - item.due).days)
    if item.original_due is not None:
        text += messages.REMINDER_EXTENDED.format(original=date_text(item.original_due))
    return text


_SECTION_TITLES = {
    KIND_ESCALATION: messages.REMINDER_SECTION_ESCALATION,
    KIND_OVERDUE: messages.REMINDER_SECTION_OVERDUE,
    KIND_DUE_TODAY: messages.REMINDER_SECTION_DUE_TODAY,
    KIND_BEFORE_DUE: messages.REMINDER_SECTION_BEFORE_DUE,
}

Rendered = tuple[str, tuple[tuple[str, str], ...], tuple[str, ...], tuple[int, ...]]
# (any reminder to the unit, any escalation to its leaders) → the footer
_FOOTERS = {
    (True, False): messages.REMINDER_FOOTER,
    (False, True): messages.REMINDER_FOOTER_ESCALATION,
    (True, True): messages.REMINDER_FOOTER + "\n" + messages.REMINDER_FOOTER_ESCALATION,
    (False, False): "",
}


class ReminderRenderer:
    """The Vietnamese text and buttons of grouped reminders for one day, within each
    platform's limit: the most urgent lines first, the rest counted in one "… và N nhiệm vụ
    khác" line. Lines and whole messages are cached: the members of a unit without a group
    usually get the very same message, and one task's line appears in several chats."""

    def __init__(self, day: date, directory: Directory) -> None:
        self.day = day
        self.directory = directory
        self._weekday = messages.WEEKDAY_NAMES[day.weekday()]
        self._lines: dict[tuple[int, str, bool], str] = {}
        self._messages: dict[tuple[Any, ...], Rendered] = {}
        self._dates: dict[date, str] = {}
        self._titles: dict[int, str] = {}
        self._units: dict[int, str] = {}
        self._whens: dict[tuple[str, date, date | None], str] = {}
        self._headers: dict[int | None, str] = {}
        self._headings: dict[tuple[str, int], str] = {}
        self._buttons: dict[int, tuple[str, str]] = {}
        self._blocks: dict[tuple[Any, ...], tuple[str, tuple[str, ...], tuple[int, ...]]] = {}

    def _menu(self, task_ids: tuple[int, ...]) -> tuple[tuple[str, str], ...]:
        buttons = self._buttons
        menu = []
        for task_id in task_ids:
            button = buttons.get(task_id)
            if button is None:
                button = buttons[task_id] = (messages.REMINDER_BUTTON.format(task_id=task_id),
                                             f"/chitiet {task_id}")
            menu.append(button)
        return tuple(menu)

    def render(
        self,
        keys: tuple[tuple[time, int, bool], ...],
        sources: Mapping[tuple[time, int, bool], Sequence[DueItem]],
        recipient: Recipient,
    ) -> Rendered:
        """(text, menu, kinds most urgent first, task ids) of the chat that hears `keys`."""
        # A group is bound to one unit and hears only of it; a person may hear of several.
        group_unit = recipient.unit_id if recipient.chat_kind == "group" else None
        limit = text_limit(recipient.platform)
        cache_key = (keys, group_unit, limit)
        cached = self._messages.get(cache_key)
        if cached is None:
            cached = self._messages[cache_key] = (
                self._from_blocks(keys, sources, group_unit, limit)
                or self._render(self._merged(keys, sources), group_unit, group_unit is None,
                                limit))
        return cached

    @staticmethod
    def _merged(keys: Sequence[tuple[time, int, bool]],
                sources: Mapping[tuple[time, int, bool], Sequence[DueItem]]) -> list[DueItem]:
        merged: dict[tuple[int, str], DueItem] = {}
        for key in keys:
            for item in sources[key]:
                merged.setdefault((item.occurrence_id, item.kind), item)
        # A leader who is also a member of the late unit reads the task once, as escalated.
        escalated = {o for o, kind in merged if kind == KIND_ESCALATION}
        return sorted((item for (o, kind), item in merged.items()
                       if not (kind == KIND_OVERDUE and o in escalated)), key=_item_order)

    def _from_blocks(
        self,
        keys: Sequence[tuple[time, int, bool]],
        sources: Mapping[tuple[time, int, bool], Sequence[DueItem]],
        group_unit: int | None,
        limit: int,
    ) -> Rendered | None:
        """The common shapes — one unit's reminders, perhaps after the escalations of one
        unit — are the unit's ready-made blocks put together. None when the chat hears more
        (several units: their sections must interleave) or the whole does not fit."""
        escalations = [k for k in keys if k[2]]
        reminders = [k for k in keys if not k[2]]
        if len(escalations) > 1 or len(reminders) > 1:
            return None
        if escalations and reminders and escalations[0][1] == reminders[0][1]:
            return None  # the same unit's escalations and reminders overlap: merge them
        show_unit = group_unit is None
        blocks = [self._block(k, sources[k], show_unit) for k in escalations + reminders]
        header = self._header(group_unit)
        footer = _FOOTERS[(bool(reminders), bool(escalations))]
        if len(header) + sum(len(b[0]) for b in blocks) + len(footer) + 2 > limit - MENU_RESERVE:
            return None
        text = "".join([header, *(b[0] for b in blocks), "\n\n", footer])
        kinds = tuple(kind for b in blocks for kind in b[1])
        task_ids = tuple(dict.fromkeys(t for b in blocks for t in b[2]))
        return text, self._menu(task_ids[:MAX_BUTTONS]), kinds, task_ids

    def _block(self, key: tuple[time, int, bool], items: Sequence[DueItem], show_unit: bool
               ) -> tuple[str, tuple[str, ...], tuple[int, ...]]:
        """One source's sections, untruncated: ("\n\nheading\nline…", kinds, task ids)."""
        cache_key = (key, show_unit)
        block = self._blocks.get(cache_key)
        if block is None:
            ordered = sorted(items, key=_item_order)
            counts: dict[str, int] = {}
            for item in ordered:
                counts[item.kind] = counts.get(item.kind, 0) + 1
            parts: list[str] = []
            kinds: list[str] = []
            line_of = self.line
            for item in ordered:
                if not kinds or kinds[-1] != item.kind:
                    kinds.append(item.kind)
                    parts.append("\n\n" + self._heading(item.kind, counts[item.kind]))
                parts.append("\n" + line_of(item, show_unit))
            block = self._blocks[cache_key] = (
                "".join(parts), tuple(kinds), tuple(dict.fromkeys(i.task_id for i in ordered)))
        return block

    def _header(self, group_unit: int | None) -> str:
        header = self._headers.get(group_unit)
        if header is None:
            day_text = self.date_text(self.day)
            header = self._headers[group_unit] = (
                messages.REMINDER_HEADER_UNIT.format(
                    weekday=self._weekday, date=day_text,
                    unit=esc(self.directory.unit_name(group_unit)))
                if group_unit is not None
                else messages.REMINDER_HEADER.format(weekday=self._weekday, date=day_text))
        return header

    def _heading(self, kind: str, count: int) -> str:
        heading = self._headings.get((kind, count))
        if heading is None:
            heading = self._headings[(kind, count)] = _SECTION_TITLES[kind].format(count=count)
        return heading

    def date_text(self, day: date) -> str:
        text = self._dates.get(day)
        if text is None:
            text = self._dates[day] = fmt_date(day)
        return text

    def line(self, item: DueItem, show_unit: bool) -> str:
        key = (item.occurrence_id, item.kind, show_unit)
        line = self._lines.get(key)
        if line is None:
            # Its parts repeat across thousands of lines: a unit's name, a due date's wording.
            unit = ""
            if show_unit or item.kind == KIND_ESCALATION:
                unit = self._units.get(item.unit_id, "")
                if not unit:
                    unit = self._units[item.unit_id] = messages.REMINDER_LINE_UNIT.format(
                        unit=esc(self.directory.unit_name(item.unit_id)))
            title = self._titles.get(item.task_id)
            if title is None:
                title = self._titles[item.task_id] = _title(item.title)
            when_key = (item.kind, item.due, item.original_due)
            when = self._whens.get(when_key)
            if when is None:
                when = self._whens[when_key] = _when(item, self.day, self.date_text)
            line = self._lines[key] = messages.REMINDER_LINE.format(
                task_id=item.task_id, title=title, unit=unit, when=when)
        return line

    def _render(self, items: Sequence[DueItem], group_unit: int | None, show_unit: bool,
                platform_limit: int) -> Rendered:
        header = self._header(group_unit)
        to_unit = to_leaders = False
        for item in items:
            if item.kind == KIND_ESCALATION:
                to_leaders = True
            else:
                to_unit = True
        footer = _FOOTERS[(to_unit, to_leaders)]

        limit = platform_limit - MENU_RESERVE
        sections: list[tuple[str, list[DueItem]]] = []
        for item in items:  # already in kind order
            if not sections or sections[-1][0] != item.kind:
                sections.append((item.kind, []))
            sections[-1][1].append(item)
        used = len(header) + len(footer) + 4
        body: list[str] = [header]
        line_of = self.line
        for position, (kind, section) in enumerate(sections):
            reserve = (len(sections) - position) * 90  # later headings, a closing "… và N"
            heading = self._heading(kind, len(section))
            body += ("", heading)
            used += len(heading) + 2
            shown = 0
            for item in section:
                line = line_of(item, show_unit)
                if used + len(line) + 1 + reserve > limit:
                    break
                body.append(line)
                used += len(line) + 1
                shown += 1
            if shown < len(section):
                more = messages.REMINDER_MORE.format(count=len(section) - shown)
                body.append(more)
                used += len(more) + 1
        body += ("", footer)
        text = "\n".join(body)
        task_ids = tuple(dict.fromkeys(i.task_id for i in items))
        menu = self._menu(task_ids[:MAX_BUTTONS])
        kinds = tuple(kind for kind, _ in sections)
        return text, menu, kinds, task_ids


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
               _effective_due.is_not(None), _effective_due <= week_end)
    )
    for task_id, title, unit_id, due, extended in open_rows:
        effective = extended or due
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
    for lists in per_unit:
        for entries in lists.values():
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
        recipient = directory.reach.get(person_id)
        if person_id in audience or recipient is None:
            continue
        scope = (subtree(unit_ids[0]) if len(unit_ids) == 1
                 else tuple(dict.fromkeys(u for led_unit in unit_ids for u in subtree(led_unit))))
        audience[person_id] = (recipient, scope, sorted(unit_ids))

    everything = tuple(set(overdue) | set(due_week) | set(done))
    renderer = DigestRenderer(week_start, week_end, directory)
    iso_year, iso_week, _ = day.isocalendar()
    planned: list[PlannedMessage] = []
    for person_id, (recipient, scope, led_units) in sorted(audience.items()):
        units = scope if scope is not None else everything
        if len(units) == 1:  # most leaders lead one unit without sub-units
            lists = [table.get(units[0], []) for table in per_unit]
        else:
            lists = [sorted((e for u in units for e in table.get(u, ())), key=_by_due)
                     for table in per_unit]
        if not any(lists):
            continue
        text, shown = renderer.render(lists, scope is None, led_units,
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
                task_id=entry.task_id, title=_title(entry.title),
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


# --- writing the outbox ----------------------------------------------------------------------


def _insert_ignoring_duplicates(
    session: Session, rows: list[dict[str, Any]], *, want_ids: bool = False
) -> dict[str, int | None]:
    """Inserts outbox rows whose key is not there yet; returns the new keys (with their ids
    when `want_ids`). Keys already present are looked up first; ON CONFLICT DO NOTHING still
    guards against a concurrent writer. RETURNING is used only when ids are wanted: on
    PostgreSQL it makes a 12 000-row insert several times slower."""
    if not rows:
        return {}
    existing: set[str] = set()
    keys = [row["idempotency_key"] for row in rows]
    for chunk in _chunks(keys):
        existing.update(session.scalars(
            select(Outbox.idempotency_key).where(Outbox.idempotency_key.in_(chunk))))
    fresh = [row for row in rows if row["idempotency_key"] not in existing]
    if not fresh:
        return {}
    if not want_ids:
        _bulk_insert(session, fresh)
        return dict.fromkeys((row["idempotency_key"] for row in fresh), None)
    dialect = session.get_bind().dialect.name
    table = Outbox.__table__
    statement: Any = (postgresql if dialect == "postgresql" else sqlite).insert(
        table).on_conflict_do_nothing(index_elements=["idempotency_key"])
    inserted: dict[str, int | None] = {}
    for start in range(0, len(fresh), INSERT_CHUNK):
        chunk = [_orm_ready(row) for row in fresh[start : start + INSERT_CHUNK]]
        for row_id, key in session.execute(
            statement.returning(table.c.id, table.c.idempotency_key), chunk
        ):
            inserted[key] = row_id
    return inserted


def _bulk_insert(session: Session, rows: list[dict[str, Any]]) -> int:
    """Inserts rows the fast way; returns how many were new. SQLAlchemy's per-row statement
    machinery costs more than the insert itself at 12 000 rows, so values are converted here,
    each distinct one once (the slot and `now` are shared by every row, members of one unit
    share menus), then PostgreSQL gets a COPY and SQLite the driver's executemany."""
    connection = session.connection()
    dialect = connection.dialect
    table = Outbox.__table__
    names = list(rows[0])
    converting = [(index, converter) for index, name in enumerate(names)
                  if (converter := _converter(table.c[name].type, dialect)) is not None]
    columns = ", ".join(names)
    getter = operator.itemgetter(*names)
    tuples: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(getter(row))
        for index, converter in converting:
            values[index] = converter(values[index])
        tuples.append(tuple(values))
    if dialect.name == "postgresql":
        return _copy_into_outbox(connection, columns, tuples)
    placeholders = ", ".join("?" if dialect.paramstyle == "qmark" else "%s" for _ in names)
    result = connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({columns}) VALUES ({placeholders}) "
        "ON CONFLICT (idempotency_key) DO NOTHING",
        tuples,
    )
    return int(result.rowcount)


def _copy_into_outbox(connection: Any, columns: str, rows: list[tuple[Any, ...]]) -> int:
    """PostgreSQL's COPY, several times faster than row-by-row parameters. A fresh slot has
    no keys in the outbox yet, so the rows are copied straight in; if one is there already
    (`nhacviec remind` queued part of the slot), the COPY is rolled back to its savepoint and
    the rows go through a scratch table and an INSERT … ON CONFLICT DO NOTHING instead."""
    from psycopg.errors import UniqueViolation

    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute("SAVEPOINT outbox_copy")
        try:
            with cursor.copy(f"COPY outbox ({columns}) FROM STDIN") as copy:
                for values in rows:
                    copy.write_row(values)
        except UniqueViolation:
            cursor.execute("ROLLBACK TO SAVEPOINT outbox_copy")
        else:
            cursor.execute("RELEASE SAVEPOINT outbox_copy")
            return len(rows)
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS outbox_load "
                       "(LIKE outbox INCLUDING DEFAULTS) ON COMMIT DROP")
        cursor.execute("TRUNCATE outbox_load")
        with cursor.copy(f"COPY outbox_load ({columns}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(values)
        cursor.execute(f"INSERT INTO outbox ({columns}) SELECT {columns} FROM outbox_load "
                       "ON CONFLICT (idempotency_key) DO NOTHING")
        return int(cursor.rowcount)
    finally:
        cursor.close()


def _converter(column_type: Any, dialect: Any) -> Callable[[Any], Any] | None:
    """The column's bind processing, remembered per distinct (hashable) value."""
    if isinstance(column_type, JSON):
        # Menus and task lists arrive as tuples (hashable, shared between identical messages).
        def to_json(value: Any) -> Any:
            if value is None:
                return None
            if value and isinstance(value[0], tuple):  # a menu: ((label, command), …)
                value = [{"label": label, "command": command} for label, command in value]
            return json.dumps(list(value), ensure_ascii=False)

        return functools.lru_cache(maxsize=4096)(to_json)
    process = column_type._cached_bind_processor(dialect)
    if process is None:
        return None
    if isinstance(column_type, UTCDateTime | Date):
        return functools.lru_cache(maxsize=256)(process)
    return process


def outbox_values(message: PlannedMessage, *, status: str, now: datetime) -> dict[str, Any]:
    """An outbox row; `menu` and `task_ids` stay tuples until they are written."""
    return {
        "idempotency_key": message.key,
        "kind": message.kind,
        "platform": message.recipient.platform,
        "chat_id": message.recipient.chat_id,
        "chat_kind": message.recipient.chat_kind,
        "text": message.text,
        "menu": tuple(message.menu) if message.menu else None,
        "task_ids": tuple(message.task_ids),
        "person_id": message.recipient.person_id,
        "priority": 0,
        "scheduled_at": message.slot,
        "not_before": message.slot,
        "status": status,
        "attempts": 0,
        "last_error": "expired: outside the catch-up window" if status == "expired" else None,
        "created_at": now,
    }


def _orm_ready(row: dict[str, Any]) -> dict[str, Any]:
    """The same row for SQLAlchemy's own insert (JSON as lists and objects)."""
    menu = row["menu"]
    return {**row, "task_ids": list(row["task_ids"]),
            "menu": [{"label": label, "command": command} for label, command in menu]
            if menu else None}


def record_problem(session: Session, *, action: str, outbox_id: int | None, now: datetime,
                   details: Mapping[str, Any]) -> None:
    session.add(AuditLog(at=now, actor=PLANNER_ACTOR, action=action, entity="outbox",
                         entity_id=outbox_id, details=dict(details)))


def problem_details(message: PlannedMessage | Outbox) -> dict[str, Any]:
    if isinstance(message, PlannedMessage):
        platform, chat_id = message.recipient.platform, message.recipient.chat_id
        chat_kind, person_id = message.recipient.chat_kind, message.recipient.person_id
        scheduled = message.slot
    else:
        platform, chat_id, chat_kind = message.platform, message.chat_id, message.chat_kind
        person_id, scheduled = message.person_id, message.scheduled_at
    return {
        "kind": message.kind,
        "platform": platform,
        "chat_id": chat_id,
        "chat_kind": chat_kind,
        "person_id": person_id,
        "task_ids": list(message.task_ids or [])[:50],
        "scheduled_at": scheduled.isoformat() if scheduled else None,
    }


# --- the planner -----------------------------------------------------------------------------


@dataclass
class PlanRun:
    skipped: bool = False
    slots: list[datetime] = field(default_factory=list)
    queued: int = 0
    expired: int = 0
    already_planned: int = 0
    gap: tuple[datetime, datetime] | None = None
    seconds: float = 0.0


@dataclass
class Refreshed:
    text: str
    menu: list[tuple[str, str]] | None
    task_ids: list[int]
    kind: str


class ReminderPlanner:
    """Computes due reminders and digests and writes them to the outbox."""

    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        clock: Clock,
        options: PlannerOptions,
    ) -> None:
        self.session_factory = session_factory
        self.clock = clock
        self.options = options
        self._calendar: tuple[float, WorkingCalendar, WorkingDayIndex] | None = None
        self._policy: tuple[float, ReminderPolicy] | None = None
        self._cache_lock = threading.Lock()

    # --- cached reference data -----------------------------------------------------------------

    CACHE_SECONDS = 60.0

    def _calendar_and_index(self, session: Session, *, fresh: bool = False
                            ) -> tuple[WorkingCalendar, WorkingDayIndex]:
        now = monotonic_time.monotonic()
        with self._cache_lock:
            cached = self._calendar
            if not fresh and cached is not None and now - cached[0] < self.CACHE_SECONDS:
                return cached[1], cached[2]
        calendar = load_calendar(session)
        index = WorkingDayIndex(calendar)
        with self._cache_lock:
            self._calendar = (now, calendar, index)
        return calendar, index

    def policy(self, session: Session) -> ReminderPolicy:
        try:
            policy = load_policy(session, self.options.base_policy)
        except PolicyError as error:
            # A bad stored value must not stop every reminder: the defaults still apply.
            logger.error("the stored reminder policy is invalid (%s); using the defaults", error)
            policy = self.options.base_policy
        with self._cache_lock:
            self._policy = (monotonic_time.monotonic(), policy)
        return policy

    def current_policy(self) -> ReminderPolicy:
        """The province-wide policy, re-read at most once a minute (quiet hours for the
        sender)."""
        with self._cache_lock:
            cached = self._policy
        if cached is not None and monotonic_time.monotonic() - cached[0] < self.CACHE_SECONDS:
            return cached[1]
        with self.session_factory() as session:
            return self.policy(session)

    def warm_up(self, now: datetime | None = None) -> None:
        """Fills the process-wide caches a long-running bot has warm (the national holidays of
        this year and the next), so the first 08:00 after a start is as fast as the others."""
        today = self.local_date(now or self.clock.now())
        with self.session_factory() as session:
            calendar, _ = self._calendar_and_index(session, fresh=True)
            self.policy(session)
        for year in (today.year - 1, today.year, today.year + 1):
            calendar.is_working_day(date(year, 12, 31))

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.options.tz).date()

    # --- computing -----------------------------------------------------------------------------

    def compute(
        self,
        session: Session,
        *,
        day: date,
        slot_time: time,
        policy: ReminderPolicy,
        calendar: WorkingCalendar,
        index: WorkingDayIndex,
        directory: Directory | None = None,
        custom: Mapping[int, dict[str, Any]] | None = None,
    ) -> list[PlannedMessage]:
        """The grouped reminders of one slot."""
        items = compute_items(session, day=day, base=policy, calendar=calendar, index=index,
                              slot_time=slot_time, custom=custom)
        if not items:
            return []
        if directory is None:
            directory = Directory(session, env_admins=self.options.env_admins)
        return group_reminders(items, directory, day=day, tz=self.options.tz, base=policy)

    def compute_digests(self, session: Session, *, day: date, policy: ReminderPolicy,
                        calendar: WorkingCalendar, directory: Directory | None = None
                        ) -> list[PlannedMessage]:
        """The weekly digests, on the week's digest day (at REMIND_AT)."""
        if not digest_day(day, policy, calendar):
            return []
        slot = datetime.combine(day, policy.remind_at, tzinfo=self.options.tz).astimezone(UTC)
        if directory is None:
            directory = Directory(session, env_admins=self.options.env_admins)
        return compute_digests(session, day=day, slot=slot, directory=directory,
                               tz=self.options.tz)

    def preview(self, at: datetime) -> list[PlannedMessage]:
        """What is due on `at`'s local day at slots up to `at`; writes nothing."""
        local = at.astimezone(self.options.tz)
        with self.session_factory() as session:
            return self._messages_up_to(session, local)

    def _messages_up_to(self, session: Session, local: datetime) -> list[PlannedMessage]:
        policy = self.policy(session)
        calendar, index = self._calendar_and_index(session, fresh=True)
        if not calendar.is_working_day(local.date()):
            return []
        directory = Directory(session, env_admins=self.options.env_admins)
        planned: list[PlannedMessage] = []
        now_time = local.timetz().replace(tzinfo=None)
        for slot_time in sorted(slot_times(session, policy)):
            if slot_time <= now_time:
                planned += self.compute(session, day=local.date(), slot_time=slot_time,
                                        policy=policy, calendar=calendar, index=index,
                                        directory=directory)
        if policy.remind_at <= now_time:
            planned += self.compute_digests(session, day=local.date(), policy=policy,
                                            calendar=calendar, directory=directory)
        return planned

    def record(self, at: datetime) -> list[tuple[PlannedMessage, bool]]:
        """`nhacviec remind --at` without --dry-run: queues what is due at `at` (each message
        at most once, ever) and says which were new."""
        now = self.clock.now()
        local = at.astimezone(self.options.tz)
        with self.session_factory() as session:
            planned = self._messages_up_to(session, local)
            rows = []
            for message in planned:
                row = outbox_values(message, status="pending", now=now)
                # Asked for a moment already past: it is due now, not expired (the key
                # still names its day); a future moment waits for its time.
                row["scheduled_at"] = row["not_before"] = max(message.slot, now)
                rows.append(row)
            inserted = _insert_ignoring_duplicates(session, rows)
            session.commit()
        return [(m, m.key in inserted) for m in planned]

    # --- the periodic runs ---------------------------------------------------------------------

    def plan_due(self, now: datetime | None = None) -> PlanRun:
        """Plans every reminder slot since the last run up to `now`, in one transaction."""
        return self._plan(now, PLANNER_STATE_KEY, digests=False)

    def plan_digests(self, now: datetime | None = None) -> PlanRun:
        """Plans the weekly digests whose time came since the last run (normally Monday at
        REMIND_AT; the week's first working day when Monday is off)."""
        return self._plan(now, DIGEST_STATE_KEY, digests=True)

    def _plan(self, now: datetime | None, state_key: str, *, digests: bool) -> PlanRun:
        started = monotonic_time.perf_counter()
        now = now or self.clock.now()
        run = PlanRun()
        tz = self.options.tz
        with self.session_factory() as session:
            if not try_planner_lock(session):
                run.skipped = True
                return run
            state = session.get(AppSetting, state_key)
            since = _parse_moment(state.value.get("planned_through")) if state else None
            if since is None:
                # A first start plans today's slot if it is still within the window.
                since = now - self.options.catchup_window
            oldest = now - timedelta(days=self.options.catchup_max_days)
            if since < oldest:
                run.gap = (since, oldest)
                if not digests:  # one report of the downtime is enough
                    record_problem(session, action="reminders.gap", outbox_id=None, now=now,
                                   details={"from": since.isoformat(),
                                            "to": oldest.isoformat()})
                since = oldest
            if since < now:
                policy = self.policy(session)
                custom = {} if digests else _custom_policies(session)
                times = [policy.remind_at] if digests else sorted(
                    slot_times(session, policy, custom))
                slots = []
                day = since.astimezone(tz).date()
                while day <= now.astimezone(tz).date():
                    for slot_time in times:
                        slot = datetime.combine(day, slot_time, tzinfo=tz).astimezone(UTC)
                        if since < slot <= now:
                            slots.append(slot)
                    day += timedelta(days=1)
                if slots:
                    calendar, index = self._calendar_and_index(session, fresh=True)
                    directory: Directory | None = None
                    for slot in sorted(slots):
                        local = slot.astimezone(tz)
                        if not calendar.is_working_day(local.date()):
                            continue  # nothing is sent on a day off
                        if directory is None:
                            directory = Directory(session, env_admins=self.options.env_admins)
                        if digests:
                            planned = self.compute_digests(
                                session, day=local.date(), policy=policy, calendar=calendar,
                                directory=directory)
                        else:
                            planned = self.compute(
                                session, day=local.date(),
                                slot_time=local.timetz().replace(tzinfo=None), policy=policy,
                                calendar=calendar, index=index, directory=directory,
                                custom=custom)
                        self._write(session, planned, slot=slot, now=now, run=run)
                        run.slots.append(slot)
            if state is None:
                state = AppSetting(key=state_key, value={}, version=0, updated_at=now)
                session.add(state)
            state.value = {"planned_through": max(now, since).isoformat()}
            state.version = (state.version or 0) + 1
            state.updated_at = now
            session.commit()
        run.seconds = monotonic_time.perf_counter() - started
        if run.queued or run.expired:
            logger.info("planned %s for %d slot(s): %d queued, %d expired, %d already planned "
                        "(%.2fs)", "digests" if digests else "reminders", len(run.slots),
                        run.queued, run.expired, run.already_planned, run.seconds)
        return run

    def _write(self, session: Session, planned: list[PlannedMessage], *, slot: datetime,
               now: datetime, run: PlanRun) -> None:
        expired = slot < now - self.options.catchup_window
        status = "expired" if expired else "pending"
        rows = [outbox_values(m, status=status, now=now) for m in planned]
        if not expired:
            # A slot is planned once (watermark and rows commit together), so this is almost
            # always all new; ON CONFLICT skips what another run already queued.
            queued = _bulk_insert(session, rows) if rows else 0
            run.queued += queued
            run.already_planned += len(planned) - queued
            return
        # Expired rows need their ids: each is recorded for the admins' report.
        inserted = _insert_ignoring_duplicates(session, rows, want_ids=True)
        run.already_planned += len(planned) - len(inserted)
        run.expired += len(inserted)
        by_key = {m.key: m for m in planned}
        if inserted:
            session.execute(AuditLog.__table__.insert(), [
                {"at": now, "actor": PLANNER_ACTOR, "action": "outbox.expired",
                 "entity": "outbox", "entity_id": row_id,
                 "details": problem_details(by_key[key])}
                for key, row_id in inserted.items()
            ])

    # --- re-checking a row just before it is sent ----------------------------------------------

    def refresh(self, session: Session, row: OutboxRow) -> Refreshed | None:
        """The row's reminder as it stands now: tasks completed (or extended, or moved to
        another unit) since planning drop out; None when nothing is left to remind."""
        task_ids = [int(t) for t in (row.task_ids or [])]
        if row.kind not in REMINDER_KINDS or not task_ids:
            return Refreshed(row.text, _menu_of(row), task_ids, row.kind)
        day = reminder_day_of(row.key) or row.scheduled_at.astimezone(self.options.tz).date()
        policy = self.current_policy()
        calendar, index = self._calendar_and_index(session)
        items = compute_items(session, day=day, base=policy, calendar=calendar,
                              index=index, slot_time=None, task_ids=task_ids)
        if not items:
            return None
        directory = Directory(session, env_admins=self.options.env_admins,
                              unit_ids={i.unit_id for i in items})
        for message in group_reminders(items, directory, day=day, tz=self.options.tz,
                                       base=policy):
            if message.recipient.address == (row.platform, row.chat_id):
                return Refreshed(message.text, message.menu, message.task_ids, message.kind)
        return None

    # --- recurring tasks -----------------------------------------------------------------------

    def ensure_occurrences_ahead(self, now: datetime | None = None) -> int:
        """Keeps the next periods of recurring tasks created, so their reminders can be planned
        (a monthly meeting's 7-day reminder needs next month's occurrence to exist)."""
        now = now or self.clock.now()
        today = self.local_date(now)
        created = 0
        with self.session_factory() as session:
            if not try_planner_lock(session):
                return 0
            calendar, _ = self._calendar_and_index(session, fresh=True)
            open_ahead = (
                select(Occurrence.task_id, func.count().label("n"))
                .where(Occurrence.done_at.is_(None), Occurrence.due_date >= today)
                .group_by(Occurrence.task_id)
                .subquery()
            )
            lacking = session.scalars(
                select(Task)
                .outerjoin(open_ahead, open_ahead.c.task_id == Task.id)
                .where(Task.schedule_kind == "recurring", Task.status == "active",
                       func.coalesce(open_ahead.c.n, 0) < services.OCCURRENCES_AHEAD)
                .order_by(Task.id)
            ).all()
            for task in lacking:
                try:
                    created += len(services.ensure_occurrences(
                        session, task, today=today, now=now, calendar=calendar))
                except Exception as error:  # one malformed schedule must not stop the rest
                    logger.warning("task %s: cannot create occurrences: %s", task.id, error)
            session.commit()
        return created


def _menu_of(row: OutboxRow) -> list[tuple[str, str]] | None:
    if not row.menu:
        return None
    return [(item["label"], item["command"]) for item in row.menu]


def _parse_moment(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- telling admins what could not be delivered ------------------------------------------------

PROBLEM_ACTIONS = (
    "outbox.expired",
    "outbox.blocked",
    "outbox.chat_not_found",
    "outbox.unknown",
    "outbox.failed",
    "reminders.gap",
)
REPORT_LINES_PER_SECTION = 12


class DeliveryReporter:
    """Gathers the delivery problems recorded since the last report (expired reminders,
    blocked or vanished chats, unknown outcomes, give-ups) into ONE message to each admin.

    The record is the audit log, append-only. Reported entries are remembered by a
    watermark on its ids plus the ids above it already told: a transaction on another
    instance may commit an entry with a lower id a moment later, so the watermark only
    passes entries older than `settle`.
    """

    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        clock: Clock,
        tz: ZoneInfo,
        env_admins: Iterable[tuple[str, str]] = (),
        catchup_window: timedelta = timedelta(hours=12),
        settle: timedelta = timedelta(minutes=2),
    ) -> None:
        self.session_factory = session_factory
        self.clock = clock
        self.tz = tz
        self.env_admins = tuple(env_admins)
        self.catchup_window = catchup_window
        self.settle = settle

    def report(self, now: datetime | None = None) -> int:
        """Queues the report; returns how many problems it covered (0: nothing new)."""
        now = now or self.clock.now()
        with self.session_factory() as session:
            if not try_planner_lock(session):
                return 0
            state = session.get(AppSetting, REPORT_STATE_KEY)
            through = int(state.value.get("through", 0)) if state else 0
            told = {int(i) for i in (state.value.get("told", []) if state else [])}
            entries = session.execute(
                select(AuditLog.id, AuditLog.action, AuditLog.details)
                .where(AuditLog.id > through, AuditLog.action.in_(PROBLEM_ACTIONS))
                .order_by(AuditLog.id)
            ).all()
            fresh = [e for e in entries if e.id not in told]
            if fresh:
                admins = services.admins(session, self.env_admins)
                text = self._render(session, fresh, now)
                key = f"{KIND_DELIVERY_REPORT}:{fresh[0].id}-{fresh[-1].id}"
                reached = 0
                for person in admins:
                    row = services.enqueue_to_person(
                        session, person=person, text=text, kind=KIND_DELIVERY_REPORT, key=key,
                        now=now, priority=5)
                    reached += row is not None
                if not reached:
                    logger.warning("delivery problems recorded but no admin is reachable: %s",
                                   text)
            settled = session.scalar(
                select(func.max(AuditLog.id)).where(AuditLog.id > through,
                                                    AuditLog.at <= now - self.settle)
            )
            new_through = max(through, settled or 0)
            told_after = sorted(i for i in told | {e.id for e in fresh} if i > new_through)
            if state is None:
                state = AppSetting(key=REPORT_STATE_KEY, value={}, version=0, updated_at=now)
                session.add(state)
            state.value = {"through": new_through, "told": told_after}
            state.version = (state.version or 0) + 1
            state.updated_at = now
            session.commit()
        return len(fresh)

    def _render(self, session: Session, entries: Sequence[Any], now: datetime) -> str:
        by_action: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entry in entries:
            by_action[entry.action].append(dict(entry.details or {}))
        names = self._names(session, [d for ds in by_action.values() for d in ds])
        lines = [messages.DELIVERY_REPORT_HEADER.format(
            at=now.astimezone(self.tz).strftime("%H:%M %d/%m/%Y"))]
        for gap in by_action.get("reminders.gap", []):
            start, end = _parse_moment(gap.get("from")), _parse_moment(gap.get("to"))
            if start and end:
                lines += ["", messages.DELIVERY_REPORT_GAP.format(
                    start=fmt_date(start.astimezone(self.tz).date()),
                    end=fmt_date(end.astimezone(self.tz).date()))]
        sections = (
            ("outbox.expired", messages.DELIVERY_REPORT_EXPIRED),
            ("outbox.blocked", messages.DELIVERY_REPORT_BLOCKED),
            ("outbox.chat_not_found", messages.DELIVERY_REPORT_NOT_FOUND),
            ("outbox.unknown", messages.DELIVERY_REPORT_UNKNOWN),
            ("outbox.failed", messages.DELIVERY_REPORT_FAILED),
        )
        hours = round(self.catchup_window.total_seconds() / 3600)
        for action, heading in sections:
            details = by_action.get(action)
            if not details:
                continue
            lines += ["", heading.format(count=len(details), hours=hours)]
            for detail in details[:REPORT_LINES_PER_SECTION]:
                ids = detail.get("task_ids") or []
                tasks = (messages.DELIVERY_REPORT_TASKS.format(
                    ids=", ".join(f"#{i}" for i in ids[:8]) + ("…" if len(ids) > 8 else ""))
                    if ids else "")
                lines.append(messages.DELIVERY_REPORT_LINE.format(
                    who=esc(names.get(_address(detail), _address_label(detail))), tasks=tasks))
            if len(details) > REPORT_LINES_PER_SECTION:
                lines.append(messages.DELIVERY_REPORT_MORE.format(
                    count=len(details) - REPORT_LINES_PER_SECTION))
        if any(a in by_action for a in ("outbox.blocked", "outbox.chat_not_found")):
            lines += ["", messages.DELIVERY_REPORT_FOOTER]
        text = "\n".join(lines)
        limit = DEFAULT_TEXT_LIMIT
        if len(text) > limit:
            text = text[: limit - 1].rsplit("\n", 1)[0] + "\n…"
        return text

    def _names(self, session: Session, details: Sequence[Mapping[str, Any]]
               ) -> dict[tuple[str, str], str]:
        """Who a chat is, for an admin: the person's name or the group's title."""
        person_ids = sorted({int(d["person_id"]) for d in details if d.get("person_id")})
        names: dict[tuple[str, str], str] = {}
        people = dict(session.execute(
            select(Person.id, Person.display_name).where(Person.id.in_(person_ids[:500]))
        ).all()) if person_ids else {}
        groups = [d for d in details if d.get("chat_kind") == "group"]
        titles: dict[tuple[str, str], str] = {}
        if groups:
            chat_ids = sorted({str(d.get("chat_id")) for d in groups})[:500]
            for platform, external_id, title in session.execute(
                select(Chat.platform, Chat.external_id, Chat.title).where(
                    Chat.external_id.in_(chat_ids))
            ):
                titles[(platform, external_id)] = title or external_id
        for detail in details:
            address = _address(detail)
            person_id = detail.get("person_id")
            if person_id and int(person_id) in people:
                names[address] = f"{people[int(person_id)]} ({_address_label(detail)})"
            elif address in titles:
                names[address] = f"nhóm «{titles[address]}» ({_address_label(detail)})"
        return names


def _address(detail: Mapping[str, Any]) -> tuple[str, str]:
    return (str(detail.get("platform")), str(detail.get("chat_id")))


def _address_label(detail: Mapping[str, Any]) -> str:
    return f"{detail.get('platform')}:{detail.get('chat_id')}"
