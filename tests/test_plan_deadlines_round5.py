"""Plan parsing, fifth round of issue 14: deadlines and reporting regimes in prose plans, one
minimal text of our own per class of input. No text here is copied from a corpus document."""

from __future__ import annotations

from datetime import date
from typing import Any

from plans.parser import parse_text
from texts.deadlines import reason_text
from timelang.deadlines import Refusal, read_deadline

HEAD = "Số: 9/KH-UBND\nBình Yên, ngày 2 tháng 3 năm 2025\nKẾ HOẠCH\nThử\nII. NHIỆM VỤ\n"


def _tasks(body: str) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = parse_text(HEAD + body + "\n").to_json()["tasks"]
    return tasks


def _only(body: str) -> dict[str, Any]:
    tasks = _tasks(body)
    assert len(tasks) == 1, tasks
    return tasks[0]


# --- a day of the year followed by "hằng năm" recurs -----------------------------------------


def test_a_day_of_the_year_then_every_year_recurs_in_prose() -> None:
    task = _only("1. Sở Nội vụ tổng hợp, báo cáo Ủy ban nhân dân tỉnh trước ngày 15 tháng 12 "
                 "hằng năm.")
    # Read as once it was 15/12/2025 only: the recurrence was dropped without a word.
    assert task["deadline"]["kind"] == "recurring"
    assert task["deadline"]["rrule"] == "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"
    assert task["deadline_text"] == "trước ngày 15 tháng 12 hằng năm"


def test_two_days_of_the_year_then_every_year_are_one_rule() -> None:
    task = _only("1. Sở Nội vụ báo cáo kết quả chậm nhất ngày 25/6 và ngày 25/12 hằng năm.")
    assert task["deadline"]["rrule"] == "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=25"


def test_the_period_first_then_its_day() -> None:
    task = _only("1. Hằng năm, trước ngày 15/12, Sở Nội vụ báo cáo kết quả về Ủy ban nhân dân "
                 "tỉnh.")
    # The day is 15/12, not the year's last day.
    assert task["deadline"]["rrule"] == "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"
    assert task["deadline"]["next"][0] == "2025-12-15"


def test_a_day_of_the_last_month_of_each_quarter_in_prose() -> None:
    for body in (
        "1. Sở Nội vụ báo cáo Ủy ban nhân dân tỉnh trước ngày 20 tháng cuối quý.",
        "1. Sở Nội vụ báo cáo kết quả trước ngày 20 của tháng cuối quý.",
        "1. Sở Nội vụ báo cáo hằng quý (trước ngày 20 tháng cuối quý) về Ủy ban nhân dân tỉnh.",
    ):
        task = _only(body)
        assert task["deadline"]["rrule"] == "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=20", body


# --- how often a report is due, written after its verb ------------------------------------


def test_a_report_with_its_period_after_the_verb_recurs() -> None:
    yearly = _only("1. Sở Nội vụ báo cáo Ủy ban nhân dân tỉnh kết quả thực hiện hằng năm theo "
                   "quy định.")
    assert yearly["deadline"]["rrule"] == "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"
    half = _only("1. Sở Nội vụ báo cáo kết quả thực hiện định kỳ 6 tháng về Ủy ban nhân dân tỉnh.")
    assert half["deadline"]["rrule"] == "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1"
    quarterly = _only("1. Sở Nội vụ định kỳ báo cáo hằng quý về Ủy ban nhân dân tỉnh.")
    assert quarterly["deadline"]["rrule"] == "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"


def test_a_report_period_takes_the_day_in_brackets_after_it() -> None:
    task = _only("1. Sở Nội vụ báo cáo Ủy ban nhân dân tỉnh (qua Văn phòng) kết quả hằng năm "
                 "(trước ngày 10 tháng 11) để tổng hợp.")
    assert task["deadline"]["rrule"] == "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=10"


