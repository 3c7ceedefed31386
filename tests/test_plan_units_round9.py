"""Plan parsing, ninth round of issue 14: who supports and who leads, on minimal texts of our own
(one per class; no text copied from a corpus document).

The support rule (tests/golden/corpus/SOURCES.md, ninth round): in a labelled unit line every
listed unit is kept, "… liên quan" groups included; in a duty's own sentence named bodies and
named classes support, a vague "các cơ quan liên quan" / "… chức năng" group is no unit."""

from __future__ import annotations

from plans.parser import parse_text
from plans.unitnames import sentence_support

HEADER = "Số: 19/KH-UBND\nHòa Lạc, ngày 5 tháng 3 năm 2025\nKẾ HOẠCH\nThử nghiệm vòng chín\n"


def _units(body: str) -> list[tuple[list[str], list[str]]]:
    tasks = parse_text(HEADER + body).to_json()["tasks"]
    return [(t["lead"], t["support"]) for t in tasks]


# --- (a) support from "phối hợp" in sentences ------------------------------------------------


def test_phoi_hop_without_voi_names_its_partner() -> None:
    assert sentence_support("Phối hợp Sở Giao thông và các đơn vị liên quan lập phương án") == [
        "Sở Giao thông"
    ]
    # "phối hợp" followed by a verb names nobody.
    assert sentence_support("Chủ trì, phối hợp tổ chức hội nghị sơ kết") == []


def test_a_manner_word_before_phoi_hop_is_not_an_actor() -> None:
    assert sentence_support("Chủ động phối hợp với Sở Y tế kiểm tra cơ sở khám bệnh") == [
        "Sở Y tế"
    ]


def test_vague_groups_in_a_sentence_are_no_units() -> None:
    assert sentence_support(
        "Phối hợp với Phòng Kinh tế và các cơ quan, đơn vị chức năng kiểm tra chợ"
    ) == ["Phòng Kinh tế"]
    units = _units(
        "II. NHIỆM VỤ\n"
        "1. Sở Công Thương chủ trì, phối hợp với Sở Y tế và các cơ quan có liên quan kiểm tra"
        " an toàn thực phẩm.\n"
    )
    assert units == [(["Sở Công Thương"], ["Sở Y tế"])]


def test_a_labelled_line_keeps_its_related_group() -> None:
    units = _units(
        "II. NHIỆM VỤ\n"
        "1. Kiểm tra an toàn thực phẩm tại chợ.\n"
        "- Cơ quan chủ trì: Sở Công Thương.\n"
        "- Cơ quan phối hợp: Sở Y tế, các cơ quan có liên quan.\n"
    )
    assert units == [(["Sở Công Thương"], ["Sở Y tế", "Các cơ quan có liên quan"])]


def test_unit_phoi_hop_voi_body_keeps_the_unit_as_lead() -> None:
    units = _units(
        "II. NHIỆM VỤ\n"
        "3. Sở Tư pháp: Phối hợp với Công an tỉnh kiểm tra việc thi hành quy chế.\n"
    )
    assert units == [(["Sở Tư pháp"], ["Công an tỉnh"])]


def test_chu_tri_phoi_hop_heading_then_bullets_opening_with_the_partners() -> None:
    units = _units(
        "II. NHIỆM VỤ\n"
        "2. Sở Lao động\n"
        "a) Chủ trì, phối hợp với các đơn vị liên quan rà soát hộ nghèo.\n"
        "b) Chủ trì, phối hợp\n"
        "- Sở Tài chính và các đơn vị liên quan tham mưu bố trí kinh phí hỗ trợ.\n"
        "- Sở Xây dựng, Sở Nội vụ tổ chức khảo sát nhà ở xuống cấp.\n"
    )
    assert units == [
        (["Sở Lao động"], []),
        (["Sở Lao động"], ["Sở Tài chính"]),
        (["Sở Lao động"], ["Sở Xây dựng", "Sở Nội vụ"]),
    ]


# --- (b) "Unit: duty" paragraphs and "Đề nghị" lists ----------------------------------------


