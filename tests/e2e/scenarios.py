"""Chat scenarios written once and run on every platform, each through its own driver.

A scenario is an `async def scenario(driver: ChatDriver) -> None` that talks to the bot as
several people and checks what they read. It knows nothing of Telegram or Zalo: the driver
turns `say`, `send_photo`, `choose` … into real updates against a fake platform server, lets
the real adapter, router, database and outbox sender handle them, and reads back what the
fake server was asked to send.

The driver protocol
-------------------
`ChatDriver.platform`
    "telegram", "zalo", …: the Identity.platform the driver's users get.
`ChatDriver.app`, `ChatDriver.clock`
    The `bot.app.App` under test and its `FakeClock`. The clock starts on Monday 02/03/2026,
    08:00 Hà Nội time (the conftest `clock` fixture); scenarios move it forward.
`say(user, text) -> list[BotMessage]`
    The user types `text` in their private chat with the bot. Returns once the bot has
    finished handling it (the driver counts calls of `app.router.handle`) and the outbox has
    been drained, with the messages that arrived in that user's chat since the last `say`,
    `choose`, … or `inbox` for that user.
`send_photo(user, data, caption) -> list[BotMessage]`
    The user sends a photo (JPEG bytes) with an optional caption.
`send_document(user, data, file_name, mime, caption) -> list[BotMessage]`
    The user sends a document. A platform that cannot receive documents from users (the Zalo
    Bot Platform) calls `pytest.skip` with the reason.
`choose(user, message, label_contains) -> list[BotMessage]`
    Picks the option of `message` whose label contains `label_contains`: presses the button
    on Telegram, types its number on Zalo. Fails when no option matches.
`inbox(user) -> list[BotMessage]`
    Messages pushed to the user since the last call (approval requests, notices), after
    draining the outbox.

`BotMessage.text` is what the person reads (plain text, formatting removed); `options` are
the button labels, or the labels of a numbered menu ("1. Duyệt: cán bộ" → "Duyệt: cán bộ").

The driver's app must be seeded with `seed(app)` and must treat `ADMIN` as an administrator
(`ADMINS=<platform>:<ADMIN's platform id>`). Every scenario starts from that world.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import select

from db import services
from db.models import Evidence, Occurrence
from db.session import unit_of_work
from tests.support import sample_jpeg, sample_pdf


@dataclass(frozen=True)
class ScriptUser:
    key: str  # stable handle; each driver maps it to an id on its platform
    name: str  # the display name the platform reports


ADMIN = ScriptUser("admin", "Trần Quản Trị")
AN = ScriptUser("an", "Nguyễn Văn An")  # becomes a member of PNV
BAO = ScriptUser("bao", "Lê Văn Bảo")  # becomes a leader of PNV
CUONG = ScriptUser("cuong", "Phạm Thị Cường")  # asks to join VP

# The seeded tasks: (id, title, lead unit code, due date). Ids follow insertion order.
TASKS: tuple[tuple[int, str, str, str], ...] = (
    (1, "Báo cáo CCHC quý I", "PNV", "31/03/2026"),
    (2, "Rà soát thủ tục hành chính", "PNV", "05/03/2026"),
    (3, "Kiểm tra công vụ", "VP", "20/03/2026"),
)


@dataclass
class BotMessage:
    text: str
    options: list[str] = field(default_factory=list)
    url: str | None = None  # a photo or file link, when the message carries one
    # What is typed to pick each option of a numbered menu (Zalo): a position, or a task's
    # own number in task lists.
    keys: list[str] = field(default_factory=list)


class ChatDriver(Protocol):
    platform: str
    app: Any
    clock: Any

    async def say(self, user: ScriptUser, text: str) -> list[BotMessage]: ...

    async def send_photo(self, user: ScriptUser, data: bytes,
                         caption: str | None) -> list[BotMessage]: ...

    async def send_document(self, user: ScriptUser, data: bytes, file_name: str, mime: str,
                            caption: str | None) -> list[BotMessage]: ...

    async def choose(self, user: ScriptUser, message: BotMessage,
                     label_contains: str) -> list[BotMessage]: ...

    async def inbox(self, user: ScriptUser) -> list[BotMessage]: ...


Scenario = Callable[[ChatDriver], Awaitable[None]]


class HandledUpdates:
    """What every driver does the same way: count the updates the router has finished, wait
    for a number of them, and deliver what the outbox holds."""

    app: Any
    handled: int

    def _wrap_router(self) -> None:
        self.handled = 0
        self._handled_changed = asyncio.Event()
        handle = self.app.router.handle

        async def counting(incoming: Any, replier: Any) -> None:
            try:
                await handle(incoming, replier)
            finally:
                self.handled += 1
                self._handled_changed.set()

        self.app.router.handle = counting

    async def wait_handled(self, count: int, timeout: float = 10.0) -> None:
        async def reached() -> None:
            while self.handled < count:
                self._handled_changed.clear()
                await self._handled_changed.wait()

        await asyncio.wait_for(reached(), timeout)

    async def drain_outbox(self) -> None:
        for _ in range(20):
            if not await self.app.sender.drain_once():
                return


def seed(app: Any) -> None:
    """Units UBND huyện → Phòng Nội vụ (PNV), Văn phòng HĐND-UBND (VP), and three tasks."""
    from timelang.deadlines import parse_deadline

    now = app.clock.now()
    today = now.astimezone(app.settings.tz).date()
    with unit_of_work(app.session_factory) as session:
        district = services.create_unit(session, code="UBND", name="UBND huyện", parent=None,
                                        actor="test", now=now, kind="huyen")
        units = {
            "PNV": services.create_unit(session, code="PNV", name="Phòng Nội vụ",
                                        parent=district, actor="test", now=now, kind="phong"),
            "VP": services.create_unit(session, code="VP", name="Văn phòng HĐND-UBND",
                                       parent=district, actor="test", now=now, kind="phong"),
        }
        for _, title, unit, due in TASKS:
            services.create_task(session, title=title, lead_unit=units[unit],
                                 deadline=parse_deadline(due, ref=today), actor="test", now=now,
                                 today=today)


# --- helpers -------------------------------------------------------------------------------


def text_of(messages: Sequence[BotMessage]) -> str:
    return "\n".join(message.text for message in messages)


def with_option(messages: Sequence[BotMessage], label_contains: str) -> BotMessage:
    """The last message offering an option whose label contains `label_contains`."""
    for message in reversed(messages):
        if any(label_contains in option for option in message.options):
            return message
    shown = [m.options for m in messages]
    raise AssertionError(f"no option containing {label_contains!r} in {shown}")


async def register(d: ChatDriver, user: ScriptUser, unit: str = "PNV",
                   role_label: str = "cán bộ") -> None:
    """The user asks to join `unit`; the admin approves them with the given role."""
    await d.say(ADMIN, "/start")
    await d.inbox(ADMIN)
    reply = await d.say(user, f"/dangky {unit}")
    assert "Đã gửi yêu cầu tham gia" in text_of(reply), text_of(reply)
    request = with_option(await d.inbox(ADMIN), f"Duyệt: {role_label}")
    assert user.name in request.text
    reply = await d.choose(ADMIN, request, f"Duyệt: {role_label}")
    assert "Đã duyệt" in text_of(reply), text_of(reply)
    notice = text_of(await d.inbox(user))
    assert f"đã được duyệt làm {role_label}" in notice, notice


async def confirmed(d: ChatDriver, user: ScriptUser, text: str) -> list[BotMessage]:
    """Sends a command that asks "Xác nhận?" and picks "Có" (a button, or its number)."""
    asked = await d.say(user, text)
    assert "Xác nhận?" in text_of(asked), text_of(asked)
    return await d.choose(user, with_option(asked, "Có"), "Có")


def occurrence_of(d: ChatDriver, task_id: int) -> Occurrence:
    with d.app.session_factory() as session:
        return session.scalars(select(Occurrence).where(Occurrence.task_id == task_id)).one()


# --- the scenarios -------------------------------------------------------------------------


async def registration_and_approval(d: ChatDriver) -> None:
    greeting = text_of(await d.say(AN, "/start"))
    assert "Nhắc Việc" in greeting and "/dangky" in greeting
    await register(d, AN)
    help_text = text_of(await d.say(AN, "/trogiup"))
    assert "Phòng Nội vụ (cán bộ)" in help_text

    await d.say(CUONG, "/dangky VP")
    again = text_of(await d.say(CUONG, "/dangky VP"))
    assert "đang chờ duyệt" in again
    request = with_option(await d.inbox(ADMIN), "Từ chối")
    assert CUONG.name in request.text
    reply = text_of(await d.choose(ADMIN, request, "Từ chối"))
    assert "Đã từ chối" in reply
    assert "không được chấp thuận" in text_of(await d.inbox(CUONG))
    assert "chưa thuộc đơn vị" in text_of(await d.say(CUONG, "/nhiemvu"))


async def task_list(d: ChatDriver) -> None:
    await register(d, AN)
    listing = await d.say(AN, "/nhiemvu")
    text = text_of(listing)
    assert "#1" in text and "#2" in text and "#3" not in text
    # Open tasks by due date: 05/03 before 31/03.
    assert text.index("#2") < text.index("#1")
    assert "Rà soát thủ tục hành chính" in text and "05/03/2026" in text
    detail = text_of(await d.choose(AN, with_option(listing, "Rà soát"), "Rà soát"))
    assert "Nhiệm vụ #2" in detail and "Phòng Nội vụ" in detail and "05/03/2026" in detail
    assert "Không có nhiệm vụ nào quá hạn" in text_of(await d.say(AN, "/nhiemvu quahan"))


async def progress(d: ChatDriver) -> None:
    await register(d, AN)
    assert "50%" in text_of(await d.say(AN, "/capnhat 1 50 đã có dự thảo"))
    menu = await d.say(AN, "/capnhat 1")
    choice = with_option(menu, "75%")
    assert [o for o in choice.options if "%" in o] == ["25%", "50%", "75%", "100%"]
    assert "75%" in text_of(await d.choose(AN, choice, "75%"))
    detail = text_of(await d.say(AN, "/chitiet 1"))
    assert "tiến độ 75%" in detail and "đã có dự thảo" in detail
    assert "Tiến độ phải" in text_of(await d.say(AN, "/capnhat 1 abc"))
    assert occurrence_of(d, 1).progress == 75


async def photo_evidence(d: ChatDriver) -> None:
    await register(d, AN)
    first, second = sample_jpeg(), sample_jpeg() + b"\x00"
    reply = text_of(await d.send_photo(AN, first, "/minhchung 1"))
    assert "Đã lưu minh chứng" in reply and "#1" in reply
    waiting = text_of(await d.say(AN, "/minhchung 1"))
    assert "Hãy gửi ảnh" in waiting
    assert "Đã lưu minh chứng" in text_of(await d.send_photo(AN, second, None))
    assert "trước đó" in text_of(await d.send_photo(AN, first, "/minhchung 1"))
    assert "không biết là minh chứng" in text_of(await d.send_photo(AN, first, None))
    assert "Minh chứng (2)" in text_of(await d.say(AN, "/chitiet 1"))
    with d.app.session_factory() as session:
        evidence = session.scalars(select(Evidence)).all()
    assert len(evidence) == 2
    assert {e.platform for e in evidence} == {d.platform}
    assert all(d.app.evidence_store.path_for(e.sha256).exists() for e in evidence)
    assert {d.app.evidence_store.read(e.sha256) for e in evidence} == {first, second}


async def document_evidence(d: ChatDriver) -> None:
    await register(d, AN)
    reply = text_of(await d.send_document(AN, sample_pdf(), "bien_ban.pdf", "application/pdf",
                                          "/minhchung 1"))
    assert "Đã lưu minh chứng" in reply and "bien_ban.pdf" in reply


async def completion(d: ChatDriver) -> None:
    await register(d, AN)
    await register(d, BAO, role_label="lãnh đạo")
    assert "đúng hạn" in text_of(await confirmed(d, AN, "/hoanthanh 1 đã gửi báo cáo"))
    notice = text_of(await d.inbox(BAO))
    assert "báo hoàn thành nhiệm vụ #1" in notice and AN.name in notice
    assert "đã được báo hoàn thành" in text_of(await d.say(AN, "/hoanthanh 1"))

    d.clock.advance(timedelta(days=5))  # 07/03, two days past the 05/03 deadline of task 2
    late = text_of(await confirmed(d, AN, "/hoanthanh 2 xong muộn"))
    assert "trễ hạn" in late and "trễ 2 ngày" in late
    listing = text_of(await d.say(AN, "/nhiemvu"))
    assert "Hoàn thành đúng hạn" in listing and "Hoàn thành trễ hạn" in listing
    assert occurrence_of(d, 1).done_at is not None


async def extension(d: ChatDriver) -> None:
    await register(d, AN)
    await register(d, BAO, role_label="lãnh đạo")
    assert "Vui lòng ghi lý do" in text_of(await d.say(AN, "/giahan 2 15/03/2026"))
    reply = text_of(await d.say(AN, "/giahan 2 15/03/2026 chờ số liệu từ các xã"))
    assert "Chờ lãnh đạo duyệt" in reply
    request = with_option(await d.inbox(BAO), "Duyệt gia hạn")
    assert "chờ số liệu từ các xã" in request.text and AN.name in request.text
    assert "15/03/2026" in text_of(await d.choose(BAO, request, "Duyệt gia hạn"))
    assert "hạn mới 15/03/2026" in text_of(await d.inbox(AN))

    d.clock.advance(timedelta(days=10))  # 12/03: after the original date, before the new one
    assert "đúng hạn" in text_of(await confirmed(d, AN, "/hoanthanh 2"))
    occurrence = occurrence_of(d, 2)
    assert occurrence.due_date is not None and occurrence.due_date.isoformat() == "2026-03-05"
    assert occurrence.extended_due_date is not None
    assert occurrence.extended_due_date.isoformat() == "2026-03-15"


async def refusal_for_other_units_task(d: ChatDriver) -> None:
    await register(d, AN)
    for command in ("/chitiet 3", "/hoanthanh 3", "/capnhat 3 50", "/giahan 3 30/03/2026 bận"):
        reply = text_of(await d.say(AN, command))
        assert "Không tìm thấy nhiệm vụ số 3" in reply and "Văn phòng" not in reply, reply
    assert "Kiểm tra công vụ" not in text_of(await d.say(AN, "/nhiemvu"))
    occurrence = occurrence_of(d, 3)
    assert occurrence.done_at is None and occurrence.progress == 0


# --- issue 15: safe menus, confirmation, undo, reopen, typos, plain Vietnamese -------------


async def stale_menu(d: ChatDriver) -> None:
    """Task details, four unrelated messages, then "3": nothing changes."""
    await register(d, AN)
    await d.say(AN, "/chitiet 1")
    for text in ("xin chào", "/donvi", "cảm ơn", "/trogiup"):
        await d.say(AN, text)
    reply = text_of(await d.say(AN, "3"))
    assert "không có gì thay đổi" in reply.lower(), reply
    assert occurrence_of(d, 1).done_at is None


async def confirm_decline_and_undo(d: ChatDriver) -> None:
    await register(d, AN)
    asked = await d.say(AN, "/hoanthanh 1")
    assert "Xác nhận?" in text_of(asked) and "Báo cáo CCHC quý I" in text_of(asked)
    assert "Không có gì thay đổi" in text_of(await d.choose(AN, with_option(asked, "Không"),
                                                             "Không"))
    assert occurrence_of(d, 1).done_at is None
    done = text_of(await confirmed(d, AN, "/hoanthanh 1"))
    assert "đúng hạn" in done and "/hoantac 1" in done
    assert "Đã hoàn tác" in text_of(await d.say(AN, "/hoantac 1"))
    assert occurrence_of(d, 1).done_at is None


async def reopen_by_leader(d: ChatDriver) -> None:
    from reports import period_report, periods

    await register(d, AN)
    await register(d, BAO, role_label="lãnh đạo")
    await confirmed(d, AN, "/hoanthanh 2 đã rà soát")

    def figures() -> tuple[int, int]:
        now = d.clock.now()
        with d.app.session_factory() as session:
            report = period_report.build_report(session, periods.month(2026, 3),
                                        today=now.astimezone(d.app.settings.tz).date(),
                                        now=now, tz=d.app.settings.tz, freeze=False)
            own = next(line.own for line in report.units if line.code == "PNV")
            return own.done_on_time, own.in_progress

    assert figures() == (1, 1)
    reply = text_of(await d.say(BAO, "/molai 2 thiếu biên bản"))
    assert "Đã mở lại nhiệm vụ #2" in reply and AN.name in reply
    assert figures() == (0, 2)
    assert "thiếu biên bản" in text_of(await d.inbox(AN))
    detail = text_of(await d.say(BAO, "/chitiet 2"))
    assert "đã rà soát" in detail and "thiếu biên bản" in detail


async def typo_suggestion(d: ChatDriver) -> None:
    await register(d, AN)
    assert "Nhiệm vụ #1" in text_of(await d.say(AN, "/chi tiet 1"))
    suggestion = await d.say(AN, "/chitet 1")
    assert "Ý anh/chị là /chitiet 1?" in text_of(suggestion)
    assert "Nhiệm vụ #1" in text_of(await d.choose(AN, with_option(suggestion, "Có"), "Có"))


async def plain_vietnamese(d: ChatDriver) -> None:
    await register(d, AN)
    asked = await d.say(AN, "xong việc 2 rồi")
    assert "Xác nhận?" in text_of(asked) and occurrence_of(d, 2).done_at is None
    assert "đúng hạn" in text_of(await d.say(AN, "có"))
    offer = await d.say(AN, "báo cáo tiến độ 50% việc 1")
    assert "/capnhat 1 50" in text_of(offer)
    assert "50%" in text_of(await d.choose(AN, with_option(offer, "Có"), "Có"))
    offer = await d.say(AN, "xin gia hạn việc 1 đến 20/4/2026 vì chờ số liệu")
    assert "/giahan 1 20/04/2026 chờ số liệu" in text_of(offer)
    assert "Đã gửi" in text_of(await d.say(AN, "có"))
    assert "Rà soát thủ tục hành chính" in text_of(await d.say(AN, "việc của tôi"))
    assert "/nhiemvu" in text_of(await d.say(AN, "giúp tôi"))


def at(d: ChatDriver, day: date, hour: int, minute: int = 0) -> None:
    """Moves the driver's clock to a local (Hà Nội) moment."""
    d.clock.set(datetime.combine(day, time(hour, minute), tzinfo=d.app.settings.tz))


