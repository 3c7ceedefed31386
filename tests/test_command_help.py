"""Every registered command is described: in the command menu's descriptions, and in the
/trogiup list of the people who may use it (and not of those who may not)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import build_app
from handlers import registry
from tests.support import Harness, make_settings
from tests.test_handlers import ADMIN, register, seed
from texts import messages
from timelang.clock import FakeClock

LEADER, MEMBER, NEWCOMER = "201", "202", "900"
# Commands only an admin may run, and those a leader (or admin) runs.
ADMIN_ONLY = {"moi", "nhapcanbo", "nhapkehoach"}
LEADER_UP = {"giao", "sua", "huynhiemvu", "molai", "ganketnhom", "hosominhchung", "duyet",
             "tuchoi", "duyetgiahan", "tuchoigiahan"}
# Shown to those in no unit yet (a member asks their leader to move them).
NEWCOMER_ONLY = {"dangky"}


def commands_in(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w/<])/([a-z]+)", text))


@pytest.fixture
async def harness(tmp_path: Path, db_url: str, clock: FakeClock) -> AsyncIterator[Harness]:
    app = build_app(make_settings(tmp_path, db_url), clock=clock)
    harness = Harness(app)
    seed(app)
    await register(harness, LEADER, "Trần Thị Mai", role="lanhdao")
    await register(harness, MEMBER, "Lê Văn Hùng")
    yield harness
    app.close()


def test_every_registered_command_has_a_description() -> None:
    missing = [c.name for c in registry.COMMANDS if c.name not in messages.COMMAND_DESCRIPTIONS]
    assert missing == []
    for command in registry.COMMANDS:
        assert command.description.strip()
    # Aliases lead to registered commands.
    assert {registry.find(alias) is not None for alias in registry.ALIASES} == {True}


async def test_help_lists_each_command_for_the_roles_that_may_use_it(harness: Harness) -> None:
    seen = {who: commands_in((await harness.send(who, "/trogiup")).text)
            for who in (ADMIN, LEADER, MEMBER, NEWCOMER)}
    typed = {c.name for c in registry.COMMANDS if c.in_help}
    # Nothing typed is left out of every list, and every list only names real commands.
    assert typed - set().union(*seen.values()) == set()
    assert set().union(*seen.values()) - {c.name for c in registry.COMMANDS} == set()
    # The admin sees everything typed; the others never see what they may not run.
    assert typed - seen[ADMIN] == NEWCOMER_ONLY
    assert seen[LEADER] & ADMIN_ONLY == set()
    assert LEADER_UP - seen[LEADER] == set()
    assert seen[MEMBER] & (ADMIN_ONLY | LEADER_UP) == set()
    assert seen[NEWCOMER] & (ADMIN_ONLY | LEADER_UP) == set()
    assert {"dangky", "trogiup"} <= seen[NEWCOMER]
    assert "trogiup" in seen[MEMBER]


def test_onboarding_commands_are_described_for_admins() -> None:
    # The texts say what the command does, not only its name.
    for name in ("moi", "nhapcanbo"):
        assert "quản trị" in messages.COMMAND_DESCRIPTIONS[name]
        assert any(line.startswith(f"/{name} ") for line in messages.HELP_ONBOARDING_ADMIN)
