"""The planner: from the tasks in the database to outbox rows of reminders and digests.

The database is the record of what is due. Each run looks at the reminder slots (a day at
the policy's REMIND_AT) between the last planned moment, kept in `AppSetting
["reminder_planner"]`, and now, and writes one outbox row per chat and slot holding every
reminder that chat gets then: grouped, never a flood. The weekly digests are planned the same
way with their own watermark (`AppSetting["digest_planner"]`).

Idempotency: one outbox row is one message, so its key names the message — `rem:<day>:
<platform>:<chat>` (plus `@HHMM` for tasks with their own reminder time) and
`digest:<year>-W<week>:<person>`. What the issue calls the key of a reminder — task or
occurrence, kind, offset, recipient, day — follows from it: an occurrence has at most one
kind and offset per day and recipient (the nearer of two offsets landing on the same working
day wins), and a day's slot is planned once, with the watermark committed in the same
transaction as its rows. Planning a slot again (a second instance, `nhacviec remind`, a crash
before the commit) finds the keys taken and queues nothing. The key deliberately leaves out
the time of the default slot: moving REMIND_AT on a day already planned sends nothing twice.

Slots missed while the bot was down are planned on start: those within the catch-up window
go out, older ones are written as `expired` rows and told to the admins in one message by
the `DeliveryReporter` — never dropped silently.

Everything here is synchronous SQL over plain tuples (no ORM objects per occurrence), so one
day over 100 000 open occurrences plans well within a second; the async callers run it in a
worker thread so that command replies never wait for it.
"""


from __future__ import annotations

import logging
import threading
import time as monotonic_time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from db import services
from db.locks import try_planner_lock
from db.models import (
    AppSetting,
    AuditLog,
    Occurrence,
    Task,
)
from db.queries import load_calendar
from db.reminder_prefs import KIND_SNOOZED, load_personal
from db.session import SessionFactory
from scheduler.audience import Directory
from scheduler.digest import compute_digests
from scheduler.due_items import compute_items, custom_policies, slot_times
from scheduler.outbox_rows import (
    bulk_insert,
    insert_ignoring_duplicates,
    outbox_values,
    problem_details,
    record_problem,
)
from scheduler.policy import (
    REMINDER_KINDS,
    PolicyError,
    ReminderPolicy,
    digest_day,
    load_policy,
    settings_policy,
)
from scheduler.reminder_text import PlannedMessage, group_reminders, reminder_day_of
from scheduler.working_days import WorkingDayIndex
from timelang.calendar import WorkingCalendar
from timelang.clock import Clock

if TYPE_CHECKING:
    from scheduler.outbox_upkeep import OutboxRow

logger = logging.getLogger(__name__)

PLANNER_STATE_KEY = "reminder_planner"
DIGEST_STATE_KEY = "digest_planner"
PLANNER_ACTOR = "scheduler"


# --- options ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannerOptions:
    tz: ZoneInfo
    base_policy: ReminderPolicy
    catchup_window: timedelta = timedelta(hours=12)
    catchup_max_days: int = 7
    env_admins: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_settings(cls, settings: Any) -> PlannerOptions:
        return cls(
            tz=settings.tz,
            base_policy=settings_policy(settings),
            catchup_window=timedelta(hours=settings.reminder_catchup_hours),
            catchup_max_days=settings.reminder_catchup_max_days,
            env_admins=tuple(settings.admin_identities),
        )


# --- the planner -----------------------------------------------------------------------------


@dataclass
class PlanRun:
    skipped: bool = False
    slots: list[datetime] = field(default_factory=list)
    queued: int = 0
    expired: int = 0
    already_planned: int = 0
    gap: tuple[datetime, datetime] | None = None
    seconds: float = 0.0


@dataclass
class Refreshed:
    text: str
    menu: Sequence[tuple[str, str]] | None
    task_ids: Sequence[int]
    kind: str


