"""Words only the accents tell apart ("tháng sau" next month / "tháng sáu" June), "tới",
durations and vague positions inside a period: read when certain, asked otherwise."""

from __future__ import annotations

from datetime import date

import pytest

from texts.deadlines import refusal_text
from timelang.deadlines import Reading, Refusal, read_deadline

DEC = date(2026, 12, 3)
MAY = date(2026, 5, 20)
AUG = date(2026, 8, 10)

READ: list[tuple[str, date, date]] = [
    ("tháng sau", DEC, date(2027, 1, 31)),
    ("cuối tháng sau", DEC, date(2027, 1, 31)),
    ("trong tháng sau", AUG, date(2026, 9, 30)),
    ("ngày 15 tháng sau", DEC, date(2027, 1, 15)),
    ("trước ngày 10 tháng sau", AUG, date(2026, 9, 10)),
    ("tháng sau nữa", DEC, date(2027, 2, 28)),
    ("tháng tới", AUG, date(2026, 9, 30)),
    ("cuoi thang toi", AUG, date(2026, 9, 30)),
    ("quý sau", DEC, date(2027, 3, 31)),
    ("cuối quý tới", AUG, date(2026, 12, 31)),
    ("năm sau", DEC, date(2027, 12, 31)),
    ("cuối năm tới", AUG, date(2027, 12, 31)),
    ("6 tháng đầu năm sau", DEC, date(2027, 6, 30)),
    # The accent says six: June, as before.
    ("tháng sáu", DEC, date(2027, 6, 30)),
    ("cuối tháng sáu", AUG, date(2027, 6, 30)),
    ("cuối thang sáu", AUG, date(2027, 6, 30)),
    # Unaccented, but next month is June: both readings agree.
    ("cuoi thang sau", MAY, date(2026, 6, 30)),
    # A quarter or month number before "năm sau" is not a count of years.
    ("quý 1 năm sau", DEC, date(2027, 3, 31)),
    ("cuối quý 2 năm sau", DEC, date(2027, 6, 30)),
    ("tháng 3 năm sau", DEC, date(2027, 3, 31)),
    # The period today is in, said as officials say it.
    ("hết năm", AUG, date(2026, 12, 31)),
    ("hết tháng này", AUG, date(2026, 8, 31)),
    ("trong tháng này", AUG, date(2026, 8, 31)),
    ("trong quý này", AUG, date(2026, 9, 30)),
    ("trong năm nay", AUG, date(2026, 12, 31)),
    # A count of days from the day it is given, signed or issued, or from a written date.
    ("15 ngày kể từ ngày ban hành Kế hoạch này", DEC, date(2026, 12, 18)),
    ("30 ngày kể từ ngày ký", DEC, date(2027, 1, 2)),
    ("trong 5 ngày kể từ ngày nhận nhiệm vụ", DEC, date(2026, 12, 8)),
    ("7 ngày kể từ ngày 07/02/2027", DEC, date(2027, 2, 14)),
    # "tuần sau" and weekdays are not touched.
    ("thứ sáu tuần sau", DEC, date(2026, 12, 11)),
]


@pytest.mark.parametrize(("phrase", "ref", "due"), READ, ids=[p for p, _, _ in READ])
def test_next_periods_are_read(phrase: str, ref: date, due: date) -> None:
    result = read_deadline(phrase, ref)
    assert isinstance(result, Reading), result
    assert result.deadline.due == due
    assert result.deadline.source == phrase  # told as written, not as rewritten


ASKED: list[tuple[str, date, list[str]]] = [
    # Typed without accents: next month or June? Both dates are offered.
    ("thang sau", DEC, ["tháng 1/2027", "tháng 6/2027"]),
    ("cuoi thang sau", AUG, ["tháng 9/2026", "tháng 6/2027"]),
    # A duration: from when?
    ("2 tháng sau", DEC, ["tính từ ngày nào", "05/01/2027"]),
    ("hai tháng sau", DEC, ["tính từ ngày nào"]),
    # A position inside a period names no day.
    ("đầu tháng sau", DEC, ["chưa nói rõ ngày nào"]),
    ("đầu tháng 6/2027", DEC, ["chưa nói rõ ngày nào"]),
    ("giữa năm 2027", DEC, ["chưa nói rõ ngày nào"]),
    ("những tháng đầu năm 2027", DEC, ["chưa nói rõ ngày nào"]),
    # A count of days from something that happens case by case has no date.
    ("05 ngày kể từ ngày nhận đơn", DEC, ["theo từng trường hợp"]),
    ("trong thời hạn 10 ngày làm việc kể từ ngày nhận được kiến nghị", DEC,
     ["theo từng trường hợp"]),
    ("10 ngày kể từ khi có kết quả kiểm tra", DEC, ["theo từng trường hợp"]),
]


@pytest.mark.parametrize(("phrase", "ref", "fragments"), ASKED, ids=[p for p, _, _ in ASKED])
def test_unsure_phrases_ask_instead_of_guessing(phrase: str, ref: date,
                                                fragments: list[str]) -> None:
    result = read_deadline(phrase, ref)
    assert isinstance(result, Refusal), result
    assert result.phrase == phrase
    for fragment in fragments:
        assert fragment in refusal_text(result)
    assert "\n" not in refusal_text(result)


def test_after_an_event_is_not_next_month() -> None:
    # "1 tháng sau khi ký": a duration after an event, never "next month".
    result = read_deadline("1 tháng sau khi ký", DEC)
    assert isinstance(result, Refusal)
    assert "2027-01-31" not in refusal_text(result) and "31/01/2027" not in refusal_text(result)


def test_a_month_inside_a_weekly_phrase_is_not_dropped() -> None:
    # Found by tests/test_deadlines_props.py: the weekly reader used to mark everything
    # between the weekday and "hằng tuần" as read, silently dropping "tháng 3".
    result = read_deadline("thứ Hai tháng 3 hằng tuần", DEC)
    assert isinstance(result, Refusal)
    assert result.unused == ("3",)


EACH_NEXT: list[tuple[str, str, list[date]]] = [
    # In a recurring phrase, "the next month/quarter/year" is each period's next one.
    ("hằng tháng, trước ngày 05 của tháng sau", "5 ngày sau khi kết thúc tháng",
     [date(2026, 12, 5), date(2027, 1, 5)]),
    ("báo cáo hằng tháng trước ngày 5 tháng sau", "5 ngày sau khi kết thúc tháng",
     [date(2026, 12, 5), date(2027, 1, 5)]),
    ("hằng quý, trước ngày 10 của tháng đầu quý sau", "10 ngày sau khi kết thúc quý",
     [date(2027, 1, 10), date(2027, 4, 10)]),
    ("định kỳ hằng năm trước ngày 15 tháng 1 năm sau", "15 ngày sau khi kết thúc năm",
     [date(2027, 1, 15), date(2028, 1, 15)]),
]


@pytest.mark.parametrize(("phrase", "text", "dues"), EACH_NEXT, ids=[p for p, _, _ in EACH_NEXT])
def test_the_next_period_of_each_period(phrase: str, text: str, dues: list[date]) -> None:
    result = read_deadline(phrase, DEC)
    assert isinstance(result, Reading), result
    deadline = result.deadline
    assert deadline.kind == "recurring" and text in deadline.text
    assert deadline.source == phrase
    assert deadline.next_dues(DEC, count=2) == dues
