"""Plan parsing, sixth round of issue 14: LEAD units and DEADLINES on plans the parser was not
built on, one minimal text of our own per class of input. No text here is copied from a
corpus document."""

from __future__ import annotations

from typing import Any

from plans.parser import parse_text

HEAD = "Số: 6/KH-UBND\nBình Yên, ngày 2 tháng 3 năm 2025\nKẾ HOẠCH\nThử nghiệm vòng sáu\n"


def _tasks(body: str) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = parse_text(HEAD + body).to_json()["tasks"]
    return tasks


FLAT_TABLE = (
    "I. MỤC TIÊU\nNâng cao chất lượng phục vụ người dân.\n"
    "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n"
    "PHỤ LỤC\nNHIỆM VỤ CỤ THỂ\n"
    "TT\nNội dung công việc\nĐơn vị chủ trì\nĐơn vị phối hợp\nThời hạn\n"
    "I.\nCÔNG TÁC TRUYỀN THÔNG\n"
    "1\nIn tờ rơi hướng dẫn thủ tục mới.\nSở Tư pháp\nUBND các xã\nQuý II/2025\n"
    "2\nMở chuyên mục hỏi đáp trên cổng thông tin.\nSở Nội vụ\n"
    "Sở Tư pháp; Đài Phát thanh và\ntruyền hình tỉnh\nTrước ngày 30/6/2025\n"
    "II. CÔNG TÁC\nKIỂM TRA\n"
    "3\nKiểm tra việc niêm yết thủ tục.\nThanh tra tỉnh\nSở Nội vụ\nHằng năm\n"
)


def test_a_table_flattened_to_one_cell_per_line_is_read_by_its_header_columns() -> None:
    # A table copied as text: the header cells on lines of their own, then each row's number
    # followed by its cells. The columns give the lead, the support units and the deadline.
    tasks = {t["title"]: t for t in _tasks(FLAT_TABLE)}
    leaflet = tasks["In tờ rơi hướng dẫn thủ tục mới."]
    assert leaflet["lead"] == ["Sở Tư pháp"]
    assert leaflet["support"] == ["UBND các xã"]
    assert leaflet["deadline"]["due"] == "2025-06-30"
    qa = tasks["Mở chuyên mục hỏi đáp trên cổng thông tin."]
    assert qa["lead"] == ["Sở Nội vụ"]
    # The wrapped cell ("… và" / "truyền hình tỉnh") is one cell, not a shifted row.
    assert qa["support"] == ["Sở Tư pháp", "Đài Phát thanh và truyền hình tỉnh"]
    assert qa["deadline"]["due"] == "2025-06-30"
    check = tasks["Kiểm tra việc niêm yết thủ tục."]
    assert check["lead"] == ["Thanh tra tỉnh"]
    assert check["deadline"]["kind"] == "recurring"
    assert not any(title.startswith(("TT", "Nội dung công việc")) for title in tasks)


def test_a_flattened_row_with_a_missing_cell_keeps_its_task_and_guesses_no_unit() -> None:
    # Three cells where four are due: which one is missing cannot be told, so no unit is put
    # in the wrong column.
    body = FLAT_TABLE.replace("Sở Nội vụ\nSở Tư pháp; Đài", "Sở Tư pháp; Đài")
    tasks = {t["title"]: t for t in _tasks(body)}
    qa = tasks["Mở chuyên mục hỏi đáp trên cổng thông tin."]
    assert qa["lead"] == []
    assert tasks["In tờ rơi hướng dẫn thủ tục mới."]["lead"] == ["Sở Tư pháp"]


