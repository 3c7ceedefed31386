"""APScheduler wiring. APScheduler only wakes things up; the database decides what is due.

- every minute, on the minute: the planner looks at the slots since its watermark, so a
  wake-up that came late or never (the process was busy, asleep or down) loses nothing and
  nothing relies on APScheduler's misfire grace time; the digests' watermark is checked too;
- Monday at REMIND_AT: the weekly digests (the week's first working day when Monday is off;
  the minute tick would also find them, this wake just names the job);
- every 15 s: a nudge to the sender (it also wakes itself at the next due row);
- every 10 minutes: the delivery report to the admins, if there is anything to tell;
- 05:30 every day, and at start: recurring tasks get their next occurrences;
- 00:20 every day, and at start: report periods that ended (month, quarter, year) are frozen,
  so the PAR figures of a closed period no longer move.

Planning and reporting are synchronous SQL and run in a worker thread, so command replies on
the event loop never wait for them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.delivery_report import DeliveryReporter
from scheduler.planner import PlanRun, ReminderPlanner
from scheduler.sender import OutboxSender

logger = logging.getLogger(__name__)

SENDER_NUDGE_SECONDS = 15
REPORT_MINUTES = 10
OCCURRENCES_AT = time(5, 30)
CLOSE_PERIODS_AT = time(0, 20)


class ReminderJobs:
    def __init__(
        self,
        *,
        planner: ReminderPlanner,
        sender: OutboxSender,
        reporter: DeliveryReporter,
        tz: ZoneInfo,
        remind_at: time,
        digest_weekday: int = 0,
        close_periods: Callable[[], object] | None = None,
    ) -> None:
        self.planner = planner
        self.sender = sender
        self.reporter = reporter
        self.tz = tz
        self.remind_at = remind_at
        self.digest_weekday = digest_weekday
        self.close_periods = close_periods
        self.scheduler: AsyncIOScheduler | None = None
        self._planning = asyncio.Lock()

    # --- what the jobs do ----------------------------------------------------------------------

    async def plan(self) -> PlanRun:
        """The minute tick: due reminders, then digests (their own watermark, so a missed
        Monday wake is caught up like any reminder)."""
        async with self._planning:  # the minute tick and the digest wake may coincide
            run = await asyncio.to_thread(self.planner.plan_due)
            digests = await asyncio.to_thread(self.planner.plan_digests)
        if run.queued or digests.queued:
            self.sender.kick()
        run.queued += digests.queued
        run.expired += digests.expired
        return run

    async def digest(self) -> PlanRun:
        async with self._planning:
            run = await asyncio.to_thread(self.planner.plan_digests)
        if run.queued:
            self.sender.kick()
        return run

    async def report(self) -> int:
        count = await asyncio.to_thread(self.reporter.report)
        if count:
            self.sender.kick()
        return count

    async def ensure_occurrences(self) -> int:
        return await asyncio.to_thread(self.planner.ensure_occurrences_ahead)

    async def close_report_periods(self) -> None:
        if self.close_periods is not None:
            await asyncio.to_thread(self.close_periods)

    async def catch_up(self, *, single_instance: bool) -> PlanRun:
        """At start: rows a dead sender left in flight go back in line (all of them when the
        SQLite lock proves we are alone, else those whose lease ran out), stale scheduled rows
        expire, missed slots are planned (or expired), and the admins get one report."""
        await asyncio.to_thread(self.planner.warm_up)
        await asyncio.to_thread(self.sender.recover, all_orphans=single_instance)
        await asyncio.to_thread(self.sender.expire_stale)
        await self.ensure_occurrences()
        await self.close_report_periods()
        run = await self.plan()
        await self.report()
        self.sender.kick()
        return run

    # --- the schedule --------------------------------------------------------------------------

    def start(self) -> AsyncIOScheduler:
        scheduler = AsyncIOScheduler(
            timezone=self.tz,
            # Late or coalesced wake-ups are fine: every job reads what is due from the database.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        scheduler.add_job(self._guard(self.plan), CronTrigger(second=0, timezone=self.tz),
                          id="reminder-planner", name="plan due reminders")
        scheduler.add_job(
            self._guard(self.digest),
            CronTrigger(day_of_week=self.digest_weekday, hour=self.remind_at.hour,
                        minute=self.remind_at.minute, timezone=self.tz),
            id="weekly-digest", name="weekly digests to leaders and admins")
        scheduler.add_job(self.sender.kick, IntervalTrigger(seconds=SENDER_NUDGE_SECONDS),
                          id="sender-nudge", name="wake the outbox sender")
        scheduler.add_job(self._guard(self.report), IntervalTrigger(minutes=REPORT_MINUTES),
                          id="delivery-report", name="report delivery problems to admins")
        scheduler.add_job(
            self._guard(self.ensure_occurrences),
            CronTrigger(hour=OCCURRENCES_AT.hour, minute=OCCURRENCES_AT.minute, timezone=self.tz),
            id="occurrences-ahead", name="create next occurrences of recurring tasks")
        scheduler.add_job(
            self._guard(self.close_report_periods),
            CronTrigger(hour=CLOSE_PERIODS_AT.hour, minute=CLOSE_PERIODS_AT.minute,
                        timezone=self.tz),
            id="close-report-periods", name="freeze the figures of ended report periods")
        scheduler.start()
        self.scheduler = scheduler
        return scheduler

    def stop(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.scheduler = None

    @staticmethod
    def _guard(job: Any) -> Any:
        """A failing run is logged and tried again at the next wake, never kills the loop."""

        async def guarded() -> None:
            try:
                await job()
            except Exception:
                logger.exception("scheduler job %s failed", getattr(job, "__name__", job))

        guarded.__name__ = getattr(job, "__name__", "job")
        return guarded
