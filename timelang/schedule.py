"""A deadline's schedule: once (a date), recurring (an RRULE over period anchors plus an
offset) or ongoing, and the periods it yields.

Every Deadline carries a Vietnamese description (`text`) that reads back to the same schedule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from dateutil.rrule import rrulestr

from timelang.calendar import WorkingCalendar, default_calendar
from timelang.periods import Unit, month_end, month_part_bounds, period_bounds, period_key

Kind = Literal["once", "recurring", "ongoing"]
# In `Deadline.month_days`: the month's last day ("ngày cuối tháng").
LAST_DAY = -1


def format_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def describe_month_days(days: list[int] | tuple[int, ...]) -> str:
    """"Ngày 15 và ngày 30", "Ngày 10, ngày 20 và ngày cuối tháng" (reads back)."""
    names = ["ngày cuối tháng" if d == LAST_DAY else f"ngày {d}" for d in days]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} và {names[-1]}"
    return listed[0].upper() + listed[1:]


def monthly_rule(days: list[int]) -> str:
    """One RFC 5545 rule for due days each month, a day that a month lacks moved to its last
    day (at most one such day: the reader refuses two)."""
    early = [d for d in days if 1 <= d <= 28]
    late = [d for d in days if d not in early]
    if not late:
        return f"FREQ=MONTHLY;BYMONTHDAY={','.join(map(str, early))}"
    if late[0] in (31, LAST_DAY):
        return f"FREQ=MONTHLY;BYMONTHDAY={','.join(map(str, [*early, -1]))}"
    # "ngày 30": the last of the 28th … 30th the month has.
    wanted = [*early, *range(28, late[0] + 1)]
    positions = [*range(1, len(early) + 1), -1]
    return (f"FREQ=MONTHLY;BYMONTHDAY={','.join(map(str, wanted))};"
            f"BYSETPOS={','.join(map(str, positions))}")


_SKIPPING_RULE = re.compile(r"FREQ=MONTHLY;BYMONTHDAY=(29|30)")


# --- the schedule --------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str
    start: date | None
    end: date | None
    due: date | None


@dataclass(frozen=True)
class Deadline:
    kind: Kind
    due: date | None
    rrule: str | None
    text: str
    source: str
    # Recurring schedules: the period unit, whether the RRULE gives each period's last day
    # ("end") or the due day itself ("due"), the offset after it, and the first period.
    unit: Unit | None = None
    anchor: Literal["end", "due"] = "due"
    offset_days: int = 0
    offset_working_days: int = 0
    starts: date | None = None
    # Monthly due days as written (LAST_DAY for the last day): a day a short month lacks is
    # due on its last day, which callers tell people (`moved_dues`).
    month_days: tuple[int, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    # --- periods -----------------------------------------------------------------------

    def once_period(self) -> Period:
        if self.kind == "ongoing":
            return Period("ongoing", None, None, None)
        return Period("once", None, None, self.due)

    def periods(
        self, start: date, count: int, calendar: WorkingCalendar | None = None
    ) -> list[Period]:
        """The next `count` periods whose due date is on or after `start`, by due date."""
        if count <= 0 or self.kind == "ongoing":
            return []
        if self.kind == "once":
            return [self.once_period()] if self.due is not None and self.due >= start else []
        calendar = calendar or default_calendar()
        assert self.rrule is not None and self.unit is not None
        # Anchors a little before `start` still have due dates after it (offsets).
        lookback = timedelta(days=400 if self.unit in ("year", "half") else 120)
        first = start - lookback
        if self.starts is not None and self.starts > first:
            first = self.starts
        rule = rrulestr(self.rrule, dtstart=datetime(first.year, first.month, first.day))
        found: list[Period] = []
        for anchor_moment in rule:
            anchor = anchor_moment.date()
            due = self._due_from_anchor(anchor, calendar)
            if due < start:
                continue
            if self.unit == "month_part":
                period_start, period_end = month_part_bounds(anchor, self._dues_in_month(anchor))
            else:
                period_start, period_end = period_bounds(self.unit, anchor)
            found.append(Period(period_key(self.unit, anchor), period_start, period_end, due))
            if len(found) >= count:
                break
        return found

    def _dues_in_month(self, day: date) -> list[date]:
        assert self.rrule is not None
        first = day.replace(day=1)
        rule = rrulestr(self.rrule, dtstart=datetime(first.year, first.month, 1))
        last = month_end(day.year, day.month)
        return [moment.date() for moment in rule.between(
            datetime(first.year, first.month, 1), datetime(last.year, last.month, last.day),
            inc=True)]

    def moved_dues(
        self, ref: date, count: int = 12, calendar: WorkingCalendar | None = None
    ) -> list[tuple[int, date]]:
        """(day as written, due date) for each of the next `count` due dates that a short
        month moved to its last day ("ngày 30" → 28/02)."""
        moving = [d for d in self.month_days if d >= 29]
        if self.kind != "recurring" or not moving:
            return []
        return [(moving[0], due) for due in self.next_dues(ref, count, calendar)
                if due.day < moving[0] and due == month_end(due.year, due.month)]

    def _due_from_anchor(self, anchor: date, calendar: WorkingCalendar) -> date:
        if self.offset_working_days:
            return calendar.add_working_days(anchor, self.offset_working_days)
        return anchor + timedelta(days=self.offset_days)

    def next_dues(
        self, ref: date, count: int = 4, calendar: WorkingCalendar | None = None
    ) -> list[date]:
        if self.kind == "once":
            return [self.due] if self.due is not None else []
        return [p.due for p in self.periods(ref, count, calendar) if p.due is not None]

    # --- serialising -------------------------------------------------------------------

    def to_json(self, ref: date, count: int = 4) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "due": self.due.isoformat() if self.due else None,
            "rrule": self.rrule,
            "next": [d.isoformat() for d in self.next_dues(ref, count)],
            "text": self.text,
            "source": self.source,
        }

    def to_spec(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "due": self.due.isoformat() if self.due else None,
            "rrule": self.rrule,
            "text": self.text,
            "source": self.source,
            "unit": self.unit,
            "anchor": self.anchor,
            "offset_days": self.offset_days,
            "offset_working_days": self.offset_working_days,
            "starts": self.starts.isoformat() if self.starts else None,
            "month_days": list(self.month_days),
        }

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Deadline:
        rrule = spec.get("rrule")
        month_days = tuple(int(day) for day in spec.get("month_days") or ())
        if old := _SKIPPING_RULE.fullmatch(rrule or ""):
            # Stored before short months were handled: "ngày 30 hằng tháng" skipped February.
            # Read as the reader reads it now (February's last day is due).
            month_days = (int(old.group(1)),)
            rrule = monthly_rule(list(month_days))
        return cls(
            kind=spec["kind"],
            due=date.fromisoformat(spec["due"]) if spec.get("due") else None,
            rrule=rrule,
            text=spec.get("text", ""),
            source=spec.get("source", ""),
            unit=spec.get("unit"),
            anchor=spec.get("anchor", "due"),
            offset_days=int(spec.get("offset_days", 0)),
            offset_working_days=int(spec.get("offset_working_days", 0)),
            starts=date.fromisoformat(spec["starts"]) if spec.get("starts") else None,
            month_days=month_days,
        )

    def same_schedule(self, other: Deadline) -> bool:
        return (self.kind, self.due, self.rrule, self.unit, self.anchor, self.offset_days,
                self.offset_working_days, self.starts) == (
            other.kind, other.due, other.rrule, other.unit, other.anchor, other.offset_days,
            other.offset_working_days, other.starts)
