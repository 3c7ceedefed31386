"""Calendar feeds: one event per occurrence, parsed back with `icalendar`; the HTTP routes
with their per-feed tokens; `nhacviec ics`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import cli_reports as reports_cli
from bot.app import build_app
from bot.cli import main
from config.settings import Settings
from db.models import Occurrence, Person, Unit
from db.session import make_engine, make_session_factory, unit_of_work
from reports import feeds, ics
from reports import web as report_web
from tests.support import make_settings
from tests.test_report_scenario import (
    TZ,
    District,
    apply_events,
    build_district,
    local,
    migrated_session,
)
from timelang.clock import FakeClock

TODAY = date(2026, 4, 20)
NOW = local("20/04", "08:00")


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    yield from migrated_session(db_url)


@pytest.fixture
def district(session: Session) -> District:
    district = build_district(session)
    apply_events(session, district, NOW)
    session.flush()
    return district


def events(body: bytes) -> dict[str, Any]:
    calendar = Calendar.from_ical(body)
    found = {}
    for event in calendar.walk("VEVENT"):
        found[str(event["UID"])] = event
    assert len(found) == len(calendar.walk("VEVENT"))  # no UID twice
    return found


def uid(district: District, key: str) -> str:
    return f"occurrence-{district.occurrences[key]}@nhacviec"


def test_unit_feed_has_one_event_per_occurrence(session: Session, district: District) -> None:
    unit = session.get_one(Unit, district.units["VP"])
    body = ics.feed(session, ics.unit_scope(unit), today=TODAY, now=NOW, tz=TZ)
    calendar = Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "Hạn nhiệm vụ — Văn phòng HĐND và UBND huyện"
    found = events(body)
    # VP leads the six monthly meetings and supports PNV's T2; the ongoing T5 has no date.
    expected = {f"T4-0{month}" for month in range(1, 7)} | {"T2"}
    assert set(found) == {uid(district, key) for key in expected}
    meeting = found[uid(district, "T4-05")]
    assert meeting.decoded("DTSTART") == date(2026, 6, 5)
    assert meeting.decoded("DTEND") == date(2026, 6, 6)
    assert str(meeting["SUMMARY"]) == "Họp giao ban định kỳ hàng tháng"
    assert "Kỳ: tháng 05/2026" in str(meeting["DESCRIPTION"])
    assert "Trạng thái: Đang thực hiện" in str(meeting["DESCRIPTION"])
    assert str(found[uid(district, "T4-02")]["SUMMARY"]).startswith("✅ ")
    assert str(found[uid(district, "T2")]["SUMMARY"]) == "✅ Kiểm tra công vụ (phối hợp)"


def test_person_feed_of_the_chairman_covers_the_district(session: Session,
                                                         district: District) -> None:
    chairman = session.get_one(Person, district.people["chu_tich"])
    body = ics.feed(session, ics.person_scope(session, chairman), today=TODAY, now=NOW, tz=TZ)
    found = events(body)
    dated = [key for key in district.occurrences if key != "T5"]
    assert set(found) == {uid(district, key) for key in dated}
    assert len(found) == 21
    extended = found[uid(district, "T8")]
    assert extended.decoded("DTSTART") == date(2026, 4, 15)
    assert "Hạn: 15/04/2026 (gia hạn từ 25/03/2026)" in str(extended["DESCRIPTION"])
    assert str(found[uid(district, "T6")]["SUMMARY"]).startswith("✅")  # done late on 10/04
    # Everything due before 20/04 is done by then: nothing is marked overdue.
    assert not [e for e in found.values() if str(e["SUMMARY"]).startswith("🔴")]

    member = session.get_one(Person, district.people["em"])
    commune = events(ics.feed(session, ics.person_scope(session, member), today=date(2026, 6, 26),
                              now=NOW, tz=TZ))
    assert set(commune) == {uid(district, key) for key in ("T11", "T12-Q1", "T12-Q2")}
    assert str(commune[uid(district, "T12-Q2")]["SUMMARY"]).startswith("🔴 Quá hạn: ")


def test_old_done_occurrences_leave_the_feed(session: Session, district: District) -> None:
    unit = session.get_one(Unit, district.units["XA_A"])
    later = TODAY + timedelta(days=ics.PAST_DAYS + 200)
    found = events(ics.feed(session, ics.unit_scope(unit), today=later, now=NOW, tz=TZ))
    # T11 and T12-Q1 are long done; T12-Q2 is still open and stays.
    assert set(found) == {uid(district, "T12-Q2")}


# --- over HTTP -----------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path, db_url: str) -> Iterator[tuple[Any, Settings, District]]:
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    settings = make_settings(tmp_path, db_url, webhook_base_url="https://bot.example.vn/")
    from db.migrate import upgrade

    upgrade(engine)
    with unit_of_work(factory) as session:
        district = build_district(session)
        apply_events(session, district, NOW)
    yield factory, settings, district
    engine.dispose()


async def test_http_feeds_need_the_right_token(served: tuple[Any, Settings, District]) -> None:
    factory, settings, district = served
    app = web.Application()
    app.add_routes(report_web.routes(factory, settings, clock=FakeClock(NOW)))
    with unit_of_work(factory) as session:
        vp = feeds.create(session, "unit", "vp", now=NOW)
        pnv = feeds.create(session, "unit", "PNV", now=NOW)
        ghost = feeds.create(session, "unit", "KHONGCO", now=NOW)
        person = feeds.create(session, "person", str(district.people["em"]), now=NOW)
    url = feeds.url(settings, vp)
    assert url.startswith("https://bot.example.vn/ics/unit/VP.ics?token=")
    async with TestClient(TestServer(app)) as client:
        ok = await client.get(f"/ics/unit/VP.ics?token={vp.token}")
        assert ok.status == 200
        assert ok.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert len(events(await ok.read())) == 7
        lower = await client.get(f"/ics/unit/vp.ics?token={vp.token}")  # codes are case-blind
        assert lower.status == 200
        assert (await client.get("/ics/unit/VP.ics?token=" + "0" * 32)).status == 403
        assert (await client.get("/ics/unit/VP.ics")).status == 403
        assert (await client.get(f"/ics/unit/VP.ics?token={pnv.token}")).status == 403
        assert (await client.get(f"/ics/unit/KHONGCO.ics?token={ghost.token}")).status == 404
        served_person = await client.get(feeds.url(settings, person).removeprefix(
            "https://bot.example.vn"))
        assert served_person.status == 200 and len(events(await served_person.read())) == 3


def test_feeds_need_no_webhook_secret(tmp_path: Path, db_url: str) -> None:
    settings = make_settings(tmp_path, db_url)
    assert len(report_web.routes(make_session_factory(make_engine(db_url)), settings)) == 2


# --- command line --------------------------------------------------------------------------


def test_ics_cli(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch,
                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.delenv("WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("WEBHOOK_BASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    clock = FakeClock(NOW)
    monkeypatch.setattr(reports_cli, "open_app", lambda settings: build_app(settings, clock=clock))
    app = build_app(make_settings(tmp_path, db_url), clock=clock)
    with unit_of_work(app.session_factory) as session:
        district = build_district(session)
        apply_events(session, district, NOW)
        occurrences = session.scalar(select(func.count()).select_from(Occurrence))
    app.close()
    assert occurrences == 22

    assert main(["ics", "--unit", "XA_A", "--out", "xa.ics"]) == 0
    assert len(events((tmp_path / "xa.ics").read_bytes())) == 3
    assert main(["ics", "--person", "telegram:900", "--out", "ct.ics"]) == 0
    assert len(events((tmp_path / "ct.ics").read_bytes())) == 21
    assert main(["ics", "--person", str(district.people["gam"]), "--out", "g.ics"]) == 0
    assert len(events((tmp_path / "g.ics").read_bytes())) == 2
    capsys.readouterr()

    assert main(["ics", "--unit", "VP", "--url"]) == 2
    assert "WEBHOOK_BASE_URL" in capsys.readouterr().err
    monkeypatch.setenv("WEBHOOK_BASE_URL", "https://bot.example.vn")
    assert main(["ics", "--unit", "vp", "--url"]) == 0  # a new feed of its own
    assert capsys.readouterr().out.startswith("https://bot.example.vn/ics/unit/VP.ics?token=")
    assert main(["ics", "--unit", "KHONGCO"]) == 2
    assert main(["ics", "--person", "telegram:404"]) == 2
    assert main(["ics"]) == 2
