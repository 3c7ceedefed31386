"""Deadlines, ninth round of issue 14: classes of deadline that plans written elsewhere state
and the parser missed, each with a minimal text of our own. Every phrase goes through the one
phrase reader (`timelang.deadlines`, as `/giao` and `nhacviec deadline`). No text here is copied
from a corpus document."""

from __future__ import annotations

from datetime import date
from typing import Any

from plans.parser import parse_text

HEAD = "Số: 9/KH-UBND\nBình Yên, ngày 20 tháng 10 năm 2025\nKẾ HOẠCH\nThử nghiệm vòng chín\n"
PLAN_DAY = date(2025, 10, 20)


def _tasks(body: str) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = parse_text(HEAD + body).to_json()["tasks"]
    return tasks


def _deadline(task: dict[str, Any]) -> tuple[str, str | None] | None:
    found = task["deadline"]
    return (found["kind"], found["due"]) if found else None


def _by_title(tasks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {task["title"].split()[0]: task for task in tasks}


# --- (a) a roadmap item closing with its span of years in brackets ------------------------


ROADMAP = """I. LỘ TRÌNH
1. Lắp đặt máy chủ cho kho dữ liệu của huyện (2025 - 2026).
2. Nhập hồ sơ cũ vào kho dữ liệu (xuyên suốt 2025 - 2032).
3. Mở kho dữ liệu cho người dân tra cứu (2027 trở đi).
4. Đào tạo cán bộ dùng kho dữ liệu (năm 2026-2028).
"""


def test_a_roadmap_span_in_brackets_is_due_at_its_end() -> None:
    tasks = _by_title(_tasks(ROADMAP))
    assert _deadline(tasks["Lắp"]) == ("once", "2026-12-31")
    assert _deadline(tasks["Nhập"]) == ("once", "2032-12-31")
    assert _deadline(tasks["Đào"]) == ("once", "2028-12-31")


def test_a_roadmap_start_in_brackets_is_no_deadline() -> None:
    task = _by_title(_tasks(ROADMAP))["Mở"]
    assert task["deadline"] is None
    assert "deadline_unread" not in task.get("unsure", [])


# --- (b) periods in an annex table flattened to one cell per line --------------------------


ANNEX = """I. NHIỆM VỤ
1. Phòng Nội vụ theo dõi việc thực hiện Kế hoạch này.
PHỤ LỤC
DANH MỤC NHIỆM VỤ
TT
Nhiệm vụ
Cơ quan chủ trì
Cơ quan phối hợp
Thời gian dự kiến hoàn thành
Kết quả dự kiến
Nguồn kinh phí
I
Sắp xếp kho lưu trữ của huyện
1
Đóng giá kệ cho kho lưu trữ
Phòng Nội vụ
Phòng Tài chính - Kế hoạch
Quý IV/2025
Giá kệ
Ngân sách huyện
2
Chỉnh lý hồ sơ đã hết hạn bảo quản
Văn phòng HĐND và UBND huyện
Các phòng, ban chuyên môn
Năm 2025 - 2026
3
Báo cáo tiến độ chỉnh lý hồ sơ
Phòng Nội vụ
Ủy ban nhân dân các xã
Hằng năm.
4
Tiêu hủy hồ sơ hết giá trị
Phòng Nội vụ
Ủy ban nhân dân các xã
Khi có phát sinh.
"""


def test_b_annex_rows_read_their_period_with_empty_last_columns() -> None:
    tasks = _by_title(_tasks(ANNEX))
    assert tasks["Đóng"]["lead"] == ["Phòng Nội vụ"]
    assert _deadline(tasks["Đóng"]) == ("once", "2025-12-31")
    # The row's "Kết quả" and "Nguồn kinh phí" cells are empty: its period still reads.
    assert tasks["Chỉnh"]["lead"] == ["Văn phòng HĐND và UBND huyện"]
    assert _deadline(tasks["Chỉnh"]) == ("once", "2026-12-31")
    assert tasks["Báo"]["deadline"]["kind"] == "recurring"
    assert tasks["Báo"]["deadline"]["rrule"]


def test_b_an_event_bound_annex_period_is_no_deadline() -> None:
    task = _by_title(_tasks(ANNEX))["Tiêu"]
    assert task["lead"] == ["Phòng Nội vụ"]
    assert task["deadline"] is None


def test_b_two_unit_cells_on_two_lines_are_not_one_cell() -> None:
    body = ANNEX.replace(
        "Đóng giá kệ cho kho lưu trữ\n", "Đóng giá kệ cho kho lưu trữ\nTrang bị máy hút ẩm\n"
    )
    task = _by_title(_tasks(body))["Đóng"]
    assert task["lead"] == ["Phòng Nội vụ"]
    assert task["support"] == ["Phòng Tài chính - Kế hoạch"]


# --- (c) "Đợt N: Từ ngày A đến ngày B" windows over the checks below them ------------------


ROUNDS = """II. NỘI DUNG VÀ THỜI GIAN
1. Đợt 1: Từ ngày 03/11/2025 đến ngày 28/11/2025:
a) Nội dung kiểm tra (đối với các thôn):
- Kiểm tra sổ sách thu chi quỹ thôn.
- Kiểm tra việc niêm yết công khai các khoản đóng góp (từ 10/11/2025 đến 14/11/2025).
b) Nội dung giám sát:
- Giám sát việc cấp phát gạo cứu đói.
2. Đợt 2: Từ ngày 01/12/2025 đến ngày 19/12/2025 gồm các nội dung:
- Xem xét đơn thư của người dân về đất đai.
3. Đợt 3: Từ ngày 22/12/2025 đến ngày tổng kết gồm các nội dung:
- Tổng hợp ý kiến của các thôn.
"""


def test_c_a_rounds_window_dates_the_checks_below_it() -> None:
    tasks = _by_title(_tasks(ROUNDS))
    books = next(t for t in _tasks(ROUNDS) if "sổ sách" in t["title"])
    assert _deadline(books) == ("once", "2025-11-28")
    assert _deadline(tasks["Giám"]) == ("once", "2025-11-28")
    assert _deadline(tasks["Xem"]) == ("once", "2025-12-19")


def test_c_a_check_with_its_own_range_keeps_it() -> None:
    tasks = [t for t in _tasks(ROUNDS) if "niêm yết" in t["title"]]
    assert [_deadline(t) for t in tasks] == [("once", "2025-11-14")]


def test_c_a_window_ending_at_an_event_dates_nothing() -> None:
    assert _by_title(_tasks(ROUNDS))["Tổng"]["deadline"] is None


def test_b_a_table_group_naming_requirements_inside_is_still_work() -> None:
    body = ANNEX.replace(
        "Sắp xếp kho lưu trữ của huyện\n",
        "Ban hành quy định, hướng dẫn yêu cầu kỹ thuật của kho lưu trữ\n",
    )
    assert _deadline(_by_title(_tasks(body))["Đóng"]) == ("once", "2025-12-31")


def test_b_a_wrapped_duty_in_a_row_with_empty_last_columns() -> None:
    body = ANNEX.replace(
        "Chỉnh lý hồ sơ đã hết hạn bảo quản\n",
        "Chỉnh lý hồ sơ đã hết hạn bảo quản\nTheo danh mục của Chi cục Văn thư - Lưu trữ.\n",
    )
    task = _by_title(_tasks(body))["Chỉnh"]
    assert task["lead"] == ["Văn phòng HĐND và UBND huyện"]
    assert _deadline(task) == ("once", "2026-12-31")


PIPE_ANNEX = """I. NHIỆM VỤ
1. Phòng Nội vụ theo dõi việc thực hiện Kế hoạch này.
PHỤ LỤC
DANH MỤC NHIỆM VỤ
| TT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian thực hiện |
| 1 | Đóng giá kệ | Phòng Nội vụ | Phòng Tài chính | Quý IV/2025 |
| 2 | Chỉnh lý hồ sơ | Phòng Nội vụ | Các xã | Năm 2025 - 2026 |
| 3 | Báo cáo tiến độ | Phòng Nội vụ | Các xã | Hằng năm. |
| 4 | Cập nhật dữ liệu | Phòng Nội vụ | Các xã | Thường xuyên, định kỳ hằng quý báo cáo về UBND huyện |
| 5 | Tiêu hủy hồ sơ | Phòng Nội vụ | Các xã | Khi có phát sinh. |
| 6 | Mở kho cho người dân | Phòng Nội vụ | Các xã | Năm 2026 trở đi |
"""


def test_b_pipe_table_periods() -> None:
    tasks = _by_title(_tasks(PIPE_ANNEX))
    assert _deadline(tasks["Đóng"]) == ("once", "2025-12-31")
    assert _deadline(tasks["Chỉnh"]) == ("once", "2026-12-31")
    assert tasks["Báo"]["deadline"]["kind"] == "recurring"
    # Standing work with a quarterly report: the report is what is reminded of.
    assert "FREQ=YEARLY;BYMONTH=3,6,9,12" in tasks["Cập"]["deadline"]["rrule"]


def test_b_event_bound_and_start_periods_are_no_date() -> None:
    tasks = _by_title(_tasks(PIPE_ANNEX))
    # Bound to an event: no date, kept as written for the officer to date (unsure).
    assert tasks["Tiêu"]["deadline"] is None
    assert "deadline_unread" in tasks["Tiêu"]["unsure"]
    # "Năm 2026 trở đi" is when the work starts: no deadline, nothing left unread.
    assert tasks["Mở"]["deadline"] is None
    assert "deadline_unread" not in tasks["Mở"]["unsure"]


# --- days of the month written before "hằng tháng" in prose ----------------------------------


MONTH_DAYS = """II. NHIỆM VỤ
1. Văn phòng UBND xã tổng hợp, báo cáo kết quả thực hiện vào ngày 20 hằng tháng.
2. Công chức Tư pháp - Hộ tịch tổng hợp số liệu, báo cáo Chủ tịch UBND xã vào ngày 15 và 30 hằng tháng.
3. Văn phòng UBND xã chuẩn bị nội dung họp giao ban. Thời gian: ngày 10 hàng tháng.
4. Văn phòng UBND xã báo cáo kết quả hằng tháng vào ngày 25.
5. Văn phòng UBND xã báo cáo kết quả định kỳ hằng tháng, vào ngày 25.
6. Văn phòng UBND xã báo cáo mỗi tháng một lần vào ngày 25.
7. Văn phòng UBND xã báo cáo hằng quý vào ngày 15 của tháng cuối quý.
"""


def test_days_before_every_month_are_the_due_days_not_the_month_end() -> None:
    # Read as "hằng tháng" alone these would be due on the month's last day, without a word.
    rules = [task["deadline"]["rrule"] for task in _tasks(MONTH_DAYS)]
    assert rules == ["FREQ=MONTHLY;BYMONTHDAY=20",
                     "FREQ=MONTHLY;BYMONTHDAY=15,28,29,30;BYSETPOS=1,-1",
                     "FREQ=MONTHLY;BYMONTHDAY=10",
                     # …and the day said after the period.
                     "FREQ=MONTHLY;BYMONTHDAY=25", "FREQ=MONTHLY;BYMONTHDAY=25",
                     "FREQ=MONTHLY;BYMONTHDAY=25",
                     "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=15"]
