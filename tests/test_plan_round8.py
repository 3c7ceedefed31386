"""Plan parsing, eighth round of issue 14: commune-level plans, one minimal text of our own
per class of input. No text here is copied from a corpus document."""

from __future__ import annotations

from typing import Any

from plans.parser import parse_text

HEAD = "Số: 8/KH-BTT\nHòa Bình, ngày 4 tháng 3 năm 2025\nKẾ HOẠCH\nThử nghiệm vòng tám\n"


def _tasks(body: str) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = parse_text(HEAD + body).to_json()["tasks"]
    return tasks


def _titles(body: str) -> list[str]:
    return [task["title"] for task in _tasks(body)]


def test_slogans_are_no_tasks() -> None:
    titles = _titles(
        "I. NHIỆM VỤ\n"
        "1. Văn phòng xã in tài liệu hướng dẫn cho các thôn.\n"
        "II. CÁC CÂU CỔ ĐỘNG\n"
        "1. Chung tay giữ gìn làng xóm sạch đẹp!\n"
        "2. Mỗi người dân là một chiến sĩ bảo vệ môi trường!\n"
        "3. Vì một xã xanh, sạch, đẹp!\n"
    )
    assert len(titles) == 1
    assert titles[0].startswith("Văn phòng xã in tài liệu")


def test_campaign_topics_and_forms_naming_no_one_are_no_tasks() -> None:
    titles = _titles(
        "I. NỘI DUNG TUYÊN TRUYỀN\n"
        "- Tuyên truyền ý nghĩa của ngày hội toàn dân.\n"
        "- Tuyên truyền quyền và nghĩa vụ của công dân.\n"
        "II. HÌNH THỨC TUYÊN TRUYỀN\n"
        "- Tuyên truyền qua loa truyền thanh của thôn.\n"
        "- Tuyên truyền qua mạng xã hội.\n"
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Văn phòng xã biên tập tin bài, phát trên loa truyền thanh.\n"
        "2. Đoàn Thanh niên xã treo băng rôn tại nhà văn hóa các thôn.\n"
    )
    assert [t[:12] for t in titles] == ["Văn phòng xã", "Đoàn Thanh n"]


def test_restated_rules_and_attendance_lines_are_no_tasks() -> None:
    tasks = _tasks(
        "I. NỘI DUNG\n"
        "1. Hội nghị lần thứ nhất\n"
        "1.1. Thống nhất danh sách khách mời của hội nghị.\n"
        "- Thời gian: Chậm nhất ngày 10/4/2025.\n"
        "- Thành phần: Thường trực Hội Nông dân xã; đại diện các chi hội.\n"
        "- Đơn vị chủ trì: Văn phòng Hội Nông dân xã.\n"
        "2. Quy định về số người dự hội nghị\n"
        "- Thôn dưới 100 hộ: ít nhất một nửa số hộ dự.\n"
        "- Thôn từ 100 hộ trở lên: ít nhất 50 hộ dự.\n"
    )
    assert len(tasks) == 1
    assert tasks[0]["title"].startswith("Thống nhất danh sách khách mời")
    assert tasks[0]["deadline"]["due"] == "2025-04-10"


def test_annex_of_blank_forms_is_no_tasks() -> None:
    titles = _titles(
        "I. NHIỆM VỤ\n"
        "1. Văn phòng xã gửi biên bản về Ủy ban nhân dân huyện.\n"
        "PHỤ LỤC\n"
        "kèm theo Kế hoạch này\n"
        "Mẫu số 01/BB\n"
        "BIÊN BẢN HỌP THÔN\n"
        "1. Tổng số hộ được mời: ……………… hộ.\n"
        "2. Tổng số hộ có mặt: ……………… hộ.\n"
        "3. Ý kiến của các hộ dự họp\n"
        "- Họ và tên người chủ trì: ……………… Chức vụ ………………\n"
    )
    assert len(titles) == 1
    assert titles[0].startswith("Văn phòng xã gửi biên bản")


def test_inspection_heading_with_the_points_it_looks_at_is_one_task() -> None:
    tasks = _tasks(
        "I. NỘI DUNG GIÁM SÁT\n"
        "1. Giám sát việc lập sổ hộ nghèo của các thôn\n"
        "- Việc bình xét hộ nghèo tại thôn;\n"
        "- Tiêu chí xét duyệt hộ nghèo;\n"
        "- Kiểm tra việc niêm yết danh sách hộ nghèo.\n"
        "* Thời gian thực hiện: Từ ngày 01/4/2025 đến ngày 30/4/2025.\n"
        "2. Kiểm tra việc chi trả trợ cấp\n"
        "- Việc lập danh sách người nhận;\n"
        "- Cách tính mức trợ cấp.\n"
    )
    assert [t["title"][:20] for t in tasks] == ["Giám sát việc lập sổ", "Kiểm tra việc chi tr"]
    assert "Tiêu chí xét duyệt" in tasks[0]["detail"]


