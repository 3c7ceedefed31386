"""Who hears about a unit: its groups, otherwise its members; its leaders for escalations;
and which of a person's identities (apps) a message goes to."""


from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import Row, and_, select
from sqlalchemy.orm import Session

from db import services
from db.models import (
    ROLE_LEADER,
    Chat,
    Identity,
    Membership,
    Person,
    Unit,
)

IN_CHUNK = 900


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
    """`services.choose_identity` over plain rows; one identity needs no choosing."""
    if len(identities) == 1:
        return identities[0]
    return services.choose_identity(preferred, identities)


def chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
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
            rows: list[Row[int, int | None, str, str]] = []
            for chunk in chunks(sorted(wanted)):
                rows += self.session.execute(select(*columns).where(Unit.id.in_(chunk))).all()
            wanted = set()
            for unit_id, parent_id, code, name in rows:
                self.units[unit_id] = (parent_id, code, name)
                if parent_id is not None and parent_id not in self.units:
                    wanted.add(parent_id)

    def _load_groups(self, unit_ids: list[int] | None) -> None:
        query = select(Chat.unit_id, Chat.platform, Chat.external_id).where(
            Chat.unit_id.is_not(None), services.UNIT_GROUP
        ).order_by(Chat.id)
        for chunk in [None] if unit_ids is None else list(chunks(unit_ids)):
            scoped = query if chunk is None else query.where(Chat.unit_id.in_(chunk))
            for unit_id, platform, external_id in self.session.execute(scoped):
                if unit_id is None:  # the query asks for bound groups; this tells mypy
                    continue
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
        for chunk in [None] if unit_ids is None else list(chunks(unit_ids)):
            scoped = query if chunk is None else query.where(Membership.unit_id.in_(chunk))
            for unit_id, person_id, role, preferred, identity_id, platform, chat_id in (
                self.session.execute(scoped)
            ):
                if (unit_id, person_id) != last_membership:
                    last_membership = (unit_id, person_id)
                    members[unit_id].append(person_id)
                    if role == ROLE_LEADER:
                        leaders[unit_id].append(person_id)
                if identity_id is None or chat_id is None:  # no app reaches this person
                    continue
                known = first_identity.get(person_id)
                if known is None:  # nearly everyone: one app, nothing to choose
                    first_identity[person_id] = identity_id
                    reach[person_id] = Recipient(platform, chat_id, "private", person_id)
                elif known != identity_id:
                    entry = several.get(person_id)
                    first = reach[person_id]
                    if entry is None and first is not None:
                        entry = several[person_id] = (preferred, {
                            known: (first.platform, first.chat_id)})
                    if entry is None:
                        continue
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
        for chunk in chunks(undecided):
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


