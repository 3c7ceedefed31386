"""Deadline phrases with hand-checked meanings (worked out on a paper calendar, with the
official day-off calendars for Tết 2023: 20–26/01, Tết 2024: 08–14/02, Tết 2025: 25/01–02/02).
"""

from __future__ import annotations

from datetime import date

import pytest

from texts.deadlines import refusal_text
from timelang.deadlines import DeadlineError, Reading, parse_deadline, read_deadline

PLAN_004 = date(2023, 2, 22)  # 341/KH-UBND Chợ Mới, "ngày 22 tháng 02 năm 2023"
PLAN_002 = date(2024, 2, 20)  # 23/KH-UBND Ninh Thạnh
YEAR_END = date(2023, 12, 20)

ONCE: list[tuple[str, date, date]] = [
    # (phrase, reference date, due)
    ("chậm nhất ngày **15/11/2023**.", PLAN_004, date(2023, 11, 15)),  # plan 000, verbatim
    ("chậm nhất ngày 15/11/2023", PLAN_004, date(2023, 11, 15)),
    ("cham nhat ngay 15/11/2023", PLAN_004, date(2023, 11, 15)),
    ("CHẬM NHẤT NGÀY 15/11/2023", PLAN_004, date(2023, 11, 15)),
    ("ngày 15/11/2023", PLAN_004, date(2023, 11, 15)),
    ("ngày 20 tháng 02 năm 2024", PLAN_004, date(2024, 2, 20)),
    ("ngày 20 tháng 2 năm 2024", PLAN_004, date(2024, 2, 20)),
    ("Ngay 20 thang 2 nam 2024", PLAN_004, date(2024, 2, 20)),
    ("chậm nhất ngày 20 tháng hai năm 2024", PLAN_004, date(2024, 2, 20)),
    ("31/12/2024", PLAN_004, date(2024, 12, 31)),
    ("31-12-2024", PLAN_004, date(2024, 12, 31)),
    ("31.12.2024", PLAN_004, date(2024, 12, 31)),
    ("3-4-2024", PLAN_004, date(2024, 4, 3)),
    ("05/6/2024", PLAN_004, date(2024, 6, 5)),
    ("29/02/2024", PLAN_004, date(2024, 2, 29)),
    ("trước ngày 30/9/2017", PLAN_004, date(2017, 9, 30)),
    ("truoc ngay 30/09/2017", PLAN_004, date(2017, 9, 30)),
    ("Quý I/2023", PLAN_004, date(2023, 3, 31)),
    ("quý 1/2023", PLAN_004, date(2023, 3, 31)),
    ("QUY I NAM 2023", PLAN_004, date(2023, 3, 31)),
    ("trong Quý I năm 2024", PLAN_004, date(2024, 3, 31)),
    ("Thời gian thực hiện:** Trong Quý I năm 2024.", PLAN_002, date(2024, 3, 31)),  # plan 002
    ("Thời gian thực hiện:** Quý I năm 2024.", PLAN_002, date(2024, 3, 31)),  # plan 002
    ("quý 3 năm 2025", PLAN_004, date(2025, 9, 30)),
    ("quý III/2025", PLAN_004, date(2025, 9, 30)),
    ("quý ba năm 2025", PLAN_004, date(2025, 9, 30)),
    ("Quý II năm 2024", PLAN_004, date(2024, 6, 30)),
    ("quý IV năm 2023", PLAN_004, date(2023, 12, 31)),
    ("trong tháng 02 năm 2024", PLAN_004, date(2024, 2, 29)),
    ("tháng 2/2023", PLAN_004, date(2023, 2, 28)),
    ("tháng 9/2017", PLAN_004, date(2017, 9, 30)),
    ("tháng chín năm 2017", PLAN_004, date(2017, 9, 30)),
    ("tháng 12 năm 2024", PLAN_004, date(2024, 12, 31)),
    ("Trong năm 2024", PLAN_004, date(2024, 12, 31)),
    ("Thời gian thực hiện:** Trong năm 2024.", PLAN_002, date(2024, 12, 31)),  # plan 002
    ("trong nam 2025", PLAN_004, date(2025, 12, 31)),
    ("6 tháng đầu năm 2024", PLAN_004, date(2024, 6, 30)),
    ("6 tháng cuối năm 2024", PLAN_004, date(2024, 12, 31)),
    ("9 tháng đầu năm 2024", PLAN_004, date(2024, 9, 30)),
    # Working days from the plan's date (Wed 22/02/2023): 23, 24, 27, 28/02, 1, 2, 3, 6, 7, 8/03.
    ("chậm nhất 10 ngày làm việc kể từ ngày ký ban hành kế hoạch này⁽¹²⁾", PLAN_004,
     date(2023, 3, 8)),  # plan 004, verbatim
    ("10 ngày làm việc kể từ ngày ký ban hành", PLAN_004, date(2023, 3, 8)),
    ("10 ngay lam viec ke tu ngay ky ban hanh", PLAN_004, date(2023, 3, 8)),
    # From Mon 05/02/2024: 6, 7, (Tết 8–14), 15, 16, 19, 20, 21, 22, 23, 26.
    ("chậm nhất 10 ngày làm việc kể từ ngày ký ban hành", date(2024, 2, 5), date(2024, 2, 26)),
    ("3 ngày làm việc kể từ ngày 07/02/2024", PLAN_004, date(2024, 2, 19)),
    # From Thu 19/01/2023: (Tết 20–26), 27, 30, 31/01, 1, 2/02.
    ("5 ngày làm việc kể từ ngày 19/01/2023", PLAN_004, date(2023, 2, 2)),
    # From Fri 24/01/2025: (Tết 25/01–02/02), 3, 4/02.
    ("2 ngày làm việc kể từ ngày 24/01/2025", PLAN_004, date(2025, 2, 4)),
    ("15 ngày kể từ ngày ký ban hành", PLAN_004, date(2023, 3, 9)),
    # No year: the next such date on or after the reference.
    ("15/12", PLAN_004, date(2023, 12, 15)),
    ("15/12", YEAR_END, date(2024, 12, 15)),
    ("ngày 15 tháng 12", YEAR_END, date(2024, 12, 15)),
    ("ngày 29/02", PLAN_004, date(2024, 2, 29)),
    ("Quý IV", PLAN_004, date(2023, 12, 31)),
    ("Quý I", YEAR_END, date(2024, 3, 31)),
    ("trong tháng 12", PLAN_004, date(2023, 12, 31)),
    ("tháng 1", YEAR_END, date(2024, 1, 31)),
    ("Trước ngày 01/7/2024", PLAN_004, date(2024, 7, 1)),
    ("hoàn thành trong tháng 6/2024", PLAN_004, date(2024, 6, 30)),
    ("quý hai năm 2024", PLAN_004, date(2024, 6, 30)),
]

