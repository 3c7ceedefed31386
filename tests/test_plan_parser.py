"""Plan structure: header, tasks, their units and deadline phrases.

The sample plans' expectations live in tests/golden/plan_*.json (written by hand); here we
check the parser's behaviour rule by rule, on the samples and on small made-up plans.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from plans.parser import ParsedPlan, parse_text, read_plan
from plans.readers import PlanReadError
from tests.plan_builders import GOLDEN_DIR, annex_xlsx, sample_text, table_plan_docx


def _plan(key: str) -> ParsedPlan:
    return parse_text(sample_text(key), f"{key}.txt")


def _task(plan: ParsedPlan, ref: str):
    return next(task for task in plan.tasks if task.ref == ref)


def _golden(key: str) -> dict:
    return json.loads((GOLDEN_DIR / f"plan_{key}.json").read_text(encoding="utf-8"))


# --- header --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["000", "002", "004"])
def test_header_matches_the_document(key: str) -> None:
    plan = _plan(key)
    expected = _golden(key)["plan"]
    assert plan.kind == expected["kind"]
    assert plan.number == expected["number"]
    assert (plan.date.isoformat() if plan.date else None) == expected["date"]
    assert plan.place == expected["place"]
    assert plan.title == expected["title"]


def test_plan_without_day_counts_from_the_start_of_its_year() -> None:
    plan = _plan("000")  # "Tu Mơ Rông, ngày tháng năm 2023"
    assert plan.date is None
    assert plan.deadline_reference == date(2023, 1, 1)


# --- tasks of the samples ------------------------------------------------------------------


@pytest.mark.parametrize("key", ["000", "002", "004"])
def test_refs_follow_the_golden_conventions(key: str) -> None:
    assert [task.ref for task in _plan(key).tasks] == [
        task["ref"] for task in _golden(key)["tasks"]
    ]


def test_criteria_with_codes_become_tasks_with_their_responsibility() -> None:
    plan = _plan("000")
    task = _task(plan, "II.3 (4.1.2)")
    assert task.title.startswith("Thực hiện quy định về cơ cấu số lượng lãnh đạo")
    assert "Đạt được" not in task.title  # the score is not part of the duty
    assert task.lead == ["Phòng Nội vụ"]
    assert task.support == ["Các cơ quan, đơn vị", "UBND các xã"]
    assert "Giải pháp cải thiện: Đăng ký tuyển dụng công chức" in task.detail
    # A cause paragraph cut by a page break is joined back to itself.
    cause = _task(plan, "II.2 (3.2.2)").detail
    assert "(UBND xã Tu Mơ Rông, UBND xã Măng Ri) tại Thông báo số 103/TB-SNV" in cause


def test_section_time_applies_to_the_bullets_above_it() -> None:
    plan = _plan("002")
    assert _task(plan, "II.1.1.a-1").deadline_text == "Trong năm 2024"
    assert _task(plan, "II.1.1.a-2").deadline_text == "Trong năm 2024"
    assert _task(plan, "II.1.1.a-3").deadline_text == "Quý I năm 2024"
    assert _task(plan, "II.1.2.a-4").deadline_text == "Thường xuyên"
    assert _task(plan, "II.1.2.a-5").deadline_text == "Hàng ngày"
    # "b) Thực hiện" after all bullets applies to every one of them.
    assert {tuple(t.lead) for t in plan.tasks if t.ref.startswith("II.1.1.")} == {
        ("Bộ phận một cửa", "Công chức chuyên môn")
    }


def test_sub_bullets_are_detail_not_tasks() -> None:
    task = _task(_plan("002"), "II.1.2.a-5")
    assert "+ Số hóa hồ sơ TTHC trên 90%." in task.detail
    assert not any("Số hóa hồ sơ" in t.title for t in _plan("002").tasks)


def test_sentence_cut_by_a_page_break_is_one_task() -> None:
    task = _task(_plan("002"), "II.1.2.a-4")
    assert task.title.endswith("theo quy định...")
    assert "Rà soát danh mục TTHC" in task.title


def test_section_units_and_time_apply_to_every_bullet_of_004() -> None:
    plan = _plan("004")
    for ref in ("II.5-1", "II.5-6"):
        task = _task(plan, ref)
        assert task.lead == ["Phòng Nội vụ"]
        assert task.support == ["Các ngành liên quan", "UBND xã - thị trấn"]
        assert task.deadline_text == "thường xuyên trong năm 2023 và những năm tiếp theo"
    # A footnote between the section's lines does not stop them.
    assert _task(plan, "II.7-3").support == ["Các ngành liên quan", "UBND xã - thị trấn"]


def test_meeting_and_reporting_regimes_become_recurring_tasks() -> None:
    plan = _plan("004")
    assert _task(plan, "II.1-3").deadline_text == "họp định kỳ mỗi quý một lần"
    monthly = _task(plan, "II.3")
    yearly = _task(plan, "II.3 (2)")
    assert monthly.deadline_text == (
        "họp định kỳ hàng tháng (chậm nhất 05 ngày sau khi kết thúc tháng)"
    )
    assert yearly.deadline_text == "cuối năm (chậm nhất 10 ngày sau khi kết thúc năm)"
    assert monthly.lead == yearly.lead == ["Văn phòng HĐND & UBND huyện"]
    report = _task(plan, "IV-1")
    assert report.deadline_text is not None
    assert "chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12" in report.deadline_text


def test_ad_hoc_reports_footnotes_closing_lines_and_recipients_are_not_tasks() -> None:
    plan = _plan("004")
    titles = " | ".join(task.title for task in plan.tasks)
    assert "Báo cáo đột xuất" not in titles
    assert "Thông tin đột xuất" not in titles
    assert "Đề nghị tỉnh có hướng dẫn" not in titles  # footnote 3
    assert "Yêu cầu các thành viên" not in titles
    assert "Lưu: VT" not in titles
    assert not any(task.ref.startswith(("I.", "I-")) for task in plan.tasks)  # mục đích


def test_deadline_in_the_text_wins_over_none() -> None:
    plan = _plan("004")
    assert _task(plan, "V-1").deadline_text == (
        "chậm nhất 10 ngày làm việc kể từ ngày ký ban hành kế hoạch này"
    )
    assert _task(_plan("000"), "III.1").deadline_text == "chậm nhất ngày 15/11/2023"
    assert _task(_plan("002"), "III.2").deadline_text == "trong tháng 02 năm 2024"


def test_units_named_by_the_item_itself() -> None:
    plan = _plan("004")
    assert _task(plan, "II.10").lead == [
        "Ủy ban Mặt trận Tổ quốc Việt Nam huyện",
        "Các tổ chức thành viên",
    ]
    assert _task(plan, "V-3").lead == ["Phòng Nội vụ"]  # "Giao Phòng Nội vụ …"
    assert _task(plan, "IV-4").lead == ["Phòng Nội vụ"]
    assert _task(plan, "II.6-1").lead == []  # the plan names nobody: left for the admin


# --- small plans ---------------------------------------------------------------------------

NUMBERED = """Số: 101/KH-SNV
Kon Tum, ngày 15 tháng 3 năm 2024

