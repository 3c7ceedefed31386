"""`nhacviec demo`: sample units (from the Chợ Mới plan in shared/sample-plans) and tasks."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from db import queries, services
from db.models import ROLE_LEADER, ROLE_MEMBER, Unit
from db.session import unit_of_work
from timelang.deadlines import parse_deadline

DEMO_UNITS: list[tuple[str, str, str | None, str, list[str]]] = [
    ("UBND", "UBND huyện Chợ Mới", None, "huyen", ["Ủy ban nhân dân huyện"]),
    ("PNV", "Phòng Nội vụ", "UBND", "phong", ["Phòng NV"]),
    ("VP", "Văn phòng HĐND & UBND huyện", "UBND", "phong", ["Văn phòng HĐND-UBND huyện"]),
    ("PVHTT", "Phòng Văn hóa & Thông tin", "UBND", "phong", ["Phòng VH-TT"]),
    ("PTCKH", "Phòng Tài chính - Kế hoạch", "UBND", "phong", ["Phòng TC-KH"]),
    ("TTRA", "Thanh tra huyện", "UBND", "phong", []),
    ("XKIENAN", "UBND xã Kiến An", "UBND", "xa", []),
    ("TTCHOMOI", "UBND thị trấn Chợ Mới", "UBND", "xa", []),
]

DEMO_TASKS: list[tuple[str, str, str, str]] = [
    ("PNV", "Báo cáo công tác cải cách hành chính định kỳ",
     "chậm nhất ngày 05 của các tháng 3, tháng 6, tháng 9, tháng 12", "VP"),
    ("PNV", "Họp giao ban công tác CCHC",
     "họp định kỳ hàng tháng (chậm nhất 05 ngày sau khi kết thúc tháng)", ""),
    ("PVHTT", "Tuyên truyền cải cách hành chính trên Trang thông tin điện tử huyện",
     "Thường xuyên", "PNV"),
    ("VP", "Rà soát, công bố thủ tục hành chính thuộc thẩm quyền của huyện",
     "chậm nhất 10 ngày làm việc kể từ ngày ký ban hành", ""),
    ("XKIENAN", "Niêm yết công khai thủ tục hành chính tại Bộ phận Một cửa", "trong tháng 12", ""),
    ("TTRA", "Kiểm tra công vụ tại các xã, thị trấn", "Quý IV", "PNV"),
]


def seed_demo(app: App) -> str:
    now = app.clock.now()
    today = now.astimezone(app.settings.tz).date()
    with unit_of_work(app.session_factory) as session:
        calendar = queries.load_calendar(session)
        units: dict[str, Unit] = {}
        for code, name, parent, kind, aliases in DEMO_UNITS:
            units[code] = services.create_unit(
                session, code=code, name=name, parent=units.get(parent) if parent else None,
                aliases=aliases, kind=kind, actor="demo", now=now)
        for code, title, phrase, support in DEMO_TASKS:
            deadline = parse_deadline(phrase.replace("trong tháng 12", f"trong tháng 12/{today.year}")
                                      .replace("Quý IV", f"Quý IV/{today.year}"),
                                      ref=today - timedelta(days=3), calendar=calendar)
            services.create_task(
                session, title=title, lead_unit=units[code], deadline=deadline, actor="demo",
                now=now, today=today, calendar=calendar,
                support_units=[units[support]] if support else [],
            )
        admin = services.resolve_actor(session, platform="console", external_id="quantri",
                                       display_name="quantri", private_chat_id="quantri", now=now)
        admin.person.is_admin = True
        for name, unit, role in (("truongphong", "PNV", ROLE_LEADER), ("canbo", "PNV", ROLE_MEMBER)):
            person = services.resolve_actor(session, platform="console", external_id=name,
                                            display_name=name, private_chat_id=name, now=now)
            services.set_membership(session, person_id=person.person.id, unit_id=units[unit].id,
                                    role=role, actor="demo", now=now)
    return (
        f"Đã tạo dữ liệu mẫu: {len(DEMO_UNITS)} đơn vị, {len(DEMO_TASKS)} nhiệm vụ "
        f"(CSDL tạm tại {app.settings.data_dir}).\n"
        "Thử: /nhiemvu tatca, /chitiet 1, /capnhat 1 50, /giao PNV | Nộp báo cáo | 30/12/"
        f"{today.year}, /donvi.\n"
        "Dữ liệu mẫu bị xoá khi thoát; `nhacviec demo --keep` giữ lại, rồi "
        "`DATA_DIR=<thư mục> nhacviec chat --user canbo` (cán bộ Phòng Nội vụ) hoặc "
        "`--user truongphong` (lãnh đạo) để thử với vai trò khác."
    )
