"""The house rules that reviews kept finding broken: arrows point down, files stay readable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "scheduler", "plans", "reports", "db", "config", "texts", "timelang")
MAX_LINES = 600
# Test code and benchmarks are read as often as product code: the same limit holds there.
READ_TOO = ("tests", "bench")


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
    for package in (*PACKAGES, *READ_TOO):
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                too_long[relative] = lines
    assert too_long == {}


def test_imports_inside_functions_say_why() -> None:
    """An import inside a function hides a dependency: allowed only with a comment saying why
    (an optional heavy library), or in a command-line module that says so once at its top."""
    import ast

    unexplained = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative:
                continue
            source = path.read_text(encoding="utf-8")
            if "Runners import what they use when they run" in source:
                continue
            lines = source.splitlines()
            for node in ast.walk(ast.parse(source)):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for inner in ast.walk(node):
                    if not isinstance(inner, ast.Import | ast.ImportFrom):
                        continue
                    # The comment sits on the line, or right above this group of imports.
                    above = inner.lineno - 2
                    while above >= 0 and lines[above].strip().startswith(("from ", "import ")):
                        above -= 1
                    commented = "#" in lines[inner.lineno - 1] or (
                        above >= 0 and lines[above].strip().startswith("#"))
                    if not commented:
                        unexplained.append(f"{relative}:{inner.lineno}")
    assert unexplained == []
