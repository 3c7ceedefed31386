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
    # A "… có liên quan" courtesy is not a unit to remind; a person's title is dropped.
    assert sentence_support(
        "Phối hợp chặt chẽ với Công an xã và các cơ quan liên quan kịp thời xử lý vi phạm"
    ) == ["Công an xã"]
    assert sentence_support(
        "Chủ trì, phối hợp với Chủ tịch UBND các xã, thị trấn; Thủ trưởng các ngành có liên quan"
        " tổ chức kiểm tra"
    ) == ["UBND các xã, thị trấn"]
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


# --- document shape ------------------------------------------------------------------------


def test_wrapped_section_heading_and_label_alone_on_its_line() -> None:
    tasks = _tasks(
        "I. MỤC\nĐÍCH, YÊU CẦU\n1. Mục đích\n- Nâng cao chất lượng phục vụ.\n"
        "II. NHIỆM\nVỤ CỤ THỂ\n1.\nRà soát quy trình nội bộ\n"
        "- Đơn vị chủ trì: Phòng Tư pháp.\n- Đơn vị phối hợp: Các phòng, ban.\n"
        "- Thời gian thực hiện: Hoàn thành trong năm 2024.\n"
    )
    assert [(t["ref"], t["title"], t["lead"], t["support"]) for t in tasks] == [
        ("II.1", "Rà soát quy trình nội bộ", ["Phòng Tư pháp"], ["Các phòng, ban"])
    ]
    assert tasks[0]["deadline"]["due"] == "2024-12-31"


def test_task_label_is_not_part_of_the_title() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n2. Dữ liệu đất đai\na) Nhiệm vụ: Cập nhật dữ liệu đất đai lên hệ thống.\n"
        "b) Cơ quan thực hiện:\n- Đơn vị chủ trì: Phòng Tài nguyên và Môi trường.\n"
        "- Đơn vị phối hợp: UBND các xã.\nc) Thời gian thực hiện: trong quý III/2024.\n"
    )
    assert [(t["ref"], t["title"], t["lead"], t["support"]) for t in tasks] == [
        (
            "II.2.a",
            "Cập nhật dữ liệu đất đai lên hệ thống.",
            ["Phòng Tài nguyên và Môi trường"],
            ["UBND các xã"],
        )
    ]
    assert tasks[0]["deadline"]["due"] == "2024-09-30"


def test_unit_lines_after_each_bullet_belong_to_that_bullet() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n3. Tập huấn\n- Mở lớp tập huấn cho công chức.\n"
        "Đơn vị chủ trì thực hiện: Phòng Nội vụ.\nĐơn vị phối hợp: Phòng Tư pháp.\n"
        "Thời gian thực hiện: Thường xuyên.\n- Biên soạn tài liệu.\n"
        "Đơn vị chủ trì: Phòng Văn hóa.\nThời gian thực hiện: Tháng 9/2024.\n"
    )
    assert [(t["title"], t["lead"], t["support"]) for t in tasks] == [
        ("Mở lớp tập huấn cho công chức.", ["Phòng Nội vụ"], ["Phòng Tư pháp"]),
        ("Biên soạn tài liệu.", ["Phòng Văn hóa"], []),
    ]
    assert tasks[0]["deadline"]["kind"] == "ongoing"
    assert tasks[1]["deadline"]["due"] == "2024-09-30"


def test_person_title_closing_lines_and_budget_sources() -> None:
    tasks = _tasks(
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Giao Giám đốc Trung tâm Y tế huyện chỉ đạo các trạm y tế thực hiện.\n"
        "2. Văn phòng HĐND và UBND huyện: Phối hợp với Phòng Nội vụ theo dõi, đôn đốc.\n"
        "3. Trong quá trình thực hiện nếu có khó khăn, vướng mắc, các cơ quan phản ánh về "
        "Phòng Nội vụ.\n4. Kinh phí thực hiện Kế hoạch này: do ngân sách huyện bảo đảm.\n"
    )
    assert [(t["ref"], t["lead"], t["support"]) for t in tasks] == [
        ("III.1", ["Trung tâm Y tế huyện"], []),
        ("III.2", ["Văn phòng HĐND và UBND huyện"], ["Phòng Nội vụ"]),
    ]


def test_header_lines_wrapped_across_lines() -> None:
    plan = parse_text(
        "ỦY BAN NHÂN DÂN\nTỈNH AN GIANG\n-------\nSố:\n12/KH-UBND\nAn\nGiang, ngày 03\n"
        "tháng 6 năm 2024\nKẾ HOẠCH\nThử nghiệm\nII. NHIỆM VỤ\n1. Sở Tư pháp rà soát văn bản.\n"
    ).to_json()
    assert (plan["number"], plan["date"], plan["place"]) == ("12/KH-UBND", "2024-06-03", "An Giang")
    plan = parse_text(
        "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ ĐÀ\nNẴNG\nSố: 9/KH-UBND\nThành phố Đà\nNẵng, ngày\n"
        "21 tháng 10 năm 2024\nKẾ HOẠCH\nThử nghiệm\nII. NHIỆM VỤ\n1. Sở Nội vụ tổng hợp.\n"
    ).to_json()
    assert (plan["number"], plan["date"], plan["place"]) == (
        "9/KH-UBND",
        "2024-10-21",
        "Thành phố Đà Nẵng",
    )


