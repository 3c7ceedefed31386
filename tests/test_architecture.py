"""The house rules that reviews kept finding broken: arrows point down, files stay readable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "scheduler", "plans", "reports", "db", "config", "texts", "timelang")
MAX_LINES = 600
# Still being split; each entry is a debt, never an exemption to add to.
OVERSIZED_FOR_NOW = {

    "texts/messages.py", "scheduler/sender.py",
}


def test_layers_point_down() -> None:
    # In a child process: import-linter reconfigures logging, which would silence the
    # log assertions of every later test in this session.
    checked = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports; "
         "raise SystemExit(lint_imports(config_filename='pyproject.toml'))"],
        cwd=ROOT, capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout[-3000:]


def test_files_stay_small_enough_to_read() -> None:
    too_long = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in OVERSIZED_FOR_NOW:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                too_long[relative] = lines
    assert too_long == {}
