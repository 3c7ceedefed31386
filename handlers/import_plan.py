"""/nhapkehoach: an admin sends a plan document, checks what the bot read, and confirms.

1. `/nhapkehoach` (or a document whose caption is /nhapkehoach) starts the flow; the next
   file is read. A file we cannot read gets the reader's Vietnamese reason and the flow keeps
   waiting for another.
2. The preview: tasks per unit, deadlines, recurring duties, unknown unit names, with
   buttons (numbered menus on Zalo) to confirm, cancel, or settle each unknown name.
   The same as commands: `/nhapkehoach gan SỐ MÃ`, `taomoi SỐ MÃ`, `bo SỐ`, `macdinh MÃ`,
   `ds [trang]`, `xem`, `xacnhan`, `huy`.
3. Confirming imports everything in the router's single transaction and queues one message
   per unit listing its new tasks.

Between steps the parsed plan and the decisions live in the chat's flow state.
"""

from __future__ import annotations

import asyncio
import math
import re
from datetime import date
from typing import Any

from db import chat_state as state
from db import services
from handlers import flows
from handlers.base import Attachment, Context, Incoming, MenuOption, UploadPurpose
from handlers.common import (
    UserError,
    download_document,
    human_size,
    require_admin,
    strip_accents,
    usage,
)
from handlers.ocr_progress import ChatProgress
from handlers.plan_preview import render_preview, task_meaning, tasks_naming
from handlers.uploads import file_prompt
from plans import importer
from plans.importer import Decisions, ImportPreview, NewUnit
from plans.isolated import read_plan_isolated
from plans.limits import ReadLimits
from plans.parser import ParsedPlan, read_plan
from plans.readers import PlanReadError
from plans.review import needs_date, with_plan_date
from texts import messages, uploads
from texts import ocr as ocr_texts
from timelang import numbers

FLOW = flows.IMPORT_PLAN
COMMAND = "/nhapkehoach"
LIST_PAGE_SIZE = 10
MAP_MENU_UNITS = 24
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")

_SUBCOMMANDS = {
    "xacnhan": "confirm", "dongy": "confirm", "ok": "confirm", "nhap": "confirm",
    "huy": "cancel", "thoi": "cancel",
    "gan": "map", "bo": "skip", "boqua": "skip", "taomoi": "create", "tao": "create",
    "macdinh": "default", "ds": "list", "danhsach": "list", "xem": "show",
    "ngay": "date",
}
_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


# --- entry points --------------------------------------------------------------------------


async def import_plan(msg: Incoming, ctx: Context) -> None:
    require_admin(ctx)
    if msg.attachment is not None:
        await _receive_file(msg, ctx, msg.attachment)
        return
    if not ctx.args:
        state.start_flow(ctx.session, msg.platform, msg.chat_id, msg.user_id, FLOW,
                         {"stage": "file"}, ctx.now)
        await ctx.replier.send_text(file_prompt(
            msg, ctx, UploadPurpose("plan"), messages.PLAN_IMPORT_WAITING.format(
                max_mb=_max_mb(ctx))))
        return
    action = _SUBCOMMANDS.get(strip_accents(ctx.args[0]).lower())
    if action is None:
        raise usage(messages.PLAN_IMPORT_USAGE)
    data = _pending(ctx, msg)
    rest = ctx.args[1:]
    if action == "confirm":
        await _confirm(msg, ctx, data)
    elif action == "cancel":
        state.end_flow(ctx.session, msg.platform, msg.chat_id, msg.user_id, ctx.now)
        await ctx.replier.send_text(messages.PLAN_IMPORT_CANCELLED)
    elif action == "map":
        await _map(msg, ctx, data, rest)
    elif action == "skip":
        await _skip(msg, ctx, data, rest)
    elif action == "create":
        await _create(msg, ctx, data, rest)
    elif action == "default":
        await _default(msg, ctx, data, rest)
    elif action == "list":
        await _list(ctx, data, rest)
    elif action == "date":
        await _set_date(msg, ctx, data, rest)
    else:
        await _show_preview(msg, ctx, data)


