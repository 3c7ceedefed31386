"""Precision and recall of the plan parser against the hand-written golden expectations.

    .venv/bin/python bench/plan_accuracy.py            # the three sample plans, .txt
    .venv/bin/python bench/plan_accuracy.py --formats txt,docx,pdf -v

Each plan in tests/golden/plan_*.json names its source document (tests/golden/sources/).
With --formats the same document is also turned into .docx and .pdf first (as the tests do)
and read from those. --min 0.9 exits 1 when any overall figure is below it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plans.golden import PlanScore, Score, load_golden, score_plan
from plans.parser import read_plan

GOLDEN_DIR = ROOT / "tests" / "golden"


def _document_bytes(source: Path, fmt: str) -> tuple[bytes, str]:
    text = source.read_text(encoding="utf-8")
    if fmt == "txt":
        return text.encode("utf-8"), source.name
    from tests.plan_builders import text_to_docx, text_to_pdf

    if fmt == "docx":
        return text_to_docx(text), source.with_suffix(".docx").name
    if fmt == "pdf":
        return text_to_pdf(text), source.with_suffix(".pdf").name
    raise SystemExit(f"unknown format {fmt!r}")


def _fmt(score: Score) -> str:
    return (
        f"P={score.precision:.3f} R={score.recall:.3f} "
        f"({score.correct}/{score.predicted} found, {score.expected} expected)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", default="txt", help="comma list of txt, docx, pdf")
    parser.add_argument("--min", type=float, default=None, help="fail below this figure")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every disagreement")
    args = parser.parse_args(argv)

    goldens = sorted(GOLDEN_DIR.glob("plan_*.json"))
    if not goldens:
        print("no golden files in", GOLDEN_DIR)
        return 2
    reader_present = True
    try:
        import timelang.deadlines  # noqa: F401
    except ImportError:
        reader_present = False
        print("note: scheduler/deadlines.py is missing; every deadline reads as null")

    worst = 1.0
    for fmt in args.formats.split(","):
        totals = {name: Score() for name in ("tasks", "lead", "support", "deadlines")}
        print(f"\n=== format: {fmt} ===")
        for path in goldens:
            golden = load_golden(path)
            source = GOLDEN_DIR / "sources" / golden["source"]
            data, name = _document_bytes(source, fmt)
            started = time.perf_counter()
            plan = read_plan(data, name)
            elapsed = time.perf_counter() - started
            result: PlanScore = score_plan(golden, plan.to_json())
            print(f"\n{path.name} ({golden['source']}, {elapsed * 1000:.0f} ms)")
            print(f"  tasks     {_fmt(result.tasks)}; refs equal {result.refs_equal}/{result.tasks.correct}")
            print(f"  lead      {_fmt(result.lead)}")
            print(f"  support   {_fmt(result.support)}")
            print(f"  deadlines {_fmt(result.deadlines)}")
            if result.first_due_checked:
                print(f"            recurring first due date agrees "
                      f"{result.first_due_equal}/{result.first_due_checked}")
            header = ", ".join(f"{k}={'ok' if ok else 'WRONG'}" for k, ok in result.header_fields.items())
            print(f"  header    {header}")
            if args.verbose:
                for label, items in (
                    ("missed", result.missed),
                    ("extra", result.extra),
                    ("lead", result.lead_mismatches),
                    ("deadline", result.deadline_mismatches),
                ):
                    for item in items:
                        print(f"    {label}: {item}")
            totals["tasks"].add(result.tasks)
            totals["lead"].add(result.lead)
            totals["support"].add(result.support)
            totals["deadlines"].add(result.deadlines)
        print(f"\noverall ({fmt}):")
        for name, score in totals.items():
            print(f"  {name:9} {_fmt(score)}")
            if name != "support":
                worst = min(worst, score.precision, score.recall)
    if not reader_present:
        print("\n(deadline figures are meaningless until scheduler/deadlines.py exists)")
    if args.min is not None and worst < args.min:
        print(f"\nFAIL: lowest figure {worst:.3f} < {args.min}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
