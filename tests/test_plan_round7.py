"""Plan parsing, seventh round of issue 14: plans saved from web pages and bodies sharing one
assignment paragraph, one minimal text of our own per class of input. No text here is copied
from a corpus document."""

from __future__ import annotations

from typing import Any

from plans.parser import parse_text
from plans.unitnames import parse_responsibility

HEAD = "Số: 7/KH-UBND\nBình Yên, ngày 2 tháng 3 năm 2025\nKẾ HOẠCH\nThử nghiệm vòng bảy\n"

# A web page as a legal-text site serves it: menus before, the letter, its annex table with
# one cell per line (cells wrapping onto several lines), the site's notices after.
WEB_PAGE = """Trang chủ
Đăng nhập
Số hiệu:
88/STC-VP
Loại văn bản:
Công văn
Kính gửi:
- Các phòng thuộc Sở;
- Trung tâm Dữ liệu tỉnh.
Để hoàn thành các việc còn chậm trong năm, Sở Tài chính yêu cầu:
1. Phòng Kế hoạch
- Rà soát danh mục dự án chậm tiến độ.
- Tổng hợp đề xuất điều chỉnh vốn.
2. Trung tâm Dữ liệu tỉnh
- Vận hành ổn định cổng dữ liệu.
Nơi nhận:
- Như trên;
- Lưu: VT.
GIÁM ĐỐC
Trần Văn Mẫu
PHỤ LỤC
DANH MỤC NHIỆM VỤ
STT
Tên nhiệm vụ
Người đứng đầu chịu trách nhiệm
Cơ quan chủ trì
Cơ quan phối hợp
Kết quả thực hiện
Thời hạn hoàn thành
1
Số hóa hồ sơ đất đai của các xã
Trưởng phòng Phòng Đất đai và
Khoáng sản
Phòng Đất đai
Trung tâm Dữ liệu tỉnh
Cơ sở dữ liệu
đất đai được đưa vào vận hành
Tháng 10/2025
2
Xây dựng bản đồ số hạ tầng theo Đề án
06
Giám đốc Trung tâm Dữ liệu tỉnh
Trung tâm Dữ liệu tỉnh
Các phòng thuộc Sở
-
Bản đồ được ban hành.
-
Dữ liệu được cập nhật.
Tháng 12/2025
3
Ban hành quy chế khai thác dữ liệu
(1) Chánh Văn phòng Sở;
(2) Giám đốc Trung tâm Dữ liệu tỉnh
Văn phòng Sở; Trung tâm Dữ liệu tỉnh
Phòng Pháp chế
Quy chế được ký ban hành
31/12/2025
Văn bản liên quan
Ban hành:
05/12/2025
- Bạn vừa bị đăng xuất khỏi tài khoản.
- Xin lỗi quý khách vì sự bất tiện này!
"""


def _tasks(body: str) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = parse_text(HEAD + body).to_json()["tasks"]
    return tasks


def _web_tasks() -> dict[str, dict[str, Any]]:
    tasks = parse_text(WEB_PAGE, "cong-van.txt").to_json()["tasks"]
    return {task["title"][:20].strip(): task for task in tasks}


def test_web_page_annex_table_one_cell_per_line_is_read_row_by_row() -> None:
    tasks = _web_tasks()
    row = tasks["Số hóa hồ sơ đất đai"]
    # The lead is the "Cơ quan chủ trì" cell, not the person answerable.
    assert row["lead"] == ["Phòng Đất đai"]
    assert row["support"] == ["Trung tâm Dữ liệu tỉnh"]
    assert row["deadline"]["due"] == "2025-10-31"
    assert "Sản phẩm: Cơ sở dữ liệu đất đai" in row["detail"]
    # A wrapped "06" inside the content cell is no row number; bullets stay in their cell.
    second = tasks["Xây dựng bản đồ số h"]
    assert second["title"].endswith("Đề án 06")
    assert second["lead"] == ["Trung tâm Dữ liệu tỉnh"]
    assert second["support"] == ["Các phòng thuộc Sở"]
    assert second["deadline"]["due"] == "2025-12-31"
    third = tasks["Ban hành quy chế kha"]
    assert third["lead"] == ["Văn phòng Sở", "Trung tâm Dữ liệu tỉnh"]
    assert third["deadline"]["due"] == "2025-12-31"


