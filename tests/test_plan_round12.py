"""Twelfth round of issue 14: classes of plan text that the eleventh kept-out set showed the
parser misread, each with a minimal text of our own. No text here is copied from a corpus
document."""

from __future__ import annotations

from datetime import date
from typing import Any

from plans.parser import parse_text
from plans.unitnames import introduction_support
from timelang.deadlines import Reading, read_deadline


def _tasks(text: str) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = parse_text(text).to_json()["tasks"]
    return tasks


def _task(tasks: list[dict[str, Any]], words: str) -> dict[str, Any]:
    return next(task for task in tasks if words in task["title"])


# --- (a) "X chủ trì, phối hợp với Y, Z:" hands its partners down to the bullets -------------


PARTNERS = """ỦY BAN NHÂN DÂN TỈNH BÌNH YÊN
Số: 12/KH-UBND
Bình Yên, ngày 03 tháng 12 năm 2025
KẾ HOẠCH
Phòng chống thiên tai dựa vào cộng đồng
I. TỔ CHỨC THỰC HIỆN
1. Sở Giáo dục và Đào tạo chủ trì, phối hợp với Sở Y tế, Ủy ban nhân dân các xã:
- Biên soạn tài liệu tập huấn kỹ năng phòng chống thiên tai cho giáo viên;
- Phối hợp với Tỉnh đoàn lồng ghép nội dung phòng chống thiên tai vào hoạt động ngoại khóa.
2. Giao Sở Nội vụ là cơ quan thường trực, chủ trì, phối hợp với Sở Tài chính và các cơ quan
liên quan:
- Hướng dẫn các xã kiện toàn ban chỉ huy;
- Tổng hợp kết quả thực hiện.
3. Sở Công Thương chủ trì, phối hợp với các sở, ngành liên quan thực hiện các nội dung sau:
- Bảo đảm nguồn hàng thiết yếu.
"""


def test_a_heading_partners_support_every_bullet() -> None:
    tasks = _tasks(PARTNERS)
    manual = _task(tasks, "Biên soạn tài liệu")
    assert manual["lead"] == ["Sở Giáo dục và Đào tạo"]
    assert manual["support"] == ["Sở Y tế", "Ủy ban nhân dân các xã"]
    guide = _task(tasks, "kiện toàn ban chỉ huy")
    assert guide["lead"] == ["Sở Nội vụ"]
    # The vague "… liên quan" group of a sentence is no unit (ninth-round convention).
    assert guide["support"] == ["Sở Tài chính"]


def test_a_a_bullet_s_own_partners_join_the_heading_s() -> None:
    bullet = _task(_tasks(PARTNERS), "lồng ghép nội dung")
    assert bullet["support"] == ["Sở Y tế", "Ủy ban nhân dân các xã", "Tỉnh đoàn"]


def test_a_only_vague_partners_give_no_support() -> None:
    assert _task(_tasks(PARTNERS), "nguồn hàng thiết yếu")["support"] == []
    assert introduction_support("Sở X chủ trì, phối hợp với các cơ quan liên quan:") == []
    # Not a list introduction: the heading's sentence is read as a duty, elsewhere.
    assert introduction_support("Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ rà soát.") == []


# --- (b) reports due at hours of each day, and a closing yearly report -----------------------


def _reading(phrase: str) -> Any:
    result = read_deadline(phrase, date(2025, 12, 3))
    assert isinstance(result, Reading), result
    return result.deadline


def test_b_a_report_at_an_hour_of_each_day_is_daily_with_its_hour() -> None:
    deadline = _reading("báo cáo Sở Nội vụ trước 18h00 hằng ngày")
    assert (deadline.kind, deadline.rrule) == ("recurring", "FREQ=DAILY")
    assert deadline.text == "Hằng ngày (trước 18h00)"


def test_b_twice_a_day_is_daily_never_once_and_keeps_count_and_hours() -> None:
    deadline = _reading("báo cáo 2 lần/ngày (trước 10 giờ và 15 giờ 30)")
    assert (deadline.kind, deadline.rrule) == ("recurring", "FREQ=DAILY")
    assert deadline.text == "Hằng ngày, 2 lần mỗi ngày (trước 10h00 và 15h30)"
    assert _reading("ba lần mỗi ngày").text == "Hằng ngày, 3 lần mỗi ngày"


def test_b_plain_every_day_stays_as_it_was() -> None:
    assert _reading("Hằng ngày").kind == "ongoing"
    assert _reading("định kỳ báo cáo hằng ngày").text == "Hằng ngày (báo cáo mỗi ngày)"
    # An hour before a date is that date's ("trước 17h ngày …"), not a daily report.
    assert _reading("trước 17h ngày 05/3/2026").kind == "once"