def test_a_unit_heading_drops_its_role_in_apposition_and_its_member_list() -> None:
    # "1.1. Sở X - Cơ quan thường trực …", "1.2. Các cơ quan … (gồm các Sở: …)": the heading
    # names the unit whose duties follow; the role and the members are not part of its name.
    tasks = _tasks(
        "II. NHIỆM VỤ CỤ THỂ\n1. Nhiệm vụ của các thành viên\n"
        "1.1. Sở Xây dựng - Cơ quan thường trực Tổ công tác\n"
        "- Lập danh sách công trình cần sửa chữa.\n- Báo cáo tiến độ hằng quý.\n"
        "1.2. Các cơ quan quản lý chuyên ngành (gồm các Sở: Y tế, Giáo dục và Đào tạo, "
        "Công Thương, Nông nghiệp và Môi trường, Văn hóa, Thể thao và Du lịch, Khoa học và "
        "Công nghệ, Tư pháp)\n"
        "- Hướng dẫn đơn vị trực thuộc rà soát hồ sơ công trình.\n"
    )
    leads = {t["title"]: t["lead"] for t in tasks}
    assert leads["Lập danh sách công trình cần sửa chữa."] == ["Sở Xây dựng"]
    assert leads["Hướng dẫn đơn vị trực thuộc rà soát hồ sơ công trình."] == [
        "Các cơ quan quản lý chuyên ngành"
    ]


def test_an_executing_units_line_drops_the_bounds_of_their_duty() -> None:
    # "Cơ quan thực hiện: Sở A, các sở, ngành trong phạm vi chức năng, nhiệm vụ của mình và
    # các cơ quan liên quan": the bounds are not part of a unit's name.
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Kiểm tra việc thi hành quy chế\n"
        "- Cơ quan thực hiện: Sở Nội vụ, các sở, ban, ngành tỉnh trong phạm vi chức năng, "
        "nhiệm vụ của mình và các cơ quan, tổ chức có liên quan.\n"
        "- Thời gian thực hiện: Năm 2025.\n"
    )
    assert len(tasks) == 1
    assert "các sở, ban, ngành tỉnh" in [name.lower() for name in tasks[0]["lead"]]
    assert not any("phạm vi" in name for name in tasks[0]["lead"])


def test_the_head_of_a_collective_names_the_collective_whole() -> None:
    # "Thủ trưởng các sở, ban, ngành và UBND các xã chịu trách nhiệm …": the head's title must
    # not split the collective into "Thủ trưởng các sở" and "Ban, ngành".
    tasks = _tasks(
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Sở Nội vụ theo dõi, đôn đốc việc thực hiện Kế hoạch này.\n"
        "2. Thủ trưởng các sở, ban, ngành và Ủy ban nhân dân các xã chịu trách nhiệm "
        "triển khai Kế hoạch này tại cơ quan, địa phương.\n"
    )
    leads = [t["lead"] for t in tasks if t["title"].startswith("Thủ trưởng")]
    assert leads == [["Các sở, ban, ngành", "Ủy ban nhân dân các xã"]]


def test_a_unit_heading_wrapped_after_a_comma_names_one_institute() -> None:
    # "1. Viện Văn hóa, Nghệ thuật,\nThể thao …": the line after a comma continues the name,
    # and an institute ("Viện …") is a unit like a department.
    tasks = _tasks(
        "IV. TỔ CHỨC THỰC HIỆN\n\n1. Viện Khoa học, Công nghệ,\nMôi trường và Đô thị Miền Trung\n\n"
        "a) Tổ chức tuyên truyền nội dung quy hoạch.\n\n"
        "b) Tổ chức đánh giá thực hiện quy hoạch.\n"
    )
    assert [t["lead"] for t in tasks] == [
        ["Viện Khoa học, Công nghệ, Môi trường và Đô thị Miền Trung"]
    ] * 2


def _list_leads(introduction: str) -> list[list[str]]:
    tasks = _tasks(
        f"IV. TỔ CHỨC THỰC HIỆN\n1. {introduction}\n- Lập dự toán kinh phí.\n"
        "- Tổ chức đánh giá kết quả thực hiện.\n2. Sở Nội vụ bố trí cán bộ.\n"
    )
    return [t["lead"] for t in tasks]


