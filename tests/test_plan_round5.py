"""Plan parsing, fifth round of issue 14: the STRUCTURE of a plan (which blocks are tasks, their
titles, the units they belong to), one minimal text of our own per failure class seen on the
development corpus. No text here is copied from a corpus document."""

from __future__ import annotations

from typing import Any

from plans.parser import parse_text
from plans.unitnames import parse_responsibility, starts_with_unit
from plans.units import sentence_actors

HEAD = "Số: 5/KH-UBND\nBình Yên, ngày 2 tháng 3 năm 2025\nKẾ HOẠCH\nThử nghiệm vòng năm\n"


def _tasks(body: str) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = parse_text(HEAD + body).to_json()["tasks"]
    return tasks


def test_a_content_line_under_a_numbered_heading_describes_it() -> None:
    # "- Nội dung: …" says what the heading's work holds: the heading stays the task's title.
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Kiểm kê tài sản công\n"
        "- Nội dung: đếm, đối chiếu sổ sách các kho.\n"
        "- Cơ quan chủ trì: Sở Tài chính.\n"
        "2. Sửa chữa trụ sở\n"
        "- Nội dung thực hiện: Thay mái, sơn lại tường.\n"
        "- Cơ quan thực hiện: Sở Xây dựng.\n"
    )
    assert [t["title"] for t in tasks] == ["Kiểm kê tài sản công", "Sửa chữa trụ sở"]
    assert [t["lead"] for t in tasks] == [["Sở Tài chính"], ["Sở Xây dựng"]]
    assert "đếm, đối chiếu sổ sách" in tasks[0]["detail"]


def test_a_content_line_under_an_empty_heading_is_its_title() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1.\n- Nội dung: Đếm lại tài sản công.\n- Cơ quan chủ trì: Sở Tài chính.\n"
    )
    assert [t["title"] for t in tasks] == ["Đếm lại tài sản công."]


def test_dated_plus_lines_under_a_heading_with_content_are_its_tasks() -> None:
    # The content line does not become a task beside the dated "+" duties below the heading.
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Rà soát quy chế\n- Nội dung: rà soát các quy chế nội bộ.\n"
        "- Thời gian thực hiện:\n"
        "+ Các phòng gửi kết quả rà soát về Văn phòng trước ngày 15/6/2025.\n"
        "+ Văn phòng tổng hợp, báo cáo Giám đốc trước ngày 30/6/2025.\n"
    )
    assert [t["title"][:20] for t in tasks] == ["Các phòng gửi kết qu", "Văn phòng tổng hợp, "]
    assert [t["deadline"]["due"] for t in tasks] == ["2025-06-15", "2025-06-30"]


def test_a_unit_name_stops_at_the_verb_that_follows_it() -> None:
    # "X tiến hành …", "Y theo chức năng, nhiệm vụ …": the verb or the phrase ends the name.
    assert parse_responsibility("Sở Xây dựng tiến hành kiểm tra nhà trọ", "exec").lead == [
        "Sở Xây dựng"
    ]
    assert parse_responsibility(
        "Các sở, ngành theo chức năng, nhiệm vụ được giao", "exec"
    ).lead == ["Các sở, ngành"]


def test_a_unit_named_before_a_colon_is_not_part_of_the_title() -> None:
    # Beside "1. Sở Xây dựng" (its duty below), "2. Sở Y tế: Kiểm tra …" is the same form on
    # one line: the unit leads, the duty after the colon is the title.
    tasks = _tasks(
        "III. PHÂN CÔNG\n1. Sở Xây dựng\nKiểm tra chất lượng công trình trường học.\n"
        "2. Sở Y tế: Kiểm tra an toàn thực phẩm tại các chợ đầu mối.\n"
        "3. Các phòng, ban; Chủ tịch UBND các xã có trách nhiệm: Rà soát hộ nghèo cuối năm.\n"
    )
    assert [t["title"] for t in tasks] == [
        "Kiểm tra chất lượng công trình trường học.",
        "Kiểm tra an toàn thực phẩm tại các chợ đầu mối.",
        "Rà soát hộ nghèo cuối năm.",
    ]
    assert tasks[1]["lead"] == ["Sở Y tế"]
    assert tasks[2]["lead"] == ["Các phòng, ban", "UBND các xã"]


