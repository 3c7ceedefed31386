"""Score a parsed plan against hand-written expectations (tests/golden/plan_*.json).

A golden task is found when a parsed task's title starts with the golden `title_start`
(accents, case and punctuation ignored); among several candidates the one with the same ref
wins. Then, over the whole plan:
- tasks: precision = found / parsed, recall = found / expected;
- lead units: pairs (task, unit), compared by accent-free spelling;
- deadlines: pairs (task, deadline) for tasks that have one; a pair agrees when the kind is
  the same and, for "once", the due date, for "recurring", the presence of an RRULE.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plans.text import fold_words


def _key(text: str) -> str:
    return " ".join(fold_words(text))


def _unit_key(name: str) -> str:
    return "".join(fold_words(name))


@dataclass
class Score:
    expected: int = 0
    predicted: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0

    def add(self, other: Score) -> None:
        self.expected += other.expected
        self.predicted += other.predicted
        self.correct += other.correct


@dataclass
class PlanScore:
    name: str
    tasks: Score = field(default_factory=Score)
    lead: Score = field(default_factory=Score)
    support: Score = field(default_factory=Score)
    deadlines: Score = field(default_factory=Score)
    refs_equal: int = 0
    header_fields: dict[str, bool] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    deadline_mismatches: list[str] = field(default_factory=list)
    # Recurring duties whose golden file gives the first due date: how many agree.
    first_due_checked: int = 0
    first_due_equal: int = 0
    lead_mismatches: list[str] = field(default_factory=list)


def load_golden(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _deadline_agrees(expected: dict[str, Any], actual: dict[str, Any] | None) -> bool:
    if actual is None or actual.get("kind") != expected.get("kind"):
        return False
    if expected["kind"] == "once":
        return actual.get("due") == expected.get("due")
    if expected["kind"] == "recurring":
        return bool(actual.get("rrule"))
    return True


def match_tasks(golden_tasks: list[dict[str, Any]], parsed_tasks: list[dict[str, Any]]) -> dict[int, int]:
    """golden index -> parsed index."""
    used: set[int] = set()
    pairs: dict[int, int] = {}
    parsed_titles = [_key(task["title"]) for task in parsed_tasks]
    for golden_index, expected in enumerate(golden_tasks):
        start = _key(expected["title_start"])
        candidates = [
            index
            for index, title in enumerate(parsed_titles)
            if index not in used and title.startswith(start)
        ]
        if not candidates:
            continue
        same_ref = [i for i in candidates if parsed_tasks[i]["ref"] == expected["ref"]]
        chosen = same_ref[0] if same_ref else candidates[0]
        used.add(chosen)
        pairs[golden_index] = chosen
    return pairs


def score_plan(golden: dict[str, Any], parsed: dict[str, Any]) -> PlanScore:
    """`parsed` is the `plan parse` JSON."""
    result = PlanScore(golden.get("source", "?"))
    expected_tasks: list[dict[str, Any]] = golden["tasks"]
    parsed_tasks: list[dict[str, Any]] = parsed["tasks"]
    pairs = match_tasks(expected_tasks, parsed_tasks)
    by_parsed = {p: g for g, p in pairs.items()}

    result.tasks = Score(len(expected_tasks), len(parsed_tasks), len(pairs))
    result.refs_equal = sum(
        1 for g, p in pairs.items() if parsed_tasks[p]["ref"] == expected_tasks[g]["ref"]
    )
    result.missed = [
        f"{task['ref']} {task['title_start']}"
        for index, task in enumerate(expected_tasks)
        if index not in pairs
    ]
    result.extra = [
        f"{task['ref']} {task['title'][:60]}"
        for index, task in enumerate(parsed_tasks)
        if index not in by_parsed
    ]

    for role, score in (("lead", result.lead), ("support", result.support)):
        expected_pairs = {
            (g, _unit_key(name)) for g, task in enumerate(expected_tasks) for name in task[role]
        }
        predicted_pairs = {
            (by_parsed.get(p, f"extra{p}"), _unit_key(name))
            for p, task in enumerate(parsed_tasks)
            for name in task[role]
        }
        score.expected = len(expected_pairs)
        score.predicted = len(predicted_pairs)
        score.correct = len(expected_pairs & predicted_pairs)
        if role == "lead":
            for g, p in pairs.items():
                want = sorted(_unit_key(n) for n in expected_tasks[g]["lead"])
                got = sorted(_unit_key(n) for n in parsed_tasks[p]["lead"])
                if want != got:
                    result.lead_mismatches.append(
                        f"{expected_tasks[g]['ref']}: expected {expected_tasks[g]['lead']}, "
                        f"got {parsed_tasks[p]['lead']}"
                    )

    result.deadlines.expected = sum(1 for task in expected_tasks if task["deadline"])
    result.deadlines.predicted = sum(1 for task in parsed_tasks if task["deadline"])
    for g, p in pairs.items():
        expected = expected_tasks[g]["deadline"]
        actual = parsed_tasks[p]["deadline"]
        if expected and expected.get("first_due") and actual:
            result.first_due_checked += 1
            upcoming = actual.get("next") or []
            result.first_due_equal += bool(upcoming) and upcoming[0] == expected["first_due"]
        if expected and actual and _deadline_agrees(expected, actual):
            result.deadlines.correct += 1
        elif expected or actual:
            shown = (
                {k: actual.get(k) for k in ("kind", "due", "rrule")} if actual else None
            )
            result.deadline_mismatches.append(
                f"{expected_tasks[g]['ref']}: expected {expected}, got {shown} "
                f"from {parsed_tasks[p].get('deadline_text')!r}"
            )

    header = golden.get("plan", {})
    for key in ("kind", "number", "date", "place", "title"):
        if key in header:
            result.header_fields[key] = parsed.get(key) == header[key]
    return result
