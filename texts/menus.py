"""A menu offered with a message: buttons where the platform has them, numbered lines where
it does not. Pure data and text, so the sender and the handlers share one shape."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from texts import messages


@dataclass(frozen=True)
class MenuOption:
    # Plain text, never HTML-escaped: a Telegram button shows it as is, and the numbered
    # fallback escapes it when it writes the menu into the message.
    label: str
    command: str  # what pressing it (or typing its number) runs, e.g. "/chitiet 12"
    # What the person types to choose it in a numbered menu; None: its position (1, 2, …).
    # Task lists use the task's own number, so that a choice never looks like another task.
    key: str | None = None


def menu_entries(options: Sequence[MenuOption]) -> list[tuple[str, str]]:
    """(key, command) of each choosable option: its own key, or its position when no option
    of the menu has one. In a keyed menu, options without a key are shown with their command
    instead of a number, so that no number means two things."""
    keyed = any(option.key for option in options)
    if not keyed:
        return [(str(index), option.command) for index, option in enumerate(options, 1)]
    return [(option.key, option.command) for option in options if option.key]


def render_numbered_menu(text: str, options: Sequence[MenuOption]) -> str:
    keyed = any(option.key for option in options)
    lines = [text, ""]
    for index, option in enumerate(options, 1):
        if not keyed:
            lines.append(f"{index}. {html.escape(option.label)}")
        elif option.key:
            # "#4 Rà soát…" keyed 4 reads "4. Rà soát…": one number, the task's own.
            label = option.label.removeprefix(f"#{option.key} ")
            lines.append(f"{html.escape(option.key)}. {html.escape(label)}")
        else:
            lines.append(f"• {html.escape(option.label)}: <code>{html.escape(option.command)}</code>")
    lines += ["", messages.NUMBERED_MENU_KEYED_HINT if keyed else messages.NUMBERED_MENU_HINT]
    return "\n".join(lines)