def test_unit_colon_items_among_sentences_keep_their_wording() -> None:
    # No sibling is a bare unit heading: the plan writes "unit: duty" as its item's wording.
    tasks = _tasks(
        "III. TỔ CHỨC THỰC HIỆN\n1. Sở Y tế: Kiểm tra an toàn thực phẩm tại các chợ.\n"
        "2. Giao Sở Công Thương: Theo dõi giá cả thị trường dịp Tết.\n"
    )
    assert tasks[0]["title"].startswith("Sở Y tế: Kiểm tra")
    assert [t["lead"] for t in tasks] == [["Sở Y tế"], ["Sở Công Thương"]]


def test_a_note_under_an_item_is_its_detail_not_a_task() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Các phòng báo cáo kết quả kiểm kê về Văn phòng.\n"
        "* Lưu ý: Trường hợp mất tài sản phải báo cáo ngay.\n"
        "2. Văn phòng tổng hợp kết quả kiểm kê.\n- Chú ý: Số liệu lấy đến ngày 31/12.\n"
    )
    assert [t["title"] for t in tasks] == [
        "Các phòng báo cáo kết quả kiểm kê về Văn phòng.",
        "Văn phòng tổng hợp kết quả kiểm kê.",
    ]
    assert "mất tài sản" in tasks[0]["detail"]


def test_a_long_actor_head_before_dated_duties_is_not_a_duty() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Thủ trưởng các sở, ban, ngành trực thuộc UBND tỉnh; Chủ tịch UBND các "
        "huyện, thành phố căn cứ chức năng, nhiệm vụ được giao chỉ đạo: lập kế hoạch kiểm kê "
        "trước ngày 31/3/2025; báo cáo kết quả kiểm kê trước ngày 30/11/2025.\n"
    )
    assert [t["title"][:12] for t in tasks] == ["lập kế hoạch", "báo cáo kết "]
    assert [t["lead"] for t in tasks] == [
        ["các sở, ban, ngành trực thuộc UBND tỉnh", "UBND các huyện, thành phố"]
    ] * 2


def test_a_sentence_under_a_unit_heading_before_its_list_is_a_duty() -> None:
    tasks = _tasks(
        "III. PHÂN CÔNG\n1. Sở Nội vụ\nTham mưu Ủy ban nhân dân tỉnh quản lý biên chế.\n"
        "Trong đó, Giám đốc Sở chỉ đạo thực hiện:\n- Rà soát vị trí việc làm.\n"
        "- Thẩm định đề án tuyển dụng.\n"
    )
    assert [t["title"] for t in tasks] == [
        "Tham mưu Ủy ban nhân dân tỉnh quản lý biên chế.",
        "Rà soát vị trí việc làm.",
        "Thẩm định đề án tuyển dụng.",
    ]
    assert all(t["lead"] == ["Sở Nội vụ"] for t in tasks)


def test_a_numbered_budget_section_holds_the_duties_of_named_units() -> None:
    # Numbered budget items that open with a unit are its duties; the sources of money and
    # the "Đối với …" scope lines are not work.
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Kiểm kê tài sản công.\n"
        "III. KINH PHÍ THỰC HIỆN\n"
        "1. Kinh phí thực hiện Kế hoạch này được cân đối từ ngân sách hằng năm.\n"
        "2. Đối với nhiệm vụ năm 2025, các phòng chủ động bố trí trong dự toán được giao.\n"
        "3. Phòng Tài chính - Kế hoạch chủ trì tổng hợp dự toán, trình cấp có thẩm quyền.\n"
        "4. Các đơn vị được giao chủ trì có trách nhiệm quyết toán kinh phí theo quy định.\n"
    )
    assert [t["title"][:24] for t in tasks] == [
        "Kiểm kê tài sản công.",
        "Phòng Tài chính - Kế hoạ",
        "Các đơn vị được giao chủ",
    ]
    assert tasks[1]["lead"] == ["Phòng Tài chính - Kế hoạch"]
    # A collective naming no one leads nothing: the task says it has no unit.
    assert tasks[2]["lead"] == [] and "no_unit" in tasks[2]["unsure"]


