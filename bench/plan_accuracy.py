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
from plans.readers import Table, read_document
from tests.golden_score import PlanScore, Score, load_golden, score_plan

GOLDEN_DIR = ROOT / "tests" / "golden"


FORMATS = ("txt", "docx", "docxnum", "pdf", "pdfword")


def _paragraph_text(text: str) -> str:
    """The text as an official's document holds it: the paragraphs and tables the .txt
    reader finds (a hard-wrapped excerpt's lines joined back), one line each, tables as
    "| … |" rows. A .docx or .pdf made from this differs from the .txt only by its format."""
    blocks = read_document(text.encode("utf-8"), "plan.txt").blocks
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Table):
            lines.extend("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |"
                         for row in block.rows)
        else:
            lines.append(block.text)
        lines.append("")
    return "\n".join(lines)


def _document_bytes(source: Path, fmt: str) -> tuple[bytes, str]:
    """The document in `fmt`: txt as stored; docx (one paragraph per paragraph, "-"/"+"
    as Word bullets, tables as Word tables, numbers kept in the text); docxnum (the same
    with "1.", "IV.", "a)" as Word automatic numbering); pdf (fpdf2, DejaVu Sans, a gap
    between paragraphs); pdfword (justified, first-line indent, no gap)."""
    text = source.read_text(encoding="utf-8")
    if fmt == "txt":
        return text.encode("utf-8"), source.name
    # why: the builders (and python-docx, fpdf2) are needed only for the other formats.
    from tests.plan_builders import text_to_docx, text_to_pdf

    if fmt in ("docx", "docxnum"):
        data = text_to_docx(_paragraph_text(text), numbering=fmt == "docxnum")
        return data, source.with_suffix(".docx").name
    if fmt in ("pdf", "pdfword"):
        data = text_to_pdf(_paragraph_text(text), word_layout=fmt == "pdfword")
        return data, source.with_suffix(".pdf").name
    raise SystemExit(f"unknown format {fmt!r}")


def _fmt(score: Score) -> str:
    return (
        f"P={score.precision:.3f} R={score.recall:.3f} "
        f"({score.correct}/{score.predicted} found, {score.expected} expected)"
    )


FIGURES = ("tasks", "lead", "support", "deadlines")


def _score_group(
    title: str, goldens: list[tuple[Path, Path]], fmt: str, verbose: bool,
    per_document: dict[str, PlanScore] | None = None,
) -> dict[str, Score]:
    """Score each (golden, source) pair and print per-document and total figures; each
    document's score also goes into `per_document` under its name."""
    totals = {name: Score() for name in FIGURES}
    print(f"\n=== {title} (format: {fmt}) ===")
    for path, source in goldens:
        golden = load_golden(path)
        data, name = _document_bytes(source, fmt)
        started = time.perf_counter()
        # parse_document, not read_plan: a corpus excerpt may rightly hold no task at all.
        plan = parse_document(read_document(data, name))
        elapsed = time.perf_counter() - started
        result: PlanScore = score_plan(golden, plan.to_json())
        if per_document is not None:
            per_document[str(path.relative_to(GOLDEN_DIR))] = result
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


def _counts(score: Score) -> str:
    return f"{score.correct}/{score.predicted}/{score.expected}"


def _print_drops(scores: dict[str, dict[str, PlanScore]], formats: list[str]) -> None:
    """Each document whose figures or header fields differ from its .txt reading (figures as
    correct/found/expected), and how many correct items and header fields were lost."""
    print("\n=== per document, versus txt (correct/found/expected) ===")
    for fmt in formats:
        if fmt == "txt":
            continue
        lost = 0
        for name, base in scores["txt"].items():
            other = scores[fmt][name]
            changes = []
            for figure in FIGURES:
                before, after = getattr(base, figure), getattr(other, figure)
                if (before.correct, before.predicted) != (after.correct, after.predicted):
                    lost += before.correct - after.correct
                    changes.append(f"{figure} {_counts(before)}→{_counts(after)}")
            for field, ok in base.header_fields.items():
                if other.header_fields.get(field) != ok:
                    lost += 1 if ok else -1
                    changes.append(f"header {field} {'ok→WRONG' if ok else 'WRONG→ok'}")
            if changes:
                print(f"  {fmt:8} {name}: " + "; ".join(changes))
        print(f"  {fmt:8} correct items and header fields lost versus txt: {lost}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", default="txt", help="comma list of txt, docx, docxnum, pdf")
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
    formats = args.formats.split(",")
    for fmt in formats:
        if fmt not in FORMATS:
            raise SystemExit(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    groups: list[tuple[str, dict[str, Score]]] = []
    scores: dict[str, dict[str, PlanScore]] = {fmt: {} for fmt in formats}
    for fmt in formats:
        groups.append((f"sample plans, {fmt}", _score_group(
            "sample plans", samples, fmt, args.verbose, scores[fmt])))
    for fmt in formats:
        groups.append((f"corpus (dev), {fmt}", _score_group(
            "corpus (development)", corpus, fmt, args.verbose, scores[fmt])))
    if args.heldout and heldout:
        groups.append(
            ("corpus (held out)", _score_group("corpus (held out)", heldout, "txt", args.verbose))
        )
    if "txt" in formats and len(formats) > 1:
        _print_drops(scores, formats)
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
        print(f"  {title:27} {figures}")
        for name, score in totals.items():
            if name != "support":
                worst = min(worst, score.precision, score.recall)
    if args.min is not None and worst < args.min:
        print(f"\nFAIL: lowest figure {worst:.3f} < {args.min}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
