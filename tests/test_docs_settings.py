"""The deployment guide lists every setting, and the README's table names no setting that
does not exist: a field added to config/settings.py without a line in the guide fails here."""

from __future__ import annotations

import re
from pathlib import Path

from config.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "TRIEN_KHAI.md"
README = ROOT / "README.md"
SETTING = re.compile(r"`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)`")


def env_names() -> set[str]:
    return {name.upper() for name in Settings.model_fields}


def test_the_guide_lists_every_setting() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    full_list = guide[guide.index("## 11. Mọi thiết lập"):]
    table_rows = [line for line in full_list.splitlines() if line.startswith("| `")]
    listed = {name for row in table_rows for name in SETTING.findall(row.split(" | ")[0])}
    assert env_names() - listed == set()
    assert listed - env_names() == set()  # no stale name either


def test_the_readme_table_names_real_settings_and_points_to_the_full_list() -> None:
    readme = README.read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| `")]
    named = {name for row in rows for name in SETTING.findall(row.split(" | ")[0])}
    assert named and named - env_names() == set()
    assert "docs/TRIEN_KHAI.md" in readme and "danh sách đầy đủ" in readme
