"""A person's own reminders: "nhắc lại sau" (snoozes), /caidat settings under the admins'
floor, and which tasks a sent message was about (so a reply to it acts on them).

The rules live here once; the planner (scheduler) reads them through `Personal`, the chat
commands change them through the functions below, each change audited.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from db.actors import Actor
from db.domain import OUTBOX_CHANGED, DomainError, audit
from db.models import (
    AppSetting,
    Occurrence,
    Outbox,
    Person,
    ReminderPrefs,
    ReminderSnooze,
    SentMessage,
    Task,
)
from db.outbox import reachable_identity
from timelang.calendar import WorkingCalendar

FLOOR_SETTING_KEY = "reminder_floor"
# Without an admin's choice, the day before a deadline is always reminded.
DEFAULT_FLOOR_DAYS: tuple[int, ...] = (1,)
# A snooze further than this is a mistake (a typed date years ahead).
MAX_SNOOZE = timedelta(days=31)
# Kept long enough to answer a reply to a reminder read days later.
SENT_MESSAGE_LIFETIME = timedelta(days=60)
KIND_SNOOZED = "snoozed"


# --- the admins' floor ---------------------------------------------------------------------


@dataclass(frozen=True)
class Floor:
    """What no person can switch off: these days before a deadline, the due day, overdue
    reminders and escalations to leaders (the last three are never personal settings)."""

    before_days: tuple[int, ...] = DEFAULT_FLOOR_DAYS


def load_floor(session: Session) -> Floor:
    row = session.get(AppSetting, FLOOR_SETTING_KEY)
    if row is None or not isinstance(row.value, dict):
        return Floor()
    days = row.value.get("before_days")
    if not isinstance(days, list):
        return Floor()
    return Floor(tuple(sorted({int(d) for d in days if isinstance(d, int)}, reverse=True)))


def set_floor(session: Session, *, actor: Actor | str, before_days: Iterable[int],
              now: datetime) -> Floor:
    if isinstance(actor, Actor) and not actor.is_admin:
        raise DomainError("prefs_admin_only")
    days = sorted({int(d) for d in before_days}, reverse=True)
    if any(d < 1 or d > 366 for d in days):
        raise DomainError("prefs_bad_day")
    row = session.get(AppSetting, FLOOR_SETTING_KEY)
    if row is None:
        session.add(AppSetting(key=FLOOR_SETTING_KEY, value={"before_days": days}, version=1,
                               updated_at=now))
    else:
        row.value = {"before_days": days}
        row.version = (row.version or 0) + 1
        row.updated_at = now
    audit(session, actor=actor, action="reminders.floor", entity="app_setting",
          entity_id=None, now=now, before_days=days)
    session.flush()
    return Floor(tuple(days))


# --- a person's settings -------------------------------------------------------------------


def prefs_of(session: Session, person_id: int) -> ReminderPrefs | None:
    return session.get(ReminderPrefs, person_id)


def _prefs_row(session: Session, person_id: int, now: datetime) -> ReminderPrefs:
    row = prefs_of(session, person_id)
    if row is None:
        row = ReminderPrefs(person_id=person_id, before_days=None, digest=True,
                            muted_task_ids=[], updated_at=now)
        session.add(row)
    row.updated_at = now
    return row


def _person(actor: Actor) -> int:
    if actor.person_id is None:
        raise DomainError("prefs_not_registered")
    return actor.person_id


def set_before_days(session: Session, *, actor: Actor, days: Iterable[int],
                    offered: Sequence[int], now: datetime) -> tuple[int, ...]:
    """The person's days before a deadline: chosen among `offered` (the province's days);
    the floor's days are kept whatever is chosen. Returns the days now in force."""
    person_id = _person(actor)
    chosen = {int(d) for d in days}
    if not chosen <= set(offered):
        raise DomainError("prefs_day_not_offered",
                          days=", ".join(str(d) for d in sorted(offered, reverse=True)))
    floor = load_floor(session)
    in_force = tuple(sorted(chosen | set(floor.before_days), reverse=True))
    row = _prefs_row(session, person_id, now)
    row.before_days = list(in_force)
    audit(session, actor=actor, action="prefs.before_days", entity="person",
          entity_id=person_id, now=now, before_days=list(in_force),
          kept_by_floor=sorted(set(floor.before_days) - chosen))
    session.flush()
    return in_force


def reset_before_days(session: Session, *, actor: Actor, now: datetime) -> None:
    person_id = _person(actor)
    row = _prefs_row(session, person_id, now)
    row.before_days = None
    audit(session, actor=actor, action="prefs.before_days", entity="person",
          entity_id=person_id, now=now, before_days=None)
    session.flush()


