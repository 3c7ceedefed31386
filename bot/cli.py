"""`nhacviec` (also `python -m bot`): the operator's command line.

Exit status 0 on success, 2 on bad input with a one-line reason on stderr, never a traceback.
Each command group lives in a module with a `register(subparsers)` function.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, NoReturn

from pydantic import ValidationError

from config.settings import Settings, load_settings
from texts.clean import sanitise

logger = logging.getLogger("nhacviec")

# Command groups that live in their own modules; each has `register(subparsers)`.
COMMAND_MODULES: list[str] = ["bot.cli_core"]
OPTIONAL_COMMAND_MODULES: list[str] = [
    "bot.cli_deadline",
    "plans.cli",
    "scheduler.cli",
    "reports.cli",
]


class CliError(Exception):
    """Bad input: printed as one line on stderr, exit status 2."""


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError(message)


Runner = Callable[[argparse.Namespace, Settings], int | None]


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="nhacviec",
        description="Nhắc Việc — chatbot nhắc việc và theo dõi nhiệm vụ trên Telegram và Zalo.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)
    for name in COMMAND_MODULES + OPTIONAL_COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if name in OPTIONAL_COMMAND_MODULES and error.name and name.startswith(error.name):
                continue
            raise
        module.register(subparsers)
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


def parse_iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CliError(f"ngày không hợp lệ «{value}», cần dạng YYYY-MM-DD") from None


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = sanitise_arguments(parser.parse_args(argv))
        settings = load_settings()
        runner: Runner = args.runner
        code = runner(args, settings)
        return code or 0
    except CliError as error:
        sys.stderr.write(f"nhacviec: {one_line(str(error))}\n")
        return 2
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())).upper()
        sys.stderr.write(f"nhacviec: cấu hình sai {where}: {first.get('msg')}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        from db.services import DomainError

        if isinstance(error, DomainError):
            from handlers.base import to_plain_text
            from texts import messages

            text = to_plain_text(messages.domain_error_text(error.key, error.params))
            sys.stderr.write(f"nhacviec: {one_line(text)}\n")
            return 2
        sys.stderr.write(f"nhacviec: lỗi: {type(error).__name__}: {one_line(str(error))}\n")
        return 1


def one_line(text: str) -> str:
    return " ".join(text.split())


def run_async(coro: Any) -> Any:
    return asyncio.run(coro)


if __name__ == "__main__":
    raise SystemExit(main())
