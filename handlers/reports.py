"""/baocao: on-time statistics with a spreadsheet and a chart; /hosominhchung: the evidence
dossier as a zip. Platform-neutral: answers go through the replier only.

Who sees what: admins every unit; leaders the units they lead with everything below them,
and the units they belong to; members the units they belong to (figures only of those).
The dossier is for leaders and admins.
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from db import queries, services
from db.models import Unit
from handlers.base import Context, Incoming, OutgoingFile
from handlers.common import UserError, human_size, limit_args, require_unit
from reports import chart, period_report, stats
from reports.periods import (
    Period,
    PeriodError,
    PeriodKind,
    PeriodYearError,
    normalize,
    parse_period,
)
from texts import messages
from timelang.numbers import YEAR_MAX, YEAR_MIN

# Telegram bots may upload files up to 50 MB; keep a margin for the multipart envelope.
MAX_SEND_BYTES = 49 * 1024 * 1024
RANKING_LINES = 10
# The longest period people write («6 thang cuoi nam 2025», «tu 01/01/2026 den 31/03/2026»)
# plus a unit code: more words than this are a mistake, refused before any lookup.
MAX_ARGS = 8
PERIOD_WORDS = frozenset({
    "thang", "quy", "nam", "6thang", "nuanam", "canam", "nay", "truoc", "dau", "cuoi", "tu",
    "den", "ngay", "6", "t", "q",
})


@dataclass(frozen=True)
class Scope:
    unit_ids: set[int] | None  # None: every unit
    label: str


# --- /baocao -------------------------------------------------------------------------------


async def report(msg: Incoming, ctx: Context) -> None:
    if not (ctx.actor.is_admin or ctx.actor.roles):
        raise UserError(messages.NOT_REGISTERED)  # before parsing, so a stranger costs nothing
    unit, period = _arguments(ctx, default="quarter", usage=messages.REPORT_USAGE)
    scope = _report_scope(ctx, unit)
    result = period_report.build_report(ctx.session, period, today=ctx.today, now=ctx.now,
                                tz=ctx.settings.tz, unit_ids=scope.unit_ids)
    await ctx.replier.send_text(summary_text(result, scope.label, ctx))
    totals = result.totals
    if totals.assigned == 0 and totals.late_from_earlier == 0:
        return
    if not ctx.replier.supports_files:
        await ctx.replier.send_text(messages.REPORT_FILES_UNAVAILABLE)
        return
    # openpyxl (and the numpy, lxml and PIL it pulls in) only when a workbook is made: at
    # start-up it cost every process ~40 MiB and a third of a second.
    from reports.xlsx import XLSX_MIME, load_workbook_data, render_workbook

    # The session stays on this thread; building the workbook and drawing the chart take
    # a while for a big report, so they run in a worker while other chats are served.
    data = load_workbook_data(ctx.session, result)
    workbook = await asyncio.to_thread(
        functools.partial(render_workbook, result, data, scope_label=scope.label,
                          tz=ctx.settings.tz, generated_at=ctx.now))
    label = messages.esc(period.label)
    await ctx.replier.send_file(OutgoingFile(
        workbook, f"baocao_{period.slug}.xlsx", XLSX_MIME,
        caption=messages.REPORT_XLSX_CAPTION.format(label=label)))
    png = await asyncio.to_thread(chart.report_chart, result, scope.label)
    await ctx.replier.send_file(OutgoingFile(
        png, f"bieudo_{period.slug}.png", "image/png",
        caption=messages.REPORT_CHART_CAPTION.format(label=label)))


def summary_text(result: stats.Report, scope_label: str, ctx: Context) -> str:
    period = result.period
    lines = [
        messages.REPORT_HEADER.format(label=messages.esc(period.label),
                                      start=messages.fmt_date(period.start),
                                      end=messages.fmt_date(period.end)),
        messages.REPORT_SCOPE.format(scope=messages.esc(scope_label)),
    ]
    if result.frozen and result.closed_at is not None:
        lines.append(messages.REPORT_FROZEN.format(
            day=messages.fmt_date(result.as_of),
            at=messages.fmt_datetime(result.closed_at, ctx.settings.tz)))
    elif result.closed:
        lines.append(messages.REPORT_PAST.format(day=messages.fmt_date(result.as_of)))
    else:
        lines.append(messages.REPORT_LIVE.format(day=messages.fmt_date(result.as_of)))
    lines.append("")
    totals = result.totals
    if totals.assigned == 0:
        lines.append(messages.REPORT_NOTHING_DUE.format(label=messages.esc(period.label)))
    else:
        lines.append(messages.REPORT_TOTALS.format(
            assigned=totals.assigned, done=totals.done, on_time=totals.done_on_time,
            late=totals.done_late, overdue=totals.overdue, in_progress=totals.in_progress))
        if totals.on_time_rate is None:
            lines.append(messages.REPORT_RATE_NONE)
        else:
            lines.append(messages.REPORT_RATE.format(
                rate=stats.format_rate(totals.on_time_rate), on_time=totals.done_on_time,
                fallen=totals.fallen_due))
    if totals.extended:
        lines.append(messages.REPORT_EXTENDED.format(count=totals.extended))
    if totals.late_from_earlier:
        lines.append(messages.REPORT_LATE_EARLIER.format(count=totals.late_from_earlier))
    lines += _ranking_lines(result)
    return "\n".join(lines)


def _ranking_lines(result: stats.Report) -> list[str]:
    group = result.ranked_group()
    if len(group) < 2 or result.totals.assigned == 0:
        return []
    ordered = sorted(group, key=lambda line: (line.rank is None, line.rank or 0, line.code))
    lines = ["", messages.REPORT_RANKING_HEADER]
    for line in ordered[:RANKING_LINES]:
        counts = line.total
        if line.rank is None:
            lines.append(messages.REPORT_UNRANKED_LINE.format(name=messages.esc(line.name)))
            continue
        overdue = messages.REPORT_RANK_OVERDUE.format(count=counts.overdue) if counts.overdue else ""
        lines.append(messages.REPORT_RANK_LINE.format(
            rank=line.rank, name=messages.esc(line.name),
            rate=stats.format_rate(counts.on_time_rate), on_time=counts.done_on_time,
            fallen=counts.fallen_due, overdue=overdue))
    if len(ordered) > RANKING_LINES:
        lines.append(messages.REPORT_MORE_UNITS.format(count=len(ordered) - RANKING_LINES))
    roots = result.roots
    if len(roots) == 1 and roots[0].children and roots[0].own.fallen_due:
        own = roots[0].own
        lines.append(messages.REPORT_DIRECT_LINE.format(
            name=messages.esc(roots[0].name), rate=stats.format_rate(own.on_time_rate),
            on_time=own.done_on_time, fallen=own.fallen_due))
    return lines


def _report_scope(ctx: Context, unit: Unit | None) -> Scope:
    session, actor = ctx.session, ctx.actor
    if actor.is_admin:
        if unit is None:
            return Scope(None, messages.REPORT_SCOPE_ALL)
        return Scope(services.subtree_ids(session, [unit.id]), unit.name)
    if not actor.roles:
        raise UserError(messages.NOT_REGISTERED)
    led = services.led_subtree(session, actor)
    if unit is not None:
        if unit.id in led:
            return Scope(services.subtree_ids(session, [unit.id]), unit.name)
        if unit.id in actor.unit_ids:
            return Scope({unit.id}, unit.name)
        raise UserError(messages.NOT_ALLOWED)
    return _named_scope(ctx, led | actor.unit_ids)


# --- /hosominhchung ------------------------------------------------------------------------


async def evidence_dossier(msg: Incoming, ctx: Context) -> None:
    actor = ctx.actor
    if not (actor.is_admin or actor.is_leader):
        raise UserError(messages.LEADER_ONLY)
    unit, period = _arguments(ctx, default="year", usage=messages.DOSSIER_USAGE)
    if actor.is_admin:
        if unit is None:
            scope = Scope(None, messages.REPORT_SCOPE_ALL)
        else:
            scope = Scope(services.subtree_ids(ctx.session, [unit.id]), unit.name)
    else:
        led = services.led_subtree(ctx.session, actor)
        if unit is not None and unit.id not in led:
            raise UserError(messages.NOT_ALLOWED)
        scope = (Scope(services.subtree_ids(ctx.session, [unit.id]), unit.name) if unit
                 else _named_scope(ctx, led))
    # openpyxl (and what it pulls in) only when a dossier is made, not at start-up.
    from reports import dossier

    plan = dossier.plan_dossier(ctx.session, period, unit_ids=scope.unit_ids, today=ctx.today,
                                tz=ctx.settings.tz, scope_label=scope.label)
    if plan.occurrences == 0 and not plan.entries:
        await ctx.replier.send_text(messages.DOSSIER_EMPTY.format(
            scope=messages.esc(scope.label), label=messages.esc(period.label)))
        return
    if not ctx.replier.supports_files:
        await ctx.replier.send_text(messages.DOSSIER_FILES_UNAVAILABLE)
        return
    if plan.estimated_bytes > MAX_SEND_BYTES:
        raise UserError(messages.DOSSIER_TOO_LARGE.format(
            size=human_size(plan.estimated_bytes), limit=human_size(MAX_SEND_BYTES)))
    data, written = await asyncio.to_thread(functools.partial(
        dossier.dossier_bytes, plan, ctx.evidence_store, tz=ctx.settings.tz,
        generated_at=ctx.now))
    await ctx.replier.send_file(OutgoingFile(
        data, f"hosominhchung_{_slug(scope.label)}_{period.slug}.zip", "application/zip",
        caption=messages.DOSSIER_CAPTION.format(
            scope=messages.esc(scope.label), label=messages.esc(period.label),
            files=written.files, with_evidence=plan.with_evidence,
            occurrences=plan.occurrences)))
    notes = []
    if plan.missing:
        notes.append(messages.DOSSIER_MISSING_EVIDENCE.format(count=len(plan.missing)))
    if written.gone:
        notes.append(messages.DOSSIER_MISSING_FILES.format(count=written.gone))
    if notes:
        await ctx.replier.send_text("\n".join(notes))


# --- shared --------------------------------------------------------------------------------


def _arguments(ctx: Context, *, default: PeriodKind, usage: str) -> tuple[Unit | None, Period]:
    """An optional unit code anywhere among the words; the rest is the period."""
    words = limit_args(ctx, MAX_ARGS, usage)
    candidates = [word for word in words if not _looks_like_period(word)]
    # One query for every word that may be a unit code, not one per word.
    found = queries.units_by_codes(ctx.session, candidates) if candidates else {}
    unit: Unit | None = None
    rest: list[str] = []
    for word in words:
        match = found.get(word.strip().upper()) if unit is None else None
        if match is not None and word in candidates:
            unit = match
        else:
            rest.append(word)
    if unit is None and candidates:
        # No code among the words: a unit's name ("/baocao Phòng Nội vụ quý 1"), offered
        # as a choice when several units answer to it.
        name = " ".join(candidates)
        if services.units_named(ctx.session, name) or services.units_like(ctx.session, name):
            unit = require_unit(ctx.session, name)
            rest = [word for word in words if word not in candidates]
    text = " ".join(rest)
    try:
        period = parse_period(text, ctx.today, default=default)
    except PeriodYearError as error:
        raise UserError(messages.REPORT_BAD_YEAR.format(
            value=messages.esc(error.value), low=YEAR_MIN, high=YEAR_MAX, usage=usage)) from None
    except PeriodError:
        raise UserError(messages.REPORT_BAD_PERIOD.format(
            text=messages.esc(text), usage=usage)) from None
    return unit, period


def _looks_like_period(word: str) -> bool:
    """Words of a period are never taken for a unit code, even if a unit were so named."""
    plain = normalize(word)
    return plain in PERIOD_WORDS or bool(re.fullmatch(r"[\d/.\-–]+|i{1,3}|iv|[iv]+/\d{4}", plain))


def _named_scope(ctx: Context, unit_ids: set[int]) -> Scope:
    tops = _top_units(ctx, unit_ids)
    return Scope(unit_ids, ", ".join(unit.name for unit in tops))


def _top_units(ctx: Context, unit_ids: set[int]) -> Sequence[Unit]:
    units = queries.units_by_id(ctx.session, unit_ids)
    return sorted((u for u in units.values() if u.parent_id not in unit_ids),
                  key=lambda u: u.code)


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in normalize(text)).strip("_")[:40]
