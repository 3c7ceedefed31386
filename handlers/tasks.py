"""/nhiemvu, /chitiet, /capnhat, /hoanthanh, /giahan with its approvals, /giao."""

from __future__ import annotations

import math
from datetime import date

from db import chat_state as state
from db import queries, services
from db.models import ExtensionRequest, Occurrence, Task
from db.task_life import UNDO_WINDOW
from handlers import confirm
from handlers.base import Context, Incoming, MenuOption
from handlers.common import (
    UserError,
    human_size,
    limit_args,
    load_task,
    load_task_to_act,
    local_time,
    open_occurrence,
    parse_date,
    parse_number,
    parse_request_id,
    parse_task_id,
    person_name,
    require_unit,
    require_units,
    strip_accents,
    usage,
)
from handlers.notify import approvers_of, notify_people, notify_unit
from reports.details import period_label
from texts import messages
from timelang import numbers
from timelang.deadlines import Refusal, read_deadline
from timelang.status import Status, occurrence_status
from timelang.words import shorten

PROGRESS_CHOICES = (25, 50, 75, 100)
# /nhiemvu takes a unit code, «tatca», «quahan» and a page: more words are a mistake.
TASK_LIST_MAX_ARGS = 4
# /giao: one lead unit and its support units; a plan import handles the big lists.
ASSIGN_MAX_UNITS = 20
ASSIGN_MAX_UNIT_WORDS = ASSIGN_MAX_UNITS * 8
# Far beyond any list a unit has; a bigger page number is a typo, answered as one.
TASK_LIST_MAX_PAGE = 10_000


# --- /nhiemvu ------------------------------------------------------------------------------


async def task_list(msg: Incoming, ctx: Context) -> None:
    scope_all = overdue = False
    unit = None
    page = 1
    unit_words: list[str] = []
    args = limit_args(ctx, TASK_LIST_MAX_ARGS, messages.TASKS_USAGE)
    if not (ctx.actor.roles or ctx.actor.is_admin):
        raise UserError(messages.NOT_REGISTERED)  # before any lookup made for a stranger
    for arg in args:
        word = arg.lower()
        if word in ("tatca", "tấtcả", "all"):
            scope_all = True
        elif word in ("quahan", "quáhạn"):
            overdue = True
        elif numbers.is_ascii_number(word):
            page = parse_number(word, low=1, high=TASK_LIST_MAX_PAGE, error=messages.BAD_PAGE.format(
                value=messages.esc(word[:20]), high=TASK_LIST_MAX_PAGE))
        else:
            unit_words.append(arg)
    if unit_words:
        # A code, or a unit's name typed in words ("/nhiemvu Phòng Nội vụ").
        unit = require_unit(ctx.session, " ".join(unit_words))

    if unit is not None:
        allowed = services.visible_unit_ids(ctx.session, ctx.actor)
        if allowed is not None and unit.id not in allowed:
            raise UserError(messages.NOT_ALLOWED)
        unit_ids: set[int] | None = services.subtree_ids(ctx.session, [unit.id])
        scope = messages.render(messages.TASKS_SCOPE_UNIT, unit=unit.name)
    elif scope_all:
        unit_ids = services.visible_unit_ids(ctx.session, ctx.actor)
        scope = messages.TASKS_SCOPE_ALL
    elif ctx.actor.roles:
        unit_ids = ctx.actor.unit_ids
        scope = messages.TASKS_SCOPE_MINE
    elif ctx.actor.is_admin:
        unit_ids = None
        scope = messages.TASKS_SCOPE_ALL
    else:
        raise UserError(messages.NOT_REGISTERED)
    if overdue:
        scope = f"{scope} {messages.TASKS_SCOPE_OVERDUE}"

    page_size = ctx.settings.page_size
    rows, total = queries.task_page(
        ctx.session, unit_ids=unit_ids, today=ctx.today, overdue_only=overdue,
        offset=(page - 1) * page_size, limit=page_size,
    )
    if total == 0:
        suffix = messages.TASKS_EMPTY_OVERDUE_SUFFIX if overdue else ""
        await ctx.replier.send_text(messages.TASKS_EMPTY.format(suffix=suffix))
        return
    pages = max(1, math.ceil(total / page_size))
    lines = [messages.TASKS_HEADER.format(scope=scope, page=min(page, pages), pages=pages,
                                          total=total)]
    today = ctx.today
    for row in rows:
        lines.append(_task_line(ctx, row, today))

    scope_arg = " ".join(a for a in ctx.args if not numbers.is_ascii_number(a))
    prefix = f"{scope_arg} " if scope_arg else ""
    # One button a task, labelled with its number and title; its details carry the actions
    # (progress, evidence, done), so a phone screen is not a wall of identical icons.
    options = [
        MenuOption(messages.BUTTON_TASK.format(task_id=row.task_id,
                                               title=shorten(row.title, 28)),
                   f"/chitiet {row.task_id}", key=str(row.task_id))
        for row in rows
    ]
    if page > 1:
        options.append(MenuOption(messages.BUTTON_PREV, f"/nhiemvu {prefix}{page - 1}".strip()))
    if page < pages:
        options.append(MenuOption(messages.BUTTON_NEXT, f"/nhiemvu {prefix}{page + 1}".strip()))
        lines.append(messages.TASKS_PAGE_HINT.format(arg=messages.esc(prefix), page=page + 1))
    await ctx.replier.send_menu("\n".join(lines), options)


