"""Reading scanned plans by OCR: seconds per page, character error rate, parse accuracy.

    .venv/bin/python bench/ocr_speed.py                  # the three sample plans, 200 dpi
    .venv/bin/python bench/ocr_speed.py --dpi 300 --samples 000 --pages 3

Each sample plan (tests/golden/sources) is typeset in DejaVu Sans on A4 pages, each page
turned by up to ±1.5° and speckled (tests/scan_builders.py), and saved as a PDF of pictures
only, as a scanner would. The time covers what `nhacviec plan parse` does with it: render
each page (pypdfium2), clean and straighten it, Tesseract (Vietnamese model), regroup the
lines into paragraphs; the parse afterwards is timed apart. The character error rate
compares the OCR text with the text typeset; tasks and lead units are scored against the
golden files (tests/golden/plan_*.json) as bench/plan_accuracy.py does.
Targets: ≤ 3 s per page; tasks and lead units ≥ 0.85 (precision and recall).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plans.ocr import ocr_available, tesseract_status
from plans.parser import parse_document
from plans.readers import read_document
from tests.golden_score import Score, load_golden, score_plan
from tests.plan_builders import GOLDEN_DIR, SAMPLES, sample_text
from tests.scan_builders import character_error_rate, pages_to_pdf, scanned_pages, typeset_text

SECONDS_PER_PAGE = 3.0
ACCURACY = 0.85


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=200, help="resolution of the 'scan'")
    parser.add_argument("--samples", default=",".join(SAMPLES))
    parser.add_argument("--pages", type=int, default=None, help="first N pages of each only")
    args = parser.parse_args(argv)
    if not ocr_available():
        print(f"Tesseract is not usable here (missing: {tesseract_status()})")
        return 1

    pages_total = 0
    seconds_total = 0.0
    totals = {"tasks": Score(), "lead": Score()}
    errors: list[float] = []
    for key in args.samples.split(","):
        text = sample_text(key)
        pages = scanned_pages(text, dpi=args.dpi, max_pages=args.pages)
        data = pages_to_pdf(pages, dpi=args.dpi)
        started = time.perf_counter()
        document = read_document(data, f"scan-{key}.pdf")
        read_seconds = time.perf_counter() - started
        started = time.perf_counter()
        plan = parse_document(document)
        parse_seconds = time.perf_counter() - started
        read_text = "\n".join(document.paragraphs)
        truth = typeset_text(text)
        if args.pages is not None:
            truth = truth[: len(read_text) + 200]  # only the pages that were printed
        cer = character_error_rate(read_text, truth)
        errors.append(cer)
        pages_total += len(pages)
        seconds_total += read_seconds
        line = (f"{key}: {len(pages)} pages, {read_seconds / len(pages):.2f} s/page "
                f"(parse {parse_seconds:.2f} s), CER {cer:.2%}, {len(plan.tasks)} tasks")
        if args.pages is None:
            golden = load_golden(GOLDEN_DIR / f"plan_{key}.json")
            result = score_plan(golden, plan.to_json())
            totals["tasks"].add(result.tasks)
            totals["lead"].add(result.lead)
            line += (f"; tasks P {result.tasks.precision:.2f} R {result.tasks.recall:.2f}, "
                     f"lead P {result.lead.precision:.2f} R {result.lead.recall:.2f}")
        print(line)

    per_page = seconds_total / max(pages_total, 1)
    print(f"all: {pages_total} pages, {per_page:.2f} s/page (target ≤ {SECONDS_PER_PAGE:g}), "
          f"mean CER {sum(errors) / len(errors):.2%}")
    ok = per_page <= SECONDS_PER_PAGE
    if args.pages is None:
        for name, score in totals.items():
            print(f"{name}: precision {score.precision:.3f}, recall {score.recall:.3f} "
                  f"(target ≥ {ACCURACY})")
            ok = ok and score.precision >= ACCURACY and score.recall >= ACCURACY
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
