"""Who to tell and how: admins, leaders, members, the identity a person is reached on, and
the outbox row that carries each message (sent after the commit, exactly once)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    Table,
    bindparam,
    cast,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert
from sqlalchemy.sql.selectable import CompoundSelect

from db.domain import OUTBOX_CHANGED
from db.models import (
    ROLE_LEADER,
    Chat,
    Identity,
    Membership,
    Outbox,
    Person,
)
from db.rows import as_read
from db.units import ancestor_ids

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


class _Reachable(Protocol):
    @property
    def platform(self) -> str: ...
    @property
    def last_inbound_at(self) -> datetime | None: ...
    @property
    def created_at(self) -> datetime: ...


IdentityLike = TypeVar("IdentityLike", bound=_Reachable)


def choose_identity(preferred: str | None, reachable: Sequence[IdentityLike]
                    ) -> IdentityLike | None:
    """The one rule for which app a person is told on, among identities with a private chat:
    the preferred platform first, then the most recently active. Used on ORM identities here,
    on plain rows by the planner (scheduler.audience) and by the Zalo OA's fallbacks."""
    if not reachable:
        return None
    if preferred:
        matching = [i for i in reachable if i.platform == preferred]
        if matching:
            return matching[0]
    return max(reachable, key=lambda i: i.last_inbound_at or i.created_at)


def reachable_identity(person: Person) -> Identity | None:
    """The identity a message to this person should go to (see `choose_identity`)."""
    return choose_identity(person.preferred_platform,
                           [i for i in person.identities if i.private_chat_id])


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
    makes a second enqueue of the same message a no-op: one INSERT … ON CONFLICT DO NOTHING
    RETURNING, no look-up first (None when the key was there)."""
    # A plain INSERT does not flush the session: the person or chat a row refers to goes
    # first (nothing to do, and no statement, when the session holds no change).
    session.flush()
    returned = session.execute(_enqueue_statement(session.get_bind().dialect.name), {
        "idempotency_key": key, "kind": kind, "platform": platform, "chat_id": chat_id,
        "chat_kind": chat_kind, "text": text,
        "menu": [{"label": label, "command": command} for label, command in menu]
        if menu else None,
        "task_ids": list(task_ids), "person_id": person_id, "priority": priority,
        "scheduled_at": now, "not_before": not_before or now, "created_at": now,
    }).first()
    if returned is None:
        return None
    session.info[OUTBOX_CHANGED] = True
    return as_read(session, Outbox, returned._asdict())


@functools.cache
def _enqueue_statement(dialect: str) -> ReturningInsert[Any]:
    """Built once per database kind (ON CONFLICT is written by each dialect's own insert);
    every column returned, defaults filled in by the table."""
    table: Table = Outbox.__table__  # type: ignore[assignment]
    if dialect == "postgresql":
        # why: each engine imports only its own dialect (idle RSS, tests/test_lean_start.py);
        # by the time a row is queued, this one is loaded
        from sqlalchemy.dialects import postgresql
        return (postgresql.insert(table)
                .on_conflict_do_nothing(index_elements=[table.c.idempotency_key])
                .returning(*table.c))
    from sqlalchemy.dialects import sqlite  # why: as above

    return (sqlite.insert(table).on_conflict_do_nothing(index_elements=[table.c.idempotency_key])
            .returning(*table.c))


# The one rule for telling a unit: it hears in its bound group chats, or, when it has none,
# through each member's private chat. The planner applies the same rule in bulk
# (scheduler.audience.Directory, with UNIT_GROUP below).
UNIT_GROUP = Chat.kind == "group"


def unit_groups(session: Session, unit_id: int) -> list[Chat]:
    """The group chats bound to a unit, oldest first."""
    return list(session.scalars(
        select(Chat).where(Chat.unit_id == unit_id, UNIT_GROUP).order_by(Chat.id)))


@functools.cache
def _unit_audience_statement() -> CompoundSelect:
    """Who hears a unit, both ways in one round trip: its bound groups, and its members'
    identities with a private chat (the rule below picks)."""
    groups = (select(literal("group").label("via"), Chat.id.label("id"),
                     Chat.platform.label("platform"), Chat.external_id.label("chat_id"),
                     Chat.kind.label("chat_kind"), cast(null(), Integer).label("person_id"),
                     cast(null(), String).label("preferred_platform"),
                     cast(null(), DateTime).label("last_inbound_at"),
                     Chat.created_at.label("created_at"))
              .where(Chat.unit_id == bindparam("unit_id"), UNIT_GROUP))
    members = (select(literal("member"), Identity.id, Identity.platform,
                      Identity.private_chat_id, literal("private"), Person.id,
                      Person.preferred_platform, Identity.last_inbound_at, Identity.created_at)
               .join(Person, Person.id == Identity.person_id)
               .join(Membership, Membership.person_id == Person.id)
               .where(Membership.unit_id == bindparam("unit_id"),
                      Identity.private_chat_id.is_not(None)))
    return union_all(groups, members)


def enqueue_to_unit(
    session: Session, *, unit_id: int, text: str, kind: str, key: str, now: datetime,
    task_ids: Sequence[int] = (), priority: int = 10,
) -> int:
    """Queue `text` to a unit by the rule above; returns how many messages were queued."""
    rows = session.execute(_unit_audience_statement(), {"unit_id": unit_id}).all()
    groups = sorted((row for row in rows if row.via == "group"), key=lambda row: row.id)
    queued = 0
    if groups:
        for chat in groups:
            queued += enqueue(session, platform=chat.platform, chat_id=chat.chat_id, text=text,
                              kind=kind, key=f"{key}:chat{chat.id}", now=now,
                              task_ids=task_ids, priority=priority,
                              chat_kind=chat.chat_kind) is not None
        return queued
    people: dict[int, list[Any]] = {}
    for row in rows:
        if row.chat_id:
            people.setdefault(row.person_id, []).append(row)
    for person_id, identities in sorted(people.items()):
        # The same choice as enqueue_to_person makes, on the rows read here.
        identities.sort(key=lambda row: row.id)
        identity = choose_identity(identities[0].preferred_platform, identities)
        if identity is None:
            continue
        queued += enqueue(session, platform=identity.platform, chat_id=identity.chat_id,
                          text=text, kind=kind, key=f"{key}:{person_id}", now=now,
                          task_ids=task_ids, priority=priority,
                          person_id=person_id) is not None
    return queued
