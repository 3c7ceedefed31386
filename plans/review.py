"""What the reader of a parsed plan must check before importing it.

The parser marks what it could not settle on each task (`ParsedTask.unsure`): no unit found,
a deadline phrase it could not read, a plan date it had to guess. `review` gathers those, plus
the tasks whose due date is already past, for the chat preview and the CLI. A plan whose date
could not be read is not counted from today: `with_plan_date` re-reads every deadline from the
day the admin gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from plans.plan_deadlines import _phrase_candidates, is_open_start, read_deadline
from plans.plan_model import ParsedPlan, ParsedTask

NO_UNIT = "no_unit"
DEADLINE_UNREAD = "deadline_unread"
DATE_GUESSED = "date_guessed"


@dataclass
class PlanReview:
    no_unit: list[str] = field(default_factory=list)  # refs
    unread: list[tuple[str, str]] = field(default_factory=list)  # (ref, phrase as written)
    date_guessed: bool = False
    past_due: list[tuple[str, date]] = field(default_factory=list)  # (ref, due)

    @property
    def anything(self) -> bool:
        return bool(self.no_unit or self.unread or self.date_guessed or self.past_due)

    def to_json(self) -> dict[str, Any]:
        return {
            "no_unit": list(self.no_unit),
            "deadline_unread": [{"ref": ref, "text": text} for ref, text in self.unread],
            "date_guessed": self.date_guessed,
            "past_due": [{"ref": ref, "due": due.isoformat()} for ref, due in self.past_due],
        }


def review(plan: ParsedPlan, today: date) -> PlanReview:
    found = PlanReview()
    for task in plan.tasks:
        if NO_UNIT in task.unsure:
            found.no_unit.append(task.ref)
        if DEADLINE_UNREAD in task.unsure:
            found.unread.append((task.ref, task.deadline_text or ""))
        if DATE_GUESSED in task.unsure:
            found.date_guessed = True
        deadline = task.deadline
        due = getattr(deadline, "due", None) if deadline is not None else None
        if deadline is not None and deadline.kind == "once" and isinstance(due, date) and due < today:
            found.past_due.append((task.ref, due))
    if not plan.tasks and plan.date is None and plan.reference_date is None:
        found.date_guessed = True
    return found


def needs_date(plan: ParsedPlan) -> bool:
    """True while the plan's date is unknown and its deadlines count from a guessed day."""
    return any(DATE_GUESSED in task.unsure for task in plan.tasks)


def with_plan_date(plan: ParsedPlan, day: date, calendar: Any = None) -> ParsedPlan:
    """The plan with its deadlines read again from `day` (the date the admin gave)."""
    tasks: list[ParsedTask] = []
    for task in plan.tasks:
        unsure = [flag for flag in task.unsure if flag not in (DATE_GUESSED, DEADLINE_UNREAD)]
        deadline = task.deadline
        error = task.deadline_error
        text = task.deadline_text
        if text and not is_open_start(text):
            deadline, error = read_deadline(_phrase_candidates(text), day, calendar)
            if deadline is None:
                unsure.append(DEADLINE_UNREAD)
        tasks.append(replace(task, deadline=deadline, deadline_error=error, unsure=unsure))
    return replace(plan, tasks=tasks, reference_date=day)
