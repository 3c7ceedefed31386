"""ORM objects for rows read or written by plain statements: the ORM's loading and flushing
are most of the cost of a short unit of work, and these objects need neither."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from sqlalchemy import inspect
from sqlalchemy.orm import Session, make_transient_to_detached

from db.models import Base

Loaded = TypeVar("Loaded", bound=Base)


def as_read(session: Session, cls: type[Loaded], values: Mapping[str, Any]) -> Loaded:
    """The object of the row `values` (every column, by attribute name) in the session as if
    a query had loaded it: persistent, nothing pending. One the session holds already is
    returned as it is."""
    mapper = inspect(cls)
    held = session.identity_map.get(mapper.identity_key_from_primary_key(
        tuple(values[str(column.key)] for column in mapper.primary_key)))
    if held is not None:
        return cast(Loaded, held)
    loaded = cls(**values)
    make_transient_to_detached(loaded)
    session.add(loaded)
    return loaded
