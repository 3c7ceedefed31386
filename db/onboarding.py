"""Onboarding at scale: per-unit invitation links and the imported staff list.

An invitation token is random (`secrets`), shown once and kept only as its SHA-256, so a
copy of the database opens no unit. Everything here flushes; the caller's unit of work
commits once, so an import with one bad row changes nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.actors import Actor
from db.domain import audit
from db.joining import request_join, set_membership
from db.models import ROLE_LEADER, ROLE_MEMBER, Invitation, JoinRequest, StaffEntry
from db.units import led_subtree

TOKEN_BYTES = 16  # 22 characters: Telegram's start parameter allows 64 of [A-Za-z0-9_-]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(
    session: Session, *, unit_id: int, auto_approve: bool, days: int, actor: Actor | str,
    now: datetime,
) -> tuple[Invitation, str]:
    """A new link for the unit; returns it with the token, which is never stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    label = actor if isinstance(actor, str) else f"{actor.platform}:{actor.external_id}"
    invitation = Invitation(unit_id=unit_id, token_hash=token_hash(token),
                            auto_approve=auto_approve, created_by=label[:160], created_at=now,
                            expires_at=now + timedelta(days=days), uses=0)
    session.add(invitation)
    session.flush()
    audit(session, actor=actor, action="invitation.create", entity="invitation",
          entity_id=invitation.id, now=now, unit=unit_id, auto=auto_approve, days=days)
    return invitation, token


def active_invitations(session: Session, now: datetime) -> list[Invitation]:
    return list(session.scalars(
        select(Invitation).options(selectinload(Invitation.unit))
        .where(Invitation.revoked_at.is_(None), Invitation.expires_at > now)
        .order_by(Invitation.id)))


def revoke_invitation(session: Session, invitation: Invitation, *, actor: Actor | str,
                      now: datetime) -> None:
    invitation.revoked_at = now
    session.flush()
    audit(session, actor=actor, action="invitation.revoke", entity="invitation",
          entity_id=invitation.id, now=now)


def invitation_by_token(session: Session, token: str) -> Invitation | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))


Outcome = Literal["joined", "requested", "member"]


def use_invitation(session: Session, invitation: Invitation, *, actor: Actor,
                   now: datetime) -> tuple[Outcome, JoinRequest | None]:
    """Joins the person (auto-approved links) or files a join request for the unit's
    leaders. The caller has checked that the link is neither revoked nor expired."""
    if invitation.unit_id in actor.roles:
        return "member", None
    invitation.uses += 1
    if invitation.auto_approve:
        set_membership(session, person_id=actor.person_id, unit_id=invitation.unit_id,
                       role=ROLE_MEMBER, actor=actor, now=now)
        actor.roles[invitation.unit_id] = ROLE_MEMBER
        audit(session, actor=actor, action="invitation.join", entity="invitation",
              entity_id=invitation.id, now=now)
        return "joined", None
    request = session.scalar(select(JoinRequest).where(
        JoinRequest.person_id == actor.person_id, JoinRequest.unit_id == invitation.unit_id,
        JoinRequest.status == "pending"))
    if request is None:
        request = request_join(session, actor=actor, unit=invitation.unit, now=now)
    return "requested", request


# --- the staff list ------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffRecord:
    full_name: str
    phone: str
    unit_id: int
    role: str


def import_staff(session: Session, records: Sequence[StaffRecord], *, actor: Actor | str,
                 now: datetime) -> tuple[int, int]:
    """Adds or updates one entry per phone number; returns (added, updated). A person who
    already joined through an entry keeps it; a changed unit or role applies on their next
    match, never silently to a membership they hold."""
    existing = {e.phone: e for e in session.scalars(
        select(StaffEntry).where(StaffEntry.phone.in_([r.phone for r in records])))}
    added = updated = 0
    for record in records:
        entry = existing.get(record.phone)
        if entry is None:
            session.add(StaffEntry(phone=record.phone, full_name=record.full_name,
                                   unit_id=record.unit_id, role=record.role, imported_at=now))
            added += 1
        else:
            entry.full_name, entry.unit_id, entry.role = (record.full_name, record.unit_id,
                                                          record.role)
            entry.imported_at = now
            updated += 1
    session.flush()
    audit(session, actor=actor, action="staff.import", entity="staff_entry", entity_id=None,
          now=now, added=added, updated=updated)
    return added, updated


def staff_by_phone(session: Session, phone: str) -> StaffEntry | None:
    return session.scalar(select(StaffEntry).options(selectinload(StaffEntry.unit))
                          .where(StaffEntry.phone == phone))


def join_by_phone(session: Session, entry: StaffEntry, *, actor: Actor, now: datetime) -> bool:
    """Joins the person to the entry's unit with the listed role. False when the entry
    already belongs to another person (a number is one person's)."""
    if entry.person_id is not None and entry.person_id != actor.person_id:
        return False
    role = entry.role if entry.role in (ROLE_MEMBER, ROLE_LEADER) else ROLE_MEMBER
    set_membership(session, person_id=actor.person_id, unit_id=entry.unit_id, role=role,
                   actor=actor, now=now)
    actor.roles[entry.unit_id] = role
    entry.person_id = actor.person_id
    entry.joined_at = now
    session.flush()
    audit(session, actor=actor, action="staff.join", entity="staff_entry", entity_id=entry.id,
          now=now, unit=entry.unit_id, role=role)
    return True


# --- pending join requests -----------------------------------------------------------------


def pending_requests(session: Session, actor: Actor) -> list[JoinRequest]:
    """The pending requests this person may decide: all for admins, else those of the units
    they lead and the units below them."""
    query = (select(JoinRequest)
             .options(selectinload(JoinRequest.person), selectinload(JoinRequest.unit))
             .where(JoinRequest.status == "pending").order_by(JoinRequest.id))
    if not actor.is_admin:
        units = led_subtree(session, actor)
        if not units:
            return []
        query = query.where(JoinRequest.unit_id.in_(units))
    return list(session.scalars(query))