ONGOING = [
    "Thường xuyên",
    "Thời gian thực hiện:** Thường xuyên.",  # plan 002
    "Thời gian thực hiện:** Hàng ngày.",  # plan 002
    "Hàng ngày",
    "hằng ngày",
    "THUONG XUYEN",
    "Thời gian thực hiện: thường xuyên trong năm 2023 và những năm tiếp theo.*",  # plan 004
    "liên tục",
    "thường xuyên trong năm 2023",
    "thuong xuyen tu nam 2023",
]

RECURRING: list[tuple[str, date, str, list[date]]] = [
    # (phrase, reference, RRULE, next due dates)
    ("hằng tháng, chậm nhất 5 ngày sau khi kết thúc tháng", PLAN_004,
     "FREQ=MONTHLY;BYMONTHDAY=-1", [date(2023, 3, 5), date(2023, 4, 5), date(2023, 5, 5)]),
    ("hang thang cham nhat 05 ngay sau khi ket thuc thang", YEAR_END,
     "FREQ=MONTHLY;BYMONTHDAY=-1", [date(2024, 1, 5), date(2024, 2, 5), date(2024, 3, 5)]),
    ("hằng năm, chậm nhất 10 ngày sau khi kết thúc năm", PLAN_004,
     "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31", [date(2024, 1, 10), date(2025, 1, 10)]),
    ("định kỳ 3 tháng, 6 tháng, 9 tháng, năm. Thời gian báo cáo: chậm nhất ngày 05 của các "
     "tháng 3, tháng 6, tháng 9, tháng 12⁽¹⁾.", PLAN_004,
     "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=5",
     [date(2023, 3, 5), date(2023, 6, 5), date(2023, 9, 5)]),  # plan 004
    ("chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12", YEAR_END,
     "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=5", [date(2024, 3, 5), date(2024, 6, 5)]),
    ("ngày 5 các tháng 3, 6, 9, 12", PLAN_004, "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=5",
     [date(2023, 3, 5), date(2023, 6, 5)]),
    ("CHAM NHAT NGAY 05 CUA CAC THANG 3, 6, 9, 12", PLAN_004,
     "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=5", [date(2023, 3, 5)]),
    ("chậm nhất ngày 05 của các tháng ba, sáu, chín, mười hai", PLAN_004,
     "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=5", [date(2023, 3, 5), date(2023, 6, 5)]),
    ("định kỳ mỗi quý một lần (họp đột xuất khi có yêu cầu)", PLAN_004,
     "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1",
     [date(2023, 3, 31), date(2023, 6, 30), date(2023, 9, 30)]),  # plan 004
    ("định kỳ 3 tháng, 6 tháng, 9 tháng, năm tổng hợp báo cáo kết quả thực hiện kế hoạch cho "
     "UBND huyện.", PLAN_004, "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1",
     [date(2023, 3, 31), date(2023, 6, 30), date(2023, 9, 30)]),  # plan 004
    ("hằng quý", YEAR_END, "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1",
     [date(2023, 12, 31), date(2024, 3, 31), date(2024, 6, 30)]),
    ("ngày 15 tháng cuối quý", PLAN_004, "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=15",
     [date(2023, 3, 15), date(2023, 6, 15), date(2023, 9, 15)]),
    ("hằng quý, chậm nhất 10 ngày sau khi kết thúc quý", PLAN_004,
     "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1", [date(2023, 4, 10), date(2023, 7, 10)]),
    ("6 tháng một lần", PLAN_004, "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1",
     [date(2023, 6, 30), date(2023, 12, 31), date(2024, 6, 30)]),
    ("hằng năm", PLAN_004, "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31",
     [date(2023, 12, 31), date(2024, 12, 31)]),
    ("Thời gian thực hiện: Quý I/2023 và những năm tiếp theo.*", PLAN_004,
     "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31",
     [date(2023, 3, 31), date(2024, 3, 31), date(2025, 3, 31)]),  # plan 004
    ("Thời gian thực hiện: Quý II/2023 và những năm tiếp theo.*", PLAN_004,
     "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=30", [date(2023, 6, 30), date(2024, 6, 30)]),  # plan 004
    ("thứ Hai hằng tuần", PLAN_004, "FREQ=WEEKLY;BYDAY=MO",
     [date(2023, 2, 27), date(2023, 3, 6), date(2023, 3, 13)]),
    ("thu 6 hang tuan", PLAN_004, "FREQ=WEEKLY;BYDAY=FR",
     [date(2023, 2, 24), date(2023, 3, 3), date(2023, 3, 10)]),
    ("Thứ Hai hằng tuần", YEAR_END, "FREQ=WEEKLY;BYDAY=MO",
     [date(2023, 12, 25), date(2024, 1, 1), date(2024, 1, 8)]),
    ("ngày 20 hàng tháng", PLAN_004, "FREQ=MONTHLY;BYMONTHDAY=20",
     [date(2023, 3, 20), date(2023, 4, 20), date(2023, 5, 20)]),
    ("ngày 20 hằng tháng", YEAR_END, "FREQ=MONTHLY;BYMONTHDAY=20",
     [date(2023, 12, 20), date(2024, 1, 20)]),
    ("ngày 15 tháng 12 hằng năm", PLAN_004, "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15",
     [date(2023, 12, 15), date(2024, 12, 15)]),
    ("hằng năm vào ngày 15/12", YEAR_END, "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15",
     [date(2024, 12, 15), date(2025, 12, 15)]),
    # Working days after the month ends, across Tết 2024: January ends Wed 31/01 →
    # 1, 2, 5, 6, 7/02; February ends Thu 29/02 → 1, 4, 5, 6, 7/03.
    ("hằng tháng, chậm nhất 5 ngày làm việc sau khi kết thúc tháng", date(2024, 1, 20),
     "FREQ=MONTHLY;BYMONTHDAY=-1", [date(2024, 2, 7), date(2024, 3, 7)]),
    # Across Tết 2023 and New Year: 31/12/2022 (Sat), 02/01 off → 3, 4/01; 31/01 → 1, 2/02.
    ("hằng tháng, chậm nhất 2 ngày làm việc sau khi kết thúc tháng", date(2022, 12, 15),
     "FREQ=MONTHLY;BYMONTHDAY=-1", [date(2023, 1, 4), date(2023, 2, 2)]),
]

