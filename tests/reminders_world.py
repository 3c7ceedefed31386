"""The simulated district the reminder-engine tests live in (tests/test_reminders*.py):
UBND → Phòng Nội vụ with a bound group, Văn phòng without one; a controllable clock, the
planner and the sender draining the outbox into recording transports."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import App, build_app
from db import services
from db.models import (
    Outbox,
    Person,
    Unit,
)
from db.queries import load_calendar
from db.session import unit_of_work
from scheduler.policy import (
    REMINDER_KINDS,
)
from tests.support import Harness, RecordingTransport, make_settings
from timelang.clock import FakeClock
from timelang.deadlines import parse_deadline

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
GROUP = "-1001"  # Phòng Nội vụ's bound Telegram group
ADMIN, CHAIRMAN, PNV_LEADER, PNV_MEMBER, VP_LEADER, VP_MEMBER = (
    "1", "200", "201", "202", "300", "301")


def local(day: date, hour: int = 8, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ).astimezone(UTC)


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


@dataclass
class Sent:
    id: int
    kind: str
    chat_id: str
    day: date  # local day of the slot
    sent_at: datetime
    task_ids: list[int]
    text: str


@dataclass
class World:
    app: App
    harness: Harness
    clock: FakeClock
    ids: dict[str, int] = field(default_factory=dict)

    @property
    def transport(self) -> RecordingTransport:
        return self.harness.transport

    async def morning(self, day: date, hour: int = 8, minute: int = 0) -> None:
        """The bot's day: the minute tick plans, the sender drains."""
        self.clock.set(local(day, hour, minute))
        assert self.app.planner is not None
        self.app.planner.plan_due()
        self.app.planner.plan_digests()
        await self.drain()

    async def drain(self) -> None:
        while await self.app.sender.drain_once(limit=500):
            pass

    def rows(self, *, status: str = "sent") -> list[Sent]:
        with self.app.session_factory() as session:
            rows = session.scalars(
                select(Outbox).where(Outbox.status == status).order_by(Outbox.id)).all()
            return [Sent(r.id, r.kind, r.chat_id, r.scheduled_at.astimezone(TZ).date(),
                         r.sent_at or r.created_at, [int(t) for t in r.task_ids], r.text)
                    for r in rows]

    def reminders(self, chat: str, task: str | None = None) -> list[Sent]:
        task_id = self.ids[task] if task else None
        return [r for r in self.rows() if r.chat_id == chat and r.kind in REMINDER_KINDS
                and (task_id is None or task_id in r.task_ids)]

    def digests(self, chat: str) -> dict[date, str]:
        return {r.day: r.text for r in self.rows() if r.chat_id == chat and r.kind == "digest"}


def person(session: Any, external_id: str, name: str, now: datetime,
           platform: str = "telegram") -> Person:
    actor = services.resolve_actor(session, platform=platform, external_id=external_id,
                                   display_name=name, private_chat_id=external_id, now=now)
    return actor.person


def seed_district(app: App, now: datetime) -> dict[str, int]:
    ids: dict[str, int] = {}
    with unit_of_work(app.session_factory) as session:
        ubnd = services.create_unit(session, code="UBND", name="UBND huyện Chợ Mới", parent=None,
                                    actor="test", now=now)
        pnv = services.create_unit(session, code="PNV", name="Phòng Nội vụ", parent=ubnd,
                                   actor="test", now=now)
        vp = services.create_unit(session, code="VP", name="Văn phòng HĐND-UBND", parent=ubnd,
                                  actor="test", now=now)
        person(session, ADMIN, "Quản trị", now)
        for external_id, name, unit, role in (
            (CHAIRMAN, "Chủ tịch Hùng", ubnd, "leader"),
            (PNV_LEADER, "Trưởng phòng Lan", pnv, "leader"),
            (PNV_MEMBER, "Chuyên viên Minh", pnv, "member"),
            (VP_LEADER, "Chánh VP Tâm", vp, "leader"),
            (VP_MEMBER, "Chuyên viên Hoa", vp, "member"),
        ):
            someone = person(session, external_id, name, now)
            services.set_membership(session, person_id=someone.id, unit_id=unit.id, role=role,
                                    actor="test", now=now)
        chat = services.ensure_chat(session, platform="telegram", external_id=GROUP,
                                    kind="group", title="Nhóm Phòng Nội vụ", now=now)
        chat.unit_id = pnv.id
        ids.update(UBND=ubnd.id, PNV=pnv.id, VP=vp.id)
    return ids


def add_task(app: App, unit_id: int, title: str, phrase: str, now: datetime) -> int:
    today = now.astimezone(TZ).date()
    with unit_of_work(app.session_factory) as session:
        unit = session.get(Unit, unit_id)
        task = services.create_task(session, title=title, lead_unit=unit,
                                    deadline=parse_deadline(phrase, ref=today), actor="test",
                                    now=now, today=today, calendar=load_calendar(session))
        return task.id


@pytest.fixture(name="world")
async def world_fixture(tmp_path: Path, db_url: str) -> AsyncIterator[World]:
    clock = FakeClock(local(date(2026, 3, 25), 9))
    app = build_app(make_settings(tmp_path, db_url), clock=clock)
    harness = Harness(app)
    result = World(app, harness, clock, seed_district(app, clock.now()))
    yield result
    app.close()


def section(text: str, heading: str) -> str:
    """The lines of the section whose heading starts with `heading`."""
    for block in text.split("\n\n"):
        if block.startswith(heading):
            return block
    return ""
