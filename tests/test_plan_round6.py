"""Plan parsing, sixth round of issue 14: task PRECISION on plans the parser was not built on,
one minimal text of our own per class of input that was emitted as tasks although it is not a
duty. No text here is copied from a corpus document."""

from __future__ import annotations

from typing import Any

from plans.parser import parse_text

HEAD = "Số: 6/KH-UBND\nBình Yên, ngày 2 tháng 3 năm 2025\nKẾ HOẠCH\nThử nghiệm vòng sáu\n"


def _tasks(body: str) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = parse_text(HEAD + body).to_json()["tasks"]
    return tasks


def test_specification_lines_under_an_object_heading_are_one_duty() -> None:
    # "a) <object>" then "- Vị trí đo: Thực hiện đo …", "- Chỉ tiêu: …": the labelled lines
    # describe one duty; the line that states the duty is its title.
    tasks = _tasks(
        "II. NỘI DUNG\n1. Đo mực nước\n"
        "a) Hồ chứa phía bắc\n"
        "- Vị trí đo: Thực hiện đo tại 03 cống xả của hồ, cụ thể như sau:\n"
        "+ Cống số 1: đo 01 điểm;\n+ Cống số 2: đo 02 điểm.\n"
        "- Chỉ tiêu, số lần đo: mực nước, lưu lượng; đo 4 lần/tháng.\n"
        "b) Giếng khoan dân sinh\n"
        "- Vị trí đo: Thực hiện đo tại 05 giếng của thôn Đông.\n"
        "- Chỉ tiêu, số lần đo: mực nước; đo 2 lần/tháng.\n"
    )
    assert [(t["ref"], t["title"][:26]) for t in tasks] == [
        ("II.1.a", "Thực hiện đo tại 03 cống x"),
        ("II.1.b", "Thực hiện đo tại 05 giếng "),
    ]
    assert "Chỉ tiêu, số lần đo" in tasks[0]["detail"]


def test_form_and_quantity_lines_under_a_duty_heading_are_its_detail() -> None:
    tasks = _tasks(
        "II. NỘI DUNG\n1. Phát hành sổ tay phòng cháy cho hộ gia đình\n"
        "- Hình thức: In sổ tay phát cho các thôn, tổ dân phố.\n"
        "- Số lượng: 2.000 cuốn.\n"
        "- Địa điểm: Nhà văn hóa các thôn.\n"
        "2. Sở Tư pháp: Rà soát văn bản quy phạm pháp luật.\n"
    )
    assert [t["title"][:20] for t in tasks] == ["Phát hành sổ tay phò", "Sở Tư pháp: Rà soát "]
    assert "2.000 cuốn" in tasks[0]["detail"]


def test_labelled_lines_each_with_its_own_duty_stay_tasks() -> None:
    # Topic labels before duties ("Công tác X: Tổ chức …") and unit labels stay one task each.
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Các nhiệm vụ trọng tâm\n"
        "- Công tác tuyên truyền: Tổ chức hội nghị phổ biến luật mới.\n"
        "- Công tác kiểm tra: Kiểm tra việc chấp hành tại các xã.\n"
        "2. Phân công\n"
        "- Sở Tài chính: bố trí kinh phí.\n"
        "- Sở Nội vụ: hướng dẫn thi đua.\n"
    )
    assert len(tasks) == 4


def test_a_timetable_of_labelled_dated_lines_stays_tasks() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Thực hiện chương trình khóa học\n"
        "- Đợt một: bắt đầu ngày 06/9/2025; kết thúc trước ngày 18/01/2026.\n"
        "- Đợt hai: hoàn thành chương trình trước ngày 31/5/2026.\n"
    )
    assert len(tasks) == 2


def test_a_budget_section_naming_no_one_is_not_a_task() -> None:
    # "Kinh phí thực hiện" with where the money comes from: no duty, no task.
    body = (
        "II. NHIỆM VỤ\n1. Tổ chức hội thi an toàn giao thông.\n"
        "III. KINH PHÍ THỰC HIỆN\n"
        "- Từ ngân sách huyện theo phân cấp.\n- Các nguồn xã hội hóa hợp pháp khác.\n"
        "IV. TỔ CHỨC THỰC HIỆN\n1. Phòng Văn hóa: theo dõi, báo cáo kết quả.\n"
    )
    assert [t["ref"] for t in _tasks(body)] == ["II.1", "IV.1"]


def test_a_budget_section_naming_a_unit_is_a_task() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Tổ chức hội thi an toàn giao thông.\n"
        "III. KINH PHÍ THỰC HIỆN\n"
        "Phòng Tài chính - Kế hoạch chủ trì tham mưu bố trí kinh phí trong dự toán năm 2025.\n"
    )
    assert [t["ref"] for t in tasks] == ["II.1", "III"]
    assert tasks[1]["lead"] == ["Phòng Tài chính - Kế hoạch"]


def test_numbered_rows_without_words_are_not_tasks() -> None:
    # A table's row numbers ("3.1", "3.2") left without their cells hold no work.
    tasks = _tasks("II. NHIỆM VỤ\n1. Tổ chức hội thi.\n2. Kiểm tra an toàn.\n3.1\n3.2\n")
    assert [t["title"] for t in tasks] == ["Tổ chức hội thi.", "Kiểm tra an toàn."]


_SIGNED = "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nTrần Văn Ba\n"