def test_web_page_letter_body_after_kinh_gui_and_no_site_text() -> None:
    tasks = _web_tasks()
    assert tasks["Rà soát danh mục dự"]["lead"] == ["Phòng Kế hoạch"]
    assert tasks["Tổng hợp đề xuất điề"]["lead"] == ["Phòng Kế hoạch"]
    assert tasks["Vận hành ổn định cổn"]["lead"] == ["Trung tâm Dữ liệu tỉnh"]
    # The site's notices after the annex table are not tasks.
    assert len(tasks) == 6


def test_subject_line_v_v_is_no_roman_section() -> None:
    plan = parse_text(
        "Số: 9/UBND-KT\nV/v rà soát số nhà\nBình Yên, ngày 2 tháng 3 năm 2025\n"
        "Kính gửi:\n- Sở Xây dựng;\n- Công an tỉnh.\n"
        "Chủ tịch UBND tỉnh có ý kiến như sau:\n"
        "1. Giao Sở Xây dựng\nRà soát dữ liệu số nhà trên địa bàn.\n"
    )
    assert [task.lead for task in plan.tasks] == [["Sở Xây dựng"]]
    assert all(task.title != "Sở Xây dựng;" for task in plan.tasks)


def test_shared_implementing_paragraph_gives_every_acting_clause_its_role() -> None:
    found = parse_responsibility(
        "Sở Tư pháp chủ trì tham mưu UBND tỉnh ban hành hướng dẫn; Sở Nội vụ, Đài Phát thanh "
        "tỉnh và UBND các xã chủ động tổ chức triển khai tại cơ quan, địa phương"
    )
    assert found.lead == ["Sở Tư pháp", "Sở Nội vụ", "Đài Phát thanh tỉnh", "UBND các xã"]
    found = parse_responsibility("Sở Y tế chủ trì; Công an tỉnh phối hợp với Sở Xây dựng kiểm tra")
    assert found.lead == ["Sở Y tế"]
    assert found.support == ["Công an tỉnh", "Sở Xây dựng"]
    # Units listed with ";" and no verb of their own stay one list.
    assert parse_responsibility("Bộ Quốc phòng; Bộ Công an").lead == ["Bộ Quốc phòng", "Bộ Công an"]


def test_shared_implementing_line_in_a_plan() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Phổ biến luật mới\n"
        "- Nội dung thực hiện: Tổ chức phổ biến luật bằng nhiều hình thức.\n"
        "- Cơ quan thực hiện: Sở Tư pháp chủ trì tham mưu UBND tỉnh ban hành kế hoạch; "
        "các sở, ban, ngành và UBND các xã chủ động tổ chức triển khai.\n"
        "- Thời gian thực hiện: Năm 2025.\n"
    )
    assert tasks[0]["lead"] == ["Sở Tư pháp", "Các sở, ban, ngành", "UBND các xã"]


def test_numbered_activity_takes_its_title_from_the_content_line() -> None:
    tasks = _tasks(
        "III. HOẠT ĐỘNG\n1. Truyền thông\na) Hoạt động 1\n"
        "- Nội dung: Tổ chức mít tinh hưởng ứng ngày hội.\n"
        "- Cơ quan thực hiện: Sở Văn hóa chủ trì, phối hợp với Sở Y tế.\n"
        "b) Hoạt động 2\n"
        "- Nội dung: In tờ rơi phát tại các xã.\n"
        "- Cơ quan thực hiện: Sở Y tế chủ trì.\n"
    )
    assert [(t["title"], t["lead"]) for t in tasks] == [
        ("Tổ chức mít tinh hưởng ứng ngày hội.", ["Sở Văn hóa"]),
        ("In tờ rơi phát tại các xã.", ["Sở Y tế"]),
    ]
    assert tasks[0]["support"] == ["Sở Y tế"]