def _task_line(ctx: Context, row: queries.TaskRow, today: date) -> str:
    status = occurrence_status(due=row.due, extended_due=row.extended_due, done_at=row.done_at,
                               today=today, tz=ctx.settings.tz)
    due = messages.fmt_date(row.effective_due)
    if row.extended_due:
        due += messages.TASK_EXTENDED_SUFFIX
    progress = (messages.TASK_PROGRESS_SUFFIX.format(progress=row.progress)
                if status.is_open and row.progress else "")
    return messages.TASK_LINE.format(
        icon=messages.STATUS_ICONS[status], task_id=row.task_id,
        title=messages.esc(shorten(row.title, 160)), unit=messages.esc(row.unit_code),
        due=due if row.effective_due else messages.PERIOD_ONGOING,
        status=messages.STATUS_LABELS[status], progress=progress,
    )


# --- /chitiet ------------------------------------------------------------------------------


async def task_detail(msg: Incoming, ctx: Context) -> None:
    task = load_task(ctx, parse_task_id(ctx, ctx.args[0] if ctx.args else None,
                                        messages.DETAIL_USAGE), allow_cancelled=True)
    if task.status != "active":
        await ctx.replier.send_text(_detail_text(ctx, task))
        return
    await ctx.replier.send_menu(_detail_text(ctx, task), _task_actions(ctx, task),
                                columns=3 if ctx.replier.supports_buttons else 1)


def _task_actions(ctx: Context, task: Task) -> list[MenuOption]:
    occurrence = services.current_occurrence(task)
    if occurrence is None or occurrence.done_at is not None:
        return []
    if not services.can_act_on_task(ctx.session, ctx.actor, task):
        return []
    return [
        MenuOption(messages.NUMBERED_PROGRESS.format(task_id=task.id), f"/capnhat {task.id}"),
        MenuOption(messages.NUMBERED_EVIDENCE.format(task_id=task.id), f"/minhchung {task.id}"),
        MenuOption(messages.NUMBERED_DONE.format(task_id=task.id), f"/hoanthanh {task.id}"),
    ]


def _period_label(occurrence: Occurrence) -> str:
    return period_label(occurrence.period_key, occurrence.period_start, occurrence.period_end)