DAILY_PLAN = """ỦY BAN NHÂN DÂN TỈNH BÌNH YÊN
Số: 13/KH-UBND
Bình Yên, ngày 03 tháng 12 năm 2025
KẾ HOẠCH
Cứu trợ khẩn cấp sau bão
I. PHÂN CÔNG NHIỆM VỤ
1. Sở Công Thương:
- Điều phối hàng cứu trợ; tổng hợp nhu cầu, báo cáo Ủy ban nhân dân tỉnh trước 18h00 hằng
ngày.
2. Ủy ban nhân dân các xã:
- Tiếp nhận hàng cứu trợ; báo cáo 03 lần/ngày (trước 8h00, 12h00 và 17h00) về Sở Công Thương.
- Lập danh sách hộ bị thiệt hại.
II. TỔ CHỨC THỰC HIỆN
1. Sở Tài chính bố trí kinh phí thực hiện Kế hoạch.
Trên đây là Kế hoạch cứu trợ khẩn cấp. Đề nghị các sở, ngành nghiêm túc triển khai
thực hiện. Định kỳ hằng năm (trước ngày 15 tháng 12) báo cáo kết quả về Sở Công Thương
để tổng hợp./.
"""


def test_b_the_plan_s_daily_reports_are_read_as_daily() -> None:
    tasks = _tasks(DAILY_PLAN)
    relief = _task(tasks, "Điều phối hàng cứu trợ")["deadline"]
    assert (relief["kind"], relief["text"]) == ("recurring", "Hằng ngày (trước 18h00)")
    receive = _task(tasks, "Tiếp nhận hàng cứu trợ")["deadline"]
    assert receive["rrule"] == "FREQ=DAILY"
    assert receive["text"] == "Hằng ngày, 3 lần mỗi ngày (trước 8h00 và 12h00 và 17h00)"
    assert _task(tasks, "Lập danh sách")["deadline"] is None


def test_b_a_closing_request_s_yearly_report_is_a_task_of_those_it_addresses() -> None:
    report = _task(_tasks(DAILY_PLAN), "Định kỳ hằng năm")
    assert report["lead"] == ["Các sở, ngành"]
    assert report["deadline"]["rrule"] == "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"
    assert not any(task["title"].startswith("Trên đây") for task in _tasks(DAILY_PLAN))


# --- (c) an emulation campaign's contents, criteria and awards; "Hợp tác với …" --------------


CAMPAIGN = """ỦY BAN NHÂN DÂN TỈNH BÌNH YÊN
Số: 14/KH-UBND
Bình Yên, ngày 03 tháng 12 năm 2025
KẾ HOẠCH
Phát động đợt thi đua chào mừng ngày hội lớn
I. NỘI DUNG ĐỢT THI ĐUA
Các sở, ban, ngành và Ủy ban nhân dân các xã tập trung thi đua thực hiện các nội dung sau:
1. Thi đua hoàn thành vượt mức các chỉ tiêu kinh tế năm 2025.
2. Thi đua cải cách hành chính, nâng cao chất lượng phục vụ người dân.
II. TIÊU CHÍ THI ĐUA VÀ HÌNH THỨC KHEN THƯỞNG
1. Tiêu chí thi đua
Các cơ quan, đơn vị hoàn thành 100% nhiệm vụ được giao.
2. Hình thức khen thưởng
- Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh;
- Giấy khen.
3. Cơ cấu giải thưởng
Sở Nội vụ trao 01 giải nhất, 02 giải nhì cho các tập thể tiêu biểu.
III. GIẢI PHÁP THỰC HIỆN
1. Phát triển nguồn nhân lực
- Hợp tác với các trường đại học, viện nghiên cứu để chuyển giao công nghệ.
- Liên kết với các doanh nghiệp để phát triển nền tảng số.
IV. TỔ CHỨC THỰC HIỆN
1. Sở Nội vụ hướng dẫn, theo dõi và tổng hợp kết quả đợt thi đua.
"""


def test_c_contents_criteria_and_awards_are_no_tasks() -> None:
    titles = [task["title"] for task in _tasks(CAMPAIGN)]
    assert not any(title.startswith("Thi đua") for title in titles)
    assert not any("giải nhất" in title or "Bằng khen" in title or "Giấy khen" in title
                   or "hoàn thành 100%" in title for title in titles)
    assert any(title.startswith("Sở Nội vụ hướng dẫn") for title in titles)


def test_c_cooperating_with_bodies_names_no_unit() -> None:
    tasks = _tasks(CAMPAIGN)
    for words in ("Hợp tác với các trường", "Liên kết với các doanh nghiệp"):
        task = _task(tasks, words)
        assert (task["lead"], task["support"]) == ([], [])
