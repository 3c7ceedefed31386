"""The reminder policy: when reminders, escalations and digests go out, and when nothing does.

Three layers, each overriding the one before: the built-in defaults (with REMIND_AT and the
quiet hours from the settings), the admins' policy stored in `AppSetting["reminder_policy"]`,
and a task's own `Task.reminder_policy`. Only the keys a layer names are overridden, so an
admin who changes the escalation rhythm keeps the default offsets.

The pure date rules live here too (which working day a reminder falls on), so the planner,
the CLI preview and the tests share one definition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from db.models import AppSetting
from db.reminder_prefs import KIND_SNOOZED
from timelang.calendar import WorkingCalendar

POLICY_SETTING_KEY = "reminder_policy"

KIND_BEFORE_DUE = "before_due"
KIND_DUE_TODAY = "due_today"
KIND_OVERDUE = "overdue"
KIND_ESCALATION = "escalation"
KIND_DIGEST = "digest"
KIND_DELIVERY_REPORT = "delivery_report"
# Most urgent first: a grouped message takes the kind of its most urgent reminder.
REMINDER_KINDS = (KIND_ESCALATION, KIND_OVERDUE, KIND_DUE_TODAY, KIND_BEFORE_DUE)
# What the bot sends on its own initiative: held in quiet hours, expired after the catch-up
# window. Notices caused by a person's action (an approval, a new task) are not held: like a
# reply, someone is waiting for them.
# "Nhắc lại sau" (db.reminder_prefs) is a reminder too: held in quiet hours, expired late.
SCHEDULED_KINDS = frozenset({*REMINDER_KINDS, KIND_DIGEST, KIND_DELIVERY_REPORT, KIND_SNOOZED})

# Keys a task may override; quiet hours and the digest belong to the whole province.
TASK_KEYS = frozenset(
    {"enabled", "before_days", "on_due_day", "overdue_every", "escalate", "escalate_first",
     "escalate_every", "remind_at"}
)


class PolicyError(ValueError):
    """A stored or submitted policy is malformed; the message names the key."""


@dataclass(frozen=True)
class ReminderPolicy:
    enabled: bool = True
    # Calendar days before the due date; a reminder falling on a day off moves earlier.
    before_days: tuple[int, ...] = (7, 3, 1)
    on_due_day: bool = True
    # Overdue reminders to the lead unit every N working days (1 = every working day, 0 = off).
    overdue_every: int = 1
    escalate: bool = True
    # Escalate on the N-th overdue working day, then every `escalate_every` working days.
    escalate_first: int = 1
    escalate_every: int = 3
    remind_at: time = time(8, 0)
    digest: bool = True
    digest_weekday: int = 0  # Monday; moves to the week's first working day from there
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)

    def __post_init__(self) -> None:
        if any(d < 1 or d > 366 for d in self.before_days):
            raise PolicyError("before_days: mỗi giá trị phải từ 1 đến 366 ngày")
        if self.overdue_every < 0 or self.escalate_every < 1 or self.escalate_first < 1:
            raise PolicyError("overdue_every ≥ 0, escalate_first ≥ 1, escalate_every ≥ 1")
        if not 0 <= self.digest_weekday <= 6:
            raise PolicyError("digest_weekday: 0 (thứ Hai) đến 6 (Chủ nhật)")
        if self.quiet_start == self.quiet_end:
            raise PolicyError("quiet_start và quiet_end không được trùng nhau")
        if self.in_quiet_hours(self.remind_at):
            raise PolicyError(
                f"remind_at {self.remind_at:%H:%M} rơi vào giờ yên lặng "
                f"{self.quiet_start:%H:%M}–{self.quiet_end:%H:%M}"
            )

    # --- layering --------------------------------------------------------------------------

    def merged(self, overrides: Mapping[str, Any] | None, *, allowed: Iterable[str] | None = None
               ) -> ReminderPolicy:
        """This policy with the keys of `overrides` replaced (validated)."""
        if not overrides:
            return self
        allowed_keys = set(allowed) if allowed is not None else set(_FIELDS)
        changes: dict[str, Any] = {}
        for key, value in overrides.items():
            if key not in _FIELDS:
                raise PolicyError(f"khoá không biết: {key}")
            if key not in allowed_keys:
                raise PolicyError(f"khoá {key} không đặt riêng cho nhiệm vụ được")
            changes[key] = _coerce(key, value)
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["before_days"] = list(self.before_days)
        for key in ("remind_at", "quiet_start", "quiet_end"):
            data[key] = getattr(self, key).strftime("%H:%M")
        return data

    # --- time rules ------------------------------------------------------------------------

    def in_quiet_hours(self, moment: time) -> bool:
        start, end = self.quiet_start, self.quiet_end
        if start < end:
            return start <= moment < end
        return moment >= start or moment < end  # the usual case: across midnight

    def quiet_until(self, local: datetime) -> datetime | None:
        """When quiet hours that contain `local` end; None outside quiet hours."""
        if not self.in_quiet_hours(local.timetz().replace(tzinfo=None)):
            return None
        end_today = local.replace(hour=self.quiet_end.hour, minute=self.quiet_end.minute,
                                  second=0, microsecond=0)
        return end_today if end_today > local else end_today + timedelta(days=1)

    def slot(self, day: date, tz: ZoneInfo) -> datetime:
        """The aware local moment of `day`'s reminders."""
        return datetime.combine(day, self.remind_at, tzinfo=tz)


