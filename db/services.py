"""Domain operations over the database. They flush but never commit: the caller's unit of
work (one chat update, one CLI command) commits once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from db.models import (
    ROLE_LEADER,
    ROLE_MEMBER,
    AuditLog,
    Chat,
    Evidence,
    ExtensionRequest,
    Identity,
    JoinRequest,
    Membership,
    Occurrence,
    Outbox,
    Person,
    Plan,
    ProgressUpdate,
    Task,
    Unit,
    UnitAlias,
)
from timelang.calendar import WorkingCalendar
from timelang.deadlines import Deadline
from timelang.status import Status, occurrence_status

OCCURRENCES_AHEAD = 2
# Set in `session.info` when a unit of work queued messages, so the sender is woken only then.
OUTBOX_CHANGED = "outbox_changed"


class DomainError(Exception):
    """A rule was broken; `key` names the catalogue message, `params` fill it."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


# --- who is acting -------------------------------------------------------------------------


@dataclass
class Actor:
    """Who sent the update. The Person row itself is loaded only by the few commands that
    change it (`person`); everything else needs just its id, name and roles."""

    person_id: int
    display_name: str
    platform: str
    external_id: str
    is_admin: bool
    roles: dict[int, str] = field(default_factory=dict)  # unit id → member | leader
    _session: Session | None = field(default=None, repr=False, compare=False)
    _person: Person | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, person: Person, *, platform: str, external_id: str, is_admin: bool,
           roles: dict[int, str] | None = None) -> Actor:
        return cls(person_id=person.id, display_name=person.display_name, platform=platform,
                   external_id=external_id, is_admin=is_admin, roles=roles or {},
                   _person=person)

    @property
    def person(self) -> Person:
        if self._person is None:
            if self._session is None:
                raise RuntimeError("actor without a session cannot load its person")
            person = self._session.get(Person, self.person_id)
            if person is None:
                raise RuntimeError(f"person {self.person_id} vanished")
            self._person = person
        return self._person

    @person.setter
    def person(self, person: Person) -> None:
        self._person = person
        self.person_id = person.id
        self.display_name = person.display_name

    @property
    def label(self) -> str:
        return f"{self.platform}:{self.external_id}"

    @property
    def unit_ids(self) -> set[int]:
        return set(self.roles)

    @property
    def led_unit_ids(self) -> set[int]:
        return {unit_id for unit_id, role in self.roles.items() if role == ROLE_LEADER}

    @property
    def is_leader(self) -> bool:
        return bool(self.led_unit_ids)


INBOUND_STAMP_INTERVAL = timedelta(minutes=1)


@cache
def _actor_statement() -> Select[*tuple[Any, ...]]:
    """Identity, person and memberships in one round trip, as plain rows: every update starts
    here, and ORM objects for them would cost more than the rest of a /nhiemvu."""
    return (
        select(
            Identity.id, Identity.display_name, Identity.private_chat_id,
            Identity.last_inbound_at, Person.id, Person.display_name, Person.is_admin,
            Membership.unit_id, Membership.role,
        )
        .join(Person, Person.id == Identity.person_id)
        .outerjoin(Membership, Membership.person_id == Person.id)
        .where(Identity.platform == bindparam("platform"),
               Identity.external_id == bindparam("external_id"))
    )


def resolve_actor(
    session: Session,
    *,
    platform: str,
    external_id: str,
    display_name: str,
    private_chat_id: str | None,
    now: datetime,
    env_admins: Iterable[tuple[str, str]] = (),
) -> Actor:
    """The person behind a chat identity, created on first contact."""
    is_env_admin = (platform, external_id) in set(env_admins)
    rows = session.execute(_actor_statement(),
                           {"platform": platform, "external_id": external_id}).all()
    if not rows:
        person = Person(display_name=display_name or external_id, created_at=now)
        session.add(person)
        session.add(Identity(person=person, platform=platform, external_id=external_id,
                             display_name=display_name, private_chat_id=private_chat_id,
                             last_inbound_at=now, created_at=now))
        session.flush()
        return Actor.of(person, platform=platform, external_id=external_id,
                        is_admin=person.is_admin or is_env_admin)
    (identity_id, identity_name, known_chat_id, last_inbound_at,
     person_id, person_name, person_is_admin, _, _) = rows[0]
    changes: dict[str, Any] = {}
    if display_name and identity_name != display_name:
        changes["display_name"] = display_name
    if private_chat_id and known_chat_id != private_chat_id:
        changes["private_chat_id"] = private_chat_id
    # Stamped at most once a minute, so that reading a list stays a read-only transaction.
    if (last_inbound_at is None or now - last_inbound_at >= INBOUND_STAMP_INTERVAL
            or now < last_inbound_at):
        changes["last_inbound_at"] = now
    if changes:
        session.execute(update(Identity).where(Identity.id == identity_id).values(**changes))
    return Actor(
        person_id=person_id,
        display_name=person_name,
        platform=platform,
        external_id=external_id,
        is_admin=person_is_admin or is_env_admin,
        roles={row.unit_id: row.role for row in rows if row.unit_id is not None},
        _session=session,
    )


