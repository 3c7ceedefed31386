"""Plan parsing, round 9c of issue 14: lines that read like duties but are none (money sources,
liability, a general charge, campaign mottos and contents, targets), and unit lists (press
tails, two bodies in one cell without a separator, two classes in one list). One minimal text
of our own per class; no text here is copied from a corpus document."""

from __future__ import annotations

from typing import Any

from plans.parser import parse_text

HEAD = "Số: 9/KH-UBND\nBình Yên, ngày 5 tháng 3 năm 2025\nKẾ HOẠCH\nThử nghiệm vòng chín\n"


def _tasks(body: str) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = parse_text(HEAD + body).to_json()["tasks"]
    return tasks


def _titles(body: str) -> list[str]:
    return [task["title"] for task in _tasks(body)]


def test_money_sources_are_no_tasks() -> None:
    titles = _titles(
        "II. GIẢI PHÁP\n"
        "1. Bảo đảm nguồn lực\n"
        "a) Ngân sách tỉnh bảo đảm kinh phí cho các nhiệm vụ do tỉnh thực hiện.\n"
        "b) Hợp tác xã vận tải bảo đảm kinh phí cho các tuyến xe của mình.\n"
        "c) Kêu gọi các nhà tài trợ đóng góp xây dựng bến xe.\n"
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Kinh phí thực hiện Kế hoạch được bố trí từ dự toán hằng năm của các đơn vị.\n"
        "2. Sở Giao thông vận tải lập danh mục tuyến xe buýt mới.\n"
    )
    assert [t[:14] for t in titles] == ["Hợp tác xã vận", "Kêu gọi các nh", "Sở Giao thông "]


def test_funding_part_naming_no_body_is_no_task() -> None:
    titles = _titles(
        "II. NHIỆM VỤ\n"
        "1. Sở Xây dựng lập quy hoạch bãi đỗ xe.\n"
        "2. Phương án huy động kinh phí\n"
        "- Lồng ghép vào chương trình đầu tư công: ưu tiên vốn cho bãi đỗ xe.\n"
        "- Hỗ trợ từ ngân sách Trung ương: đề nghị hỗ trợ phần thiết bị.\n"
        "- Xã hội hóa/hợp tác công - tư: mời doanh nghiệp cùng đầu tư.\n"
        "III. KINH PHÍ THỰC HIỆN\n"
        "Kinh phí do ngân sách tỉnh bảo đảm theo phân cấp.\n"
        "Các doanh nghiệp vận tải tự bố trí vốn cho phương tiện của mình.\n"
    )
    assert [t[:13] for t in titles] == ["Sở Xây dựng l"]


def test_funding_part_giving_a_body_work_stays() -> None:
    titles = _titles(
        "II. NHIỆM VỤ\n"
        "1. Sở Xây dựng lập quy hoạch bãi đỗ xe.\n"
        "III. KINH PHÍ\n"
        "Sở Tài chính tham mưu bố trí kinh phí thực hiện Kế hoạch.\n"
    )
    assert len(titles) == 2


def test_liability_and_general_charge_are_no_tasks() -> None:
    tasks = _tasks(
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Ban quản lý rừng phòng hộ\n"
        "- Tuần tra, bảo vệ diện tích rừng được giao.\n"
        "- Chịu trách nhiệm trước Ủy ban nhân dân tỉnh nếu để xảy ra cháy rừng trên diện tích "
        "được giao.\n"
        "2. Trách nhiệm giải trình\n"
        "- Các đơn vị được giao nhiệm vụ có trách nhiệm thực hiện nghiêm túc, đúng tiến độ.\n"
        "- Trường hợp chậm gửi số liệu, đơn vị chịu trách nhiệm giải trình trước Ủy ban nhân "
        "dân tỉnh.\n"
        "- Sở Nông nghiệp tổng hợp tình hình, báo cáo Ủy ban nhân dân tỉnh.\n"
        "3. Các sở, ban, ngành, Ủy ban nhân dân các xã chịu trách nhiệm thực hiện Kế hoạch này.\n"
    )
    assert [t["title"][:14] for t in tasks] == ["Tuần tra, bảo ", "Sở Nông nghiệp"]


