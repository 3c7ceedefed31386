"""How long reading a 100-page plan takes, per format.

    .venv/bin/python bench/plan_speed.py              # 100 pages: .txt, .docx, .pdf
    .venv/bin/python bench/plan_speed.py --pages 300 --formats pdf

The plan is built here (tests/plan_builders.long_plan_text): the header of a sample plan,
then numbered items with bullets, "Cơ quan chủ trì/phối hợp" and "Thời gian thực hiện"
lines, about 3,000 characters a page. The time covers reading the file, finding the tasks
and reading every deadline, i.e. what `nhacviec plan parse` does. The issue's budget is 5 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plans.parser import read_plan
from tests.plan_builders import long_plan_text, text_to_docx, text_to_pdf

BUDGET_SECONDS = 5.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--formats", default="txt,docx,pdf")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = parser.parse_args(argv)

    text = long_plan_text(args.pages)
    builders = {
        "txt": lambda: text.encode("utf-8"),
        "docx": lambda: text_to_docx(text),
        "pdf": lambda: text_to_pdf(text),
    }
    over = False
    for fmt in args.formats.split(","):
        data = builders[fmt]()
        timings = []
        cpu = []
        plan = None
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            plan = read_plan(data, f"ke-hoach-dai.{fmt}")
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        assert plan is not None
        best = min(timings)
        pages = ""
        if fmt == "pdf":
            from plans.readers import read_document

            pages = f", {read_document(data, 'x.pdf').pages} PDF pages"
        status = "ok" if best <= BUDGET_SECONDS else "OVER BUDGET"
        over = over or best > BUDGET_SECONDS
        print(
            f"{fmt:5} {len(data) / 1024:8.0f} KiB{pages}: {len(plan.tasks)} tasks, "
            f"best {best:.2f} s wall ({min(cpu):.2f} s CPU) of {args.repeat} "
            f"(budget {BUDGET_SECONDS:.0f} s) {status}"
        )
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
