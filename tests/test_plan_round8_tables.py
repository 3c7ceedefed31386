"""Eighth round of issue 14: classes that commune and ministry plans state and the parser
missed — time windows, rounds and firm dates in the one phrase reader (so `/giao` and
`nhacviec deadline` read them too), tables pasted one cell per line with merged cells left
out, and headings that name bodies through their heads. Each class has a minimal text of our
own; no text here is copied from a corpus document."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from plans.parser import parse_text
from texts.deadlines import reason_text
from timelang.deadlines import Reading, Refusal, read_deadline

HEAD = "Số: 8/KH-UBND\nBình An, ngày 20 tháng 11 năm 2025\nKẾ HOẠCH\nThử nghiệm vòng tám\n"
PLAN_DAY = date(2025, 11, 20)


def _tasks(body: str) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = parse_text(HEAD + body).to_json()["tasks"]
    return tasks


def _due(phrase: str) -> date | None:
    reading = read_deadline(phrase, PLAN_DAY)
    assert isinstance(reading, Reading), reading
    assert reading.deadline.kind == "once"
    return reading.deadline.due


# --- time windows, rounds, firm dates (timelang) -------------------------------------------


@pytest.mark.parametrize(("phrase", "due"), [
    ("Trong khoảng thời gian từ ngày 03/12/2025 đến ngày 16/12/2025.", date(2025, 12, 16)),
    ("Trong khoảng thời gian từ ngày 05/01/2026 đến 17 giờ 00, ngày 30/01/2026",
     date(2026, 1, 30)),
    ("từ ngày 02/3/2026 đến 07 giờ 30 ngày 09/3/2026", date(2026, 3, 9)),
    ("trước 16h ngày 12/12/2025", date(2025, 12, 12)),
    ("Tháng 12/2025 đến tháng 5/2026", date(2026, 5, 31)),
    ("Quý IV/2025 đến Quý II/2026", date(2026, 6, 30)),
])
def test_a_window_is_due_when_it_closes(phrase: str, due: date) -> None:
    assert _due(phrase) == due


def test_the_hour_is_kept_in_the_text() -> None:
    reading = read_deadline("đến 17 giờ 00, ngày 30/01/2026", PLAN_DAY)
    assert isinstance(reading, Reading)
    assert "17 giờ 00" in reading.deadline.text


def test_an_hour_without_a_day_is_refused() -> None:
    assert isinstance(read_deadline("trước 16 giờ", PLAN_DAY), Refusal)


@pytest.mark.parametrize(("phrase", "due"), [
    ("Đợt 1: từ ngày 03/12/2025 đến ngày 10/12/2025; Đợt 2: từ ngày 05/01/2026 đến ngày "
     "12/01/2026; Đợt 3: từ ngày 19/01/2026 đến ngày 23/01/2026", date(2026, 1, 23)),
    ("Đợt 1: Quý IV/2025. Đợt 2: tháng 2/2026", date(2026, 2, 28)),
    ("Đợt 1: trong khoảng thời gian từ ngày 03/12/2025 đến ngày 10/12/2025", date(2025, 12, 10)),
])
def test_rounds_are_due_when_the_last_ends(phrase: str, due: date) -> None:
    assert _due(phrase) == due


def test_a_round_without_an_end_leaves_the_phrase_unread() -> None:
    refusal = read_deadline("Đợt 1: tháng 12/2025; Đợt 2: hằng tháng", PLAN_DAY)
    assert isinstance(refusal, Refusal)
    assert "đợt 2" in reason_text(refusal.reason)


@pytest.mark.parametrize(("phrase", "due"), [
    ("Dự kiến ngày 01/12/2025 (Chậm nhất ngày 08/12/2025)", date(2025, 12, 8)),
    ("Dự kiến ngày 20/01/2026 (Chậm nhất ngày 27/01/2026 - 45 ngày trước bầu cử)",
     date(2026, 1, 27)),
    ("Dự kiến ngày 20/01/2026, chậm nhất ngày 27/01/2026", date(2026, 1, 27)),
    ("Chậm nhất ngày 27/01/2026 (trước ngày khai mạc 30 ngày theo Điều 12 Luật số 1/2020/QH14)",
     date(2026, 1, 27)),
])
def test_the_firm_date_is_due_not_the_tentative_one(phrase: str, due: date) -> None:
    assert _due(phrase) == due


def test_two_firm_dates_are_still_refused() -> None:
    assert isinstance(read_deadline("ngày 01/12/2025 và ngày 08/12/2025", PLAN_DAY), Refusal)


# --- a time label listing its rounds below it (plan import) -----------------------------------


def test_rounds_under_an_empty_time_label_date_the_duty() -> None:
    tasks = _tasks(
        "II. NỘI DUNG\n"
        "1. Kiểm tra việc rà soát danh sách hộ nghèo\n"
        "- Phòng Văn hóa - Xã hội kiểm tra việc rà soát danh sách hộ nghèo tại các thôn.\n"
        "* Thời gian thực hiện:\n"
        "+ Đợt 1: Trong khoảng thời gian từ ngày 03/12/2025 đến ngày 10/12/2025.\n"
        "+ Đợt 2: Trong khoảng thời gian từ ngày 05/01/2026 đến ngày 12/01/2026.\n"
        "2. Tổng hợp kết quả\n"
        "- Văn phòng UBND xã tổng hợp kết quả, báo cáo trước ngày 20/01/2026.\n"
    )
    titles = [task["title"] for task in tasks]
    assert not any(title.startswith("Đợt") for title in titles), titles
    first = next(task for task in tasks if task["ref"].startswith("II.1"))
    assert first["deadline"]["due"] == "2026-01-12"


# --- tables pasted one cell per line, merged cells left out (plans.flat_tables) -------------

CALENDAR = """Số: 12/QĐ-SYT
Bình An, ngày 20 tháng 11 năm 2025
QUYẾT ĐỊNH
Ban hành lịch công bố số liệu y tế năm 2026
Điều 1. Ban hành kèm theo Quyết định này Lịch công bố số liệu y tế năm 2026.
Nơi nhận:
- Lưu: VT.
GIÁM ĐỐC
Lê Văn Thử
LỊCH CÔNG BỐ SỐ LIỆU Y TẾ NĂM 2026
STT
Tên số liệu
Mức độ hoàn chỉnh
Thời gian công bố
Hình thức công bố
Đơn vị chịu trách
nhiệm công bố
A
B
1
2
3
4
1
Số trạm y tế xã
Chính thức
Tháng 4/2026
Trang thông tin điện tử Sở
Phòng Kế hoạch - Tài chính
2
Số giường bệnh
Chính thức
3
Số bác sĩ trên một vạn
dân
Chính thức
Tháng 5/2026
4
Số ca sinh
Trong đó:
- Sinh tại cơ sở y tế
- Sinh tại nhà
5
Tỷ lệ tiêm chủng đầy đủ
Chính thức
Tháng 6/2026
Trang thông tin điện tử Sở
Phòng Nghiệp vụ Y
6
Số lượt khám bệnh
Chính thức
Ghi chú: số liệu là số liệu năm 2025.
Trang chủ
"""


def _calendar() -> dict[str, dict[str, Any]]:
    tasks = parse_text(CALENDAR, "lich.txt").to_json()["tasks"]
    return {task["title"][:18]: task for task in tasks}


def test_a_calendar_row_takes_merged_cells_from_the_row_above() -> None:
    tasks = _calendar()
    assert tasks["Số trạm y tế xã"]["lead"] == ["Phòng Kế hoạch - Tài chính"]
    assert tasks["Số trạm y tế xã"]["deadline"]["due"] == "2026-04-30"
    # "2 | Số giường bệnh | Chính thức": the month, the form and the unit were merged.
    assert tasks["Số giường bệnh"]["lead"] == ["Phòng Kế hoạch - Tài chính"]
    assert tasks["Số giường bệnh"]["deadline"]["due"] == "2026-04-30"
    # A wrapped name, then the level and the month of its own; the unit from above.
    third = tasks["Số bác sĩ trên một"]
    assert third["title"].startswith("Số bác sĩ trên một vạn dân")
    assert third["lead"] == ["Phòng Kế hoạch - Tài chính"]
    assert third["deadline"]["due"] == "2026-05-31"
    # Only the name and its list: every other cell merged from above; the list is detail.
    fourth = tasks["Số ca sinh"]
    assert fourth["deadline"]["due"] == "2026-05-31"
    assert "Sinh tại nhà" in (fourth["detail"] or "")


def test_the_last_row_stops_where_the_page_text_starts() -> None:
    tasks = _calendar()
    last = tasks["Số lượt khám bệnh"]
    assert last["lead"] == ["Phòng Nghiệp vụ Y"]
    assert last["deadline"]["due"] == "2026-06-30"
    assert len(tasks) == 6


def test_a_short_row_that_does_not_line_up_is_not_filled_in() -> None:
    # The second row's lines hold a unit where the level should be: no sure reading, so no
    # unit is taken from above; the task stays, unsure of its unit.
    plan = parse_text(CALENDAR.replace("2\nSố giường bệnh\nChính thức\n",
                                       "2\nSố giường bệnh\nPhòng Tổ chức cán bộ\n"), "lich.txt")
    second = next(task for task in plan.tasks if task.title.startswith("Số giường bệnh"))
    assert second.lead == []
    assert "no_unit" in second.unsure


ANNEX_CUT = """Số: 30/KH-UBND
Bình An, ngày 20 tháng 11 năm 2025
KẾ HOẠCH
Triển khai Luật Thử nghiệm
I. NHIỆM VỤ
Các cơ quan thực hiện theo Phụ lục kèm theo.
Nơi nhận:
- Lưu: VT.
CHỦ TỊCH
Trần Văn Mẫu
PHỤ LỤC
DANH MỤC NHIỆM VỤ
TT
Nội dung thực
hiện
Cơ quan chủ trì
Cơ quan phối hợp
Thời gian hoàn
thành
Sản phẩm dự kiến
I
KIỆN TOÀN TỔ CHỨC
1
Kiện toàn Ban Chỉ đạo thử nghiệm cấp tỉnh
Sở Nội vụ
Các sở, ngành
Trước ngày
15/12/2025
Quyết định của Chủ tịch UBND tỉnh
2
Rà soát quy chế hoạt động của Ban Chỉ đạo
Sở Nội vụ
Văn phòng UBND tỉnh
Quý I/2026
….................................
2
Ban hành quy chế phối hợp liên ngành về
thử nghiệm
Sở Tư pháp
Các sở, ngành
Tháng 3/2026
Quyết định của UBND tỉnh
II
TỔ CHỨC THỰC
HIỆN
1
Tập huấn cho cán bộ cấp xã
Sở Nội vụ
UBND các xã
2026
Kế hoạch 30/KH-UBND năm 2025 của tỉnh Bình An
Văn bản này chưa cập nhật
"""


def test_an_annex_table_cut_by_the_site_goes_on_after_the_cut() -> None:
    tasks = {task.title[:20]: task for task in parse_text(ANNEX_CUT, "pl.txt").tasks}
    assert tasks["Kiện toàn Ban Chỉ đạ"].lead == ["Sở Nội vụ"]
    assert tasks["Kiện toàn Ban Chỉ đạ"].deadline is not None
    # A row without its product: the time is not pushed into the product column.
    second = tasks["Rà soát quy chế hoạt"]
    assert second.deadline is not None and second.deadline.due == date(2026, 3, 31)
    after_cut = tasks["Ban hành quy chế phố"]
    assert after_cut.lead == ["Sở Tư pháp"]
    assert after_cut.deadline is not None and after_cut.deadline.due == date(2026, 3, 31)
    # The section heading wraps; the last row ends at its time, the page text is no task.
    last = tasks["Tập huấn cho cán bộ "]
    assert last.lead == ["Sở Nội vụ"]
    assert last.deadline is not None and last.deadline.due == date(2026, 12, 31)
    assert not any(title.startswith("Kế hoạch 30") for title in tasks)


# --- headings naming bodies through their heads ---------------------------------------------

LETTER = ("Số: 8/UBND-VX\nBình An, ngày 20 tháng 11 năm 2025\nV/v cập nhật hồ sơ nhân sự\n"
          "Chủ tịch Ủy ban nhân dân tỉnh có ý kiến chỉ đạo như sau:\n")


def test_a_heading_naming_bodies_through_their_heads_leads_its_items() -> None:
    plan = parse_text(
        LETTER
        + "1. Giao người đứng đầu các\n"
        "cơ quan chuyên môn, các đơn vị sự nghiệp công\n"
        "lập thuộc Ủy ban nhân dân tỉnh; Chủ tịch Ủy ban nhân dân các xã, phường\n"
        "- Hoàn thành việc cập nhật hồ sơ nhân sự trước ngày 15 tháng 12 năm 2025.\n"
        "- Kiểm tra, đôn đốc việc cập nhật hồ sơ.\n"
        "2. Giao Sở Nội vụ\n"
        "- Hướng dẫn việc cập nhật hồ sơ.\n"
    )
    first, second, third = plan.tasks
    # The first bullet is a duty of its own, not the end of the heading's sentence.
    assert first.title.startswith("Hoàn thành việc cập nhật")
    assert first.deadline is not None and first.deadline.due == date(2025, 12, 15)
    # The bodies lead, without "người đứng đầu" or "Chủ tịch"; "công lập" is part of a name.
    assert first.lead == ["Các cơ quan chuyên môn",
                          "Các đơn vị sự nghiệp công lập thuộc Ủy ban nhân dân tỉnh",
                          "Ủy ban nhân dân các xã, phường"]
    assert second.lead == first.lead
    assert third.lead == ["Sở Nội vụ"]
