"""/sua, /huynhiemvu, /molai, /hoantac: a task's life after it was assigned.

Cancelling and handing a task to another unit ask "Xác nhận?" first (handlers.confirm).
A change that concerns a frozen report period says so: frozen figures never move.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from db import services, task_life
from db.models import Occurrence, Person, Task
from handlers import confirm
from handlers.base import Context, Incoming
from handlers.common import (
    UserError,
    load_task,
    local_time,
    normalize_command,
    parse_task_id,
    person_name,
    require_units,
    usage,
)
from handlers.common import require_unit as require_unit_code
from handlers.notify import notify_people
from reports.details import period_label
from texts import messages
from timelang.deadlines import DeadlineError, parse_deadline
from timelang.words import shorten

EDIT_FIELDS = {
    "ten": "title", "tieude": "title", "noidung": "title",
    "han": "deadline", "thoihan": "deadline",
    "chutri": "lead", "donvi": "lead", "giaolai": "lead",
    "phoihop": "support",
}


async def _say_with_frozen(ctx: Context, text: str, days: Iterable[date]) -> None:
    periods = task_life.frozen_periods(ctx.session, days)
    if periods:
        text += "\n" + messages.render(messages.FROZEN_UNCHANGED, periods=", ".join(periods))
    await ctx.replier.send_text(text)




def _tell_leaders(ctx: Context, task: Task, text: str, key: str) -> None:
    leaders = [p for p in services.leaders_of(ctx.session, task.lead_unit_id)
               if p.id != ctx.actor.person_id]
    notify_people(ctx, leaders, text, kind="task_change", key=key, task_ids=[task.id])


# --- /huynhiemvu ---------------------------------------------------------------------------


async def cancel_task(msg: Incoming, ctx: Context) -> None:
    task = load_task(ctx, parse_task_id(ctx, ctx.args[0] if ctx.args else None,
                                        messages.CANCEL_TASK_USAGE), allow_cancelled=True)
    reason = " ".join(ctx.args[1:])
    task_life.require_leader(ctx.session, ctx.actor, task.lead_unit_id)
    if not ctx.confirmed:
        await confirm.ask(ctx, messages.render(
            messages.CANCEL_TASK_CONFIRM, task_id=task.id, title=shorten(task.title, 120),
            unit=task.lead_unit.name), f"/huynhiemvu {task.id} {reason}".strip())
        return
    task_life.cancel_task(ctx.session, actor=ctx.actor, task=task, reason=reason, now=ctx.now)
    _tell_leaders(ctx, task, messages.render(
        messages.CANCEL_TASK_NOTICE, who=ctx.actor.display_name, task_id=task.id,
        title=shorten(task.title, 120), unit=task.lead_unit.name,
        reason=f" — {reason}" if reason else ""), f"cancel:{task.id}")
    days = [d for o in task.occurrences for d in task_life.occurrence_days(o, ctx.settings.tz)]
    await _say_with_frozen(ctx, messages.render(messages.CANCEL_TASK_DONE, task_id=task.id,
                                                title=shorten(task.title, 120)), days)


# --- /molai --------------------------------------------------------------------------------


async def reopen(msg: Incoming, ctx: Context) -> None:
    task = load_task(ctx, parse_task_id(ctx, ctx.args[0] if ctx.args else None,
                                        messages.REOPEN_USAGE))
    reason = " ".join(ctx.args[1:])
    if not reason:
        raise usage(messages.REOPEN_USAGE)
    occurrence = task_life.last_completed(task)
    if occurrence is None:
        raise services.DomainError("occurrence_not_done", task_id=task.id)
    days = task_life.occurrence_days(occurrence, ctx.settings.tz)
    kept = task_life.reopen_occurrence(ctx.session, actor=ctx.actor, occurrence=occurrence,
                                       reason=reason, now=ctx.now)
    text = messages.render(
        messages.REOPEN_DONE, task_id=task.id, title=shorten(task.title, 120),
        period=_period(occurrence), done_at=local_time(ctx, kept["done_at"]),
        who=person_name(ctx, kept["done_by"]))
    notice = messages.render(messages.REOPEN_NOTICE, who=ctx.actor.display_name,
                             task_id=task.id, title=shorten(task.title, 120), reason=reason)
    _tell_leaders(ctx, task, notice, f"reopen:{occurrence.id}:{ctx.now.timestamp():.0f}")
    if kept["done_by"] is not None and kept["done_by"] != ctx.actor.person_id:

        completer = ctx.session.get(Person, kept["done_by"])
        if completer is not None:
            notify_people(ctx, [completer], notice, kind="task_change",
                          key=f"reopen-completer:{occurrence.id}:{ctx.now.timestamp():.0f}",
                          task_ids=[task.id])
    await _say_with_frozen(ctx, text, days)


def _period(occurrence: Occurrence) -> str:
    if occurrence.period_key in ("once", "ongoing"):
        return messages.fmt_date(occurrence.effective_due) if occurrence.effective_due else "—"
    return period_label(occurrence.period_key, occurrence.period_start, occurrence.period_end)


# --- /hoantac ------------------------------------------------------------------------------


async def undo(msg: Incoming, ctx: Context) -> None:
    minutes = int(task_life.UNDO_WINDOW.total_seconds() // 60)
    if not ctx.args:
        # "/hoantac" alone: the person's own completion of the last few minutes, if any.
        recent = task_life.recent_own_completion(ctx.session, ctx.actor, ctx.now)
        if recent is None:
            raise usage(messages.UNDO_USAGE.format(minutes=minutes))
        ctx.args = [str(recent.task_id)]
    task = load_task(ctx, parse_task_id(ctx, ctx.args[0],
                                        messages.UNDO_USAGE.format(minutes=minutes)))
    occurrence = task_life.last_completed(task)
    if occurrence is None:
        raise services.DomainError("occurrence_not_done", task_id=task.id)
    days = task_life.occurrence_days(occurrence, ctx.settings.tz)
    task_life.undo_completion(ctx.session, actor=ctx.actor, occurrence=occurrence, now=ctx.now)
    # The leaders were told of the completion: they are told it was taken back.
    _tell_leaders(ctx, task, messages.render(
        messages.UNDO_NOTICE, who=ctx.actor.display_name, task_id=task.id,
        title=shorten(task.title, 200)), key=f"undo:{occurrence.id}:{ctx.now.timestamp():.0f}")
    await _say_with_frozen(ctx, messages.render(messages.UNDO_DONE, task_id=task.id), days)


# --- /sua ----------------------------------------------------------------------------------


async def edit(msg: Incoming, ctx: Context) -> None:
    if len(ctx.args) < 3:
        raise usage(messages.EDIT_USAGE)
    task = load_task(ctx, parse_task_id(ctx, ctx.args[0], messages.EDIT_USAGE),
                     allow_cancelled=True)
    field = EDIT_FIELDS.get(ctx.args[1].lower().replace("đ", "d"))
    if field is None:

        field = EDIT_FIELDS.get(normalize_command(ctx.args[1]))
    if field is None:
        raise usage(messages.EDIT_USAGE)
    value = ctx.raw_args.split(maxsplit=2)[2].strip()
    task_life.require_leader(ctx.session, ctx.actor, task.lead_unit_id)
    change = task_life.Edit()
    if field == "title":
        change.title = value
    elif field == "deadline":
        try:
            change.deadline = parse_deadline(value, ref=ctx.today, calendar=ctx.calendar)
        except DeadlineError as error:
            raise UserError(messages.render(messages.ASSIGN_BAD_DEADLINE, phrase=value,
                                            reason=messages.refusal_text(error))) from None
    elif field == "lead":
        change.lead = require_unit_code(ctx.session, value)
        if change.lead.id != task.lead_unit_id and not ctx.confirmed:
            await confirm.ask(ctx, messages.render(
                messages.EDIT_REASSIGN_CONFIRM, task_id=task.id, title=shorten(task.title, 120),
                old=task.lead_unit.name, new=change.lead.name),
                f"/sua {task.id} chutri {change.lead.code}")
            return
    else:
        none = {"khong", "không", "-"}
        change.support = ([] if value.strip().lower() in none
                          else require_units(ctx.session, value))
    changes = task_life.edit_task(ctx.session, actor=ctx.actor, task=task, edit=change,
                                  now=ctx.now, today=ctx.today, calendar=ctx.calendar)
    if not changes:
        await ctx.replier.send_text(messages.render(messages.EDIT_NOTHING, task_id=task.id))
        return
    fields = ", ".join(messages.EDIT_FIELD_NAMES[name] for name in changes)
    _tell_leaders(ctx, task, messages.render(
        messages.EDIT_NOTICE, who=ctx.actor.display_name, task_id=task.id,
        title=shorten(task.title, 120), fields=fields), f"edit:{task.id}:{ctx.now.timestamp():.0f}")
    await ctx.replier.send_text(messages.render(messages.EDIT_DONE, task_id=task.id,
                                                fields=fields))


# --- history lines for /chitiet ------------------------------------------------------------


def history_lines(ctx: Context, task: Task) -> list[tuple[object, str]]:
    """(when, line) for the audited life of the task: reopenings, undos, edits, cancel."""
    lines: list[tuple[object, str]] = []
    for entry in task_life.history(ctx.session, task):
        details = entry.details or {}
        what = _history_what(ctx, entry.action, details)
        if what is None:
            continue
        lines.append((entry.at, messages.DETAIL_HISTORY_LINE.format(
            at=local_time(ctx, entry.at), who=person_name(ctx, entry.person_id)
            if entry.person_id else messages.esc(entry.actor), what=what)))
    return lines


def _history_what(ctx: Context, action: str, details: dict[str, object]) -> str | None:

    def completion_text() -> tuple[str, str]:
        kept = details.get("completion") or {}
        assert isinstance(kept, dict)
        raw = kept.get("done_at")
        at = local_time(ctx, datetime.fromisoformat(raw)) if isinstance(raw, str) else "—"
        note = kept.get("note")
        return at, f", «{messages.esc(str(note))}»" if note else ""

    if action == "occurrence.complete":
        note = details.get("note")
        return messages.HISTORY_DONE.format(note=f" — {messages.esc(str(note))}" if note else "")
    if action == "occurrence.reopen":
        at, note = completion_text()
        return messages.HISTORY_REOPENED.format(done_at=at, note=note,
                                                reason=messages.esc(str(details.get("reason"))))
    if action == "occurrence.undo":
        at, note = completion_text()
        return messages.HISTORY_UNDONE.format(done_at=at, note=note)
    if action == "task.cancel":
        reason = details.get("reason")
        return messages.HISTORY_CANCELLED.format(
            reason=f" — {messages.esc(str(reason))}" if reason else "")
    if action == "task.edit":
        changes = details.get("changes") or {}
        assert isinstance(changes, dict)
        return messages.HISTORY_EDITED.format(fields=", ".join(
            messages.EDIT_FIELD_NAMES.get(str(name), str(name)) for name in changes))
    if action == "task.reschedule":
        return messages.HISTORY_RESCHEDULED.format(old=messages.esc(str(details.get("old"))),
                                                   new=messages.esc(str(details.get("new"))))
    return None