KẾ HOẠCH
Kiểm tra công tác cải cách hành chính năm 2024

Căn cứ Quyết định số 1/QĐ-UBND ngày 02/01/2024 của UBND tỉnh;

I. MỤC ĐÍCH, YÊU CẦU
1. Kiểm tra việc thực hiện nhiệm vụ cải cách hành chính.
2. Bảo đảm khách quan.

II. NỘI DUNG
1. Giao Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp, Văn phòng UBND tỉnh xây dựng kế hoạch kiểm tra, trình UBND tỉnh trước ngày 30/4/2024.
2. Tổ chức kiểm tra tại các huyện
Cơ quan thực hiện: Sở Nội vụ.
Cơ quan phối hợp: UBND các huyện, thành phố.
Thời gian thực hiện: Quý III/2024.
3. Các sở, ban, ngành báo cáo kết quả tự kiểm tra định kỳ hằng quý, trước ngày 20 của tháng cuối quý.

III. TỔ CHỨC THỰC HIỆN
Sở Nội vụ theo dõi, đôn đốc thực hiện Kế hoạch này./.

Nơi nhận:
- Bộ Nội vụ;
- Lưu: VT.
"""


def test_small_numbered_plan() -> None:
    plan = parse_text(NUMBERED)
    assert (plan.kind, plan.number, plan.date, plan.place) == (
        "KẾ HOẠCH", "101/KH-SNV", date(2024, 3, 15), "Kon Tum"
    )
    assert plan.title == "Kiểm tra công tác cải cách hành chính năm 2024"
    assert [task.ref for task in plan.tasks] == ["II.1", "II.2", "II.3"]
    first, second, third = plan.tasks
    assert first.lead == ["Sở Nội vụ"]
    assert first.support == ["Sở Tư pháp", "Văn phòng UBND tỉnh"]
    assert first.deadline_text == "trước ngày 30/4/2024"
    assert second.lead == ["Sở Nội vụ"]
    assert second.support == ["UBND các huyện, thành phố"]
    assert second.deadline_text == "Quý III/2024"
    assert third.lead == ["Các sở, ban, ngành"]
    assert third.deadline_text == "định kỳ hằng quý, trước ngày 20 của tháng cuối quý"


def test_plain_markdown_list_without_sections() -> None:
    text = (
        "# Kế hoạch tuần\n\n"
        "- Rà soát hồ sơ trễ hạn. Thời hạn: 05/4/2024\n"
        "- Phòng Nội vụ tổng hợp báo cáo tuần, chậm nhất ngày 06/4/2024\n"
    )
    plan = parse_text(text, "tuan.md")
    assert [task.ref for task in plan.tasks] == ["1", "2"]
    assert plan.tasks[1].lead == ["Phòng Nội vụ"]
    assert plan.tasks[1].deadline_text == "chậm nhất ngày 06/4/2024"


def test_inline_assignment_in_parentheses() -> None:
    text = (
        "KẾ HOẠCH\nThử\n\nII. NHIỆM VỤ\n"
        "1. Số hóa hồ sơ một cửa (Cơ quan chủ trì: Văn phòng HĐND và UBND huyện; "
        "Thời gian thực hiện: Quý II/2024).\n"
    )
    (task,) = parse_text(text).tasks
    assert task.title == "Số hóa hồ sơ một cửa."
    assert task.lead == ["Văn phòng HĐND và UBND huyện"]
    assert task.deadline_text == "Quý II/2024"


# --- tables --------------------------------------------------------------------------------


def test_docx_with_tasks_in_a_table() -> None:
    plan = read_plan(table_plan_docx(), "ke-hoach-bang.docx")
    assert (plan.number, plan.date, plan.place) == ("15/KH-UBND", date(2024, 1, 10), "Thử Nghiệm")
    assert plan.issuer == "ỦY BAN NHÂN DÂN HUYỆN THỬ NGHIỆM"
    rows = [(t.ref, t.lead, t.support, t.deadline_text) for t in plan.tasks]
    assert rows == [
        ("II.I.1", ["Phòng Nội vụ"], ["Các cơ quan, đơn vị"], "Trước ngày 31/01/2024"),
        ("II.I.2", ["Phòng Nội vụ"], ["Văn phòng HĐND và UBND huyện"], "Quý II/2024"),
        ("II.II.1", ["Văn phòng HĐND và UBND huyện"], ["Các phòng chuyên môn"], "Trong năm 2024"),
        ("II.II.2", ["UBND các xã, thị trấn"], [], "Thường xuyên"),
        ("II.II.3", ["UBND các xã, thị trấn"], ["Văn phòng HĐND và UBND huyện"],
         "Hằng tháng, trước ngày 20"),
        ("III.1", ["Phòng Nội vụ"], [], "trước ngày 15/12/2024"),
    ]
    assert plan.tasks[0].detail == "Sản phẩm: Kế hoạch"


def test_xlsx_annex_with_two_row_header_and_merged_lead() -> None:
    plan = read_plan(annex_xlsx(), "phu-luc.xlsx")
    assert plan.title == "Danh mục nhiệm vụ cải cách hành chính năm 2024"
    rows = [(t.ref, t.title, t.lead, t.support, t.deadline_text) for t in plan.tasks]
    assert rows == [
        ("1", "Xây dựng kế hoạch tuyên truyền cải cách hành chính",
         ["Phòng Văn hóa và Thông tin"], ["Phòng Nội vụ"], "15/03/2024"),
        ("2", "Tổ chức hội thi tìm hiểu cải cách hành chính",
         ["Phòng Văn hóa và Thông tin"], ["UBND các xã, thị trấn"], "Quý III/2024"),
        ("3", "Đánh giá, chấm điểm Chỉ số cải cách hành chính cấp xã",
         ["Phòng Nội vụ"], ["Các cơ quan, đơn vị"], "Tháng 12/2024"),
        ("4", "Họp Ban chỉ đạo cải cách hành chính",
         ["Văn phòng HĐND và UBND huyện"], [], "Định kỳ hằng quý"),
    ]
    assert plan.tasks[2].detail == "Ghi chú: Hằng năm"


@pytest.mark.parametrize(
    "header",
    [
        ("STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn"),
        ("TT", "Nhiệm vụ", "Cơ quan thực hiện", "Phối hợp", "Tiến độ"),
        ("Số TT", "Nội dung công việc", "Trách nhiệm thực hiện", "Cơ quan phối hợp",
         "Thời gian hoàn thành"),
    ],
)
def test_task_table_headers_as_people_spell_them(header: tuple[str, ...]) -> None:
    rows = "\n".join(
        "| " + " | ".join(cells) + " |"
        for cells in (
            header,
            ("1", "Rà soát quy chế làm việc", "Phòng Nội vụ", "Thanh tra huyện", "30/6/2024"),
        )
    )
    plan = parse_text(f"KẾ HOẠCH\nThử\n\n{rows}\n", "bang.md")
    (task,) = plan.tasks
    assert (task.lead, task.support, task.deadline_text) == (
        ["Phòng Nội vụ"], ["Thanh tra huyện"], "30/6/2024"
    )


def test_columns_in_another_order() -> None:
    rows = (
        "| Thời gian | Cơ quan phối hợp | Nội dung | STT | Cơ quan chủ trì |\n"
        "| Quý IV/2024 | Phòng Tư pháp | Tập huấn nghiệp vụ | 1 | Phòng Nội vụ |\n"
    )
    (task,) = parse_text(f"KẾ HOẠCH\nThử\n\n{rows}", "bang.md").tasks
    assert (task.ref, task.title, task.lead, task.support, task.deadline_text) == (
        "1", "Tập huấn nghiệp vụ", ["Phòng Nội vụ"], ["Phòng Tư pháp"], "Quý IV/2024"
    )


# --- JSON contract -------------------------------------------------------------------------


def test_json_has_the_contract_keys() -> None:
    data = _plan("004").to_json()
    assert {"kind", "number", "date", "place", "title", "tasks"} <= data.keys()
    assert data["date"] == "2023-02-22"
    task = data["tasks"][0]
    assert {"ref", "title", "lead", "support", "deadline_text", "deadline"} <= task.keys()
    assert isinstance(task["lead"], list) and isinstance(task["support"], list)
    json.dumps(data, ensure_ascii=False)  # serialisable as is


def test_fingerprint_is_stable_and_keyed_by_number_and_date() -> None:
    plan = _plan("004")
    again = parse_text(sample_text("004").replace("Chợ Mới, ngày", "Chợ Mới , ngày"))
    assert plan.fingerprint() == again.fingerprint()
    undated = _plan("000")
    assert undated.fingerprint() == _plan("000").fingerprint()
    assert undated.fingerprint() != plan.fingerprint()


def test_read_plan_refuses_a_plan_with_no_tasks() -> None:
    with pytest.raises(PlanReadError) as caught:
        read_plan("KẾ HOẠCH\nThử nghiệm\n\nI. MỤC ĐÍCH\nNâng cao chất lượng.".encode(), "kh.txt")
    assert caught.value.code == "no_tasks"


REPORT = """ỦY BAN NHÂN DÂN
XÃ TÂN PHÚ
Số: 45/BC-UBND
Tân Phú, ngày 10/6/2024

