"""Zalo webhook mode: the secret header is checked before anything is processed, wrapped and
bare payloads are both understood, and a redelivered event is handled once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.zalo_adapter import WEBHOOK_PATH
from db.models import Identity
from tests.e2e.scenarios import AN, text_of
from tests.e2e.zalo_driver import WEBHOOK_SECRET, ZaloDriver, zalo_id
from timelang.clock import FakeClock


@pytest.fixture
async def zalo(tmp_path: Path, sqlite_url: str, clock: FakeClock) -> AsyncIterator[ZaloDriver]:
    driver = await ZaloDriver.start(tmp_path, sqlite_url, clock, webhook=True)
    try:
        yield driver
    finally:
        await driver.close()


def identities(driver: ZaloDriver) -> int:
    with driver.app.session_factory() as session:
        return session.scalar(select(func.count()).select_from(Identity)) or 0


async def test_start_registers_the_webhook_with_its_secret(zalo: ZaloDriver) -> None:
    assert zalo.fake.webhook_url == zalo.app.settings.webhook_base_url + WEBHOOK_PATH
    assert zalo.fake.webhook_secret == WEBHOOK_SECRET
    assert not any(method == "getUpdates" for method, _ in zalo.fake.calls)


@pytest.mark.parametrize("secret", [None, "", "wrong-secret-value", WEBHOOK_SECRET + "x"])
async def test_wrong_or_missing_secret_is_rejected_and_nothing_processed(
    zalo: ZaloDriver, secret: str | None
) -> None:
    update = zalo.fake.text_update(zalo_id(AN), "/start", name=AN.name)
    headers = {} if secret is None else {"X-Bot-Api-Secret-Token": secret}
    async with aiohttp.ClientSession() as session, session.post(
        zalo.fake.webhook_url, json=update, headers=headers
    ) as response:
        assert response.status == 403
    await zalo.bot.dispatcher.join()
    assert zalo.handled == 0
    assert zalo.fake.sent == []
    assert identities(zalo) == 0


async def test_wrapped_and_bare_payloads(zalo: ZaloDriver) -> None:
    bare = zalo.fake.text_update(zalo_id(AN), "/start", name=AN.name)
    assert "Nhắc Việc" in text_of(await zalo.deliver(AN, bare))
    wrapped = zalo.fake.text_update(zalo_id(AN), "/donvi", name=AN.name)
    assert "Phòng Nội vụ" in text_of(await zalo.deliver(AN, wrapped, wrapped=True))


async def test_redelivered_event_is_processed_once(zalo: ZaloDriver) -> None:
    update = zalo.fake.text_update(zalo_id(AN), "/start", name=AN.name)
    assert len(await zalo.deliver(AN, update)) == 1
    for wrapped in (False, True):
        assert await zalo.fake.deliver_webhook(update, wrapped=wrapped) == 200
    await zalo.bot.dispatcher.join()
    assert zalo.handled == 1
    assert len(zalo.fake.sent_to(zalo_id(AN))) == 1
    # Another message from the same person is new, even with the same text.
    again = zalo.fake.text_update(zalo_id(AN), "/start", name=AN.name)
    assert len(await zalo.deliver(AN, again)) == 1


async def test_bad_json_is_refused(zalo: ZaloDriver) -> None:
    async with aiohttp.ClientSession() as session, session.post(
        zalo.fake.webhook_url, data=b"{not json",
        headers={"X-Bot-Api-Secret-Token": WEBHOOK_SECRET},
    ) as response:
        assert response.status == 400
    assert zalo.handled == 0


async def test_document_sent_by_a_user_gets_a_hint(zalo: ZaloDriver) -> None:
    await zalo.fake.deliver_webhook(zalo.fake.unsupported_update(zalo_id(AN), name=AN.name))
    await zalo.bot.dispatcher.join()
    assert zalo.handled == 0  # nothing for the router: Zalo did not pass the file on
    [hint] = zalo.fake.sent_to(zalo_id(AN))
    assert "/minhchung SỐ" in hint.text and "<code>" not in hint.text