def test_a_list_introduced_by_its_unit_gives_each_item_that_unit() -> None:
    # "1. Sở X có trách nhiệm:" / "- …" / "- …": the items are the unit's duties.
    assert _list_leads("Sở Tài chính có trách nhiệm:") == [
        ["Sở Tài chính"], ["Sở Tài chính"], ["Sở Nội vụ"]
    ]
    assert _list_leads("Giao Sở Tư pháp thực hiện các nhiệm vụ sau:")[:2] == [["Sở Tư pháp"]] * 2


def test_a_list_a_unit_delegates_goes_to_the_unit_that_carries_it_out() -> None:
    # "Sở X chỉ đạo Chi cục Y thực hiện các nội dung sau:": Y does the listed work.
    assert _list_leads("Sở Tài chính chỉ đạo Chi cục Thuế thực hiện các nội dung sau:")[:2] == [
        ["Chi cục Thuế"]
    ] * 2
    # A list introduced by a duty, not a unit, names no one.
    assert _list_leads("Tuyên truyền cho các cơ quan, đơn vị về các nội dung sau:")[:2] == [[]] * 2


def test_standing_work_with_a_yearly_round_is_reminded_yearly() -> None:
    # "Thường xuyên, hằng năm": the yearly round is what a reminder can keep; plain
    # "Thường xuyên" stays ongoing.
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Khen thưởng tập thể, cá nhân tiêu biểu.\n"
        "- Cơ quan chủ trì: Sở Nội vụ.\n- Thời gian thực hiện: Thường xuyên, hằng năm.\n"
        "2. Cập nhật dữ liệu dân cư.\n"
        "- Cơ quan chủ trì: Công an tỉnh.\n- Thời gian thực hiện: Thường xuyên.\n"
    )
    assert [t["deadline"]["kind"] for t in tasks] == ["recurring", "ongoing"]


def test_named_bodies_that_support_people_are_the_duty_s_actors() -> None:
    # "Mặt trận Tổ quốc, Đoàn Thanh niên, Hội Phụ nữ hỗ trợ người dân …": "hỗ trợ" is the
    # duty's verb, so the bodies before it carry the duty.
    tasks = _tasks(
        "II. NHIỆM VỤ\n6. Công tác phối hợp\n"
        "- Kích hoạt đội phản ứng nhanh các cấp.\n"
        "- Trung tâm Y tế huyện hỗ trợ các xã lấy mẫu nước.\n"
        "- Mặt trận Tổ quốc, Đoàn Thanh niên, Hội Nông dân hỗ trợ người dân dọn dẹp nhà cửa.\n"
    )
    leads = [t["lead"] for t in tasks]
    assert leads[1] == ["Trung tâm Y tế huyện"]
    assert leads[2] == ["Mặt trận Tổ quốc", "Đoàn Thanh niên", "Hội Nông dân"]


def test_a_long_heading_then_a_paragraph_opening_with_its_units() -> None:
    # "3. Xây dựng … được giao trong Luật …" (no full stop) then "Sở, ban, ngành … có trách
    # nhiệm …": the paragraph's subject leads; a passive "được giao" names no one.
    tasks = _tasks(
        "II. NHIỆM VỤ\n\n1. Phổ biến Luật\n\n- Cơ quan thực hiện: Sở Tư pháp.\n\n"
        "3. Xây dựng các văn bản quy định chi tiết những nội dung được giao trong Luật Thủy "
        "lợi và các nghị định hướng dẫn thi hành\n\n"
        "Sở, ban, ngành thuộc Ủy ban nhân dân tỉnh có trách nhiệm rà soát, tham mưu ban hành "
        "văn bản về những nội dung được giao trong Luật khi các Bộ, ngành ban hành văn bản "
        "hướng dẫn thi hành.\n"
    )
    assert [t["lead"] for t in tasks] == [
        ["Sở Tư pháp"], ["Sở, ban, ngành thuộc Ủy ban nhân dân tỉnh"]
    ]
