"""The reminder policy: layering, validation, and the pure day rules (no database)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.policy import (
    TASK_KEYS,
    PolicyError,
    ReminderPolicy,
    before_due_offsets,
    digest_day,
    overdue_rhythm,
    reminder_day,
    task_policy,
)
from timelang.calendar import WorkingCalendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def test_defaults_match_the_issue() -> None:
    policy = ReminderPolicy()
    assert policy.before_days == (7, 3, 1) and policy.on_due_day
    assert policy.overdue_every == 1
    assert (policy.escalate_first, policy.escalate_every) == (1, 3)
    assert policy.remind_at == time(8, 0)
    assert (policy.quiet_start, policy.quiet_end) == (time(21, 0), time(7, 0))
    assert policy.digest and policy.digest_weekday == 0


def test_layers_override_only_the_keys_they_name() -> None:
    admin = ReminderPolicy().merged({"escalate_every": 5, "before_days": [10, 2]})
    assert admin.escalate_every == 5 and admin.before_days == (10, 2)
    assert admin.on_due_day and admin.remind_at == time(8, 0)
    task = task_policy(admin, {"remind_at": "14:30", "before_days": 1})
    assert task.remind_at == time(14, 30) and task.before_days == (1,)
    assert task.escalate_every == 5  # inherited from the admins' layer
    assert admin.merged({}) is admin
    round_trip = ReminderPolicy().merged(admin.to_dict())
    assert round_trip == admin


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"remind_at": "22:00"}, "giờ yên lặng"),
        ({"before_days": [0]}, "before_days"),
        ({"escalate_every": 0}, "escalate_every"),
        ({"colour": "red"}, "khoá không biết"),
        ({"on_due_day": "yes"}, "on_due_day"),
        ({"remind_at": "8h"}, "remind_at"),
    ],
)
def test_bad_overrides_name_the_problem(overrides: dict[str, object], fragment: str) -> None:
    with pytest.raises(PolicyError, match=fragment):
        ReminderPolicy().merged(overrides)


def test_a_task_cannot_change_province_wide_keys_and_a_broken_override_is_ignored() -> None:
    base = ReminderPolicy()
    assert "quiet_start" not in TASK_KEYS
    with pytest.raises(PolicyError, match="không đặt riêng"):
        base.merged({"quiet_start": "22:00"}, allowed=TASK_KEYS)
    # A broken task override must not silence the task: the base policy applies.
    assert task_policy(base, {"quiet_start": "22:00"}) == base
    assert task_policy(base, {"escalate_every": "nope"}) == base


def test_quiet_hours_across_midnight() -> None:
    policy = ReminderPolicy()
    assert policy.in_quiet_hours(time(21, 0)) and policy.in_quiet_hours(time(23, 59))
    assert policy.in_quiet_hours(time(0, 0)) and policy.in_quiet_hours(time(6, 59))
    assert not policy.in_quiet_hours(time(7, 0)) and not policy.in_quiet_hours(time(20, 59))
    evening = datetime(2026, 6, 5, 22, 15, tzinfo=TZ)
    assert policy.quiet_until(evening) == datetime(2026, 6, 6, 7, 0, tzinfo=TZ)
    early = datetime(2026, 6, 6, 5, 0, tzinfo=TZ)
    assert policy.quiet_until(early) == datetime(2026, 6, 6, 7, 0, tzinfo=TZ)
    assert policy.quiet_until(datetime(2026, 6, 6, 12, 0, tzinfo=TZ)) is None
    daytime = ReminderPolicy(quiet_start=time(12, 0), quiet_end=time(13, 30))
    assert daytime.in_quiet_hours(time(12, 45)) and not daytime.in_quiet_hours(time(13, 30))


def test_reminders_on_days_off_move_to_the_working_day_before() -> None:
    calendar = WorkingCalendar()
    policy = ReminderPolicy()
    # 04/05/2026 is a Monday after 30/04 and 01/05 (holidays) and a weekend.
    due = date(2026, 5, 4)
    assert reminder_day(date(2026, 5, 3), calendar) == date(2026, 4, 29)
    assert sorted(before_due_offsets(due, date(2026, 4, 29), policy, calendar)) == [1, 3]
    assert before_due_offsets(due, date(2026, 5, 4), policy, calendar) == [0]
    assert before_due_offsets(due, date(2026, 4, 30), policy, calendar) == []
    # The quarterly report due Friday 05/06/2026: no shift needed.
    friday = date(2026, 6, 5)
    days = {reminder_day(friday - timedelta(days=o), calendar): o for o in (7, 3, 1, 0)}
    assert days == {date(2026, 5, 29): 7, date(2026, 6, 2): 3, date(2026, 6, 4): 1, friday: 0}


def test_overdue_and_escalation_rhythm() -> None:
    policy = ReminderPolicy()
    rhythm = [overdue_rhythm(n, policy) for n in range(0, 11)]
    assert [r.overdue for r in rhythm] == [False] + [True] * 10
    assert [n for n, r in enumerate(rhythm) if r.escalation] == [1, 4, 7, 10]
    sparse = ReminderPolicy(overdue_every=2, escalate_first=2, escalate_every=5)
    assert [n for n in range(1, 9) if overdue_rhythm(n, sparse).overdue] == [1, 3, 5, 7]
    assert [n for n in range(1, 13) if overdue_rhythm(n, sparse).escalation] == [2, 7, 12]
    off = ReminderPolicy(overdue_every=0, escalate=False)
    assert not any(overdue_rhythm(n, off).overdue or overdue_rhythm(n, off).escalation
                   for n in range(1, 10))


def test_digest_day_is_the_first_working_day_from_monday() -> None:
    calendar = WorkingCalendar()
    policy = ReminderPolicy()
    assert digest_day(date(2026, 6, 1), policy, calendar)  # a plain Monday
    assert not digest_day(date(2026, 6, 2), policy, calendar)
    # Monday 27/04/2026 is the observed Hùng Kings' day: the digest goes on Tuesday.
    if not calendar.is_working_day(date(2026, 4, 27)):
        assert not digest_day(date(2026, 4, 27), policy, calendar)
        assert digest_day(date(2026, 4, 28), policy, calendar)
    # Tết week 2026: the first working day of that week, if any, carries it.
    week = [date(2026, 2, 16) + timedelta(days=i) for i in range(7)]
    carriers = [d for d in week if digest_day(d, policy, calendar)]
    working = [d for d in week if calendar.is_working_day(d)]
    assert carriers == working[:1]
    assert not digest_day(date(2026, 6, 1), ReminderPolicy(digest=False), calendar)
