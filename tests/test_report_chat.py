"""/baocao through the real router: who sees what, the text summary and the two files."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.app import build_app
from db.models import Task
from db.session import unit_of_work
from handlers.base import ButtonLayout, Incoming, OutgoingFile, Replier
from tests.support import Harness, make_settings
from tests.test_report_scenario import District, apply_events, build_district, local
from texts import messages
from timelang.clock import FakeClock

ADMIN = "1"  # telegram:1 is in ADMINS
CHAIRMAN, COMMUNE_LEADER, MEMBER = "900", "907", "901"  # see tests.test_report_scenario.PEOPLE


@pytest.fixture
async def harness(tmp_path: Path, db_url: str) -> AsyncIterator[Harness]:
    app = build_app(make_settings(tmp_path, db_url), clock=FakeClock(local("01/07", "08:00")))
    with unit_of_work(app.session_factory) as session:
        district = build_district(session)
        apply_events(session, district, local("01/07", "08:00"))
    harness = Harness(app)
    harness.district = district  # type: ignore[attr-defined]
    yield harness
    app.close()


def files(reply: Any) -> list[OutgoingFile]:
    return [r.file for r in reply.replies if r.file is not None]


Q1_TEXT = """📊 <b>Báo cáo quý I/2026</b> (01/01/2026 – 31/03/2026)
Phạm vi: tất cả đơn vị
🔒 Kỳ đã khóa sổ; số liệu tính đến hết ngày 31/03/2026, chốt lúc 08:00 01/07/2026.

Giao <b>10</b> nhiệm vụ đến hạn trong kỳ: hoàn thành 9 (đúng hạn <b>6</b>, trễ hạn <b>3</b>), \
quá hạn <b>1</b>, đang thực hiện 0.
Tỷ lệ hoàn thành đúng hạn: <b>60%</b> (6/10 nhiệm vụ đã đến hạn).
⏳ Được gia hạn: 1 nhiệm vụ (tính theo hạn mới).

