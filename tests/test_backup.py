"""`nhacviec backup` then `nhacviec restore` into an empty DATA_DIR and database: the same
`task list --json`, the same evidence files (by hash), the same rows. The source is SQLite;
the target is SQLite and PostgreSQL (the dump is portable). A damaged archive is refused
before anything is written."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.app import build_app
from bot.cli import main
from db import services
from db.models import Base, Occurrence, Task, Unit
from db.session import unit_of_work
from tests.support import make_settings
from timelang.deadlines import parse_deadline


def _cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data_dir: Path,
         db_url: str, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.setenv("DATABASE_URL", db_url)
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _evidence_hashes(data_dir: Path) -> dict[str, str]:
    root = data_dir / "evidence"
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _seed(tmp_path: Path, url: str, data_dir: Path) -> None:
    """Units (one whose parent has a later id), tasks, progress, two evidence files."""
    settings = make_settings(tmp_path, url, data_dir=data_dir)
    app = build_app(settings)
    now = app.clock.now()
    try:
        with unit_of_work(app.session_factory) as session:
            pnv = services.create_unit(session, code="PNV", name="Phòng Nội vụ", parent=None,
                                       actor="test", now=now)
            top = services.create_unit(session, code="UBND", name="UBND huyện Chợ Mới",
                                       parent=None, actor="test", now=now)
            session.execute(update(Unit).where(Unit.id == pnv.id).values(parent_id=top.id))
            actor = services.resolve_actor(session, platform="telegram", external_id="77",
                                           display_name="Chuyên viên Lê Thị Hoà",
                                           private_chat_id="77", now=now)
            today = now.astimezone(settings.tz).date()
            for title, phrase in (("Báo cáo CCHC quý", "31/12/2030"),
                                  ("Rà soát thủ tục hành chính", "Thường xuyên")):
                services.create_task(session, title=title, lead_unit=pnv,
                                     deadline=parse_deadline(phrase, ref=today), actor="test",
                                     now=now, today=today)
            occurrence = session.scalars(select(Occurrence).order_by(Occurrence.id)).first()
            assert occurrence is not None
            services.record_progress(session, actor=actor, occurrence=occurrence, percent=40,
                                     note="Đã họp", now=now)
            for data, name in ((b"%PDF-1.4 bien ban", "biên bản.pdf"),
                               (b"\x89PNG\r\n\x1a\n anh", "ảnh.png")):
                stored = app.evidence_store.save(data)
                services.add_evidence(session, actor=actor, occurrence=occurrence,
                                      sha256=stored.sha256, size=stored.size,
                                      mime_type="application/pdf", file_name=name,
                                      platform_file_id=None, caption=None, now=now)
    finally:
        app.close()


def _row_counts(tmp_path: Path, url: str, data_dir: Path) -> dict[str, int]:
    app = build_app(make_settings(tmp_path, url, data_dir=data_dir))
    try:
        with app.engine.connect() as connection:
            return {t.name: len(connection.execute(select(t)).all())
                    for t in Base.metadata.sorted_tables}
    finally:
        app.close()


def test_backup_then_restore_gives_the_same_tasks_and_files(
        tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ADMINS", raising=False)
    source_dir, source_url = tmp_path / "source", f"sqlite:///{tmp_path / 'source.db'}"
    _seed(tmp_path, source_url, source_dir)
    code, before, _ = _cli(capsys, monkeypatch, source_dir, source_url, "task", "list", "--json")
    assert code == 0 and len(json.loads(before)) == 2
    archive = tmp_path / "sao-luu.tar.gz"
    code, out, err = _cli(capsys, monkeypatch, source_dir, source_url, "backup", "--out",
                          str(archive))
    assert code == 0, err
    assert json.loads(out)["files"] == 2 and json.loads(out)["rows"]["evidence"] == 2

    target_dir = tmp_path / "target"
    code, out, err = _cli(capsys, monkeypatch, target_dir, db_url, "restore", str(archive))
    assert code == 0, err
    assert json.loads(out)["verified"] is True
    code, after, _ = _cli(capsys, monkeypatch, target_dir, db_url, "task", "list", "--json")
    assert json.loads(after) == json.loads(before)
    assert _evidence_hashes(target_dir) == _evidence_hashes(source_dir)
    assert len(_evidence_hashes(target_dir)) == 2
    assert _row_counts(tmp_path, db_url, target_dir) == _row_counts(tmp_path, source_url,
                                                                    source_dir)
    # Ids go on after the restored ones (PostgreSQL sequences were moved past them).
    code, out, err = _cli(capsys, monkeypatch, target_dir, db_url, "task", "add", "--unit",
                          "PNV", "--title", "Việc mới", "--deadline", "31/12/2030", "--json")
    assert code == 0, err
    assert json.loads(out)["id"] == 3
    app = build_app(make_settings(tmp_path, db_url, data_dir=target_dir))
    with app.session_factory() as session:
        pnv = session.scalars(select(Unit).where(Unit.code == "PNV")).one()
        assert pnv.parent is not None and pnv.parent.code == "UBND"
        assert session.scalar(select(Task).where(Task.id == 1)) is not None
    app.close()

    # Restoring again over data is refused, with the reason on one line.
    code, _, err = _cli(capsys, monkeypatch, target_dir, db_url, "restore", str(archive))
    assert code == 2 and "DATA_DIR đã có tệp" in err


def test_a_damaged_archive_is_refused_before_anything_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    source_dir, source_url = tmp_path / "source", f"sqlite:///{tmp_path / 'source.db'}"
    _seed(tmp_path, source_url, source_dir)
    archive = tmp_path / "sao-luu.tar.gz"
    assert _cli(capsys, monkeypatch, source_dir, source_url, "backup", "--out",
                str(archive))[0] == 0
    damaged = tmp_path / "hong.tar.gz"
    with tarfile.open(archive, "r:gz") as original, tarfile.open(damaged, "w:gz") as copy:
        for info in original:
            data = original.extractfile(info)
            assert data is not None
            body = data.read()
            if info.name.startswith("files/"):
                body = body[:-1] + b"X"  # one byte changed in one evidence file
            info.size = len(body)
            copy.addfile(info, io.BytesIO(body))
    target_dir, target_url = tmp_path / "target", f"sqlite:///{tmp_path / 'target.db'}"
    code, _, err = _cli(capsys, monkeypatch, target_dir, target_url, "restore", str(damaged))
    assert code == 2 and "mã băm không khớp" in err
    assert not (tmp_path / "target.db").exists() and not (target_dir / "evidence").exists()
    code, out, _ = _cli(capsys, monkeypatch, target_dir, target_url, "restore",
                        "--verify-only", str(archive))
    assert code == 0 and json.loads(out)["verified"] is True
