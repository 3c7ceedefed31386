"""The domain services, one module per aggregate (db.actors, db.units, db.tasks, db.joining,
db.outbox, db.domain), gathered here so that callers write `services.complete_occurrence(...)`.
They flush but never commit: the caller's unit of work (one chat update, one CLI command)
commits once."""

from __future__ import annotations

from db.actors import (
    INBOUND_STAMP_INTERVAL,
    Actor,
    ensure_chat,
    resolve_actor,
    roles_of,
)
from db.domain import (
    OCCURRENCES_AHEAD,
    OUTBOX_CHANGED,
    DomainError,
    audit,
)
from db.joining import (
    bind_group,
    decide_join,
    request_join,
    set_membership,
)
from db.outbox import (
    admins,
    enqueue,
    enqueue_to_person,
    leaders_of,
    members_of,
    reachable_identity,
)
from db.tasks import (
    add_evidence,
    complete_occurrence,
    create_task,
    current_occurrence,
    decide_extension,
    ensure_occurrences,
    get_task,
    record_progress,
    request_extension,
    reschedule_task,
    status_of,
    task_deadline,
)
from db.units import (
    all_units,
    ancestor_ids,
    can_act_on_task,
    can_lead_unit,
    can_view_task,
    create_unit,
    led_subtree,
    require_unit,
    subtree_ids,
    unit_by_code,
    visible_unit_ids,
)

__all__ = [
    "INBOUND_STAMP_INTERVAL",
    "OCCURRENCES_AHEAD",
    "OUTBOX_CHANGED",
    "Actor",
    "DomainError",
    "add_evidence",
    "admins",
    "all_units",
    "ancestor_ids",
    "audit",
    "bind_group",
    "can_act_on_task",
    "can_lead_unit",
    "can_view_task",
    "complete_occurrence",
    "create_task",
    "create_unit",
    "current_occurrence",
    "decide_extension",
    "decide_join",
    "enqueue",
    "enqueue_to_person",
    "ensure_chat",
    "ensure_occurrences",
    "get_task",
    "leaders_of",
    "led_subtree",
    "members_of",
    "reachable_identity",
    "record_progress",
    "request_extension",
    "request_join",
    "require_unit",
    "reschedule_task",
    "resolve_actor",
    "roles_of",
    "set_membership",
    "status_of",
    "subtree_ids",
    "task_deadline",
    "unit_by_code",
    "visible_unit_ids",
]
