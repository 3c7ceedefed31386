"""Precision and recall of the plan parser against the hand-written golden expectations.

    .venv/bin/python bench/plan_accuracy.py            # the three sample plans, .txt
    .venv/bin/python bench/plan_accuracy.py --formats txt,docx,pdf -v
    .venv/bin/python bench/plan_accuracy.py --heldout   # also the held-out corpus plans

Three groups, each with per-document and total figures: the sample plans
(tests/golden/plan_*.json, sources in tests/golden/sources/), the real-plan corpus used while
developing (tests/golden/corpus/*.json beside their .txt) and, with --heldout, the corpus plans
kept out of development (tests/golden/corpus/heldout/; see SOURCES.md for which round).
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

from plans.parser import parse_document
from plans.readers import read_document
from tests.golden_score import PlanScore, Score, load_golden, score_plan

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


def _score_group(
    title: str, goldens: list[tuple[Path, Path]], fmt: str, verbose: bool
) -> dict[str, Score]:
    """Score each (golden, source) pair and print per-document and total figures."""
    totals = {name: Score() for name in ("tasks", "lead", "support", "deadlines")}
    print(f"\n=== {title} (format: {fmt}) ===")
    for path, source in goldens:
        golden = load_golden(path)
        data, name = _document_bytes(source, fmt)
        started = time.perf_counter()
        # parse_document, not read_plan: a corpus excerpt may rightly hold no task at all.
        plan = parse_document(read_document(data, name))
        elapsed = time.perf_counter() - started
        result: PlanScore = score_plan(golden, plan.to_json())
        print(f"\n{path.relative_to(GOLDEN_DIR)} ({elapsed * 1000:.0f} ms)")
        print(
            f"  tasks     {_fmt(result.tasks)}; refs equal {result.refs_equal}/{result.tasks.correct}"
        )
        print(f"  lead      {_fmt(result.lead)}")
        print(f"  support   {_fmt(result.support)}")
        print(f"  deadlines {_fmt(result.deadlines)}")
        if result.first_due_checked:
            print(
                f"            recurring first due date agrees "
                f"{result.first_due_equal}/{result.first_due_checked}"
            )
        if result.header_fields:
            header = ", ".join(
                f"{k}={'ok' if ok else 'WRONG'}" for k, ok in result.header_fields.items()
            )
            print(f"  header    {header}")
        if verbose:
            for label, items in (
                ("missed", result.missed),
                ("extra", result.extra),
                ("lead", result.lead_mismatches),
                ("deadline", result.deadline_mismatches),
            ):
                for item in items:
                    print(f"    {label}: {item}")
        for name, score in (
            ("tasks", result.tasks),
            ("lead", result.lead),
            ("support", result.support),
            ("deadlines", result.deadlines),
        ):
            totals[name].add(score)
    print(f"\ntotal — {title} ({fmt}):")
    for name, score in totals.items():
        print(f"  {name:9} {_fmt(score)}")
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", default="txt", help="comma list of txt, docx, pdf (samples)")
    parser.add_argument("--min", type=float, default=None, help="fail below this figure")
    parser.add_argument(
        "--heldout", action="store_true", help="also score the held-out corpus plans"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="list every disagreement")
    args = parser.parse_args(argv)

    samples = [
        (path, GOLDEN_DIR / "sources" / load_golden(path)["source"])
        for path in sorted(GOLDEN_DIR.glob("plan_*.json"))
    ]
    corpus_dir = GOLDEN_DIR / "corpus"
    corpus = [(path, path.with_suffix(".txt")) for path in sorted(corpus_dir.glob("*.json"))]
    heldout = [
        (path, path.with_suffix(".txt")) for path in sorted((corpus_dir / "heldout").glob("*.json"))
    ]
    if not samples:
        print("no golden files in", GOLDEN_DIR)
        return 2

    worst = 1.0
    groups: list[tuple[str, dict[str, Score]]] = []
    for fmt in args.formats.split(","):
        groups.append(
            (f"sample plans, {fmt}", _score_group("sample plans", samples, fmt, args.verbose))
        )
    groups.append(
        ("corpus (development)", _score_group("corpus (development)", corpus, "txt", args.verbose))
    )
    if args.heldout and heldout:
        groups.append(
            ("corpus (held out)", _score_group("corpus (held out)", heldout, "txt", args.verbose))
        )
    print("\n=== summary ===")
    if args.heldout and not heldout:
        # An empty group would print 1.00 everywhere: say there is nothing kept out instead.
        print("  corpus (held out)      none kept out now: the last set was scored once and "
              "moved into development (tests/golden/corpus/SOURCES.md has its figures)")
    for title, totals in groups:
        figures = "; ".join(
            f"{name} P={score.precision:.2f} R={score.recall:.2f}"
            for name, score in totals.items()
            if name != "support"
        )
        print(f"  {title:22} {figures}")
        for name, score in totals.items():
            if name != "support":
                worst = min(worst, score.precision, score.recall)
    if args.min is not None and worst < args.min:
        print(f"\nFAIL: lowest figure {worst:.3f} < {args.min}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