async def import_plan_flow(msg: Incoming, ctx: Context, data: dict[str, Any]) -> None:
    """Whatever the admin sends while the flow waits: a file is read (again), text is
    answered with what is expected."""
    require_admin(ctx)
    if msg.attachment is not None:
        await _receive_file(msg, ctx, msg.attachment)
        return
    if data.get("stage") == "preview":
        raise UserError(messages.PLAN_IMPORT_PENDING_HINT)
    raise UserError(file_prompt(msg, ctx, UploadPurpose("plan"), messages.PLAN_IMPORT_NEED_FILE))


# --- reading the file ----------------------------------------------------------------------


def _max_mb(ctx: Context) -> int:
    return ctx.settings.max_file_bytes // (1024 * 1024)


async def _receive_file(msg: Incoming, ctx: Context, attachment: Attachment) -> None:
    """Checks what can be checked in this turn, then leaves the download and the reading to
    the router, outside its turn: a slow or hostile file costs its sender time, not every
    other chat (issue 11, High 2). `_file_read` takes over with the result."""
    limit = ctx.settings.max_file_bytes
    name = _file_name(attachment)
    if attachment.size is not None and attachment.size > limit:
        raise UserError(messages.PLAN_IMPORT_TOO_LARGE.format(
            name=messages.esc(name), size=human_size(attachment.size), max_mb=_max_mb(ctx)))
    replier, settings = ctx.replier, ctx.settings
    calendar = ctx.calendar

    async def download_and_read() -> ParsedPlan | PlanReadError:
        data = await download_document(replier, attachment, limit, name)
        # A scan read by OCR says how far it has got ("đang đọc trang 3/12").
        progress = ChatProgress(replier, asyncio.get_running_loop(), name)
        try:
            # Off the event loop, and with the limits of plans.limits: in a child process
            # killed past the time limit unless the settings turn that off. No `today`: a plan
            # without a readable date is asked about, not counted from today.
            return await asyncio.to_thread(_read, data, name, calendar, settings, progress)
        except PlanReadError as error:
            return error
        finally:
            await progress.finish()

    ctx.outside_turn(download_and_read, _file_read)


def _file_name(attachment: Attachment) -> str:
    return attachment.file_name or ("anh.jpg" if attachment.kind == "photo" else "tep")


def _read(
    data: bytes, name: str, calendar: Any, settings: Any, progress: ChatProgress,
) -> ParsedPlan:
    limits = ReadLimits.from_settings(settings)
    if settings.plan_read_in_child:
        return read_plan_isolated(data, name, calendar=calendar, limits=limits,
                                  memory_mb=settings.plan_read_memory_mb, progress=progress)
    return read_plan(data, name, calendar=calendar, limits=limits, progress=progress)


async def _file_read(msg: Incoming, ctx: Context, result: ParsedPlan | PlanReadError) -> None:
    """Back in a unit of work with the file read (or refused): store the preview."""
    require_admin(ctx)  # still an admin after the read
    if isinstance(result, PlanReadError):
        # Keep (or start) waiting for a file, so the admin can simply send another one.
        state.start_flow(ctx.session, msg.platform, msg.chat_id, msg.user_id, FLOW,
                         {"stage": "file"}, ctx.now)
        reason = messages.esc(result.message)
        again = file_prompt(msg, ctx, UploadPurpose("plan"), "")
        await ctx.replier.send_text(
            uploads.READ_ERROR_NEW_LINK.format(reason=reason, again=again) if again
            else messages.PLAN_IMPORT_READ_ERROR.format(reason=reason))
        return
    plan = result
    preview = importer.preview_import(ctx.session, plan, Decisions())
    data_state = {
        "stage": "preview",
        "plan": plan.to_state(),
        "decisions": Decisions().to_state(),
        "names": list(preview.unknown),
        "file": _file_name(msg.attachment) if msg.attachment else "tep",
    }
    state.start_flow(ctx.session, msg.platform, msg.chat_id, msg.user_id, FLOW, data_state,
                     ctx.now)
    await _send_preview(ctx, plan, preview, data_state)


# --- the pending plan ----------------------------------------------------------------------


