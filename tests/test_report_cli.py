"""`nhacviec report`: the contract JSON, the spreadsheet and chart files, one-line errors."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot import cli_reports as reports_cli
from bot.cli import main
from config.settings import Settings
from db.session import unit_of_work
from tests.test_report_scenario import apply_events, build_district, local
from timelang.clock import FakeClock

CONTRACT_KEYS = ("code", "name", "assigned", "done_on_time", "done_late", "overdue",
                 "in_progress", "on_time_rate")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> Path:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.delenv("ADMINS", raising=False)
    monkeypatch.chdir(tmp_path)
    clock = FakeClock(local("01/07", "08:00"))

    def app_with_clock(settings: Settings) -> Any:
        from bot.app import build_app

        return build_app(settings, clock=clock)

    monkeypatch.setattr(reports_cli, "open_app", app_with_clock)
    app = app_with_clock(Settings(_env_file=None, data_dir=tmp_path / "data",  # type: ignore[call-arg]
                                  database_url=db_url))
    with unit_of_work(app.session_factory) as session:
        apply_events(session, build_district(session), local("01/07", "08:00"))
    app.close()
    return tmp_path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def contract(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [tuple(unit[key] for key in CONTRACT_KEYS) for unit in data["units"]]


def test_report_json(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "report", "--from", "2026-01-01", "--to", "2026-03-31", "--json")
    assert (data["from"], data["to"], data["period"], data["frozen"]) == (
        "2026-01-01", "2026-03-31", "2026-Q1", True)
    assert contract(data) == [
        ("UBND", "UBND huyện Chợ Mới", 10, 6, 3, 1, 0, 0.6),
        ("PNV", "Phòng Nội vụ", 2, 1, 1, 0, 0, 0.5),
        ("TT", "Thanh tra huyện", 1, 0, 0, 1, 0, 0.0),
        ("VHTT", "Phòng Văn hóa và Thông tin", 1, 1, 0, 0, 0, 1.0),
        ("VP", "Văn phòng HĐND và UBND huyện", 2, 1, 1, 0, 0, 0.5),
        ("XA_A", "UBND xã Mỹ Hội Đông", 2, 1, 1, 0, 0, 0.5),
        ("XA_B", "UBND xã Long Điền A", 1, 1, 0, 0, 0, 1.0),
    ]
    assert data["totals"]["extended"] == 1

    xa = run_json(capsys, "report", "--period", "quý II/2026", "--unit", "xa_a", "--json")
    assert contract(xa) == [("XA_A", "UBND xã Mỹ Hội Đông", 1, 0, 0, 1, 0, 0.0)]

    # Only --from: up to today (01/07); nothing due yet in July.
    july = run_json(capsys, "report", "--from", "01/07/2026", "--json")
    assert (july["from"], july["to"]) == ("2026-07-01", "2026-07-01")
    assert all(unit["on_time_rate"] is None for unit in july["units"])

    # Only --to: from 1 January; the year so far, still running on 01/07.
    half = run_json(capsys, "report", "--to", "2026-06-30", "--json")
    assert half["period"] == "2026-H1" and half["units"][0]["assigned"] == 20


def test_report_files_and_text(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--period", "quy 1/2026", "--xlsx", "out/baocao.xlsx",
                 "--chart", "out/bieudo.png"]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == (
        "Báo cáo quý I/2026 (01/01/2026 – 31/03/2026), tất cả đơn vị; đã khóa sổ")
    assert "UBND huyện Chợ Mới" in text and "60%" in text and "Tổng cộng" in text
    book = load_workbook(io.BytesIO((env / "out" / "baocao.xlsx").read_bytes()))
    assert book["Tổng hợp"]["D6"].value == 10
    assert (env / "out" / "bieudo.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(("argv", "reason"), [
    (["report", "--from", "2026-02-30"], "ngày không hợp lệ «2026-02-30»"),
    (["report", "--from", "2026-03-01", "--to", "2026-01-01"], "sau ngày kết thúc"),
    (["report", "--unit", "KHONGCO"], "không có đơn vị mã «KHONGCO»"),
    (["report", "--period", "quy", "--from", "2026-01-01"], "không dùng cả hai"),
    (["report", "--period", "tuần này"], "kỳ báo cáo không hợp lệ"),
])
def test_report_bad_input(env: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                          reason: str) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and reason in captured.err
    assert "Traceback" not in captured.err
