"""Every chat command, registered explicitly. Adding a command is one module and one line."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from handlers import evidence, import_plan, link, people, reports, tasks
from handlers.base import Context, Handler, Incoming


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    description: str  # the Vietnamese line shown in Telegram's command menu
    in_menu: bool = True


FlowHandler = Callable[[Incoming, Context, dict[str, Any]], Awaitable[None]]

COMMANDS: list[Command] = [
    Command("start", people.start, "Bắt đầu, giới thiệu", in_menu=False),
    Command("trogiup", people.start, "Các lệnh dùng được"),
    Command("nhiemvu", tasks.task_list, "Danh sách nhiệm vụ"),
    Command("chitiet", tasks.task_detail, "Chi tiết nhiệm vụ: /chitiet SỐ"),
    Command("capnhat", tasks.update_progress, "Cập nhật tiến độ: /capnhat SỐ %"),
    Command("minhchung", evidence.evidence, "Gửi minh chứng: /minhchung SỐ"),
    Command("hoanthanh", tasks.complete, "Báo hoàn thành: /hoanthanh SỐ"),
    Command("giahan", tasks.request_extension, "Xin gia hạn: /giahan SỐ dd/mm/yyyy lý do"),
    Command("giao", tasks.assign, "Giao nhiệm vụ (lãnh đạo)"),
    Command("baocao", reports.report, "Thống kê đúng hạn, trễ hạn: /baocao [kỳ]"),
    Command("nhapkehoach", import_plan.import_plan, "Nhập kế hoạch từ tệp (quản trị)"),
    Command("hosominhchung", reports.evidence_dossier, "Hồ sơ minh chứng (lãnh đạo)"),
    Command("dangky", people.join, "Đăng ký vào đơn vị: /dangky MÃ"),
    Command("donvi", people.units, "Các đơn vị và thành viên"),
    Command("ganketnhom", people.bind_group, "Gắn nhóm với đơn vị"),
    Command("lienket", link.link, "Liên kết Telegram và Zalo"),
    Command("huy", people.cancel, "Huỷ thao tác đang làm"),
    Command("duyet", people.approve_join, "Duyệt đăng ký", in_menu=False),
    Command("tuchoi", people.refuse_join, "Từ chối đăng ký", in_menu=False),
    Command("duyetgiahan", tasks.approve_extension, "Duyệt gia hạn", in_menu=False),
    Command("tuchoigiahan", tasks.refuse_extension, "Từ chối gia hạn", in_menu=False),
]

# Words people type for the same command.
ALIASES: dict[str, str] = {
    "help": "trogiup",
    "huongdan": "trogiup",
    "nv": "nhiemvu",
    "hoanthanh": "hoanthanh",
    "xong": "hoanthanh",
    "cancel": "huy",
}

FLOWS: dict[str, FlowHandler] = {
    evidence.FLOW: evidence.evidence_flow,
    import_plan.FLOW: import_plan.import_plan_flow,
}


def find(name: str) -> Command | None:
    name = ALIASES.get(name, name)
    for command in COMMANDS:
        if command.name == name:
            return command
    return None


def menu_commands() -> list[tuple[str, str]]:
    return [(c.name, c.description) for c in COMMANDS if c.in_menu]