def test_a_yearly_budget_or_plan_is_not_a_report_period() -> None:
    for body in (
        "1. Sở Tài chính bố trí kinh phí trong dự toán ngân sách hằng năm để báo cáo kết quả.",
        "1. Sở Nội vụ báo cáo việc thực hiện theo kế hoạch công tác hằng năm của tỉnh.",
    ):
        task = _only(body)
        assert task["deadline"] is None, body


def test_a_labelled_time_says_more_than_a_report_word() -> None:
    task = _only("1. Công khai báo cáo hằng năm về công tác phòng, chống tham nhũng\n"
                 "- Cơ quan chủ trì: Thanh tra tỉnh\n- Thời gian thực hiện: Năm 2025.")
    assert (task["deadline"]["kind"], task["deadline"]["due"]) == ("once", "2025-12-31")


# --- a recurring report whose period is not said -------------------------------------------


def test_a_periodic_report_without_its_period_is_unsure_not_guessed() -> None:
    for body, phrase in (
        ("1. Sở Nội vụ định kỳ báo cáo Ủy ban nhân dân tỉnh kết quả thực hiện theo quy định.",
         "định kỳ báo cáo Ủy ban nhân dân tỉnh kết quả thực hiện theo quy định"),
        ("1. Sở Nội vụ thực hiện chế độ báo cáo định kỳ theo quy định.",
         "báo cáo định kỳ theo quy định"),
    ):
        task = _only(body)
        assert task["deadline"] is None
        assert task["deadline_text"] == phrase
        assert "deadline_unread" in task["unsure"]
        assert "chưa nói kỳ nào" in task["deadline_error"]


def test_a_period_and_an_unnamed_one_are_not_read_as_the_first() -> None:
    task = _only("1. Văn phòng đôn đốc các phòng, báo cáo Tổ kiểm tra hàng tháng và định kỳ.")
    assert task["deadline"] is None


def test_the_reader_says_which_word_it_missed_in_a_periodic_phrase() -> None:
    result = read_deadline("định kỳ báo cáo theo quy định", date(2025, 3, 2))
    assert isinstance(result, Refusal)
    assert "chưa nói kỳ nào" in reason_text(result.reason)
    # "quy định" is not a quarter.
    other = read_deadline("khi có quy định mới", date(2025, 3, 2))
    assert isinstance(other, Refusal)
    assert "nhắc đến quý" not in reason_text(other.reason)


# --- one paragraph, two duties with their own times -----------------------------------------


def test_a_sentence_with_a_time_of_its_own_is_a_duty_of_its_own() -> None:
    tasks = _tasks(
        "1. Các sở xây dựng kế hoạch triển khai xong trong tháng 6/2025. Định kỳ báo cáo Ủy ban "
        "nhân dân tỉnh kết quả thực hiện hằng năm (trước ngày 15 tháng 11) để tổng hợp."
    )
    assert [(t["deadline"]["kind"], t["deadline"]["due"] or t["deadline"]["rrule"])
            for t in tasks] == [
        ("once", "2025-06-30"),
        ("recurring", "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=15"),
    ]
    assert tasks[1]["title"].startswith("Định kỳ báo cáo")
    assert tasks[0]["lead"] == tasks[1]["lead"] == ["Các sở"]


def test_a_sentence_repeating_the_period_or_labelling_the_time_stays() -> None:
    for body in (
        "1. Ban chỉ đạo họp định kỳ mỗi quý một lần. Cuộc họp hàng quý có mời đại diện các xã.",
        "1. Kết quả được báo cáo định kỳ 3 tháng, 6 tháng, 9 tháng, năm. Thời gian báo cáo: "
        "chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12.",
    ):
        assert len(_tasks(body)) == 1, body


# --- a time in brackets that closes the sentence --------------------------------------------


def test_a_time_in_brackets_closing_the_duty_is_its_deadline() -> None:
    task = _only("1. Sở Nội vụ xây dựng quy chế phối hợp giữa các cơ quan (Quý III/2025).")
    assert (task["deadline"]["kind"], task["deadline"]["due"]) == ("once", "2025-09-30")
    upkeep = _only("1. Sở Nội vụ thành lập tổ công tác liên ngành (năm 2025 và kiện toàn "
                   "thường xuyên hằng năm).")
    # The dated part is the deadline; the upkeep after it is not a second date.
    assert upkeep["deadline"]["due"] == "2025-12-31"


