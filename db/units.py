"""Units (the tree of offices) and who may lead or see what in it."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, and_, bindparam, func, literal, select
from sqlalchemy.orm import Session

from db.actors import Actor
from db.domain import DomainError, audit
from db.models import (
    Task,
    Unit,
    UnitAlias,
)
from timelang.words import strip_accents

# --- units ---------------------------------------------------------------------------------


# session.info: unit id → the ids above it, read with the unit (`unit_by_code`). A unit's
# parent is set when it is made and never changed, so what one statement read stays true.
_CHAINS = "unit_chains"


@functools.cache
def _by_code_statement() -> Select[Any]:
    """The unit of this code, loaded whole, and the ids of the units above it with their
    distance (as `_chain_statement`, walked up from the code): one round trip where a look-up
    and then a permission check (`can_lead_unit`) took two."""
    chain = (select(Unit.id, Unit.parent_id, literal(0, Integer).label("depth"))
             .where(func.upper(Unit.code) == bindparam("unit_code"))
             .cte("code_chain", recursive=True))
    up = (select(Unit.id, Unit.parent_id, (chain.c.depth + 1).label("depth"))
          .join(chain, Unit.id == chain.c.parent_id)
          .where(chain.c.depth < MAX_TREE_DEPTH))
    chain = chain.union_all(up)
    return (select(chain.c.id, chain.c.depth, Unit)
            .outerjoin(Unit, and_(Unit.id == chain.c.id, chain.c.depth == 0))
            .order_by(chain.c.depth))


def unit_by_code(session: Session, code: str) -> Unit | None:
    found: Unit | None = None
    above: list[int] = []
    for unit_id, depth, unit in session.execute(_by_code_statement(),
                                                {"unit_code": code.strip().upper()}):
        if depth == 0:
            found = unit
        elif found is not None and unit_id not in above and unit_id != found.id:
            above.append(unit_id)
    if found is not None:
        session.info.setdefault(_CHAINS, {})[found.id] = above
    return found


# A unit's name typed with a slip ("Phong Noi vu", "Phòng Nôi vụ") still scores this high on
# the accent-free names; unrelated units of a district score far lower.
FUZZY_CUTOFF = 85
FUZZY_LIMIT = 5


def _folded(text: str) -> str:
    return " ".join(strip_accents(text).lower().replace("-", " ").split())


def units_named(session: Session, text: str) -> list[Unit]:
    """Units named by `text`: the code; else a name or alias written the same (accents,
    capitals and hyphens aside); else the names and aliases that contain it."""
    unit = unit_by_code(session, text)
    if unit is not None:
        return [unit]
    wanted = _folded(text)
    if not wanted:
        return []
    exact: list[Unit] = []
    partial: list[Unit] = []
    for candidate in all_units(session):
        names = [_folded(candidate.name)] + [_folded(a.alias) for a in candidate.aliases]
        if wanted in names:
            exact.append(candidate)
        elif any(wanted in name for name in names):
            partial.append(candidate)
    return exact or partial


def units_like(session: Session, text: str) -> list[Unit]:
    """Units whose name or alias is close to `text` (a typo): never to be picked silently,
    only offered as a choice. Best first."""
    # why: rapidfuzz (≈4 MiB resident) is loaded with the first typo to match, not at start-up
    from rapidfuzz import fuzz

    wanted = _folded(text)
    if len(wanted) < 3:
        return []
    choices: dict[int, tuple[Unit, float]] = {}
    for candidate in all_units(session):
        for name in [candidate.name, *(a.alias for a in candidate.aliases)]:
            score = fuzz.ratio(wanted, _folded(name))
            if score >= FUZZY_CUTOFF and score > choices.get(candidate.id, (candidate, 0))[1]:
                choices[candidate.id] = (candidate, score)
    ranked = sorted(choices.values(), key=lambda pair: (-pair[1], pair[0].code))
    return [unit for unit, _ in ranked[:FUZZY_LIMIT]]


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


# A unit tree is a handful of levels deep (province, district, commune, office); the walk up
# stops here even if the parents were ever made to loop.
MAX_TREE_DEPTH = 64


@functools.cache
def _chain_statement() -> Select[Any]:
    """The unit and its ancestors with their distance, walked up in the database: the cost
    is the depth of the tree, not the number of units."""
    chain = (select(Unit.id, Unit.parent_id, literal(0, Integer).label("depth"))
             .where(Unit.id == bindparam("unit_id"))
             .cte("unit_chain", recursive=True))
    up = (select(Unit.id, Unit.parent_id, (chain.c.depth + 1).label("depth"))
          .join(chain, Unit.id == chain.c.parent_id)
          .where(chain.c.depth < MAX_TREE_DEPTH))
    chain = chain.union_all(up)
    return select(chain.c.id, chain.c.depth).order_by(chain.c.depth)


def ancestor_ids(session: Session, unit_id: int) -> list[int]:
    """The units above this one, its parent first."""
    known = session.info.get(_CHAINS, {}).get(unit_id)
    if known is not None:
        return list(known)
    chain: list[int] = []
    for ancestor, depth in session.execute(_chain_statement(), {"unit_id": unit_id}):
        if depth and ancestor not in chain and ancestor != unit_id:
            chain.append(ancestor)
    return chain


# --- permissions ---------------------------------------------------------------------------


def led_subtree(session: Session, actor: Actor) -> set[int]:
    return subtree_ids(session, actor.led_unit_ids)


def can_lead_unit(session: Session, actor: Actor, unit_id: int) -> bool:
    """Admins, and leaders of the unit or of a unit above it."""
    if actor.is_admin:
        return True
    led = actor.led_unit_ids
    if not led:
        return False
    # The unit's chain up (a few rows), not the whole tree.
    return unit_id in led or bool(led.intersection(ancestor_ids(session, unit_id)))


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
