"""/lienket: one person, several chat apps; reminders go to the one they choose."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from db import services
from db.models import AuditLog, Identity, JoinRequest, LinkCode, Membership, Person
from handlers.base import Context, Incoming
from handlers.common import UserError, local_time, parse_number
from texts import messages
from timelang import numbers

CODE_LIFETIME = timedelta(minutes=15)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and retyped
CODE_LENGTH = 8
# Wrong codes a person may type in ATTEMPT_WINDOW. 32⁸ codes make guessing hopeless anyway;
# the limit keeps a script from trying, and from filling the audit log.
MAX_FAILED_ATTEMPTS = 5
ATTEMPT_WINDOW = timedelta(hours=1)
FAILED_ACTION = "identity.link_failed"


async def link(msg: Incoming, ctx: Context) -> None:
    # A code read by a group lets any member take over the person who asked for it (their
    # units, rights and reminders): codes are issued and redeemed in private chats only.
    if msg.is_group:
        burnt = _burn(ctx, ctx.args[0]) if len(ctx.args) == 1 else False
        await ctx.replier.send_text(messages.LINK_CODE_BURNT if burnt
                                    else messages.LINK_PRIVATE_ONLY)
        return
    word = ctx.args[0].lower() if ctx.args else ""
    if word in ("nhan", "nhận"):
        await _choose_platform(ctx, ctx.args[1].lower() if len(ctx.args) > 1 else "")
        return
    if word in ("tach", "tách"):
        await _undo(msg, ctx, ctx.args[1] if len(ctx.args) > 1 else None)
        return
    if ctx.args:
        await _redeem(msg, ctx, ctx.args[0].upper())
        return
    # One live code a person: a new one retires the ones asked for before.
    ctx.session.execute(update(LinkCode).where(
        LinkCode.person_id == ctx.actor.person_id, LinkCode.used_at.is_(None),
        LinkCode.expires_at > ctx.now).values(expires_at=ctx.now))
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    ctx.session.add(LinkCode(code=code, person_id=ctx.actor.person_id,
                             expires_at=ctx.now + CODE_LIFETIME, created_at=ctx.now))
    ctx.session.flush()
    await ctx.replier.send_text(messages.LINK_CODE.format(
        code=code, minutes=int(CODE_LIFETIME.total_seconds() // 60)))


def _rows_changed(result: Any) -> int:
    """UPDATE results carry rowcount (a CursorResult); the session types them as Result."""
    return int(result.rowcount)


def _burn(ctx: Context, word: str) -> bool:
    """A live code typed in a group has been seen there: it is used up, unredeemed."""
    code = word.upper()
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return False
    burnt = _rows_changed(ctx.session.execute(update(LinkCode).where(
        LinkCode.code == code, LinkCode.used_at.is_(None), LinkCode.expires_at > ctx.now,
    ).values(used_at=ctx.now)))
    if burnt:
        services.audit(ctx.session, actor=ctx.actor, action="identity.link_code_burnt",
                       entity="person", entity_id=None, now=ctx.now)
    return bool(burnt)


def _failed_attempts(ctx: Context) -> int:
    return ctx.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.person_id == ctx.actor.person_id, AuditLog.action == FAILED_ACTION,
        AuditLog.at > ctx.now - ATTEMPT_WINDOW)) or 0


async def _redeem(msg: Incoming, ctx: Context, code: str) -> None:
    if _failed_attempts(ctx) >= MAX_FAILED_ATTEMPTS:
        await ctx.replier.send_text(messages.LINK_TOO_MANY_ATTEMPTS.format(
            minutes=int(ATTEMPT_WINDOW.total_seconds() // 60)))
        return
    link_code = ctx.session.scalar(select(LinkCode).where(LinkCode.code == code))
    if link_code is None or link_code.used_at is not None or link_code.expires_at <= ctx.now:
        # Answered, not raised: the failed attempt must be committed to count.
        services.audit(ctx.session, actor=ctx.actor, action=FAILED_ACTION, entity="person",
                       entity_id=ctx.actor.person_id, now=ctx.now)
        await ctx.replier.send_text(messages.LINK_BAD_CODE)
        return
    target = ctx.session.get(Person, link_code.person_id)
    assert target is not None
    current = ctx.actor.person
    if target.id == current.id:
        raise UserError(messages.LINK_SAME_PLATFORM)
    # Claimed with a conditional update, so two redemptions at once cannot both succeed.
    claimed = _rows_changed(ctx.session.execute(update(LinkCode).where(
        LinkCode.id == link_code.id, LinkCode.used_at.is_(None)).values(used_at=ctx.now)))
    if claimed != 1:
        raise UserError(messages.LINK_BAD_CODE)
    joined = ctx.session.scalars(select(Identity).where(
        Identity.person_id == current.id, Identity.platform == msg.platform,
        Identity.external_id == msg.user_id)).one()
    _merge_person(ctx, source=current, target=target)
    target.preferred_platform = target.preferred_platform or msg.platform
    services.audit(ctx.session, actor=ctx.actor, action="identity.link", entity="person",
                   entity_id=target.id, now=ctx.now, platform=msg.platform,
                   identity=joined.id, source_person=current.id)
    ctx.session.flush()
    platform = messages.PLATFORM_NAMES.get(msg.platform, msg.platform)
    preferred = messages.PLATFORM_NAMES.get(target.preferred_platform, target.preferred_platform)
    _announce(ctx, target, joined, link_code.id, platform=platform, preferred=preferred)
    await ctx.replier.send_text(
        messages.render(messages.LINK_DONE, platform=platform, name=target.display_name,
                        preferred=preferred)
        + "\n" + messages.LINK_PREFERRED.format(platform=preferred))


def _announce(ctx: Context, person: Person, joined: Identity, code_id: int, *, platform: str,
              preferred: str) -> None:
    """Every app of the person hears of the link, with the command that undoes it: the one
    who asked for the code learns if someone else redeemed it."""
    text = messages.render(
        messages.LINK_NOTICE, platform=platform, name=joined.display_name or joined.external_id,
        at=local_time(ctx, ctx.now), preferred=preferred, identity_id=joined.id)
    for identity in ctx.session.scalars(select(Identity).where(
            Identity.person_id == person.id, Identity.private_chat_id.is_not(None))):
        services.enqueue(ctx.session, platform=identity.platform,
                         chat_id=identity.private_chat_id or "", text=text, kind="link_notice",
                         key=f"link:{code_id}:{identity.id}", now=ctx.now, priority=10,
                         person_id=person.id)


async def _undo(msg: Incoming, ctx: Context, value: str | None) -> None:
    """Splits an identity off the person again: it becomes a newcomer with no unit or right."""
    if value is None:
        raise UserError(messages.USAGE.format(usage=messages.LINK_UNDO_USAGE))
    identity_id = parse_number(value, low=1, high=numbers.ID_MAX, error=messages.USAGE.format(
        usage=messages.LINK_UNDO_USAGE))
    person = ctx.actor.person
    identity = ctx.session.get(Identity, identity_id)
    others = ctx.session.scalar(select(func.count()).select_from(Identity).where(
        Identity.person_id == person.id, Identity.id != identity_id)) or 0
    if identity is None or identity.person_id != person.id or others == 0:
        raise UserError(messages.LINK_UNDO_NOT_FOUND.format(identity_id=identity_id))
    fresh = Person(display_name=identity.display_name or identity.external_id, created_at=ctx.now)
    ctx.session.add(fresh)
    ctx.session.flush()
    identity.person_id = fresh.id
    remaining = {platform for (platform,) in ctx.session.execute(select(Identity.platform).where(
        Identity.person_id == person.id, Identity.id != identity.id))}
    if person.preferred_platform not in remaining:
        person.preferred_platform = None
    services.audit(ctx.session, actor=ctx.actor, action="identity.unlink", entity="person",
                   entity_id=person.id, now=ctx.now, identity=identity.id, new_person=fresh.id)
    ctx.session.flush()
    ctx.session.expire(person)
    reachable = services.reachable_identity(person)
    preferred = reachable.platform if reachable is not None else sorted(remaining)[0]
    await ctx.replier.send_text(messages.render(
        messages.LINK_UNDONE, platform=messages.PLATFORM_NAMES.get(identity.platform,
                                                                   identity.platform),
        name=identity.display_name or identity.external_id,
        preferred=messages.PLATFORM_NAMES.get(preferred, preferred)))


def _merge_person(ctx: Context, *, source: Person, target: Person) -> None:
    """Move the identities and memberships of the newcomer record onto the known person."""
    for identity in ctx.session.scalars(select(Identity).where(Identity.person_id == source.id)):
        identity.person_id = target.id
    target_units = {m.unit_id: m for m in ctx.session.scalars(
        select(Membership).where(Membership.person_id == target.id))}
    for membership in ctx.session.scalars(select(Membership).where(
            Membership.person_id == source.id)):
        if membership.unit_id in target_units:
            ctx.session.delete(membership)
        else:
            membership.person_id = target.id
    # A request still waiting must reach the merged person, or its approval is lost.
    for request in ctx.session.scalars(select(JoinRequest).where(
            JoinRequest.person_id == source.id, JoinRequest.status == "pending")):
        request.person_id = target.id
    target.is_admin = target.is_admin or source.is_admin
    ctx.session.flush()
    ctx.session.expire(target)
    ctx.actor.person = target
    ctx.actor.roles = services.roles_of(ctx.session, target.id)


async def _choose_platform(ctx: Context, platform: str) -> None:
    person = ctx.actor.person
    platforms = {i.platform for i in person.identities}
    if platform == "zalo" and "zalo" not in platforms and "zalo_oa" in platforms:
        platform = "zalo_oa"  # to the person both are "Zalo"; units run one or the other
    if platform not in platforms:
        name = messages.PLATFORM_NAMES.get(platform, platform)
        raise UserError(messages.render(messages.LINK_PREFERRED_UNKNOWN, platform=name))
    person.preferred_platform = platform
    services.audit(ctx.session, actor=ctx.actor, action="person.preferred_platform",
                   entity="person", entity_id=person.id, now=ctx.now, platform=platform)
    await ctx.replier.send_text(messages.LINK_PREFERRED.format(
        platform=messages.PLATFORM_NAMES.get(platform, platform)))