def _detail_text(ctx: Context, task: Task) -> str:
    occurrence = services.current_occurrence(task)
    tz = ctx.settings.tz
    support = ", ".join(messages.esc(u.name) for u in task.support_units) or "—"
    if occurrence is not None:
        status = services.status_of(occurrence, ctx.today, tz)
        extended = ""
        if occurrence.extended_due_date:
            extended = messages.DETAIL_EXTENDED.format(
                original=messages.fmt_date(occurrence.due_date),
                extended=messages.fmt_date(occurrence.extended_due_date))
        period, due, progress = (_period_label(occurrence),
                                 messages.fmt_date(occurrence.due_date), occurrence.progress)
    else:
        status, extended, period, due, progress = Status.ONGOING, "", "—", "—", 0
    lines = [messages.DETAIL.format(
        task_id=task.id, title=messages.esc(task.title), lead=messages.esc(task.lead_unit.name),
        support=support, deadline_text=messages.esc(task.deadline_text or "—"), period=period,
        due=due, extended=extended, icon=messages.STATUS_ICONS[status],
        status=messages.STATUS_LABELS[status], progress=progress,
    )]
    if task.status != "active":
        lines.insert(0, messages.DETAIL_CANCELLED)
    if task.plan is not None:
        plan = " ".join(p for p in (task.plan.number, task.plan.title[:120]) if p)
        lines.append(messages.DETAIL_PLAN.format(plan=messages.esc(plan)))
    if task.description:
        lines.append(messages.DETAIL_DESCRIPTION.format(
            description=messages.esc(shorten(task.description, 600))))
    if occurrence is None:
        return "\n".join(lines)
    if occurrence.done_at is not None:
        lines.append(messages.DETAIL_DONE.format(at=local_time(ctx, occurrence.done_at),
                                                 who=person_name(ctx, occurrence.done_by_id)))
    # Completions, reopenings, undos and edits come from the audit log, so a reopened
    # completion and its note stay visible.
    from handlers.task_life import history_lines

    history: list[tuple[object, str]] = history_lines(ctx, task)
    for update in occurrence.progress_updates:
        note = f" — {messages.esc(update.note)}" if update.note else ""
        history.append((update.created_at, messages.DETAIL_HISTORY_LINE.format(
            at=local_time(ctx, update.created_at), who=person_name(ctx, update.person_id),
            what=messages.HISTORY_PROGRESS.format(percent=update.percent, note=note))))
    for request in occurrence.extension_requests:
        history.append((request.created_at, messages.DETAIL_HISTORY_LINE.format(
            at=local_time(ctx, request.created_at), who=person_name(ctx, request.requested_by_id),
            what=messages.HISTORY_EXTENSION.format(
                due=messages.fmt_date(request.requested_due_date),
                status=messages.EXTENSION_STATUS.get(request.status, request.status)))))
    if history:
        lines += ["", messages.DETAIL_HISTORY_HEADER]
        lines += [line for _, line in sorted(history, key=lambda item: item[0])][-15:]  # type: ignore[arg-type,return-value]
    if occurrence.evidence:
        lines += ["", messages.DETAIL_EVIDENCE_HEADER.format(count=len(occurrence.evidence))]
        for evidence in occurrence.evidence[-15:]:
            lines.append(messages.DETAIL_EVIDENCE_LINE.format(
                name=messages.esc(evidence.file_name or evidence.mime_type),
                size=human_size(evidence.size), who=person_name(ctx, evidence.person_id),
                at=local_time(ctx, evidence.created_at)))
    if task.schedule_kind == "recurring" and len(task.occurrences) > 1:
        lines += ["", messages.DETAIL_PERIODS_HEADER]
        for other in task.occurrences[-8:]:
            other_status = services.status_of(other, ctx.today, tz)
            lines.append(messages.DETAIL_PERIOD_LINE.format(
                period=_period_label(other), due=messages.fmt_date(other.effective_due),
                status=messages.STATUS_LABELS[other_status]))
    return "\n".join(lines)


# --- /capnhat ------------------------------------------------------------------------------


