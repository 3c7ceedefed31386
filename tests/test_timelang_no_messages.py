"""Every text a person reads lives in the catalogue (texts/): timelang says why it did not read
a phrase as a typed reason (`timelang.refusals`), never as a sentence.

What may stay in timelang is the deadline language itself: the words of the descriptions the
reader writes of what it read (`Deadline.text`, "Hằng tháng, chậm nhất 5 ngày sau khi kết
thúc tháng", which read back to the same schedule) and the rewrites it reads ("tháng 1 năm
2027"). The test tells the two apart by use, not by a list of words: every accented piece of
a string in timelang/ must occur in a description the reader writes for some phrase. A
message ("Hãy ghi rõ …", "chưa dùng đến") is never part of a description, so it fails.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from texts.deadlines import DEADLINE_EXAMPLES, reason_text, refusal_text
from timelang import refusals
from timelang.deadlines import Reading, Refusal, read_deadline

TIMELANG = Path(__file__).resolve().parent.parent / "timelang"
REF = date(2026, 12, 3)

# One phrase for each kind of description the reader writes.
DESCRIBED = [
    "thường xuyên", "thường xuyên trong năm 2023 và những năm tiếp theo", "báo cáo hằng ngày",
    "hằng tháng (chậm nhất 05 ngày sau khi kết thúc tháng)",
    "hằng quý, chậm nhất 10 ngày làm việc sau khi kết thúc quý",
    "6 tháng một lần, chậm nhất 5 ngày sau khi kết thúc 6 tháng",
    "hằng năm, chậm nhất 10 ngày sau khi kết thúc năm",
    "hằng tháng", "hằng quý", "6 tháng một lần", "hằng năm", "hằng tuần", "hằng tháng từ năm 2027",
    "thứ Hai hằng tuần", "thứ Ba hằng tuần", "thứ Tư hằng tuần", "thứ Năm hằng tuần",
    "thứ Sáu hằng tuần", "thứ Bảy hằng tuần", "Chủ nhật hằng tuần",
    "ngày 20 hằng tháng", "hằng quý, ngày 15 tháng cuối quý",
    "chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12",
    "10 ngày kể từ ngày ký", "10 ngày làm việc", "31/12/2026", "từ 01/3 đến 30/6/2027",
    "17 giờ 00, ngày 01/02/2027",
    "Đợt 1: từ ngày 01/3 đến ngày 15/3/2027; Đợt 2: từ ngày 01/4 đến ngày 15/4/2027",
    "Đợt 1: từ ngày 01/3 đến ngày 15/3/2027",
    "ngày 15 và 30 hằng tháng", "ngày 10, 20 hằng tháng", "vào ngày 15 và ngày cuối tháng",
    "ngày 30 hằng tháng",
    "ngày 15/6 và 15/12 hằng năm", "tháng 2 và tháng 8 hằng năm",
    "báo cáo trước 19h00 hằng ngày", "2 lần/ngày (trước 9h00 và 16h00)",
]
# The calendar's names of days off are data (what the official calendar calls them).
DATA_FILES = {"calendar.py"}


def _descriptions() -> str:
    found = []
    for phrase in DESCRIBED:
        result = read_deadline(phrase, REF)
        assert isinstance(result, Reading), (phrase, result)
        found.append(result.deadline.text)
    return "\n".join(found)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _accented_pieces() -> list[tuple[str, int, str]]:
    pieces = []
    for path in sorted(TIMELANG.glob("*.py")):
        if path.name in DATA_FILES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            if id(node) in docstrings or not any(
                    ch.isalpha() and ord(ch) > 127 for ch in node.value):
                continue
            # A table of characters ("Đđ", "–—", "…") holds no word.
            if not re.search(r"[^\W\d_]{3,}", node.value):
                continue
            pieces.append((path.name, node.lineno, node.value))
    return pieces


def test_timelang_holds_vocabulary_not_messages() -> None:
    descriptions = _descriptions()
    messages = [f"{name}:{line} {text!r}" for name, line, text in _accented_pieces()
                if text.strip(" ,.;:()«»") not in descriptions]
    assert not messages, "user texts left in timelang/ (move them to texts/):\n" + "\n".join(
        messages)


def test_a_message_would_be_caught() -> None:
    """The rule tells a message from vocabulary: a refusal's wording is no description."""
    descriptions = _descriptions()
    assert "chưa dùng đến" not in descriptions and "Hãy ghi" not in descriptions
    assert "chậm nhất" in descriptions and "Hằng quý" in descriptions


def test_every_reason_is_worded() -> None:
    """Each reason the reader can give has its sentence in the catalogue."""
    samples: list[refusals.Reason] = [
        refusals.NoPhrase(), refusals.NoSuchQuarter("V"), refusals.NoSuchWeekday("tam"),
        refusals.NoSuchMonth("13"), refusals.NoSuchDate(30, 2, 2027),
        refusals.NoSuchMonthDay(32), refusals.NoSuchQuarterEndDay(31),
        refusals.DayNotInEveryMonth(31), refusals.StartNotDeadline(),
        refusals.UnusedWords("Một lần, hạn 31/12/2026", ("15",)),
        refusals.InRound("2", refusals.NoPhrase()), refusals.RoundWithoutEnd("1"),
        refusals.AsRewritten("tháng 1 năm 2027", refusals.NoPhrase()),
        refusals.PeriodicWithoutPeriod(), refusals.NotUnderstood(("2026",), True, True, True),
        refusals.DurationFromWhen("2 tháng sau", date(2027, 1, 5)),
        refusals.CountedFromEvent("05 ngày kể từ ngày nhận đơn"),
        refusals.NextMonthOrJune("thang sau", 1, 2027, 2027),
        refusals.VagueDay("đầu tháng 6", date(2027, 1, 5), 1, 2027), refusals.TooFar(400),
        refusals.TimesPerWithoutDays(2, "month"), refusals.SeveralDues((REF, date(2027, 1, 1))),
        refusals.TwoDaysInMonth(6), refusals.SeveralYears((2020, 2021)),
        refusals.YearlyDaysNotEveryMonth(), refusals.MonthDaysCollide((29, 30)),
        refusals.TimesPerDaysMismatch(3, (15, 30)),
    ]
    kinds = {type(sample) for sample in samples}
    assert kinds == set(refusals.Reason.__args__)  # type: ignore[attr-defined]
    for sample in samples:
        text = reason_text(sample)
        assert text and "\n" not in text and sample.code.value not in text


def test_the_examples_read() -> None:
    for example in re.findall(r"«([^»]+)»", DEADLINE_EXAMPLES):
        assert isinstance(read_deadline(example, REF), Reading), example


@pytest.mark.parametrize(("phrase", "fragment"), [
    ("quý V/2026", "không có quý V"),
    ("31/12/2026 15", "còn «15» chưa dùng đến"),
    ("2 lần/tháng", "«2 lần mỗi tháng» chưa nói vào những ngày nào"),
    ("đầu tháng 6", "chưa nói rõ ngày nào"),
])
def test_refusals_are_worded_by_the_catalogue(phrase: str, fragment: str) -> None:
    result = read_deadline(phrase, REF)
    assert isinstance(result, Refusal)
    assert fragment in refusal_text(result)
    assert refusal_text(result).startswith(f"Chưa hiểu thời hạn «{phrase}»: ")