def _pending(ctx: Context, msg: Incoming) -> dict[str, Any]:
    chat_state = state.load(ctx.session, msg.platform, msg.chat_id, msg.user_id, ctx.now)
    if chat_state is None or chat_state.flow != FLOW or (chat_state.data or {}).get(
        "stage"
    ) != "preview":
        raise UserError(messages.PLAN_IMPORT_NOTHING_PENDING)
    return dict(chat_state.data)


def _save(ctx: Context, msg: Incoming, data: dict[str, Any]) -> None:
    state.start_flow(ctx.session, msg.platform, msg.chat_id, msg.user_id, FLOW, data, ctx.now)


def _plan(data: dict[str, Any]) -> ParsedPlan:
    return ParsedPlan.from_state(data["plan"])


def _decisions(data: dict[str, Any]) -> Decisions:
    return Decisions.from_state(data.get("decisions"))


def _preview(ctx: Context, data: dict[str, Any]) -> ImportPreview:
    try:
        return importer.preview_import(ctx.session, _plan(data), _decisions(data))
    except importer.PlanImportError as error:
        raise UserError(messages.esc(str(error))) from None


def _name_at(data: dict[str, Any], value: str | None) -> tuple[int, str]:
    names: list[str] = list(data.get("names") or [])
    if not names:
        raise UserError(messages.PLAN_MAP_NO_NAMES)
    index = numbers.ascii_int(value or "", low=1, high=len(names))
    if index is None:
        raise UserError(messages.PLAN_MAP_BAD_INDEX.format(
            index=messages.esc((value or "")[:20]), count=len(names)))
    return index, names[index - 1]


# --- decisions -----------------------------------------------------------------------------


def _forget(decisions: Decisions, name: str) -> None:
    decisions.mappings.pop(name, None)
    decisions.create.pop(name, None)


async def _map(msg: Incoming, ctx: Context, data: dict[str, Any], rest: list[str]) -> None:
    index, name = _name_at(data, rest[0] if rest else None)
    codes = [code for part in rest[1:] for code in part.split(",") if code.strip()]
    if not codes:
        await _map_menu(ctx, data, index, name)
        return
    units = [services.unit_by_code(ctx.session, code) for code in codes]
    missing = [code for code, unit in zip(codes, units, strict=True) if unit is None]
    if missing:
        raise UserError(messages.UNIT_NOT_FOUND.format(code=messages.esc(missing[0])))
    decisions = _decisions(data)
    _forget(decisions, name)
    decisions.mappings[name] = [unit.code for unit in units if unit is not None]
    data["decisions"] = decisions.to_state()
    _save(ctx, msg, data)
    await _show_preview(msg, ctx, data)


async def _map_menu(ctx: Context, data: dict[str, Any], index: int, name: str) -> None:
    plan = _plan(data)
    preview = _preview(ctx, data)
    suggested = preview.suggestions.get(name, [])
    others = [u for u in importer.known_units(ctx.session) if u.code not in {s.code for s in suggested}]
    options = [
        MenuOption(messages.BUTTON_PLAN_MAP_UNIT.format(name=unit.name, code=unit.code),
                   f"{COMMAND} gan {index} {unit.code}")
        for unit in [*suggested, *others][:MAP_MENU_UNITS]
    ]
    taken = [unit.code for unit in importer.known_units(ctx.session)]
    code = importer.suggest_code(name, taken)
    options.append(MenuOption(messages.BUTTON_PLAN_CREATE.format(code=code),
                              f"{COMMAND} taomoi {index} {code}"))
    options.append(MenuOption(messages.BUTTON_PLAN_SKIP, f"{COMMAND} bo {index}"))
    options.append(MenuOption(messages.BUTTON_PLAN_BACK, f"{COMMAND} xem"))
    await ctx.replier.send_menu(
        messages.render(messages.PLAN_MAP_CHOOSE, name=name, tasks=tasks_naming(plan, name)),
        options,
    )