FAILING: list[tuple[str, str]] = [
    ("30/02/2024", "không có thật"),
    ("31/04/2024", "không có thật"),
    ("ngày 32/01/2024", "không có thật"),
    ("tháng 13/2024", "tháng"),
    ("quý 5 năm 2024", "quý"),
    ("khi nào rảnh", "Ví dụ"),
    ("sớm nhất có thể", "Ví dụ"),
    ("", "Ví dụ"),
    ("ngày 30 của các tháng 2, 3", "không có"),
    ("thứ Tám hằng tuần", "thứ"),
]


@pytest.mark.parametrize(("phrase", "ref", "due"), ONCE, ids=[p for p, _, _ in ONCE])
def test_once(phrase: str, ref: date, due: date) -> None:
    deadline = parse_deadline(phrase, ref=ref)
    assert (deadline.kind, deadline.due, deadline.rrule) == ("once", due, None)
    assert deadline.to_json(ref)["next"] == [due.isoformat()]
    assert due.strftime("%d/%m/%Y") in deadline.text


@pytest.mark.parametrize("phrase", ONGOING)
def test_ongoing(phrase: str) -> None:
    deadline = parse_deadline(phrase, ref=PLAN_004)
    assert (deadline.kind, deadline.due, deadline.rrule) == ("ongoing", None, None)
    assert deadline.to_json(PLAN_004)["next"] == []


