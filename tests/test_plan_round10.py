"""Tenth round of issue 14: classes of plan text that the ninth kept-out set showed the parser
misread, each with a minimal text of our own. No text here is copied from a corpus document."""

from __future__ import annotations

from typing import Any

from plans.parser import parse_text

HEAD = "Số: 10/KH-UBND\nBình Yên, ngày 20 tháng 10 năm 2025\nKẾ HOẠCH\nThử nghiệm vòng mười\n"


def _tasks(body: str) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = parse_text(HEAD + body).to_json()["tasks"]
    return tasks


def _deadline(task: dict[str, Any]) -> tuple[str, str | None] | None:
    found = task["deadline"]
    return (found["kind"], found["due"]) if found else None


def _task(tasks: list[dict[str, Any]], words: str) -> dict[str, Any]:
    return next(task for task in tasks if words in task["title"])


# --- (a) a period heading of a roadmap dates the bullets below it ---------------------------


ROADMAP = """I. MỤC TIÊU
1. Mục tiêu giai đoạn 2025 - 2030
Mỗi xã có một kho dữ liệu dùng chung.
II. LỘ TRÌNH THỰC HIỆN
1. Giai đoạn 2025 - 2030
- Lắp đặt máy chủ cho kho dữ liệu của huyện.
- Nhập hồ sơ cũ vào kho dữ liệu, định kỳ hằng năm báo cáo kết quả.
- Đào tạo cán bộ dùng kho dữ liệu trước ngày 30/6/2026.
2. Giai đoạn 2031-2035:
2.1. Mở rộng kho dữ liệu
- Mở kho dữ liệu cho người dân tra cứu.
- Kết nối kho với tỉnh.
III. VIỆC TỪNG NĂM
Năm 2026:
- Sửa quy chế dùng kho dữ liệu.
- Rà soát hồ sơ mật.
Năm 2027:
- Tổng kết việc dùng kho dữ liệu.
IV. VIỆC CỦA TRƯỜNG
Năm học 2025-2026:
- Dạy học sinh tra cứu kho dữ liệu.
"""


def test_a_a_stage_heading_dates_its_bullets_at_its_end() -> None:
    tasks = _tasks(ROADMAP)
    assert _deadline(_task(tasks, "Lắp đặt máy chủ")) == ("once", "2030-12-31")
    assert _deadline(_task(tasks, "Mở kho dữ liệu")) == ("once", "2035-12-31")
    assert _deadline(_task(tasks, "Kết nối kho")) == ("once", "2035-12-31")


def test_a_a_bullet_with_its_own_time_keeps_it() -> None:
    tasks = _tasks(ROADMAP)
    assert _deadline(_task(tasks, "Đào tạo cán bộ")) == ("once", "2026-06-30")
    assert _deadline(_task(tasks, "Nhập hồ sơ cũ"))[0] == "recurring"  # type: ignore[index]


def test_a_an_unnumbered_year_line_dates_the_bullets_after_it() -> None:
    tasks = _tasks(ROADMAP)
    assert _deadline(_task(tasks, "Sửa quy chế")) == ("once", "2026-12-31")
    assert _deadline(_task(tasks, "Rà soát hồ sơ mật")) == ("once", "2026-12-31")
    assert _deadline(_task(tasks, "Tổng kết việc")) == ("once", "2027-12-31")
    refs = [t["ref"] for t in tasks if t["ref"].startswith("III")]
    assert refs[:2] == ["III-1", "III-2"] and len(set(refs)) == 3


def test_a_a_school_year_or_an_objective_period_dates_nothing() -> None:
    tasks = _tasks(ROADMAP)
    assert _task(tasks, "Dạy học sinh")["deadline"] is None
    assert not any("Mỗi xã" in t["title"] and t["deadline"] for t in tasks)


# --- (b) timeline lines: a date label, then a unit and its duty -----------------------------


TIMELINE = """I. MỤC ĐÍCH
Tổ chức tốt hội nghị cử tri.
II. THỜI GIAN VÀ TIẾN ĐỘ
- Ngày 04/02/2026: Văn phòng UBND xã chuẩn bị hội trường.
- Từ ngày 05/02/2026 - 08/02/2026: Ban Thường trực Ủy ban MTTQ xã trao đổi với cơ quan có \
người ứng cử để thống nhất ngày hội nghị.
- Từ ngày 09/02/2026: Công an xã bảo đảm an ninh quanh nơi họp.
- Trước ngày 15/02/2026: Ủy ban nhân dân xã báo cáo kết quả về Ủy ban nhân dân huyện.
"""


def test_b_a_dated_line_is_a_duty_of_its_subject_due_at_the_range_end() -> None:
    tasks = _tasks(TIMELINE)
    hall = _task(tasks, "hội trường")
    assert hall["title"].startswith("Văn phòng UBND xã chuẩn bị")
    assert hall["lead"] == ["Văn phòng UBND xã"]
    assert _deadline(hall) == ("once", "2026-02-04")
    talks = _task(tasks, "trao đổi")
    assert talks["lead"] == ["Ban Thường trực Ủy ban MTTQ xã"]
    assert _deadline(talks) == ("once", "2026-02-08")
    report = _task(tasks, "báo cáo kết quả")
    assert report["lead"] == ["Ủy ban nhân dân xã"]
    assert _deadline(report) == ("once", "2026-02-15")


def test_b_a_start_date_label_is_no_deadline_and_leaves_the_title() -> None:
    patrol = _task(_tasks(TIMELINE), "an ninh")
    assert patrol["title"].startswith("Công an xã")
    assert patrol["lead"] == ["Công an xã"]
    assert patrol["deadline"] is None
