"""Descriptions and /trogiup lines of the commands added with onboarding at scale (invitation
links, the staff list, the shared phone number) and of the approvals, so that every
registered command is described somewhere a person can read it."""

from __future__ import annotations

# Merged into messages.COMMAND_DESCRIPTIONS (the command menu and the registry's description).
MORE_COMMAND_DESCRIPTIONS: dict[str, str] = {
    "moi": "Đường dẫn mời, mã QR vào đơn vị (quản trị)",
    "nhapcanbo": "Nhập danh sách cán bộ từ tệp Excel (quản trị)",
    "sodienthoai": "Chia sẻ số điện thoại để vào đơn vị theo danh sách",
}

# /trogiup: everyone who uses the bot.
HELP_ALWAYS = [
    "/trogiup — xem lại các lệnh này",
]
# /trogiup: leaders (of their units) and admins, who approve requests.
HELP_APPROVER = [
    "/duyet — các yêu cầu tham gia đang chờ duyệt (<code>/duyet tatca</code>: duyệt tất cả)",
    "/duyet SỐ canbo|lanhdao hoặc /tuchoi SỐ — duyệt, từ chối một yêu cầu tham gia",
    "/duyetgiahan SỐ hoặc /tuchoigiahan SỐ — duyệt, từ chối một yêu cầu gia hạn",
]
# /trogiup: admins only.
HELP_ONBOARDING_ADMIN = [
    "/moi MÃ_ĐƠN_VỊ [tudong] [số ngày] — đường dẫn mời và mã QR vào đơn vị "
    "(<code>/moi ds</code>: các đường dẫn, <code>/moi thuhoi SỐ</code>: thu hồi)",
    "/nhapcanbo — nhập danh sách cán bộ (.xlsx: họ tên, số điện thoại, đơn vị, vai trò)",
]