def test_time_line_without_its_colon_dates_the_item() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Giao Sở Xây dựng\n"
        "Rà soát dữ liệu số nhà đã cấp trên địa bàn.\n"
        "Thời gian hoàn thành trước ngày 31 tháng 12 năm 2025.\n"
    )
    assert len(tasks) == 1
    assert tasks[0]["deadline"]["due"] == "2025-12-31"


def test_two_line_heading_of_a_hard_wrapped_text_is_one_paragraph() -> None:
    wrapped = (
        "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về việc triển khai các luật mới\n"
        "được Quốc hội thông qua tại kỳ họp thứ chín, Sở Tư pháp xây dựng Kế hoạch\n"
        "triển khai thực hiện như sau.\n\n"
    )
    paragraph = (
        "- Nội dung thực hiện: Tổ chức phổ biến, giáo dục pháp luật cho cán bộ, công\n"
        "chức và người lao động bằng nhiều hình thức phù hợp với tình hình thực tế của\n"
        "từng cơ quan, đơn vị trên địa bàn tỉnh.\n\n"
        "- Cơ quan thực hiện: Sở Tư pháp chủ trì, phối hợp với các cơ quan, đơn vị có\n"
        "liên quan triển khai thực hiện theo chức năng, nhiệm vụ được giao trong năm.\n\n"
    )
    body = "II. NHIỆM VỤ\n\n" + "".join(
        f"{n}. Phổ biến, giáo dục Luật\nĐất đai và các văn bản hướng dẫn thi hành số {n}\n\n"
        + paragraph
        for n in (1, 2, 3, 4, 5)
    )
    tasks = _tasks(wrapped + body)
    assert tasks[0]["title"].startswith("Phổ biến, giáo dục Luật Đất đai và các văn bản")
    assert tasks[0]["lead"] == ["Sở Tư pháp"]


def test_requested_bodies_and_bracketed_roles_head_their_items() -> None:
    tasks = _tasks(
        "V. TỔ CHỨC THỰC HIỆN\n"
        "1. Sở Y tế (cơ quan thường trực Ban Chỉ đạo tỉnh):\n"
        "- Hướng dẫn các xã triển khai kế hoạch.\n"
        "2. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh\n"
        "- Vận động nhân dân tham gia.\n"
        "3. Đề nghị: Hiệp hội Doanh nghiệp tỉnh, Liên minh Hợp tác xã tỉnh\n"
        "- Phổ biến chính sách tới hội viên.\n"
        "4. Tiểu ban giúp việc Ban Chỉ đạo tỉnh\n"
        "- Tổng hợp báo cáo hằng quý.\n"
        "5. Các đoàn thể, tổ chức xã hội:\n"
        "- Huy động hội viên tham gia.\n"
    )
    assert [t["lead"] for t in tasks] == [
        ["Sở Y tế"],
        ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"],
        ["Hiệp hội Doanh nghiệp tỉnh", "Liên minh Hợp tác xã tỉnh"],
        ["Tiểu ban giúp việc Ban Chỉ đạo tỉnh"],
        ["Các đoàn thể, tổ chức xã hội"],
    ]


