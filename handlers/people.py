"""/start, /trogiup, /dangky with its approvals, /donvi, /ganketnhom, /huy."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from db import chat_state as state
from db import queries, services
from db.models import ROLE_LEADER, ROLE_MEMBER, JoinRequest, Membership, Unit
from handlers import onboarding
from handlers.base import Context, Incoming, MenuOption
from handlers.common import UserError, parse_request_id, require_unit, usage
from handlers.notify import approvers_of, notify_people
from texts import messages, uploads

ROLE_WORDS = {
    "canbo": ROLE_MEMBER,
    "member": ROLE_MEMBER,
    "thanhvien": ROLE_MEMBER,
    "lanhdao": ROLE_LEADER,
    "leader": ROLE_LEADER,
}


async def start(msg: Incoming, ctx: Context) -> None:
    if ctx.args:
        # `/start TOKEN`: Telegram's deep link of an invitation (or its QR code).
        await onboarding.start_with_token(msg, ctx, ctx.args[0])
        return
    lines = [messages.render(messages.WELCOME, name=ctx.actor.display_name)]
    # The first admin is named on the command line by this ID: /start is where one finds it.
    lines.append(messages.render(messages.YOUR_ID, identity=f"{msg.platform}:{msg.user_id}"))
    # Only the person's own units: loading every unit on each /start blocks the event loop
    # (and the replies queued behind it) in a province with thousands of units.
    units = queries.units_by_id(ctx.session, list(ctx.actor.roles))
    names = {unit_id: unit.name for unit_id, unit in units.items()}
    if ctx.actor.roles:
        unit_list = ", ".join(
            f"{messages.esc(names[uid])} ({messages.ROLE_LABELS[role]})"
            for uid, role in sorted(ctx.actor.roles.items()) if uid in names
        )
        lines.append(messages.YOUR_UNITS.format(units=unit_list))
    lines += ["", messages.HELP_HEADER]
    if ctx.actor.roles or ctx.actor.is_admin:
        lines += messages.HELP_MEMBER + messages.HELP_CHAT_ACTIONS
    else:
        lines += messages.HELP_NEWCOMER
    if ctx.actor.is_leader or ctx.actor.is_admin:
        lines += messages.HELP_LEADER + messages.HELP_APPROVER
    if ctx.actor.is_admin:
        lines += messages.HELP_ADMIN + messages.HELP_ONBOARDING_ADMIN
    lines += messages.HELP_ALWAYS
    if not ctx.replier.receives_documents:  # Zalo: files through the upload page
        lines = [uploads.HELP_BY_LINK.get(line.split(" ", 1)[0], line) for line in lines]
    await ctx.replier.send_text("\n".join(lines))
    await onboarding.ask_contact(ctx)


async def join(msg: Incoming, ctx: Context) -> None:
    if not ctx.args:
        raise usage(messages.JOIN_USAGE)
    unit = require_unit(ctx.session, ctx.raw_args)
    request = services.request_join(ctx.session, actor=ctx.actor, unit=unit, now=ctx.now)
    await send_join_request(ctx, unit, request)


async def send_join_request(ctx: Context, unit: Unit, request: JoinRequest) -> None:
    """Tells the unit's approvers (with buttons) and the person that the request is sent."""
    text = messages.render(
        messages.JOIN_REQUEST_NOTICE,
        name=ctx.actor.display_name,
        unit=unit.name,
        request_id=request.id,
    )
    menu = [
        MenuOption(messages.JOIN_APPROVE_MEMBER, f"/duyet {request.id} canbo"),
        MenuOption(messages.JOIN_APPROVE_LEADER, f"/duyet {request.id} lanhdao"),
        MenuOption(messages.JOIN_REFUSE, f"/tuchoi {request.id}"),
    ]
    reached = notify_people(
        ctx, approvers_of(ctx, unit.id), text, kind="join_request", key=f"join:{request.id}",
        menu=menu,
    )
    template = messages.JOIN_SENT if reached else messages.JOIN_NO_APPROVER
    await ctx.replier.send_text(messages.render(template, unit=unit.name))


def _load_join_request(ctx: Context) -> JoinRequest:
    request_id = parse_request_id(ctx.args[0] if ctx.args else None, messages.JOIN_DECIDE_USAGE)
    request = ctx.session.get(JoinRequest, request_id)
    if request is None:
        raise UserError(messages.JOIN_NOT_FOUND.format(request_id=request_id))
    return request