def test_a_budget_section_of_paragraphs_stays_one_task() -> None:
    # Without numbered items the section is one duty: arranging the money (as plan_004 reads,
    # whose section has a "Cơ quan thực hiện" line). A section naming no body only states the
    # sources of money: no task (round 9c; the corpus goldens' "budget sources" convention).
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Kiểm kê tài sản công.\n"
        "III. KINH PHÍ THỰC HIỆN\nThực hiện theo quy định hiện hành.\n"
        "- Các nhiệm vụ do phòng chủ trì sử dụng nguồn kinh phí được giao.\n"
        "- Cơ quan thực hiện: Phòng Tài chính - Kế hoạch.\n"
    )
    assert [t["title"] for t in tasks] == ["Kiểm kê tài sản công.", "Kinh phí thực hiện"]
    assert tasks[1]["lead"] == ["Phòng Tài chính - Kế hoạch"]
    sources_only = _tasks(
        "II. NHIỆM VỤ\n1. Kiểm kê tài sản công.\n"
        "III. KINH PHÍ THỰC HIỆN\nThực hiện theo quy định hiện hành.\n"
        "- Các nhiệm vụ do phòng chủ trì sử dụng nguồn kinh phí được giao.\n"
    )
    assert [t["title"] for t in sources_only] == ["Kiểm kê tài sản công."]


def test_a_unit_name_stops_before_on_the_basis_of() -> None:
    assert parse_responsibility(
        "Sở Tài chính, trên cơ sở đề xuất của các sở, tổng hợp dự toán", "exec"
    ).lead == ["Sở Tài chính"]


def test_a_heading_cut_after_a_linking_word_goes_on_to_the_next_line() -> None:
    # Text taken from a PDF: "2. Trình Quyết định của" / "Chủ tịch UBND tỉnh về …".
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Rà soát quy chế\n- Cơ quan chủ trì: Sở Tư pháp.\n"
        "2. Trình Quyết định của\nChủ tịch UBND tỉnh về quản lý tài sản công\n"
        "- Cơ quan chủ trì: Sở Tài chính.\n"
    )
    assert tasks[1]["title"] == (
        "Trình Quyết định của Chủ tịch UBND tỉnh về quản lý tài sản công"
    )
    assert tasks[1]["lead"] == ["Sở Tài chính"]


def test_enactment_articles_cut_over_lines_are_not_tasks() -> None:
    text = (
        "Số: 7/QĐ-UBND\nBình Yên, ngày 2 tháng 3 năm 2025\nQUYẾT ĐỊNH\nBan hành Kế hoạch thử\n"
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch thử.\n"
        "Điều 2. Quyết\nđịnh này có hiệu lực kể từ ngày ký.\n"
        "Điều 3. Chánh\nVăn phòng, Thủ trưởng các sở chịu trách nhiệm thi hành Quyết định này.\n"
        "Nơi nhận:\n- Như Điều 3;\nCHỦ TỊCH\nNguyễn Văn A\n"
        "KẾ HOẠCH\nThử\nI. NHIỆM VỤ\n1. Sở Y tế kiểm tra bếp ăn tập thể.\n"
    )
    tasks = parse_text(text).to_json()["tasks"]
    assert [t["title"] for t in tasks] == ["Sở Y tế kiểm tra bếp ăn tập thể."]


def test_a_closing_item_cut_over_lines_is_not_a_task() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Sở Y tế kiểm tra bếp ăn tập thể.\n"
        "2. Trong quá trình thực hiện\nKế hoạch này, nếu có khó khăn, vướng mắc, các sở phản "
        "ánh về Sở Nội vụ để tổng hợp.\n"
    )
    assert [t["title"] for t in tasks] == ["Sở Y tế kiểm tra bếp ăn tập thể."]


