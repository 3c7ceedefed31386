"""Plan parsing, third round of issue 14: one minimal text of our own per failure class seen on
the round-2 plans (supporting units, unit groups, deadlines in prose, wrapped lines, labels).
No text here is copied from a corpus document."""

from __future__ import annotations

from plans.parser import parse_text
from plans.unitnames import parse_responsibility, sentence_support

HEADER = "Số: 31/KH-UBND\nBình Yên, ngày 10 tháng 4 năm 2024\nKẾ HOẠCH\nThử nghiệm vòng ba\n"


def _tasks(body: str, header: str = HEADER) -> list[dict]:
    return parse_text(header + body).to_json()["tasks"]


# --- supporting units ----------------------------------------------------------------------


def test_support_only_after_phoi_hop_at_the_start_of_a_duty() -> None:
    assert sentence_support("Chủ trì, phối hợp với Phòng Tài chính rà soát danh mục") == [
        "Phòng Tài chính"
    ]
    assert sentence_support(
        "Phối hợp chặt chẽ với Công an xã và các cơ quan liên quan kịp thời xử lý vi phạm"
    ) == ["Công an xã", "Các cơ quan liên quan"]
    assert sentence_support("(Giao Trung tâm Y tế chủ trì, phối hợp với Phòng Văn hóa thực hiện)") == [
        "Phòng Văn hóa"
    ]
    # Not an actor's clause, or "phối hợp" deep in the sentence: nobody is named as support.
    assert sentence_support("Tham mưu Ủy ban phối hợp với Sở Y tế kiểm tra bếp ăn") == []
    assert sentence_support("Tổ chức tập huấn, phối hợp với các trường để mở lớp") == []


def test_support_from_a_sentence_under_a_unit_heading() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Phòng Nội vụ\n"
        "- Chủ trì, phối hợp với Phòng Tư pháp rà soát quy chế làm việc.\n"
        "- Tổng hợp kết quả chấm điểm.\n"
    )
    assert [(t["lead"], t["support"]) for t in tasks] == [
        (["Phòng Nội vụ"], ["Phòng Tư pháp"]),
        (["Phòng Nội vụ"], []),
    ]


def test_adverbs_after_phoi_hop_are_not_a_unit() -> None:
    found = parse_responsibility(
        "Đài Truyền thanh chủ trì, phối hợp chặt chẽ, quyết liệt với Ban Tuyên giáo huyện"
    )
    assert found.lead == ["Đài Truyền thanh"]
    assert found.support == ["Ban Tuyên giáo huyện"]


# --- unit lists ----------------------------------------------------------------------------


def test_unit_group_with_tail_words_stays_one_unit() -> None:
    assert parse_responsibility("Các hội, đoàn thể có liên quan", "support").support == [
        "Các hội, đoàn thể có liên quan"
    ]
    assert parse_responsibility("Các phòng, ban, cơ quan liên quan", "lead").lead == [
        "Các phòng, ban, cơ quan liên quan"
    ]


def test_semicolon_always_separates_units_and_drops_a_person_title() -> None:
    assert parse_responsibility("Ban Chỉ huy Quân sự huyện; Tư lệnh các đồn biên phòng", "lead").lead == [
        "Ban Chỉ huy Quân sự huyện",
        "Các đồn biên phòng",
    ]
    assert parse_responsibility("Các phòng chuyên môn; Hội Nông dân huyện", "support").support == [
        "Các phòng chuyên môn",
        "Hội Nông dân huyện",
    ]


# --- deadlines in prose --------------------------------------------------------------------


def _deadline_of(body: str) -> tuple[dict | None, list[str]]:
    task = _tasks(body)[0]
    return task["deadline"], task["unsure"]


def test_month_list_and_upkeep_clause_is_due_at_the_end_of_the_last_month() -> None:
    deadline, _ = _deadline_of(
        "II. NHIỆM VỤ\n1. Ban hành quy chế của Tổ công tác.\n"
        "Thời gian thực hiện: Tháng 9, 10/2024 và cập nhật, bổ sung hằng năm.\n"
    )
    assert deadline is not None and deadline["kind"] == "once" and deadline["due"] == "2024-10-31"


def test_list_of_reporting_periods_recurs() -> None:
    deadline, _ = _deadline_of(
        "II. NHIỆM VỤ\n1. Sơ kết việc thực hiện kế hoạch.\n"
        "Thời gian thực hiện: 6 tháng, hằng năm và đột xuất.\n"
    )
    assert deadline is not None and deadline["kind"] == "recurring"


def test_year_range_is_due_at_its_end_and_open_period_is_not_a_deadline() -> None:
    deadline, _ = _deadline_of(
        "II. NHIỆM VỤ\n1. Xây dựng kho dữ liệu hộ tịch.\nThời gian thực hiện: năm 2025 - 2026.\n"
    )
    assert deadline is not None and deadline["due"] == "2026-12-31"
    deadline, unsure = _deadline_of(
        "II. NHIỆM VỤ\n1. Đào tạo cán bộ pháp chế.\n"
        "Thời gian thực hiện: Giai đoạn 2025-2027 và những năm tiếp theo.\n"
    )
    assert deadline is None and "deadline_unread" not in unsure


def test_time_set_by_another_plan_is_not_a_deadline_but_is_flagged() -> None:
    deadline, unsure = _deadline_of(
        "II. NHIỆM VỤ\n1. Tập huấn nghiệp vụ hộ tịch.\n"
        "Thời gian thực hiện: Theo kế hoạch đào tạo hằng năm của Sở.\n"
    )
    assert deadline is None and "deadline_unread" in unsure
    deadline, unsure = _deadline_of(
        "II. NHIỆM VỤ\n1. Hướng dẫn thực hiện quy trình mới.\n"
        "Thời gian thực hiện: Sau khi Thông tư được ban hành.\n"
    )
    assert deadline is None and "deadline_unread" in unsure


def test_dates_inside_the_duty_text() -> None:
    deadline, _ = _deadline_of(
        "II. NHIỆM VỤ\n1. Hoàn thiện bộ thủ tục liên thông (trong năm 2024).\n"
    )
    assert deadline is not None and deadline["due"] == "2024-12-31"
    deadline, _ = _deadline_of(
        "II. NHIỆM VỤ\n1. Khai mạc hội thi cấp huyện: Ngày 12/9/2024 (thứ Năm).\n"
    )
    assert deadline is not None and deadline["due"] == "2024-09-12"
    deadline, _ = _deadline_of(
        "II. NHIỆM VỤ\n1. Triển khai các giải pháp trọng tâm từ năm 2024 đến năm 2026.\n"
    )
    assert deadline is not None and deadline["due"] == "2026-12-31"
    deadline, _ = _deadline_of(
        "II. NHIỆM VỤ\n1. Bố trí vốn trong năm 2024 và các năm tiếp theo.\n"
    )
    assert deadline is None
