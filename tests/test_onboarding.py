"""Onboarding at scale, by conversation through the real router: invitation links (deep link,
QR code, approval or automatic, revoked, expired), the staff list imported from .xlsx and
matched by a shared phone number, /duyet listing and approving all; and the CLI."""

from __future__ import annotations

import io
import json
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from bot.app import build_app
from bot.cli import main
from db.models import Invitation, JoinRequest, Membership, StaffEntry
from handlers.base import Incoming
from plans.staff_list import normalize_phone
from tests.support import Harness, RecordingReplier, make_settings
from tests.test_handlers import ADMIN, seed
from timelang.clock import FakeClock

LINK = re.compile(r"https://t\.me/nhacviec_bot\?start=([A-Za-z0-9_-]+)")


@pytest.fixture
async def harness(tmp_path: Path, db_url: str, clock: FakeClock) -> AsyncIterator[Harness]:
    app = build_app(make_settings(tmp_path, db_url, telegram_bot_username="nhacviec_bot"),
                    clock=clock)
    harness = Harness(app)
    seed(app)
    await harness.send(ADMIN, "/start", name="Quản trị")
    yield harness
    app.close()


async def create_link(h: Harness, text: str) -> tuple[str, RecordingReplier]:
    reply = await h.send(ADMIN, text)
    match = LINK.search(reply.text)
    assert match is not None, reply.text
    return match.group(1), reply


def count(h: Harness, model: Any, *where: Any) -> int:
    with h.app.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def role_of(h: Harness, user: str, unit_code: str) -> str | None:
    from db.models import Identity, Unit

    with h.app.session_factory() as session:
        return session.scalar(
            select(Membership.role).join(Identity, Identity.person_id == Membership.person_id)
            .join(Unit, Unit.id == Membership.unit_id)
            .where(Identity.external_id == user, Unit.code == unit_code))


