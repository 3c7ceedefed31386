"""`bot.cli` loads command groups from a list that names this module; the `plan` commands
themselves live in `bot/cli_plan.py` with the other command-line code."""

from __future__ import annotations

from bot.cli_plan import register

__all__ = ["register"]