def test_de_nghi_list_of_bodies_before_a_colon_leads_the_duty() -> None:
    units = _units(
        "IV. TỔ CHỨC THỰC HIỆN\n"
        "1. Sở Nội vụ\n"
        "- Theo dõi, tổng hợp kết quả phong trào.\n"
        "2. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, Liên đoàn Lao động tỉnh và các tổ"
        " chức chính trị - xã hội tỉnh: Vận động hội viên, đoàn viên hưởng ứng phong trào.\n"
    )
    assert units[1] == (
        [
            "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
            "Liên đoàn Lao động tỉnh",
            "Các tổ chức chính trị - xã hội tỉnh",
        ],
        [],
    )


def test_a_case_before_a_colon_is_not_an_addressee() -> None:
    tasks = parse_text(
        HEADER + "II. NHIỆM VỤ\n2. Xử lý đơn thư\n"
        "- Đối với đơn thư liên quan đến người ứng cử đại biểu Hội đồng nhân dân xã khóa mới:"
        " chuyển Ban Thường trực xem xét, trả lời.\n"
    ).to_json()["tasks"]
    assert [t["lead"] for t in tasks] == [[]]
    assert "no_unit" in tasks[0]["unsure"]


def test_a_subject_paragraph_over_bullets_that_name_no_one() -> None:
    units = _units(
        "IV. TỔ CHỨC THỰC HIỆN\n"
        "1. Các cơ quan, đơn vị, địa phương căn cứ nhiệm vụ được giao xây dựng kế hoạch"
        " hưởng ứng phong trào.\n"
        "- Biểu dương gương điển hình trong phong trào.\n"
        "- Gửi báo cáo kết quả về Sở Nội vụ.\n"
        "2. Sở Nội vụ\n"
        "- Tổng hợp kết quả phong trào.\n"
    )
    group = ["Các cơ quan, đơn vị, địa phương"]
    assert units == [(group, []), (group, []), (group, []), (["Sở Nội vụ"], [])]


# --- (c) units inherited from headings -------------------------------------------------------


def test_a_heading_naming_two_bodies_joined_by_va_leads_its_bullets() -> None:
    units = _units(
        "IV. TỔ CHỨC THỰC HIỆN\n"
        "1. Sở Nội vụ\n"
        "- Tổng hợp kết quả phong trào.\n"
        "2. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội\n"
        "- Vận động hội viên hưởng ứng phong trào.\n"
        "- Giám sát việc thực hiện chính sách.\n"
    )
    pair = (["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Các tổ chức chính trị - xã hội"], [])
    assert units == [(["Sở Nội vụ"], []), pair, pair]


def test_truong_hop_opens_a_case_not_a_school() -> None:
    from plans.unitnames import starts_with_unit, subject_units

    assert not starts_with_unit("Trường hợp chậm trễ, không gửi báo cáo")
    assert not starts_with_unit("Các trường hợp hộ gia đình đủ điều kiện")
    assert starts_with_unit("Trường Tiểu học Kim Đồng")
    assert subject_units("Đối với Ủy ban nhân dân các xã: tổ chức tuyên truyền").lead == [
        "Ủy ban nhân dân các xã"
    ]


def test_the_actor_after_truong_hop_thi() -> None:
    from plans.units import sentence_actors

    assert sentence_actors(
        "Trường hợp hộ gia đình không tự sửa chữa được thì Ủy ban nhân dân xã có trách nhiệm"
        " giúp đỡ."
    ) == ["Ủy ban nhân dân xã"]


def test_a_related_group_is_cut_from_the_named_class_it_follows() -> None:
    assert sentence_support(
        "Chủ trì, phối hợp với các sở, ban, ngành, đoàn thể tỉnh và đơn vị có liên quan rà soát"
        " nhân sự"
    ) == ["Các sở, ban, ngành, đoàn thể tỉnh"]
    # Capitalised words inside the vague group do not make a unit of it.
    assert sentence_support("Chủ trì, phối hợp với các Sở, Ban, ngành liên quan tổ chức hội thi") == []