def test_inspection_heading_over_duties_keeps_each_duty() -> None:
    titles = _titles(
        "I. NHIỆM VỤ\n"
        "1. Giám sát dịch bệnh\n"
        "- Lập báo cáo nhanh hằng ngày về số ca mắc.\n"
        "- Trung tâm Y tế huyện hỗ trợ các xã lấy mẫu xét nghiệm.\n"
    )
    assert len(titles) == 2


def test_labelled_post_leads_without_its_honorific() -> None:
    tasks = _tasks(
        "I. NHIỆM VỤ\n"
        "1. Lập danh sách hộ cần hỗ trợ sửa nhà.\n"
        "- Thời gian hoàn thành: Tháng 5/2025.\n"
        "- Đơn vị chủ trì: Đồng chí Phó Chủ tịch Thường trực, phụ trách lĩnh vực Dân vận\n"
        "- Đơn vị phối hợp: Các đ/c Trưởng thôn, Bí thư chi đoàn, các đồng chí Cán bộ "
        "văn phòng xã.\n"
    )
    assert tasks[0]["lead"] == ["Phó Chủ tịch Thường trực, phụ trách lĩnh vực Dân vận"]
    assert tasks[0]["support"] == ["Trưởng thôn", "Bí thư chi đoàn", "Cán bộ văn phòng xã"]


def test_post_headings_lead_their_bullets() -> None:
    tasks = _tasks(
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Cán bộ phụ trách lĩnh vực thi đua, khen thưởng\n"
        "- Tổng hợp hồ sơ khen thưởng của các thôn.\n"
        "- Trình Thường trực xét duyệt danh sách.\n"
        "2. Phó Chủ tịch phụ trách lĩnh vực Văn hóa\n"
        "- Chỉ đạo các thôn tổ chức ngày hội.\n"
    )
    assert [t["lead"] for t in tasks] == [
        ["Cán bộ phụ trách lĩnh vực thi đua, khen thưởng"],
        ["Cán bộ phụ trách lĩnh vực thi đua, khen thưởng"],
        ["Phó Chủ tịch phụ trách lĩnh vực Văn hóa"],
    ]


def test_post_before_a_colon_leads_through_the_body_it_names() -> None:
    tasks = _tasks(
        "IV. PHÂN CÔNG\n"
        "1. Đồng chí Phó Trưởng phòng Kinh tế - Trưởng Tổ: Chỉ đạo chung việc kiểm đếm.\n"
        "2. Đồng chí Phó Giám đốc Trung tâm Dịch vụ nông nghiệp - Thành viên: Chuẩn bị "
        "giống cây trồng cho các hộ.\n"
    )
    assert [t["lead"] for t in tasks] == [["Phòng Kinh tế"], ["Trung tâm Dịch vụ nông nghiệp"]]
    # The title keeps the heading as written.
    assert tasks[0]["title"].startswith("Đồng chí Phó Trưởng phòng Kinh tế")


def test_a_post_heading_is_no_sentence() -> None:
    # "Chủ tịch UBND xã chỉ đạo …" is a duty naming its actor, not a post heading.
    tasks = _tasks(
        "II. NHIỆM VỤ\n"
        "1. Chủ tịch UBND xã chỉ đạo các thôn rà soát hộ nghèo\n"
        "- Rà soát hộ nghèo theo chuẩn mới.\n"
    )
    assert all("chỉ đạo các thôn" not in " ".join(t["lead"]) for t in tasks)


def test_numbered_duty_with_requirement_bullets_and_its_own_lead_line_is_the_task() -> None:
    tasks = _tasks(
        "II. NỘI DUNG\n"
        "1. Xây dựng quy chế phối hợp giữa các chi hội.\n"
        "- Bảo đảm đúng điều lệ và phù hợp thực tế của xã.\n"
        "- Quy chế phải nêu rõ trách nhiệm của từng chi hội.\n"
        "- Nguyên tắc phối hợp: Thống nhất, kịp thời.\n"
        "- Phối hợp tổ chức hội nghị lấy ý kiến các chi hội.\n"
        "- Thời gian hoàn thành: Tháng 6/2025.\n"
        "- Đơn vị chủ trì: Văn phòng Hội Nông dân xã.\n"
    )
    assert [t["title"][:22] for t in tasks] == ["Xây dựng quy chế phối ", "Phối hợp tổ chức hội n"]
    assert all(t["lead"] == ["Văn phòng Hội Nông dân xã"] for t in tasks)
    assert tasks[0]["deadline"]["due"] == "2025-06-30"
    assert "phải nêu rõ" in tasks[0]["detail"]


def test_commune_bodies_head_their_bullets() -> None:
    tasks = _tasks(
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Ban công tác Mặt trận các xóm\n"
        "- Rà soát danh sách hộ gia đình.\n"
        "2. Các tổ chức thành viên của Mặt trận xã\n"
        "- Vận động hội viên tham gia ngày hội.\n"
    )
    assert [t["lead"] for t in tasks] == [
        ["Ban công tác Mặt trận các xóm"],
        ["Các tổ chức thành viên của Mặt trận xã"],
    ]


