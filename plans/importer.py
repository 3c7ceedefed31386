"""From a parsed plan to units' tasks in the database: a preview first, then the import.

The preview says what an import would do: how many tasks each unit gets, which deadlines
are recurring or missing, which unit names are unknown. The admin's decisions about unknown
names (map to a unit, create a unit, skip) travel with it as `Decisions`.

The import writes everything or nothing: it only flushes, and the caller's unit of work
(the chat router, the CLI command) commits once. A plan is recognised again by its
fingerprint (number and date, or content): importing it twice creates no duplicate, and
importing it again after mapping more names adds only the tasks still missing. A task names
one lead unit in the database, so a plan task led by several units (or by "UBND các xã")
becomes one task per unit; since refs are unique within a plan, those carry the unit's code
after the plan's number ("II.1-1 [XALD]"), while a task with one lead keeps it bare.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import services
from db.models import Plan, Task, Unit, UnitAlias
from plans.matching import KnownUnit, MatchResult, UnitMatcher, canonical_words, name_key
from plans.parser import ParsedPlan, ParsedTask
from plans.text import fold
from texts import messages
from timelang.deadlines import Deadline, parse_deadline
from timelang.words import shorten

if TYPE_CHECKING:
    from timelang.calendar import WorkingCalendar

# Tasks whose plan gives no readable time are followed as ongoing duties until the admin
# sets a deadline; the preview says how many.
ONGOING_PHRASE = "thường xuyên"
NOTICE_TASK_LINES = 15


class PlanImportError(ValueError):
    """A decision that cannot be applied (a code that does not exist …); Vietnamese text."""


@dataclass(frozen=True)
class NewUnit:
    code: str
    name: str
    parent_code: str | None = None
    kind: str | None = None


@dataclass
class Decisions:
    """The admin's answers about the plan's unit names."""

    mappings: dict[str, list[str]] = field(default_factory=dict)  # name -> codes; [] = skip
    create: dict[str, NewUnit] = field(default_factory=dict)  # name -> unit to create
    default_lead: str | None = None  # unit code for tasks that name no unit

    def to_state(self) -> dict[str, Any]:
        return {
            "mappings": {name: list(codes) for name, codes in self.mappings.items()},
            "create": {
                name: [unit.code, unit.name, unit.parent_code, unit.kind]
                for name, unit in self.create.items()
            },
            "default_lead": self.default_lead,
        }

    @classmethod
    def from_state(cls, data: dict[str, Any] | None) -> Decisions:
        data = data or {}
        return cls(
            mappings={name: list(codes) for name, codes in (data.get("mappings") or {}).items()},
            create={
                name: NewUnit(*values) for name, values in (data.get("create") or {}).items()
            },
            default_lead=data.get("default_lead"),
        )

    def decided(self, name: str) -> bool:
        key = name_key(name)
        return any(name_key(n) == key for n in (*self.mappings, *self.create))


@dataclass
class PlannedTask:
    parsed: ParsedTask
    lead_units: list[KnownUnit]
    support_units: list[KnownUnit]
    deadline: Deadline | None
    deadline_note: str | None  # why the plan's own deadline is not used, if it is not
    unresolved_leads: list[str]
    new_codes: list[str]  # lead unit codes that would get a new task


@dataclass
class ImportPreview:
    plan: ParsedPlan
    fingerprint: str
    existing_plan_id: int | None
    tasks: list[PlannedTask]
    unknown: list[str]
    suggestions: dict[str, list[KnownUnit]]
    skipped: list[str]
    units_to_create: list[NewUnit]
    default_lead: KnownUnit | None

    @property
    def per_unit(self) -> list[tuple[KnownUnit, int]]:
        counts: Counter[str] = Counter()
        units: dict[str, KnownUnit] = {}
        for task in self.tasks:
            for unit in task.lead_units:
                if unit.code in task.new_codes:
                    counts[unit.code] += 1
                    units[unit.code] = unit
        return sorted(
            ((units[code], count) for code, count in counts.items()),
            key=lambda pair: (-pair[1], fold(pair[0].name)),
        )

    @property
    def new_task_count(self) -> int:
        return sum(len(task.new_codes) for task in self.tasks)

    @property
    def existing_task_count(self) -> int:
        return sum(
            1
            for task in self.tasks
            for unit in task.lead_units
            if unit.code not in task.new_codes
        )

    @property
    def left_out(self) -> list[PlannedTask]:
        """Plan tasks that would create nothing: no known lead unit."""
        return [task for task in self.tasks if not task.lead_units]

    @property
    def recurring(self) -> list[PlannedTask]:
        return [t for t in self.tasks if t.deadline is not None and t.deadline.kind == "recurring"]

    @property
    def undated(self) -> list[PlannedTask]:
        return [task for task in self.tasks if task.deadline_note is not None]

    def to_json(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "already_imported": self.existing_plan_id is not None,
            "tasks_in_plan": len(self.tasks),
            "new_tasks": self.new_task_count,
            "existing_tasks": self.existing_task_count,
            "per_unit": [
                {"code": unit.code, "name": unit.name, "new_tasks": count}
                for unit, count in self.per_unit
            ],
            "recurring": [
                {"ref": task.parsed.ref, "deadline_text": task.parsed.deadline_text}
                for task in self.recurring
            ],
            "undated": [
                {"ref": task.parsed.ref, "deadline_text": task.parsed.deadline_text,
                 "note": task.deadline_note}
                for task in self.undated
            ],
            "unknown_units": [
                {"name": name, "suggestions": [u.code for u in self.suggestions.get(name, [])]}
                for name in self.unknown
            ],
            "skipped_units": list(self.skipped),
            "units_to_create": [
                {"code": u.code, "name": u.name, "parent": u.parent_code, "kind": u.kind}
                for u in self.units_to_create
            ],
            "left_out": [task.parsed.ref for task in self.left_out],
        }


@dataclass
class ImportResult:
    plan: Plan
    created: list[Task]
    existing: int
    created_units: list[Unit]
    left_out: list[PlannedTask]
    unknown: list[str]

    def by_unit(self) -> dict[int, list[Task]]:
        grouped: dict[int, list[Task]] = {}
        for task in self.created:
            grouped.setdefault(task.lead_unit_id, []).append(task)
        return grouped


# --- reading the database ------------------------------------------------------------------


def known_units(session: Session) -> list[KnownUnit]:
    units = services.all_units(session)
    codes = {unit.id: unit.code for unit in units}
    return [
        KnownUnit(
            unit.id,
            unit.code,
            unit.name,
            tuple(alias.alias for alias in unit.aliases),
            codes.get(unit.parent_id) if unit.parent_id else None,
            unit.kind,
        )
        for unit in units
    ]


def find_plan(session: Session, fingerprint: str) -> Plan | None:
    return session.scalar(select(Plan).where(Plan.fingerprint == fingerprint))


def suggest_code(name: str, taken: Iterable[str]) -> str:
    """A short unit code from a name: "Công an phường" -> "CAP", unique among `taken`."""
    words = canonical_words(name) or ["DV"]
    base = "".join(word[0] for word in words if word).upper()[:10] or "DV"
    if len(base) < 2:
        base = (words[0][:4]).upper()
    taken_upper = {code.upper() for code in taken}
    code = base
    number = 2
    while code in taken_upper:
        code = f"{base}{number}"
        number += 1
    return code


def guess_kind(name: str) -> str | None:
    words = canonical_words(name)
    if words[:2] in (["ubnd", "xa"], ["ubnd", "phuong"]) or words[:1] in (["xa"], ["phuong"]):
        return "xa"
    if words[:3] == ["ubnd", "thi", "tran"]:
        return "thi tran"
    if words[:1] == ["phong"]:
        return "phong"
    return None


# --- preview -------------------------------------------------------------------------------


def _ongoing(reference: date) -> Deadline | None:
    return parse_deadline(ONGOING_PHRASE, reference)


def preview_import(
    session: Session, plan: ParsedPlan, decisions: Decisions | None = None
) -> ImportPreview:
    decisions = decisions or Decisions()
    units = known_units(session)
    by_code = {unit.code.upper(): unit for unit in units}
    planned_new = [
        KnownUnit(None, new.code.upper(), new.name, (), new.parent_code, new.kind)
        for new in decisions.create.values()
    ]
    mappings = {name: list(codes) for name, codes in decisions.mappings.items()}
    for name, new in decisions.create.items():
        mappings[name] = [new.code.upper()]
    for codes in mappings.values():
        for code in codes:
            if code.upper() not in by_code and code.upper() not in {u.code for u in planned_new}:
                raise PlanImportError(f"Không có đơn vị mã «{code}».")
    matcher = UnitMatcher(units + planned_new, mappings)
    names = [name for task in plan.tasks for name in (*task.lead, *task.support)]
    matched: MatchResult = matcher.match_all(names)
    default_lead = None
    if decisions.default_lead:
        default_lead = by_code.get(decisions.default_lead.upper())
        if default_lead is None:
            raise PlanImportError(f"Không có đơn vị mã «{decisions.default_lead}».")

    fingerprint = plan.fingerprint()
    existing = find_plan(session, fingerprint)
    existing_keys: set[tuple[str, str]] = set()
    if existing is not None:
        for ref, code in session.execute(
            select(Task.ref, Unit.code).join(Unit, Task.lead_unit_id == Unit.id).where(
                Task.plan_id == existing.id
            )
        ):
            existing_keys.add((base_ref(ref or ""), code.upper()))

    reference = plan.deadline_reference
    fallback = _ongoing(reference)
    planned: list[PlannedTask] = []
    for task in plan.tasks:
        leads = _units_of(task.lead, matched)
        if not task.lead and default_lead is not None:
            leads = [default_lead]
        lead_codes = {unit.code for unit in leads}
        supports = [u for u in _units_of(task.support, matched) if u.code not in lead_codes]
        unknown_keys = {name_key(name) for name in matched.unknown}
        unresolved = [name for name in task.lead if name_key(name) in unknown_keys]
        deadline = task.deadline
        note = None
        if deadline is None:
            note = "chưa đọc được thời hạn" if task.deadline_text else "kế hoạch không ghi thời hạn"
            deadline = fallback
        new_codes = [unit.code for unit in leads if (task.ref, unit.code.upper()) not in existing_keys]
        planned.append(
            PlannedTask(task, leads, supports, deadline, note, unresolved, new_codes)
        )
    skipped = [name for name, found in matched.matches.items() if found.method == "ignored"]
    return ImportPreview(
        plan=plan,
        fingerprint=fingerprint,
        existing_plan_id=existing.id if existing else None,
        tasks=planned,
        unknown=list(matched.unknown),
        suggestions=dict(matched.suggestions),
        skipped=skipped,
        units_to_create=list(decisions.create.values()),
        default_lead=default_lead,
    )


_UNIT_TAG = re.compile(r" \[[^\]]+\]$")


def base_ref(ref: str) -> str:
    """The plan's own number of a task row: "II.1-1 [XALD]" -> "II.1-1"."""
    return _UNIT_TAG.sub("", ref)