@pytest.mark.parametrize(("phrase", "ref", "rrule", "dues"), RECURRING,
                         ids=[p[:50] for p, _, _, _ in RECURRING])
def test_recurring(phrase: str, ref: date, rrule: str, dues: list[date]) -> None:
    deadline = parse_deadline(phrase, ref=ref)
    assert deadline.kind == "recurring" and deadline.rrule == rrule
    assert deadline.next_dues(ref, len(dues)) == dues
    periods = deadline.periods(ref, 6)
    assert len({p.key for p in periods}) == 6  # one period key per occurrence


@pytest.mark.parametrize(("phrase", "fragment"), FAILING, ids=[p or "empty" for p, _ in FAILING])
def test_unreadable_phrases_explain_themselves(phrase: str, fragment: str) -> None:
    with pytest.raises(DeadlineError) as caught:
        parse_deadline(phrase, ref=PLAN_004)
    assert fragment in refusal_text(caught.value)
    assert "\n" not in refusal_text(caught.value)


def test_error_names_what_was_understood() -> None:
    with pytest.raises(DeadlineError) as caught:
        parse_deadline("vào dịp thuận tiện trong quý", ref=PLAN_004)
    message = refusal_text(caught.value)
    assert "quý" in message and "«31/12/2026»" in message


def test_the_table_is_large_enough() -> None:
    assert len(ONCE) + len(ONGOING) + len(RECURRING) + len(FAILING) >= 100
    assert len(ONCE_NEW) + len(RECURRING_NEW) + len(REFUSED) >= 100


# --- issue 13: the phrases officials type, each class written many ways ----------------------
# TODAY is a Tuesday. Working days: 11, 12, 13, 16, 17, 18, 19, 20, 23, 24/03/2026.

TODAY = date(2026, 3, 10)
JULY = date(2026, 7, 15)
BEFORE_TET_2024 = date(2024, 2, 1)  # Thu; Tết 2024 is off from Thu 08/02 to Wed 14/02

