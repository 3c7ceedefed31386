"""Telling other people: queued in the outbox within the same transaction as the change."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from db import services
from db.models import Person, Unit
from handlers.base import Context, MenuOption


def _menu(options: Sequence[MenuOption] | None) -> list[tuple[str, str]] | None:
    return [(o.label, o.command) for o in options] if options else None


def notify_people(
    ctx: Context,
    people: Iterable[Person],
    text: str,
    *,
    kind: str,
    key: str,
    menu: Sequence[MenuOption] | None = None,
    task_ids: Sequence[int] = (),
) -> int:
    """Queue `text` to each person's reachable private chat; returns how many were reachable."""
    sent = 0
    seen: set[int] = set()
    for person in people:
        if person.id in seen:
            continue
        seen.add(person.id)
        row = services.enqueue_to_person(
            ctx.session, person=person, text=text, kind=kind, key=key, now=ctx.now,
            menu=_menu(menu), task_ids=task_ids, priority=10,
        )
        if row is not None:
            sent += 1
    return sent


def approvers_of(ctx: Context, unit_id: int) -> list[Person]:
    """Admins and the leaders of the unit and the units above it."""
    people = services.leaders_of(ctx.session, unit_id, include_ancestors=True)
    people += services.admins(ctx.session, ctx.settings.admin_identities)
    return people


def notify_unit(
    ctx: Context,
    unit: Unit,
    text: str,
    *,
    kind: str,
    key: str,
    task_ids: Sequence[int] = (),
) -> int:
    """A unit hears through its bound groups, or through each member when it has none
    (services.enqueue_to_unit: the one rule)."""
    return services.enqueue_to_unit(ctx.session, unit_id=unit.id, text=text, kind=kind,
                                    key=key, now=ctx.now, task_ids=task_ids)