def test_an_annex_of_data_is_not_a_task_list() -> None:
    # "Phụ lục II. Chỉ tiêu, số lần đo …": measurements and places, not duties.
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Tổ chức đo mực nước các hồ chứa.\n"
        + _SIGNED
        + "PHỤ LỤC II\nCHỈ TIÊU, SỐ LẦN ĐO MỰC NƯỚC NĂM 2025\n"
        "(Kèm theo Kế hoạch số 6/KH-UBND ngày 02/3/2025)\n"
        "- Mực nước, lưu lượng 4 lần/tháng\n- Độ đục, nhiệt độ 2 lần/tháng\n"
    )
    assert [t["ref"] for t in tasks] == ["II.1"]


def test_an_annex_of_tasks_stays_a_task_list() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Tổ chức đo mực nước các hồ chứa.\n"
        + _SIGNED
        + "PHỤ LỤC\nDANH MỤC NHIỆM VỤ NĂM 2025\n"
        "- Nạo vét kênh tưới phía nam\n- Sửa chữa cống số 2\n"
    )
    assert len(tasks) == 3


def test_campaign_topics_and_media_are_not_tasks() -> None:
    # "Nội dung, hình thức": what to say and through which media; the duties are assigned
    # to units in "Tổ chức thực hiện".
    tasks = _tasks(
        "II. NỘI DUNG, HÌNH THỨC\n1. Nội dung\n"
        "- Phổ biến quy định mới về phòng cháy trong khu dân cư.\n"
        "- Nêu gương các tổ dân phố làm tốt.\n"
        "2. Hình thức\n- Phát tờ rơi, treo băng rôn.\n- Đưa tin trên loa truyền thanh xã.\n"
        "III. TỔ CHỨC THỰC HIỆN\n1. Công an xã: chủ trì biên soạn tài liệu tuyên truyền.\n"
    )
    assert [t["ref"] for t in tasks] == ["III.1"]


def test_content_and_form_headings_naming_units_stay_tasks() -> None:
    tasks = _tasks(
        "II. NỘI DUNG, HÌNH THỨC\n1. Nội dung\n"
        "- Công an xã chủ trì phổ biến quy định mới về phòng cháy.\n"
        "2. Hình thức\n- Đài truyền thanh xã đưa tin hằng tuần.\n"
    )
    assert len(tasks) == 2


def test_how_to_carry_out_and_whom_to_tell_of_problems_are_not_tasks() -> None:
    # "Việc … phải được thực hiện bằng …" (a manner, no actor) and "Trong quá trình thực hiện,
    # nếu có vướng mắc, … phản ánh về …" (a closing line) close many plans.
    tasks = _tasks(
        "III. TỔ CHỨC THỰC HIỆN\n1. Phòng Nội vụ chủ trì theo dõi việc thực hiện.\n"
        "2. Việc tổ chức hội thi phải được thực hiện tiết kiệm, gắn với nhiệm vụ chuyên môn.\n"
        "3. Trong quá trình thực hiện, nếu có vướng mắc, các đơn vị phản ánh về Phòng Nội vụ.\n"
    )
    assert [t["ref"] for t in tasks] == ["III.1"]


def test_a_field_heading_over_one_sentence_gives_the_sentence_as_duty() -> None:
    # "3. Công tác thông tin" names a field; the sentence below is the work. A heading that
    # states work ("Xây dựng …") or names an item by its quoted title stays the title.
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Xây dựng cơ sở dữ liệu hộ nghèo\n"
        "Cập nhật danh sách hộ nghèo vào phần mềm của Bộ.\n"
        "2. Nội dung “Nhà ở an toàn”\nRà soát nhà ở của hộ nghèo trong toàn xã.\n"
        "3. Công tác thông tin\nĐưa tin trên loa truyền thanh về chính sách hỗ trợ.\n"
    )
    assert [t["title"][:22] for t in tasks] == [
        "Xây dựng cơ sở dữ liệu",
        "Nội dung “Nhà ở an toà",
        "Đưa tin trên loa truyề",
    ]


def test_things_that_follow_another_texts_rules_are_not_tasks() -> None:
    # An article listing dated milestones also lists what simply follows another text
    # ("Các hội thi cấp huyện theo kế hoạch và hướng dẫn của Sở", "Ngày nghỉ: Thực hiện theo
    # quy định của …"); those name no work. A duty done "theo hướng dẫn" stays a task.
    tasks = _tasks(
        "Điều 1. Ban hành lịch công tác năm 2025 như sau:\n"
        "1. Tổng kết năm học trước ngày 31/5/2025.\n"
        "2. Các kỳ thi cấp huyện theo kế hoạch và hướng dẫn của Sở Giáo dục và Đào tạo.\n"
        "3. Ngày nghỉ lễ, tết: Thực hiện theo quy định của Bộ luật Lao động.\n"
        "4. Báo cáo kết quả hội thi theo hướng dẫn của Sở Giáo dục và Đào tạo.\n"
    )
    assert [t["ref"] for t in tasks] == ["Điều 1.1", "Điều 1.4"]


def test_a_field_section_over_one_sentence_gives_the_sentence_as_duty() -> None:
    tasks = _tasks(
        "III. GIẢI PHÁP THỰC HIỆN\n"
        "Triển khai đồng bộ các nhóm giải pháp đã nêu tại Đề án của tỉnh.\n"
        "IV. TỔ CHỨC THỰC HIỆN\n1. Phòng Nội vụ chủ trì theo dõi việc thực hiện.\n"
    )
    assert [(t["ref"], t["title"][:24]) for t in tasks] == [
        ("III", "Triển khai đồng bộ các n"),
        ("IV.1", "Phòng Nội vụ chủ trì the"),
    ]
