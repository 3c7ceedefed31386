"""Deadlines, seventh round of issue 14: classes of deadline that plans written elsewhere state
and the parser missed or misread, each with a minimal text of our own, and the phrase reader
behind them (one reader for plans, `/giao` and `nhacviec deadline`). No text here is copied
from a corpus document."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import build_app
from bot.cli import main
from db.models import Task
from plans.parser import parse_text
from tests.support import Harness, make_settings
from tests.test_handlers import ADMIN, seed
from texts.deadlines import reason_text
from timelang.clock import FakeClock
from timelang.deadlines import Reading, Refusal, read_deadline

HEAD = "Số: 7/KH-UBND\nBình Yên, ngày 18 tháng 11 năm 2025\nKẾ HOẠCH\nThử nghiệm vòng bảy\n"
PLAN_DAY = date(2025, 11, 18)


def _tasks(body: str) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = parse_text(HEAD + body).to_json()["tasks"]
    return tasks


def _deadline(task: dict[str, Any]) -> tuple[str, str | None, str | None] | None:
    found = task["deadline"]
    return (found["kind"], found["due"], found["rrule"]) if found else None


# --- the phrase reader -------------------------------------------------------------------


@pytest.mark.parametrize("phrase", ["báo cáo hằng ngày", "Báo cáo nhanh hàng ngày",
                                    "giám sát và báo cáo tổng hợp hằng ngày"])
def test_a_daily_report_recurs_each_day(phrase: str) -> None:
    reading = read_deadline(phrase, PLAN_DAY)
    assert isinstance(reading, Reading)
    assert (reading.deadline.kind, reading.deadline.rrule) == ("recurring", "FREQ=DAILY")
    assert reading.deadline.next_dues(PLAN_DAY, 2) == [PLAN_DAY, date(2025, 11, 19)]


@pytest.mark.parametrize("phrase", ["hằng ngày", "Thời gian thực hiện: Hàng ngày"])
def test_daily_work_without_a_report_stays_ongoing(phrase: str) -> None:
    reading = read_deadline(phrase, PLAN_DAY)
    assert isinstance(reading, Reading) and reading.deadline.kind == "ongoing"


@pytest.mark.parametrize(
    ("phrase", "ref", "due"),
    [
        ("trước ngày 05 của tháng đầu quý sau", date(2025, 11, 18), date(2026, 1, 5)),
        ("chậm nhất ngày 10 tháng đầu quý tới", date(2026, 1, 1), date(2026, 4, 10)),
    ],
)
def test_a_day_of_the_first_month_of_next_quarter_said_once_is_a_date(
    phrase: str, ref: date, due: date
) -> None:
    reading = read_deadline(phrase, ref)
    assert isinstance(reading, Reading)
    assert (reading.deadline.kind, reading.deadline.due) == ("once", due)
    assert reading.deadline.source == phrase


def test_the_recurring_form_and_a_bare_start_of_quarter_are_unchanged() -> None:
    recurring = read_deadline("định kỳ trước ngày 05 của tháng đầu quý sau", PLAN_DAY)
    assert isinstance(recurring, Reading) and recurring.deadline.kind == "recurring"
    asked = read_deadline("đầu quý sau", PLAN_DAY)
    assert isinstance(asked, Refusal) and "đầu quý" in reason_text(asked.reason)


@pytest.mark.parametrize(
    ("phrase", "kind", "due", "rrule"),
    [
        ("báo cáo hằng ngày", "recurring", None, "FREQ=DAILY"),
        ("trước ngày 05 của tháng đầu quý sau", "once", "2026-04-05", None),
    ],
)
def test_the_cli_reads_them_the_same_way(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    phrase: str, kind: str, due: str | None, rrule: str | None,
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ADMINS", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["deadline", phrase, "--ref", "2026-03-10"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["kind"], data["due"], data["rrule"]) == (kind, due, rrule)


@pytest.fixture
async def harness(tmp_path: Path, db_url: str, clock: FakeClock) -> AsyncIterator[Harness]:
    app = build_app(make_settings(tmp_path, db_url), clock=clock)
    harness = Harness(app)
    seed(app)
    yield harness
    app.close()


async def test_giao_takes_the_first_month_of_next_quarter_said_once(harness: Harness) -> None:
    # Today is 02/03/2026 (the test clock): the next quarter's first month is April.
    reply = await harness.send(ADMIN, "/giao PNV | Nộp báo cáo quý | trước ngày 05 của tháng "
                                      "đầu quý sau")
    assert "Đã giao nhiệm vụ" in reply.text and "05/04/2026" in reply.text


async def test_giao_takes_a_daily_report(harness: Harness) -> None:
    reply = await harness.send(ADMIN, "/giao PNV | Tình hình mưa lũ | báo cáo hằng ngày")
    assert "Đã giao nhiệm vụ" in reply.text and "Hằng ngày" in reply.text
    with harness.app.session_factory() as session:
        task = session.scalars(select(Task).where(Task.title == "Tình hình mưa lũ")).one()
        dues = sorted(o.due_date for o in task.occurrences)
        task_id = task.id
    assert len(dues) >= 2 and dues[1] - dues[0] == timedelta(days=1)
    detail = await harness.send(ADMIN, f"/chitiet {task_id}")
    day = dues[0].strftime("%d/%m/%Y")
    assert f"ngày {day}" in detail.text and f"{day}–{day}" not in detail.text


# --- plans ---------------------------------------------------------------------------------


def test_a_range_of_months_or_quarters_is_due_at_its_end() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n"
        "1. Kiểm kê tài sản công tại các xã\n- Thời gian thực hiện: Tháng 11 - 12/2025.\n"
        "2. Khảo sát nhu cầu đào tạo\n- Thời gian thực hiện: Quý IV/2025 - Quý II/2026.\n"
    )
    assert [_deadline(t) for t in tasks] == [
        ("once", "2025-12-31", None),
        ("once", "2026-06-30", None),
    ]


def test_a_duty_opened_or_closed_by_its_period_recurs() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n"
        "a) Hằng năm, tổ chức kiểm tra việc thực hiện Chương trình tại các xã; tổ chức sơ kết "
        "theo hướng dẫn của Sở.\n"
        "b) Tổ chức bồi dưỡng nghiệp vụ cho cán bộ thư viện hàng năm.\n"
        "c) Đưa kinh phí thực hiện vào dự toán ngân sách hằng năm.\n"
    )
    assert [(_deadline(t) or ("none",))[0] for t in tasks] == ["recurring", "recurring", "none"]


def test_a_daily_report_in_a_plan_recurs() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Giám sát dịch bệnh sau bão\n"
        "- Thiết lập chế độ báo cáo nhanh hàng ngày trong thời gian mưa lũ.\n"
        "- Phun khử khuẩn các khu vực ngập nước.\n"
    )
    assert [_deadline(t) for t in tasks] == [("recurring", None, "FREQ=DAILY"), None]


def test_a_time_block_of_a_campaign_section_holds_for_all_its_activities() -> None:
    # "b) Thời gian: Từ … đến …" is a block of its own: the campaign's span; every activity
    # of the section is due at its end.
    tasks = _tasks(
        "II. NỘI DUNG\n2. Tuần lễ sạch đẹp\n"
        "a) Khẩu hiệu: Xanh - Sạch - Đẹp.\n"
        "b) Thời gian: Từ ngày 01/12/2025 đến ngày 07/12/2025.\n"
        "c) Các hoạt động chính\n"
        "- Tổ chức ra quân dọn vệ sinh đường làng, ngõ xóm.\n"
        "- Trồng cây xanh tại các trường học.\n"
    )
    activities = [t for t in tasks if t["title"].startswith(("Tổ chức ra quân", "Trồng cây"))]
    assert [_deadline(t) for t in activities] == [("once", "2025-12-07", None)] * 2


def test_a_time_line_without_its_colon_is_the_time_not_a_task() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Giao Ủy ban nhân dân các xã\n"
        "- Rà soát, cập nhật số nhà trên bản đồ địa chính.\n"
        "Thời gian hoàn thành trước ngày 31 tháng 12 năm 2025.\n"
    )
    assert [(t["title"][:20], _deadline(t)) for t in tasks] == [
        ("Rà soát, cập nhật số", ("once", "2025-12-31", None)),
    ]


def test_a_dated_paragraph_closing_the_text_is_its_sections_duty() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Tổ chức hội thi an toàn giao thông.\n"
        "III. CHẾ ĐỘ BÁO CÁO\n"
        "Các phòng, ban gửi báo cáo kết quả về Phòng Văn hóa trước ngày 20 tháng 12 năm 2025 "
        "để tổng hợp./.\n"
    )
    report = [t for t in tasks if t["title"].startswith("Các phòng, ban gửi báo cáo")]
    assert [_deadline(t) for t in report] == [("once", "2025-12-20", None)]


def test_a_closing_paragraph_without_a_date_is_still_not_a_task() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Tổ chức hội thi an toàn giao thông.\n"
        "III. TỔ CHỨC THỰC HIỆN\n"
        "Các phòng, ban căn cứ Kế hoạch này tổ chức thực hiện./.\n"
    )
    assert [t["title"][:20] for t in tasks] == ["Tổ chức hội thi an t"]


def test_a_report_after_the_closing_request_is_a_duty_of_those_addressed() -> None:
    # "… yêu cầu X, Y nghiêm túc thực hiện; định kỳ trước ngày … hằng năm báo cáo …": the
    # request is no duty, the dated report after it is, of X and Y.
    tasks = _tasks(
        "II. TỔ CHỨC THỰC HIỆN\n1. Phòng Văn hóa\n- Hướng dẫn các xã tổ chức hội thi.\n"
        "Ủy ban nhân dân huyện yêu cầu các phòng, ban huyện và Ủy ban nhân dân các xã nghiêm "
        "túc triển khai thực hiện; định kỳ trước ngày 25 tháng 11 hằng năm báo cáo kết quả về "
        "Ủy ban nhân dân huyện (qua Phòng Văn hóa). Trong quá trình thực hiện, nếu có vướng "
        "mắc, phản ánh về Phòng Văn hóa để tổng hợp./.\n"
    )
    report = [t for t in tasks if t["title"].startswith("Định kỳ trước ngày 25 tháng 11")]
    assert len(report) == 1 and len(tasks) == 2
    assert report[0]["deadline"]["rrule"] == "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=25"
    assert "Phòng Văn hóa" not in report[0]["lead"] and report[0]["lead"]


@pytest.mark.parametrize(
    ("phrase", "rrule"),
    [
        ("1 lần/năm", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"),
        ("02 lần/năm", "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1"),
        ("hai lần mỗi năm", "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1"),
        ("4 lần/năm", "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"),
        ("1 lần/tháng", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("hằng tháng, trước ngày 25", "FREQ=MONTHLY;BYMONTHDAY=25"),
    ],
)
def test_how_many_times_a_period_is_read_as_its_periods(phrase: str, rrule: str) -> None:
    # "hai lần mỗi năm" was read as once a year: the count is not dropped any more.
    reading = read_deadline(phrase, PLAN_DAY)
    assert isinstance(reading, Reading) and reading.deadline.rrule == rrule


@pytest.mark.parametrize("phrase", ["2 lần/tháng", "03 lần/năm"])
def test_a_count_that_names_no_days_is_refused(phrase: str) -> None:
    refusal = read_deadline(phrase, PLAN_DAY)
    assert isinstance(refusal, Refusal) and "chưa nói vào những ngày nào" in reason_text(refusal.reason)


def test_a_plan_frequency_it_cannot_schedule_is_unsure_not_missing() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Quan trắc nước hồ chứa\n"
        "- Quan trắc độ mặn, pH tại 03 điểm với tần suất 2 lần/tháng.\n"
    )
    assert tasks[0]["deadline"] is None and "deadline_unread" in tasks[0]["unsure"]
    assert tasks[0]["deadline_text"] == "2 lần/tháng"


@pytest.mark.parametrize(
    ("phrase", "kind", "due"),
    [
        ("Trước ngày 31/12/2025 và hằng năm", "recurring", None),
        ("Năm 2026 và hằng năm", "recurring", None),
        ("Quý I, II/2026", "once", "2026-06-30"),
        ("tháng 10 - tháng 12 năm 2025", "once", "2025-12-31"),
        ("Tháng 12/2025 và kiện toàn thường xuyên", "once", "2025-12-31"),
    ],
)
def test_a_plan_time_and_its_recurrence_or_list(phrase: str, kind: str, due: str | None) -> None:
    tasks = _tasks(f"II. NHIỆM VỤ\n1. Rà soát quy chế làm việc\n- Thời gian: {phrase}.\n")
    assert _deadline(tasks[0])[:2] == (kind, due)  # type: ignore[index]


def test_a_heading_that_says_when_its_items_are_due_dates_them() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Các nhiệm vụ hoàn thành trong Quý I/2026:\n"
        "- Rà soát quy chế làm việc.\n- Kiện toàn tổ công tác trước ngày 15/01/2026.\n"
        "2. Nhiệm vụ năm 2026 (hoàn thành trước ngày 15/12/2026)\n"
        "a) Tổ chức hội nghị sơ kết.\nb) Khen thưởng tập thể.\n"
    )
    assert [_deadline(t)[1] for t in tasks] == [  # type: ignore[index]
        "2026-03-31", "2026-01-15", "2026-12-15", "2026-12-15"
    ]


def test_a_heading_that_only_names_its_period_dates_nothing() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Nhiệm vụ trọng tâm trong năm 2026\n"
        "- Xây dựng thể lệ hội thi.\n- Thành lập ban giám khảo.\n"
    )
    assert [_deadline(t) for t in tasks] == [None, None]


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("chậm nhất ngày 05 tháng 01 năm sau", date(2026, 1, 5)),
        ("trước ngày 15/01 năm sau", date(2026, 1, 15)),
        ("trước ngày 20/11/2025 (thứ Năm)", date(2025, 11, 20)),
    ],
)
def test_a_date_of_next_year_or_with_its_weekday_is_read(phrase: str, due: date) -> None:
    # "01 năm sau" is January of next year, not "one year later"; "(thứ Năm)" is the date's
    # own weekday, said again.
    reading = read_deadline(phrase, PLAN_DAY)
    assert isinstance(reading, Reading) and reading.deadline.due == due


def test_a_weekday_that_is_not_the_dates_is_refused() -> None:
    refusal = read_deadline("trước ngày 20/11/2025 (thứ Hai)", PLAN_DAY)
    assert isinstance(refusal, Refusal) and refusal.unsure


def test_half_year_and_year_reports_with_their_days_recur_each_year() -> None:
    tasks = _tasks(
        "V. CHẾ ĐỘ BÁO CÁO\n"
        "1. Các phòng gửi báo cáo 6 tháng trước ngày 15/6 và báo cáo năm trước ngày 15/12 về "
        "Phòng Nội vụ.\n"
        "2. Các xã báo cáo định kỳ 6 tháng (trước ngày 10/6) và năm (trước ngày 10/12).\n"
        "3. Phòng Nội vụ gửi báo cáo năm 2025 trước ngày 20/12/2025.\n"
    )
    assert [_deadline(t) for t in tasks] == [
        ("recurring", None, "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=15"),
        ("recurring", None, "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=10"),
        ("once", "2025-12-20", None),
    ]


@pytest.mark.parametrize(
    ("phrase", "rrule"),
    [
        # "15 tháng 12" after "và" is a day, not a month list "6 và 15".
        ("ngày 15 tháng 6 và 15 tháng 12 hằng năm", "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=15"),
        # "và" is not the Roman numeral V (May).
        ("ngày 15 tháng 6 và tháng 12 hằng năm", "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=15"),
    ],
)
def test_two_days_of_the_year_are_read_as_written(phrase: str, rrule: str) -> None:
    reading = read_deadline(phrase, PLAN_DAY)
    assert isinstance(reading, Reading) and reading.deadline.rrule == rrule


def test_time_blocks_after_each_duty_stay_with_the_duty_above() -> None:
    tasks = _tasks(
        "II. NỘI DUNG\n1. Công tác tuyên truyền\n"
        "a) Tổ chức hội nghị phổ biến luật.\nb) Thời gian: tháng 3/2026.\n"
        "c) Phát hành tờ rơi tới các hộ.\nd) Thời gian: tháng 5/2026.\n"
    )
    assert [_deadline(t) for t in tasks] == [
        ("once", "2026-03-31", None),
        ("once", "2026-05-31", None),
    ]
