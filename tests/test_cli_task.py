"""`nhacviec task edit|cancel|reopen`: JSON, audit as "cli", one-line refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.cli import main
from config.settings import load_settings
from db.models import AuditLog, Occurrence
from db.session import make_engine, make_session_factory


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> Path:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.delenv("ADMINS", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_edit_cancel_reopen(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    assert main(["unit", "add", "PNV", "Phòng Nội vụ"]) == 0
    assert main(["unit", "add", "VP", "Văn phòng"]) == 0
    assert main(["task", "add", "--unit", "PNV", "--title", "Báo cáo", "--deadline",
                 "31/12/2030"]) == 0
    assert main(["task", "add", "--unit", "PNV", "--title", "Họp", "--deadline",
                 "31/12/2030"]) == 0
    capsys.readouterr()

    edited = run_json(capsys, "task", "edit", "1", "--title", "Báo cáo CCHC", "--deadline",
                      "30/06/2030", "--unit", "VP", "--support", "PNV", "--json")
    assert set(edited["changes"]) == {"title", "lead", "support", "deadline"}
    tasks = run_json(capsys, "task", "list", "--json")
    assert (tasks[0]["title"], tasks[0]["code"], tasks[0]["due"], tasks[0]["support"]) == (
        "Báo cáo CCHC", "VP", "2030-06-30", ["PNV"])  # type: ignore[index]

    assert run_json(capsys, "task", "cancel", "2", "--reason", "trùng", "--json")[
        "status"] == "cancelled"
    assert [t["id"] for t in run_json(capsys, "task", "list", "--json")] == [1]  # type: ignore[index]
    assert main(["task", "cancel", "2"]) == 2
    assert "đã bị huỷ" in capsys.readouterr().err

    assert main(["task", "reopen", "1", "--reason", "chưa xong"]) == 2
    assert "chưa có kỳ nào" in capsys.readouterr().err
    factory = make_session_factory(make_engine(load_settings().resolved_database_url))
    done_at = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    with factory() as session:
        session.execute(update(Occurrence).where(Occurrence.task_id == 1).values(
            done_at=done_at, done_note="đã gửi"))
        session.commit()
    reopened = run_json(capsys, "task", "reopen", "1", "--reason", "thiếu minh chứng", "--json")
    assert reopened["previous_completion"]["note"] == "đã gửi"
    assert reopened["frozen_periods"] == []
    with factory() as session:
        assert session.scalar(select(Occurrence.done_at).where(Occurrence.task_id == 1)) is None
        actions = session.execute(select(AuditLog.action, AuditLog.actor).where(
            AuditLog.action.in_(["task.edit", "task.cancel", "occurrence.reopen"]))).all()
        assert sorted(actions) == [("occurrence.reopen", "cli"), ("task.cancel", "cli"),
                                   ("task.edit", "cli")]


def test_units_by_name_on_the_command_line(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Where the CLI asks for a unit, its name or a near name does too; several matches are
    listed (the operator runs it again with the code), never picked."""
    assert main(["db", "upgrade"]) == 0
    assert main(["unit", "add", "PNV", "Phòng Nội vụ"]) == 0
    assert main(["unit", "add", "VP", "Văn phòng HĐND-UBND"]) == 0
    capsys.readouterr()
    added = run_json(capsys, "task", "add", "--unit", "phong noi vu", "--title", "Báo cáo",
                     "--deadline", "31/12/2030", "--support", "Văn phòng HĐND UBND", "--json")
    assert (added["code"], added["support"]) == ("PNV", ["VP"])
    assert main(["task", "list", "--unit", "phòng"]) == 2
    err = capsys.readouterr().err
    assert "trùng 2 đơn vị" in err and "PNV (Phòng Nội vụ)" in err and "VP (" in err
    assert main(["task", "list", "--unit", "Phòng Nội vuu"]) == 2
    assert "gần giống 1 đơn vị: PNV (Phòng Nội vụ)" in capsys.readouterr().err
    assert main(["task", "list", "--unit", "Sở Y tế"]) == 2
    assert "không có đơn vị mã «Sở Y tế»" in capsys.readouterr().err