def roles_of(session: Session, person_id: int) -> dict[int, str]:
    rows = session.execute(
        select(Membership.unit_id, Membership.role).where(Membership.person_id == person_id)
    )
    return {unit_id: role for unit_id, role in rows}


def ensure_chat(
    session: Session, *, platform: str, external_id: str, kind: str, title: str | None, now: datetime
) -> Chat:
    chat = session.scalar(
        select(Chat).where(Chat.platform == platform, Chat.external_id == external_id)
    )
    if chat is None:
        chat = Chat(platform=platform, external_id=external_id, kind=kind, title=title, created_at=now)
        session.add(chat)
        session.flush()
    elif title and chat.title != title:
        chat.title = title
    return chat


def audit(
    session: Session,
    *,
    actor: Actor | str,
    action: str,
    entity: str,
    entity_id: int | None,
    now: datetime,
    **details: Any,
) -> None:
    if isinstance(actor, Actor):
        label, person_id = actor.label, actor.person_id
    else:
        label, person_id = actor, None
    session.add(
        AuditLog(
            at=now,
            person_id=person_id,
            actor=label,
            action=action,
            entity=entity,
            entity_id=entity_id,
            details=_jsonable(details),
        )
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


# --- units ---------------------------------------------------------------------------------


def unit_by_code(session: Session, code: str) -> Unit | None:
    return session.scalar(select(Unit).where(func.upper(Unit.code) == code.strip().upper()))


def require_unit(session: Session, code: str) -> Unit:
    unit = unit_by_code(session, code)
    if unit is None:
        raise DomainError("unit_not_found", code=code)
    return unit


def create_unit(
    session: Session,
    *,
    code: str,
    name: str,
    parent: Unit | None,
    aliases: Sequence[str] = (),
    kind: str | None = None,
    actor: Actor | str,
    now: datetime,
) -> Unit:
    code = code.strip().upper()
    if not code or not name.strip():
        raise DomainError("unit_bad_input")
    if unit_by_code(session, code) is not None:
        raise DomainError("unit_exists", code=code)
    unit = Unit(code=code, name=name.strip(), parent=parent, kind=kind, created_at=now)
    unit.aliases = [UnitAlias(alias=alias.strip()) for alias in aliases if alias.strip()]
    session.add(unit)
    session.flush()
    audit(session, actor=actor, action="unit.create", entity="unit", entity_id=unit.id, now=now,
          code=code, name=unit.name, parent=parent.code if parent else None)
    return unit


def all_units(session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).order_by(Unit.code)))


def subtree_ids(session: Session, root_ids: Iterable[int]) -> set[int]:
    """The given units and every unit below them."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in session.execute(select(Unit.id, Unit.parent_id)):
        children.setdefault(parent_id, []).append(unit_id)
    result: set[int] = set()
    stack = list(root_ids)
    while stack:
        unit_id = stack.pop()
        if unit_id in result:
            continue
        result.add(unit_id)
        stack.extend(children.get(unit_id, []))
    return result


def ancestor_ids(session: Session, unit_id: int) -> list[int]:
    parents = dict(session.execute(select(Unit.id, Unit.parent_id)).all())
    chain: list[int] = []
    current = parents.get(unit_id)
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


# --- permissions ---------------------------------------------------------------------------


def led_subtree(session: Session, actor: Actor) -> set[int]:
    return subtree_ids(session, actor.led_unit_ids)


def can_lead_unit(session: Session, actor: Actor, unit_id: int) -> bool:
    """Admins, and leaders of the unit or of a unit above it."""
    if actor.is_admin:
        return True
    return unit_id in led_subtree(session, actor)


def visible_unit_ids(session: Session, actor: Actor) -> set[int] | None:
    """None means every unit (admins)."""
    if actor.is_admin:
        return None
    return actor.unit_ids | led_subtree(session, actor)


def can_view_task(session: Session, actor: Actor, task: Task) -> bool:
    if actor.is_admin:
        return True
    units = {task.lead_unit_id, *(unit.id for unit in task.support_units)}
    return bool(units & (visible_unit_ids(session, actor) or set()))


def can_act_on_task(session: Session, actor: Actor, task: Task) -> bool:
    """Progress, evidence, completion and extension requests: the lead unit's people."""
    if actor.is_admin or task.lead_unit_id in actor.unit_ids:
        return True
    return can_lead_unit(session, actor, task.lead_unit_id)


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
    title = title.strip()
    if not title:
        raise DomainError("task_title_missing")
    task = Task(
        title=title,
        description=description,
        lead_unit=lead_unit,
        support_units=[unit for unit in support_units if unit.id != lead_unit.id],
        deadline_text=deadline.source,
        schedule_kind=deadline.kind,
        schedule=deadline.to_spec(),
        rrule=deadline.rrule,
        plan=plan,
        ref=ref,
        created_by_id=actor.person_id if isinstance(actor, Actor) else None,
        created_at=now,
    )
    session.add(task)
    session.flush()
    ensure_occurrences(session, task, today=today, now=now, calendar=calendar)
    audit(session, actor=actor, action="task.create", entity="task", entity_id=task.id, now=now,
          title=title, unit=lead_unit.code, deadline=deadline.source)
    return task


