"""Vietnam's public holidays from the `holidays` package, without the rest of the world.

The package's `__init__` files import everything: `holidays` registers every country,
`holidays.countries` imports ≈300 of them, `holidays.calendars` and `holidays.groups` every
calendar and group of holidays (Islamic, Hindu, Hebrew…). Vietnam needs two calendars and
three groups. Its module is imported under bare stand-ins for those four packages, and every
`holidays` module is taken out of `sys.modules` again at once (the class keeps what it
uses): the bot carries ≈2.6 MiB less (issue 17: idle RSS), and a later `import holidays` (a
test) imports the real package whole, as if this had never run.
Nothing is imported before the first holiday is asked for. tests/test_speed_paths.py and
tests/test_lean_start.py check the days are those of `country_holidays("VN")`.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import sys
import types
from datetime import date
from pathlib import Path
from typing import Any

MODULE = "holidays.countries.vietnam"
_STAND_INS = ("holidays", "holidays.calendars", "holidays.groups", "holidays.countries")
# The names vietnam.py takes from `holidays.groups` itself: group module → class.
_GROUPS = {"chinese": "ChineseCalendarHolidays", "international": "InternationalHolidays",
           "custom": "StaticHolidays"}


@functools.cache
def _vietnam() -> Any:
    module = sys.modules.get(MODULE)  # already imported elsewhere: the same class
    if module is None and "holidays" not in sys.modules:
        try:
            module = _import_alone()
        except (ImportError, AttributeError):
            module = None  # the package's layout changed: the whole package, as it is meant
    if module is None:
        module = _import_from_the_whole_package()
    return module.Vietnam


def _import_alone() -> types.ModuleType:
    spec = importlib.util.find_spec("holidays")
    assert spec is not None and spec.origin is not None
    root = Path(spec.origin).parent
    before = set(sys.modules)
    stand_ins: dict[str, types.ModuleType] = {}
    for name in _STAND_INS:
        package = types.ModuleType(name)
        package.__path__ = [str(root.joinpath(*name.split(".")[1:]))]
        stand_ins[name] = sys.modules[name] = package
    try:
        for group, class_name in _GROUPS.items():
            module = importlib.import_module(f"holidays.groups.{group}")
            setattr(stand_ins["holidays.groups"], class_name, getattr(module, class_name))
        return importlib.import_module(MODULE)
    finally:
        for name in set(sys.modules) - before:
            if name == "holidays" or name.startswith("holidays."):
                del sys.modules[name]


def _import_from_the_whole_package() -> types.ModuleType:
    # why: only when the package is already loaded, or its layout no longer allows the above
    import holidays

    module = sys.modules.get(MODULE)
    if module is None:  # `holidays.countries` imports every country: read Vietnam's file alone
        spec = importlib.util.spec_from_file_location(
            MODULE, Path(holidays.__file__).parent / "countries" / "vietnam.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def vietnam_holidays(year: int) -> dict[date, str]:
    """The year's public holidays with their (English) names, as `country_holidays("VN")`."""
    return dict(_vietnam()(years=year))
