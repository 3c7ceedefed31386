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
    assert "đợt 2" in refusal.reason


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