<b>Xếp hạng đơn vị:</b>
1. Phòng Văn hóa và Thông tin — 100% (1/1 đúng hạn)
1. UBND xã Long Điền A — 100% (1/1 đúng hạn)
3. Phòng Nội vụ — 50% (1/2 đúng hạn)
3. Văn phòng HĐND và UBND huyện — 50% (1/2 đúng hạn)
3. UBND xã Mỹ Hội Đông — 50% (1/2 đúng hạn)
6. Thanh tra huyện — 0% (0/1 đúng hạn, quá hạn 1)
• UBND huyện Chợ Mới (trực tiếp): 100% (1/1 đúng hạn)"""


async def test_admin_gets_summary_spreadsheet_and_chart(harness: Harness) -> None:
    reply = await harness.send(ADMIN, "/baocao quy I/2026")
    assert reply.replies[0].text == Q1_TEXT
    sheet, png = files(reply)
    assert sheet.file_name == "baocao_2026-Q1.xlsx"
    assert sheet.mime_type.endswith("spreadsheetml.sheet")
    assert sheet.caption == "📑 Báo cáo quý I/2026: bảng tổng hợp và danh sách từng nhiệm vụ."
    summary = load_workbook(io.BytesIO(sheet.data))["Tổng hợp"]
    assert [c.value for c in summary[6]] == [1, "UBND", "UBND huyện Chợ Mới", 10, 6, 3, 1, 0,
                                             0.6, 1, 1, 0]
    assert (png.file_name, png.mime_type) == ("bieudo_2026-Q1.png", "image/png")
    assert Image.open(io.BytesIO(png.data)).size[0] == 1100

    # Asked again after a change to its data, the closed quarter answers the same.
    with unit_of_work(harness.app.session_factory) as session:
        task = session.get(Task, harness.district.tasks["T2"])  # type: ignore[attr-defined]
        task.status = "cancelled"
    again = await harness.send(ADMIN, "/BáoCáo quý 1 năm 2026")
    assert again.replies[0].text == Q1_TEXT


async def test_next_quarter_shows_the_late_completion(harness: Harness) -> None:
    reply = await harness.send(ADMIN, "/baocao quy truoc")  # 01/07 → Q2
    text = reply.replies[0].text
    assert "<b>Báo cáo quý II/2026</b>" in text
    assert "đúng hạn <b>6</b>, trễ hạn <b>2</b>), quá hạn <b>2</b>" in text
    assert "☑️ Hoàn thành trễ hạn việc của kỳ trước: 1 nhiệm vụ." in text
    assert "3. Văn phòng HĐND và UBND huyện — 66,7% (2/3 đúng hạn, quá hạn 1)" in text


async def test_running_year_and_a_range(harness: Harness) -> None:
    year = (await harness.send(ADMIN, "/baocao nam")).replies[0].text
    assert "<b>Báo cáo năm 2026</b>" in year and "Số liệu tính đến ngày 01/07/2026." in year
    assert "Giao <b>21</b> nhiệm vụ" in year and "đang thực hiện 1" in year
    ranged = (await harness.send(ADMIN, "/baocao 01/04/2026-30/06/2026")).replies[0].text
    assert "<b>Báo cáo quý II/2026</b>" in ranged  # the same dates as the quarter
    custom = (await harness.send(ADMIN, "/baocao 01/02/2026 - 15/02/2026 VP")).replies[0].text
    assert "Báo cáo từ 01/02/2026 đến 15/02/2026" in custom
    assert "Phạm vi: Văn phòng HĐND và UBND huyện" in custom
    assert "Số liệu tính đến hết ngày 15/02/2026." in custom
    assert "Giao <b>1</b> nhiệm vụ" in custom


async def test_leader_sees_their_unit_only(harness: Harness) -> None:
    reply = await harness.send(COMMUNE_LEADER, "/baocao quy 1/2026")
    text = reply.replies[0].text
    assert "Phạm vi: UBND xã Mỹ Hội Đông" in text and "Giao <b>2</b> nhiệm vụ" in text
    assert "Xếp hạng" not in text
    summary = load_workbook(io.BytesIO(files(reply)[0].data))["Tổng hợp"]
    assert [c.value for c in summary[6]][:4] == [1, "XA_A", "UBND xã Mỹ Hội Đông", 2]
    assert summary[7][2].value == "Tổng cộng"

    refused = await harness.send(COMMUNE_LEADER, "/baocao PNV quy")
    assert refused.text == messages.NOT_ALLOWED

    chairman = await harness.send(CHAIRMAN, "/baocao XA_B quy I/2026")
    assert "Phạm vi: UBND xã Long Điền A" in chairman.replies[0].text


async def test_member_nothing_due_bad_period_and_stranger(harness: Harness) -> None:
    member = await harness.send(MEMBER, "/baocao")  # 01/07: the third quarter has just begun
    assert member.replies[0].text.endswith("Không có nhiệm vụ nào đến hạn trong quý III/2026.")
    assert "Phạm vi: Phòng Nội vụ" in member.text
    assert files(member) == []

    bad = await harness.send(ADMIN, "/baocao quy 5")
    assert bad.text.startswith("Chưa hiểu kỳ báo cáo «quy 5».")
    stranger = await harness.send("555", "/baocao")
    assert stranger.text == messages.NOT_REGISTERED


class TextOnlyReplier(Replier):
    """A platform that cannot send files (as the Zalo Bot Platform today)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    async def _send_chunk(self, text: str, buttons: ButtonLayout | None) -> None:
        self.sent.append(text)


async def test_platform_without_files_gets_text_and_a_pointer(harness: Harness) -> None:
    replier = TextOnlyReplier()
    await harness.app.router.handle(Incoming(platform="telegram", chat_id=ADMIN, user_id=ADMIN,
                                             user_name="Quản trị", text="/baocao quy I/2026"),
                                    replier)
    assert replier.sent == [Q1_TEXT, messages.REPORT_FILES_UNAVAILABLE]


def test_district_fixture_is_complete(harness: Harness) -> None:
    district: District = harness.district  # type: ignore[attr-defined]
    assert len(district.tasks) == 15 and len(district.units) == 7


async def test_a_task_assigned_and_done_in_chat_is_counted(harness: Harness) -> None:
    assigned = await harness.send(ADMIN, "/giao PNV | Báo cáo sơ kết 6 tháng | 31/07/2026")
    assert "Đã giao nhiệm vụ" in assigned.text
    task_id = assigned.text.split("#", 1)[1].split("<", 1)[0].split()[0]
    done = await harness.send_confirmed(MEMBER, f"/hoanthanh {task_id} đã gửi")
    assert "đúng hạn" in done.text
    july = (await harness.send(ADMIN, "/baocao thang")).replies[0].text
    assert "<b>Báo cáo tháng 07/2026</b>" in july
    # T4-06 (due 05/07) is still open; the new task is done on time.
    assert "Giao <b>2</b> nhiệm vụ đến hạn trong kỳ: hoàn thành 1 (đúng hạn <b>1</b>" in july
