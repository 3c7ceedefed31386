"""`nhacviec deadline` on the phrases of issue 13: the right schedule, or a one-line refusal
that names the phrase once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

REF = "2026-03-10"


@pytest.fixture(autouse=True)
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ADMINS", raising=False)
    monkeypatch.chdir(tmp_path)


ACCEPTED = [
    ("chậm nhất ngày 15/6 và 15/12 hằng năm", "recurring", None,
     "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=15", ["2026-06-15", "2026-12-15", "2027-06-15"]),
    ("tháng 6 và tháng 12 hằng năm", "recurring", None,
     "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1", ["2026-06-30", "2026-12-31", "2027-06-30"]),
    ("cuối năm 2026", "once", "2026-12-31", None, ["2026-12-31"]),
    ("cuối năm", "once", "2026-12-31", None, ["2026-12-31"]),
    ("6 tháng đầu năm", "once", "2026-06-30", None, ["2026-06-30"]),
    ("tháng 6", "once", "2026-06-30", None, ["2026-06-30"]),
    ("cuối quý", "once", "2026-03-31", None, ["2026-03-31"]),
    ("cuối tháng", "once", "2026-03-31", None, ["2026-03-31"]),
    ("trong tuần này", "once", "2026-03-13", None, ["2026-03-13"]),
    ("tuần sau", "once", "2026-03-20", None, ["2026-03-20"]),
    ("ngày mai", "once", "2026-03-11", None, ["2026-03-11"]),
    ("10 ngày làm việc", "once", "2026-03-24", None, ["2026-03-24"]),
    ("trong vòng 10 ngày làm việc", "once", "2026-03-24", None, ["2026-03-24"]),
    ("trong 7 ngày", "once", "2026-03-17", None, ["2026-03-17"]),
    ("2027-06-30", "once", "2027-06-30", None, ["2027-06-30"]),
    ("trước 30/6", "once", "2026-06-30", None, ["2026-06-30"]),
    ("cuối quý II/2027", "once", "2027-06-30", None, ["2027-06-30"]),
    ("từ 01/3 đến 30/6/2027", "once", "2027-06-30", None, ["2027-06-30"]),
]


@pytest.mark.parametrize(("phrase", "kind", "due", "rrule", "upcoming"), ACCEPTED,
                         ids=[a[0] for a in ACCEPTED])
def test_issue_examples_read_right(
    capsys: pytest.CaptureFixture[str], phrase: str, kind: str, due: str | None,
    rrule: str | None, upcoming: list[str],
) -> None:
    assert main(["deadline", *phrase.split(), "--ref", REF, "--count", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["kind"], data["due"], data["rrule"]) == (kind, due, rrule)
    assert data["next"] == upcoming and data["past"] is False


def test_a_past_date_is_read_and_flagged(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deadline", "cuối", "năm", "2025", "--ref", REF]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["due"] == "2025-12-31" and data["past"] is True


REFUSED = [
    ("Từ tháng 11/2013 trở đi", "bắt đầu"),
    ("bắt đầu từ 01/7/2026", "bắt đầu"),
    ("ngày 15/6/2026 và 15/12/2026", "2 hạn khác nhau"),
    ("họp định kỳ hàng tháng (chậm nhất 05 ngày sau khi kết thúc tháng), cuối năm (chậm nhất "
     "10 ngày sau khi kết thúc năm)", "«10» chưa dùng"),
    ("khi nào rảnh", "Ví dụ"),
]


@pytest.mark.parametrize(("phrase", "fragment"), REFUSED, ids=[r[0][:40] for r in REFUSED])
def test_refusals_are_one_line(
    capsys: pytest.CaptureFixture[str], phrase: str, fragment: str
) -> None:
    assert main(["deadline", phrase, "--ref", REF]) == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1
    assert err.count("Chưa hiểu thời hạn") == 1 and err.startswith("nhacviec: Chưa hiểu thời hạn «")


def test_several_days_a_month_say_the_day_a_short_month_moves(
    capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["deadline", "định kỳ 2 lần/tháng vào ngày 15 và 30", "--ref", "2027-01-20",
                 "--count", "3"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "recurring" and out["next"] == ["2027-01-30", "2027-02-15", "2027-02-28"]
    assert out["rrule"] == "FREQ=MONTHLY;BYMONTHDAY=15,28,29,30;BYSETPOS=1,-1"
    assert out["moved"] == [{"day": 30, "due": "2027-02-28"}] and "28/02/2027" in out["note"]
    assert main(["deadline", "2 lần/tháng", "--ref", "2027-01-20"]) == 2
    err = capsys.readouterr().err
    assert "chưa nói vào những ngày nào" in err and err.count("\n") == 1