async def update_progress(msg: Incoming, ctx: Context) -> None:
    task = load_task_to_act(ctx, parse_task_id(ctx, ctx.args[0] if ctx.args else None,
                                               messages.PROGRESS_USAGE))
    occurrence = open_occurrence(task)
    if len(ctx.args) < 2:
        options = [MenuOption(f"{p}%", f"/capnhat {task.id} {p}") for p in PROGRESS_CHOICES]
        await ctx.replier.send_menu(messages.PROGRESS_CHOOSE.format(task_id=task.id), options,
                                    columns=4)
        return
    percent = parse_number(ctx.args[1].rstrip("%"), low=0, high=100,
                           error=messages.PROGRESS_BAD_PERCENT.format(task_id=task.id))
    note = " ".join(ctx.args[2:]) or None
    services.record_progress(ctx.session, actor=ctx.actor, occurrence=occurrence,
                             percent=percent, note=note, now=ctx.now)
    text = messages.PROGRESS_SAVED.format(task_id=task.id, percent=percent)
    if percent == 100:
        options = [MenuOption(messages.NUMBERED_DONE.format(task_id=task.id),
                              f"/hoanthanh {task.id}")]
        await ctx.replier.send_menu(
            text + "\n" + messages.PROGRESS_HINT_DONE.format(task_id=task.id), options)
    else:
        await ctx.replier.send_text(text)


# --- /hoanthanh ----------------------------------------------------------------------------


