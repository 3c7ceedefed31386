"""Seconds and peak memory to read (or refuse) each crafted file of issue 11, "High 2".

    .venv/bin/python bench/crafted_files.py
    .venv/bin/python bench/crafted_files.py --cap-mb 4096 --timeout 120   # the safety net

Each file is built by tests/crafted.py (small on disk, huge in what it declares) and read
with the default limits by `plans.readers.read_document` in a fresh interpreter, so the peak
RSS (ru_maxrss) is that read's alone: interpreter and imports included. The child runs under
an address-space cap and a timeout, so a regression shows up as "crashed" or "not done"
instead of taking the machine. The target is at most 5 s and 300 MB per file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.crafted import CRAFTED, measure_in_child

TARGET_SECONDS = 5.0
TARGET_MB = 300.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per file")
    parser.add_argument("--cap-mb", type=int, default=4096, help="address-space cap per file")
    args = parser.parse_args(argv)

    print(f"{'file':38} {'on disk':>10} {'seconds':>8} {'peak MB':>8}  outcome")
    within = True
    for name in CRAFTED:
        result = measure_in_child(name, timeout=args.timeout, memory_cap_mb=args.cap_mb)
        seconds = result.get("seconds")
        peak = result.get("peak_mb")
        size = result.get("bytes")
        ok = (
            isinstance(seconds, float | int) and seconds <= TARGET_SECONDS
            and isinstance(peak, float | int) and peak <= TARGET_MB
        )
        within = within and ok
        print(
            f"{name:38} {_size(size):>10} {_num(seconds, 3):>8} {_num(peak, 1):>8}  "
            f"{result.get('outcome')}{'' if ok else '  <-- over target'}"
        )
        if result.get("message"):
            print(f"{'':38}   «{result['message']}»")
    print(f"\ntarget: each file refused or read in <= {TARGET_SECONDS:.0f} s and "
          f"<= {TARGET_MB:.0f} MB peak RSS: {'met' if within else 'NOT met'}")
    return 0 if within else 1


def _size(value: object) -> str:
    if not isinstance(value, int):
        return "?"
    return f"{value / 1024:.1f} KB" if value < 1024 * 1024 else f"{value / 1024 / 1024:.2f} MB"


def _num(value: object, digits: int) -> str:
    return f"{value:.{digits}f}" if isinstance(value, float | int) else "-"


if __name__ == "__main__":
    raise SystemExit(main())
