"""Every chat command, registered explicitly. Adding a command is one module and one line.

A command whose module pulls in a large library of our own (the plan reader, plans/; the
reports' spreadsheets and charts) is registered by name and imported the first time it is used, so that the running bot does not
carry it from start-up (issue 17: idle RSS; tests/test_lean_start.py).
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from handlers import (
    chat_actions,
    confirm,
    evidence,
    flows,
    link,
    onboarding,
    people,
    reminder_settings,
    task_life,
    tasks,
)
from handlers.base import Context, Handler, Incoming
from texts import messages


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    in_menu: bool = True
    # False for what people answer or press rather than type (the /trogiup list leaves it out).
    in_help: bool = True

    @property
    def description(self) -> str:
        """The Vietnamese line shown in Telegram's command menu."""
        return messages.COMMAND_DESCRIPTIONS[self.name]


# A shared contact (Telegram's contact button) is routed here, whatever the chat was doing.
CONTACT_COMMAND = "sodienthoai"

FlowHandler = Callable[[Incoming, Context, dict[str, Any]], Awaitable[None]]


def on_first_use(module: str, name: str) -> Callable[..., Awaitable[None]]:
    """`module.name`, looked up when called: the module is imported by the first call (and
    looked up again at each, so a test's monkeypatch of the module still applies)."""

    async def deferred(*args: Any) -> None:
        await getattr(importlib.import_module(module), name)(*args)

    deferred.__qualname__ = f"{module}.{name}"
    return deferred


COMMANDS: list[Command] = [
    Command("start", people.start, in_menu=False, in_help=False),
    Command("trogiup", people.start),
    Command("nhiemvu", tasks.task_list),
    Command("chitiet", tasks.task_detail),
    Command("capnhat", tasks.update_progress),
    Command("minhchung", evidence.evidence),
    Command("hoanthanh", tasks.complete),
    Command("giahan", tasks.request_extension),
    Command("giao", tasks.assign),
    Command("baocao", on_first_use("handlers.reports", "report")),
    Command("nhapkehoach", on_first_use("handlers.import_plan", "import_plan")),
    Command("hosominhchung", on_first_use("handlers.reports", "evidence_dossier")),
    Command("dangky", people.join),
    Command("donvi", people.units),
    Command("ganketnhom", people.bind_group),
    Command("lienket", link.link),
    Command("huy", people.cancel),
    Command("duyet", people.approve_join, in_menu=False),
    Command("tuchoi", people.refuse_join, in_menu=False),
    Command("duyetgiahan", tasks.approve_extension, in_menu=False),
    Command("tuchoigiahan", tasks.refuse_extension, in_menu=False),
    Command("hoantac", task_life.undo),
    Command("sua", task_life.edit),
    Command("huynhiemvu", task_life.cancel_task),
    Command("molai", task_life.reopen),
    Command("nhaclai", chat_actions.snooze),
    Command("caidat", reminder_settings.reminder_settings),
    Command("thaotac", chat_actions.task_actions, in_menu=False,
            in_help=False),
    Command("traloi", chat_actions.reply, in_menu=False, in_help=False),
    Command("moi", onboarding.invite, in_menu=False),
    Command("nhapcanbo", onboarding.staff_import, in_menu=False),
    Command(CONTACT_COMMAND, onboarding.contact_shared, in_menu=False, in_help=False),
    Command("co", confirm.yes, in_menu=False, in_help=False),
    Command("khong", confirm.no, in_menu=False, in_help=False),
]

# Words people type for the same command.
ALIASES: dict[str, str] = {
    "help": "trogiup",
    "huongdan": "trogiup",
    "nv": "nhiemvu",
    "hoanthanh": "hoanthanh",
    "xong": "hoanthanh",
    "cancel": "huy",
    "xacnhan": "co",
    "dongy": "co",
    "suanhiemvu": "sua",
    "huyviec": "huynhiemvu",
    "huybo": "huynhiemvu",
    "mora": "molai",
    "hoantat": "hoanthanh",
    "danhsach": "nhiemvu",
    "moicanbo": "moi",
    "danhsachcanbo": "nhapcanbo",
    "snooze": "nhaclai",
    "nhacsau": "nhaclai",
    "hoanlai": "nhaclai",
    "caidatnhac": "caidat",
    "settings": "caidat",
}

FLOWS: dict[str, FlowHandler] = {
    evidence.FLOW: evidence.evidence_flow,
    flows.IMPORT_PLAN: on_first_use("handlers.import_plan", "import_plan_flow"),
    onboarding.STAFF_FLOW: onboarding.staff_flow,
}


def find(name: str) -> Command | None:
    name = ALIASES.get(name, name)
    for command in COMMANDS:
        if command.name == name:
            return command
    return None


def menu_commands() -> list[tuple[str, str]]:
    return [(c.name, c.description) for c in COMMANDS if c.in_menu]
