"""/caidat: a person's own reminders — which days before a deadline, the weekly digest, a task
muted — under the admins' floor (db.reminder_prefs.Floor), which no one switches off:
the floor's days, the due day, overdue reminders and escalations to leaders."""

from __future__ import annotations

from db import reminder_prefs as prefs
from db.domain import DomainError
from handlers import confirm
from handlers.base import Context, Incoming, MenuOption
from handlers.common import (
    UserError,
    load_task,
    parse_task_id,
    require_admin,
    strip_accents,
    usage,
)
from scheduler.policy import ReminderPolicy, load_policy, settings_policy
from texts import chat_actions as texts
from texts import messages
from timelang import numbers
from timelang.words import shorten


def plain(text: str) -> str:
    return " ".join(strip_accents(text).lower().split())


def domain_error(error: DomainError) -> UserError:
    template = texts.PREFS_ERRORS.get(error.key, messages.GENERIC_ERROR)
    return UserError(messages.render(template, **error.params))


def province_policy(ctx: Context) -> ReminderPolicy:
    return load_policy(ctx.session, settings_policy(ctx.settings))


_ON = {"bat", "mo", "on", "co"}
_OFF = {"tat", "off", "khong", "ngung"}
_ESCALATION = {"leocap", "quahan", "baolanhdao", "lanhdao", "baocaolanhdao"}
MAX_DAYS = 10


def _days_text(days: tuple[int, ...] | list[int]) -> str:
    return ", ".join(str(d) for d in sorted(days, reverse=True))


def _parse_days(value: str) -> list[int]:
    parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
    days = [numbers.ascii_int(p, low=1, high=366) for p in parts]
    if not parts or len(parts) > MAX_DAYS or any(d is None for d in days):
        raise UserError(messages.render(texts.PREFS_BAD_DAYS, value=value[:40]))
    return [d for d in days if d is not None]


async def reminder_settings(msg: Incoming, ctx: Context) -> None:
    if ctx.actor.person_id is None or not (ctx.actor.roles or ctx.actor.is_admin):
        raise UserError(texts.PREFS_ERRORS["prefs_not_registered"])
    if not ctx.args:
        await _show(ctx)
        return
    word, rest = plain(ctx.args[0]), " ".join(ctx.args[1:])
    try:
        if word in ("ngay", "ngaynhac", "truochan"):
            await _days(ctx, rest)
        elif word in ("tonghop", "tonghoptuan", "digest"):
            await _digest(ctx, plain(rest))
        elif word in _OFF | _ON and rest:
            await _mute(ctx, word in _OFF, rest)
        elif word in _ESCALATION or plain(rest) in _ESCALATION:
            raise UserError(texts.PREFS_NO_ESCALATION_OFF)
        elif word in ("san", "toithieu", "batbuoc"):
            await _floor(ctx, rest)
        else:
            raise usage(texts.PREFS_USAGE)
    except DomainError as error:
        raise domain_error(error) from None


async def _show(ctx: Context) -> None:
    assert ctx.actor.person_id is not None
    row = prefs.prefs_of(ctx.session, ctx.actor.person_id)
    offered = province_policy(ctx).before_days
    floor = prefs.load_floor(ctx.session)
    if row is None or row.before_days is None:
        days = texts.PREFS_DAYS_DEFAULT.format(days=_days_text(offered))
    else:
        days = texts.PREFS_DAYS.format(days=_days_text(row.before_days))
    muted = ", ".join(f"#{t}" for t in (row.muted_task_ids if row else [])) or texts.PREFS_NONE
    digest_on = row is None or row.digest
    text = texts.PREFS_SHOW.format(
        days=days, digest=texts.PREFS_ON if digest_on else texts.PREFS_OFF, muted=muted,
        floor=texts.PREFS_FLOOR_DAYS.format(days=_days_text(floor.before_days))
        if floor.before_days else texts.PREFS_FLOOR_NONE,
        offered=_days_text(offered))
    options = [MenuOption(texts.PREFS_BUTTON_DIGEST_OFF if digest_on
                          else texts.PREFS_BUTTON_DIGEST_ON,
                          "/caidat tonghop " + ("tat" if digest_on else "bat"))]
    if row is not None and row.before_days is not None:
        options.append(MenuOption(texts.PREFS_BUTTON_DEFAULT_DAYS, "/caidat ngay macdinh"))
    await ctx.replier.send_menu(text, options)


