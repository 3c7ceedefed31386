"""The shared chat scenarios on Zalo: long polling and webhook, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.scenarios import SCENARIOS, Scenario
from tests.e2e.zalo_driver import ZaloDriver
from timelang.clock import FakeClock


@pytest.fixture(params=["polling", "webhook"])
async def zalo(request: pytest.FixtureRequest, tmp_path: Path, db_url: str,
               clock: FakeClock) -> AsyncIterator[ZaloDriver]:
    driver = await ZaloDriver.start(tmp_path, db_url, clock, webhook=request.param == "webhook")
    try:
        yield driver
    finally:
        await driver.close()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
async def test_scenario_on_zalo(zalo: ZaloDriver, scenario: Scenario) -> None:
    await scenario(zalo)