async def _skip(msg: Incoming, ctx: Context, data: dict[str, Any], rest: list[str]) -> None:
    _, name = _name_at(data, rest[0] if rest else None)
    decisions = _decisions(data)
    _forget(decisions, name)
    decisions.mappings[name] = []
    data["decisions"] = decisions.to_state()
    _save(ctx, msg, data)
    await _show_preview(msg, ctx, data)


async def _create(msg: Incoming, ctx: Context, data: dict[str, Any], rest: list[str]) -> None:
    index, name = _name_at(data, rest[0] if rest else None)
    taken = [unit.code for unit in importer.known_units(ctx.session)]
    code = (rest[1] if len(rest) > 1 else importer.suggest_code(name, taken)).upper()
    if not _CODE.match(code):
        raise UserError(messages.PLAN_CREATE_BAD_CODE.format(code=messages.esc(code)))
    existing = services.unit_by_code(ctx.session, code)
    if existing is not None:
        raise UserError(messages.PLAN_CREATE_CODE_TAKEN.format(
            code=messages.esc(code), unit=messages.esc(existing.name), index=index))
    decisions = _decisions(data)
    if any(new.code == code for other, new in decisions.create.items() if other != name):
        raise UserError(messages.PLAN_CREATE_CODE_TAKEN.format(
            code=messages.esc(code), unit=messages.esc(name), index=index))
    _forget(decisions, name)
    decisions.create[name] = NewUnit(code, name, _root_code(ctx), importer.guess_kind(name))
    data["decisions"] = decisions.to_state()
    _save(ctx, msg, data)
    await _show_preview(msg, ctx, data)


def _root_code(ctx: Context) -> str | None:
    """New units hang under the only top unit, when there is exactly one."""
    roots = [unit for unit in services.all_units(ctx.session) if unit.parent_id is None]
    return roots[0].code if len(roots) == 1 else None


async def _default(msg: Incoming, ctx: Context, data: dict[str, Any], rest: list[str]) -> None:
    if not rest:
        raise usage(messages.PLAN_IMPORT_USAGE)
    unit = services.unit_by_code(ctx.session, rest[0])
    if unit is None:
        raise UserError(messages.UNIT_NOT_FOUND.format(code=messages.esc(rest[0])))
    decisions = _decisions(data)
    decisions.default_lead = unit.code
    data["decisions"] = decisions.to_state()
    _save(ctx, msg, data)
    await _show_preview(msg, ctx, data)


# --- showing -------------------------------------------------------------------------------


async def _show_preview(msg: Incoming, ctx: Context, data: dict[str, Any]) -> None:
    await _send_preview(ctx, _plan(data), _preview(ctx, data), data)


async def _send_preview(
    ctx: Context, plan: ParsedPlan, preview: ImportPreview, data: dict[str, Any]
) -> None:
    options: list[MenuOption] = []
    if preview.new_task_count and not needs_date(plan):
        options.append(MenuOption(
            messages.BUTTON_PLAN_CONFIRM.format(count=preview.new_task_count),
            f"{COMMAND} xacnhan"))
    names: list[str] = list(data.get("names") or [])
    decisions = Decisions.from_state(data.get("decisions"))
    for index, name in enumerate(names, 1):
        if not decisions.decided(name):
            short = name if len(name) <= 40 else name[:39] + "…"
            options.append(MenuOption(messages.BUTTON_PLAN_MAP.format(index=index, name=short),
                                      f"{COMMAND} gan {index}"))
    options.append(MenuOption(messages.BUTTON_PLAN_LIST, f"{COMMAND} ds"))
    options.append(MenuOption(messages.BUTTON_PLAN_CANCEL, f"{COMMAND} huy"))
    await ctx.replier.send_menu(render_preview(plan, preview, data, ctx.today), options[:40])


async def _set_date(msg: Incoming, ctx: Context, data: dict[str, Any], rest: list[str]) -> None:
    """`/nhapkehoach ngay 15/03/2024`: the plan's date when its header has none readable."""
    text = " ".join(rest).strip()
    match = _DAY.match(text)
    try:
        day = date(int(match.group(3)), int(match.group(2)), int(match.group(1))) if match else None
    except ValueError:
        day = None
    if day is None:
        raise UserError(messages.PLAN_IMPORT_DATE_BAD.format(text=messages.esc(text)))
    data["plan"] = with_plan_date(_plan(data), day, ctx.calendar).to_state()
    _save(ctx, msg, data)
    await ctx.replier.send_text(messages.PLAN_IMPORT_DATE_SET.format(date=messages.fmt_date(day)))
    await _show_preview(msg, ctx, data)


