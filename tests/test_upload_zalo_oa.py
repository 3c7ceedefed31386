"""Files on the Zalo OA come through the upload page as on the Zalo Bot platform: the real
OA adapter wired by `start_zalo_platforms` answers /minhchung, /nhapkehoach and /nhapcanbo
with a one-time link, the page's upload goes through the same command; and no reply on Zalo
asks for a document in the chat (with the page, or without it)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.app import App, build_app
from bot.http import build_web_server
from bot.zalo_oa import PLATFORM_OA, WEBHOOK_PATH, ZaloOABot
from bot.zalo_platforms import start_zalo_platforms
from db import services
from db.models import Evidence, StaffEntry, Task
from db.session import unit_of_work
from handlers.base import Incoming
from tests.fakes.zalo_api import FakeZaloOA
from tests.support import RecordingReplier, make_settings, sample_pdf
from tests.test_handlers import seed
from tests.test_onboarding import staff_xlsx
from tests.test_upload_page import CSRF, free_port
from tests.test_zalo_oa import APP_ID, APP_SECRET, FIRST_REFRESH, OA_SECRET_KEY
from timelang.clock import FakeClock

MEMBER, ADMIN = "246810", "777"
LINK = re.compile(r"(http://127\.0\.0\.1:\d+)(/upload/\S+)")
# Words that ask for a file; with no upload link beside them, they ask for it in the chat.
# ("Hãy gửi ảnh hoặc tài liệu…", "📄 Gửi tệp kế hoạch…", "…đang chờ tệp. Gửi tệp, hoặc…")
ASKS_FOR_A_FILE = re.compile(r"hãy gửi|(^|[.:] )(📄 )?gửi tệp", re.IGNORECASE | re.MULTILINE)


def asks_in_chat(text: str) -> bool:
    return bool(ASKS_FOR_A_FILE.search(text)) and not LINK.search(text)


@dataclass
class Site:
    app: App
    fake: FakeZaloOA
    bot: ZaloOABot
    base: str
    task_id: int

    async def say(self, user: str, text: str) -> str:
        """What the OA sent this person in answer (plain text, as Zalo shows it)."""
        before = len(self.fake.sent)
        raw, headers = self.fake.signed_event(self.fake.text_event(user, text), OA_SECRET_KEY)
        async with aiohttp.ClientSession() as session, session.post(
                self.base + WEBHOOK_PATH, data=raw, headers=headers) as response:
            assert response.status == 200
        await self.bot.dispatcher.join()
        return "\n".join(t for u, t in self.fake.sent[before:] if u == user)

    async def upload(self, prompt: str, data: bytes, name: str, mime: str) -> str:
        """Opens the link in `prompt` and sends the file, as the person's browser would."""
        found = LINK.search(prompt)
        assert found is not None, prompt
        url = self.base + found.group(2)
        async with aiohttp.ClientSession() as session:
            async with session.get(url) as page:
                assert page.status == 200
                csrf = CSRF.search(await page.text())
            assert csrf is not None
            form = aiohttp.FormData()
            form.add_field("csrf", csrf.group(1))
            form.add_field("file", data, filename=name, content_type=mime)
            async with session.post(url, data=form) as sent:
                assert sent.status == 200
                return await sent.text()


def count(app: App, model: Any) -> int:
    with app.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
async def site(tmp_path: Path, db_url: str, clock: FakeClock) -> AsyncIterator[Site]:
    fake = FakeZaloOA(app_id=APP_ID, app_secret=APP_SECRET, refresh_token=FIRST_REFRESH,
                      clock=clock)
    await fake.start()
    port = free_port()
    settings = make_settings(
        tmp_path, db_url, admins=f"{PLATFORM_OA}:{ADMIN}", zalo_oa_app_id=APP_ID,
        zalo_oa_app_secret=APP_SECRET, zalo_oa_secret_key=OA_SECRET_KEY,
        zalo_oa_refresh_token=FIRST_REFRESH, zalo_oa_api_base_url=fake.api_base_url,
        zalo_oa_oauth_url=fake.oauth_url, zalo_chat_interval_seconds=0,
        zalo_messages_per_second=10_000, webhook_base_url=f"http://127.0.0.1:{port}",
        plan_read_in_child=False)
    app = build_app(settings, clock=clock)
    seed(app)
    with unit_of_work(app.session_factory) as session:
        actor = services.resolve_actor(session, platform=PLATFORM_OA, external_id=MEMBER,
                                       display_name="Hoàng Thị Lan", private_chat_id=MEMBER,
                                       now=clock.now(), env_admins=settings.admin_identities)
        pnv = services.unit_by_code(session, "PNV")
        assert pnv is not None
        services.set_membership(session, person_id=actor.person_id, unit_id=pnv.id,
                                role="member", actor="test", now=clock.now())
        task_id = session.scalar(select(Task.id).where(Task.title == "Báo cáo CCHC quý I"))
    assert task_id is not None
    web = build_web_server(app.wiring())
    assert web is not None and web.file_links is not None
    closers = await start_zalo_platforms(app.wiring(), web)
    await web.start(host="127.0.0.1", port=port)
    bot = next(t.bot for t in app.transports.values() if t.platform == PLATFORM_OA)
    try:
        yield Site(app, fake, bot, f"http://127.0.0.1:{port}", task_id)
    finally:
        for close in closers:
            await close()
        await web.stop()
        await fake.stop()
        app.close()


