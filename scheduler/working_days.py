"""How many working days an occurrence is late, counted once per planning run."""


from __future__ import annotations

import threading
from datetime import date, timedelta

from timelang.calendar import WorkingCalendar

# --- working days late -----------------------------------------------------------------------


class WorkingDayIndex:
    """Counts working days between two dates in O(1) after a one-off table of the range, so
    that 20 000 overdue occurrences do not each walk the calendar."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self._start: date | None = None
        self._cumulative: list[int] = []
        self._lock = threading.Lock()

    def working_days_after(self, due: date, day: date) -> int:
        """How many working days d satisfy due < d <= day."""
        if day <= due:
            return 0
        with self._lock:
            self._cover(due, day)
            assert self._start is not None
            return self._cumulative[(day - self._start).days] - self._cumulative[
                (due - self._start).days
            ]

    def _cover(self, first: date, last: date) -> None:
        start = self._start
        end = start + timedelta(days=len(self._cumulative) - 1) if start else None
        if start is not None and end is not None and start <= first and last <= end:
            return
        new_start = min(first, start) if start else first
        new_end = max(last, end) if end else last
        # Grow generously: the next call usually asks for the same neighbourhood.
        new_start -= timedelta(days=31)
        new_end += timedelta(days=31)
        counts: list[int] = []
        total = 0
        probe = new_start
        while probe <= new_end:
            if self.calendar.is_working_day(probe):
                total += 1
            counts.append(total)
            probe += timedelta(days=1)
        self._start, self._cumulative = new_start, counts