_FIELDS = {name: None for name in ReminderPolicy.__dataclass_fields__}


def _coerce(key: str, value: Any) -> Any:
    try:
        if key in ("enabled", "on_due_day", "escalate", "digest"):
            if not isinstance(value, bool):
                raise TypeError
            return value
        if key == "before_days":
            if isinstance(value, int | str):
                value = [value]
            days = tuple(sorted({int(v) for v in value}, reverse=True))
            return days
        if key in ("overdue_every", "escalate_first", "escalate_every", "digest_weekday"):
            if isinstance(value, bool):
                raise TypeError
            return int(value)
        if key in ("remind_at", "quiet_start", "quiet_end"):
            if isinstance(value, time):
                return value
            return time.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise PolicyError(f"giá trị không hợp lệ cho {key}: {value!r}") from None
    raise PolicyError(f"khoá không biết: {key}")


def default_policy(*, remind_at: time, quiet_start: time, quiet_end: time) -> ReminderPolicy:
    return ReminderPolicy(remind_at=remind_at, quiet_start=quiet_start, quiet_end=quiet_end)


def settings_policy(settings: Any) -> ReminderPolicy:
    """The defaults with REMIND_AT, QUIET_START and QUIET_END from the settings."""
    return default_policy(
        remind_at=time.fromisoformat(settings.remind_at),
        quiet_start=time.fromisoformat(settings.quiet_start),
        quiet_end=time.fromisoformat(settings.quiet_end),
    )


def load_policy(session: Session, base: ReminderPolicy) -> ReminderPolicy:
    """The province-wide policy: `base` with the admins' stored overrides."""
    row = session.get(AppSetting, POLICY_SETTING_KEY)
    if row is None or not row.value:
        return base
    return base.merged(row.value)


def save_policy(session: Session, base: ReminderPolicy, overrides: Mapping[str, Any],
                now: datetime) -> ReminderPolicy:
    """Validates and stores the admins' overrides; returns the resulting policy."""
    policy = base.merged(overrides)
    row = session.get(AppSetting, POLICY_SETTING_KEY)
    stored = {key: _jsonable(policy, key) for key in overrides}
    if row is None:
        session.add(AppSetting(key=POLICY_SETTING_KEY, value=stored, version=1, updated_at=now))
    else:
        row.value = {**(row.value or {}), **stored}
        row.version = (row.version or 0) + 1
        row.updated_at = now
    session.flush()
    return policy


def _jsonable(policy: ReminderPolicy, key: str) -> Any:
    return policy.to_dict()[key]


def task_policy(base: ReminderPolicy, overrides: Mapping[str, Any] | None) -> ReminderPolicy:
    """A task's effective policy. A broken task override falls back to `base` rather than
    silencing the task's reminders."""
    if not overrides:
        return base
    try:
        return base.merged(overrides, allowed=TASK_KEYS)
    except PolicyError:
        return base


# --- which day a reminder falls on -----------------------------------------------------------


def reminder_day(target: date, calendar: WorkingCalendar) -> date:
    """A reminder meant for `target` goes out on it, or on the working day before it."""
    if calendar.is_working_day(target):
        return target
    return calendar.previous_working_day(target)


def before_due_offsets(due: date, day: date, policy: ReminderPolicy,
                       calendar: WorkingCalendar) -> list[int]:
    """The offsets (0 = the due-day reminder) whose reminder for `due` falls on `day`."""
    offsets = list(policy.before_days) + ([0] if policy.on_due_day else [])
    return [o for o in offsets if reminder_day(due - timedelta(days=o), calendar) == day]


@dataclass(frozen=True)
class OverdueRhythm:
    """Which overdue working days carry an overdue reminder and an escalation."""

    overdue: bool
    escalation: bool
    overdue_day: int  # 1 on the first working day after the due date


def overdue_rhythm(working_days_late: int, policy: ReminderPolicy) -> OverdueRhythm:
    n = working_days_late
    if n < 1:
        return OverdueRhythm(False, False, n)
    overdue = policy.overdue_every > 0 and (n - 1) % policy.overdue_every == 0
    escalation = (
        policy.escalate
        and n >= policy.escalate_first
        and (n - policy.escalate_first) % policy.escalate_every == 0
    )
    return OverdueRhythm(overdue, escalation, n)


def digest_day(day: date, policy: ReminderPolicy, calendar: WorkingCalendar) -> bool:
    """The weekly digest goes out on the configured weekday, or on the week's next working
    day when that one is off (the Monday after Tết, a Tuesday after a holiday Monday)."""
    if not policy.digest or not calendar.is_working_day(day):
        return False
    start = day - timedelta(days=day.weekday() - policy.digest_weekday)
    if day < start:
        return False
    probe = start
    while probe < day:
        if calendar.is_working_day(probe):
            return False
        probe += timedelta(days=1)
    return True