def test_a_lone_list_introduction_under_a_heading_leaves_the_heading_the_task() -> None:
    # "5. Hỗ trợ thi hành quy chế" / "- Các nội dung hỗ trợ gồm:" / "+ …" / "+ …": the one
    # bullet only introduces the heading's details.
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Hỗ trợ thi hành quy chế\n- Các nội dung hỗ trợ bao gồm:\n"
        "+ Hướng dẫn áp dụng quy chế;\n+ Tiếp nhận kiến nghị của người dân.\n"
        "- Cơ quan thực hiện: Các phòng chuyên môn.\n"
        "2. Kiểm tra việc thi hành quy chế\n- Cơ quan chủ trì: Văn phòng.\n"
    )
    assert [t["title"] for t in tasks] == [
        "Hỗ trợ thi hành quy chế",
        "Kiểm tra việc thi hành quy chế",
    ]
    assert tasks[0]["lead"] == ["Các phòng chuyên môn"]
    assert "Tiếp nhận kiến nghị" in tasks[0]["detail"]


def test_a_semicolon_inside_brackets_does_not_cut_the_duty() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Xây dựng quy chế quản lý kho lưu trữ (Giao Sở Nội vụ chủ trì, phối "
        "hợp với Văn phòng UBND tỉnh; Sở Tư pháp và các cơ quan có liên quan tham mưu).\n"
    )
    assert len(tasks) == 1
    assert tasks[0]["lead"] == ["Sở Nội vụ"]
    assert tasks[0]["support"] == ["Văn phòng UBND tỉnh", "Sở Tư pháp"]


def test_table_rows_written_without_outer_bars_are_a_table() -> None:
    # An annex pasted as text: "TT | Nhiệm vụ | Cơ quan chủ trì | …", rows apart by blank lines.
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Sở Y tế kiểm tra bếp ăn tập thể.\n\n"
        "PHỤ LỤC\nNHIỆM VỤ CỤ THỂ\n\n"
        "TT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành\n\n"
        "1 | Lập quy hoạch bến xe | Sở Xây dựng | Sở Tài chính | 2025\n\n"
        "2 | Báo cáo hiện trạng đê điều | Sở Nông nghiệp và Môi trường | Các huyện | 2026\n"
    )
    assert [t["title"] for t in tasks] == [
        "Sở Y tế kiểm tra bếp ăn tập thể.",
        "Lập quy hoạch bến xe",
        "Báo cáo hiện trạng đê điều",
    ]
    assert tasks[1]["lead"] == ["Sở Xây dựng"] and tasks[1]["support"] == ["Sở Tài chính"]
    assert tasks[2]["deadline"]["due"] == "2026-12-31"


def test_a_dash_inside_a_sentence_cut_by_the_line_continues_it() -> None:
    tasks = _tasks(
        "III. TỔ CHỨC THỰC HIỆN\n1. Sở Nội vụ\ntheo dõi, đôn đốc các sở, ban, ngành triển khai "
        "các nhiệm vụ của Kế hoạch; tham mưu UBND tỉnh báo cáo kết quả về Bộ Nội vụ\n"
        "- Cơ quan thường trực của Ban Chỉ đạo trước ngày 20 hằng tháng.\n"
        "2. Các sở, ban, ngành xây dựng kế hoạch chi tiết.\n"
    )
    assert len(tasks) == 2
    assert tasks[0]["title"].endswith("- Cơ quan thường trực của Ban Chỉ đạo trước ngày 20 hằng tháng.")
    assert tasks[0]["lead"] == ["Sở Nội vụ"]


