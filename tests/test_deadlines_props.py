"""Properties of the calendar and the deadline reader, over many generated inputs."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from timelang.calendar import WorkingCalendar, default_calendar
from timelang.deadlines import parse_deadline

REFS = st.dates(min_value=date(2022, 1, 1), max_value=date(2027, 12, 31))
RECURRING_PHRASES = st.sampled_from([
    "họp định kỳ hàng tháng (chậm nhất 05 ngày sau khi kết thúc tháng)",
    "chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12",
    "họp định kỳ mỗi quý một lần",
    "cuối năm (chậm nhất 10 ngày sau khi kết thúc năm)",
    "thứ Hai hằng tuần",
    "ngày 20 hàng tháng",
    "ngày 31 hằng tháng",
    "ngày 15 tháng 12 hằng năm",
    "6 tháng một lần",
    "hằng quý, chậm nhất 3 ngày làm việc sau khi kết thúc quý",
    "hằng tháng, chậm nhất 5 ngày làm việc sau khi kết thúc tháng",
    "Quý I/2023 và những năm tiếp theo",
])
ANY_PHRASE = st.one_of(RECURRING_PHRASES, st.sampled_from([
    "chậm nhất ngày 15/11/2023", "Quý I/2023", "tháng 9/2017", "Trong năm 2024",
    "6 tháng đầu năm 2024", "10 ngày làm việc kể từ ngày ký ban hành", "Thường xuyên",
    "trong Quý I năm 2024", "15/12", "trong tháng 12",
]))


@settings(max_examples=300, deadline=None)
@given(phrase=RECURRING_PHRASES, ref=REFS)
def test_recurring_dues_strictly_increase_from_the_reference(phrase: str, ref: date) -> None:
    dues = parse_deadline(phrase, ref=ref).next_dues(ref, 8)
    assert len(dues) == 8
    assert dues[0] >= ref
    assert all(a < b for a, b in pairwise(dues))


@settings(max_examples=300, deadline=None)
@given(start=REFS, n=st.integers(min_value=0, max_value=60))
def test_add_working_days_lands_on_a_working_day(start: date, n: int) -> None:
    calendar = default_calendar()
    result = calendar.add_working_days(start, n)
    assert calendar.is_working_day(result)
    assert result >= start
    if n > 0:
        assert calendar.working_days_between(start, result) == n


@settings(max_examples=100, deadline=None)
@given(start=REFS, n=st.integers(min_value=1, max_value=30),
       off=st.sets(st.dates(min_value=date(2022, 1, 1), max_value=date(2028, 3, 1)),
                   max_size=20))
def test_local_days_off_are_never_landed_on(start: date, n: int, off: set[date]) -> None:
    calendar = WorkingCalendar(extra_days_off=off)
    result = calendar.add_working_days(start, n)
    assert result not in off and calendar.is_working_day(result)


@settings(max_examples=300, deadline=None)
@given(phrase=ANY_PHRASE, ref=REFS)
def test_the_description_reads_back_to_the_same_schedule(phrase: str, ref: date) -> None:
    deadline = parse_deadline(phrase, ref=ref)
    again = parse_deadline(deadline.text, ref=ref)
    assert deadline.same_schedule(again), (deadline.text, again)
    assert again.next_dues(ref, 4) == deadline.next_dues(ref, 4)


def test_tet_working_days() -> None:
    calendar = default_calendar()
    assert calendar.add_working_days(date(2024, 2, 7), 3) == date(2024, 2, 19)
    assert all(not calendar.is_working_day(date(2024, 2, 8) + timedelta(days=i))
               for i in range(7))
    assert all(not calendar.is_working_day(date(2023, 1, 20) + timedelta(days=i))
               for i in range(7))
    assert calendar.add_working_days(date(2023, 1, 19), 1) == date(2023, 1, 27)
    assert all(not calendar.is_working_day(date(2025, 1, 25) + timedelta(days=i))
               for i in range(9))
    assert calendar.add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)
    # A weekday off swapped for a Saturday: 29/04/2024 off, Saturday 04/05/2024 worked.
    assert not calendar.is_working_day(date(2024, 4, 29))
    assert calendar.is_working_day(date(2024, 5, 4))
    assert calendar.previous_working_day(date(2024, 2, 15)) == date(2024, 2, 7)
    local = WorkingCalendar(extra_days_off=[date(2024, 2, 15)],
                            extra_working_days=[date(2024, 2, 17)])
    assert local.add_working_days(date(2024, 2, 7), 2) == date(2024, 2, 17)
