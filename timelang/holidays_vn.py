"""Vietnam's public holidays from the `holidays` package, without the rest of the world.

`holidays.country_holidays("VN")` imports the package `holidays.countries`, whose `__init__`
imports every country (≈300 modules, ≈8 MiB resident in a bot that needs one). The Vietnam
module is read on its own instead; tests/test_speed_paths.py checks the days are the same.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from datetime import date
from pathlib import Path
from typing import Any

import holidays

MODULE = "holidays.countries.vietnam"


@functools.cache
def _vietnam() -> Any:
    module = sys.modules.get(MODULE)  # already imported whole elsewhere: the same class
    if module is None:
        spec = importlib.util.spec_from_file_location(
            MODULE, Path(holidays.__file__).parent / "countries" / "vietnam.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module.Vietnam


def vietnam_holidays(year: int) -> dict[date, str]:
    """The year's public holidays with their (English) names, as `country_holidays("VN")`."""
    return dict(_vietnam()(years=year))