def test_general_charge_with_its_own_paragraph_stays() -> None:
    titles = _titles(
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Các sở, ngành chịu trách nhiệm thực hiện Kế hoạch này.\n"
        "Căn cứ Kế hoạch, các sở, ngành xây dựng kế hoạch chi tiết của đơn vị mình.\n"
    )
    assert len(titles) == 1


def test_campaign_motto_and_emulation_content_are_no_tasks() -> None:
    titles = _titles(
        "II. NỘI DUNG PHONG TRÀO\n"
        "1. Chủ đề phong trào\n"
        "“Chung sức xây dựng quê hương giàu đẹp”.\n"
        "2. Nội dung thi đua\n"
        "a) Thi đua hoàn thành vượt mức chỉ tiêu thu ngân sách.\n"
        "b) Tiếp tục đẩy mạnh cải cách hành chính.\n"
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Sở Nội vụ hướng dẫn các đơn vị đăng ký thi đua.\n"
    )
    assert [t[:9] for t in titles] == ["Sở Nội vụ"]


def test_targets_to_reach_are_no_task() -> None:
    titles = _titles(
        "II. MỤC TIÊU VÀ HOẠT ĐỘNG CỦA KẾ HOẠCH\n"
        "1. Phấn đấu đến cuối năm 2025 đạt các chỉ tiêu sau:\n"
        "- Chỉ tiêu 1: 90% xã có điểm sinh hoạt văn hóa.\n"
        "- Chỉ tiêu 2: 80% thôn có đội văn nghệ.\n"
        "2. Hoạt động chính\n"
        "- Tổ chức liên hoan văn nghệ quần chúng.\n"
    )
    assert [t[:9] for t in titles] == ["Tổ chức l"]


def test_unnamed_press_is_no_unit() -> None:
    from plans.unit_lists import extract_units

    units, _ = extract_units(
        "Sở Nội vụ, Ủy ban nhân dân các xã, thị trấn, báo, đài và các đơn vị có liên quan",
        stop_at_verb=False,
    )
    assert units == ["Sở Nội vụ", "Ủy ban nhân dân các xã, thị trấn", "Các đơn vị có liên quan"]
    # A named paper is a body; "thông tấn, báo chí" after "các cơ quan" is one group.
    assert extract_units("Báo Bình Yên, Đài Phát thanh tỉnh")[0] == [
        "Báo Bình Yên",
        "Đài Phát thanh tỉnh",
    ]
    assert extract_units("các cơ quan thông tấn, báo chí")[0] == ["Các cơ quan thông tấn, báo chí"]


def test_bare_generic_word_after_a_named_body_is_dropped() -> None:
    from plans.unit_lists import extract_units

    units, stop = extract_units("Sở Xây dựng, đơn vị được thuê khảo sát thực hiện")
    assert units == ["Sở Xây dựng"] and stop == "được"
    # After a collective it continues the group.
    assert extract_units("UBND các xã, đơn vị")[0] == ["UBND các xã, đơn vị"]


def test_two_bodies_in_one_cell_without_separator() -> None:
    from plans.unit_lists import extract_units

    assert extract_units("Sở Tư pháp Sở Nội vụ; UBND các xã")[0] == [
        "Sở Tư pháp",
        "Sở Nội vụ",
        "UBND các xã",
    ]
    # A head repeated after "thuộc" is part of the name; two different heads are one name.
    assert extract_units("Phòng Văn thư thuộc Phòng Hành chính")[0] == [
        "Phòng Văn thư thuộc Phòng Hành chính"
    ]
    assert extract_units("Văn phòng UBND tỉnh")[0] == ["Văn phòng UBND tỉnh"]


def test_administrative_collective_and_political_organisations_are_two_classes() -> None:
    from plans.unit_lists import extract_units

    assert extract_units("Sở, ban, ngành, tổ chức chính trị - xã hội")[0] == [
        "Sở, ban, ngành",
        "Tổ chức chính trị - xã hội",
    ]
    assert extract_units("Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ")[0] == [
        "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ"
    ]


