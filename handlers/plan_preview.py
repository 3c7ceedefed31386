"""The /nhapkehoach preview as text: the plan's heading, each task's meaning, what the
reader is unsure of, and the unit names still to map."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from plans import importer
from plans.importer import Decisions, ImportPreview
from plans.matching import name_key
from plans.parser import ParsedPlan
from plans.review import review
from texts import messages
from texts import ocr as ocr_texts

PREVIEW_LINES = 12


def task_meaning(task: importer.PlannedTask, plan: ParsedPlan) -> str:
    """What the task's deadline means, as plain text (callers escape it)."""
    deadline = task.parsed.deadline
    if deadline is None:
        return messages.PLAN_WHEN_NONE
    if deadline.kind == "once" and deadline.due:
        return messages.PLAN_WHEN_ONCE.format(due=messages.fmt_date(deadline.due))
    if deadline.kind == "ongoing":
        return messages.PLAN_WHEN_ONGOING
    described = deadline.to_json(plan.deadline_reference, 1)
    upcoming = described.get("next") or []
    text = str(described.get("text") or task.parsed.deadline_text or "")
    # A short month moves "ngày 30" to its last day: the preview says so.
    note = messages.moved_dues_note(deadline.moved_dues(plan.deadline_reference), shown=1)
    if upcoming:
        first = date.fromisoformat(str(upcoming[0]))
        meaning = messages.PLAN_WHEN_RECURRING.format(text=text, due=messages.fmt_date(first))
    else:
        meaning = messages.PLAN_WHEN_RECURRING_PLAIN.format(text=text)
    return f"{meaning} {note}" if note else meaning


def _heading(plan: ParsedPlan) -> str:
    heading = plan.kind
    if plan.number:
        heading += messages.PLAN_HEADING_NUMBER.format(number=plan.number)
    if plan.date:
        heading += messages.PLAN_HEADING_DATE.format(date=messages.fmt_date(plan.date))
    return heading


def _review_lines(plan: ParsedPlan, today: date) -> list[str]:
    """Unsure items and past deadlines, so the admin checks them before confirming."""
    found = review(plan, today)
    lines: list[str] = []
    if found.date_guessed:
        lines += ["", messages.PLAN_REVIEW_DATE_QUESTION]
    if not (found.no_unit or found.unread or found.past_due):
        return lines
    lines.append(messages.PLAN_REVIEW_HEADER)
    if found.no_unit:
        lines.append(messages.render(messages.PLAN_REVIEW_NO_UNIT, count=len(found.no_unit),
                                     refs=_some(found.no_unit)))
    if found.unread:
        items = [messages.render(messages.PLAN_REVIEW_UNREAD_ITEM, ref=ref, text=text)
                 for ref, text in found.unread]
        lines.append(messages.PLAN_REVIEW_UNREAD.format(count=len(items), items=_some(items)))
    if found.past_due and not found.date_guessed:
        items = [messages.render(messages.PLAN_REVIEW_PAST_DUE_ITEM, ref=ref,
                                 due=messages.fmt_date(due)) for ref, due in found.past_due]
        lines.append(messages.PLAN_REVIEW_PAST_DUE.format(count=len(items), items=_some(items)))
    return lines


def _some(items: list[str]) -> str:
    shown = ", ".join(items[:PREVIEW_LINES])
    return shown + (", …" if len(items) > PREVIEW_LINES else "")


