"""On-time statistics per unit and period: the figures units are scored on.

Rules (DOMAIN.md §1, §3), decided here once:
- Statistics count occurrences (kỳ) of active tasks, against the task's lead unit (cơ quan
  chủ trì); supporting units are not scored for them.
- "Due in the period" uses the effective due date: the extended date once an extension is
  approved, the original date otherwise. An approved extension moves the deadline (DOMAIN
  §1), so the task is judged where its deadline now falls; the extension itself is reported
  (`extended`, and the spreadsheet lists original and extended dates side by side).
- Statuses come from `timelang.status.occurrence_status`, the one source of status rules.
- Figures of a period that has ended are the figures as they stood at the end of its last
  day: a completion or an extension approval recorded later does not change them. So the
  frozen snapshot of a closed period (reports.snapshots) is the same whenever it is taken,
  and a late completion after the close appears as late in later reports (a live range
  containing the period, and `late_from_earlier` of the period it was done in).
- Sub-units are rolled up into their parents (`total`); a unit's own figures are `own`.
  Units are ranked among their siblings by on-time rate (equal rates share a rank).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, or_, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from db.models import ExtensionRequest, Occurrence, Task, Unit
from reports.periods import Period
from timelang.status import Status, local_date, occurrence_status

# SQLite refuses statements with too many bound parameters; past this, filter in Python.
MAX_SQL_IN = 900


@dataclass
class Counts:
    assigned: int = 0  # occurrences due in the period (the contract's "assigned")
    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0  # past due, not done
    in_progress: int = 0  # not done, not yet due
    extended: int = 0  # of `assigned`, those judged against an approved extension
    late_from_earlier: int = 0  # due before the period, completed (late) within it

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def fallen_due(self) -> int:
        return self.done_on_time + self.done_late + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        """done on time ÷ (done on time + done late + overdue); None when nothing fell due."""
        if self.fallen_due == 0:
            return None
        return self.done_on_time / self.fallen_due

    def add(self, other: Counts) -> None:
        for name in COUNT_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def count(self, item: Item) -> None:
        self.assigned += 1
        if item.status == Status.DONE_ON_TIME:
            self.done_on_time += 1
        elif item.status == Status.DONE_LATE:
            self.done_late += 1
        elif item.status == Status.OVERDUE:
            self.overdue += 1
        else:
            self.in_progress += 1
        if item.extended:
            self.extended += 1

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: getattr(self, name) for name in COUNT_NAMES}
        data["on_time_rate"] = self.on_time_rate
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Counts:
        return cls(**{name: int(data.get(name, 0)) for name in COUNT_NAMES})


COUNT_NAMES = tuple(item.name for item in fields(Counts))


class Item(NamedTuple):
    """One occurrence as the report judged it (a tuple: a province has 100,000 of them)."""

    occurrence_id: int
    unit_id: int
    status: Status
    due: date  # the date it was judged against: the extended one when extended
    extended: bool


@dataclass(frozen=True)
class UnitNode:
    unit_id: int
    code: str
    name: str
    parent_id: int | None


@dataclass
class UnitLine:
    unit_id: int
    code: str
    name: str
    parent_id: int | None  # the parent within this report, None for a top unit
    depth: int
    own: Counts
    total: Counts = field(default_factory=Counts)
    rank: int | None = None
    children: list[UnitLine] = field(default_factory=list)


@dataclass
class Report:
    period: Period
    today: date
    # The last local day whose completions count: today for a running period, the period's
    # last day once it has ended.
    as_of: date
    frozen: bool  # the figures come from the period's snapshot
    closed_at: datetime | None
    units: list[UnitLine]  # tree order: each unit followed by its sub-units
    # The occurrences behind the figures, and the earlier ones completed late in the period.
    # A frozen report decodes them only when a spreadsheet asks: figures alone stay fast.
    item_source: Callable[[], tuple[list[Item], list[Item]]] = field(repr=False)
    _items: tuple[list[Item], list[Item]] | None = field(default=None, init=False, repr=False)

    @property
    def items(self) -> list[Item]:
        return self._loaded()[0]

    @property
    def late_earlier(self) -> list[Item]:
        return self._loaded()[1]

    def _loaded(self) -> tuple[list[Item], list[Item]]:
        if self._items is None:
            self._items = self.item_source()
        return self._items

    @property
    def closed(self) -> bool:
        return self.period.is_closed(self.today)

    @property
    def roots(self) -> list[UnitLine]:
        return [line for line in self.units if line.parent_id is None]

    @property
    def totals(self) -> Counts:
        result = Counts()
        for root in self.roots:
            result.add(root.total)
        return result

    def ranked_group(self) -> list[UnitLine]:
        """The units compared with each other: the sub-units of a single top unit, else the
        top units."""
        roots = self.roots
        if len(roots) == 1 and roots[0].children:
            return roots[0].children
        return roots

    def line(self, code: str) -> UnitLine | None:
        return next((line for line in self.units if line.code == code), None)

    def to_json(self) -> dict[str, Any]:
        codes = {line.unit_id: line.code for line in self.units}
        return {
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "period": self.period.key,
            "label": self.period.label,
            "closed": self.closed,
            "frozen": self.frozen,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "as_of": self.as_of.isoformat(),
            "due_basis": "extended_if_approved",
            "totals": self.totals.to_dict(),
            "units": [
                {
                    "code": line.code,
                    "name": line.name,
                    **line.total.to_dict(),
                    "parent": codes.get(line.parent_id) if line.parent_id else None,
                    "depth": line.depth,
                    "rank": line.rank,
                    "own": line.own.to_dict(),
                }
                for line in self.units
            ],
        }


@dataclass(frozen=True)
class Cutoff:
    """Completions and extension decisions after `done_by` (local day) are ignored;
    statuses are judged on `judge_day`."""

    done_by: date | None
    judge_day: date

    @classmethod
    def for_period(cls, period: Period, today: date) -> Cutoff:
        if period.is_closed(today):
            # As at the end of the last day: anything still open by then is overdue.
            return cls(done_by=period.end, judge_day=period.end + timedelta(days=1))
        return cls(done_by=None, judge_day=today)

    @property
    def as_of(self) -> date:
        return self.done_by or self.judge_day


# --- computing -----------------------------------------------------------------------------


def evaluate(
    session: Session,
    period: Period,
    cutoff: Cutoff,
    tz: ZoneInfo,
    unit_ids: Collection[int] | None = None,
) -> tuple[list[Item], list[Item]]:
    """The occurrences due in the period with their status, and the earlier ones completed
    late within it."""
    in_period = _due_in_period_condition(period)
    # Core, not ORM, execution: these are plain rows, and 100,000 of them.
    rows = session.connection().execute(
        scoped(
            select(
                Occurrence.id,
                Task.lead_unit_id,
                plain(Occurrence.due_date),
                plain(Occurrence.extended_due_date),
                plain(Occurrence.done_at),
            )
            .join(Task, Task.id == Occurrence.task_id)
            .where(Task.status == "active", in_period),
            unit_ids,
        )
    ).all()
    history = (
        _extension_history(session, in_period, unit_ids) if cutoff.done_by is not None else {}
    )
    wanted = set(unit_ids) if unit_ids is not None else None
    # Completions from this instant on came after the figures were taken.
    taken_at = (local_day_start(cutoff.done_by + timedelta(days=1), tz)
                if cutoff.done_by is not None else None)
    items: list[Item] = []
    for occurrence_id, unit_id, raw_due, raw_extended, raw_done in rows:
        if wanted is not None and unit_id not in wanted:
            continue
        due, extended_due, done_at = as_date(raw_due), as_date(raw_extended), as_utc(raw_done)
        if cutoff.done_by is not None and extended_due is not None:
            extended_due = _extension_as_of(
                history.get(occurrence_id), extended_due, cutoff.done_by, tz
            )
        effective = extended_due or due
        if effective is None or not period.contains(effective):
            continue
        if done_at is not None and taken_at is not None and done_at >= taken_at:
            done_at = None
        status = occurrence_status(
            due=due, extended_due=extended_due, done_at=done_at, today=cutoff.judge_day, tz=tz
        )
        items.append(Item(occurrence_id, unit_id, status, effective, extended_due is not None))
    return items, _late_from_earlier(session, period, cutoff, tz, unit_ids)


def _due_in_period_condition(period: Period) -> ColumnElement[bool]:
    # Candidates: due, extended, or once extended into the period (an extension approved
    # after the close may have moved it out since). Python decides which date applies.
    extended_into = select(ExtensionRequest.occurrence_id).where(
        ExtensionRequest.status == "approved",
        ExtensionRequest.requested_due_date.between(period.start, period.end),
    )
    return or_(
        Occurrence.due_date.between(period.start, period.end),
        Occurrence.extended_due_date.between(period.start, period.end),
        Occurrence.id.in_(extended_into),
    )


def scoped(query: Select[Any], unit_ids: Collection[int] | None) -> Select[Any]:
    """Restricts a query joined to Task to the units in scope, when SQL can take the list."""
    if unit_ids is not None and len(unit_ids) <= MAX_SQL_IN:
        return query.where(Task.lead_unit_id.in_(list(unit_ids)))
    return query


def _extension_history(
    session: Session, in_period: ColumnElement[bool], unit_ids: Collection[int] | None
) -> dict[int, list[tuple[datetime | None, date]]]:
    rows = session.connection().execute(
        scoped(
            select(
                ExtensionRequest.occurrence_id,
                plain(ExtensionRequest.decided_at),
                plain(ExtensionRequest.requested_due_date),
            )
            .join(Occurrence, Occurrence.id == ExtensionRequest.occurrence_id)
            .join(Task, Task.id == Occurrence.task_id)
            .where(
                ExtensionRequest.status == "approved",
                Occurrence.extended_due_date.is_not(None),
                Task.status == "active",
                in_period,
            )
            .order_by(ExtensionRequest.occurrence_id, ExtensionRequest.id),
            unit_ids,
        )
    ).all()
    history: dict[int, list[tuple[datetime | None, date]]] = defaultdict(list)
    for occurrence_id, decided_at, requested in rows:
        requested_day = as_date(requested)
        if requested_day is not None:  # a request always names a day; None only in a typed view
            history[occurrence_id].append((as_utc(decided_at), requested_day))
    return history


def _extension_as_of(
    approvals: list[tuple[datetime | None, date]] | None,
    current: date,
    done_by: date,
    tz: ZoneInfo,
) -> date | None:
    """The extended due date in force at the end of `done_by`."""
    if not approvals:
        return current  # extended without a recorded approval: nothing to go back to
    in_force: date | None = None
    latest: datetime | None = None
    for decided_at, requested in approvals:
        if decided_at is None or local_date(decided_at, tz) > done_by:
            continue
        if latest is None or decided_at >= latest:
            latest, in_force = decided_at, requested
    return in_force


def _late_from_earlier(
    session: Session,
    period: Period,
    cutoff: Cutoff,
    tz: ZoneInfo,
    unit_ids: Collection[int] | None,
) -> list[Item]:
    last_day = min(period.end, cutoff.done_by) if cutoff.done_by else period.end
    since, until = local_day_start(period.start, tz), local_day_start(
        last_day + timedelta(days=1), tz
    )
    effective_due = func.coalesce(Occurrence.extended_due_date, Occurrence.due_date)
    rows = session.connection().execute(
        scoped(
            select(
                Occurrence.id,
                Task.lead_unit_id,
                plain(Occurrence.due_date),
                plain(Occurrence.extended_due_date),
                plain(Occurrence.done_at),
            )
            .join(Task, Task.id == Occurrence.task_id)
            .where(
                Task.status == "active",
                Occurrence.done_at >= since,
                Occurrence.done_at < until,
                effective_due < period.start,
            ),
            unit_ids,
        )
    ).all()
    wanted = set(unit_ids) if unit_ids is not None else None
    items: list[Item] = []
    for occurrence_id, unit_id, raw_due, raw_extended, raw_done in rows:
        if wanted is not None and unit_id not in wanted:
            continue
        due, extended_due, done_at = as_date(raw_due), as_date(raw_extended), as_utc(raw_done)
        status = occurrence_status(
            due=due, extended_due=extended_due, done_at=done_at, today=cutoff.judge_day, tz=tz
        )
        if status == Status.DONE_LATE:
            effective = extended_due or due
            assert effective is not None
            items.append(Item(occurrence_id, unit_id, status, effective, extended_due is not None))
    return items


def plain(column: Any) -> Any:
    """The column as the driver returns it. SQLAlchemy's per-value conversions cost more
    than the query itself over 100,000 rows; `as_date` and `as_utc` do the same work (what
    Date and db.models.UTCDateTime do) in a fraction of the time."""
    return type_coerce(column, NullType())


def as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)  # SQLite keeps dates as text


def as_utc(value: Any) -> datetime | None:
    """Stored times are naive UTC (see db.models)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def local_day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def own_counts(items: Iterable[Item], late_earlier: Iterable[Item]) -> dict[int, Counts]:
    counts: dict[int, Counts] = defaultdict(Counts)
    for item in items:
        counts[item.unit_id].count(item)
    for item in late_earlier:
        counts[item.unit_id].late_from_earlier += 1
    return counts


