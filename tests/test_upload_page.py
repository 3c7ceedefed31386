"""The upload page through which people on Zalo send documents: the bot's prompt becomes a
link; the page's form (GET), the multipart POST with the token and its CSRF value going
through the same evidence and plan paths as a chat upload; forged, expired, reused,
cross-origin and too-large uploads refused. And once in a real headless Chromium, when one
is installed (apt-get install chromium chromium-driver)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot import upload_page
from bot.app import App, build_app
from bot.http import FileLinks, WebServer
from bot.upload_page import UploadLinks
from db import services
from db.models import Evidence, Task
from db.session import unit_of_work
from handlers.base import Incoming, UploadLink, UploadPurpose
from tests.support import RecordingReplier, make_settings, sample_pdf
from tests.test_handlers import seed
from timelang.clock import FakeClock

MAX_BYTES = 1024 * 1024
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
URL = re.compile(r"(http://\S+/upload/\S+)")


class ZaloLikeReplier(RecordingReplier):
    """A chat on a platform that passes no documents: it hands out upload links."""

    def __init__(self, links: UploadLinks, chat_id: str) -> None:
        super().__init__(buttons=False)
        self.links, self.chat_id = links, chat_id

    def upload_link(self, user_id: str, purpose: UploadPurpose) -> UploadLink | None:
        return self.links.make("zalo", self.chat_id, user_id, purpose)


@dataclass
class Site:
    app: App
    server: WebServer
    links: UploadLinks
    chats: dict[str, RecordingReplier]
    task_id: int
    port: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def site(tmp_path: Path, db_url: str, clock: FakeClock) -> AsyncIterator[Site]:
    port = free_port()
    settings = make_settings(tmp_path, db_url, webhook_base_url=f"http://127.0.0.1:{port}",
                             max_file_bytes=MAX_BYTES, admins="telegram:1,zalo:za",
                             plan_read_in_child=False)
    app = build_app(settings, clock=clock)
    seed(app)
    now = clock.now()
    with unit_of_work(app.session_factory) as session:
        actor = services.resolve_actor(session, platform="zalo", external_id="z1",
                                       display_name="Cán bộ Zalo", private_chat_id="z1",
                                       now=now, env_admins=settings.admin_identities)
        pnv = services.unit_by_code(session, "PNV")
        assert pnv is not None
        services.set_membership(session, person_id=actor.person_id, unit_id=pnv.id,
                                role="member", actor="test", now=now)
        task_id = session.scalar(select(Task.id).where(Task.title == "Báo cáo CCHC quý I"))
    server = WebServer(settings, app.session_factory, file_links=FileLinks.from_settings(settings),
                       clock=clock)
    chats: dict[str, RecordingReplier] = {}
    links = upload_page.mount(server, router=app.router, settings=settings,
                              session_factory=app.session_factory, clock=clock,
                              repliers={"zalo": lambda chat: chats.setdefault(
                                  chat, RecordingReplier(buttons=False))})
    assert links is not None and task_id is not None
    yield Site(app, server, links, chats, task_id, port)
    app.close()


async def ask(site: Site, user: str, text: str) -> str:
    replier = ZaloLikeReplier(site.links, user)
    await site.app.router.handle(Incoming(platform="zalo", chat_id=user, user_id=user,
                                          user_name=user, text=text), replier)
    return replier.text


def evidence_count(site: Site) -> int:
    with site.app.session_factory() as session:
        return len(session.scalars(select(Evidence.id)).all())


def upload_form(csrf: str, data: bytes, name: str = "bien_ban.pdf") -> FormData:
    form = FormData()
    form.add_field("csrf", csrf)
    form.add_field("file", data, filename=name, content_type="application/pdf")
    return form


async def test_evidence_through_the_page(site: Site, clock: FakeClock) -> None:
    prompt = await ask(site, "z1", f"/minhchung {site.task_id}")
    assert "Hãy gửi ảnh hoặc tài liệu" not in prompt  # the chat prompt Zalo cannot honour
    assert "Zalo không chuyển tệp" in prompt and "dùng một lần" in prompt
    match = URL.search(prompt)
    assert match is not None
    path = match.group(1).split(str(site.port), 1)[1]
    async with TestClient(TestServer(site.server.app)) as client:
        page = await client.get(path)
        body = await page.text()
        assert page.status == 200 and 'lang="vi"' in body and "width=device-width" in body
        assert f"nhiệm vụ số {site.task_id}" in body and 'type="file"' in body
        assert page.headers["Referrer-Policy"] == "same-origin"
        csrf_match = CSRF.search(body)
        assert csrf_match is not None
        csrf = csrf_match.group(1)

        # Another site's form, and a form without the page's CSRF value: refused.
        evil = await client.post(path, data=upload_form(csrf, sample_pdf()),
                                 headers={"Origin": "https://evil.example"})
        assert evil.status == 403
        no_csrf = await client.post(path, data=upload_form("x", sample_pdf()))
        assert no_csrf.status == 403
        assert evidence_count(site) == 0

        # Larger than a webhook body (256 KB), within MAX_FILE_BYTES: accepted.
        data = sample_pdf() + b"%" + b"x" * 300_000
        sent = await client.post(path, data=upload_form(csrf, data),
                                 headers={"Origin": f"http://127.0.0.1:{site.port}"})
        text = await sent.text()
        assert sent.status == 200, text
        assert "Đã nhận tệp" in text and "Đã lưu minh chứng «bien_ban.pdf»" in text
        assert evidence_count(site) == 1
        # The person's Zalo chat heard it too.
        assert "Đã lưu minh chứng" in site.chats["z1"].text

        # Used once: the same link again is refused, form and post.
        assert (await client.get(path)).status == 410
        assert (await client.post(path, data=upload_form(csrf, sample_pdf()))).status == 410

        # Forged: another task in the claims, or a damaged signature.
        fresh = site.links.make("zalo", "z1", "z1", UploadPurpose("evidence", site.task_id))
        token = fresh.url.rsplit("/", 1)[1]
        body_part, mac = token.split(".")
        tampered = f"{body_part[:-2]}{'A' if body_part[-2] != 'A' else 'B'}{body_part[-1]}.{mac}"
        assert (await client.get(f"/upload/{tampered}")).status == 404
        assert (await client.get(f"/upload/{body_part}.{mac[::-1]}")).status == 404
        assert (await client.get("/upload/nothing")).status == 404
        other_key = UploadLinks(base_url=site.links.base_url, key=b"k" * 32,
                                lifetime=timedelta(hours=1), clock=clock)
        foreign = other_key.make("zalo", "z1", "z1", UploadPurpose("evidence", site.task_id))
        assert (await client.get("/upload/" + foreign.url.rsplit("/", 1)[1])).status == 404

        # Too large: refused by the declared length, and by the bytes actually read.
        page = await client.get(f"/upload/{token}")
        csrf = CSRF.search(await page.text()).group(1)  # type: ignore[union-attr]
        big = await client.post(f"/upload/{token}",
                                data=upload_form(csrf, sample_pdf() + b"x" * (MAX_BYTES + 1)))
        assert big.status == 413 and "lớn hơn 1 MB" in await big.text()
        just_over = await client.post(f"/upload/{token}", data=upload_form(
            csrf, sample_pdf() + b"x" * (MAX_BYTES - len(sample_pdf()) + 1)))
        assert just_over.status == 413
        assert evidence_count(site) == 1

        # Expired.
        clock.advance(timedelta(minutes=site.app.settings.upload_link_lifetime_minutes + 1))
        assert (await client.get(f"/upload/{token}")).status == 410
        late = await client.post(f"/upload/{token}", data=upload_form(csrf, sample_pdf()))
        assert late.status == 410 and evidence_count(site) == 1


async def test_someone_elses_task_is_checked_as_in_chat(site: Site) -> None:
    """The page adds no rights: a link for a task the person may not act on is refused by
    the same check as a chat upload."""
    with site.app.session_factory() as session:
        other = session.scalar(select(Task.id).where(Task.title == "Kiểm tra công vụ"))
    link = site.links.make("zalo", "z1", "z1", UploadPurpose("evidence", other))
    path = "/upload/" + link.url.rsplit("/", 1)[1]
    async with TestClient(TestServer(site.server.app)) as client:
        csrf = CSRF.search(await (await client.get(path)).text()).group(1)  # type: ignore[union-attr]
        sent = await client.post(path, data=upload_form(csrf, sample_pdf()))
        assert sent.status == 200
        assert evidence_count(site) == 0
        assert "Đã lưu" not in site.chats["z1"].text


async def test_plan_through_the_page(site: Site) -> None:
    prompt = await ask(site, "za", "/nhapkehoach")
    assert "tệp kế hoạch" in prompt and "Zalo không chuyển tệp" in prompt
    path = "/" + URL.search(prompt).group(1).split("/", 3)[3]  # type: ignore[union-attr]
    plan = ("KẾ HOẠCH cải cách hành chính năm 2026\nNgày 05/01/2026\n"
            "1. Phòng Nội vụ rà soát quy chế làm việc, hoàn thành trước ngày 30/06/2026.\n")
    async with TestClient(TestServer(site.server.app)) as client:
        csrf = CSRF.search(await (await client.get(path)).text()).group(1)  # type: ignore[union-attr]
        form = FormData()
        form.add_field("csrf", csrf)
        form.add_field("file", plan.encode(), filename="kehoach.txt", content_type="text/plain")
        sent = await client.post(path, data=form)
        text = await sent.text()
    assert sent.status == 200 and "Đã nhận tệp" in text
    # The preview reached the admin's Zalo chat (its numbered menu continues there) and the page.
    assert "nhiệm vụ từ «kehoach.txt»" in site.chats["za"].text
    assert "Phòng Nội vụ" in site.chats["za"].text and "kehoach.txt" in text
    follow = await ask(site, "za", "1")  # the menu, answered in Zalo
    assert "rà soát quy chế" in follow


async def test_in_a_headless_browser(site: Site, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        if os.environ.get("NHACVIEC_REQUIRE_BROWSER") == "1":
            pytest.fail("NHACVIEC_REQUIRE_BROWSER=1 but chromium/chromedriver are missing")
        pytest.skip("no chromium/chromedriver (apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    prompt = await ask(site, "z1", f"/minhchung {site.task_id}")
    url = URL.search(prompt).group(1)  # type: ignore[union-attr]
    evidence_file = tmp_path / "minh_chung.pdf"
    evidence_file.write_bytes(sample_pdf())
    await site.server.start(host="127.0.0.1", port=site.port)

    def browse() -> tuple[str, str]:
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=390,844"):
            options.add_argument(flag)
        service = webdriver.ChromeService(executable_path=driver_path)
        browser = webdriver.Chrome(options=options, service=service)
        try:
            browser.set_page_load_timeout(60)
            browser.get(url)
            form_text = browser.find_element(By.TAG_NAME, "body").text
            browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(
                str(evidence_file))
            browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            # Once the result page has replaced the form (the browser's own wait).
            WebDriverWait(browser, 60).until(
                lambda b: not b.find_elements(By.CSS_SELECTOR, "input[type=file]"))
            return form_text, browser.find_element(By.TAG_NAME, "body").text
        finally:
            browser.quit()

    try:
        form_text, result = await asyncio.to_thread(browse)
    finally:
        await site.server.stop()
    assert "Gửi tệp" in form_text and f"nhiệm vụ số {site.task_id}" in form_text
    assert "Đã nhận tệp" in result and "Đã lưu minh chứng «minh_chung.pdf»" in result
    assert evidence_count(site) == 1