def render_preview(
    plan: ParsedPlan, preview: ImportPreview, data: dict[str, Any], today: date | None = None
) -> str:
    lines = [messages.render(
        messages.PLAN_PREVIEW_HEADER, heading=_heading(plan), title=plan.title,
        count=len(plan.tasks), file=str(data.get("file") or plan.source_name or ""))]
    if preview.existing_plan_id is not None:
        lines.append(messages.PLAN_PREVIEW_ALREADY.format(existing=preview.existing_task_count))
    if plan.ocr:
        # Read from a scan: any word may be misread, and the officer is told before confirming.
        lines += ["", ocr_texts.PREVIEW_OCR.format(count=len(plan.tasks))]

    per_unit = preview.per_unit
    if per_unit:
        lines += ["", messages.PLAN_PREVIEW_UNITS_HEADER.format(
            count=preview.new_task_count, units=len(per_unit))]
        for unit, count in per_unit[:PREVIEW_LINES]:
            lines.append(messages.render(
                messages.PLAN_PREVIEW_UNIT_LINE, unit=unit.name, code=unit.code, count=count,
                new=messages.PLAN_PREVIEW_UNIT_NEW if unit.id is None else ""))
        if len(per_unit) > PREVIEW_LINES:
            lines.append(messages.PLAN_PREVIEW_MORE.format(count=len(per_unit) - PREVIEW_LINES))
    elif preview.existing_plan_id is not None:
        lines += ["", messages.PLAN_PREVIEW_NOTHING_NEW]

    groups: Counter[tuple[str, str]] = Counter()
    for task in preview.tasks:
        if task.parsed.deadline is not None and task.parsed.deadline.kind != "recurring":
            groups[(task.parsed.deadline_text or "", task_meaning(task, plan))] += 1
    if groups:
        lines += ["", messages.PLAN_PREVIEW_DEADLINES_HEADER]
        for (text, meaning), count in groups.most_common(PREVIEW_LINES):
            lines.append(messages.render(messages.PLAN_PREVIEW_DEADLINE_LINE,
                                         text=text, meaning=meaning, count=count))
        if len(groups) > PREVIEW_LINES:
            lines.append(messages.PLAN_PREVIEW_MORE.format(count=len(groups) - PREVIEW_LINES))
    if preview.recurring:
        lines += ["", messages.PLAN_PREVIEW_RECURRING_HEADER.format(count=len(preview.recurring))]
        for task in preview.recurring[:PREVIEW_LINES]:
            lines.append(messages.render(messages.PLAN_PREVIEW_RECURRING_LINE,
                                         ref=task.parsed.ref, text=task_meaning(task, plan)))
        if len(preview.recurring) > PREVIEW_LINES:
            lines.append(messages.PLAN_PREVIEW_MORE.format(
                count=len(preview.recurring) - PREVIEW_LINES))
    # Past due dates keep the plan's real date; the admin sees them before confirming.
    past = [task for task in preview.tasks if today is not None and task.parsed.deadline
            is not None and task.parsed.deadline.kind == "once"
            and task.parsed.deadline.due is not None and task.parsed.deadline.due < today]
    if past:
        refs = ", ".join(task.parsed.ref for task in past[:PREVIEW_LINES])
        if len(past) > PREVIEW_LINES:
            refs += ", …"
        lines += ["", messages.render(messages.PLAN_PREVIEW_PAST, count=len(past), refs=refs)]
    if preview.undated:
        refs = ", ".join(task.parsed.ref for task in preview.undated[:PREVIEW_LINES])
        if len(preview.undated) > PREVIEW_LINES:
            refs += ", …"
        lines += ["", messages.render(messages.PLAN_PREVIEW_UNDATED,
                                      count=len(preview.undated), refs=refs)]

    names: list[str] = list(data.get("names") or [])
    decisions = Decisions.from_state(data.get("decisions"))
    open_names = [(i, n) for i, n in enumerate(names, 1) if not decisions.decided(n)]
    done_names = [(i, n) for i, n in enumerate(names, 1) if decisions.decided(n)]
    if open_names:
        lines += ["", messages.PLAN_PREVIEW_UNKNOWN_HEADER.format(count=len(open_names))]
        for index, name in open_names:
            hints = [unit.code for unit in preview.suggestions.get(name, [])]
            hint = messages.render(messages.PLAN_PREVIEW_UNKNOWN_HINT,
                                   codes=", ".join(hints)) if hints else ""
            lines.append(messages.render(messages.PLAN_PREVIEW_UNKNOWN_LINE, index=index,
                                         name=name, tasks=tasks_naming(plan, name)) + hint)
        lines.append(messages.PLAN_PREVIEW_HELP)
    if done_names:
        lines += ["", messages.PLAN_PREVIEW_DECIDED_HEADER]
        for index, name in done_names:
            lines.append(messages.render(messages.PLAN_PREVIEW_DECIDED_LINE, index=index,
                                         name=name, target=_target(decisions, name)))
    if preview.default_lead is not None:
        lines.append(messages.render(messages.PLAN_PREVIEW_DEFAULT_LEAD,
                                     unit=preview.default_lead.name))
    if preview.left_out:
        refs = ", ".join(task.parsed.ref for task in preview.left_out[:PREVIEW_LINES])
        if len(preview.left_out) > PREVIEW_LINES:
            refs += ", …"
        lines += ["", messages.render(messages.PLAN_PREVIEW_LEFT_OUT,
                                      count=len(preview.left_out), refs=refs)]
    if today is not None:
        lines += _review_lines(plan, today)
    return "\n".join(lines)


def _target(decisions: Decisions, name: str) -> str:
    if name in decisions.create:
        return messages.PLAN_PREVIEW_TARGET_NEW.format(code=decisions.create[name].code)
    codes = decisions.mappings.get(name, [])
    return ", ".join(codes) if codes else messages.PLAN_PREVIEW_TARGET_SKIP


def tasks_naming(plan: ParsedPlan, name: str) -> int:
    key = name_key(name)
    return sum(
        1 for task in plan.tasks if any(name_key(n) == key for n in (*task.lead, *task.support))
    )
