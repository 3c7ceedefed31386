"""The reporting scenario: a district with 6 units under it (two of them communes) and 15
tasks over two quarters of 2026 — recurring tasks, extensions, on-time and late completions.

The expected tables are worked out by hand below, from the task list, not by the code
under test. `build_district` and `apply_events` are reused by the spreadsheet, chart,
dossier and calendar tests.

Hand computation (effective due = extended date when an extension was approved):

Q1 2026 (01/01–31/03), frozen on 01/04, figures as at the end of 31/03:
  PNV  T1-Q1 due 05/03 done 03/03 on time; T2 due 20/02 done 25/02 late     → 2: 1 / 1 / 0
  VP   T4-01 due 05/02 done 04/02 on time; T4-02 due 05/03 done 09/03 late  → 2: 1 / 1 / 0
       (T4-03 is due 05/04: Q2)
  TT   T6 due 31/03, open at the close                                       → 1: 0 / 0 / 1
  VHTT T9 due 10/02 extended to 28/02, done 27/02 on time (extended);
       T8 due 25/03 extended to 15/04 before the close: moved to Q2          → 1: 1 / 0 / 0, ext 1
  XA_A T11 due 15/01 done 14/01 on time; T12-Q1 due 25/03 done 28/03 late   → 2: 1 / 1 / 0
  XA_B T13 due 28/02 done 28/02 (17:00 local) on time                        → 1: 1 / 0 / 0
  UBND own: T15 due 15/01 done 12/01 on time                                 → 1: 1 / 0 / 0
  T5 is ongoing (thường xuyên): never counted.
  District total: 10 assigned, 6 on time, 3 late, 1 overdue, 0 in progress → 60%.
  Ranks among the district's units: VHTT, XA_B 100% → 1; PNV, VP, XA_A 50% → 3; TT 0% → 6.

On 10/04 TT completes T6 (late, after Q1 closed): the Q1 snapshot must not change.

Q2 2026 (01/04–30/06), frozen on 01/07:
  PNV  T1-Q2 due 05/06 done 04/06; T3 due 15/05 done 10/05                   → 2: 2 / 0 / 0
  VP   T4-03 due 05/04 done 03/04; T4-04 due 05/05 done 05/05 23:30 local
       (16:30 UTC: still the due day locally) on time; T4-05 due 05/06 open  → 3: 2 / 0 / 1
  TT   T7 due 30/06 done 30/06 on time; T6 (Q1) done late in Q2              → 1: 1 / 0 / 0, late from earlier 1
  VHTT T8 due 15/04 (extended) done 14/04 on time; T10 due 20/06 done 25/06 → 2: 1 / 1 / 0, ext 1
  XA_A T12-Q2 due 25/06 open                                                 → 1: 0 / 0 / 1
  XA_B T14 due 31/05 done 01/06 late                                         → 1: 0 / 1 / 0
  District total: 10 assigned, 6 on time, 2 late, 2 overdue → 60%; ext 1; late from earlier 1.
  Ranks: PNV, TT 100% → 1; VP 66,7% → 3; VHTT 50% → 4; XA_A, XA_B 0% → 5.

Year 2026, live on 01/07: all of the above plus T4-06 (due 05/07, in progress); T6 now
counts as done late: 21 assigned, 12 on time, 6 late, 2 overdue, 1 in progress → 60%.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db import services
from db.migrate import upgrade
from db.models import (
    ROLE_LEADER,
    ROLE_MEMBER,
    Identity,
    Membership,
    Occurrence,
    Person,
    Plan,
    ReportSnapshot,
    Task,
    Unit,
)
from db.session import make_engine, make_session_factory
from reports import period_report, periods, snapshots, stats

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SETUP_AT = datetime(2026, 1, 2, 1, 0, tzinfo=UTC)  # 08:00 local, 02/01/2026


def local(day: str, clock: str = "09:00") -> datetime:
    """'25/03' (2026) at a local time → aware UTC."""
    d, m = (int(part) for part in day.split("/"))
    hh, mm = (int(part) for part in clock.split(":"))
    return datetime(2026, m, d, hh, mm, tzinfo=TZ).astimezone(UTC)


def day(text: str) -> date:
    d, m = (int(part) for part in text.split("/"))
    return date(2026, m, d)


UNITS = [
    # code, name, kind, parent
    ("UBND", "UBND huyện Chợ Mới", "huyen", None),
    ("PNV", "Phòng Nội vụ", "phong", "UBND"),
    ("VP", "Văn phòng HĐND và UBND huyện", "phong", "UBND"),
    ("TT", "Thanh tra huyện", "phong", "UBND"),
    ("VHTT", "Phòng Văn hóa và Thông tin", "phong", "UBND"),
    ("XA_A", "UBND xã Mỹ Hội Đông", "xa", "UBND"),
    ("XA_B", "UBND xã Long Điền A", "xa", "UBND"),
]

PEOPLE = [
    # key, name, telegram id, unit, role
    ("chu_tich", "Nguyễn Văn Chủ Tịch", "900", "UBND", ROLE_LEADER),
    ("an", "Nguyễn Văn An", "901", "PNV", ROLE_MEMBER),
    ("binh", "Trần Thị Bình", "902", "VP", ROLE_MEMBER),
    ("cuong", "Lê Văn Cường", "903", "TT", ROLE_MEMBER),
    ("dung", "Phạm Thị Dung", "904", "VHTT", ROLE_MEMBER),
    ("em", "Hoàng Văn Em", "905", "XA_A", ROLE_MEMBER),
    ("gam", "Võ Thị Gấm", "906", "XA_B", ROLE_MEMBER),
    ("lanhdao_xa", "Đặng Văn Hùng", "907", "XA_A", ROLE_LEADER),
]

PLAN = ("341/KH-UBND", "Kế hoạch cải cách hành chính năm 2026 của huyện Chợ Mới")

# key, unit, title, kind, deadline text, [(occurrence key, period key, due)], support units
TASKS: list[tuple[str, str, str, str, str, list[tuple[str, str, str | None]], list[str]]] = [
    ("T1", "PNV", "Báo cáo CCHC định kỳ quý", "recurring",
     "chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12",
     [("T1-Q1", "2026-Q1", "05/03"), ("T1-Q2", "2026-Q2", "05/06")], []),
    ("T2", "PNV", "Kiểm tra công vụ", "once", "20/02/2026", [("T2", "once", "20/02")], ["VP"]),
    ("T3", "PNV", "Rà soát thủ tục hành chính", "once", "15/05/2026",
     [("T3", "once", "15/05")], []),
    ("T4", "VP", "Họp giao ban định kỳ hàng tháng", "recurring",
     "họp định kỳ hàng tháng (chậm nhất 05 ngày sau khi kết thúc tháng)",
     [("T4-01", "2026-01", "05/02"), ("T4-02", "2026-02", "05/03"),
      ("T4-03", "2026-03", "05/04"), ("T4-04", "2026-04", "05/05"),
      ("T4-05", "2026-05", "05/06"), ("T4-06", "2026-06", "05/07")], []),
    ("T5", "VP", "Cập nhật Cổng thông tin điện tử", "ongoing", "Thường xuyên",
     [("T5", "ongoing", None)], []),
    ("T6", "TT", "Thanh tra trách nhiệm thực hiện CCHC", "once", "Quý I/2026",
     [("T6", "once", "31/03")], []),
    ("T7", "TT", "Báo cáo kết quả thanh tra", "once", "30/06/2026", [("T7", "once", "30/06")], []),
    ("T8", "VHTT", "Tuyên truyền cải cách hành chính", "once", "25/03/2026",
     [("T8", "once", "25/03")], []),
    ("T9", "VHTT", "Khảo sát sự hài lòng của người dân", "once", "10/02/2026",
     [("T9", "once", "10/02")], []),
    ("T10", "VHTT", "Xây dựng phóng sự về CCHC", "once", "20/06/2026",
     [("T10", "once", "20/06")], []),
    ("T11", "XA_A", "Niêm yết công khai thủ tục hành chính", "once", "15/01/2026",
     [("T11", "once", "15/01")], []),
    ("T12", "XA_A", "Báo cáo CCHC quý của xã", "recurring", "hàng quý",
     [("T12-Q1", "2026-Q1", "25/03"), ("T12-Q2", "2026-Q2", "25/06")], []),
    ("T13", "XA_B", "Số hóa hồ sơ, kết quả giải quyết TTHC", "once", "28/02/2026",
     [("T13", "once", "28/02")], []),
    ("T14", "XA_B", "Kiện toàn bộ phận một cửa", "once", "31/05/2026",
     [("T14", "once", "31/05")], []),
    ("T15", "UBND", "Ban hành kế hoạch CCHC năm 2026", "once", "15/01/2026",
     [("T15", "once", "15/01")], []),
]


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # done | extension
    occurrence: str
    person: str
    new_due: str | None = None
    approved_at: datetime | None = None


EVENTS: list[Event] = sorted([
    Event(local("12/01"), "done", "T15", "chu_tich"),
    Event(local("14/01"), "done", "T11", "em"),
    Event(local("04/02"), "done", "T4-01", "binh"),
    Event(local("05/02"), "extension", "T9", "dung", "28/02", local("05/02", "15:00")),
    Event(local("25/02"), "done", "T2", "an"),
    Event(local("27/02"), "done", "T9", "dung"),
    Event(local("28/02", "17:00"), "done", "T13", "gam"),
    Event(local("03/03"), "done", "T1-Q1", "an"),
    Event(local("09/03"), "done", "T4-02", "binh"),
    Event(local("20/03"), "extension", "T8", "dung", "15/04", local("21/03")),
    Event(local("28/03"), "done", "T12-Q1", "em"),
    # --- Q1 closes; the snapshot is taken on 01/04 ---
    Event(local("03/04"), "done", "T4-03", "binh"),
    Event(local("10/04"), "done", "T6", "cuong"),  # the late completion after the close
    Event(local("14/04"), "done", "T8", "dung"),
    Event(local("05/05", "23:30"), "done", "T4-04", "binh"),
    Event(local("10/05"), "done", "T3", "an"),
    Event(local("01/06"), "done", "T14", "gam"),
    Event(local("04/06"), "done", "T1-Q2", "an"),
    Event(local("25/06"), "done", "T10", "dung"),
    Event(local("30/06", "16:00"), "done", "T7", "cuong"),
], key=lambda event: event.at)


@dataclass
class District:
    units: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, int] = field(default_factory=dict)
    occurrences: dict[str, int] = field(default_factory=dict)
    applied: int = 0  # how many EVENTS have happened


def build_district(session: Session) -> District:
    """Units, people, the plan, the 15 tasks and their occurrences, as on 02/01/2026."""
    district = District()
    for code, name, kind, parent in UNITS:
        unit = Unit(code=code, name=name, kind=kind, created_at=SETUP_AT,
                    parent_id=district.units[parent] if parent else None)
        session.add(unit)
        session.flush()
        district.units[code] = unit.id
    for key, name, telegram_id, unit_code, role in PEOPLE:
        person = Person(display_name=name, created_at=SETUP_AT)
        session.add(person)
        session.flush()
        session.add(Identity(person_id=person.id, platform="telegram", external_id=telegram_id,
                             display_name=name, private_chat_id=telegram_id,
                             created_at=SETUP_AT))
        session.add(Membership(person_id=person.id, unit_id=district.units[unit_code], role=role,
                               created_at=SETUP_AT))
        district.people[key] = person.id
    plan = Plan(kind="KẾ HOẠCH", number=PLAN[0], title=PLAN[1], issued_on=date(2026, 1, 2),
                fingerprint="scenario-341", created_at=SETUP_AT)
    session.add(plan)
    session.flush()
    for number, (key, unit_code, title, kind, deadline, occurrences, support) in enumerate(
            TASKS, 1):
        task = Task(
            plan_id=plan.id, ref=f"II.{number}", title=title,
            lead_unit_id=district.units[unit_code], deadline_text=deadline, schedule_kind=kind,
            schedule={"kind": kind, "source": deadline}, created_at=SETUP_AT,
        )
        task.support_units = [session.get(Unit, district.units[code]) for code in support]  # type: ignore[misc]
        session.add(task)
        session.flush()
        district.tasks[key] = task.id
        for occurrence_key, period_key, due in occurrences:
            period = _period_dates(period_key)
            occurrence = Occurrence(
                task_id=task.id, period_key=period_key, due_date=day(due) if due else None,
                period_start=period[0], period_end=period[1], created_at=SETUP_AT)
            session.add(occurrence)
            session.flush()
            district.occurrences[occurrence_key] = occurrence.id
    return district


def _period_dates(key: str) -> tuple[date | None, date | None]:
    try:
        period = periods.period_by_key(key)
    except periods.PeriodError:
        return None, None
    return period.start, period.end


def actor_for(session: Session, district: District, key: str) -> services.Actor:
    person = session.get(Person, district.people[key])
    assert person is not None
    return services.Actor.of(person, platform="telegram", external_id=key, is_admin=False,
                             roles=services.roles_of(session, person.id))


def apply_events(session: Session, district: District, until: datetime) -> None:
    """Everything that happened up to `until`, the way the services record it."""
    while district.applied < len(EVENTS) and EVENTS[district.applied].at <= until:
        event = EVENTS[district.applied]
        occurrence = session.get(Occurrence, district.occurrences[event.occurrence])
        assert occurrence is not None
        if event.kind == "done":
            occurrence.done_at = event.at
            occurrence.done_by_id = district.people[event.person]
            occurrence.progress = 100
        else:
            assert event.new_due and event.approved_at
            request = services.request_extension(
                session, actor=actor_for(session, district, event.person),
                occurrence=occurrence, new_due=day(event.new_due), reason="Chờ số liệu khảo sát",
                now=event.at)
            services.decide_extension(session, actor=actor_for(session, district, "chu_tich"),
                                      request=request, approve=True, now=event.approved_at)
        session.flush()
        district.applied += 1


# --- expectations --------------------------------------------------------------------------

COLUMNS = ("assigned", "done_on_time", "done_late", "overdue", "in_progress", "extended",
           "late_from_earlier")

# code: (assigned, on time, late, overdue, in progress, extended, late from earlier), rank
EXPECTED_Q1: dict[str, tuple[tuple[int, ...], int | None]] = {
    "UBND": ((10, 6, 3, 1, 0, 1, 0), 1),
    "PNV": ((2, 1, 1, 0, 0, 0, 0), 3),
    "TT": ((1, 0, 0, 1, 0, 0, 0), 6),
    "VHTT": ((1, 1, 0, 0, 0, 1, 0), 1),
    "VP": ((2, 1, 1, 0, 0, 0, 0), 3),
    "XA_A": ((2, 1, 1, 0, 0, 0, 0), 3),
    "XA_B": ((1, 1, 0, 0, 0, 0, 0), 1),
}
EXPECTED_Q1_RATES = {"UBND": 0.6, "PNV": 0.5, "TT": 0.0, "VHTT": 1.0, "VP": 0.5, "XA_A": 0.5,
                     "XA_B": 1.0}

EXPECTED_Q2: dict[str, tuple[tuple[int, ...], int | None]] = {
    "UBND": ((10, 6, 2, 2, 0, 1, 1), 1),
    "PNV": ((2, 2, 0, 0, 0, 0, 0), 1),
    "TT": ((1, 1, 0, 0, 0, 0, 1), 1),
    "VHTT": ((2, 1, 1, 0, 0, 1, 0), 4),
    "VP": ((3, 2, 0, 1, 0, 0, 0), 3),
    "XA_A": ((1, 0, 0, 1, 0, 0, 0), 5),
    "XA_B": ((1, 0, 1, 0, 0, 0, 0), 5),
}
EXPECTED_Q2_RATES = {"UBND": 0.6, "PNV": 1.0, "TT": 1.0, "VHTT": 0.5, "VP": 2 / 3, "XA_A": 0.0,
                     "XA_B": 0.0}

EXPECTED_YEAR_LIVE = {  # on 01/07/2026, the year still running
    "UBND": (21, 12, 6, 2, 1, 2, 0),
    "PNV": (4, 3, 1, 0, 0, 0, 0),
    "TT": (2, 1, 1, 0, 0, 0, 0),
    "VHTT": (3, 2, 1, 0, 0, 2, 0),
    "VP": (6, 3, 1, 1, 1, 0, 0),
    "XA_A": (3, 1, 1, 1, 0, 0, 0),
    "XA_B": (2, 1, 1, 0, 0, 0, 0),
}


def table(report: stats.Report) -> dict[str, tuple[tuple[int, ...], int | None]]:
    return {
        line.code: (tuple(getattr(line.total, name) for name in COLUMNS), line.rank)
        for line in report.units
    }


def rates(report: stats.Report) -> dict[str, float | None]:
    return {line.code: line.total.on_time_rate for line in report.units}


# --- the scenario --------------------------------------------------------------------------


def migrated_session(db_url: str) -> Iterator[Session]:
    """A session on a migrated, empty database (the body of each file's `session` fixture)."""
    engine = make_engine(db_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        yield session
    engine.dispose()


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    yield from migrated_session(db_url)


def report_on(session: Session, period: periods.Period, when: datetime, **kwargs: Any
              ) -> stats.Report:
    return period_report.build_report(session, period, today=when.astimezone(TZ).date(), now=when,
                              tz=TZ, **kwargs)


def snapshot_rows(session: Session, key: str) -> dict[int, Any]:
    return {
        row.unit_id: (row.figures, row.from_date, row.to_date, row.closed_at)
        for row in session.scalars(select(ReportSnapshot).where(ReportSnapshot.period_key == key))
    }


def test_two_quarters_of_a_district(session: Session) -> None:
    district = build_district(session)
    q1, q2 = periods.quarter(2026, 1), periods.quarter(2026, 2)

    # 31/03 evening: Q1 is still running; T6 (due today) is in progress, not yet overdue.
    evening = local("31/03", "20:00")
    apply_events(session, district, evening)
    live = report_on(session, q1, evening)
    assert not live.frozen and live.as_of == date(2026, 3, 31)
    assert table(live)["TT"] == ((1, 0, 0, 0, 1, 0, 0), None)
    assert table(live)["UBND"][0] == (10, 6, 3, 0, 1, 1, 0)
    assert snapshot_rows(session, "2026-Q1") == {}

    # 01/04 08:00: the daily job closes March and Q1 (January and February too).
    morning = local("01/04", "08:00")
    apply_events(session, district, morning)
    closed = snapshots.close_periods(session, morning.astimezone(TZ).date(), now=morning, tz=TZ)
    assert closed == ["2026-01", "2026-02", "2026-03", "2026-Q1"]
    assert snapshots.close_periods(session, date(2026, 4, 1), now=morning, tz=TZ) == []
    session.commit()
    frozen_q1 = snapshot_rows(session, "2026-Q1")
    assert len(frozen_q1) == len(UNITS)

    report_q1 = report_on(session, q1, morning)
    assert report_q1.frozen and report_q1.closed
    assert table(report_q1) == EXPECTED_Q1
    assert rates(report_q1) == EXPECTED_Q1_RATES
    assert [line.code for line in report_q1.units] == [
        "UBND", "PNV", "TT", "VHTT", "VP", "XA_A", "XA_B"]
    assert report_q1.totals.on_time_rate == pytest.approx(0.6)
    assert stats.format_rate(report_q1.totals.on_time_rate) == "60%"
    # Sub-units roll up: the district's total is its own task plus all six units.
    ubnd = report_q1.line("UBND")
    assert ubnd is not None
    assert (ubnd.own.assigned, ubnd.own.done_on_time) == (1, 1)

    # 10/04: Thanh tra reports T6 done, ten days late, after Q1 closed.
    apply_events(session, district, local("10/04", "18:00"))
    session.commit()
    after = report_on(session, q1, local("10/04", "18:00"))
    assert table(after) == EXPECTED_Q1
    assert snapshot_rows(session, "2026-Q1") == frozen_q1
    assert snapshots.close_periods(session, date(2026, 4, 11), now=local("11/04"), tz=TZ) == []
    assert snapshot_rows(session, "2026-Q1") == frozen_q1

    # 01/07: Q2 has closed; the first report asked for it freezes it.
    july = local("01/07", "08:00")
    apply_events(session, district, july)
    assert district.applied == len(EVENTS)
    report_q2 = report_on(session, q2, july)
    assert report_q2.frozen
    assert table(report_q2) == EXPECTED_Q2
    assert rates(report_q2) == pytest.approx(EXPECTED_Q2_RATES)
    assert stats.format_rate(report_q2.line("VP").total.on_time_rate) == "66,7%"  # type: ignore[union-attr]
    # The late completion shows as late in the next report …
    assert [item.occurrence_id for item in report_q2.late_earlier] == [
        district.occurrences["T6"]]
    # … and in any running report covering it, where it now counts as done late.
    year = report_on(session, periods.year_period(2026), july)
    assert not year.frozen
    assert {code: figures for code, (figures, _) in table(year).items()} == EXPECTED_YEAR_LIVE
    assert year.totals.on_time_rate == pytest.approx(0.6)
    # Q1 is still as it was frozen.
    assert table(report_on(session, q1, july)) == EXPECTED_Q1
    assert snapshot_rows(session, "2026-Q1") == frozen_q1


def test_contract_json(session: Session) -> None:
    district = build_district(session)
    apply_events(session, district, local("01/07"))
    data = report_on(session, periods.quarter(2026, 1), local("01/07")).to_json()
    assert (data["from"], data["to"]) == ("2026-01-01", "2026-03-31")
    first = data["units"][0]
    assert {key: first[key] for key in (
        "code", "name", "assigned", "done_on_time", "done_late", "overdue", "in_progress",
        "on_time_rate")} == {
        "code": "UBND", "name": "UBND huyện Chợ Mới", "assigned": 10, "done_on_time": 6,
        "done_late": 3, "overdue": 1, "in_progress": 0, "on_time_rate": 0.6}
    by_code = {unit["code"]: unit for unit in data["units"]}
    assert by_code["TT"]["on_time_rate"] == 0.0 and by_code["TT"]["parent"] == "UBND"
    assert by_code["UBND"]["own"]["assigned"] == 1


def test_unit_scope_and_nothing_due(session: Session) -> None:
    district = build_district(session)
    apply_events(session, district, local("01/07"))
    scope = services.subtree_ids(session, [district.units["XA_A"]])
    only = report_on(session, periods.quarter(2026, 1), local("01/07"), unit_ids=scope)
    assert table(only) == {"XA_A": ((2, 1, 1, 0, 0, 0, 0), 1)}
    empty = report_on(session, periods.month(2026, 8), local("01/07"))
    assert empty.totals.assigned == 0 and empty.totals.on_time_rate is None
    assert all(line.rank is None for line in empty.units)


def test_freezing_late_gives_the_same_snapshot(session: Session) -> None:
    """Figures of an ended period are as they stood at its end, so a snapshot taken weeks
    later — after a late completion and an extension approved past the due date — equals
    one taken on time."""
    district = build_district(session)
    apply_events(session, district, local("01/04", "08:00"))
    on_time = report_on(session, periods.quarter(2026, 1), local("01/04", "08:00"),
                        freeze=False)
    apply_events(session, district, local("01/07"))
    # An extension asked and approved after the due date had passed, moving it to Q2.
    occurrence = session.get(Occurrence, district.occurrences["T12-Q2"])
    assert occurrence is not None
    request = services.request_extension(
        session, actor=actor_for(session, district, "em"), occurrence=occurrence,
        new_due=date(2026, 7, 20), reason="Thiếu số liệu", now=local("02/07"))
    services.decide_extension(session, actor=actor_for(session, district, "lanhdao_xa"),
                              request=request, approve=True, now=local("02/07"))
    session.flush()
    late_q1 = report_on(session, periods.quarter(2026, 1), local("03/07"))
    late_q2 = report_on(session, periods.quarter(2026, 2), local("03/07"))
    assert late_q1.frozen and table(late_q1) == table(on_time) == EXPECTED_Q1
    assert table(late_q2) == EXPECTED_Q2
    # A running report sees the new deadline: XA_A's Q2 report is no longer overdue there.
    july = report_on(session, periods.month(2026, 7), local("03/07"))
    assert table(july)["XA_A"][0] == (1, 0, 0, 0, 1, 1, 0)


def test_snapshot_survives_later_edits(session: Session) -> None:
    district = build_district(session)
    apply_events(session, district, local("01/04", "08:00"))
    snapshots.close_periods(session, date(2026, 4, 1), now=local("01/04", "08:00"), tz=TZ)
    # Later a task is cancelled and another is imported with a Q1 deadline.
    task = session.get(Task, district.tasks["T2"])
    assert task is not None
    task.status = "cancelled"
    extra = Task(title="Nhiệm vụ nhập sau", lead_unit_id=district.units["PNV"],
                 schedule_kind="once", schedule={}, created_at=local("05/04"))
    session.add(extra)
    session.flush()
    session.add(Occurrence(task_id=extra.id, period_key="once", due_date=date(2026, 2, 1),
                           created_at=local("05/04")))
    session.flush()
    assert table(report_on(session, periods.quarter(2026, 1), local("06/04"))) == EXPECTED_Q1
    # An arbitrary range is computed from the data as it is now.
    custom = report_on(session, periods.date_range(date(2026, 1, 1), date(2026, 3, 30)),
                       local("06/04"))
    assert not custom.frozen
    assert table(custom)["PNV"][0] == (2, 1, 0, 1, 0, 0, 0)


def test_periods_before_tracking_started_are_not_frozen(session: Session) -> None:
    build_district(session)
    # 2025 ended before the first occurrence was recorded (02/01/2026).
    report = report_on(session, periods.quarter(2025, 4), local("01/04"))
    assert not report.frozen
    assert snapshot_rows(session, "2025-Q4") == {}
    assert snapshots.close_periods(session, date(2026, 1, 2), now=SETUP_AT, tz=TZ) == []


def test_local_due_day_boundary(session: Session) -> None:
    """Done at 23:30 local on the due day is on time, though it is already 16:30 UTC."""
    district = build_district(session)
    apply_events(session, district, local("06/05"))
    may = report_on(session, periods.month(2026, 5), local("06/05"))
    item = next(i for i in may.items if i.occurrence_id == district.occurrences["T4-04"])
    assert item.status.value == "done_on_time"


def test_many_units_use_python_filtering(session: Session, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    """Scopes too long for one SQL IN list give the same figures."""
    district = build_district(session)
    apply_events(session, district, local("01/04", "08:00"))
    scope = set(district.units.values())
    in_sql = report_on(session, periods.quarter(2026, 1), local("01/04"), unit_ids=scope,
                       freeze=False)
    monkeypatch.setattr(stats, "MAX_SQL_IN", 2)
    in_python = report_on(session, periods.quarter(2026, 1), local("01/04"), unit_ids=scope,
                          freeze=False)
    assert table(in_sql) == table(in_python) == EXPECTED_Q1


def test_daily_job_commits_its_own_work(db_url: str) -> None:
    from timelang.clock import FakeClock

    engine = make_engine(db_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        apply_events(session, build_district(session), local("01/04", "08:00"))
        session.commit()
    clock = FakeClock(local("01/04", "05:30"))
    assert snapshots.close_periods_job(factory, clock, TZ) == [
        "2026-01", "2026-02", "2026-03", "2026-Q1"]
    assert snapshots.close_periods_job(factory, clock, TZ) == []
    with factory() as session:
        assert len(snapshot_rows(session, "2026-Q1")) == len(UNITS)
        assert table(report_on(session, periods.quarter(2026, 1), local("02/04"))) == EXPECTED_Q1
    engine.dispose()
