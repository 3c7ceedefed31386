"""What every `nhacviec` command module shares: the error that means "bad input", the parser
that raises it instead of exiting, and the JSON and date helpers."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from typing import Any, NoReturn

from config.settings import Settings
from db import services


class CliError(Exception):
    """Bad input: printed as one line on stderr, exit status 2."""


class ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError(message)


Runner = Callable[[argparse.Namespace, Settings], int | None]


def parse_iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CliError(f"ngày không hợp lệ «{value}», cần dạng YYYY-MM-DD") from None


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def one_line(text: str) -> str:
    return " ".join(text.split())


def unit_named(session: Any, text: str, what: str = "đơn vị") -> Any:
    """A unit by code, name or alias, as in chat. Several matches (or only near ones) are
    listed for the operator to run again with the code: the command line never picks."""
    found = services.units_named(session, text)
    if len(found) == 1:
        return found[0]
    near = not found
    found = found or services.units_like(session, text)
    if not found:
        raise CliError(f"không có {what} mã «{text}», cũng không có {what} nào tên như vậy")
    choices = ", ".join(f"{u.code} ({u.name})" for u in found[:10])
    lead = "gần giống" if near else "trùng"
    raise CliError(f"«{text}» {lead} {len(found)} {what}: {choices}; chạy lại với mã đơn vị")