async def test_invitation_link_needs_the_leaders_approval(harness: Harness) -> None:
    h = harness
    token, reply = await create_link(h, "/moi PNV")
    assert "lãnh đạo đơn vị duyệt" in reply.text
    qr = [r.file for r in reply.replies if r.file is not None]
    assert qr and qr[0].mime_type == "image/png" and qr[0].data.startswith(b"\x89PNG")
    # Only the hash is kept.
    with h.app.session_factory() as session:
        stored = session.scalars(select(Invitation.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0]

    joined = await h.send("201", f"/start {token}", name="Trần Thị Mai")
    assert "Đã gửi yêu cầu tham gia <b>Phòng Nội vụ</b>" in joined.text
    assert any("Trần Thị Mai" in text for _, text, _ in h.transport.sent)
    await h.send("202", f"/start {token}", name="Lê Văn Hùng")
    assert count(h, JoinRequest, JoinRequest.status == "pending") == 2

    listing = await h.send(ADMIN, "/duyet")
    assert "đang chờ duyệt (2)" in listing.text
    assert "Trần Thị Mai" in listing.text and "Lê Văn Hùng" in listing.text
    commands = [o.command for r in listing.replies for o in r.buttons]
    assert "/duyet tatca" in commands and any(c.endswith(" canbo") for c in commands)

    asked = await h.send(ADMIN, "/duyet tatca")
    assert "Duyệt 2 yêu cầu" in asked.text and "Xác nhận?" in asked.text
    assert count(h, JoinRequest, JoinRequest.status == "pending") == 2  # not before "Có"
    done = await h.send(ADMIN, "có")
    assert "Đã duyệt 2 yêu cầu" in done.text
    assert role_of(h, "201", "PNV") == "member" and role_of(h, "202", "PNV") == "member"
    assert "Không có yêu cầu" in (await h.send(ADMIN, "/duyet")).text
    assert any(chat == "201" and "Phòng Nội vụ" in text for chat, text, _ in h.transport.sent)


async def test_automatic_link_revoked_and_expired(harness: Harness, clock: FakeClock) -> None:
    h = harness
    token, reply = await create_link(h, "/moi VP tudong 10")
    assert "tự động nhận" in reply.text
    welcome = await h.send("301", f"/start {token}", name="Phạm Thu")
    assert "Chào mừng Phạm Thu" in welcome.text and "Văn phòng HĐND-UBND" in welcome.text
    assert role_of(h, "301", "VP") == "member"
    again = await h.send("301", f"/start {token}")
    assert "đã ở trong" in again.text

    listing = await h.send(ADMIN, "/moi ds")
    assert "đã dùng 1 lần" in listing.text
    number = re.search(r"Số (\d+):", listing.text)
    assert number is not None
    revoked = await h.send(ADMIN, f"/moi thuhoi {number.group(1)}")
    assert "Đã thu hồi" in revoked.text
    refused = await h.send("302", f"/start {token}", name="Người khác")
    assert "không đúng hoặc đã bị thu hồi" in refused.text
    assert role_of(h, "302", "VP") is None

    later, _ = await create_link(h, "/moi VP tudong 1")
    clock.advance(timedelta(days=2))
    expired = await h.send("303", f"/start {later}")
    assert "đã hết hạn" in expired.text and role_of(h, "303", "VP") is None
    forged = await h.send("304", "/start AAAAAAAAAAAAAAAAAAAAAA")
    assert "không đúng" in forged.text
    # Not an admin: no links.
    assert "quản trị" in (await h.send("301", "/moi PNV")).text.lower()


def staff_xlsx(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH CÁN BỘ"])
    sheet.append(["STT", "Họ và tên", "Số điện thoại", "Đơn vị", "Vai trò"])
    for number, row in enumerate(rows, 1):
        sheet.append([number, *row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class ContactReplier(RecordingReplier):
    supports_contact = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.asked: list[str] = []

    async def ask_contact(self, text: str, button: str) -> None:
        self.asked.append(button)
        await self.send_text(text)


async def share(h: Harness, user: str, phone: str) -> RecordingReplier:
    replier = RecordingReplier()
    await h.app.router.handle(Incoming(platform="telegram", chat_id=user, user_id=user,
                                       user_name=user, contact_phone=phone), replier)
    return replier


async def test_staff_list_import_and_phone_match(harness: Harness) -> None:
    h = harness
    bad = staff_xlsx([
        ["Nguyễn Văn An", "0912 345 678", "PNV", "lãnh đạo"],
        ["", "0987654321", "PNV", "cán bộ"],
        ["Trần Bình", "12345", "PNV", "cán bộ"],
        ["Lê Chi", "0912345678", "Phòng Không Có", "giám đốc sở"],
        ["Đỗ Dũng", "0933333333", "VP", "trưởng nhóm"],
    ])
    reply = await h.send(ADMIN, "/nhapcanbo", attachment=h.attach("bad", bad,
                                                                  file_name="ds.xlsx"))
    text = reply.text
    assert "Chưa nhập dòng nào" in text
    assert "Dòng 4: thiếu họ và tên" in text
    assert "Dòng 5: số điện thoại «12345» không hợp lệ" in text
    assert "Dòng 6: số điện thoại 0912345678 đã có ở dòng 3" in text
    assert "Dòng 7: vai trò «trưởng nhóm» không rõ" in text
    assert count(h, StaffEntry) == 0  # nothing half-imported

    unknown_unit = staff_xlsx([["Nguyễn Văn An", "0912345678", "Sở Không Có", "lãnh đạo"]])
    reply = await h.send(ADMIN, "/nhapcanbo",
                         attachment=h.attach("unit", unknown_unit, file_name="ds.xlsx"))
    assert "Dòng 3: không có đơn vị «Sở Không Có»" in reply.text
    assert count(h, StaffEntry) == 0

    good = staff_xlsx([
        ["Nguyễn Văn An", "+84 912 345 678", "PNV", "Lãnh đạo"],
        ["Trần Thị Bình", 987654321, "Văn phòng HĐND-UBND", "Cán bộ"],
    ])
    waiting = await h.send(ADMIN, "/nhapcanbo")
    assert "Hãy gửi tệp Excel" in waiting.text
    reply = await h.send(ADMIN, "", attachment=h.attach("good", good, file_name="ds.xlsx"))
    assert "2 người mới" in reply.text, reply.text
    assert count(h, StaffEntry) == 2

    # /start offers the contact button to someone in no unit yet.
    replier = ContactReplier()
    await h.app.router.handle(Incoming(platform="telegram", chat_id="401", user_id="401",
                                       user_name="An", text="/start"), replier)
    assert replier.asked == ["📱 Chia sẻ số điện thoại"]

    forwarded = await share(h, "402", "")  # somebody else's contact card
    assert "của chính anh/chị" in forwarded.text and role_of(h, "402", "PNV") is None
    joined = await share(h, "401", "+84912345678")
    assert "Nguyễn Văn An" in joined.text and "lãnh đạo" in joined.text
    assert role_of(h, "401", "PNV") == "leader"
    taken = await share(h, "403", "0912345678")
    assert "đã được dùng cho một tài khoản khác" in taken.text
    assert role_of(h, "403", "PNV") is None
    stranger = await share(h, "404", "0900000001")
    assert "chưa có trong danh sách" in stranger.text
    typed = await h.send("405", "/sodienthoai")
    assert "Chia sẻ số điện thoại" in typed.text


def test_phone_numbers() -> None:
    assert normalize_phone("+84 912 345 678") == "0912345678"
    assert normalize_phone("84912345678") == "0912345678"
    assert normalize_phone("0912.345.678") == "0912345678"
    assert normalize_phone("912345678") == "0912345678"
    for bad in ("12345", "0012345678", "09123456789", "abc", "", "０９１２３４５６７８"):
        assert normalize_phone(bad) is None, bad


def test_cli_invite_and_staff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "nhacviec_bot")
    monkeypatch.delenv("ADMINS", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["db", "upgrade"]) == 0
    assert main(["unit", "add", "PNV", "Phòng Nội vụ"]) == 0
    capsys.readouterr()
    assert main(["invite", "create", "PNV", "--auto", "--days", "7",
                 "--qr", str(tmp_path / "qr.png")]) == 0
    created = json.loads(capsys.readouterr().out)
    assert LINK.search(created["link"]) and created["auto"] is True
    assert (tmp_path / "qr.png").read_bytes().startswith(b"\x89PNG")
    assert main(["invite", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [row["id"] for row in listed] == [created["id"]] and "link" not in listed[0]
    assert main(["invite", "revoke", str(created["id"])]) == 0
    capsys.readouterr()
    assert main(["invite", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []

    (tmp_path / "bad.xlsx").write_bytes(staff_xlsx([["An", "123", "PNV", "cán bộ"]]))
    assert main(["staff", "import", str(tmp_path / "bad.xlsx")]) == 1
    assert "Dòng 3: số điện thoại «123» không hợp lệ" in capsys.readouterr().err
    (tmp_path / "ok.xlsx").write_bytes(staff_xlsx([["An", "0912345678", "PNV", "cán bộ"]]))
    assert main(["staff", "import", str(tmp_path / "ok.xlsx")]) == 0
    assert json.loads(capsys.readouterr().out) == {"added": 1, "updated": 0}
