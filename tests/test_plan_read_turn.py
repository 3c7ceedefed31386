"""Reading an uploaded plan happens outside the router's turn and in a capped child process
(issue 11, "High 2"): other chats are answered while a plan is read, and a read that runs
out of time or memory is stopped with a Vietnamese reason."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_app
from handlers import import_plan, registry
from plans import isolated
from plans.limits import ReadLimits
from plans.parser import read_plan
from plans.readers import PlanReadError
from tests import crafted
from tests.plan_builders import sample_text
from tests.support import Harness, make_settings
from timelang.clock import FakeClock

ADMIN = "1"  # telegram:1 is an admin (see make_settings)


@pytest.fixture
def app(tmp_path: Path, db_url: str, clock: FakeClock) -> Iterator[Any]:
    application = build_app(make_settings(tmp_path, db_url), clock=clock)
    yield application
    application.close()


@pytest.fixture
async def harness(app: Any, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Harness]:
    if registry.find("nhapkehoach") is None:
        monkeypatch.setattr(registry, "COMMANDS", [
            *registry.COMMANDS,
            registry.Command("nhapkehoach", import_plan.import_plan, "Nhập kế hoạch"),
        ])
    monkeypatch.setitem(registry.FLOWS, import_plan.FLOW, import_plan.import_plan_flow)
    yield Harness(app)


async def test_other_chats_are_answered_while_a_plan_is_read(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()
    real_read = import_plan._read

    def held_read(*args: Any) -> Any:
        started.set()
        release.wait(60)
        return real_read(*args)

    monkeypatch.setattr(import_plan, "_read", held_read)
    await harness.send(ADMIN, "/nhapkehoach")
    document = harness.attach("kh", sample_text("000").encode(), file_name="kh.txt")
    upload = asyncio.create_task(harness.send(ADMIN, "", attachment=document))
    try:
        assert await asyncio.to_thread(started.wait, 60)
        # The read is in progress: before the fix this waited for the router's turn.
        other = await asyncio.wait_for(harness.send("555", "/trogiup"), timeout=30)
        assert other.text
    finally:
        release.set()
    reply = await upload
    assert "Đọc được <b>14</b> nhiệm vụ" in reply.text


async def test_a_crafted_upload_gets_the_limit_in_the_chat(harness: Harness) -> None:
    await harness.send(ADMIN, "/nhapkehoach")
    document = harness.attach("bom", crafted.xlsx_huge_merge(), file_name="bom.xlsx")
    reply = await harness.send(ADMIN, "", attachment=document)
    assert "A1:XFD1048576" in reply.text and "vượt giới hạn 200.000 ô" in reply.text
    # Still waiting for a file: the next one is read.
    good = harness.attach("good", sample_text("000").encode(), file_name="kh.txt")
    reply = await harness.send(ADMIN, "", attachment=good)
    assert "Đọc được <b>14</b> nhiệm vụ" in reply.text


def test_the_child_reads_the_same_plan() -> None:
    data = sample_text("000").encode()
    assert (isolated.read_plan_isolated(data, "kh.txt").to_state()
            == read_plan(data, "kh.txt").to_state())


def test_a_refusal_in_the_child_comes_back_as_is() -> None:
    with pytest.raises(PlanReadError) as caught:
        isolated.read_plan_isolated(crafted.docx_xml_bomb(xml_megabytes=30), "bom.docx")
    assert caught.value.code == "limit_zip_part"


def test_a_child_past_its_time_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    # No start-up allowance and a budget no child can meet: the parent stops waiting.
    monkeypatch.setattr(isolated, "_START_SECONDS", 0.0)
    with pytest.raises(PlanReadError) as caught:
        isolated.read_plan_isolated(sample_text("000").encode(), "kh.txt",
                                    limits=ReadLimits(max_seconds=0.001))
    assert caught.value.code == "limit_time"
    assert "giới hạn thời gian đọc" in caught.value.message


def test_a_child_past_its_memory_cap_is_refused() -> None:
    with pytest.raises(PlanReadError) as caught:
        # Big enough that decoding it needs fresh memory whatever the forkserver preloaded.
        padded = sample_text("000") + "\n" + "Ghi chú thêm.\n" * 100_000
        isolated.read_plan_isolated(padded.encode(), "kh.txt", memory_mb=1)
    assert caught.value.code == "limit_memory"
    assert "1 MB bộ nhớ" in caught.value.message