def test_articles_of_a_decision_and_giao_heading() -> None:
    tasks = _tasks(
        "QUYẾT ĐỊNH:\nĐiều 1. Ban hành lịch tiếp công dân năm 2024 như sau:\n"
        "1. Tiếp công dân định kỳ: Ngày 15/5/2024 (thứ Tư).\n"
        "Điều 2. Giao Chánh Thanh tra huyện\n"
        "1. Tổ chức tiếp công dân theo lịch.\n"
        "2. Chủ trì, phối hợp với Phòng Tư pháp giải quyết đơn thư.\n"
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký.\n"
        "Điều 4. Chánh Văn phòng, Thủ trưởng các cơ quan có trách nhiệm thi hành Quyết định này.\n"
    )
    assert [(t["ref"], t["lead"], t["support"]) for t in tasks] == [
        ("Điều 1.1", [], []),
        ("Điều 2.1", ["Thanh tra huyện"], []),
        ("Điều 2.2", ["Thanh tra huyện"], ["Phòng Tư pháp"]),
    ]
    assert tasks[0]["deadline"]["due"] == "2024-05-15"


def test_opening_verbs_and_staff_are_not_units() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Tổ chức rà soát danh mục hồ sơ lưu trữ.\n"
        "2. Phân công cán bộ theo dõi công tác lưu trữ.\n"
        "3. Các tổ chức chính trị - xã hội tuyên truyền tới hội viên.\n"
    )
    assert [t["lead"] for t in tasks] == [[], [], ["Các tổ chức chính trị - xã hội"]]
    assert all("no_unit" in t["unsure"] for t in tasks[:2])


def test_addressees_named_before_a_colon_lead_the_numbered_duties() -> None:
    tasks = _tasks(
        "Để làm tốt công tác này, Chủ tịch UBND huyện yêu cầu Thủ trưởng các phòng, ban "
        "chuyên môn:\n1. Rà soát hồ sơ tồn đọng.\n"
        "2. Phòng Tài chính - Kế hoạch có trách nhiệm bố trí kinh phí.\n"
    )
    assert [t["lead"] for t in tasks] == [
        ["các phòng, ban chuyên môn"],
        ["Phòng Tài chính - Kế hoạch"],
    ]


def test_for_group_heading_and_an_item_naming_its_own_subject() -> None:
    tasks = _tasks(
        "III. TỔ CHỨC THỰC HIỆN\n1. Đối với các sở, ban, ngành tỉnh\n"
        "a) Xây dựng kế hoạch của đơn vị.\n"
        "b) Các phòng chuyên môn trực thuộc chủ động bố trí nhân lực.\n"
        "2. Đối với các dự án chuyển tiếp\na) Hoàn thiện hồ sơ quyết toán.\n"
    )
    assert [t["lead"] for t in tasks] == [
        ["Các sở, ban, ngành tỉnh"],
        ["Các phòng chuyên môn trực thuộc"],
        [],
    ]


def test_unit_heading_lists_and_several_paragraphs_under_one_unit() -> None:
    tasks = _tasks(
        "Căn cứ tình hình thực tế, Ban Chỉ đạo huyện xây dựng kế hoạch thực hiện như sau:\n"
        "III. TỔ CHỨC THỰC HIỆN\n1. Phòng Văn hóa và Thông tin\n"
        "Chủ trì biên soạn tài liệu tuyên truyền.\n"
        "Hướng dẫn các xã treo băng rôn, khẩu hiệu.\n"
        "2. Ban Chỉ đạo cấp xã, Ban Chỉ đạo các xã, thị trấn trên địa bàn huyện\n"
        "- Xây dựng kế hoạch chi tiết của địa phương.\n"
        "3. Trách nhiệm của các phòng, ban; Ủy ban Mặt trận Tổ quốc Việt Nam huyện\n"
        "Căn cứ chức năng, nhiệm vụ phối hợp tổ chức thực hiện.\n"
    )
    assert [(t["title"][:20], t["lead"]) for t in tasks] == [
        ("Chủ trì biên soạn tà", ["Phòng Văn hóa và Thông tin"]),
        ("Hướng dẫn các xã tre", ["Phòng Văn hóa và Thông tin"]),
        (
            "Xây dựng kế hoạch ch",
            ["Ban Chỉ đạo cấp xã", "Ban Chỉ đạo các xã, thị trấn trên địa bàn huyện"],
        ),
        (
            "Căn cứ chức năng, nh",
            ["Các phòng, ban", "Ủy ban Mặt trận Tổ quốc Việt Nam huyện"],
        ),
    ]
