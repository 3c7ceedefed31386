"""Properties of the calendar and the deadline reader, over many generated inputs."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from texts.deadlines import refusal_text
from timelang.calendar import WorkingCalendar, default_calendar
from timelang.deadline_tokens import number, tokens
from timelang.deadlines import Reading, parse_deadline, read_deadline
from timelang.schedule import Deadline

REFS = st.dates(min_value=date(2022, 1, 1), max_value=date(2027, 12, 31))
RECURRING_PHRASES = st.sampled_from([
    "họp định kỳ hàng tháng (chậm nhất 05 ngày sau khi kết thúc tháng)",
    "chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12",
    "họp định kỳ mỗi quý một lần",
    "hằng năm (chậm nhất 10 ngày sau khi kết thúc năm)",
    "thứ Hai hằng tuần",
    "chậm nhất ngày 15/6 và 15/12 hằng năm",
    "tháng 6 và tháng 12 hằng năm",
    "15/6 và 20/12 hằng năm",
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
    "cuối năm 2026", "cuối quý", "cuối quý II/2027", "6 tháng đầu năm", "tuần sau",
    "trong vòng 5 ngày làm việc", "trong 7 ngày", "2027-06-30", "từ 01/3 đến 30/6/2027",
    "Thường xuyên trong năm 2023",
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


# --- every token of an accepted phrase shows in what was read -----------------------------

_FRAGMENTS = st.one_of(
    st.builds("ngày {}/{}".format, st.integers(1, 31), st.integers(1, 12)),
    st.builds("{:02d}/{}/{}".format, st.integers(1, 28), st.integers(1, 12),
              st.integers(2020, 2030)),
    st.builds("tháng {}".format, st.sampled_from(["3", "ba", "6", "sáu", "12", "mười hai", "02"])),
    st.builds("quý {}".format, st.sampled_from(["I", "II", "III", "IV", "1", "2", "4", "hai"])),
    st.builds("năm {}".format, st.integers(2020, 2030)),
    st.builds("{} ngày làm việc".format, st.integers(1, 40)),
    st.builds("trong {} ngày".format, st.integers(1, 40)),
    st.builds("thứ {}".format, st.sampled_from(["Hai", "Ba", "Sáu", "2", "6"])),
    st.builds("Nghị định {}/{}".format, st.integers(1, 200), st.integers(2015, 2030)),
    st.sampled_from(["hằng năm", "hàng năm", "mỗi quý", "hằng tháng", "hằng tuần", "cuối",
                     "chậm nhất", "trước", "và", "đến", "từ", "tuần sau", "ngày mai",
                     "cuối năm", "cuối quý", "6 tháng đầu năm", "định kỳ", "2027-06-30"]),
)
PHRASES = st.lists(_FRAGMENTS, min_size=1, max_size=4).map(" ".join)
_WEEKDAY_WORDS = {"hai": 0, "ba": 1, "tu": 2, "nam": 3, "sau": 4, "bay": 5}
_RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _reflected_numbers(deadline: Deadline) -> set[int]:
    import re

    values = {int(n) for n in re.findall(r"\d+", " ".join(
        filter(None, [deadline.text, deadline.rrule])))}
    values |= {deadline.offset_days, deadline.offset_working_days}
    for day in filter(None, [deadline.due, deadline.starts]):
        values |= {day.day, day.month, day.year}
    return values


@settings(max_examples=400, deadline=None)
@given(phrase=PHRASES, ref=REFS)
def test_every_token_of_an_accepted_phrase_is_reflected(phrase: str, ref: date) -> None:
    import re

    from timelang.deadline_tokens import normalize

    result = read_deadline(phrase, ref)
    if not isinstance(result, Reading):
        assert refusal_text(result).count("Chưa hiểu thời hạn") == 1
        return
    deadline = result.deadline
    folded = normalize(phrase)
    reflected = _reflected_numbers(deadline)
    for token in tokens(folded):
        if folded[:token.start].endswith("thu ") or token.text == "chu nhat":
            weekday = 6 if token.text == "chu nhat" else (
                int(token.text) - 2 if token.text.isdigit() else _WEEKDAY_WORDS[token.text])
            assert (deadline.due is not None and deadline.due.weekday() == weekday) or \
                _RRULE_DAYS[weekday] in (deadline.rrule or ""), (phrase, deadline)
            continue
        parts = [int(n) for n in re.findall(r"\d+", token.text)] or [number(token.text)]
        if folded[:token.start].endswith("quy "):
            parts[0] *= 3  # a quarter shows as its last month
        for value in parts:
            assert value in reflected or value + 2000 in reflected, (phrase, token, deadline)
