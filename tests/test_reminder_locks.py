"""Who may run: one bot per SQLite file; the composition root wires lock, catch-up and jobs."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import build_app, run
from db.locks import AlreadyRunning, InstanceLock, sqlite_path
from db.models import AppSetting
from scheduler.jobs import ReminderJobs
from tests.conftest import PG_ADMIN_URL
from tests.support import make_settings
from timelang.clock import FakeClock


def test_a_second_lock_on_the_same_file_is_refused_with_the_reason(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'nhacviec.db'}"
    first = InstanceLock(url)
    first.acquire()
    try:
        with pytest.raises(AlreadyRunning) as refused:
            InstanceLock(url).acquire()
        message = str(refused.value)
        assert f"PID {os.getpid()}" in message and "nhacviec.db" in message
        assert "PostgreSQL" in message
    finally:
        first.release()
    with InstanceLock(url):  # free again once released
        pass
    assert InstanceLock(PG_ADMIN_URL).path is None  # PostgreSQL: several instances allowed
    assert sqlite_path("sqlite://") is None


def test_a_second_bot_process_refuses_to_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'nhacviec.db'}"
    repo = Path(__file__).resolve().parents[1]
    path = os.pathsep.join(p for p in (str(repo), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "DATABASE_URL": url, "DATA_DIR": str(tmp_path / "data"),
           "TELEGRAM_BOT_TOKEN": "", "ZALO_BOT_TOKEN": "", "PYTHONPATH": path}
    with InstanceLock(url):
        result = subprocess.run([sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path,
                                capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "Một tiến trình nhacviec khác" in result.stderr
    assert "Traceback" not in result.stderr


async def test_run_takes_the_lock_catches_up_and_schedules(tmp_path: Path, db_url: str) -> None:
    from datetime import UTC, datetime

    clock = FakeClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    app = build_app(make_settings(tmp_path, db_url), clock=clock)
    stop = asyncio.Event()
    started: list[ReminderJobs] = []
    original_start = ReminderJobs.start

    def spy(self: ReminderJobs) -> object:
        started.append(self)
        return original_start(self)

    ReminderJobs.start = spy  # type: ignore[method-assign]
    try:
        task = asyncio.create_task(run(app, stop=stop))
        for _ in range(500):
            if started:
                break
            await asyncio.sleep(0.01)
        assert started, "the scheduler did not start"
        jobs = started[0]
        assert jobs.scheduler is not None
        ids = {job.id for job in jobs.scheduler.get_jobs()}
        assert ids == {"reminder-planner", "weekly-digest", "sender-nudge", "delivery-report",
                       "occurrences-ahead", "close-report-periods"}
        planner_job = jobs.scheduler.get_job("reminder-planner")
        assert planner_job is not None and planner_job.misfire_grace_time is None
        if app.settings.resolved_database_url.startswith("sqlite"):
            with pytest.raises(AlreadyRunning):
                InstanceLock(app.settings.resolved_database_url).acquire()
        stop.set()
        await asyncio.wait_for(task, 30)
    finally:
        ReminderJobs.start = original_start  # type: ignore[method-assign]
        app.close()
    assert jobs.scheduler is None  # stopped with the bot
    with app.session_factory() as session:
        state = session.scalar(select(AppSetting).where(AppSetting.key == "reminder_planner"))
        assert state is not None and state.value["planned_through"].startswith("2026-03-02")
    with InstanceLock(app.settings.resolved_database_url):  # released at stop
        pass