def set_digest(session: Session, *, actor: Actor, on: bool, now: datetime) -> None:
    person_id = _person(actor)
    row = _prefs_row(session, person_id, now)
    row.digest = on
    audit(session, actor=actor, action="prefs.digest", entity="person", entity_id=person_id,
          now=now, digest=on)
    session.flush()


def set_muted(session: Session, *, actor: Actor, task: Task, muted: bool,
              now: datetime) -> None:
    """Mutes (or unmutes) a task's reminders before its deadline for this person. The
    floor's days, the due day, overdue reminders and escalations still come."""
    person_id = _person(actor)
    row = _prefs_row(session, person_id, now)
    ids = {int(t) for t in row.muted_task_ids or []}
    ids = ids | {task.id} if muted else ids - {task.id}
    row.muted_task_ids = sorted(ids)
    audit(session, actor=actor, action="prefs.mute" if muted else "prefs.unmute",
          entity="task", entity_id=task.id, now=now)
    session.flush()


# --- snoozes -------------------------------------------------------------------------------


def snooze(session: Session, *, actor: Actor, occurrence: Occurrence, until: datetime,
           now: datetime, text: str, menu: Sequence[tuple[str, str]] | None) -> bool:
    """The person hears of `occurrence` again at `until`, not before: the planner leaves it
    out of their private reminders meanwhile, and one message (`text`) waits in the outbox
    for `until` (held in quiet hours like every reminder). A second snooze replaces the
    first. False when the person has no private chat with the bot to hear it in."""
    person_id = _person(actor)
    if occurrence.done_at is not None:
        raise DomainError("prefs_snooze_done")
    if until <= now or until - now > MAX_SNOOZE:
        raise DomainError("prefs_snooze_bad_time")
    row = session.scalar(select(ReminderSnooze).where(
        ReminderSnooze.person_id == person_id, ReminderSnooze.occurrence_id == occurrence.id))
    if row is None:
        row = ReminderSnooze(person_id=person_id, occurrence_id=occurrence.id,
                             task_id=occurrence.task_id, until=until, created_at=now)
        session.add(row)
    row.until, row.created_at = until, now
    prefix = f"snooze:{person_id}:{occurrence.id}:"
    session.execute(
        update(Outbox)
        .where(Outbox.idempotency_key.startswith(prefix, autoescape=True),
               Outbox.status == "pending")
        .values(status="cancelled", last_error="replaced by a later snooze")
        .execution_options(synchronize_session=False))
    person = session.get(Person, person_id)
    identity = reachable_identity(person) if person is not None else None
    if identity is not None:
        session.add(Outbox(
            idempotency_key=f"{prefix}{until.isoformat()}:{now.timestamp():.0f}:{identity.platform}",
            kind=KIND_SNOOZED, platform=identity.platform,
            chat_id=str(identity.private_chat_id), chat_kind="private", text=text,
            menu=[{"label": label, "command": command} for label, command in menu or ()] or None,
            task_ids=[occurrence.task_id], person_id=person_id, priority=0,
            scheduled_at=until, not_before=until, status="pending", attempts=0,
            created_at=now))
        session.info[OUTBOX_CHANGED] = True
    audit(session, actor=actor, action="occurrence.snooze", entity="occurrence",
          entity_id=occurrence.id, now=now, task_id=occurrence.task_id, until=until)
    session.flush()
    return identity is not None


def snoozed_until(session: Session, person_ids: Collection[int], now: datetime
                  ) -> dict[tuple[int, int], datetime]:
    """(person, occurrence) → until, for snoozes still running at `now`."""
    if not person_ids:
        return {}
    rows = session.execute(select(
        ReminderSnooze.person_id, ReminderSnooze.occurrence_id, ReminderSnooze.until).where(
        ReminderSnooze.until > now, ReminderSnooze.person_id.in_(sorted(person_ids))))
    return {(person, occurrence): until for person, occurrence, until in rows}


# --- what the planner needs of every person ------------------------------------------------


