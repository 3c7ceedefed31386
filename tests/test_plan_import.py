"""Plan import: preview, decisions about unknown units, one-transaction import, no
duplicates on re-import, the /nhapkehoach chat flow and the `plan` command line."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import build_app
from bot.cli import main
from db import services
from db.models import Outbox, Plan, Task, Unit, UnitAlias
from db.session import unit_of_work
from handlers import registry
from handlers.import_plan import FLOW, import_plan, import_plan_flow
from plans import importer
from plans.importer import Decisions, NewUnit
from plans.ocr import ocr_available
from plans.parser import parse_text
from tests.plan_builders import sample_text, text_pdf_without_text_layer, text_to_docx
from tests.scan_builders import pages_to_pdf, scanned_pages
from tests.support import Harness, make_settings
from timelang.clock import FakeClock

ADMIN = "1"  # telegram:1 is an admin (see make_settings)

UNITS = [
    ("UBND", "UBND huyện Chợ Mới", None, "huyen"),
    ("PNV", "Phòng Nội vụ", "UBND", "phong"),
    ("VP", "Văn phòng HĐND và UBND huyện", "UBND", "phong"),
    ("TCKH", "Phòng Tài chính - Kế hoạch", "UBND", "phong"),
    ("VHTT", "Phòng Văn hóa và Thông tin", "UBND", "phong"),
    ("TTR", "Thanh tra huyện", "UBND", "phong"),
    ("XALD", "UBND xã Long Điền A", "UBND", "xa"),
    ("TTCM", "UBND thị trấn Chợ Mới", "UBND", "thi tran"),
]


def seed(app: Any) -> None:
    now = app.clock.now()
    with unit_of_work(app.session_factory) as session:
        made: dict[str, Unit] = {}
        for code, name, parent, kind in UNITS:
            made[code] = services.create_unit(
                session, code=code, name=name, parent=made.get(parent or ""), kind=kind,
                actor="test", now=now,
            )


@pytest.fixture
def app(tmp_path: Path, db_url: str, clock: FakeClock) -> Iterator[Any]:
    application = build_app(make_settings(tmp_path, db_url), clock=clock)
    seed(application)
    yield application
    application.close()


@pytest.fixture
def chat_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """/nhapkehoach in the registry, whether or not the lead has added it yet."""
    if registry.find("nhapkehoach") is None:
        monkeypatch.setattr(registry, "COMMANDS", [
            *registry.COMMANDS,
            registry.Command("nhapkehoach", import_plan, "Nhập kế hoạch (quản trị)"),
        ])
    monkeypatch.setitem(registry.FLOWS, FLOW, import_plan_flow)


@pytest.fixture
async def harness(app: Any, chat_commands: None) -> AsyncIterator[Harness]:
    yield Harness(app)


def _count(app: Any, model: Any) -> int:
    with app.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _plan_004() -> Any:
    return parse_text(sample_text("004"), "004.txt")


# --- importer ------------------------------------------------------------------------------


def test_preview_counts_tasks_per_unit_and_lists_unknown_names(app: Any) -> None:
    with app.session_factory() as session:
        preview = importer.preview_import(session, _plan_004())
    per_unit = {unit.code: count for unit, count in preview.per_unit}
    # "UBND xã - thị trấn" means every commune: both get the section tasks.
    assert per_unit["XALD"] == per_unit["TTCM"] > 20
    assert per_unit["PNV"] > per_unit["TCKH"] >= 2
    assert "Các ngành liên quan" in preview.unknown
    assert "Ủy ban Mặt trận Tổ quốc Việt Nam huyện" in preview.unknown
    assert [task.parsed.ref for task in preview.left_out] == ["II.6-1", "II.6-2", "II.10"]
    assert {"II.1-3", "II.3", "II.3 (2)", "IV-1"} <= {t.parsed.ref for t in preview.recurring}
    assert preview.existing_plan_id is None
    assert _count(app, Task) == 0  # a preview writes nothing


def test_import_creates_one_task_per_lead_unit_with_the_plan_ref(app: Any) -> None:
    plan = _plan_004()
    now = app.clock.now()
    with unit_of_work(app.session_factory) as session:
        result = importer.import_plan(session, plan, actor="test", now=now,
                                      today=now.date())
        created = len(result.created)
    with app.session_factory() as session:
        rows = session.scalars(select(Task).where(Task.ref == "II.5-1")).all()
        assert sorted(task.lead_unit.code for task in rows) == ["PNV"]
        assert {unit.code for unit in rows[0].support_units} == {"XALD", "TTCM"}
        assert rows[0].plan.number == "341/KH-UBND"
        assert rows[0].schedule_kind == "ongoing"
        monthly = session.scalars(select(Task).where(Task.ref == "II.3")).one()
        assert monthly.schedule_kind == "recurring" and monthly.lead_unit.code == "VP"
        assert monthly.occurrences  # periods created by the core service
        assert session.scalar(select(func.count()).select_from(Task)) == created


def test_importing_the_same_plan_twice_does_not_duplicate(app: Any) -> None:
    now = app.clock.now()
    for _ in range(2):
        with unit_of_work(app.session_factory) as session:
            importer.import_plan(session, _plan_004(), actor="test", now=now, today=now.date())
    first_total = _count(app, Task)
    assert _count(app, Plan) == 1
    # The same plan sent again as a Word file is the same plan (number and date).
    with unit_of_work(app.session_factory) as session:
        from plans.parser import read_plan

        docx_plan = read_plan(text_to_docx(sample_text("004")), "341.docx")
        preview = importer.preview_import(session, docx_plan)
        assert preview.new_task_count == 0 and preview.existing_plan_id is not None
        importer.import_plan(session, docx_plan, actor="test", now=now, today=now.date())
    assert _count(app, Task) == first_total


def test_a_later_mapping_adds_only_the_missing_tasks(app: Any) -> None:
    now = app.clock.now()
    with unit_of_work(app.session_factory) as session:
        importer.import_plan(session, _plan_004(), actor="test", now=now, today=now.date())
    before = _count(app, Task)
    decisions = Decisions(mappings={"Ủy ban Mặt trận Tổ quốc Việt Nam huyện": ["UBND"]},
                          default_lead="PNV")
    with unit_of_work(app.session_factory) as session:
        result = importer.import_plan(session, _plan_004(), decisions, actor="test", now=now,
                                      today=now.date())
        assert sorted(task.ref for task in result.created) == ["II.10", "II.6-1", "II.6-2"]
    assert _count(app, Task) == before + 3
    with app.session_factory() as session:
        aliases = session.scalars(select(UnitAlias.alias)).all()
        assert "Ủy ban Mặt trận Tổ quốc Việt Nam huyện" in aliases  # learnt for next time


def test_created_units_and_skipped_names(app: Any) -> None:
    now = app.clock.now()
    decisions = Decisions(
        mappings={"Các ngành liên quan": []},
        create={"Trung tâm Văn hóa - Thể thao và Truyền thanh": NewUnit(
            "TTVH", "Trung tâm Văn hóa - Thể thao và Truyền thanh", "UBND")},
    )
    with unit_of_work(app.session_factory) as session:
        preview = importer.preview_import(session, _plan_004(), decisions)
        assert "Các ngành liên quan" in preview.skipped
        assert "Các ngành liên quan" not in preview.unknown
        result = importer.import_plan(session, _plan_004(), decisions, actor="test", now=now,
                                      today=now.date())
        assert [unit.code for unit in result.created_units] == ["TTVH"]
    with app.session_factory() as session:
        task = session.scalars(select(Task).where(Task.ref == "II.2-1")).one()
        assert "TTVH" in {unit.code for unit in task.support_units}


def test_a_failure_half_way_leaves_nothing(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    real = services.create_task
    calls = {"n": 0}

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 10:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "create_task", failing)
    now = app.clock.now()
    with pytest.raises(RuntimeError), unit_of_work(app.session_factory) as session:
        importer.import_plan(session, _plan_004(), actor="test", now=now, today=now.date())
    assert _count(app, Task) == 0 and _count(app, Plan) == 0


def test_unknown_mapping_code_is_refused(app: Any) -> None:
    with app.session_factory() as session, pytest.raises(importer.PlanImportError):
        importer.preview_import(session, _plan_004(), Decisions(mappings={"X": ["NOPE"]}))


# --- chat ----------------------------------------------------------------------------------


async def _join(h: Harness, user: str, unit: str) -> None:
    await h.send(ADMIN, "/start", name="Quản trị")
    await h.send(user, f"/dangky {unit}", name=f"Cán bộ {user}")
    approve = next(o.command for o in h.transport.sent[-1][2] if "canbo" in o.command)
    await h.send(ADMIN, approve)


async def test_chat_import_with_preview_mapping_and_one_notice_per_unit(harness: Harness) -> None:
    await _join(harness, "300", "PNV")
    await _join(harness, "301", "XALD")
    sent_before = len(harness.transport.sent)

    reply = await harness.send(ADMIN, "/nhapkehoach")
    assert "Gửi tệp kế hoạch" in reply.text
    document = harness.attach("f1", text_to_docx(sample_text("004")),
                              file_name="KH 341.docx")
    reply = await harness.send(ADMIN, "", attachment=document)
    preview = reply.text
    assert "KẾ HOẠCH số 341/KH-UBND ngày 22/02/2023" in preview
    assert "Đọc được <b>43</b> nhiệm vụ" in preview
    assert "Phòng Nội vụ (<code>PNV</code>)" in preview
    assert "Định kỳ" in preview and "Tên đơn vị chưa rõ" in preview
    # A 2023 plan read in 2026: its one-off dates are kept, and listed as already past.
    assert "nhiệm vụ có hạn đã qua (giữ đúng hạn ghi trong kế hoạch" in preview
    buttons = [option.command for option in reply.replies[-1].buttons]
    assert buttons[0] == "/nhapkehoach xacnhan" and "/nhapkehoach huy" in buttons
    assert _count(harness.app, Task) == 0

    names = [line for line in preview.split("\n") if line[:2] in {f"{i}." for i in range(1, 10)}]
    index = next(line.split(".")[0] for line in names if "Các ngành liên quan" in line)
    menu = await harness.send(ADMIN, f"/nhapkehoach gan {index}")
    assert any(option.command == f"/nhapkehoach gan {index} TCKH"
               for option in menu.replies[-1].buttons)
    reply = await harness.send(ADMIN, f"/nhapkehoach gan {index} TCKH")
    assert "Các ngành liên quan → TCKH" in reply.text

    listing = await harness.send(ADMIN, "/nhapkehoach ds 2")
    assert "trang 2/5" in listing.text

    done = await harness.send(ADMIN, "/nhapkehoach xacnhan")
    assert "Đã nhập" in done.text and "341/KH-UBND" in done.text
    with harness.app.session_factory() as session:
        pnv_tasks = session.scalars(
            select(Task).join(Unit, Task.lead_unit_id == Unit.id).where(Unit.code == "PNV")
        ).all()
        assert pnv_tasks and all(task.ref for task in pnv_tasks)
        kinds = session.scalars(select(Outbox.kind).where(Outbox.kind == "plan_import")).all()
        assert len(kinds) == 2  # one message for the PNV member, one for the commune's
    notices = [text for chat, text, _ in harness.transport.sent[sent_before:]
               if chat in ("300", "301")]
    assert len(notices) == 2
    assert all("nhiệm vụ mới theo Kế hoạch số 341/KH-UBND" in text for text in notices)

    again = await harness.send(ADMIN, "/nhapkehoach xacnhan")
    assert "Không có kế hoạch nào đang chờ" in again.text


async def test_chat_cancel_writes_nothing(harness: Harness) -> None:
    await harness.send(ADMIN, "/nhapkehoach")
    document = harness.attach("f2", sample_text("002").encode(), file_name="kh23.txt")
    reply = await harness.send(ADMIN, "", attachment=document)
    assert "23/KH-UBND" in reply.text
    reply = await harness.send(ADMIN, "/nhapkehoach huy")
    assert "Đã huỷ" in reply.text
    assert _count(harness.app, Task) == 0 and _count(harness.app, Plan) == 0


@pytest.mark.parametrize(
    ("data", "name", "size", "words"),
    [
        (b"", "trong.docx", None, "trống"),
        # Read by OCR (no text in it), or refused because Tesseract is not installed.
        (text_pdf_without_text_layer(), "scan.pdf", None, "bản scan/ảnh"),
        (b"%PDF-1.4 not really", "ke-hoach.docx", None, "đuôi"),
        (b"x" * 10, "lon.pdf", 25 * 1024 * 1024, "vượt giới hạn"),
        ("Kính gửi Phòng Nội vụ.\n\nTrân trọng.".encode(), "thu.txt", None,
         "Không tìm thấy nhiệm vụ"),
    ],
)
async def test_chat_bad_files_get_a_reason_and_nothing_is_written(
    harness: Harness, data: bytes, name: str, size: int | None, words: str
) -> None:
    await harness.send(ADMIN, "/nhapkehoach")
    document = harness.attach("bad", data, file_name=name, size=size)
    reply = await harness.send(ADMIN, "", attachment=document)
    assert words in reply.text
    assert _count(harness.app, Plan) == 0 and _count(harness.app, Task) == 0
    # Still waiting: the next good file is read.
    good = harness.attach("good", sample_text("000").encode(), file_name="kh.txt")
    reply = await harness.send(ADMIN, "", attachment=good)
    assert "Đọc được <b>14</b> nhiệm vụ" in reply.text


async def test_file_sent_with_the_command_as_caption(harness: Harness) -> None:
    document = harness.attach("c", sample_text("000").encode(), file_name="kh.txt")
    reply = await harness.send(ADMIN, "/nhapkehoach", attachment=document)
    assert "Đọc được <b>14</b> nhiệm vụ" in reply.text


async def test_only_admins_import(harness: Harness) -> None:
    reply = await harness.send("555", "/nhapkehoach")
    assert "Chỉ cán bộ quản trị" in reply.text


async def test_text_while_waiting_for_the_file(harness: Harness) -> None:
    await harness.send(ADMIN, "/nhapkehoach")
    reply = await harness.send(ADMIN, "xin chào")
    assert "đang chờ tệp kế hoạch" in reply.text


# --- command line --------------------------------------------------------------------------


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> Path:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.delenv("ADMINS", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kh341.txt").write_text(sample_text("004"), encoding="utf-8")
    return tmp_path


def test_cli_parse_prints_the_contract_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "kh.docx"
    path.write_bytes(text_to_docx(sample_text("004")))
    assert main(["plan", "parse", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["number"] == "341/KH-UBND" and data["date"] == "2023-02-22"
    assert len(data["tasks"]) == 43
    v1 = next(task for task in data["tasks"] if task["ref"] == "V-1")
    assert v1["deadline"]["kind"] == "once"
    assert not (tmp_path / "data").exists()  # parse writes nothing


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (None, "khong-co.txt", "không tìm thấy tệp"),
        (b"", "trong.txt", "trống"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "anh.png", "ảnh chụp"),
        (b"Kinh gui.", "thu.txt", "Không tìm thấy nhiệm vụ"),
    ],
)
def test_cli_parse_bad_input_exits_2_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    content: bytes | None, name: str, words: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    if content is not None:
        (tmp_path / name).write_bytes(content)
    assert main(["plan", "parse", name]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err


def test_cli_import_asks_then_imports_once(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    for code, name, parent, kind in UNITS:
        argv = ["unit", "add", code, name, "--kind", kind or ""]
        if parent:
            argv += ["--parent", parent]
        assert main(argv) == 0
    capsys.readouterr()
    # Without --yes and without a terminal to ask on: refuse, write nothing.
    assert main(["plan", "import", "kh341.txt"]) == 2
    out = capsys.readouterr()
    assert "Sẽ tạo" in out.out and "--yes" in out.err
    assert main(["plan", "import", "kh341.txt", "--yes", "--map", "Các ngành liên quan=TCKH",
                 "--skip", "Các tổ chức thành viên", "--default-unit", "PNV", "--json"]) == 0
    result = json.loads(capsys.readouterr().out.split("\n}\n", 1)[1])
    assert result["created_tasks"] > 40 and result["existing_tasks"] == 0
    assert main(["plan", "import", "kh341.txt", "--yes"]) == 0
    assert "Không có nhiệm vụ mới" in capsys.readouterr().out


@pytest.mark.skipif(not ocr_available(), reason="Tesseract (vie) is not installed")
async def test_a_scanned_plan_in_chat_says_how_far_it_has_got_and_is_marked_unsure(
    harness: Harness,
) -> None:
    pages = scanned_pages(sample_text("000"), dpi=200, max_pages=2)
    await harness.send(ADMIN, "/nhapkehoach")
    document = harness.attach("scan", pages_to_pdf(pages), file_name="ban-scan.pdf")
    reply = await harness.send(ADMIN, "", attachment=document)
    texts = [sent.text for sent in reply.replies]
    assert "đang nhận dạng chữ (2 trang)" in texts[0]
    assert "Đang đọc trang 2/2" in texts[1]
    assert "Đọc bằng nhận dạng chữ (OCR)" in texts[-1] and "chưa chắc" in texts[-1]
    listing = await harness.send(ADMIN, "/nhapkehoach ds")
    assert "OCR, chưa chắc" in listing.text
    assert _count(harness.app, Task) == 0