def test_two_times_in_closing_brackets_are_unsure_not_the_first() -> None:
    task = _only("1. Sở Nội vụ quán triệt chỉ thị đến các cấp (Quý IV/2025, Quý I/2026 và "
                 "thường xuyên).")
    assert task["deadline"] is None
    assert task["deadline_text"] == "Quý IV/2025, Quý I/2026 và thường xuyên"
    assert "deadline_unread" in task["unsure"]


def test_a_year_in_brackets_inside_the_sentence_is_not_a_deadline() -> None:
    task = _only("1. Sở Nội vụ giữ tỷ lệ hài lòng đạt 95% (năm 2024) và tiếp tục nâng cao.")
    assert task["deadline"] is None and task["deadline_text"] is None


# --- the half-year and the year's report; reports named by their period ---------------------


def test_half_year_and_year_reports_with_their_days() -> None:
    task = _only("1. Sở Nội vụ báo cáo định kỳ 6 tháng, năm (trước ngày 15/6 và 15/12) về Ủy "
                 "ban nhân dân tỉnh.")
    # Read as once it was 15/6/2025 only.
    assert task["deadline"]["rrule"] == "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=15"


def test_reports_named_by_their_period_are_two_regimes() -> None:
    tasks = _tasks("1. Sở Nội vụ gửi báo cáo quý (trước ngày 20 tháng cuối quý) và báo cáo năm "
                   "(trước ngày 15/12) về Ủy ban nhân dân tỉnh.")
    assert [t["deadline"]["rrule"] for t in tasks] == [
        "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=20",
        "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15",
    ]
    # "báo cáo 6 tháng (trước ngày 15/6)": the mid-year report, or one every six months? Unsure.
    half = _tasks("1. Sở Nội vụ gửi báo cáo 6 tháng (trước ngày 15/6) về Ủy ban nhân dân tỉnh.")
    assert half[0]["deadline"] is None and "deadline_unread" in half[0]["unsure"]


# --- periods written in the duty's sentence -------------------------------------------------


def test_a_period_without_its_year_in_prose_is_the_next_one() -> None:
    for body, due in (
        ("1. Sở Nội vụ xây dựng quy chế trong quý IV.", "2025-12-31"),
        ("1. Sở Nội vụ xây dựng quy chế, hoàn thành trong 6 tháng đầu năm.", "2025-06-30"),
        ("1. Sở Nội vụ xây dựng quy chế, hoàn thành trong 6 tháng đầu năm 2026.", "2026-06-30"),
    ):
        task = _only(body)
        assert (task["deadline"]["kind"], task["deadline"]["due"]) == ("once", due), body


def test_a_time_label_inside_an_item_is_its_deadline() -> None:
    tasks = _tasks(
        "1. Xây dựng văn bản hướng dẫn:\n"
        "- Sở Nội vụ xây dựng quy chế. Thời hạn ban hành: trước ngày 30/6/2025.\n"
        "- Sở Tư pháp thẩm định quy chế. Thời gian hoàn thành: Quý III/2025.\n"
        "- Sở Tài chính bố trí kinh phí; thời hạn: tháng 10/2025.\n"
        "- Sở Y tế hướng dẫn các cơ sở. Thời gian thực hiện: Từ tháng 11/2025 trở đi.\n"
    )
    assert [t["deadline"] and t["deadline"]["due"] for t in tasks] == [
        "2025-06-30", "2025-09-30", "2025-10-31", None,
    ]
    # A start is no deadline, and no unread one either.
    assert tasks[3]["deadline_text"] is None


