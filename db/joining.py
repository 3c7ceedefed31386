"""Joining units and binding group chats to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.actors import Actor
from db.domain import DomainError, audit
from db.models import (
    ROLE_LEADER,
    ROLE_MEMBER,
    Chat,
    JoinRequest,
    Membership,
    Unit,
)
from db.units import can_lead_unit

# --- joining units -------------------------------------------------------------------------


def request_join(session: Session, *, actor: Actor, unit: Unit, now: datetime) -> JoinRequest:
    if unit.id in actor.roles:
        raise DomainError("join_already_member", unit=unit.name)
    pending = session.scalar(
        select(JoinRequest).where(
            JoinRequest.person_id == actor.person_id,
            JoinRequest.unit_id == unit.id,
            JoinRequest.status == "pending",
        )
    )
    if pending is not None:
        raise DomainError("join_pending", unit=unit.name)
    request = JoinRequest(person_id=actor.person_id, unit_id=unit.id, requested_at=now)
    session.add(request)
    session.flush()
    audit(session, actor=actor, action="join.request", entity="join_request",
          entity_id=request.id, now=now, unit=unit.code)
    return request


def decide_join(
    session: Session, *, actor: Actor, request: JoinRequest, role: str | None, now: datetime
) -> None:
    """role None refuses; otherwise the person becomes a member or leader of the unit."""
    if request.status != "pending":
        raise DomainError("already_decided")
    if not can_lead_unit(session, actor, request.unit_id):
        raise DomainError("not_allowed")
    if role is None:
        request.status = "refused"
    else:
        if role not in (ROLE_MEMBER, ROLE_LEADER):
            raise DomainError("bad_role")
        set_membership(session, person_id=request.person_id, unit_id=request.unit_id, role=role,
                       actor=actor, now=now)
        request.status = "approved"
        request.role_granted = role
    request.decided_by_id = actor.person_id
    request.decided_at = now
    session.flush()
    audit(session, actor=actor, action=f"join.{request.status}", entity="join_request",
          entity_id=request.id, now=now, role=role)


def set_membership(
    session: Session, *, person_id: int, unit_id: int, role: str, actor: Actor | str, now: datetime
) -> Membership:
    membership = session.scalar(
        select(Membership).where(Membership.person_id == person_id, Membership.unit_id == unit_id)
    )
    if membership is None:
        membership = Membership(person_id=person_id, unit_id=unit_id, role=role, created_at=now)
        session.add(membership)
    else:
        membership.role = role
    session.flush()
    audit(session, actor=actor, action="membership.set", entity="membership",
          entity_id=membership.id, now=now, person=person_id, unit=unit_id, role=role)
    return membership


def bind_group(
    session: Session, *, actor: Actor, chat: Chat, unit: Unit, now: datetime
) -> Unit | None:
    """Binds the group to `unit`; returns the unit it was bound to before, if another."""
    if chat.kind != "group":
        raise DomainError("bind_needs_group")
    if not can_lead_unit(session, actor, unit.id):
        raise DomainError("not_allowed")
    previous = chat.unit if chat.unit_id not in (None, unit.id) else None
    # Taking a group from another unit silences that unit's reminders there: its leaders
    # (or an admin) decide that, not whoever leads some other unit.
    if previous is not None and not can_lead_unit(session, actor, previous.id):
        raise DomainError("bind_already_bound", unit=previous.name)
    chat.unit_id = unit.id
    chat.bound_by_id = actor.person_id
    chat.bound_at = now
    session.flush()
    audit(session, actor=actor, action="chat.bind", entity="chat", entity_id=chat.id, now=now,
          unit=unit.code, chat=chat.external_id,
          previous=previous.code if previous is not None else None)
    return previous