def test_table_cell_with_two_bodies_gives_two_supports() -> None:
    tasks = _tasks(
        "PHỤ LỤC\n"
        "| STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |\n"
        "| 1 | Lập danh mục bến xe khách | Sở Xây dựng | Sở Tài chính Sở Công Thương | Năm 2025 |\n"
    )
    assert tasks and tasks[0]["lead"] == ["Sở Xây dựng"]
    assert tasks[0]["support"] == ["Sở Tài chính", "Sở Công Thương"]


def test_actor_name_ends_at_a_verb_the_duty_verbs_lack() -> None:
    from plans.units import sentence_actors

    assert sentence_actors(
        "Thủ trưởng các sở, ngành, Chủ tịch UBND các xã xác định đây là nhiệm vụ trọng tâm và "
        "chỉ đạo triển khai."
    ) == ["các sở, ngành", "UBND các xã"]
    assert sentence_actors(
        "Ủy ban nhân dân các xã phân công cán bộ theo dõi, hỗ trợ người cai nghiện."
    ) == ["Ủy ban nhân dân các xã"]


def test_case_by_case_handling_rules_are_the_duty_detail() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n"
        "1. Tiếp nhận phản ánh của người dân\n"
        "Tổ tiếp dân phường tiếp nhận phản ánh, cụ thể:\n"
        "- Đối với phản ánh về vệ sinh môi trường: chuyển Tổ dân phố xem xét.\n"
        "- Đối với phản ánh về trật tự đô thị:\n"
        "+ Chuyển Công an phường xử lý.\n"
        "2. Tổ chức đối thoại\n"
        "- Đối với Ủy ban nhân dân phường: chủ trì buổi đối thoại hằng quý.\n"
    )
    titles = [t["title"] for t in tasks]
    assert not any(title.startswith("Đối với phản ánh") for title in titles)
    assert any(title.startswith("Tiếp nhận phản ánh") for title in titles)
    # A case naming bodies addresses them: still a task.
    assert any("đối thoại" in title for title in titles)


def test_breakdown_line_alone_is_no_task() -> None:
    titles = _titles(
        "II. NHIỆM VỤ\n"
        "1. Phát triển hạ tầng\n"
        "- Lắp đặt trạm sạc tại các bến xe.\n"
        "Trong đó:\n"
        "+ Bến xe phía Bắc: 10 trạm;\n"
        "+ Bến xe phía Nam: 12 trạm.\n"
    )
    assert not any(title.strip(" :") == "Trong đó" for title in titles)


def test_list_in_the_opening_clause_is_not_the_subject() -> None:
    from plans.unitnames import subject_units
    from plans.units import sentence_actors

    text = (
        "Trên cơ sở đề xuất của các Sở, ban, ngành chuyên môn, Sở Tài chính phối hợp với các "
        "đơn vị liên quan thẩm định nhu cầu kinh phí."
    )
    assert sentence_actors(text) == ["Sở Tài chính"]
    found = subject_units(text)
    # The vague partner group is no unit, and the verb after it is none either.
    assert found.lead == ["Sở Tài chính"] and found.support == []
    # A lower-case subject after the opening clause is still read.
    assert sentence_actors(
        "Trong quá trình lập quy hoạch, cơ quan lập quy hoạch chủ trì rà soát số liệu."
    ) == ["cơ quan lập quy hoạch"]


def test_owners_and_investors_head_their_items() -> None:
    tasks = _tasks(
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Các chủ rừng là hộ gia đình\n"
        "- Tuần tra rừng trong mùa khô.\n"
        "2. Chủ đầu tư các dự án\n"
        "- Báo cáo tiến độ thi công hằng tháng.\n"
    )
    assert [t["lead"] for t in tasks] == [["Các chủ rừng là hộ gia đình"], ["Chủ đầu tư các dự án"]]


def test_places_of_a_commune_are_one_group() -> None:
    from plans.unit_lists import extract_units

    assert extract_units("Các thôn, tổ dân phố")[0] == ["Các thôn, tổ dân phố"]
    assert extract_units("Các thôn, khu phố và Công an xã")[0] == [
        "Các thôn, khu phố",
        "Công an xã",
    ]