async def reminders_now(d: ChatDriver, user: ScriptUser) -> list[BotMessage]:
    """The planner's minute tick at the clock's time, then what reached `user`."""
    assert d.app.planner is not None
    d.app.planner.plan_due()
    return await d.inbox(user)


async def snooze_from_reminder(d: ChatDriver) -> None:
    """Monday 08:00: An's reminder about task 2 carries its quick actions; «Nhắc lại sau» →
    «Chiều nay» (the choice is the answer: no second question) → it comes back at 14:00, not
    before, with the same actions. Typed, "/nhaclai 2 chieu" asks "Xác nhận?" first."""
    await register(d, AN)
    reminder = with_option(await reminders_now(d, AN), "Nhắc lại sau")
    assert "#2" in reminder.text and any("Xong #2" in o for o in reminder.options)
    when = await d.choose(AN, reminder, "Nhắc lại sau")
    chosen = text_of(await d.choose(AN, with_option(when, "Chiều nay"), "Chiều nay"))
    assert "Đã hẹn" in chosen and "14:00" in chosen and "Xác nhận?" not in chosen
    at(d, date(2026, 3, 2), 13, 59)
    assert await d.inbox(AN) == []
    at(d, date(2026, 3, 2), 14, 0)
    back = with_option(await d.inbox(AN), "Xong #2")
    assert "Nhắc lại" in back.text and "Rà soát thủ tục hành chính" in back.text
    asked = await d.choose(AN, back, "Xong #2")
    assert "Xác nhận?" in text_of(asked) and occurrence_of(d, 2).done_at is None
    assert "đúng hạn" in text_of(await d.choose(AN, with_option(asked, "Có"), "Có"))