async def complete(msg: Incoming, ctx: Context) -> None:
    task = load_task_to_act(ctx, parse_task_id(ctx, ctx.args[0] if ctx.args else None,
                                               messages.DONE_USAGE))
    occurrence = open_occurrence(task)
    note = " ".join(ctx.args[1:]) or None
    if not ctx.confirmed:
        await confirm.ask(ctx, messages.render(
            messages.DONE_CONFIRM, task_id=task.id, title=shorten(task.title, 120),
            period=_period_label(occurrence) if occurrence.period_key not in ("once", "ongoing")
            else messages.fmt_date(occurrence.effective_due) if occurrence.effective_due
            else messages.PERIOD_ONGOING), f"/hoanthanh {task.id} {note or ''}".strip())
        return
    status = services.complete_occurrence(
        ctx.session, actor=ctx.actor, occurrence=occurrence, note=note, now=ctx.now,
        tz=ctx.settings.tz, today=ctx.today, calendar=ctx.calendar,
    )
    at = local_time(ctx, ctx.now)
    due = occurrence.effective_due
    if status == Status.DONE_ON_TIME:
        text = messages.DONE_ON_TIME.format(task_id=task.id, at=at, due=messages.fmt_date(due))
    elif status == Status.DONE_LATE and due is not None:
        days = (ctx.now.astimezone(ctx.settings.tz).date() - due).days
        text = messages.DONE_LATE.format(task_id=task.id, at=at, due=messages.fmt_date(due),
                                         days=days)
    else:
        text = messages.DONE_ONGOING.format(task_id=task.id, at=at)
    upcoming = services.current_occurrence(task)
    if upcoming is not None and upcoming.id != occurrence.id and upcoming.done_at is None:
        text += "\n" + messages.DONE_NEXT_PERIOD.format(due=messages.fmt_date(upcoming.due_date))
    leaders = [p for p in services.leaders_of(ctx.session, task.lead_unit_id)
               if p.id != ctx.actor.person_id]
    notify_people(
        ctx, leaders,
        messages.render(messages.DONE_NOTICE, who=ctx.actor.display_name,
                        unit=task.lead_unit.name, task_id=task.id, title=shorten(task.title, 200),
                        status=messages.STATUS_LABELS[status]),
        kind="done_notice", key=f"done:{occurrence.id}:{ctx.now.timestamp():.0f}",
        task_ids=[task.id],
    )
    text += "\n" + messages.DONE_UNDO_HINT.format(
        minutes=int(UNDO_WINDOW.total_seconds() // 60), task_id=task.id)
    await ctx.replier.send_text(text)


# --- /giahan -------------------------------------------------------------------------------


async def request_extension(msg: Incoming, ctx: Context) -> None:
    task = load_task_to_act(ctx, parse_task_id(ctx, ctx.args[0] if ctx.args else None,
                                               messages.EXTEND_USAGE))
    if len(ctx.args) < 3:
        if len(ctx.args) == 2:
            parse_date(ctx.args[1])
            raise UserError(messages.EXTEND_REASON_MISSING)
        raise usage(messages.EXTEND_USAGE)
    new_due = parse_date(ctx.args[1])
    reason = " ".join(ctx.args[2:])
    occurrence = open_occurrence(task)
    request = services.request_extension(ctx.session, actor=ctx.actor, occurrence=occurrence,
                                         new_due=new_due, reason=reason, now=ctx.now)
    text = messages.render(
        messages.EXTEND_REQUEST_NOTICE, name=ctx.actor.display_name,
        unit=task.lead_unit.name, task_id=task.id, title=shorten(task.title, 200),
        old_due=request.old_due_date, new_due=new_due, reason=reason, request_id=request.id,
    )
    menu = [
        MenuOption(messages.EXTEND_APPROVE, f"/duyetgiahan {request.id}"),
        MenuOption(messages.EXTEND_REFUSE, f"/tuchoigiahan {request.id}"),
    ]
    # Four eyes: the requester never decides, so never receives the buttons either.
    approvers = [p for p in approvers_of(ctx, task.lead_unit_id) if p.id != ctx.actor.person_id]
    reached = notify_people(ctx, approvers, text, kind="extension_request",
                            key=f"ext:{request.id}", menu=menu, task_ids=[task.id])
    lines = [messages.render(messages.EXTEND_SENT, task_id=task.id, due=new_due)]
    unit_leaders = {p.id for p in services.leaders_of(ctx.session, task.lead_unit_id)}
    if unit_leaders == {ctx.actor.person_id}:
        lines.append(messages.render(messages.EXTEND_SENT_UPWARD, unit=task.lead_unit.name))
    if not reached:
        lines.append(messages.EXTEND_NO_APPROVER)
    await ctx.replier.send_text("\n".join(lines))


def _load_extension(ctx: Context) -> ExtensionRequest:
    request_id = parse_request_id(ctx.args[0] if ctx.args else None,
                                  messages.EXTEND_DECIDE_USAGE)
    request = ctx.session.get(ExtensionRequest, request_id)
    if request is None:
        raise UserError(messages.EXTEND_NOT_FOUND.format(request_id=request_id))
    return request


async def approve_extension(msg: Incoming, ctx: Context) -> None:
    await _decide_extension(ctx, approve=True)


async def refuse_extension(msg: Incoming, ctx: Context) -> None:
    await _decide_extension(ctx, approve=False)


async def _decide_extension(ctx: Context, *, approve: bool) -> None:
    request = _load_extension(ctx)
    services.decide_extension(ctx.session, actor=ctx.actor, request=request, approve=approve,
                              now=ctx.now)
    task_id = request.occurrence.task_id
    if approve:
        notice = messages.render(messages.EXTEND_APPROVED_NOTICE, task_id=task_id,
                                 due=request.requested_due_date, original=request.old_due_date)
        ack = messages.render(messages.EXTEND_APPROVED_ACK, task_id=task_id,
                              due=request.requested_due_date)
    else:
        notice = messages.render(messages.EXTEND_REFUSED_NOTICE, task_id=task_id)
        ack = messages.render(messages.EXTEND_REFUSED_ACK, task_id=task_id)
    notify_people(ctx, [request.requested_by], notice, kind="extension_decision",
                  key=f"ext-decision:{request.id}", task_ids=[task_id])
    await ctx.replier.send_text(ack)


# --- /giao ---------------------------------------------------------------------------------


ASSIGN_PAST_FLOW = "giao_past"


async def assign(msg: Incoming, ctx: Context) -> None:
    raw_args = ctx.raw_args
    confirmed = False
    word = strip_accents(raw_args.strip()).lower()
    if word in ("xacnhan", "huy"):
        # The answer to "the due date is past, assign anyway?": the pending /giao.
        pending = state.load(ctx.session, msg.platform, msg.chat_id, msg.user_id, ctx.now)
        if pending is None or pending.flow != ASSIGN_PAST_FLOW:
            raise UserError(messages.ASSIGN_PAST_NOTHING)
        raw_args = str((pending.data or {}).get("args") or "")
        state.end_flow(ctx.session, msg.platform, msg.chat_id, msg.user_id, ctx.now)
        if word == "huy":
            await ctx.replier.send_text(messages.ASSIGN_PAST_CANCELLED)
            return
        confirmed = True
    parts = [p.strip() for p in raw_args.split("|")]
    if len(parts) < 3 or not all(parts[:3]):
        raise usage(messages.ASSIGN_USAGE)
    if not (ctx.actor.is_admin or ctx.actor.is_leader):
        raise UserError(messages.LEADER_ONLY)  # before looking up any unit it names
    codes, title, phrase = parts[0], parts[1], "|".join(parts[2:]).strip()
    # Names take several words each; bounded before any lookup.
    if codes.count(",") >= ASSIGN_MAX_UNITS or len(codes.split()) > ASSIGN_MAX_UNIT_WORDS:
        raise UserError(messages.TOO_MANY_UNITS.format(limit=ASSIGN_MAX_UNITS))
    units = require_units(ctx.session, codes)
    if len(units) > ASSIGN_MAX_UNITS:
        raise UserError(messages.TOO_MANY_UNITS.format(limit=ASSIGN_MAX_UNITS))
    lead, support = units[0], units[1:]
    if not services.can_lead_unit(ctx.session, ctx.actor, lead.id):
        raise UserError(messages.LEADER_ONLY)
    reading = read_deadline(phrase, ctx.today, ctx.calendar)
    if isinstance(reading, Refusal):
        raise UserError(messages.render(messages.ASSIGN_BAD_DEADLINE,
                                        reason=messages.refusal_text(reading)))
    deadline = reading.deadline
    if reading.past and not confirmed and deadline.due is not None:
        state.start_flow(ctx.session, msg.platform, msg.chat_id, msg.user_id, ASSIGN_PAST_FLOW,
                         {"args": raw_args}, ctx.now)
        due_text = messages.fmt_date(deadline.due)
        await ctx.replier.send_menu(
            messages.render(messages.ASSIGN_PAST_ASK, phrase=phrase, due=due_text,
                            today=messages.fmt_date(ctx.today)),
            [MenuOption(messages.ASSIGN_PAST_CONFIRM.format(due=due_text), "/giao xacnhan"),
             MenuOption(messages.ASSIGN_PAST_CANCEL, "/giao huy")])
        return
    task = services.create_task(
        ctx.session, title=title, lead_unit=lead, support_units=support, deadline=deadline,
        actor=ctx.actor, now=ctx.now, today=ctx.today, calendar=ctx.calendar,
    )
    first = services.current_occurrence(task)
    due = messages.fmt_date(first.due_date) if first and first.due_date else \
        messages.PERIOD_ONGOING
    params = dict(task_id=task.id, unit=lead.name, title=title, deadline=deadline.text, due=due)
    notify_unit(ctx, lead, messages.render(messages.ASSIGN_NOTICE, **params),
                kind="assignment", key=f"assign:{task.id}", task_ids=[task.id])
    # A short month moves "ngày 30" to its last day: said with the assignment, never silent.
    note = messages.moved_dues_note(deadline.moved_dues(ctx.today, calendar=ctx.calendar))
    await ctx.replier.send_text(messages.render(messages.ASSIGN_DONE, **params)
                                + (f"\n{note}" if note else ""))
