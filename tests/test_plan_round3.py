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