def test_bracketed_sub_items_and_cooperation_lines_under_a_duty() -> None:
    tasks = _tasks(
        "II. NỘI DUNG\n"
        "1. Chuẩn bị hồ sơ và tổ chức hai buổi đối thoại với nhân dân.\n"
        "- Tài liệu phục vụ đối thoại: Gồm báo cáo và danh sách câu hỏi.\n"
        "- Hội Phụ nữ xã phối hợp với Đoàn Thanh niên xã để mời người dân dự.\n"
        "(1) Tổ chức buổi thứ nhất: Chậm nhất ngày 10/5/2025.\n"
        "(2) Tổ chức buổi thứ hai: Chậm nhất ngày 20/6/2025.\n"
        "- Đơn vị chủ trì: Đồng chí Phó Chủ tịch phụ trách lĩnh vực Dân vận\n"
    )
    assert [t["title"][:26] for t in tasks] == [
        "Chuẩn bị hồ sơ và tổ chức ",
        "Tổ chức buổi thứ nhất: Chậ",
        "Tổ chức buổi thứ hai: Chậm",
    ]
    assert all(t["lead"] == ["Phó Chủ tịch phụ trách lĩnh vực Dân vận"] for t in tasks)
    assert [t["deadline"]["due"] for t in tasks[1:]] == ["2025-05-10", "2025-06-20"]
    # The cooperation line is detail of the first duty; the body it names supports it.
    assert tasks[0]["support"] == ["Đoàn Thanh niên xã"]


def test_budget_source_and_problems_to_report_are_no_tasks() -> None:
    titles = _titles(
        "V. TỔ CHỨC THỰC HIỆN\n"
        "1. Văn phòng xã lập dự toán hội nghị.\n"
        "2. Kinh phí phục vụ các buổi đối thoại được thực hiện theo quy định hiện hành.\n"
        "3. Tổ công tác trong quá trình làm việc nếu có vấn đề gì phát sinh, khó khăn, "
        "vướng mắc thì báo cáo kịp thời để được hướng dẫn.\n"
    )
    assert titles == ["Văn phòng xã lập dự toán hội nghị."]


def test_support_named_before_convene_and_take_part_verbs() -> None:
    tasks = _tasks(
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Các tổ chức thành viên của Mặt trận xã\n"
        "- Phối hợp chặt chẽ với Văn phòng Đảng ủy xã tham gia công tác tuyên truyền.\n"
        "- Phối hợp với UBND xã triệu tập hội nghị cử tri.\n"
    )
    assert [t["support"] for t in tasks] == [["Văn phòng Đảng ủy xã"], ["UBND xã"]]


def test_content_line_under_an_event_heading_is_its_duty_with_its_assignment() -> None:
    tasks = _tasks(
        "II. NỘI DUNG\n"
        "2. Hội nghị lần thứ hai\n"
        "Nội dung: Thống nhất danh sách người được khen thưởng.\n"
        "- Thời gian: Chậm nhất ngày 15/5/2025.\n"
        "- Đơn vị chủ trì: Ban công tác Mặt trận thôn.\n"
        "2.1. Báo cáo kết quả\n"
        "- Gửi biên bản về Thường trực xã.\n"
    )
    assert [t["title"][:22] for t in tasks] == ["Thống nhất danh sách n", "Gửi biên bản về Thường"]
    assert tasks[0]["lead"] == ["Ban công tác Mặt trận thôn"]
    assert tasks[0]["deadline"]["due"] == "2025-05-15"
    assert tasks[1]["lead"] == []


def test_actor_after_an_event_opening_clause() -> None:
    tasks = _tasks(
        "V. TỔ CHỨC THỰC HIỆN\n"
        "1. Kết thúc đợt kiểm tra, Ban Thường trực Ủy ban MTTQ Việt Nam xã chịu trách nhiệm "
        "tổng hợp báo cáo kết quả.\n"
    )
    assert tasks[0]["lead"] == ["Ban Thường trực Ủy ban MTTQ Việt Nam xã"]


def test_sub_items_share_the_assignment_lines_written_once_after_them() -> None:
    tasks = _tasks(
        "II. NỘI DUNG\n"
        "3. Theo dõi công tác thi đua\n"
        "3.1. Tiếp nhận hồ sơ đề nghị khen thưởng.\n"
        "3.2. Tổng hợp danh sách đề nghị khen thưởng.\n"
        "- Thời gian thực hiện: Tháng 8/2025.\n"
        "- Đơn vị chủ trì: Văn phòng Hội Cựu chiến binh xã.\n"
    )
    assert [t["lead"] for t in tasks] == [["Văn phòng Hội Cựu chiến binh xã"]] * 2
    assert [t["deadline"]["due"] for t in tasks] == ["2025-08-31"] * 2