class ReminderPlanner:
    """Computes due reminders and digests and writes them to the outbox."""

    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        clock: Clock,
        options: PlannerOptions,
    ) -> None:
        self.session_factory = session_factory
        self.clock = clock
        self.options = options
        self._calendar: tuple[float, WorkingCalendar, WorkingDayIndex] | None = None
        self._policy: tuple[float, ReminderPolicy] | None = None
        self._cache_lock = threading.Lock()

    # --- cached reference data -----------------------------------------------------------------

    CACHE_SECONDS = 60.0

    def _calendar_and_index(self, session: Session, *, fresh: bool = False
                            ) -> tuple[WorkingCalendar, WorkingDayIndex]:
        now = monotonic_time.monotonic()
        with self._cache_lock:
            cached = self._calendar
            if not fresh and cached is not None and now - cached[0] < self.CACHE_SECONDS:
                return cached[1], cached[2]
        calendar = load_calendar(session)
        index = WorkingDayIndex(calendar)
        with self._cache_lock:
            self._calendar = (now, calendar, index)
        return calendar, index

    def policy(self, session: Session) -> ReminderPolicy:
        try:
            policy = load_policy(session, self.options.base_policy)
        except PolicyError as error:
            # A bad stored value must not stop every reminder: the defaults still apply.
            logger.error("the stored reminder policy is invalid (%s); using the defaults", error)
            policy = self.options.base_policy
        with self._cache_lock:
            self._policy = (monotonic_time.monotonic(), policy)
        return policy

    def current_policy(self) -> ReminderPolicy:
        """The province-wide policy, re-read at most once a minute (quiet hours for the
        sender)."""
        with self._cache_lock:
            cached = self._policy
        if cached is not None and monotonic_time.monotonic() - cached[0] < self.CACHE_SECONDS:
            return cached[1]
        with self.session_factory() as session:
            return self.policy(session)

    def warm_up(self, now: datetime | None = None) -> None:
        """Fills the process-wide caches a long-running bot has warm (the national holidays of
        this year and the next), so the first 08:00 after a start is as fast as the others."""
        today = self.local_date(now or self.clock.now())
        with self.session_factory() as session:
            calendar, _ = self._calendar_and_index(session, fresh=True)
            self.policy(session)
        for year in (today.year - 1, today.year, today.year + 1):
            calendar.is_working_day(date(year, 12, 31))

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.options.tz).date()

    # --- computing -----------------------------------------------------------------------------

    def compute(
        self,
        session: Session,
        *,
        day: date,
        slot_time: time,
        policy: ReminderPolicy,
        calendar: WorkingCalendar,
        index: WorkingDayIndex,
        directory: Directory | None = None,
        custom: Mapping[int, dict[str, Any]] | None = None,
    ) -> list[PlannedMessage]:
        """The grouped reminders of one slot."""
        items = compute_items(session, day=day, base=policy, calendar=calendar, index=index,
                              slot_time=slot_time, custom=custom)
        if not items:
            return []
        if directory is None:
            directory = Directory(session, env_admins=self.options.env_admins)
        moment = datetime.combine(day, slot_time, tzinfo=self.options.tz).astimezone(UTC)
        return group_reminders(items, directory, day=day, tz=self.options.tz, base=policy,
                               personal=load_personal(session, moment))

    def compute_digests(self, session: Session, *, day: date, policy: ReminderPolicy,
                        calendar: WorkingCalendar, directory: Directory | None = None
                        ) -> list[PlannedMessage]:
        """The weekly digests, on the week's digest day (at REMIND_AT)."""
        if not digest_day(day, policy, calendar):
            return []
        slot = datetime.combine(day, policy.remind_at, tzinfo=self.options.tz).astimezone(UTC)
        if directory is None:
            directory = Directory(session, env_admins=self.options.env_admins)
        return compute_digests(session, day=day, slot=slot, directory=directory,
                               tz=self.options.tz,
                               no_digest=load_personal(session, slot).no_digest)

    def preview(self, at: datetime) -> list[PlannedMessage]:
        """What is due on `at`'s local day at slots up to `at`; writes nothing."""
        local = at.astimezone(self.options.tz)
        with self.session_factory() as session:
            return self._messages_up_to(session, local)

    def _messages_up_to(self, session: Session, local: datetime) -> list[PlannedMessage]:
        policy = self.policy(session)
        calendar, index = self._calendar_and_index(session, fresh=True)
        if not calendar.is_working_day(local.date()):
            return []
        directory = Directory(session, env_admins=self.options.env_admins)
        planned: list[PlannedMessage] = []
        now_time = local.timetz().replace(tzinfo=None)
        for slot_time in sorted(slot_times(session, policy)):
            if slot_time <= now_time:
                planned += self.compute(session, day=local.date(), slot_time=slot_time,
                                        policy=policy, calendar=calendar, index=index,
                                        directory=directory)
        if policy.remind_at <= now_time:
            planned += self.compute_digests(session, day=local.date(), policy=policy,
                                            calendar=calendar, directory=directory)
        return planned

    def record(self, at: datetime) -> list[tuple[PlannedMessage, bool]]:
        """`nhacviec remind --at` without --dry-run: queues what is due at `at` (each message
        at most once, ever) and says which were new."""
        now = self.clock.now()
        local = at.astimezone(self.options.tz)
        with self.session_factory() as session:
            planned = self._messages_up_to(session, local)
            rows = []
            for message in planned:
                row = outbox_values(message, status="pending", now=now)
                # Asked for a moment already past: it is due now, not expired (the key
                # still names its day); a future moment waits for its time.
                row["scheduled_at"] = row["not_before"] = max(message.slot, now)
                rows.append(row)
            inserted = insert_ignoring_duplicates(session, rows)
            session.commit()
        return [(m, m.key in inserted) for m in planned]

    # --- the periodic runs ---------------------------------------------------------------------

    def plan_due(self, now: datetime | None = None) -> PlanRun:
        """Plans every reminder slot since the last run up to `now`, in one transaction."""
        return self._plan(now, PLANNER_STATE_KEY, digests=False)

    def plan_digests(self, now: datetime | None = None) -> PlanRun:
        """Plans the weekly digests whose time came since the last run (normally Monday at
        REMIND_AT; the week's first working day when Monday is off)."""
        return self._plan(now, DIGEST_STATE_KEY, digests=True)

    def _plan(self, now: datetime | None, state_key: str, *, digests: bool) -> PlanRun:
        started = monotonic_time.perf_counter()
        now = now or self.clock.now()
        run = PlanRun()
        tz = self.options.tz
        with self.session_factory() as session:
            if not try_planner_lock(session):
                run.skipped = True
                return run
            state = session.get(AppSetting, state_key)
            since = parse_moment(state.value.get("planned_through")) if state else None
            if since is None:
                # A first start plans today's slot if it is still within the window.
                since = now - self.options.catchup_window
            oldest = now - timedelta(days=self.options.catchup_max_days)
            if since < oldest:
                run.gap = (since, oldest)
                if not digests:  # one report of the downtime is enough
                    record_problem(session, action="reminders.gap", outbox_id=None, now=now,
                                   details={"from": since.isoformat(),
                                            "to": oldest.isoformat()})
                since = oldest
            if since < now:
                policy = self.policy(session)
                custom = {} if digests else custom_policies(session)
                times = [policy.remind_at] if digests else sorted(
                    slot_times(session, policy, custom))
                slots = []
                day = since.astimezone(tz).date()
                while day <= now.astimezone(tz).date():
                    for slot_time in times:
                        slot = datetime.combine(day, slot_time, tzinfo=tz).astimezone(UTC)
                        if since < slot <= now:
                            slots.append(slot)
                    day += timedelta(days=1)
                if slots:
                    calendar, index = self._calendar_and_index(session, fresh=True)
                    directory: Directory | None = None
                    for slot in sorted(slots):
                        local = slot.astimezone(tz)
                        if not calendar.is_working_day(local.date()):
                            continue  # nothing is sent on a day off
                        if directory is None:
                            directory = Directory(session, env_admins=self.options.env_admins)
                        if digests:
                            planned = self.compute_digests(
                                session, day=local.date(), policy=policy, calendar=calendar,
                                directory=directory)
                        else:
                            planned = self.compute(
                                session, day=local.date(),
                                slot_time=local.timetz().replace(tzinfo=None), policy=policy,
                                calendar=calendar, index=index, directory=directory,
                                custom=custom)
                        self._write(session, planned, slot=slot, now=now, run=run)
                        run.slots.append(slot)
            if state is None:
                state = AppSetting(key=state_key, value={}, version=0, updated_at=now)
                session.add(state)
            state.value = {"planned_through": max(now, since).isoformat()}
            state.version = (state.version or 0) + 1
            state.updated_at = now
            session.commit()
        run.seconds = monotonic_time.perf_counter() - started
        if run.queued or run.expired:
            logger.info("planned %s for %d slot(s): %d queued, %d expired, %d already planned "
                        "(%.2fs)", "digests" if digests else "reminders", len(run.slots),
                        run.queued, run.expired, run.already_planned, run.seconds)
        return run

    def _write(self, session: Session, planned: list[PlannedMessage], *, slot: datetime,
               now: datetime, run: PlanRun) -> None:
        expired = slot < now - self.options.catchup_window
        status = "expired" if expired else "pending"
        rows = [outbox_values(m, status=status, now=now) for m in planned]
        if not expired:
            # A slot is planned once (watermark and rows commit together), so this is almost
            # always all new; ON CONFLICT skips what another run already queued.
            queued = bulk_insert(session, rows) if rows else 0
            run.queued += queued
            run.already_planned += len(planned) - queued
            return
        # Expired rows need their ids: each is recorded for the admins' report.
        inserted = insert_ignoring_duplicates(session, rows, want_ids=True)
        run.already_planned += len(planned) - len(inserted)
        run.expired += len(inserted)
        by_key = {m.key: m for m in planned}
        if inserted:
            session.execute(cast(Table, AuditLog.__table__).insert(), [
                {"at": now, "actor": PLANNER_ACTOR, "action": "outbox.expired",
                 "entity": "outbox", "entity_id": row_id,
                 "details": problem_details(by_key[key])}
                for key, row_id in inserted.items()
            ])

    # --- re-checking a row just before it is sent ----------------------------------------------

    def refresh(self, session: Session, row: OutboxRow) -> Refreshed | None:
        """The row's reminder as it stands now: tasks completed (or extended, or moved to
        another unit) since planning drop out; None when nothing is left to remind."""
        task_ids = [int(t) for t in (row.task_ids or [])]
        if row.kind == KIND_SNOOZED and task_ids:
            # "Nhắc lại sau": nothing to remind once the task is done or cancelled.
            still_open = session.scalar(select(func.count()).select_from(Occurrence).join(Task)
                                        .where(Occurrence.task_id.in_(task_ids),
                                               Occurrence.done_at.is_(None),
                                               Task.status == "active"))
            if not still_open:
                return None
        if row.kind not in REMINDER_KINDS or not task_ids:
            return Refreshed(row.text, _menu_of(row), task_ids, row.kind)
        day = reminder_day_of(row.key) or row.scheduled_at.astimezone(self.options.tz).date()
        policy = self.current_policy()
        calendar, index = self._calendar_and_index(session)
        items = compute_items(session, day=day, base=policy, calendar=calendar,
                              index=index, slot_time=None, task_ids=task_ids)
        if not items:
            return None
        directory = Directory(session, env_admins=self.options.env_admins,
                              unit_ids={i.unit_id for i in items})
        for message in group_reminders(items, directory, day=day, tz=self.options.tz,
                                       base=policy,
                                       personal=load_personal(session, self.clock.now())):
            if message.recipient.address == (row.platform, row.chat_id):
                return Refreshed(message.text, message.menu, message.task_ids, message.kind)
        return None

    # --- recurring tasks -----------------------------------------------------------------------

    def ensure_occurrences_ahead(self, now: datetime | None = None) -> int:
        """Keeps the next periods of recurring tasks created, so their reminders can be planned
        (a monthly meeting's 7-day reminder needs next month's occurrence to exist)."""
        now = now or self.clock.now()
        today = self.local_date(now)
        created = 0
        with self.session_factory() as session:
            if not try_planner_lock(session):
                return 0
            calendar, _ = self._calendar_and_index(session, fresh=True)
            open_ahead = (
                select(Occurrence.task_id, func.count().label("n"))
                .where(Occurrence.done_at.is_(None), Occurrence.due_date >= today)
                .group_by(Occurrence.task_id)
                .subquery()
            )
            lacking = session.scalars(
                select(Task)
                .outerjoin(open_ahead, open_ahead.c.task_id == Task.id)
                .where(Task.schedule_kind == "recurring", Task.status == "active",
                       func.coalesce(open_ahead.c.n, 0) < services.OCCURRENCES_AHEAD)
                .order_by(Task.id)
            ).all()
            for task in lacking:
                try:
                    created += len(services.ensure_occurrences(
                        session, task, today=today, now=now, calendar=calendar))
                except Exception as error:  # one malformed schedule must not stop the rest
                    logger.warning("task %s: cannot create occurrences: %s", task.id, error)
            session.commit()
        return created


def _menu_of(row: OutboxRow) -> list[tuple[str, str]] | None:
    if not row.menu:
        return None
    return [(item["label"], item["command"]) for item in row.menu]


def parse_moment(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


