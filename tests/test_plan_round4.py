"""Plan parsing, fourth round of issue 14: one minimal text of our own per failure class seen on
the round-3 plans. No text here is copied from a corpus document."""

from __future__ import annotations

from plans.lines import _label_kind
from plans.parser import parse_text
from plans.unitnames import parse_responsibility, starts_with_unit

DECISION = (
    "Số: 77/QĐ-UBND\nBình Yên, ngày 2 tháng 3 năm 2024\nQUYẾT ĐỊNH\n"
    "Ban hành Kế hoạch thử nghiệm vòng bốn\n"
    "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch thử nghiệm.\n"
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n"
    "Điều 3. Chánh Văn phòng, Thủ trưởng các sở chịu trách nhiệm thi hành Quyết định này.\n"
    "Nơi nhận:\n- Như Điều 3;\n- Lưu: VT.\nCHỦ TỊCH\nNguyễn Văn A\n"
)


def test_plan_after_the_signature_block_of_its_decision_is_read() -> None:
    text = DECISION + (
        "KẾ HOẠCH\nThử nghiệm vòng bốn\n(Kèm theo Quyết định số 77/QĐ-UBND)\n"
        "I. MỤC ĐÍCH\nBảo đảm thống nhất.\n"
        "II. NHIỆM VỤ\n"
        "1. Sở Xây dựng rà soát quy hoạch chi tiết, hoàn thành trước ngày 30/6/2024.\n"
        "2. Sở Y tế kiểm tra bếp ăn tập thể.\n"
    )
    tasks = parse_text(text).to_json()["tasks"]
    assert [t["lead"] for t in tasks] == [["Sở Xây dựng"], ["Sở Y tế"]]
    assert tasks[0]["deadline"]["due"] == "2024-06-30"


def test_a_signature_block_without_a_plan_after_it_still_ends_reading() -> None:
    text = DECISION + "Ghi chú của văn thư: Sở Y tế nhận bản chính.\n"
    assert parse_text(text).to_json()["tasks"] == []


def _kind(text: str) -> str | None:
    found = _label_kind(text)
    return found[0] if found else None


def test_labels_are_read_from_their_words_with_qualifiers() -> None:
    assert _kind("Đơn vị chủ trì tham mưu thực hiện: Sở Tư pháp") == "lead"
    assert _kind("Cơ quan chủ trì thực hiện: Sở Nội vụ") == "lead"
    assert _kind("Đơn vị thực hiện: Các phòng") == "exec"
    assert _kind("Đơn vị phối hợp thực hiện: Sở Tài chính") == "support"
    assert _kind("Thời hạn ban hành: trước ngày 01/01/2025") == "time"
    assert _kind("Thời hạn hoàn thành: Quý II/2025") == "time"
    # A sentence with a colon is not a label.
    assert _kind("Nội dung tuyên truyền gồm: luật mới") is None


def test_a_label_with_qualifiers_sets_the_task_fields() -> None:
    tasks = parse_text(
        "Số: 9/KH-UBND\nBình Yên, ngày 2 tháng 3 năm 2024\nKẾ HOẠCH\nThử\n"
        "II. NHIỆM VỤ\n1. Xây dựng quy chế phối hợp\n"
        "Đơn vị chủ trì tham mưu thực hiện: Sở Nội vụ.\n"
        "Thời hạn ban hành: trước ngày 15/5/2024.\n"
    ).to_json()["tasks"]
    assert [(t["lead"], t["deadline"]["due"]) for t in tasks] == [(["Sở Nội vụ"], "2024-05-15")]


def test_a_group_with_a_level_qualifier_is_one_unit() -> None:
    found = parse_responsibility("Các phòng, ban, đoàn thể cấp huyện triển khai tuyên truyền")
    assert found.lead == ["Các phòng, ban, đoàn thể cấp huyện"]


def test_a_group_ends_at_its_verb() -> None:
    found = parse_responsibility("Các phòng, đơn vị liên quan kiện toàn tổ công tác")
    assert found.lead == ["Các phòng, đơn vị liên quan"]


def test_an_opening_verb_phrase_is_not_a_unit() -> None:
    assert not starts_with_unit("Bố trí kinh phí mua sắm thiết bị")
    assert not starts_with_unit("Ban hành quy chế làm việc")
    assert starts_with_unit("Bộ Tài chính")
    assert starts_with_unit("Sở, ban, ngành")
    tasks = parse_text(
        "Số: 9/KH-UBND\nBình Yên, ngày 2 tháng 3 năm 2024\nKẾ HOẠCH\nThử\n"
        "II. NHIỆM VỤ\n1. Bố trí kinh phí để mua sắm thiết bị bảo mật cho các phòng.\n"
    ).to_json()["tasks"]
    assert [t["lead"] for t in tasks] == [[]]


def test_a_monthly_report_day_written_before_the_frequency() -> None:
    tasks = parse_text(
        "Số: 9/KH-UBND\nBình Yên, ngày 2 tháng 3 năm 2024\nKẾ HOẠCH\nThử\n"
        "II. TỔ CHỨC THỰC HIỆN\n"
        "1. Các phòng báo cáo kết quả về Phòng Nội vụ trước ngày 15 hằng tháng.\n"
    ).to_json()["tasks"]
    assert [t["deadline"]["rrule"] for t in tasks] == ["FREQ=MONTHLY;BYMONTHDAY=15"]


def test_a_unit_name_broken_by_the_line_is_joined() -> None:
    tasks = parse_text(
        "Số: 9/KH-UBND\nBình Yên, ngày 2 tháng 3 năm 2024\nKẾ HOẠCH\nThử\n"
        "II. NHIỆM VỤ\n1. Xây dựng chiến lược\n"
        "a) Nhiệm vụ: Tham mưu UBND\nTỉnh phối hợp với Sở Y tế rà soát chiến lược.\n"
        "b) Cơ quan thực hiện: Sở Nội vụ.\n"
    ).to_json()["tasks"]
    assert [(t["title"], t["lead"]) for t in tasks] == [
        ("Tham mưu UBND Tỉnh phối hợp với Sở Y tế rà soát chiến lược.", ["Sở Nội vụ"])
    ]
