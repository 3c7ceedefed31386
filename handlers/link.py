"""/lienket: one person, several chat apps; reminders go to the one they choose."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from db import services
from db.models import Identity, JoinRequest, LinkCode, Membership, Person
from handlers.base import Context, Incoming
from handlers.common import UserError
from texts import messages

CODE_LIFETIME = timedelta(minutes=15)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and retyped


async def link(msg: Incoming, ctx: Context) -> None:
    if ctx.args and ctx.args[0].lower() in ("nhan", "nhận"):
        await _choose_platform(ctx, ctx.args[1].lower() if len(ctx.args) > 1 else "")
        return
    if ctx.args:
        await _redeem(msg, ctx, ctx.args[0].upper())
        return
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    ctx.session.add(LinkCode(code=code, person_id=ctx.actor.person_id,
                             expires_at=ctx.now + CODE_LIFETIME, created_at=ctx.now))
    ctx.session.flush()
    await ctx.replier.send_text(messages.LINK_CODE.format(
        code=code, minutes=int(CODE_LIFETIME.total_seconds() // 60)))


async def _redeem(msg: Incoming, ctx: Context, code: str) -> None:
    link_code = ctx.session.scalar(select(LinkCode).where(LinkCode.code == code))
    if link_code is None or link_code.used_at is not None or link_code.expires_at < ctx.now:
        raise UserError(messages.LINK_BAD_CODE)
    target = ctx.session.get(Person, link_code.person_id)
    assert target is not None
    current = ctx.actor.person
    if target.id == current.id:
        raise UserError(messages.LINK_SAME_PLATFORM)
    link_code.used_at = ctx.now
    _merge_person(ctx, source=current, target=target)
    target.preferred_platform = target.preferred_platform or msg.platform
    services.audit(ctx.session, actor=ctx.actor, action="identity.link", entity="person",
                   entity_id=target.id, now=ctx.now, platform=msg.platform)
    ctx.session.flush()
    platform = messages.PLATFORM_NAMES.get(msg.platform, msg.platform)
    preferred = messages.PLATFORM_NAMES.get(target.preferred_platform, target.preferred_platform)
    await ctx.replier.send_text(
        messages.render(messages.LINK_DONE, platform=platform, name=target.display_name,
                        preferred=preferred)
        + "\n" + messages.LINK_PREFERRED.format(platform=preferred))


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
