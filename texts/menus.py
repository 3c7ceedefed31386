"""A menu offered with a message: buttons where the platform has them, numbered lines where
it does not. Pure data and text, so the sender and the handlers share one shape."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from texts import messages


@dataclass(frozen=True)
class MenuOption:
    label: str
    command: str  # what pressing it (or typing its number) runs, e.g. "/chitiet 12"


def render_numbered_menu(text: str, options: Sequence[MenuOption]) -> str:
    lines = [text, ""]
    lines += [f"{index}. {html.escape(option.label)}" for index, option in enumerate(options, 1)]
    lines += ["", messages.NUMBERED_MENU_HINT]
    return "\n".join(lines)
