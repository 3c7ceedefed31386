"""How catalogue texts are filled: user values escaped for Telegram's HTML subset, dates as
dd/mm/yyyy, times in the unit's time zone."""

from __future__ import annotations

import html
from datetime import date, datetime
from zoneinfo import ZoneInfo


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def fmt_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def fmt_datetime(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%H:%M %d/%m/%Y") if value else "—"


def render(template: str, **params: object) -> str:
    """Fill a catalogue text: user-supplied strings are escaped, dates shown as dd/mm/yyyy."""
    return template.format(**{key: _render_value(value) for key, value in params.items()})


def _render_value(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return fmt_date(value)
    if isinstance(value, str):
        return esc(value)
    return value
