"""How long reading a 100-page plan takes, per format.

    .venv/bin/python bench/plan_speed.py              # 100 pages: .txt, .docx, .pdf
    .venv/bin/python bench/plan_speed.py --pages 300 --formats pdf
    .venv/bin/python bench/plan_speed.py --formats pdf --split   # also: reading alone

The plan is built here (tests/plan_builders.long_plan_text): the header of a sample plan,
then numbered items with bullets, "Cơ quan chủ trì/phối hợp" and "Thời gian thực hiện"
lines, about 3,000 characters a page. The time covers reading the file, finding the tasks
and reading every deadline, i.e. what `nhacviec plan parse` does. The issue's budget is 5 s.
With --split the file is also read alone (no parsing), best of N again, to show how the time
divides between the format's reader and the plan parser. The machine may be shared: the CPU
time beside the wall time is the steadier figure.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plans.parser import read_plan
from plans.readers import read_document
from tests.plan_builders import long_plan_text, text_to_docx, text_to_pdf

BUDGET_SECONDS = 5.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--formats", default="txt,docx,pdf")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    parser.add_argument("--split", action="store_true", help="also time reading the file alone")
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
            pages = f", {read_document(data, 'x.pdf').pages} PDF pages"
        split = ""
        if args.split:
            read_cpu = []
            for _ in range(args.repeat):
                started_cpu = time.process_time()
                read_document(data, f"ke-hoach-dai.{fmt}")
                read_cpu.append(time.process_time() - started_cpu)
            split = f"; reading alone {min(read_cpu):.2f} s CPU"
        status = "ok" if best <= BUDGET_SECONDS else "OVER BUDGET"
        over = over or best > BUDGET_SECONDS
        print(
            f"{fmt:5} {len(data) / 1024:8.0f} KiB{pages}: {len(plan.tasks)} tasks, "
            f"best {best:.2f} s wall ({min(cpu):.2f} s CPU) of {args.repeat} "
            f"(budget {BUDGET_SECONDS:.0f} s) {status}{split}"
        )
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