BÁO CÁO
Kết quả công tác cải cách hành chính 6 tháng đầu năm 2024

I. KẾT QUẢ THỰC HIỆN
1. Công tác chỉ đạo, điều hành
- Ban hành Kế hoạch CCHC năm 2024 đúng hạn.

II. TỒN TẠI, HẠN CHẾ
- Còn 03 hồ sơ trễ hạn.

III. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2024
1. Tiếp tục kiện toàn Bộ phận một cửa; hoàn thành trước ngày 31/7/2024.
2. Tổ chức đối thoại với Nhân dân
Trách nhiệm: Văn phòng UBND xã; Công an xã phối hợp.
Thời gian hoàn thành: Quý III/2024.

IV. KIẾN NGHỊ, ĐỀ XUẤT
1. Đề nghị UBND huyện bố trí kinh phí.
"""


def test_report_takes_tasks_only_from_its_forward_looking_part() -> None:
    plan = parse_text(REPORT)
    assert (plan.kind, plan.number, plan.date) == ("BÁO CÁO", "45/BC-UBND", date(2024, 6, 10))
    assert plan.issuer == "ỦY BAN NHÂN DÂN XÃ TÂN PHÚ"
    assert [task.ref for task in plan.tasks] == ["III.1", "III.2"]
    first, second = plan.tasks
    assert first.deadline_text == "hoàn thành trước ngày 31/7/2024"
    assert first.lead == []  # names nobody: the admin picks a unit
    assert (second.lead, second.support) == (["Văn phòng UBND xã"], ["Công an xã"])
    assert second.deadline_text == "Quý III/2024"