ONCE_NEW: list[tuple[str, date, date]] = [
    # "cuối năm": once; the year named, or the year of the reference.
    ("cuối năm 2026", TODAY, date(2026, 12, 31)),
    ("Cuối năm 2026.", TODAY, date(2026, 12, 31)),
    ("cuoi nam 2026", TODAY, date(2026, 12, 31)),
    ("CUỐI NĂM 2027", TODAY, date(2027, 12, 31)),
    ("cuối năm", TODAY, date(2026, 12, 31)),
    ("cuối năm nay", TODAY, date(2026, 12, 31)),
    ("chậm nhất cuối năm", JULY, date(2026, 12, 31)),
    ("cuối năm 2025", TODAY, date(2025, 12, 31)),  # in the past: kept, callers ask
    ("cuối năm (chậm nhất 10 ngày sau khi kết thúc năm)", PLAN_004, date(2024, 1, 10)),
    # "cuối quý"
    ("cuối quý", TODAY, date(2026, 3, 31)),
    ("cuoi quy", JULY, date(2026, 9, 30)),
    ("Cuối quý này", date(2026, 4, 1), date(2026, 6, 30)),
    ("cuối quý II/2027", TODAY, date(2027, 6, 30)),
    ("cuối quý 2/2027", TODAY, date(2027, 6, 30)),
    ("cuối quý hai năm 2027", TODAY, date(2027, 6, 30)),
    ("cuoi quy ii nam 2027", TODAY, date(2027, 6, 30)),
    ("cuối Quý IV", TODAY, date(2026, 12, 31)),
    ("cuối quý I", JULY, date(2027, 3, 31)),
    ("trong quý 4", TODAY, date(2026, 12, 31)),
    ("quý III", JULY, date(2026, 9, 30)),
    # "cuối tháng"
    ("cuối tháng", TODAY, date(2026, 3, 31)),
    ("cuối tháng này", JULY, date(2026, 7, 31)),
    ("cuoi thang", date(2026, 2, 3), date(2026, 2, 28)),
    ("cuối tháng 6", TODAY, date(2026, 6, 30)),
    ("cuối tháng sáu", TODAY, date(2026, 6, 30)),
    ("cuối tháng 02", TODAY, date(2027, 2, 28)),
    ("cuối tháng 6/2027", TODAY, date(2027, 6, 30)),
    ("cuối tháng 6 năm 2027", TODAY, date(2027, 6, 30)),
    ("tháng ba", TODAY, date(2026, 3, 31)),
    ("tháng 3", TODAY, date(2026, 3, 31)),
    ("tháng ba năm 2027", TODAY, date(2027, 3, 31)),
    ("thang 3/2027", TODAY, date(2027, 3, 31)),
    ("tháng 6", JULY, date(2027, 6, 30)),
    # A period without its year: the next one ending on or after the reference.
    ("6 tháng đầu năm", TODAY, date(2026, 6, 30)),
    ("6 tháng đầu năm", JULY, date(2027, 6, 30)),
    ("sáu tháng đầu năm", JULY, date(2027, 6, 30)),
    ("6 thang dau nam", TODAY, date(2026, 6, 30)),
    ("6 tháng cuối năm", JULY, date(2026, 12, 31)),
    ("9 tháng đầu năm", date(2026, 10, 1), date(2027, 9, 30)),
    ("trong 6 tháng đầu năm 2027", TODAY, date(2027, 6, 30)),
    # Relative to the reference date.
    ("ngày mai", TODAY, date(2026, 3, 11)),
    ("Ngày mai.", TODAY, date(2026, 3, 11)),
    ("ngay mai", date(2026, 12, 31), date(2027, 1, 1)),
    ("trong tuần này", TODAY, date(2026, 3, 13)),
    ("tuần này", TODAY, date(2026, 3, 13)),
    ("trong tuan nay", TODAY, date(2026, 3, 13)),
    ("tuần sau", TODAY, date(2026, 3, 20)),
    ("trong tuần sau", TODAY, date(2026, 3, 20)),
    ("tuần tới", TODAY, date(2026, 3, 20)),
    ("tuần sau", BEFORE_TET_2024, date(2024, 2, 7)),  # 08–09/02 are Tết: Wednesday
    ("thứ Hai tuần sau", TODAY, date(2026, 3, 16)),
    ("thứ 6 tuần này", TODAY, date(2026, 3, 13)),
    ("Chủ nhật tuần này", TODAY, date(2026, 3, 15)),
    ("10 ngày làm việc", TODAY, date(2026, 3, 24)),
    ("trong vòng 10 ngày làm việc", TODAY, date(2026, 3, 24)),
    ("trong vong 10 ngay lam viec", TODAY, date(2026, 3, 24)),
    ("chậm nhất 10 ngày làm việc", TODAY, date(2026, 3, 24)),
    ("5 ngày làm việc", date(2024, 2, 5), date(2024, 2, 19)),  # 6, 7, (Tết), 15, 16, 19
    ("trong vòng 5 ngày làm việc", date(2024, 2, 5), date(2024, 2, 19)),
    # 27–28/04 weekend, 29/04 given off for Saturday 04/05, 30/04 and 01/05 holidays.
    ("3 ngày làm việc", date(2024, 4, 26), date(2024, 5, 4)),
    ("trong 7 ngày", TODAY, date(2026, 3, 17)),
    ("trong vòng 7 ngày", TODAY, date(2026, 3, 17)),
    ("trong thời hạn 7 ngày", TODAY, date(2026, 3, 17)),
    ("trong 5 ngày", date(2024, 2, 5), date(2024, 2, 10)),
    # ISO dates, dates without a year, 05/5 and friends.
    ("2027-06-30", TODAY, date(2027, 6, 30)),
    ("hạn 2027-06-30", TODAY, date(2027, 6, 30)),
    ("chậm nhất 2027-6-30", TODAY, date(2027, 6, 30)),
    ("trước 30/6", TODAY, date(2026, 6, 30)),
    ("truoc 30/06", TODAY, date(2026, 6, 30)),
    ("trước ngày 30/6", JULY, date(2027, 6, 30)),
    ("05/5/2026", TODAY, date(2026, 5, 5)),
    ("5/5/2026", TODAY, date(2026, 5, 5)),
    ("05/05/2026", TODAY, date(2026, 5, 5)),
    ("ngày 05 tháng 5 năm 2026", TODAY, date(2026, 5, 5)),
    ("ngày 05 tháng 5 2026", TODAY, date(2026, 5, 5)),
    ("chậm nhất ngày 05/5", TODAY, date(2026, 5, 5)),
    # "từ X đến Y": due Y.
    ("từ 01/3 đến 30/6/2027", TODAY, date(2027, 6, 30)),
    ("tu 01/03/2027 den 30/06/2027", TODAY, date(2027, 6, 30)),
    ("từ tháng 3/2027 đến hết quý II/2027", TODAY, date(2027, 6, 30)),
    ("Từ nay đến cuối năm", TODAY, date(2026, 12, 31)),
    ("từ ngày ký đến ngày 15/4/2026", TODAY, date(2026, 4, 15)),
]

