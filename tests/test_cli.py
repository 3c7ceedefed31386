"""The `nhacviec` command line: JSON outputs, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> Path:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.delenv("ADMINS", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return tmp_path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_units_and_tasks(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    assert main(["unit", "add", "UBND", "UBND huyện Chợ Mới", "--kind", "huyen"]) == 0
    assert main(["unit", "add", "pnv", "Phòng Nội vụ", "--parent", "UBND",
                 "--alias", "Phòng NV"]) == 0
    assert main(["unit", "add", "VP", "Văn phòng", "--parent", "UBND"]) == 0
    capsys.readouterr()
    units = run_json(capsys, "unit", "list", "--json")
    assert units == [
        {"id": 2, "code": "PNV", "name": "Phòng Nội vụ", "kind": None, "parent": "UBND",
         "aliases": ["Phòng NV"]},
        {"id": 1, "code": "UBND", "name": "UBND huyện Chợ Mới", "kind": "huyen", "parent": None,
         "aliases": []},
        {"id": 3, "code": "VP", "name": "Văn phòng", "kind": None, "parent": "UBND",
         "aliases": []},
    ]
    task = run_json(capsys, "task", "add", "--unit", "PNV", "--title", "Báo cáo CCHC",
                    "--deadline", "31/12/2030", "--support", "VP", "--json")
    assert task["id"] == 1 and task["code"] == "PNV" and task["due"] == "2030-12-31"
    assert task["status"] == "in_progress" and task["support"] == ["VP"]
    run_json(capsys, "task", "add", "--unit", "VP", "--title", "Họp", "--deadline",
             "Thường xuyên", "--json")
    tasks = run_json(capsys, "task", "list", "--json")
    assert [(t["id"], t["title"], t["code"], t["due"], t["status"]) for t in tasks] == [
        (1, "Báo cáo CCHC", "PNV", "2030-12-31", "in_progress"),
        (2, "Họp", "VP", None, "ongoing"),
    ]
    only_vp = run_json(capsys, "task", "list", "--unit", "VP", "--json")
    assert [t["id"] for t in only_vp] == [2]


def test_admins(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["admin", "add", "telegram:123"]) == 0
    capsys.readouterr()
    admins = run_json(capsys, "admin", "list", "--json")
    assert admins[0]["identities"] == ["telegram:123"]
    assert main(["admin", "remove", "telegram:123"]) == 0
    capsys.readouterr()
    assert run_json(capsys, "admin", "list", "--json") == []


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["unit", "add", "A", "Đơn vị A", "--parent", "KHONGCO"], "không có đơn vị cấp trên"),
        (["task", "add", "--unit", "KHONGCO", "--title", "x", "--deadline", "31/12/2030"],
         "không có đơn vị"),
        (["admin", "add", "khongdung"], "PLATFORM:ID"),
        (["khonglenh"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    env: Path, capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1 and "Traceback" not in err


def test_bad_deadline_in_task_add(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["unit", "add", "PNV", "Phòng Nội vụ"])
    assert main(["task", "add", "--unit", "PNV", "--title", "x", "--deadline", "30/02/2030"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nhacviec:") and err.count("\n") == 1


def test_duplicate_unit_is_refused(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["unit", "add", "PNV", "Phòng Nội vụ"]) == 0
    assert main(["unit", "add", "pnv", "Khác"]) == 2
    assert "Đã có đơn vị" in capsys.readouterr().err


def test_python_dash_m_bot_deadline_json(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "deadline", "Quý I/2027", "--ref", "2026-11-23"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
        env={"PATH": "", "DATA_DIR": str(tmp_path), "PYTHONPATH": str(Path.cwd())},
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["kind"] == "once" and data["due"] == "2027-03-31" and data["next"] == ["2027-03-31"]
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "deadline", "khi nào rảnh"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
        env={"PATH": "", "DATA_DIR": str(tmp_path), "PYTHONPATH": str(Path.cwd())},
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_task_add_asks_before_a_past_due_date(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["unit", "add", "PNV", "Phòng Nội vụ"])
    capsys.readouterr()
    assert main(["task", "add", "--unit", "PNV", "--title", "x", "--deadline", "31/12/2020"]) == 2
    err = capsys.readouterr().err
    assert "--allow-past" in err and "31/12/2020" in err and err.count("\n") == 1
    assert run_json(capsys, "task", "list", "--json") == []
    task = run_json(capsys, "task", "add", "--unit", "PNV", "--title", "x", "--deadline",
                    "31/12/2020", "--allow-past", "--json")
    assert task["due"] == "2020-12-31"
    assert main(["task", "add", "--unit", "PNV", "--title", "y", "--deadline", "cuối năm 2026 và 2027"]) == 2
    assert capsys.readouterr().err.count("Chưa hiểu thời hạn") == 1
