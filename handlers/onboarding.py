"""Onboarding at scale: /moi (invitation links and QR codes), /start TOKEN, the staff list
(/nhapcanbo) matched by a shared phone number, and /duyet without a number (the pending
requests, approve all at once)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any

from db import chat_state as state
from db import onboarding as ob
from db import services
from db.models import ROLE_MEMBER, Invitation
from handlers import confirm
from handlers.base import (
    Attachment,
    Context,
    Incoming,
    MenuOption,
    OutgoingFile,
    UploadPurpose,
)
from handlers.common import (
    UserError,
    download_document,
    find_units,
    require_admin,
    require_unit,
    usage,
)
from handlers.notify import notify_people
from handlers.uploads import file_prompt
from texts import messages
from texts import onboarding as t
from timelang import numbers
from timelang.words import fold

if TYPE_CHECKING:
    from plans.staff_list import StaffRow

STAFF_FLOW = "staff_list"
DEFAULT_DAYS = 30
MAX_ERRORS_SHOWN = 30
PENDING_SHOWN = 20


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={token}"


def _local(ctx: Context, moment: datetime) -> str:
    return moment.astimezone(ctx.settings.tz).strftime("%d/%m/%Y")


# --- invitation links ----------------------------------------------------------------------


async def invite(msg: Incoming, ctx: Context) -> None:
    require_admin(ctx)
    if not ctx.args:
        raise usage(t.INVITE_USAGE)
    word = fold(ctx.args[0])
    if word in ("ds", "danhsach", "list"):
        await _list_invitations(ctx)
    elif word in ("thuhoi", "huy", "revoke"):
        number = numbers.ascii_int(ctx.args[1], low=1, high=2**31) if len(ctx.args) > 1 else None
        if number is None:
            raise usage(t.INVITE_USAGE)
        await _revoke(ctx, number)
    else:
        await _create(ctx)


async def _create(ctx: Context) -> None:
    auto, days = False, DEFAULT_DAYS
    unit_words: list[str] = []
    for word in ctx.args:
        folded = fold(word)
        if folded in ("tudong", "auto"):
            auto = True
        elif folded in ("duyet", "canduyet"):
            auto = False
        elif word.isdigit() and unit_words:
            parsed = numbers.ascii_int(word, low=1, high=365)
            if parsed is None:
                raise UserError(t.INVITE_BAD_DAYS)
            days = parsed
        else:
            unit_words.append(word)
    if not unit_words:
        raise usage(t.INVITE_USAGE)
    unit = require_unit(ctx.session, " ".join(unit_words))
    username = ctx.settings.telegram_bot_username
    if not username:
        raise UserError(t.INVITE_NO_USERNAME)
    invitation, token = ob.create_invitation(ctx.session, unit_id=unit.id, auto_approve=auto,
                                             days=days, actor=ctx.actor, now=ctx.now)
    link = deep_link(username, token)
    # why: the QR encoder loads when an invitation is made, not at start-up (issue 17)
    from reports.qr import qr_png

    await ctx.replier.send_text(messages.render(
        t.INVITE_CREATED, id=invitation.id, unit=unit.name, mode=_mode(invitation),
        expires=_local(ctx, invitation.expires_at), link=link, token=token))
    await ctx.replier.send_file(OutgoingFile(
        qr_png(link), f"moi_{unit.code}_{invitation.id}.png", "image/png",
        caption=messages.render(t.INVITE_QR_CAPTION, unit=unit.name)))


def _mode(invitation: Invitation) -> str:
    return t.INVITE_MODE_AUTO if invitation.auto_approve else t.INVITE_MODE_APPROVAL


async def _list_invitations(ctx: Context) -> None:
    active = ob.active_invitations(ctx.session, ctx.now)
    if not active:
        await ctx.replier.send_text(t.INVITE_LIST_EMPTY)
        return
    lines = [t.INVITE_LIST_HEADER] + [
        messages.render(t.INVITE_LIST_LINE, id=i.id, unit=i.unit.name, mode=_mode(i),
                        expires=_local(ctx, i.expires_at), uses=i.uses) for i in active]
    await ctx.replier.send_text("\n".join(lines))


async def _revoke(ctx: Context, number: int) -> None:
    invitation = ctx.session.get(Invitation, number)
    if invitation is None:
        raise UserError(t.INVITE_NOT_FOUND.format(id=number))
    if invitation.revoked_at is not None:
        raise UserError(t.INVITE_ALREADY_REVOKED.format(id=number))
    ob.revoke_invitation(ctx.session, invitation, actor=ctx.actor, now=ctx.now)
    await ctx.replier.send_text(messages.render(t.INVITE_REVOKED, id=number,
                                                unit=invitation.unit.name))


async def start_with_token(msg: Incoming, ctx: Context, token: str) -> None:
    """`/start TOKEN` from a deep link or a QR code (or typed on Zalo)."""

    invitation = ob.invitation_by_token(ctx.session, token)
    if invitation is None or invitation.revoked_at is not None:
        raise UserError(t.INVITE_INVALID)
    if invitation.expires_at <= ctx.now:
        raise UserError(t.INVITE_EXPIRED.format(expires=_local(ctx, invitation.expires_at)))
    unit = invitation.unit
    outcome, request = ob.use_invitation(ctx.session, invitation, actor=ctx.actor, now=ctx.now)
    if outcome == "member":
        await ctx.replier.send_text(messages.render(t.INVITE_ALREADY_MEMBER, unit=unit.name))
    elif outcome == "joined":
        notify_people(ctx, services.leaders_of(ctx.session, unit.id),
                      messages.render(t.INVITE_JOIN_NOTICE, name=ctx.actor.display_name,
                                      unit=unit.name, id=invitation.id),
                      kind="invitation_join", key=f"invite-join:{invitation.id}:{ctx.actor.person_id}")
        await ctx.replier.send_text(messages.render(
            t.INVITE_JOINED, name=ctx.actor.display_name, role=messages.ROLE_LABELS[ROLE_MEMBER],
            unit=unit.name))
    else:
        assert request is not None
        # handlers.people imports this module (for /start's invitation links): a circle.
        from handlers.people import send_join_request

        await send_join_request(ctx, unit, request)


# --- the phone number, matched to the staff list -------------------------------------------


async def ask_contact(ctx: Context) -> None:
    """Offers Telegram's contact button to someone in no unit yet (where the platform has it)."""
    if ctx.replier.supports_contact and not ctx.actor.roles:
        await ctx.replier.ask_contact(messages.render(t.CONTACT_ASK, button=t.CONTACT_BUTTON),
                                      t.CONTACT_BUTTON)