def task_deadline(task: Task) -> Deadline:
    return Deadline.from_spec(task.schedule)


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
    existing = {
        key
        for key in session.scalars(
            select(Occurrence.period_key).where(Occurrence.task_id == task.id)
        )
    }
    created: list[Occurrence] = []
    if deadline.kind == "once":
        if "once" not in existing:
            created.append(Occurrence(task_id=task.id, period_key="once", due_date=deadline.due,
                                      created_at=now))
    elif deadline.kind == "ongoing":
        if "ongoing" not in existing:
            created.append(Occurrence(task_id=task.id, period_key="ongoing", due_date=None,
                                      created_at=now))
    else:
        start = min(today, task.created_at.date()) if task.created_at else today
        open_future = session.scalar(
            select(func.count()).select_from(Occurrence).where(
                Occurrence.task_id == task.id,
                Occurrence.done_at.is_(None),
                Occurrence.due_date >= today,
            )
        ) or 0
        needed = max(0, ahead - open_future)
        if needed:
            for period in deadline.periods(start, ahead + len(existing) + 2, calendar):
                if needed == 0:
                    break
                if period.key in existing or (period.due is not None and period.due < today):
                    continue
                created.append(Occurrence(
                    task_id=task.id, period_key=period.key, period_start=period.start,
                    period_end=period.end, due_date=period.due, created_at=now))
                existing.add(period.key)
                needed -= 1
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


# --- joining units -------------------------------------------------------------------------


def request_join(session: Session, *, actor: Actor, unit: Unit, now: datetime) -> JoinRequest:
    if unit.id in actor.roles:
        raise DomainError("join_already_member", unit=unit.name)
    pending = session.scalar(
        select(JoinRequest).where(
            JoinRequest.person_id == actor.person_id,
            JoinRequest.unit_id == unit.id,
            JoinRequest.status == "pending",
        )
    )
    if pending is not None:
        raise DomainError("join_pending", unit=unit.name)
    request = JoinRequest(person_id=actor.person_id, unit_id=unit.id, requested_at=now)
    session.add(request)
    session.flush()
    audit(session, actor=actor, action="join.request", entity="join_request",
          entity_id=request.id, now=now, unit=unit.code)
    return request


def decide_join(
    session: Session, *, actor: Actor, request: JoinRequest, role: str | None, now: datetime
) -> None:
    """role None refuses; otherwise the person becomes a member or leader of the unit."""
    if request.status != "pending":
        raise DomainError("already_decided")
    if not can_lead_unit(session, actor, request.unit_id):
        raise DomainError("not_allowed")
    if role is None:
        request.status = "refused"
    else:
        if role not in (ROLE_MEMBER, ROLE_LEADER):
            raise DomainError("bad_role")
        set_membership(session, person_id=request.person_id, unit_id=request.unit_id, role=role,
                       actor=actor, now=now)
        request.status = "approved"
        request.role_granted = role
    request.decided_by_id = actor.person_id
    request.decided_at = now
    session.flush()
    audit(session, actor=actor, action=f"join.{request.status}", entity="join_request",
          entity_id=request.id, now=now, role=role)


def set_membership(
    session: Session, *, person_id: int, unit_id: int, role: str, actor: Actor | str, now: datetime
) -> Membership:
    membership = session.scalar(
        select(Membership).where(Membership.person_id == person_id, Membership.unit_id == unit_id)
    )
    if membership is None:
        membership = Membership(person_id=person_id, unit_id=unit_id, role=role, created_at=now)
        session.add(membership)
    else:
        membership.role = role
    session.flush()
    audit(session, actor=actor, action="membership.set", entity="membership",
          entity_id=membership.id, now=now, person=person_id, unit=unit_id, role=role)
    return membership


