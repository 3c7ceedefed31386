"""Secrets stay secret: Settings never shows them, and calendar feeds have tokens of their own,
stored hashed, each revocable without touching the others."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

from bot import cli_reports as reports_cli
from bot.app import build_app
from bot.cli import main
from config.settings import Settings
from db.session import make_engine, make_session_factory, unit_of_work
from reports import web as report_web
from tests.support import make_settings
from tests.test_report_scenario import apply_events, build_district, local
from timelang.clock import FakeClock

SECRETS = {
    "telegram_bot_token": "123456:AAE-telegram-secret-token",
    "zalo_bot_token": "zalo-bot-secret-token-42",
    "webhook_secret": "webhook-secret-value-99",
    "file_link_secret": "file-link-secret-77",
    "zalo_oa_app_secret": "oa-app-secret-55",
    "zalo_oa_secret_key": "oa-secret-key-66",
    "zalo_oa_refresh_token": "oa-refresh-token-88",
}


def test_repr_and_logs_never_show_secrets(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(tmp_path, "postgresql://nhacviec:db-password-31@db:5432/nv",
                             **SECRETS)
    shown = [repr(settings), str(settings), f"{settings}", settings.model_dump_json()]
    caplog.set_level(logging.INFO)
    logging.getLogger("nhacviec.test").info("settings: %s %r", settings, settings)
    shown.append(caplog.text)
    for value in [*SECRETS.values(), "db-password-31"]:
        for text_ in shown:
            assert value not in text_
    # Still usable where they are needed.
    assert settings.telegram_bot_token.get_secret_value() == SECRETS["telegram_bot_token"]
    assert "db-password-31" in settings.resolved_database_url
    assert set(settings.secrets) >= set(SECRETS.values())


def test_existing_environment_variables_still_work(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:env-token")
    monkeypatch.setenv("WEBHOOK_SECRET", "env-secret")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@h/d")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.telegram_bot_token.get_secret_value() == "123:env-token"
    assert settings.webhook_mode is False  # no base URL
    assert settings.resolved_database_url == "postgresql+psycopg://u:p@h/d"


# --- calendar feeds ------------------------------------------------------------------------

BASE = "https://bot.example.vn"


@pytest.fixture
def served(tmp_path: Path, db_url: str) -> Any:
    from db.migrate import upgrade

    engine = make_engine(db_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    settings = make_settings(tmp_path, db_url, webhook_base_url=BASE)
    with unit_of_work(factory) as session:
        district = build_district(session)
        apply_events(session, district, local("20/04", "08:00"))
    yield factory, settings
    engine.dispose()


async def test_a_revoked_feed_is_refused_while_another_still_works(served: Any) -> None:
    from reports import feeds

    factory, settings = served
    now = local("20/04", "08:00")
    with unit_of_work(factory) as session:
        first = feeds.create(session, "unit", "vp", now=now, label="Lịch của chánh VP")
        second = feeds.create(session, "unit", "VP", now=now)
        first_id = first.id
    assert first.token != second.token
    app = web.Application()
    app.add_routes(report_web.routes(factory, settings, clock=FakeClock(now)))
    async with TestClient(TestServer(app)) as client:
        for made in (first, second):
            url = feeds.url(settings, made)
            assert url.startswith(BASE + "/ics/unit/VP.ics?token=")
            assert (await client.get(url.removeprefix(BASE))).status == 200
        with unit_of_work(factory) as session:
            assert feeds.revoke(session, first_id, now=now)
        assert (await client.get(feeds.url(settings, first).removeprefix(BASE))).status == 403
        assert (await client.get(feeds.url(settings, second).removeprefix(BASE))).status == 200
        # A token opens only the feed it was made for.
        assert (await client.get(f"/ics/unit/PNV.ics?token={second.token}")).status == 403
        assert (await client.get("/ics/unit/VP.ics?token=" + "0" * 43)).status == 403
        assert (await client.get("/ics/unit/VP.ics")).status == 403
    with factory() as session:
        stored = " ".join(str(v) for v in session.execute(
            text("SELECT token_hash FROM calendar_feeds")).scalars())
    assert first.token not in stored and second.token not in stored
    assert hashlib.sha256(second.token.encode()).hexdigest() in stored


def test_feed_command_line(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("WEBHOOK_BASE_URL", BASE)
    clock = FakeClock(local("20/04", "08:00"))
    monkeypatch.setattr(reports_cli, "open_app", lambda settings: build_app(settings, clock=clock))
    app = build_app(make_settings(tmp_path, db_url), clock=clock)
    with unit_of_work(app.session_factory) as session:
        build_district(session)
    app.close()

    assert main(["feed", "create", "--unit", "VP", "--label", "chánh VP"]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith(BASE + "/ics/unit/VP.ics?token=")
    assert main(["feed", "create", "--person", "telegram:900"]) == 0
    capsys.readouterr()
    assert main(["feed", "list", "--json"]) == 0
    listed = capsys.readouterr().out
    assert "chánh VP" in listed and url.split("token=")[1] not in listed
    assert main(["feed", "revoke", "1"]) == 0
    assert "1" in capsys.readouterr().out
    assert main(["feed", "revoke", "1"]) == 2  # already revoked
    assert main(["feed", "revoke", "999"]) == 2
    assert main(["feed", "create", "--unit", "KHONGCO"]) == 2