@dataclass
class Personal:
    """Every person's settings and running snoozes at one moment, read in two queries."""

    floor: Floor = field(default_factory=Floor)
    before_days: dict[int, frozenset[int]] = field(default_factory=dict)
    no_digest: set[int] = field(default_factory=set)
    muted: dict[int, frozenset[int]] = field(default_factory=dict)
    snoozed: dict[int, frozenset[int]] = field(default_factory=dict)  # person → occurrences

    @property
    def empty(self) -> bool:
        return not (self.before_days or self.muted or self.snoozed)

    def concerns(self, person_id: int | None) -> bool:
        return person_id is not None and (person_id in self.before_days
                                          or person_id in self.muted
                                          or person_id in self.snoozed)

    def hears(self, person_id: int, *, kind: str, offset: int, task_id: int,
              occurrence_id: int) -> bool:
        """Whether a reminder reaches this person's private chat. Overdue reminders and
        escalations always do (the floor: not even a snooze holds an escalation); a snooze
        holds the rest until its time."""
        if kind == "escalation":
            return True
        if occurrence_id in self.snoozed.get(person_id, frozenset()):
            return False
        if kind not in ("before_due", "due_today") or offset == 0:
            return True
        if offset in self.floor.before_days:
            return True
        if task_id in self.muted.get(person_id, frozenset()):
            return False
        days = self.before_days.get(person_id)
        return days is None or offset in days

    def wants_digest(self, person_id: int | None) -> bool:
        return person_id is None or person_id not in self.no_digest


def load_personal(session: Session, now: datetime) -> Personal:
    personal = Personal(floor=load_floor(session))
    for person_id, days, digest, muted in session.execute(select(
            ReminderPrefs.person_id, ReminderPrefs.before_days, ReminderPrefs.digest,
            ReminderPrefs.muted_task_ids)):
        if days is not None:
            personal.before_days[person_id] = frozenset(int(d) for d in days)
        if not digest:
            personal.no_digest.add(person_id)
        if muted:
            personal.muted[person_id] = frozenset(int(t) for t in muted)
    snoozed: dict[int, set[int]] = {}
    for person_id, occurrence_id in session.execute(select(
            ReminderSnooze.person_id, ReminderSnooze.occurrence_id).where(
            ReminderSnooze.until >= now)):
        snoozed.setdefault(person_id, set()).add(occurrence_id)
    personal.snoozed = {p: frozenset(o) for p, o in snoozed.items()}
    return personal


# --- which tasks a sent message was about --------------------------------------------------


def record_sent(session: Session, *, platform: str, chat_id: str, message_ids: Iterable[str],
                task_ids: Iterable[int], now: datetime) -> None:
    ids = sorted({int(t) for t in task_ids})
    if not ids:
        return
    for message_id in dict.fromkeys(str(m) for m in message_ids if m):
        session.add(SentMessage(platform=platform, chat_id=chat_id, message_id=message_id,
                                task_ids=ids, sent_at=now))
    session.flush()


def forget_old_sent(session: Session, now: datetime) -> int:
    """Records past `SENT_MESSAGE_LIFETIME` go (the sender's upkeep): a reply to a reminder
    two months old is not taken as acting on its task."""
    result = session.execute(delete(SentMessage).where(
        SentMessage.sent_at < now - SENT_MESSAGE_LIFETIME))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def tasks_of_message(session: Session, *, platform: str, chat_id: str,
                     message_id: str) -> list[int]:
    row = session.scalar(select(SentMessage).where(
        SentMessage.platform == platform, SentMessage.chat_id == chat_id,
        SentMessage.message_id == message_id))
    return [int(t) for t in row.task_ids] if row is not None else []


# --- when "nhắc lại sau" comes back ------------------------------------------------------

SNOOZE_WHENS = ("chieu", "mai", "ngaylamviec")
LATER_TODAY = timedelta(hours=3)
EARLIEST_AFTERNOON = time(14, 0)
# "Chiều nay" must still leave time before the quiet hours start.
BEFORE_QUIET = timedelta(minutes=30)


def snooze_moment(when: str, local_now: datetime, *, remind_at: time, quiet_start: time,
                  calendar: WorkingCalendar) -> datetime | None:
    """The local moment a snooze ends: «chieu» three hours on (not before 14:00; None when
    that falls in the evening's quiet hours), «mai» tomorrow at the reminders' time,
    «ngaylamviec» the next working day at that time."""
    tz = local_now.tzinfo
    if when == "chieu":
        afternoon = local_now.replace(hour=EARLIEST_AFTERNOON.hour,
                                      minute=EARLIEST_AFTERNOON.minute, second=0, microsecond=0)
        moment = max(local_now + LATER_TODAY, afternoon).replace(second=0, microsecond=0)
        latest = datetime.combine(local_now.date(), quiet_start, tzinfo=tz) - BEFORE_QUIET
        return moment if moment <= latest else None
    if when == "mai":
        day = local_now.date() + timedelta(days=1)
    elif when == "ngaylamviec":
        day = calendar.next_working_day(local_now.date())
    else:
        raise ValueError(when)
    return datetime.combine(day, remind_at, tzinfo=tz)