def test_a_letter_of_one_paragraph_ending_the_text_holds_its_duty() -> None:
    text = (
        "Thực hiện Công văn số 12/BYT ngày 01/3/2025 của Bộ Y tế, UBND tỉnh có ý kiến như sau: "
        "Sở Y tế chủ trì, phối hợp với các cơ quan liên quan báo cáo tình hình dịch bệnh, gửi "
        "về Bộ Y tế trước ngày 20/3/2025./.\n"
    )
    tasks = parse_text(text).to_json()["tasks"]
    assert len(tasks) == 1
    assert tasks[0]["lead"] == ["Sở Y tế"]
    assert tasks[0]["deadline"]["due"] == "2025-03-20"


def test_a_duty_with_a_must_clause_later_is_still_a_duty() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Kiểm tra an toàn thiết bị trước khi đưa vào sử dụng. Chấp hành quy "
        "định khi di chuyển trụ sở; việc số hóa tài liệu phải bảo đảm đúng quy định.\n"
        "2. Việc lưu trữ hồ sơ phải bảo đảm an toàn, bí mật.\n"
    )
    assert [t["title"][:22] for t in tasks] == ["Kiểm tra an toàn thiết"]


def test_the_actor_of_a_sentence_stops_at_continue_and_loses_the_ministers_title() -> None:
    assert sentence_actors(
        "Các sở, ban, ngành; UBND các huyện, thành phố tiếp tục tổ chức tập huấn cho cán bộ."
    ) == ["Các sở, ban, ngành", "UBND các huyện, thành phố"]
    assert sentence_actors(
        "Bộ trưởng Bộ Xây dựng có trách nhiệm giúp Thủ tướng Chính phủ theo dõi việc thực hiện."
    ) == ["Bộ Xây dựng"]


def test_prose_paragraphs_opening_with_a_duty_are_duties_the_general_request_is_not() -> None:
    text = (
        "Kế hoạch do Phó Chủ tịch UBND tỉnh ký ban hành, yêu cầu Thủ trưởng các cơ quan, đơn vị "
        "căn cứ Kế hoạch này triển khai thực hiện nghiêm túc, hiệu quả.\n"
        "Thực hiện Nghị quyết số 5/NQ-HĐND của Hội đồng nhân dân tỉnh.\n"
        "Yêu cầu các đơn vị bám sát mục tiêu, bảo đảm thực hiện nghiêm túc, tiết kiệm.\n"
        "Tổ chức quán triệt nội dung Nghị quyết đến cán bộ, đảng viên.\n"
        "Rà soát, xây dựng kế hoạch thực hiện tại từng địa phương.\n"
    )
    tasks = parse_text(text).to_json()["tasks"]
    assert [t["title"][:16] for t in tasks] == ["Tổ chức quán tri", "Rà soát, xây dựn"]
    assert all("no_unit" in t["unsure"] for t in tasks)


def test_a_plural_of_things_is_not_a_unit() -> None:
    # "Các kỳ thi …", "Các hộ gia đình …" are not bodies; "Các ngành", "Các thôn, ấp" are.
    assert not starts_with_unit("Các kỳ thi cấp tỉnh theo hướng dẫn của Sở")
    assert not starts_with_unit("Các hộ gia đình sau khi nhận hỗ trợ")
    assert starts_with_unit("Các ngành, địa phương")
    assert starts_with_unit("Các thôn, ấp, tổ dân phố")


def test_a_bracketed_note_under_a_list_of_lead_units_is_not_a_unit() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Nội dung\na) Kiểm kê kho lưu trữ.\n2. Cơ quan chủ trì, phối hợp\n"
        "a) Cơ quan chủ trì\n- Sở Nội vụ.\n- Công an tỉnh.\n"
        "(Văn phòng Sở Nội vụ là cơ quan thường trực, giúp Sở tổng hợp kết quả).\n"
        "b) Cơ quan phối hợp\n- UBND các huyện.\n"
    )
    assert tasks[0]["lead"] == ["Sở Nội vụ", "Công an tỉnh"]
    assert tasks[0]["support"] == ["UBND các huyện"]