async def test_evidence_on_the_oa_through_the_page(site: Site) -> None:
    prompt = await site.say(MEMBER, f"/minhchung {site.task_id}")
    assert "dùng một lần" in prompt and not asks_in_chat(prompt)
    answer = await site.upload(prompt, sample_pdf(), "bien_ban.pdf", "application/pdf")
    assert "Đã lưu minh chứng «bien_ban.pdf»" in answer
    assert count(site.app, Evidence) == 1
    # The person's OA chat heard it too.
    assert any("Đã lưu minh chứng" in text for user, text in site.fake.sent if user == MEMBER)


async def test_staff_list_on_the_oa_through_the_page(site: Site) -> None:
    await site.say(ADMIN, "/start")
    prompt = await site.say(ADMIN, "/nhapcanbo")
    assert "danh sách cán bộ" in prompt and LINK.search(prompt)
    # A word typed while the bot waits: the link again, never "send the file here".
    again = await site.say(ADMIN, "danh sách đây")
    assert LINK.search(again) and not asks_in_chat(again)
    data = staff_xlsx([["Nguyễn Văn An", "0912345678", "PNV", "lãnh đạo"],
                       ["Trần Thị Bình", "0987654321", "VP", "cán bộ"]])
    answer = await site.upload(
        again, data, "ds.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "Đã nhận tệp" in answer
    await site.say(ADMIN, "có")  # the import's "Xác nhận?"
    assert count(site.app, StaffEntry) == 2


async def test_no_reply_on_zalo_asks_for_a_document_in_the_chat(site: Site) -> None:
    await site.say(ADMIN, "/start")
    said = [
        await site.say(MEMBER, "/trogiup"),
        await site.say(MEMBER, f"/minhchung {site.task_id}"),
        await site.say(MEMBER, "gửi rồi"),
        await site.say(ADMIN, "/trogiup"),
        await site.say(ADMIN, "/nhapkehoach"),
        await site.say(ADMIN, "đây"),
        await site.say(ADMIN, "/huy"),
        await site.say(ADMIN, "/nhapcanbo"),
    ]
    assert all(said)
    assert [text for text in said if asks_in_chat(text)] == []
    links = [text for text in said if LINK.search(text)]
    assert len(links) == 5  # evidence twice, plan twice, staff once
    assert "/minhchung SỐ — nhận đường dẫn" in said[0]


class ZaloWithoutPage(RecordingReplier):
    """A Zalo chat on a bot with no public address: no upload page to offer."""

    receives_documents = False


async def test_without_the_page_zalo_is_told_how_instead(tmp_path: Path, db_url: str,
                                                         clock: FakeClock) -> None:
    app = build_app(make_settings(tmp_path, db_url, admins="zalo:za,telegram:1"), clock=clock)
    seed(app)
    try:
        for text in ("/nhapkehoach", "/nhapcanbo"):
            replier = ZaloWithoutPage(buttons=False)
            await app.router.handle(Incoming(platform="zalo", chat_id="za", user_id="za",
                                             user_name="Quản trị", text=text), replier)
            assert "WEBHOOK_BASE_URL" in replier.text
            assert not asks_in_chat(replier.text)
            await app.router.handle(Incoming(platform="zalo", chat_id="za", user_id="za",
                                             user_name="Quản trị", text="/huy"), replier)
            # On Telegram the same command asks in the chat (and the pattern sees it).
            telegram = RecordingReplier()
            await app.router.handle(Incoming(platform="telegram", chat_id="1", user_id="1",
                                             user_name="Quản trị", text=text), telegram)
            assert asks_in_chat(telegram.text), telegram.text
            await app.router.handle(Incoming(platform="telegram", chat_id="1", user_id="1",
                                             user_name="Quản trị", text="/huy"), telegram)
        # Evidence: photos still come through a Zalo chat, documents go through Telegram.
        with unit_of_work(app.session_factory) as session:
            task_id = session.scalar(select(Task.id).where(Task.title == "Báo cáo CCHC quý I"))
        replier = ZaloWithoutPage(buttons=False)
        await app.router.handle(Incoming(platform="zalo", chat_id="za", user_id="za",
                                         user_name="Quản trị", text=f"/minhchung {task_id}"),
                                replier)
        assert "Hãy gửi ảnh" in replier.text and "qua Telegram" in replier.text
        assert "tài liệu (PDF" not in replier.text  # the Telegram prompt's list
    finally:
        app.close()
