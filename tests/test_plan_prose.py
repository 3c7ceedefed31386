"""Plan parsing on prose plans: one minimal text of our own per failure class of issue 14
(unit headings, actors inside sentences, opening verbs, two duties in a paragraph, addressees
of a prose directive, a plan with no readable date)."""

from __future__ import annotations

from datetime import date

from plans.parser import parse_text
from plans.units import GAZETTEER, duty_sentences, sentence_actors

HEADER = "Số: 12/KH-UBND\nAn Phú, ngày 05 tháng 3 năm 2024\nKẾ HOẠCH\nThử nghiệm\n"


def _tasks(body: str, header: str = HEADER, **kwargs: object) -> list[dict]:
    return parse_text(header + body, **kwargs).to_json()["tasks"]


def test_unit_heading_passes_down_to_its_items() -> None:
    tasks = _tasks(
        "III. TỔ CHỨC THỰC HIỆN\n1. Công an tỉnh\n- Rà soát dữ liệu dân cư.\n"
        "- Hướng dẫn cấp xã cập nhật dữ liệu.\n2. Sở Tư pháp\n- Kiểm tra hồ sơ hộ tịch.\n"
    )
    assert [(t["title"][:10], t["lead"]) for t in tasks] == [
        ("Rà soát dữ", ["Công an tỉnh"]),
        ("Hướng dẫn ", ["Công an tỉnh"]),
        ("Kiểm tra h", ["Sở Tư pháp"]),
    ]


def test_actor_inside_sentence_and_bracket() -> None:
    assert sentence_actors("Sở Xây dựng chủ trì, phối hợp với Sở Tài chính lập Đề án") == [
        "Sở Xây dựng"
    ]
    assert sentence_actors("(Giao Công an tỉnh chủ trì, phối hợp với Sở Tư pháp)") == [
        "Công an tỉnh"
    ]
    assert sentence_actors("Thủ trưởng các sở; Chủ tịch UBND các huyện có trách nhiệm:") == [
        "các sở",
        "UBND các huyện",
    ]
    tasks = _tasks("II. NHIỆM VỤ\n1. Yêu cầu UBND các xã rà soát thủ tục hành chính.\n")
    assert tasks[0]["lead"] == ["UBND các xã"]
    assert "no_unit" not in tasks[0]["unsure"]


def test_opening_verbs_and_common_nouns_are_not_units() -> None:
    for phrase in ("Tổ chức", "Thanh tra việc thực hiện", "Bố trí kinh phí", "Cán bộ", "Sở"):
        assert not GAZETTEER.is_unit(phrase), phrase
    for phrase in ("Thanh tra tỉnh", "UBND", "Sở, ban, ngành", "Uỷ ban nhân dân huyện"):
        assert GAZETTEER.is_unit(phrase), phrase


def test_two_duties_with_two_actors_in_one_paragraph_split() -> None:
    text = (
        "Văn phòng UBND huyện có trách nhiệm tổng hợp danh sách. "
        "Yêu cầu UBND các xã phối hợp thực hiện. Nếu có vướng mắc, báo cáo kịp thời."
    )
    assert [actors for _, actors in duty_sentences(text)] == [
        ["Văn phòng UBND huyện"],
        ["UBND các xã"],
    ]
    tasks = _tasks("II. NHIỆM VỤ\n1. " + text + "\n")
    assert [t["lead"] for t in tasks] == [["Văn phòng UBND huyện"], ["UBND các xã"]]


def test_addressees_of_a_prose_directive_lead_its_items() -> None:
    tasks = _tasks(
        "Chủ tịch UBND tỉnh yêu cầu Thủ trưởng các sở, ngành và Chủ tịch UBND các huyện "
        "triển khai thực hiện các nội dung sau:\n1. Rà soát thủ tục hành chính.\n"
        "2. Công khai kết quả giải quyết hồ sơ.\n"
    )
    assert [t["lead"] for t in tasks] == [["các sở, ngành", "UBND các huyện"]] * 2


def test_prose_only_text_gives_the_duty_with_its_actor() -> None:
    tasks = _tasks(
        "UBND tỉnh có ý kiến như sau: Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan "
        "rà soát, báo cáo kết quả thực hiện.\n"
    )
    assert len(tasks) == 1
    assert tasks[0]["title"].startswith("Sở Nội vụ chủ trì")
    assert tasks[0]["lead"] == ["Sở Nội vụ"]


def test_task_without_a_unit_says_so() -> None:
    tasks = _tasks("II. NHIỆM VỤ\n1. Rà soát thủ tục hành chính.\n")
    assert tasks[0]["lead"] == []
    assert "no_unit" in tasks[0]["unsure"]


def test_plan_without_a_readable_date_marks_its_tasks_unless_a_date_is_given() -> None:
    header = "KẾ HOẠCH\nThử nghiệm\n"
    body = "II. NHIỆM VỤ\n1. Phòng Nội vụ rà soát hồ sơ trong 30 ngày.\n"
    guessed = _tasks(body, header=header, today=None)
    assert "date_guessed" in guessed[0]["unsure"]
    given = _tasks(body, header=header, today=date(2024, 3, 1))
    assert "date_guessed" not in given[0]["unsure"]
