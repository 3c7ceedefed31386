"""What every domain operation shares: the error that names a broken rule, the marker that
a unit of work queued messages, and the audit trail."""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Insert, Table, insert
from sqlalchemy.orm import Session

from db.actors import Actor
from db.models import AuditLog

OCCURRENCES_AHEAD = 2
# Set in `session.info` when a unit of work queued messages, so the sender is woken only then.
OUTBOX_CHANGED = "outbox_changed"


class DomainError(Exception):
    """A rule was broken; `key` names the catalogue message, `params` fill it."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


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
    # A plain INSERT on the table, in the caller's transaction: an audit row is never read
    # back in it, so it needs no ORM object (nor a round of the ORM's flush).
    session.execute(_audit_statement(), {
        "at": now, "person_id": person_id, "actor": label, "action": action,
        "entity": entity, "entity_id": entity_id, "details": _jsonable(details)})


@functools.cache
def _audit_statement() -> Insert:
    return insert(cast(Table, AuditLog.__table__))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