RECURRING_NEW: list[tuple[str, date, str, list[date]]] = [
    # Several days in one phrase: one yearly recurrence with all of them.
    *[(phrase, TODAY, "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=15",
       [date(2026, 6, 15), date(2026, 12, 15), date(2027, 6, 15)]) for phrase in (
        "chậm nhất ngày 15/6 và 15/12 hằng năm",
        "cham nhat ngay 15/6 va 15/12 hang nam",
        "ngày 15/06 và ngày 15/12 hàng năm",
        "hằng năm, ngày 15 tháng 6 và ngày 15 tháng 12",
        "mỗi năm ngày 15/6 và 15/12",
        "CHẬM NHẤT NGÀY 15/6 VÀ 15/12 HẰNG NĂM",
    )],
    *[(phrase, TODAY, "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1",
       [date(2026, 6, 30), date(2026, 12, 31), date(2027, 6, 30)]) for phrase in (
        "tháng 6 và tháng 12 hằng năm",
        "thang 6 va thang 12 hang nam",
        "tháng sáu và tháng mười hai hằng năm",
        "hàng năm vào tháng 6 và tháng 12",
        "định kỳ hằng năm, tháng 6 và tháng 12",
        "ngày 30/6 và 31/12 hằng năm",
        "cuối tháng 6 và cuối tháng 12 hằng năm",
    )],
    ("15/6 và 20/12 hằng năm", TODAY, "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=15,20;BYSETPOS=1,4",
     [date(2026, 6, 15), date(2026, 12, 20), date(2027, 6, 15), date(2027, 12, 20)]),
    ("quý I và quý III hằng năm", TODAY, "FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=-1",
     [date(2026, 3, 31), date(2026, 9, 30), date(2027, 3, 31)]),
    ("tháng 2 hằng năm", TODAY, "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1",
     [date(2027, 2, 28), date(2028, 2, 29)]),
    ("ngày 05/5 hằng năm", TODAY, "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=5",
     [date(2026, 5, 5), date(2027, 5, 5)]),
    ("hàng năm ngày 5/5", TODAY, "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=5", [date(2026, 5, 5)]),
    ("hằng năm, ngày 15/12 (từ năm 2027)", TODAY, "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15",
     [date(2027, 12, 15), date(2028, 12, 15)]),
    # "cuối …" recurs only with a recurrence word.
    ("cuối mỗi quý", TODAY, "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1",
     [date(2026, 3, 31), date(2026, 6, 30)]),
    ("định kỳ cuối quý", TODAY, "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1",
     [date(2026, 3, 31), date(2026, 6, 30)]),
    ("cuối tháng hằng tháng", TODAY, "FREQ=MONTHLY;BYMONTHDAY=-1",
     [date(2026, 3, 31), date(2026, 4, 30)]),
    ("định kỳ cuối năm", TODAY, "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31",
     [date(2026, 12, 31), date(2027, 12, 31)]),
    ("mỗi quý một lần", TODAY, "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1",
     [date(2026, 3, 31)]),
    # The half-year report and the year's: each half's end, or the two days it names.
    *[(phrase, TODAY, "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1", [date(2026, 6, 30),
                                                                 date(2026, 12, 31)])
      for phrase in ("định kỳ 6 tháng, năm", "định kỳ 6 tháng và hằng năm",
                     "báo cáo định kỳ sáu tháng, năm")],
    *[(phrase, TODAY, "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=15", [date(2026, 6, 15),
                                                                 date(2026, 12, 15)])
      for phrase in ("định kỳ 6 tháng, năm (trước ngày 15/6 và 15/12)",
                     "6 tháng một lần (trước ngày 15/6 và 15/12)")],
]

