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
- Đánh giá việc dùng kho: định kỳ (hằng năm) đánh giá tiến độ và điều chỉnh kịp thời.
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
    # The period in brackets after "định kỳ" is the bullet's own regime.
    assert _deadline(_task(tasks, "Đánh giá việc dùng kho"))[0] == "recurring"  # type: ignore[index]


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


# --- (c) a conference's agenda, attendance and particulars; what a monitoring plan examines -


CONFERENCE = """I. MỤC ĐÍCH
Lấy ý kiến cử tri về người ứng cử.
II. TỔ CHỨC HỘI NGHỊ
1. Triệu tập hội nghị
- Ban Thường trực Ủy ban MTTQ xã gửi giấy mời cử tri.
2. Thành phần dự hội nghị
- Đại diện Thường trực HĐND xã;
- Ban Công tác Mặt trận thôn phối hợp với Chi hội Nông dân lập danh sách cử tri được mời.
- Khách mời: Chủ tịch UBND xã.
3. Trình tự hội nghị
3.1. Chủ tọa tuyên bố lý do.
3.2. Thư ký đọc tiểu sử người ứng cử.
3.3. Hội nghị biểu quyết bằng giơ tay.
4. Nội dung và biên bản hội nghị
- Biên bản phải ghi rõ số cử tri có mặt.
5. Địa điểm: Nhà văn hóa thôn Đông.
III. NỘI DUNG GIÁM SÁT
1. Nội dung giám sát
- Tình hình phân bổ vốn hỗ trợ hộ nghèo.
- Việc chấp hành các kiến nghị sau giám sát.
2. Nội dung kiểm tra, giám sát đợt 1
- Giám sát việc niêm yết danh sách hộ nghèo.
- Kiểm tra sổ sách cấp phát gạo.
IV. TỔ CHỨC THỰC HIỆN
1. Văn phòng UBND xã
- Chuẩn bị hội trường.
"""


def _titles(body: str) -> list[str]:
    return [task["title"] for task in _tasks(body)]


def test_c_a_conference_agenda_attendance_and_minutes_are_no_tasks() -> None:
    titles = " | ".join(_titles(CONFERENCE))
    for words in ("Đại diện Thường trực", "Khách mời", "Chủ tọa", "Thư ký", "biểu quyết",
                  "Biên bản phải", "Nhà văn hóa"):
        assert words not in titles, words


def test_c_a_body_given_work_among_the_attendees_stays_a_task() -> None:
    tasks = _tasks(CONFERENCE)
    assert _task(tasks, "gửi giấy mời")["lead"] == ["Ban Thường trực Ủy ban MTTQ xã"]
    assert _task(tasks, "lập danh sách cử tri")["lead"] == ["Ban Công tác Mặt trận thôn"]
    assert _task(tasks, "hội trường")["lead"] == ["Văn phòng UBND xã"]


def test_c_what_monitoring_examines_is_no_task_but_checks_are() -> None:
    titles = " | ".join(_titles(CONFERENCE))
    assert "phân bổ vốn" not in titles and "Việc chấp hành" not in titles
    assert "Giám sát việc niêm yết" in titles and "Kiểm tra sổ sách" in titles


# --- (d) an article quoting a plan: its links, captions and next questions ------------------


ARTICLE = """Kế hoạch dọn vệ sinh đón Tết của xã Bình Yên ra sao?
Theo Kế hoạch của UBND xã Bình Yên, các việc cần làm như sau:
I. NHIỆM VỤ
1. Dọn vệ sinh đường làng trước ngày 20/01/2026.
2. Trang trí cổng chào trước ngày 25/01/2026.
Xem chi tiết tại Kế hoạch 10/KH-UBND năm 2025.
Toàn văn Kế hoạch dọn vệ sinh đón Tết (Hình từ Internet)
3. Treo cờ Tổ quốc dọc đường làng.
Người lao động làm thêm giờ ngày Tết được trả lương thế nào?
Căn cứ Bộ luật Lao động, tiền lương làm thêm giờ như sau:
- Vào ngày thường, ít nhất bằng 150%;
- Vào ngày nghỉ lễ, ít nhất bằng 300%.
Quý khách cần hỏi thêm thông tin có thể đặt câu hỏi tại đây.
"""


def test_d_an_articles_links_and_captions_are_no_tasks() -> None:
    titles = " | ".join(_titles(ARTICLE))
    assert "Xem chi tiết" not in titles and "Hình từ Internet" not in titles
    assert "Dọn vệ sinh" in titles and "Treo cờ" in titles


def test_d_the_articles_next_question_ends_the_plan() -> None:
    titles = " | ".join(_titles(ARTICLE))
    for words in ("trả lương", "150%", "300%", "Quý khách", "Căn cứ Bộ luật"):
        assert words not in titles, words


def test_b_whom_a_body_meets_then_why_is_one_duty() -> None:
    body = TIMELINE + (
        "- Ngày 10/02/2026: Ban Thường trực Ủy ban MTTQ xã họp với người phụ trách công tác tổ "
        "chức cán bộ của các cơ quan có người ứng cử; Trưởng ban công tác Mặt trận thôn, để hướng dẫn việc lấy ý kiến cử tri.\n"
    )
    tasks = [t for t in _tasks(body) if "họp với" in t["title"] or "để hướng dẫn" in t["title"]]
    assert len(tasks) == 1
    assert tasks[0]["lead"] == ["Ban Thường trực Ủy ban MTTQ xã"]
    assert _deadline(tasks[0]) == ("once", "2026-02-10")
