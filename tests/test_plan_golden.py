"""The parser against the hand-written golden expectations, and its speed.

The same figures, with every disagreement listed, come from `bench/plan_accuracy.py -v`;
the timings from `bench/plan_speed.py`.
"""

from __future__ import annotations

import pytest

from plans.parser import read_plan
from tests.golden_score import Score, load_golden, score_plan
from tests.plan_builders import GOLDEN_DIR, long_plan_text, sample_text, text_to_docx, text_to_pdf

TARGET = 0.9
KEYS = {"000": "plan_000.json", "002": "plan_002.json", "004": "plan_004.json"}


def _totals() -> dict[str, Score]:
    totals = {name: Score() for name in ("tasks", "lead", "deadlines")}
    for key, golden_name in KEYS.items():
        golden = load_golden(GOLDEN_DIR / golden_name)
        parsed = read_plan(sample_text(key).encode("utf-8"), golden["source"]).to_json()
        result = score_plan(golden, parsed)
        totals["tasks"].add(result.tasks)
        totals["lead"].add(result.lead)
        totals["deadlines"].add(result.deadlines)
    return totals


def test_golden_files_are_complete() -> None:
    for golden_name in KEYS.values():
        golden = load_golden(GOLDEN_DIR / golden_name)
        assert (GOLDEN_DIR / "sources" / golden["source"]).exists()
        refs = [task["ref"] for task in golden["tasks"]]
        assert len(refs) == len(set(refs)), golden_name
        for task in golden["tasks"]:
            assert {"ref", "title_start", "lead", "support", "deadline"} <= task.keys()


@pytest.mark.parametrize("figure", ["tasks", "lead"])
def test_tasks_and_lead_units_reach_the_target(figure: str) -> None:
    score = _totals()[figure]
    assert score.precision >= TARGET and score.recall >= TARGET, score


def test_deadlines_reach_the_target() -> None:
    pytest.importorskip("timelang.deadlines", reason="the deadline reader is not there yet")
    score = _totals()["deadlines"]
    assert score.precision >= TARGET and score.recall >= TARGET, score


@pytest.mark.parametrize(
    ("fmt", "pages"),
    [("txt", 100), ("docx", 100), ("pdf", 70)],  # 70 pages of text set as 101 PDF pages
)
def test_a_100_page_plan_is_read_whole(fmt: str, pages: int) -> None:
    """Its speed (≤ 5 s) is measured by bench/plan_speed.py, not asserted here: a timed test
    fails whenever the machine is busy."""
    text = long_plan_text(pages)
    data = {
        "txt": lambda: text.encode("utf-8"),
        "docx": lambda: text_to_docx(text),
        "pdf": lambda: text_to_pdf(text),
    }[fmt]()
    plan = read_plan(data, f"dai.{fmt}")
    assert len(plan.tasks) > 500
    assert plan.number is not None