async def _days(ctx: Context, value: str) -> None:
    offered = province_policy(ctx).before_days
    if plain(value) in ("macdinh", "mac dinh", "chung"):
        if not ctx.confirmed:
            await confirm.ask(ctx, texts.PREFS_CONFIRM_DAYS_DEFAULT.format(
                days=_days_text(offered)), "/caidat ngay macdinh")
            return
        prefs.reset_before_days(ctx.session, actor=ctx.actor, now=ctx.now)
        await ctx.replier.send_text(texts.PREFS_SAVED)
        return
    days = _parse_days(value)
    floor = prefs.load_floor(ctx.session)
    in_force = sorted(set(days) | set(floor.before_days), reverse=True)
    if not ctx.confirmed:
        await confirm.ask(ctx, texts.PREFS_CONFIRM_DAYS.format(days=_days_text(in_force)),
                          f"/caidat ngay {','.join(str(d) for d in days)}")
        return
    kept = prefs.set_before_days(ctx.session, actor=ctx.actor, days=days, offered=offered,
                                 now=ctx.now)
    lines = [texts.PREFS_SAVED]
    forced = sorted(set(kept) - set(days), reverse=True)
    if forced:
        lines.append(texts.PREFS_FLOOR_KEPT.format(days=_days_text(forced)))
    await ctx.replier.send_text("\n".join(lines))


async def _digest(ctx: Context, value: str) -> None:
    if value not in _ON | _OFF:
        raise usage(texts.PREFS_USAGE)
    on = value in _ON
    if not ctx.confirmed:
        await confirm.ask(ctx, texts.PREFS_CONFIRM_DIGEST.format(
            state=texts.PREFS_DIGEST_ON if on else texts.PREFS_DIGEST_OFF),
            f"/caidat tonghop {'bat' if on else 'tat'}")
        return
    prefs.set_digest(ctx.session, actor=ctx.actor, on=on, now=ctx.now)
    await ctx.replier.send_text(texts.PREFS_SAVED)


async def _mute(ctx: Context, muted: bool, value: str) -> None:
    if plain(value) in _ESCALATION:
        raise UserError(texts.PREFS_NO_ESCALATION_OFF)
    task = load_task(ctx, parse_task_id(ctx, value.split()[0], texts.PREFS_USAGE))
    floor = prefs.load_floor(ctx.session)
    if not ctx.confirmed:
        template = texts.PREFS_CONFIRM_MUTE if muted else texts.PREFS_CONFIRM_UNMUTE
        await confirm.ask(ctx, messages.render(
            template, task_id=task.id, title=shorten(task.title, 120),
            floor=texts.PREFS_FLOOR_DAYS.format(days=_days_text(floor.before_days))
            if floor.before_days else texts.PREFS_FLOOR_NONE),
            f"/caidat {'tat' if muted else 'bat'} {task.id}")
        return
    prefs.set_muted(ctx.session, actor=ctx.actor, task=task, muted=muted, now=ctx.now)
    await ctx.replier.send_text(texts.PREFS_SAVED)


async def _floor(ctx: Context, value: str) -> None:
    require_admin(ctx)
    days = _parse_days(value)
    if not ctx.confirmed:
        await confirm.ask(ctx, texts.PREFS_FLOOR_CONFIRM.format(days=_days_text(days)),
                          f"/caidat san {','.join(str(d) for d in days)}")
        return
    floor = prefs.set_floor(ctx.session, actor=ctx.actor, before_days=days, now=ctx.now)
    await ctx.replier.send_text(texts.PREFS_FLOOR_SAVED.format(
        days=texts.PREFS_FLOOR_DAYS.format(days=_days_text(floor.before_days))))