async def approve_join(msg: Incoming, ctx: Context) -> None:
    if not ctx.args:
        await onboarding.list_pending(ctx)
        return
    if ctx.args[0].lower() in ("tatca", "all"):
        await onboarding.approve_all(ctx)
        return
    request = _load_join_request(ctx)
    word = ctx.args[1].lower() if len(ctx.args) > 1 else "canbo"
    role = ROLE_WORDS.get(word)
    if role is None:
        raise usage(messages.JOIN_DECIDE_USAGE)
    services.decide_join(ctx.session, actor=ctx.actor, request=request, role=role, now=ctx.now)
    role_label = messages.ROLE_LABELS[role]
    notify_people(
        ctx, [request.person],
        messages.render(messages.JOIN_APPROVED_NOTICE, role=role_label, unit=request.unit.name),
        kind="join_decision", key=f"join-decision:{request.id}",
    )
    await ctx.replier.send_text(messages.render(
        messages.JOIN_APPROVED_ACK, name=request.person.display_name, role=role_label,
        unit=request.unit.name))


async def refuse_join(msg: Incoming, ctx: Context) -> None:
    request = _load_join_request(ctx)
    services.decide_join(ctx.session, actor=ctx.actor, request=request, role=None, now=ctx.now)
    notify_people(
        ctx, [request.person],
        messages.render(messages.JOIN_REFUSED_NOTICE, unit=request.unit.name),
        kind="join_decision", key=f"join-decision:{request.id}",
    )
    await ctx.replier.send_text(messages.render(
        messages.JOIN_REFUSED_ACK, name=request.person.display_name, unit=request.unit.name))


async def units(msg: Incoming, ctx: Context) -> None:
    all_units = list(
        ctx.session.scalars(
            select(Unit).options(selectinload(Unit.memberships).selectinload(Membership.person))
            .order_by(Unit.code)
        )
    )
    if not all_units:
        await ctx.replier.send_text(messages.UNITS_EMPTY)
        return
    children: dict[int | None, list[Unit]] = {}
    for unit in all_units:
        children.setdefault(unit.parent_id, []).append(unit)
    known = {u.id for u in all_units}
    roots = [u for u in all_units if u.parent_id is None or u.parent_id not in known]
    # Everyone sees the codes (they are needed to /dangky); who works where only the units
    # one belongs to or leads, with what is below them. Admins see all.
    member_units = services.visible_unit_ids(ctx.session, ctx.actor)
    lines = [messages.UNITS_HEADER]

    def walk(unit: Unit, depth: int) -> None:
        members = ""
        show_members = member_units is None or unit.id in member_units
        if show_members and unit.memberships:
            names = [
                messages.esc(m.person.display_name)
                + (messages.UNIT_LEADER_MARK if m.role == ROLE_LEADER else "")
                for m in sorted(unit.memberships, key=lambda m: (m.role != ROLE_LEADER, m.id))
            ]
            members = messages.UNIT_MEMBERS.format(members=", ".join(names))
        lines.append(messages.UNIT_LINE.format(
            indent="    " * depth, code=messages.esc(unit.code), name=messages.esc(unit.name),
            members=members))
        for child in children.get(unit.id, []):
            walk(child, depth + 1)

    for root in roots:
        walk(root, 0)
    await ctx.replier.send_text("\n".join(lines))


async def bind_group(msg: Incoming, ctx: Context) -> None:
    if not msg.is_group:
        raise UserError(messages.BIND_NEEDS_GROUP)
    if not ctx.args:
        raise usage(messages.BIND_USAGE)
    if not (ctx.actor.is_admin or ctx.actor.is_leader):
        raise UserError(messages.NOT_ALLOWED)  # before any lookup
    unit = require_unit(ctx.session, ctx.args[0])
    chat = services.ensure_chat(
        ctx.session, platform=msg.platform, external_id=msg.chat_id, kind="group",
        title=msg.chat_title, now=ctx.now,
    )
    previous = services.bind_group(ctx.session, actor=ctx.actor, chat=chat, unit=unit,
                                   now=ctx.now)
    if previous is not None:
        leaders = [p for p in services.leaders_of(ctx.session, previous.id)
                   if p.id != ctx.actor.person_id]
        notify_people(
            ctx, leaders,
            messages.render(messages.BIND_MOVED_NOTICE, chat=chat.title or chat.external_id,
                            old_unit=previous.name, new_unit=unit.name,
                            who=ctx.actor.display_name),
            kind="group_rebound", key=f"rebind:{chat.id}:{ctx.now.isoformat()}",
        )
    await ctx.replier.send_text(messages.render(messages.BIND_DONE, unit=unit.name))


async def cancel(msg: Incoming, ctx: Context) -> None:
    ended = state.end_flow(ctx.session, msg.platform, msg.chat_id, msg.user_id, ctx.now)
    await ctx.replier.send_text(messages.CANCELLED if ended else messages.NOTHING_TO_CANCEL)
