"""A deadline's schedule: once (a date), recurring (an RRULE over period anchors plus an
offset) or ongoing, and the periods it yields.

Every Deadline carries a Vietnamese description (`text`) that reads back to the same schedule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from dateutil.rrule import rrulestr

from timelang.calendar import WorkingCalendar, default_calendar
from timelang.periods import Unit, period_bounds, period_key

Kind = Literal["once", "recurring", "ongoing"]


def format_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


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
            period_start, period_end = period_bounds(self.unit, anchor)
            found.append(Period(period_key(self.unit, anchor), period_start, period_end, due))
            if len(found) >= count:
                break
        return found

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
        }

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Deadline:
        return cls(
            kind=spec["kind"],
            due=date.fromisoformat(spec["due"]) if spec.get("due") else None,
            rrule=spec.get("rrule"),
            text=spec.get("text", ""),
            source=spec.get("source", ""),
            unit=spec.get("unit"),
            anchor=spec.get("anchor", "due"),
            offset_days=int(spec.get("offset_days", 0)),
            offset_working_days=int(spec.get("offset_working_days", 0)),
            starts=date.fromisoformat(spec["starts"]) if spec.get("starts") else None,
        )

    def same_schedule(self, other: Deadline) -> bool:
        return (self.kind, self.due, self.rrule, self.unit, self.anchor, self.offset_days,
                self.offset_working_days, self.starts) == (
            other.kind, other.due, other.rrule, other.unit, other.anchor, other.offset_days,
            other.offset_working_days, other.starts)