def test_a_heading_addressed_to_a_locality_leads_its_items() -> None:
    tasks = _tasks(
        "III. TỔ CHỨC THỰC HIỆN\n1. Đối với thành phố Bình Yên\n- Rà soát quy hoạch chung.\n"
        "- Báo cáo kết quả hằng năm.\n"
    )
    assert [t["lead"] for t in tasks] == [["Thành phố Bình Yên"]] * 2


def test_a_collective_of_kinds_goes_on_after_a_comma() -> None:
    # "Các bộ, ngành, cơ quan thuộc Chính phủ": one group, not "Các bộ, ngành" and another.
    assert parse_responsibility("Các bộ, ngành, cơ quan thuộc Chính phủ", "lead").lead == [
        "Các bộ, ngành, cơ quan thuộc Chính phủ"
    ]
    assert parse_responsibility("Các sở, ngành, UBND các huyện", "lead").lead == [
        "Các sở, ngành",
        "UBND các huyện",
    ]


def test_units_listed_after_an_opening_clause_are_the_actors() -> None:
    assert sentence_actors(
        "Căn cứ nội dung Kế hoạch, các phòng, ban và Ủy ban nhân dân các xã được phân công chủ "
        "trì có trách nhiệm xây dựng kế hoạch chi tiết."
    ) == ["các phòng, ban", "Ủy ban nhân dân các xã"]
    assert sentence_actors(
        "Trong quá trình thực hiện, nếu cần sửa đổi, các sở và Ủy ban nhân dân các huyện kịp "
        "thời đề xuất gửi Sở Nội vụ."
    ) == ["các sở", "Ủy ban nhân dân các huyện"]
    # The ministers' formula stands for the ministries.
    assert sentence_actors(
        "Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Chủ tịch Ủy ban nhân dân các tỉnh chịu trách "
        "nhiệm thi hành."
    ) == ["các bộ, cơ quan ngang bộ", "Ủy ban nhân dân các tỉnh"]


def test_an_item_naming_its_subject_keeps_all_the_units_it_names() -> None:
    # Under "Cơ quan thực hiện: Sở Nội vụ; các sở", a "+" item whose subject names two of the
    # plan's bodies leads with both, not only the one the line above spelt the same way.
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Rà soát quy chế\n- Cơ quan thực hiện: các sở, ngành; Sở Nội vụ.\n"
        "- Thời gian thực hiện:\n"
        "+ Các sở, ngành, Ủy ban nhân dân các huyện gửi kết quả về Sở Nội vụ trước ngày "
        "15/6/2025.\n"
    )
    assert tasks[0]["lead"] == ["Các sở, ngành", "Ủy ban nhân dân các huyện"]


def test_a_request_to_a_long_list_of_bodies_names_each_body_once() -> None:
    # "Đề nghị A và B, C, D, E … tăng cường …": one duty, its actors the bodies listed.
    tasks = _tasks(
        "III. NHIỆM VỤ\n1. Sở Y tế kiểm tra bếp ăn tập thể.\n"
        "2. Đề nghị Văn phòng Huyện ủy và Ủy ban Kiểm tra Huyện ủy, Tòa án nhân dân huyện, "
        "Thuế cơ sở 3, Kho bạc nhà nước khu vực IV, Ngân hàng chính sách xã hội huyện tăng "
        "cường quản lý tài liệu mật.\n"
    )
    assert len(tasks) == 2
    assert tasks[1]["lead"] == [
        "Văn phòng Huyện ủy",
        "Ủy ban Kiểm tra Huyện ủy",
        "Tòa án nhân dân huyện",
        "Thuế cơ sở 3",
        "Kho bạc nhà nước khu vực IV",
        "Ngân hàng chính sách xã hội huyện",
    ]


def test_national_bodies_without_a_ministry_head_are_units_of_a_list() -> None:
    assert parse_responsibility(
        "Đài Truyền hình Việt Nam, Thông tấn xã Việt Nam, Kiểm toán nhà nước", "exec"
    ).lead == ["Đài Truyền hình Việt Nam", "Thông tấn xã Việt Nam", "Kiểm toán nhà nước"]
