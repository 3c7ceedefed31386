"""`nhacviec` (also `python -m bot`): the operator's command line.

Exit status 0 on success, 2 on bad input with a one-line reason on stderr, never a traceback.
Each command group lives in a module with a `register(subparsers)` function.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from bot import cli_core
from bot.cli_common import ArgumentParser, CliError, Runner, one_line
from config.settings import ConfigError, load_settings
from db.services import DomainError
from handlers.base import to_plain_text
from texts import messages
from texts.clean import sanitise

logger = logging.getLogger("nhacviec")

# The command groups after cli_core, imported by name: a command of cli_core's own (`run`, the
# image's command) builds its parser without them, so that the running bot does not carry
# them and what they import (reports, backups, plan readers) (issue 17: idle RSS).
COMMAND_MODULES = (
    "cli_deadline", "cli_plan", "cli_reminders", "cli_reports", "cli_feed", "cli_backup",
    "cli_onboarding",
)


def build_parser(command: str | None = None) -> ArgumentParser:
    """Every command's parser; only cli_core's when `command` (the first argument) is one of
    cli_core's: the other groups could not change how it parses."""
    parser = ArgumentParser(
        prog="nhacviec",
        description="Nhắc Việc — chatbot nhắc việc và theo dõi nhiệm vụ trên Telegram và Zalo.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)
    cli_core.register(subparsers)
    if command not in subparsers.choices:
        for name in COMMAND_MODULES:
            importlib.import_module(f"bot.{name}").register(subparsers)
    return parser


# Arguments that name files: their bytes must reach the file system unchanged (an NFD name
# made NFC would no longer be found).
PATH_ARGUMENTS = frozenset({"file", "out", "xlsx", "chart"})


def sanitise_arguments(args: argparse.Namespace) -> argparse.Namespace:
    """Every text argument cleaned once, as chat messages are (texts.clean.sanitise): titles,
    names and reasons typed here end up in the same database and spreadsheets."""
    for name, value in vars(args).items():
        if name in PATH_ARGUMENTS:
            continue
        if isinstance(value, str):
            setattr(args, name, sanitise(value))
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            setattr(args, name, [sanitise(item) for item in value])
    return args


def main(argv: Sequence[str] | None = None) -> int:
    try:
        # The parser (every command's options) is not kept for the life of `nhacviec run`.
        arguments = sys.argv[1:] if argv is None else list(argv)
        args = sanitise_arguments(
            build_parser(arguments[0] if arguments else None).parse_args(arguments))
        settings = load_settings()
        runner: Runner = args.runner
        code = runner(args, settings)
        return code or 0
    except (CliError, ConfigError) as error:
        sys.stderr.write(f"nhacviec: {one_line(str(error))}\n")
        return 2
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())).upper()
        sys.stderr.write(f"nhacviec: cấu hình sai {where}: {first.get('msg')}\n")
        return 2
    except DomainError as error:
        text = to_plain_text(messages.domain_error_text(error.key, error.params))
        sys.stderr.write(f"nhacviec: {one_line(text)}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        sys.stderr.write(f"nhacviec: lỗi: {type(error).__name__}: {one_line(str(error))}\n")
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