def test_a_duty_opened_by_its_year() -> None:
    task = _only("1. Năm 2025: hoàn thành số hóa hồ sơ của Sở Nội vụ.")
    assert (task["deadline"]["kind"], task["deadline"]["due"]) == ("once", "2025-12-31")


def test_a_first_day_then_every_year() -> None:
    task = _only("1. Sở Nội vụ báo cáo kết quả trước ngày 15 tháng 12 năm 2025 và hằng năm.")
    # The day is 15/12 each year from 2025, not the year's last day.
    assert task["deadline"]["rrule"] == "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"
    assert task["deadline"]["next"][0] == "2025-12-15"


def test_every_year_then_the_report_day() -> None:
    task = _only("1. Sở Nội vụ thực hiện hằng năm, báo cáo trước ngày 15/12.")
    # Read as once it was 15/12/2025 only.
    assert task["deadline"]["rrule"] == "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"


# --- one sentence, two dated duties ---------------------------------------------------------


def test_two_dated_clauses_are_two_duties_with_their_own_dates() -> None:
    tasks = _tasks("1. Sở Nội vụ rà soát thủ tục; ban hành quy chế trước ngày 30/6/2025 và báo "
                   "cáo kết quả trước ngày 15/12/2025.")
    assert [(t["title"], t["deadline"] and t["deadline"]["due"]) for t in tasks] == [
        ("Sở Nội vụ rà soát thủ tục.", None),
        ("ban hành quy chế trước ngày 30/6/2025.", "2025-06-30"),
        ("báo cáo kết quả trước ngày 15/12/2025.", "2025-12-15"),
    ]
    assert all(t["lead"] == ["Sở Nội vụ"] for t in tasks)
    comma = _tasks("1. Sở Nội vụ tổng hợp kết quả trước ngày 10/11/2025, báo cáo Ủy ban nhân dân "
                   "tỉnh trước ngày 20/11/2025.")
    assert [t["deadline"]["due"] for t in comma] == ["2025-11-10", "2025-11-20"]


def test_one_date_or_days_of_one_regime_keep_the_duty_whole() -> None:
    for body in (
        "1. Sở Nội vụ xây dựng kế hoạch và gửi về Ủy ban nhân dân tỉnh trước ngày 28/2/2025.",
        "1. Sở Nội vụ báo cáo kết quả chậm nhất ngày 25/6 và ngày 25/12 hằng năm.",
        # The first date opens the duty; it is not a duty of its own.
        "1. Chậm nhất ngày 30/6/2025, các sở gửi báo cáo về Sở Nội vụ để tổng hợp, báo cáo Ủy "
        "ban nhân dân tỉnh trước ngày 15/7/2025.",
    ):
        assert len(_tasks(body)) == 1, body


def test_a_span_of_days_in_prose_is_due_at_its_end() -> None:
    task = _only("1. Sở Nội vụ thực hiện từ ngày 01/3/2025 đến ngày 30/6/2025.")
    assert (task["deadline"]["kind"], task["deadline"]["due"]) == ("once", "2025-06-30")


def test_a_yearly_plan_named_in_a_report_duty_is_not_its_period() -> None:
    task = _only("1. Sở Nội vụ báo cáo đề xuất để đưa vào kế hoạch công tác hằng năm của tỉnh.")
    assert task["deadline"] is None
    dated = _only("1. Sở Nội vụ báo cáo kết quả thực hiện kế hoạch hằng năm (trước ngày 15/11).")
    assert dated["deadline"]["rrule"] == "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=15"


def test_a_dated_clause_and_a_reporting_clause_are_two_duties() -> None:
    tasks = _tasks("1. Sở Nội vụ hoàn thành quy chế trước ngày 30/6/2025, báo cáo kết quả về Ủy ban "
                   "nhân dân tỉnh hằng quý.")
    # As one duty the quarterly regime hid the date, or the date hid the regime.
    assert [(t["deadline"]["kind"], t["deadline"]["due"] or t["deadline"]["rrule"])
            for t in tasks] == [
        ("once", "2025-06-30"),
        ("recurring", "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"),
    ]