REFUSED: list[tuple[str, date, str]] = [
    # Start phrases are not deadlines.
    *[(phrase, TODAY, "bắt đầu") for phrase in (
        "Từ tháng 11/2013 trở đi", "tu thang 11/2013 tro di", "từ 01/7/2026 trở đi",
        "bắt đầu từ 01/7/2026", "bat dau tu quy III/2026", "Bắt đầu từ tháng 9",
        "từ ngày 01/7/2026",
    )],
    # Two different one-off dates: which one?
    ("ngày 15/11/2026 và 20/12/2026", TODAY, "2 hạn khác nhau"),
    ("15/6/2026 và 15/12/2026", TODAY, "2 hạn khác nhau"),
    ("tháng 6 và tháng 12", TODAY, "2 hạn khác nhau"),
    # A token left unused.
    ("họp định kỳ hàng tháng (chậm nhất 05 ngày sau khi kết thúc tháng), cuối năm (chậm nhất "
     "10 ngày sau khi kết thúc năm)", PLAN_004, "«10» chưa dùng"),  # plan 004: two duties
    ("theo Nghị định 61/2018 trước 30/6/2026", TODAY, "2 hạn khác nhau"),
    ("báo cáo trước 10 giờ", TODAY, "Ví dụ cách viết"),  # an hour with no day
    ("15/6 và 30/6 hằng năm", TODAY, "cùng tháng"),
    ("cuối quý V", TODAY, "quý"),
    ("tháng 13 hằng năm", TODAY, "tháng"),
    # A period that recurs, but which? Said so, not guessed.
    ("định kỳ báo cáo theo quy định", TODAY, "chưa nói kỳ nào"),
    # Half-yearly with one day, or days not six months apart: says less than the period.
    ("định kỳ 6 tháng (trước ngày 15/6)", TODAY, "«15/6» chưa dùng"),
    ("6 tháng một lần (trước ngày 15/6 và 15/11)", TODAY, "chưa dùng"),
]


@pytest.mark.parametrize(("phrase", "ref", "due"), ONCE_NEW, ids=[p for p, _, _ in ONCE_NEW])
def test_once_new(phrase: str, ref: date, due: date) -> None:
    result = read_deadline(phrase, ref)
    assert isinstance(result, Reading), result
    assert (result.deadline.kind, result.deadline.due) == ("once", due)
    assert result.past == (due < ref)
    assert due.strftime("%d/%m/%Y") in result.deadline.text


@pytest.mark.parametrize(("phrase", "ref", "rrule", "dues"), RECURRING_NEW,
                         ids=[p[:50] for p, _, _, _ in RECURRING_NEW])
def test_recurring_new(phrase: str, ref: date, rrule: str, dues: list[date]) -> None:
    test_recurring(phrase, ref, rrule, dues)


@pytest.mark.parametrize(("phrase", "ref", "fragment"), REFUSED, ids=[p[:50] for p, _, _ in REFUSED])
def test_refused_in_one_line(phrase: str, ref: date, fragment: str) -> None:
    with pytest.raises(DeadlineError) as caught:
        parse_deadline(phrase, ref=ref)
    message = refusal_text(caught.value)
    assert fragment in message
    assert "\n" not in message
    assert message.count("Chưa hiểu thời hạn") == 1 and message.startswith("Chưa hiểu thời hạn «")