async def contact_shared(msg: Incoming, ctx: Context) -> None:
    if msg.contact_phone is None:
        raise UserError(t.CONTACT_USE_BUTTON)
    if not msg.contact_phone:
        raise UserError(t.CONTACT_NOT_OWN)  # someone else's card: never matched
    # why: the staff-list reader (plans/) loads when it is first needed, not at start-up
    from plans.staff_list import normalize_phone

    phone = normalize_phone(msg.contact_phone)
    entry = ob.staff_by_phone(ctx.session, phone) if phone else None
    shown = messages.esc(phone or msg.contact_phone[:20])
    if entry is None:
        raise UserError(t.CONTACT_UNKNOWN.format(phone=shown))
    if not ob.join_by_phone(ctx.session, entry, actor=ctx.actor, now=ctx.now):
        raise UserError(t.CONTACT_TAKEN.format(phone=shown))
    await ctx.replier.send_text(messages.render(
        t.CONTACT_JOINED, name=entry.full_name, role=messages.ROLE_LABELS[entry.role],
        unit=entry.unit.name))


# --- importing the staff list --------------------------------------------------------------


async def staff_import(msg: Incoming, ctx: Context) -> None:
    require_admin(ctx)
    if msg.attachment is None:
        state.start_flow(ctx.session, msg.platform, msg.chat_id, msg.user_id, STAFF_FLOW, {},
                         ctx.now)
        await ctx.replier.send_text(file_prompt(
            msg, ctx, UploadPurpose("staff"),
            t.STAFF_WAITING.format(max_mb=ctx.settings.max_file_bytes // (1024 * 1024))))
        return
    _read_outside_turn(ctx, msg.attachment)


async def staff_flow(msg: Incoming, ctx: Context, data: dict[str, Any]) -> None:
    require_admin(ctx)
    if msg.attachment is None:
        raise UserError(file_prompt(msg, ctx, UploadPurpose("staff"), t.STAFF_USAGE))
    _read_outside_turn(ctx, msg.attachment)


def _read_outside_turn(ctx: Context, attachment: Attachment) -> None:
    """The download and the reading happen outside the router's turn, as for plans."""
    # why: the staff-list reader (plans/) loads when a list is sent, not at start-up (issue 17)
    from plans.limits import ReadLimits
    from plans.read_document import PlanReadError
    from plans.staff_list import StaffListError, read_staff_list

    limit, replier = ctx.settings.max_file_bytes, ctx.replier
    limits = ReadLimits.from_settings(ctx.settings)
    name = attachment.file_name or "danhsach.xlsx"

    async def work() -> list[StaffRow] | list[str]:
        data = await download_document(replier, attachment, limit, name)
        try:
            return await asyncio.to_thread(read_staff_list, data, name, limits=limits)
        except StaffListError as error:
            return error.errors
        except PlanReadError as error:
            return [t.STAFF_UNREADABLE.format(name=messages.esc(name),
                                              reason=messages.esc(error.message))]

    ctx.outside_turn(work, _staff_read)


async def _staff_read(msg: Incoming, ctx: Context, result: list[StaffRow] | list[str]) -> None:
    require_admin(ctx)
    state.end_flow(ctx.session, msg.platform, msg.chat_id, msg.user_id, ctx.now)
    records, errors = resolve_staff_units(ctx.session, result)
    if errors:
        await ctx.replier.send_text(staff_errors_text(errors))
        return
    added, updated = ob.import_staff(ctx.session, records, actor=ctx.actor, now=ctx.now)
    await ctx.replier.send_text(t.STAFF_IMPORTED.format(added=added, updated=updated))


def resolve_staff_units(session: Any, result: list[StaffRow] | list[str]
                        ) -> tuple[list[ob.StaffRecord], list[str]]:
    """The rows with their units found (code, name or alias), or every row's error."""
    errors = [item for item in result if isinstance(item, str)]
    records: list[ob.StaffRecord] = []
    for row in result:
        if isinstance(row, str):
            continue
        found = find_units(session, row.unit)
        if not found:
            errors.append(t.STAFF_ROW_UNKNOWN_UNIT.format(row=row.row, unit=messages.esc(row.unit)))
        elif len(found) > 1:
            errors.append(t.STAFF_ROW_AMBIGUOUS_UNIT.format(
                row=row.row, unit=messages.esc(row.unit),
                units=", ".join(messages.esc(u.code) for u in found[:5])))
        else:
            records.append(ob.StaffRecord(row.full_name, row.phone, found[0].id, row.role))
    return records, errors


def staff_errors_text(errors: list[str]) -> str:
    shown = errors[:MAX_ERRORS_SHOWN]
    text = t.STAFF_ERRORS.format(count=len(errors), errors="\n".join(shown))
    if len(errors) > len(shown):
        text += "\n" + t.STAFF_MORE_ERRORS.format(count=len(errors) - len(shown))
    return text


# --- /duyet without a number ---------------------------------------------------------------


async def list_pending(ctx: Context) -> None:
    pending = ob.pending_requests(ctx.session, ctx.actor)
    if not pending:
        await ctx.replier.send_text(t.PENDING_EMPTY)
        return
    shown = pending[:PENDING_SHOWN]
    lines = [t.PENDING_HEADER.format(count=len(pending))] + [
        messages.render(t.PENDING_LINE, id=r.id, name=r.person.display_name, unit=r.unit.name,
                        when=_local(ctx, r.requested_at)) for r in shown]
    if len(pending) > len(shown):
        lines.append(t.PENDING_MORE.format(count=len(pending) - len(shown)))
    options: list[MenuOption] = []
    for request in shown:
        options.append(MenuOption(t.PENDING_APPROVE.format(id=request.id,
                                                           name=request.person.display_name[:24]),
                                  f"/duyet {request.id} canbo"))
        options.append(MenuOption(t.PENDING_REFUSE.format(id=request.id), f"/tuchoi {request.id}"))
    options.append(MenuOption(t.PENDING_APPROVE_ALL.format(count=len(pending)), "/duyet tatca"))
    await ctx.replier.send_menu("\n".join(lines), options, columns=2)


async def approve_all(ctx: Context) -> None:
    pending = ob.pending_requests(ctx.session, ctx.actor)
    if not pending:
        await ctx.replier.send_text(t.PENDING_EMPTY)
        return
    if not ctx.confirmed:
        await confirm.ask(ctx, t.APPROVE_ALL_ASK.format(count=len(pending)), "/duyet tatca")
        return
    role_label = messages.ROLE_LABELS[ROLE_MEMBER]
    for request in pending:
        services.decide_join(ctx.session, actor=ctx.actor, request=request, role=ROLE_MEMBER,
                             now=ctx.now)
        notify_people(ctx, [request.person], messages.render(
            messages.JOIN_APPROVED_NOTICE, role=role_label, unit=request.unit.name),
            kind="join_decision", key=f"join-decision:{request.id}")
    await ctx.replier.send_text(t.APPROVE_ALL_DONE.format(count=len(pending)))
