"""Who is acting: the person behind a platform identity, with their units and roles, loaded
in one round trip at the start of every update."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import Select, Table, and_, bindparam, select, update
from sqlalchemy.orm import Session

from db.models import (
    ROLE_LEADER,
    Chat,
    ChatState,
    Identity,
    Membership,
    Person,
)
from db.rows import as_read

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
def _actor_statement(with_state: bool = False) -> Select[*tuple[Any, ...]]:
    """Identity, person and memberships in one round trip, as plain rows: every update starts
    here, and ORM objects for them would cost more than the rest of a /nhiemvu. `with_state`:
    and the chat state of (platform, `state_chat`, this identity), the one ORM object (the
    router reads it next, and may change it)."""
    statement = (
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
    if with_state:
        statement = statement.add_columns(*_STATE_COLUMNS).outerjoin(ChatState, and_(
            ChatState.platform == Identity.platform, ChatState.chat_id == bindparam("state_chat"),
            ChatState.user_id == Identity.external_id))
    return statement


# The chat state's columns, after the actor's nine: made into the ORM object only when there
# is one (db.rows.as_read), so the statement is plain rows, without the ORM's loading.
_STATE_COLUMNS = tuple(cast(Table, ChatState.__table__).c)
_STATE_AT = 9


# The chat state could not be read with the actor (a first contact): read it on its own.
STATE_NOT_READ: Any = object()


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
    actor, _ = resolve_actor_and_state(
        session, platform=platform, external_id=external_id, display_name=display_name,
        private_chat_id=private_chat_id, now=now, env_admins=env_admins)
    return actor


def resolve_actor_and_state(
    session: Session,
    *,
    platform: str,
    external_id: str,
    display_name: str,
    private_chat_id: str | None,
    now: datetime,
    env_admins: Iterable[tuple[str, str]] = (),
    state_chat: str | None = None,
) -> tuple[Actor, ChatState | None]:
    """`resolve_actor`, and with `state_chat` the chat state of this person in that chat, read
    in the same round trip (as read: db.chat_state.current says whether it has expired);
    STATE_NOT_READ when it was not read (no `state_chat`, or a first contact)."""
    is_env_admin = (platform, external_id) in set(env_admins)
    params = {"platform": platform, "external_id": external_id}
    if state_chat is not None:
        params["state_chat"] = state_chat
    session.flush()  # the autoflush the session's connection skips (rarely anything)
    rows = session.connection().execute(_actor_statement(state_chat is not None), params).all()
    if not rows:
        person = Person(display_name=display_name or external_id, created_at=now)
        session.add(person)
        session.add(Identity(person=person, platform=platform, external_id=external_id,
                             display_name=display_name, private_chat_id=private_chat_id,
                             last_inbound_at=now, created_at=now))
        session.flush()
        return Actor.of(person, platform=platform, external_id=external_id,
                        is_admin=person.is_admin or is_env_admin), STATE_NOT_READ
    (identity_id, identity_name, known_chat_id, last_inbound_at,
     person_id, person_name, person_is_admin) = rows[0][:7]
    chat_state = _chat_state(session, rows[0]) if state_chat is not None else STATE_NOT_READ
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
    ), chat_state


def _chat_state(session: Session, row: Any) -> ChatState | None:
    values = row[_STATE_AT:]
    if values[0] is None:  # no state: the outer join's columns are all NULL
        return None
    return as_read(session, ChatState, {column.key: value
                                        for column, value in zip(_STATE_COLUMNS, values,
                                                                 strict=True)})


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
