"""`nhacviec run` with a Telegram token, as the composition root wires it: polling, the command
menu, the outbox sender on its own Bot and connection pool, the catch-up at start, a clean
stop. Against the fake Bot API with Telegram's flood limits enforced."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import select

from bot.app import build_app, run
from db import services
from db.models import Outbox
from db.queries import load_calendar
from db.session import unit_of_work
from tests.fakes.telegram_api import FakeTelegramServer, RateLimits
from tests.support import make_settings
from timelang.clock import FakeClock
from timelang.deadlines import parse_deadline

MEMBER = 4242


async def test_run_polls_replies_and_sends_due_reminders(tmp_path: Path, db_url: str) -> None:
    async with FakeTelegramServer(rate_limits=RateLimits(30, 1, 20)) as server:
        settings = make_settings(tmp_path, db_url, telegram_bot_token=server.token,
                                 telegram_api_base_url=server.api_base_url,
                                 telegram_file_base_url=server.file_base_url)
        # Thursday 04/06/2026 09:00 local: the 08:00 reminder of a task due today is owed.
        clock = FakeClock(datetime.combine(date(2026, 6, 4), time(9, 0),
                                           tzinfo=settings.tz).astimezone(UTC))
        app = build_app(settings, clock=clock)
        now = clock.now()
        with unit_of_work(app.session_factory) as session:
            unit = services.create_unit(session, code="PNV", name="Phòng Nội vụ", parent=None,
                                        actor="test", now=now)
            actor = services.resolve_actor(session, platform="telegram",
                                           external_id=str(MEMBER), display_name="Chuyên viên",
                                           private_chat_id=str(MEMBER), now=now)
            services.set_membership(session, person_id=actor.person_id, unit_id=unit.id,
                                    role="member", actor="test", now=now)
            task = services.create_task(
                session, title="Báo cáo tháng 6", lead_unit=unit,
                deadline=parse_deadline("04/06/2026", ref=date(2026, 5, 1)), actor="test",
                now=now, today=date(2026, 5, 1), calendar=load_calendar(session))
            task_id = task.id
        stop = asyncio.Event()
        running = asyncio.create_task(run(app, stop=stop))
        try:
            member = server.user(MEMBER, "Chuyên viên")
            reminder = await server.wait_for_messages(member, 1, timeout=20)
            assert f"#{task_id}" in (reminder[0].text or "")
            server.send_text(member, "/nhiemvu")
            [reply] = await server.wait_for_messages(member, 1, timeout=20)
            assert "Báo cáo tháng 6" in (reply.text or "")
            assert server.requests_for("setMyCommands")
        finally:
            stop.set()
            await asyncio.wait_for(running, 30)
            app.close()
        server.assert_no_violations()
    with app.session_factory() as session:
        assert session.scalars(select(Outbox.status)).all() == ["sent"]
