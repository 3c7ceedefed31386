"""Who to tell and how: admins, leaders, members, the identity a person is reached on, and
the outbox row that carries each message (sent after the commit, exactly once)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.domain import OUTBOX_CHANGED
from db.models import (
    ROLE_LEADER,
    Chat,
    Identity,
    Membership,
    Outbox,
    Person,
)
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


# The one rule for telling a unit: it hears in its bound group chats, or, when it has none,
# through each member's private chat. The planner applies the same rule in bulk
# (scheduler.audience.Directory, with UNIT_GROUP below).
UNIT_GROUP = Chat.kind == "group"


def unit_groups(session: Session, unit_id: int) -> list[Chat]:
    """The group chats bound to a unit, oldest first."""
    return list(session.scalars(
        select(Chat).where(Chat.unit_id == unit_id, UNIT_GROUP).order_by(Chat.id)))


def enqueue_to_unit(
    session: Session, *, unit_id: int, text: str, kind: str, key: str, now: datetime,
    task_ids: Sequence[int] = (), priority: int = 10,
) -> int:
    """Queue `text` to a unit by the rule above; returns how many messages were queued."""
    groups = unit_groups(session, unit_id)
    queued = 0
    if groups:
        for chat in groups:
            row = enqueue(session, platform=chat.platform, chat_id=chat.external_id, text=text,
                          kind=kind, key=f"{key}:chat{chat.id}", now=now, task_ids=task_ids,
                          priority=priority, chat_kind=chat.kind)
            queued += row is not None
        return queued
    for person in members_of(session, unit_id):
        row = enqueue_to_person(session, person=person, text=text, kind=kind, key=key, now=now,
                                task_ids=task_ids, priority=priority)
        queued += row is not None
    return queued