def bind_group(
    session: Session, *, actor: Actor, chat: Chat, unit: Unit, now: datetime
) -> Unit | None:
    """Binds the group to `unit`; returns the unit it was bound to before, if another."""
    if chat.kind != "group":
        raise DomainError("bind_needs_group")
    if not can_lead_unit(session, actor, unit.id):
        raise DomainError("not_allowed")
    previous = chat.unit if chat.unit_id not in (None, unit.id) else None
    # Taking a group from another unit silences that unit's reminders there: its leaders
    # (or an admin) decide that, not whoever leads some other unit.
    if previous is not None and not can_lead_unit(session, actor, previous.id):
        raise DomainError("bind_already_bound", unit=previous.name)
    chat.unit_id = unit.id
    chat.bound_by_id = actor.person_id
    chat.bound_at = now
    session.flush()
    audit(session, actor=actor, action="chat.bind", entity="chat", entity_id=chat.id, now=now,
          unit=unit.code, chat=chat.external_id,
          previous=previous.code if previous is not None else None)
    return previous


# --- who to tell ---------------------------------------------------------------------------


def admins(session: Session, env_admins: Iterable[tuple[str, str]] = ()) -> list[Person]:
    people = {p.id: p for p in session.scalars(select(Person).where(Person.is_admin.is_(True)))}
    pairs = list(env_admins)
    if pairs:
        for identity in session.scalars(select(Identity)):
            if (identity.platform, identity.external_id) in pairs:
                people.setdefault(identity.person_id, identity.person)
    return list(people.values())


def leaders_of(session: Session, unit_id: int, *, include_ancestors: bool = False) -> list[Person]:
    unit_ids = [unit_id, *(ancestor_ids(session, unit_id) if include_ancestors else [])]
    return list(
        session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.unit_id.in_(unit_ids), Membership.role == ROLE_LEADER)
            .distinct()
        )
    )


def members_of(session: Session, unit_id: int) -> list[Person]:
    return list(
        session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.unit_id == unit_id)
        )
    )


def reachable_identity(person: Person) -> Identity | None:
    """The identity a message to this person should go to: the preferred platform first,
    then the most recently active one with a private chat."""
    reachable = [i for i in person.identities if i.private_chat_id]
    if not reachable:
        return None
    if person.preferred_platform:
        preferred = [i for i in reachable if i.platform == person.preferred_platform]
        if preferred:
            return preferred[0]
    return max(reachable, key=lambda i: i.last_inbound_at or i.created_at)


def enqueue_to_person(
    session: Session,
    *,
    person: Person,
    text: str,
    kind: str,
    key: str,
    now: datetime,
    menu: Sequence[tuple[str, str]] | None = None,
    task_ids: Sequence[int] = (),
    priority: int = 10,
) -> Outbox | None:
    identity = reachable_identity(person)
    if identity is None or identity.private_chat_id is None:
        return None
    return enqueue(
        session,
        platform=identity.platform,
        chat_id=identity.private_chat_id,
        text=text,
        kind=kind,
        key=f"{key}:{person.id}",
        now=now,
        menu=menu,
        task_ids=task_ids,
        priority=priority,
        person_id=person.id,
    )


def enqueue(
    session: Session,
    *,
    platform: str,
    chat_id: str,
    text: str,
    kind: str,
    key: str,
    now: datetime,
    menu: Sequence[tuple[str, str]] | None = None,
    task_ids: Sequence[int] = (),
    priority: int = 0,
    person_id: int | None = None,
    chat_kind: str = "private",
    not_before: datetime | None = None,
) -> Outbox | None:
    """Queue a message in the same transaction as the change it tells of. The idempotency key
    makes a second enqueue of the same message a no-op."""
    if session.scalar(select(Outbox.id).where(Outbox.idempotency_key == key)) is not None:
        return None
    row = Outbox(
        idempotency_key=key,
        kind=kind,
        platform=platform,
        chat_id=chat_id,
        chat_kind=chat_kind,
        text=text,
        menu=[{"label": label, "command": command} for label, command in menu] if menu else None,
        task_ids=list(task_ids),
        person_id=person_id,
        priority=priority,
        scheduled_at=now,
        not_before=not_before or now,
        created_at=now,
    )
    session.add(row)
    session.flush()
    session.info[OUTBOX_CHANGED] = True
    return row