def test_heading_of_two_groups_names_both() -> None:
    tasks = _tasks(
        "V. TỔ CHỨC THỰC HIỆN\n"
        "1. Các sở, ban, ngành tỉnh và Ủy ban nhân dân các xã, phường\n"
        "- Quán triệt kế hoạch tới cán bộ.\n"
        "2. Căn cứ tình hình thực tế\n"
        "Căn cứ điều kiện của địa phương, các cơ quan, đơn vị phối hợp thực hiện các việc sau:\n"
        "- Treo băng rôn hưởng ứng.\n"
    )
    assert tasks[0]["lead"] == ["Các sở, ban, ngành tỉnh", "Ủy ban nhân dân các xã, phường"]
    assert tasks[1]["lead"] == ["Các cơ quan, đơn vị"]


def test_plus_parts_naming_their_own_units_are_one_task_each() -> None:
    tasks = _tasks(
        "IV. TỔ CHỨC THỰC HIỆN\n"
        "3. Các cơ quan tham mưu quản lý ngành (gồm các Sở: Xây dựng, Công Thương)\n"
        "- Phối hợp hướng dẫn các đơn vị thực hiện kiểm kê tài sản. Trong đó:\n"
        "+ Sở\nXây dựng: hướng dẫn kiểm kê tài sản hạ tầng giao thông.\n"
        "+ Sở Công Thương: hướng dẫn kiểm kê tài sản chợ.\n"
        "- Cử công chức tham gia tổ công tác.\n"
        "5. Trách nhiệm của đối tượng thực hiện kiểm kê\n"
        "- Chuẩn bị hồ sơ tài sản.\n"
    )
    assert [(t["title"][:22], t["lead"]) for t in tasks] == [
        ("Sở Xây dựng: hướng dẫn", ["Sở Xây dựng"]),
        ("Sở Công Thương: hướng ", ["Sở Công Thương"]),
        ("Cử công chức tham gia ", ["Các cơ quan tham mưu quản lý ngành"]),
        ("Chuẩn bị hồ sơ tài sản", ["Đối tượng thực hiện kiểm kê"]),
    ]


def test_list_of_issued_documents_is_no_tasks() -> None:
    tasks = _tasks(
        "II. NHIỆM VỤ\n1. Sở Tư pháp\n- Rà soát văn bản hết hiệu lực.\n"
        "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nGIÁM ĐỐC\nNguyễn Văn Mẫu\n"
        "Danh mục các văn bản đã ban hành\nI. CÔNG VĂN\n"
        "1. Công văn số 12/STP-VP ngày 02/5/2025 của Sở Tư pháp về việc đôn đốc báo cáo.\n"
        "2. Kế hoạch số 30/KH-STP ngày 10/6/2025 của Sở Tư pháp triển khai Luật.\n"
    )
    assert [t["title"][:24] for t in tasks] == ["Rà soát văn bản hết hiệu"]


def test_bulleted_aims_label_is_no_task() -> None:
    tasks = _tasks(
        "I. NỘI DUNG\n- Mục đích:\n+ Nhằm cụ thể hóa các bước triển khai.\n"
        "- Yêu cầu:\n+ Bảo đảm thống nhất, chất lượng.\n"
        "II. NHIỆM VỤ\n1. Sở Tài chính lập dự toán chi phí.\n"
    )
    assert [t["title"][:20] for t in tasks] == ["Sở Tài chính lập dự "]


def test_unit_lists_end_at_more_predicates_and_support_after_grounds() -> None:
    tasks = _tasks(
        "V. TỔ CHỨC THỰC HIỆN\n1. Sở Tài chính\n"
        "- Căn cứ khả năng cân đối ngân sách, phối hợp với Sở Y tế tham mưu bố trí kinh phí.\n"
        "- Phối hợp với Trung tâm Dữ liệu tỉnh trong việc cập nhật dữ liệu.\n"
        "2. Các sở, ngành, UBND các xã định kỳ báo cáo kết quả về Sở Y tế.\n"
    )
    assert [t["support"] for t in tasks[:2]] == [["Sở Y tế"], ["Trung tâm Dữ liệu tỉnh"]]
    assert tasks[2]["lead"] == ["Các sở, ngành", "UBND các xã"]
