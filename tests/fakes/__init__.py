"""Test doubles that speak the real protocols over loopback HTTP.

``tests.fakes.telegram_api.FakeTelegramServer`` is the fake Telegram Bot API (see its module
docstring); the names below are re-exported lazily so that importing another fake from this
package (e.g. ``tests.fakes.zalo_api``) does not load the Telegram one.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fakes.bot_api_spec import BotApiSpec, Problem, UploadedFile
    from tests.fakes.telegram_api import (
        DEFAULT_TOKEN,
        AcceptedSend,
        BotMessage,
        Button,
        FakeChat,
        FakeFile,
        FakeTelegramServer,
        FakeTimeout,
        FakeUser,
        Fault,
        RateLimits,
        RecordedRequest,
        find_buttons,
        run_polling,
    )

_EXPORTS = {
    "BotApiSpec": "tests.fakes.bot_api_spec",
    "Problem": "tests.fakes.bot_api_spec",
    "UploadedFile": "tests.fakes.bot_api_spec",
    "DEFAULT_TOKEN": "tests.fakes.telegram_api",
    "AcceptedSend": "tests.fakes.telegram_api",
    "BotMessage": "tests.fakes.telegram_api",
    "Button": "tests.fakes.telegram_api",
    "FakeChat": "tests.fakes.telegram_api",
    "FakeFile": "tests.fakes.telegram_api",
    "FakeTelegramServer": "tests.fakes.telegram_api",
    "FakeTimeout": "tests.fakes.telegram_api",
    "FakeUser": "tests.fakes.telegram_api",
    "Fault": "tests.fakes.telegram_api",
    "RateLimits": "tests.fakes.telegram_api",
    "RecordedRequest": "tests.fakes.telegram_api",
    "find_buttons": "tests.fakes.telegram_api",
    "run_polling": "tests.fakes.telegram_api",
}

__all__ = [
    "DEFAULT_TOKEN",
    "AcceptedSend",
    "BotApiSpec",
    "BotMessage",
    "Button",
    "FakeChat",
    "FakeFile",
    "FakeTelegramServer",
    "FakeTimeout",
    "FakeUser",
    "Fault",
    "Problem",
    "RateLimits",
    "RecordedRequest",
    "UploadedFile",
    "find_buttons",
    "run_polling",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
