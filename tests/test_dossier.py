"""/hosominhchung and `nhacviec dossier`: the evidence zip and its index."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from bot import cli_reports as reports_cli
from bot.app import App, build_app
from bot.cli import main
from config.settings import Settings
from db.models import Evidence
from db.session import unit_of_work
from reports.dossier import _unique, sanitize
from tests.support import Harness, make_settings, sample_jpeg, sample_pdf
from tests.test_report_scenario import District, apply_events, build_district, local
from texts import messages
from timelang.clock import FakeClock

ADMIN, COMMUNE_LEADER, MEMBER = "1", "907", "901"
ROOT = "Hồ sơ minh chứng tất cả đơn vị quý I-2026"
PLAN_FOLDER = "341-KH-UBND — Kế hoạch cải cách hành chính năm 2026 của…"


def add_evidence(app: App, session: Session, district: District, occurrence: str, person: str,
                 data: bytes, name: str, mime: str, at: datetime,
                 caption: str | None = None) -> Evidence:
    stored = app.evidence_store.save(data)
    evidence = Evidence(occurrence_id=district.occurrences[occurrence],
                        person_id=district.people[person], sha256=stored.sha256,
                        size=stored.size, mime_type=mime, file_name=name, platform="telegram",
                        caption=caption, created_at=at)
    session.add(evidence)
    session.flush()
    return evidence


def seed(app: App) -> District:
    with unit_of_work(app.session_factory) as session:
        district = build_district(session)
        apply_events(session, district, local("01/07", "08:00"))
        add_evidence(app, session, district, "T1-Q1", "an", sample_pdf(), "bao_cao_quy_I.pdf",
                     "application/pdf", local("03/03", "08:55"), "Báo cáo số 12/BC-PNV")
        add_evidence(app, session, district, "T9", "dung", sample_jpeg(), "anh khảo sát.jpg",
                     "image/jpeg", local("27/02", "10:00"))
        add_evidence(app, session, district, "T9", "dung", sample_pdf() + b"2",
                     "phieu/khao:sat?.pdf", "application/pdf", local("27/02", "10:05"))
        # An ongoing task's photo sent in March belongs to Q1's dossier.
        add_evidence(app, session, district, "T5", "binh", sample_jpeg() + b"5", "cong.jpg",
                     "image/jpeg", local("15/03"))
        # Q2 evidence stays out of Q1's dossier.
        add_evidence(app, session, district, "T7", "cuong", sample_pdf() + b"7", "kl.pdf",
                     "application/pdf", local("30/06"))
        gone = add_evidence(app, session, district, "T12-Q1", "em", b"%PDF-1.4 gone", "mat.pdf",
                            "application/pdf", local("28/03"))
        app.evidence_store.path_for(gone.sha256).unlink()
    return district


@pytest.fixture
async def harness(tmp_path: Path, db_url: str) -> AsyncIterator[Harness]:
    app = build_app(make_settings(tmp_path, db_url), clock=FakeClock(local("01/07", "08:00")))
    seed(app)
    yield Harness(app)
    app.close()


def open_zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


async def test_dossier_of_a_quarter(harness: Harness) -> None:
    reply = await harness.send(ADMIN, "/hosominhchung quy I/2026")
    sent = [r.file for r in reply.replies if r.file is not None]
    assert len(sent) == 1
    dossier = sent[0]
    assert dossier.file_name == "hosominhchung_tat_ca_don_vi_2026-Q1.zip"
    assert dossier.caption == (
        "🗂 Hồ sơ minh chứng tất cả đơn vị, quý I/2026: 4 tệp cho 3/10 nhiệm vụ; "
        "mục lục kèm mã SHA-256 của từng tệp.")
    assert reply.replies[-1].text == (
        "⚠️ 7 nhiệm vụ chưa có minh chứng (xem trang «Chưa có minh chứng»).\n"
        "⚠️ 1 tệp không còn trong kho lưu trữ (đã ghi trong mục lục).")

    archive = open_zip(dossier.data)
    names = archive.namelist()
    index_name = f"{ROOT}/muc_luc_ho_so_minh_chung.xlsx"
    files_in_zip = sorted(name for name in names if name != index_name)
    assert index_name in names
    assert files_in_zip == sorted([
        f"{ROOT}/{PLAN_FOLDER}/NV1 II.1 - Báo cáo CCHC định kỳ quý/Quý I-2026 (hạn 05-03-2026)/"
        "1_bao_cao_quy_I.pdf",
        f"{ROOT}/{PLAN_FOLDER}/NV9 II.9 - Khảo sát sự hài lòng của người dân/"
        "Một lần (hạn 28-02-2026)/2_anh khảo sát.jpg",
        f"{ROOT}/{PLAN_FOLDER}/NV9 II.9 - Khảo sát sự hài lòng của người dân/"
        "Một lần (hạn 28-02-2026)/3_phieu-khao-sat-.pdf",
        f"{ROOT}/{PLAN_FOLDER}/NV5 II.5 - Cập nhật Cổng thông tin điện tử/Thường xuyên/4_cong.jpg",
    ])
    assert archive.read(files_in_zip[0]) == sample_pdf()  # NV1's report, byte for byte
    # Non-ASCII names are flagged UTF-8 so that unzip tools show them right.
    assert all(info.flag_bits & 0x800 for info in archive.infolist())

    index = load_workbook(io.BytesIO(archive.read(index_name)))
    assert index.sheetnames == ["Mục lục", "Chưa có minh chứng"]
    sheet = index["Mục lục"]
    assert [c.value for c in sheet[4]] == messages.DOSSIER_INDEX_HEADERS
    table = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    assert [row[0] for row in table] == [1, 2, 3, 4, 5]
    first = table[0]
    assert first[1:10] == [
        "341/KH-UBND — Kế hoạch cải cách hành chính năm 2026 của huyện Chợ Mới", 1,
        "Báo cáo CCHC định kỳ quý", "PNV", "Phòng Nội vụ", "Quý I/2026", datetime(2026, 3, 5),
        "Hoàn thành đúng hạn",
        "341-KH-UBND — Kế hoạch cải cách hành chính năm 2026 của…/NV1 II.1 - Báo cáo CCHC "
        "định kỳ quý/Quý I-2026 (hạn 05-03-2026)/1_bao_cao_quy_I.pdf"]
    assert first[10:] == ["bao_cao_quy_I.pdf", "Nguyễn Văn An", datetime(2026, 3, 3, 8, 55),
                          "application/pdf", len(sample_pdf()),
                          hashlib.sha256(sample_pdf()).hexdigest(), "Báo cáo số 12/BC-PNV"]
    # Every listed sha256 is the file's, and the lost file is marked, not packed.
    by_name = {row[10]: row for row in table}
    for row in table:
        if row[9] == messages.DOSSIER_FILE_GONE:
            continue
        assert hashlib.sha256(archive.read(f"{ROOT}/{row[9]}")).hexdigest() == row[15]
    assert by_name["mat.pdf"][9] == messages.DOSSIER_FILE_GONE
    assert by_name["mat.pdf"][15] == hashlib.sha256(b"%PDF-1.4 gone").hexdigest()
    assert by_name["cong.jpg"][8] == "Thường xuyên" and by_name["cong.jpg"][7] is None
    assert "kl.pdf" not in by_name

    missing = [[c.value for c in row] for row in index["Chưa có minh chứng"].iter_rows(min_row=5)]
    assert [(row[4], row[3]) for row in missing] == [
        ("PNV", "Kiểm tra công vụ"),
        ("TT", "Thanh tra trách nhiệm thực hiện CCHC"),
        ("UBND", "Ban hành kế hoạch CCHC năm 2026"),
        ("VP", "Họp giao ban định kỳ hàng tháng"),
        ("VP", "Họp giao ban định kỳ hàng tháng"),
        ("XA_A", "Niêm yết công khai thủ tục hành chính"),
        ("XA_B", "Số hóa hồ sơ, kết quả giải quyết TTHC"),
    ]
    # Statuses are today's: T6, overdue when Q1 closed, has since been done late.
    assert missing[1][8] == "Hoàn thành trễ hạn"


async def test_who_may_have_a_dossier(harness: Harness) -> None:
    member = await harness.send(MEMBER, "/hosominhchung")
    assert member.text == messages.LEADER_ONLY
    refused = await harness.send(COMMUNE_LEADER, "/hosominhchung PNV quy I/2026")
    assert refused.text == messages.NOT_ALLOWED
    own = await harness.send(COMMUNE_LEADER, "/hosominhchung quy I/2026")
    dossier = next(r.file for r in own.replies if r.file is not None)
    archive = open_zip(dossier.data)
    index = load_workbook(io.BytesIO(archive.read(next(
        n for n in archive.namelist() if n.endswith(".xlsx")))))
    units = {row[4].value for row in index["Mục lục"].iter_rows(min_row=5)}
    assert units == {"XA_A"}
    empty = await harness.send(ADMIN, "/hosominhchung XA_B thang 9/2026")
    assert empty.text == (
        "Không có nhiệm vụ nào đến hạn của UBND xã Long Điền A trong tháng 09/2026 nên chưa có "
        "hồ sơ.")


async def test_dossier_too_large_for_the_chat(harness: Harness, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    from handlers import reports as report_handlers

    monkeypatch.setattr(report_handlers, "MAX_SEND_BYTES", 100)
    reply = await harness.send(ADMIN, "/hosominhchung nam")
    assert reply.text.startswith("Hồ sơ nặng") and "nhacviec dossier" in reply.text
    assert not [r for r in reply.replies if r.file is not None]


def test_dossier_cli(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch,
                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.chdir(tmp_path)
    clock = FakeClock(local("01/07", "08:00"))

    def app_with_clock(settings: Settings) -> Any:
        return build_app(settings, clock=clock)

    monkeypatch.setattr(reports_cli, "open_app", app_with_clock)
    app = app_with_clock(make_settings(tmp_path, db_url))
    seed(app)
    app.close()

    assert main(["dossier", "--period", "quy I/2026", "--unit", "VHTT", "--out", "hs.zip"]) == 0
    assert capsys.readouterr().out == (
        "Đã ghi hs.zip: 2 tệp minh chứng cho 1/1 nhiệm vụ đến hạn; 0 nhiệm vụ chưa có minh "
        "chứng.\n")
    names = zipfile.ZipFile(tmp_path / "hs.zip").namelist()
    assert len(names) == 3 and names[0].startswith("Hồ sơ minh chứng Phòng Văn hóa và Thông tin")

    assert main(["dossier", "--from", "2026-01-01", "--to", "2026-06-30"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Đã ghi Hồ_sơ_minh_chứng_tất_cả_đơn_vị_6_tháng_đầu_năm_2026.zip: 5 tệp")
    assert "1 tệp không còn trong kho" in out
    assert main(["dossier", "--unit", "NOPE"]) == 2


def test_names_every_system_accepts() -> None:
    assert sanitize('a/b\\c:d*e?f"g<h>i|j') == "a-b-c-d-e-f-g-h-i-j"
    assert sanitize("  tên .  ") == "tên"
    assert sanitize("x" * 100, limit=10) == "x" * 9 + "…"
    assert sanitize("...") == "_"
    used: set[str] = set()
    assert [_unique("a/b.pdf", used) for _ in range(3)] == ["a/b.pdf", "a/b (2).pdf",
                                                           "a/b (3).pdf"]