# --- the unit tree -------------------------------------------------------------------------


def current_tree(session: Session) -> dict[int, UnitNode]:
    rows = session.execute(select(Unit.id, Unit.code, Unit.name, Unit.parent_id))
    return {row[0]: UnitNode(*row) for row in rows}


def build_lines(
    nodes: dict[int, UnitNode],
    own: dict[int, Counts],
    scope: Collection[int] | None,
) -> list[UnitLine]:
    """Units in scope in tree order, sub-units rolled up, siblings ranked."""
    in_scope = set(nodes) if scope is None else {unit_id for unit_id in scope if unit_id in nodes}
    lines = {
        unit_id: UnitLine(
            unit_id=unit_id,
            code=nodes[unit_id].code,
            name=nodes[unit_id].name,
            parent_id=None,
            depth=0,
            own=own.get(unit_id, Counts()),
        )
        for unit_id in in_scope
    }
    roots: list[UnitLine] = []
    for unit_id, line in lines.items():
        parent = _parent_in_scope(nodes, unit_id, lines)
        if parent is None:
            roots.append(line)
        else:
            line.parent_id = parent
            lines[parent].children.append(line)
    ordered: list[UnitLine] = []
    by_code = _code_order
    roots.sort(key=by_code)
    stack: list[tuple[UnitLine, int]] = [(root, 0) for root in reversed(roots)]
    while stack:
        line, depth = stack.pop()
        line.depth = depth
        line.children.sort(key=by_code)
        ordered.append(line)
        stack.extend((child, depth + 1) for child in reversed(line.children))
    for line in reversed(ordered):  # children come after parents: roll up from the bottom
        line.total = Counts()
        line.total.add(line.own)
        for child in line.children:
            line.total.add(child.total)
    rank_siblings(roots)
    for line in ordered:
        rank_siblings(line.children)
    return ordered