def row_ref(ref: str, code: str, lead_count: int, used: set[str]) -> str:
    """A task row's ref. The database keeps refs unique within a plan, while a plan task led
    by several units becomes one row per unit; those rows carry the unit's code:
    "II.1-1 [XALD]". A task with a single lead keeps the plan's number as it is."""
    ref = ref[:48]
    candidate = ref if lead_count == 1 and ref not in used else f"{ref} [{code}]"
    number = 2
    while candidate in used:
        candidate = f"{ref} [{code}] ({number})"
        number += 1
    used.add(candidate)
    return candidate[:64]


def _units_of(names: Sequence[str], matched: MatchResult) -> list[KnownUnit]:
    units: list[KnownUnit] = []
    seen: set[str] = set()
    for name in names:
        for unit in matched.units_for(name):
            if unit.code not in seen:
                seen.add(unit.code)
                units.append(unit)
    return units


# --- import --------------------------------------------------------------------------------


def _description(task: ParsedTask) -> str | None:
    parts = [part for part in (task.section, task.detail) if part]
    return "\n".join(parts) or None


def import_plan(
    session: Session,
    plan: ParsedPlan,
    decisions: Decisions | None = None,
    *,
    actor: services.Actor | str,
    now: datetime,
    today: date,
    calendar: WorkingCalendar | None = None,
) -> ImportResult:
    """Create the plan's units (as decided), its Plan row and every missing task with its
    periods. Flushes only; the caller commits."""
    decisions = decisions or Decisions()
    preview = preview_import(session, plan, decisions)

    created_units: list[Unit] = []
    for new in decisions.create.values():
        if services.unit_by_code(session, new.code) is not None:
            continue
        parent = services.require_unit(session, new.parent_code) if new.parent_code else None
        created_units.append(
            services.create_unit(
                session, code=new.code, name=new.name, parent=parent, kind=new.kind,
                actor=actor, now=now,
            )
        )
    # Mapped names become aliases, so the next plan that writes them the same way matches.
    for name, codes in decisions.mappings.items():
        if len(codes) == 1:
            unit = services.unit_by_code(session, codes[0])
            if unit is not None and fold(name) not in {fold(a.alias) for a in unit.aliases} and (
                fold(name) != fold(unit.name)
            ):

                unit.aliases.append(UnitAlias(alias=name.strip()))

    plan_row = session.get(Plan, preview.existing_plan_id) if preview.existing_plan_id else None
    if plan_row is None:
        plan_row = Plan(
            kind=plan.kind,
            number=plan.number,
            issued_on=plan.date,
            place=plan.place,
            title=plan.title,
            source_name=plan.source_name,
            fingerprint=preview.fingerprint,
            imported_by_id=actor.person_id if isinstance(actor, services.Actor) else None,
            created_at=now,
        )
        session.add(plan_row)
        session.flush()

    rows: dict[str, Unit] = {}

    def unit_row(code: str) -> Unit:
        if code not in rows:
            rows[code] = services.require_unit(session, code)
        return rows[code]

    used_refs = {
        ref for ref in session.scalars(select(Task.ref).where(Task.plan_id == plan_row.id)) if ref
    }
    created: list[Task] = []
    for planned in preview.tasks:
        if planned.deadline is None:
            raise PlanImportError("Chưa có bộ đọc thời hạn; không nhập được nhiệm vụ.")
        supports = [unit_row(unit.code) for unit in planned.support_units]
        for code in planned.new_codes:
            ref = row_ref(planned.parsed.ref, code, len(planned.lead_units), used_refs)
            created.append(
                services.create_task(
                    session,
                    title=planned.parsed.title,
                    lead_unit=unit_row(code),
                    deadline=planned.deadline,
                    actor=actor,
                    now=now,
                    today=today,
                    support_units=supports,
                    description=_description(planned.parsed),
                    plan=plan_row,
                    ref=ref,
                    calendar=calendar,
                )
            )
    services.audit(
        session, actor=actor, action="plan.import", entity="plan", entity_id=plan_row.id,
        now=now, number=plan.number, fingerprint=preview.fingerprint, created=len(created),
        existing=preview.existing_task_count, unknown=preview.unknown,
        left_out=[task.parsed.ref for task in preview.left_out],
    )
    return ImportResult(
        plan=plan_row,
        created=created,
        existing=preview.existing_task_count,
        created_units=created_units,
        left_out=preview.left_out,
        unknown=preview.unknown,
    )