async def _list(ctx: Context, data: dict[str, Any], rest: list[str]) -> None:
    plan = _plan(data)
    preview = _preview(ctx, data)
    pages = max(1, math.ceil(len(preview.tasks) / LIST_PAGE_SIZE))
    page = (numbers.ascii_int(rest[0], low=1, high=numbers.ID_MAX) if rest else None) or 1
    page = min(page, pages)
    lines = [messages.PLAN_LIST_HEADER.format(page=page, pages=pages)]
    for task in preview.tasks[(page - 1) * LIST_PAGE_SIZE : page * LIST_PAGE_SIZE]:
        lead = ", ".join(task.parsed.lead) or messages.PLAN_LIST_NO_LEAD
        support = (
            messages.render(messages.PLAN_LIST_SUPPORT, support=", ".join(task.parsed.support))
            if task.parsed.support else ""
        )
        title = task.parsed.title if len(task.parsed.title) <= 160 else (
            task.parsed.title[:159] + "…")
        lines.append(messages.PLAN_LIST_LINE.format(
            ref=messages.esc(task.parsed.ref), title=messages.esc(title),
            lead=messages.esc(lead), support=support, when=messages.esc(task_meaning(task, plan)))
            + (ocr_texts.LIST_OCR_MARK if "ocr" in task.parsed.unsure else ""))
    options: list[MenuOption] = []
    if page < pages:
        lines.append(messages.PLAN_LIST_NEXT.format(page=page + 1))
        options.append(MenuOption(f"➡️ {page + 1}/{pages}", f"{COMMAND} ds {page + 1}"))
    options.append(MenuOption(messages.BUTTON_PLAN_BACK, f"{COMMAND} xem"))
    await ctx.replier.send_menu("\n".join(lines), options)


# --- confirming ----------------------------------------------------------------------------


async def _confirm(msg: Incoming, ctx: Context, data: dict[str, Any]) -> None:
    plan = _plan(data)
    if needs_date(plan):
        raise UserError(messages.PLAN_IMPORT_DATE_NEEDED)
    decisions = _decisions(data)
    try:
        result = importer.import_plan(
            ctx.session, plan, decisions, actor=ctx.actor, now=ctx.now, today=ctx.today,
            calendar=ctx.calendar,
        )
    except importer.PlanImportError as error:
        raise UserError(messages.esc(str(error))) from None
    queued = importer.queue_unit_notices(ctx.session, result, now=ctx.now,
                                         reference=plan.deadline_reference)
    state.end_flow(ctx.session, msg.platform, msg.chat_id, msg.user_id, ctx.now)

    extra: list[str] = []
    if result.created_units:
        extra.append(messages.PLAN_IMPORT_DONE_UNITS.format(
            count=len(result.created_units),
            codes=", ".join(messages.esc(unit.code) for unit in result.created_units)))
    if result.existing:
        extra.append(messages.PLAN_IMPORT_DONE_EXISTING.format(count=result.existing))
    if result.left_out:
        extra.append(messages.render(messages.PLAN_IMPORT_DONE_LEFT,
                                     refs=", ".join(t.parsed.ref for t in result.left_out)))
    skipped = [name for name, codes in decisions.mappings.items() if not codes]
    skipped += list(result.unknown)
    if skipped:
        extra.append(messages.render(messages.PLAN_IMPORT_DONE_SKIPPED, names=", ".join(skipped)))
    if result.created:
        extra.append(messages.PLAN_IMPORT_DONE_NOTICES.format(count=queued) if queued
                     else messages.PLAN_IMPORT_DONE_NO_NOTICES)
    await ctx.replier.send_text(messages.PLAN_IMPORT_DONE.format(
        count=len(result.created), plan=messages.esc(importer.plan_label(result.plan)),
        extra="".join(extra)))