def _code_order(line: UnitLine) -> tuple[str, int]:
    return (line.code, line.unit_id)


def _parent_in_scope(
    nodes: dict[int, UnitNode], unit_id: int, lines: dict[int, UnitLine]
) -> int | None:
    """The nearest ancestor inside the report; units whose parent is outside it are tops."""
    seen = {unit_id}
    parent = nodes[unit_id].parent_id
    while parent is not None and parent not in seen:
        if parent in lines:
            return parent
        seen.add(parent)
        node = nodes.get(parent)
        parent = node.parent_id if node else None
    return None


def rank_siblings(group: Sequence[UnitLine]) -> None:
    """1, 2, 2, 4 …: by on-time rate, equal rates sharing a rank; nothing due, no rank."""
    rated = sorted(
        (line for line in group if line.total.on_time_rate is not None),
        key=lambda line: -(line.total.on_time_rate or 0.0),
    )
    previous_rate: float | None = None
    previous_rank = 0
    for position, line in enumerate(rated, 1):
        rate = line.total.on_time_rate
        if previous_rate is None or rate != previous_rate:
            previous_rank, previous_rate = position, rate
        line.rank = previous_rank
    for line in group:
        if line.total.on_time_rate is None:
            line.rank = None


# --- the report ----------------------------------------------------------------------------


def format_rate(rate: float | None, *, empty: str = "—") -> str:
    """95,9% — one decimal, Vietnamese comma, no «,0»."""
    if rate is None:
        return empty
    text = f"{rate * 100:.1f}".replace(".", ",")
    if text.endswith(",0"):
        text = text[:-2]
    return f"{text}%"