# --- telling the units ---------------------------------------------------------------------


def plan_label(plan: Plan) -> str:
    kind = (plan.kind or "Kế hoạch").capitalize()
    if plan.number:
        return f"{kind} số {plan.number}"
    return f"{kind} «{plan.title[:80]}»"


def queue_unit_notices(
    session: Session, result: ImportResult, *, now: datetime, reference: date
) -> int:
    """One message per unit listing its new tasks, through the unit's bound groups or else
    each member's private chat (as `handlers.notify.notify_unit` does). Returns how many
    messages were queued."""

    queued = 0
    for unit_id, tasks in result.by_unit().items():
        unit = session.get(Unit, unit_id)
        if unit is None:
            continue
        lines = [
            messages.render(
                messages.PLAN_NOTICE_HEADER,
                unit=unit.name, count=len(tasks), plan=plan_label(result.plan),
            )
        ]
        for task in tasks[:NOTICE_TASK_LINES]:
            lines.append(
                messages.render(
                    messages.PLAN_NOTICE_LINE,
                    task_id=task.id, ref=task.ref or "", title=shorten(task.title, 140),
                    when=deadline_phrase(task, reference),
                )
            )
        if len(tasks) > NOTICE_TASK_LINES:
            lines.append(messages.PLAN_NOTICE_MORE.format(count=len(tasks) - NOTICE_TASK_LINES))
        lines.append(messages.PLAN_NOTICE_FOOTER)
        text = "\n".join(lines)
        key = f"plan:{result.plan.id}:unit:{unit.id}:{min(t.id for t in tasks)}"
        task_ids = [task.id for task in tasks]
        queued += services.enqueue_to_unit(session, unit_id=unit.id, text=text,
                                           kind="plan_import", key=key, now=now,
                                           task_ids=task_ids)
    return queued


def deadline_phrase(task: Task, reference: date) -> str:
    """"hạn 31/12/2024", "định kỳ: …, kỳ đầu …", "thường xuyên", as plain text."""

    if task.schedule_kind == "ongoing":
        return messages.PLAN_WHEN_ONGOING
    due = min((o.due_date for o in task.occurrences if o.due_date), default=None)
    if task.schedule_kind == "recurring":
        if due is None:
            return messages.PLAN_WHEN_RECURRING_PLAIN.format(text=task.deadline_text or "")
        return messages.PLAN_WHEN_RECURRING.format(
            text=task.deadline_text or "", due=messages.fmt_date(due))
    return messages.PLAN_WHEN_ONCE.format(due=messages.fmt_date(due or reference))
