"""Status classes of an occurrence, as Vietnamese tracking systems name them.

Pure functions over dates: the same rules feed the task list, reminders and reports.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

DUE_SOON_DAYS = 3


class Status(StrEnum):
    ONGOING = "ongoing"  # thường xuyên: no due date, never late
    IN_PROGRESS = "in_progress"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    DONE = "done"  # an ongoing task marked done: neither on time nor late

    @property
    def is_done(self) -> bool:
        return self in (Status.DONE_ON_TIME, Status.DONE_LATE, Status.DONE)

    @property
    def is_open(self) -> bool:
        return not self.is_done


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def occurrence_status(
    *,
    due: date | None,
    extended_due: date | None,
    done_at: datetime | None,
    today: date,
    tz: ZoneInfo,
) -> Status:
    """`today` is the local date the status is judged on; an extension moves the due date."""
    effective_due = extended_due or due
    if done_at is not None:
        if effective_due is None:
            return Status.DONE
        # "Đúng hạn" means by the end of the due day, local time.
        return Status.DONE_ON_TIME if local_date(done_at, tz) <= effective_due else Status.DONE_LATE
    if effective_due is None:
        return Status.ONGOING
    if today > effective_due:
        return Status.OVERDUE
    if effective_due - today <= timedelta(days=DUE_SOON_DAYS):
        return Status.DUE_SOON
    return Status.IN_PROGRESS