async def unit_by_name_with_choice(d: ChatDriver) -> None:
    """«phòng» names two units: the person picks one, nothing is picked for them."""
    await d.say(ADMIN, "/start")
    asked = await d.say(CUONG, "/dangky phòng")
    assert "Có 2 đơn vị khớp với «phòng»" in text_of(asked), text_of(asked)
    menu = with_option(asked, "Văn phòng HĐND-UBND (VP)")
    assert any("Phòng Nội vụ (PNV)" in option for option in menu.options)
    joined = text_of(await d.choose(CUONG, menu, "Văn phòng HĐND-UBND (VP)"))
    assert "Đã gửi yêu cầu tham gia" in joined and "Văn phòng HĐND-UBND" in joined, joined
    request = with_option(await d.inbox(ADMIN), "Duyệt")
    assert CUONG.name in request.text and "Văn phòng HĐND-UBND" in request.text


SCENARIOS: list[Scenario] = [
    registration_and_approval,
    task_list,
    progress,
    photo_evidence,
    document_evidence,
    completion,
    extension,
    refusal_for_other_units_task,
    stale_menu,
    confirm_decline_and_undo,
    reopen_by_leader,
    typo_suggestion,
    plain_vietnamese,
    snooze_from_reminder,
    unit_by_name_with_choice,
]
