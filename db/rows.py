"""ORM objects for rows read or written by plain statements: the ORM's loading and flushing
are most of the cost of a short unit of work, and these objects need neither."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from sqlalchemy import inspect
from sqlalchemy.orm import Session, configure_mappers, make_transient_to_detached

from db.models import Base

Loaded = TypeVar("Loaded", bound=Base)


def as_read(session: Session, cls: type[Loaded], values: Mapping[str, Any]) -> Loaded:
    """The object of the row `values` (every column, by attribute name) in the session as if
    a query had loaded it: persistent, nothing pending. One the session holds already is
    returned as it is."""
    configure_mappers()  # at once when done (an object built by hand needs them set up)
    mapper = inspect(cls)
    held = session.identity_map.get(mapper.identity_key_from_primary_key(
        tuple(values[str(column.key)] for column in mapper.primary_key)))
    if held is not None:
        return cast(Loaded, held)
    # As the ORM's loading does: a bare instance, its columns put straight in its __dict__
    # (no attribute events, no history), then marked as loaded.
    loaded = cast(Loaded, mapper.class_manager.new_instance())
    loaded.__dict__.update(values)
    make_transient_to_detached(loaded)
    session.add(loaded)
    return loaded
