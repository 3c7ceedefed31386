"""Every text a user reads, in one place. Telegram HTML subset; a tag never spans lines.

Placeholders that carry user text must be filled with `html.escape`d values (see `esc`).
Each feature keeps its texts in its own section below.
"""

from __future__ import annotations

import html
from datetime import date, datetime
from zoneinfo import ZoneInfo

from timelang.status import Status


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def fmt_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def fmt_datetime(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%H:%M %d/%m/%Y") if value else "—"


STATUS_LABELS: dict[Status, str] = {
    Status.ONGOING: "Thường xuyên",
    Status.IN_PROGRESS: "Đang thực hiện",
    Status.DUE_SOON: "Sắp đến hạn",
    Status.OVERDUE: "Quá hạn",
    Status.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Status.DONE_LATE: "Hoàn thành trễ hạn",
    Status.DONE: "Đã hoàn thành",
}

STATUS_ICONS: dict[Status, str] = {
    Status.ONGOING: "🔁",
    Status.IN_PROGRESS: "🟢",
    Status.DUE_SOON: "🟡",
    Status.OVERDUE: "🔴",
    Status.DONE_ON_TIME: "✅",
    Status.DONE_LATE: "☑️",
    Status.DONE: "✅",
}

ROLE_LABELS = {"member": "cán bộ", "leader": "lãnh đạo", "admin": "quản trị"}

# --- general -------------------------------------------------------------------------------

GENERIC_ERROR = (
    "⚠️ Xin lỗi, đã có lỗi khi xử lý yêu cầu. Dữ liệu của anh/chị không bị thay đổi. "
    "Vui lòng thử lại sau ít phút hoặc báo cán bộ quản trị."
)
UNKNOWN_COMMAND = (
    "Tôi chưa hiểu lệnh <code>{command}</code>. Gõ /trogiup để xem các lệnh có thể dùng."
)
NOT_A_COMMAND = "Tôi chỉ hiểu các lệnh bắt đầu bằng dấu /. Gõ /trogiup để xem các lệnh."
NUMBERED_MENU_HINT = "Trả lời bằng số thứ tự để chọn."
MENU_CHOICE_OUT_OF_RANGE = "Không có lựa chọn số {number}. Vui lòng chọn từ 1 đến {count}."
FILE_NOT_SUPPORTED = "Nền tảng này chưa gửi được tệp «{name}». Vui lòng lấy tệp qua Telegram."
CANCELLED = "Đã huỷ thao tác đang làm."
NOTHING_TO_CANCEL = "Không có thao tác nào đang chờ."
NOT_ALLOWED = "⛔ Anh/chị không có quyền thực hiện việc này."
ADMIN_ONLY = "⛔ Chỉ cán bộ quản trị được dùng lệnh này."
LEADER_ONLY = "⛔ Chỉ lãnh đạo đơn vị hoặc quản trị được dùng lệnh này."
NOT_REGISTERED = (
    "Anh/chị chưa thuộc đơn vị nào. Gõ <code>/dangky MÃ_ĐƠN_VỊ</code> để đăng ký; "
    "/donvi để xem mã các đơn vị."
)
USAGE = "Cách dùng: {usage}"
BAD_NUMBER = "«{value}» không phải là số nhiệm vụ. Cách dùng: {example}"
TASK_NOT_FOUND = "Không tìm thấy nhiệm vụ số {task_id}. Gõ /nhiemvu để xem danh sách."
TASK_NOT_YOURS = (
    "⛔ Nhiệm vụ số {task_id} thuộc {unit}, không phải đơn vị của anh/chị, "
    "nên anh/chị không thực hiện được thao tác này."
)
UNIT_NOT_FOUND = "Không có đơn vị mã «{code}». Gõ /donvi để xem danh sách mã đơn vị."
UNIT_EXISTS = "Đã có đơn vị mã «{code}»."
UNIT_BAD_INPUT = "Mã và tên đơn vị không được để trống."
BAD_DATE = "«{value}» không phải ngày hợp lệ. Viết theo dạng dd/mm/yyyy, ví dụ 15/12/2026."
ALREADY_DECIDED = "Yêu cầu này đã được xử lý trước đó."
BAD_ROLE = "Vai trò phải là «member» (cán bộ) hoặc «leader» (lãnh đạo)."
CHAT_GROUP_ONLY_TEXT = "Trong nhóm, hãy gõ lệnh bắt đầu bằng dấu /."

# --- the command menu (Telegram's setMyCommands) ---------------------------------------

COMMAND_DESCRIPTIONS: dict[str, str] = {
    "start": "Bắt đầu, giới thiệu",
    "trogiup": "Các lệnh dùng được",
    "nhiemvu": "Danh sách nhiệm vụ",
    "chitiet": "Chi tiết nhiệm vụ: /chitiet SỐ",
    "capnhat": "Cập nhật tiến độ: /capnhat SỐ %",
    "minhchung": "Gửi minh chứng: /minhchung SỐ",
    "hoanthanh": "Báo hoàn thành: /hoanthanh SỐ",
    "giahan": "Xin gia hạn: /giahan SỐ dd/mm/yyyy lý do",
    "giao": "Giao nhiệm vụ (lãnh đạo)",
    "baocao": "Thống kê đúng hạn, trễ hạn: /baocao [kỳ]",
    "nhapkehoach": "Nhập kế hoạch từ tệp (quản trị)",
    "hosominhchung": "Hồ sơ minh chứng (lãnh đạo)",
    "dangky": "Đăng ký vào đơn vị: /dangky MÃ",
    "donvi": "Các đơn vị và thành viên",
    "ganketnhom": "Gắn nhóm với đơn vị",
    "lienket": "Liên kết Telegram và Zalo",
    "huy": "Huỷ thao tác đang làm",
    "duyet": "Duyệt đăng ký",
    "tuchoi": "Từ chối đăng ký",
    "duyetgiahan": "Duyệt gia hạn",
    "tuchoigiahan": "Từ chối gia hạn",
    # issue 15: task life and confirmations
    "sua": "Sửa nhiệm vụ: /sua SỐ ten|han|chutri|phoihop …",
    "huynhiemvu": "Huỷ nhiệm vụ: /huynhiemvu SỐ lý do",
    "molai": "Mở lại nhiệm vụ đã hoàn thành: /molai SỐ lý do",
    "hoantac": "Hoàn tác báo hoàn thành: /hoantac SỐ",
    "co": "Xác nhận: có",
    "khong": "Xác nhận: không",
}

# --- /start, /trogiup ----------------------------------------------------------------------

WELCOME = "Xin chào <b>{name}</b>! Tôi là <b>Nhắc Việc</b>, trợ lý theo dõi nhiệm vụ của đơn vị."
YOUR_UNITS = "Đơn vị của anh/chị: {units}."
HELP_HEADER = "Các lệnh anh/chị dùng được:"
HELP_MEMBER = [
    "/nhiemvu — danh sách nhiệm vụ (thêm <code>quahan</code> để xem việc quá hạn)",
    "/chitiet SỐ — chi tiết một nhiệm vụ",
    "/capnhat SỐ PHẦN_TRĂM [ghi chú] — cập nhật tiến độ",
    "/minhchung SỐ — gửi ảnh hoặc tài liệu minh chứng (ghi lệnh vào chú thích)",
    "/hoanthanh SỐ [ghi chú] — báo hoàn thành",
    "/hoantac SỐ — hoàn tác báo hoàn thành vừa gửi nhầm",
    "/giahan SỐ dd/mm/yyyy lý do — xin gia hạn",
    "/baocao [thang|quy|nam] — thống kê đúng hạn, trễ hạn",
    "/donvi — các đơn vị và thành viên",
    "/lienket — liên kết tài khoản Telegram và Zalo",
    "/huy — huỷ thao tác đang làm",
]
HELP_NEWCOMER = [
    "/dangky MÃ_ĐƠN_VỊ — xin tham gia một đơn vị",
    "/donvi — xem mã các đơn vị",
    "/lienket — liên kết với tài khoản đã có trên ứng dụng khác",
]
HELP_LEADER = [
    "/giao MÃ_ĐƠN_VỊ | nội dung | hạn — giao nhiệm vụ",
    "/sua SỐ ten|han|chutri|phoihop GIÁ_TRỊ — sửa nhiệm vụ",
    "/huynhiemvu SỐ lý do — huỷ nhiệm vụ (giữ lại, không tính thống kê)",
    "/molai SỐ lý do — mở lại nhiệm vụ đã báo hoàn thành",
    "/nhiemvu MÃ_ĐƠN_VỊ hoặc /nhiemvu tatca — nhiệm vụ của đơn vị cấp dưới",
    "/ganketnhom MÃ_ĐƠN_VỊ — (trong nhóm) gắn nhóm với đơn vị để nhận nhắc việc",
    "/hosominhchung [MÃ_ĐƠN_VỊ] [kỳ] — tải hồ sơ minh chứng",
]
HELP_ADMIN = [
    "/nhapkehoach — nhập nhiệm vụ từ văn bản kế hoạch",
]

# --- /dangky and approvals -----------------------------------------------------------------

JOIN_USAGE = "/dangky MÃ_ĐƠN_VỊ (ví dụ: <code>/dangky PNV</code>). Gõ /donvi để xem mã đơn vị."
JOIN_SENT = (
    "Đã gửi yêu cầu tham gia <b>{unit}</b>. Anh/chị sẽ nhận được thông báo khi lãnh đạo "
    "hoặc quản trị duyệt."
)
JOIN_NO_APPROVER = (
    "Đã ghi nhận yêu cầu tham gia <b>{unit}</b>, nhưng hiện chưa có lãnh đạo hoặc quản trị nào "
    "nhận được tin nhắn của bot. Vui lòng báo cán bộ theo dõi."
)
JOIN_ALREADY_MEMBER = "Anh/chị đã là thành viên của {unit}."
JOIN_PENDING = "Yêu cầu tham gia {unit} của anh/chị đang chờ duyệt."
JOIN_REQUEST_NOTICE = (
    "🙋 <b>{name}</b> xin tham gia <b>{unit}</b> (yêu cầu số {request_id}).\n"
    "Duyệt: <code>/duyet {request_id} canbo</code> hoặc <code>/duyet {request_id} lanhdao</code>; "
    "từ chối: <code>/tuchoi {request_id}</code>."
)
JOIN_APPROVE_MEMBER = "Duyệt: cán bộ"
JOIN_APPROVE_LEADER = "Duyệt: lãnh đạo"
JOIN_REFUSE = "Từ chối"
JOIN_DECIDE_USAGE = "/duyet SỐ_YÊU_CẦU canbo|lanhdao hoặc /tuchoi SỐ_YÊU_CẦU"
JOIN_NOT_FOUND = "Không có yêu cầu tham gia số {request_id}."
JOIN_APPROVED_ACK = "Đã duyệt <b>{name}</b> làm {role} của {unit}."
JOIN_REFUSED_ACK = "Đã từ chối yêu cầu của <b>{name}</b> tham gia {unit}."
JOIN_APPROVED_NOTICE = (
    "🎉 Anh/chị đã được duyệt làm {role} của <b>{unit}</b>. Gõ /nhiemvu để xem nhiệm vụ."
)
JOIN_REFUSED_NOTICE = "Yêu cầu tham gia <b>{unit}</b> của anh/chị không được chấp thuận."

# --- /nhiemvu ------------------------------------------------------------------------------

TASKS_HEADER = "📋 <b>Nhiệm vụ {scope}</b> — trang {page}/{pages}, tổng {total}"
TASKS_SCOPE_MINE = "của anh/chị"
TASKS_SCOPE_ALL = "tất cả đơn vị"
TASKS_SCOPE_UNIT = "của {unit}"
TASKS_SCOPE_OVERDUE = "quá hạn"
TASKS_EMPTY = "Không có nhiệm vụ nào{suffix}."
TASKS_EMPTY_OVERDUE_SUFFIX = " quá hạn"
TASK_LINE = "{icon} <b>#{task_id}</b> {title}\n    {unit} · hạn {due} · {status}{progress}"
TASK_PROGRESS_SUFFIX = " · {progress}%"
TASK_EXTENDED_SUFFIX = " (gia hạn)"
TASKS_PAGE_HINT = "Xem trang khác: <code>/nhiemvu {arg}{page}</code>"
TASKS_USAGE = "/nhiemvu [MÃ_ĐƠN_VỊ|tatca|quahan] [trang]"
BUTTON_TASK = "#{task_id} {title}"
BUTTON_PREV = "◀️ Trang trước"
BUTTON_NEXT = "Trang sau ▶️"
NUMBERED_PROGRESS = "📈 Cập nhật tiến độ #{task_id}"
NUMBERED_EVIDENCE = "📎 Gửi minh chứng #{task_id}"
NUMBERED_DONE = "✅ Hoàn thành #{task_id}"

# --- /chitiet ------------------------------------------------------------------------------

DETAIL_USAGE = "/chitiet SỐ (ví dụ: <code>/chitiet 12</code>)"
DETAIL = (
    "🔎 <b>Nhiệm vụ #{task_id}</b>\n"
    "<b>{title}</b>\n"
    "Chủ trì: {lead}\n"
    "Phối hợp: {support}\n"
    "Thời hạn: {deadline_text}\n"
    "Kỳ hiện tại: {period} · hạn {due}{extended}\n"
    "Trạng thái: {icon} {status} · tiến độ {progress}%"
)
DETAIL_PLAN = "Theo: {plan}"
DETAIL_DESCRIPTION = "Nội dung: {description}"
DETAIL_EXTENDED = " (hạn gốc {original}, gia hạn đến {extended})"
DETAIL_DONE = "Hoàn thành lúc {at} bởi {who}"
DETAIL_HISTORY_HEADER = "<b>Lịch sử:</b>"
DETAIL_HISTORY_LINE = "• {at} — {who}: {what}"
DETAIL_EVIDENCE_HEADER = "<b>Minh chứng ({count}):</b>"
DETAIL_EVIDENCE_LINE = "• {name} ({size}) — {who}, {at}"
DETAIL_PERIODS_HEADER = "<b>Các kỳ:</b>"
DETAIL_PERIOD_LINE = "• {period}: hạn {due} — {status}"
HISTORY_PROGRESS = "tiến độ {percent}%{note}"
HISTORY_EXTENSION = "xin gia hạn đến {due} ({status})"
HISTORY_DONE = "báo hoàn thành{note}"
EXTENSION_STATUS = {"pending": "chờ duyệt", "approved": "đã duyệt", "refused": "bị từ chối"}
PERIOD_ONCE = "một lần"
PERIOD_ONGOING = "thường xuyên"

# --- /capnhat ------------------------------------------------------------------------------

PROGRESS_USAGE = "/capnhat SỐ PHẦN_TRĂM [ghi chú] (ví dụ: <code>/capnhat 12 50 đã xong dự thảo</code>)"
PROGRESS_BAD_PERCENT = "Tiến độ phải là số từ 0 đến 100, ví dụ <code>/capnhat {task_id} 50</code>."
PROGRESS_OUT_OF_RANGE = "Tiến độ phải từ 0 đến 100%."
PROGRESS_CHOOSE = "Chọn tiến độ cho nhiệm vụ #{task_id}:"
PROGRESS_SAVED = "📈 Đã cập nhật tiến độ nhiệm vụ #{task_id}: <b>{percent}%</b>."
PROGRESS_HINT_DONE = "Khi xong, gõ <code>/hoanthanh {task_id}</code> để báo hoàn thành."
OCCURRENCE_ALREADY_DONE = "Kỳ này của nhiệm vụ đã được báo hoàn thành."
NO_OCCURRENCE = "Nhiệm vụ #{task_id} không còn kỳ nào đang mở."

# --- /minhchung ----------------------------------------------------------------------------

EVIDENCE_USAGE = "/minhchung SỐ — ghi lệnh vào chú thích của ảnh/tài liệu, hoặc gõ lệnh rồi gửi tệp."
EVIDENCE_WAITING = (
    "📎 Hãy gửi ảnh hoặc tài liệu (PDF, Word, Excel, ảnh; tối đa {max_mb} MB) làm minh chứng "
    "cho nhiệm vụ #{task_id}. Gõ /huy để thôi."
)
EVIDENCE_SAVED = "📎 Đã lưu minh chứng «{name}» ({size}) cho nhiệm vụ #{task_id}."
EVIDENCE_DUPLICATE = "Tệp «{name}» đã được gửi làm minh chứng cho nhiệm vụ #{task_id} trước đó."
EVIDENCE_TOO_LARGE = "Tệp quá lớn ({size}). Bot chỉ nhận tệp tối đa {max_mb} MB."
EVIDENCE_BAD_TYPE = (
    "Loại tệp «{name}» không được nhận. Minh chứng phải là ảnh, PDF, Word hoặc Excel."
)
EVIDENCE_EMPTY = "Tệp «{name}» rỗng, không lưu được."
EVIDENCE_DOWNLOAD_FAILED = "Không tải được tệp từ máy chủ của ứng dụng. Vui lòng gửi lại."
EVIDENCE_FILE_WITHOUT_TASK = (
    "Tôi nhận được tệp nhưng không biết là minh chứng của nhiệm vụ nào. Ghi "
    "<code>/minhchung SỐ</code> vào chú thích hoặc gõ lệnh đó trước khi gửi tệp."
)

# --- /hoanthanh ----------------------------------------------------------------------------

DONE_USAGE = "/hoanthanh SỐ [ghi chú] (ví dụ: <code>/hoanthanh 12 đã gửi báo cáo</code>)"
DONE_ON_TIME = "✅ Đã ghi nhận hoàn thành nhiệm vụ #{task_id} lúc {at}: <b>đúng hạn</b> (hạn {due})."
DONE_LATE = (
    "☑️ Đã ghi nhận hoàn thành nhiệm vụ #{task_id} lúc {at}: <b>trễ hạn</b> "
    "(hạn {due}, trễ {days} ngày)."
)
DONE_ONGOING = "✅ Đã ghi nhận hoàn thành nhiệm vụ thường xuyên #{task_id} lúc {at}."
DONE_NEXT_PERIOD = "Kỳ tiếp theo: hạn {due}."
DONE_NOTICE = "✅ {who} ({unit}) báo hoàn thành nhiệm vụ #{task_id} «{title}»: {status}."

# --- /giahan -------------------------------------------------------------------------------

EXTEND_USAGE = "/giahan SỐ dd/mm/yyyy lý do (ví dụ: <code>/giahan 12 30/12/2026 chờ số liệu</code>)"
EXTEND_SENT = "⏳ Đã gửi đề nghị gia hạn nhiệm vụ #{task_id} đến {due}. Chờ lãnh đạo duyệt."
EXTEND_NOT_LATER = "Ngày gia hạn phải sau hạn hiện tại ({due})."
EXTEND_REASON_MISSING = "Vui lòng ghi lý do xin gia hạn."
EXTEND_ONGOING = "Nhiệm vụ thường xuyên không có thời hạn nên không cần gia hạn."
EXTEND_PENDING = "Nhiệm vụ này đã có đề nghị gia hạn số {request_id} đang chờ duyệt."
EXTEND_REQUEST_NOTICE = (
    "⏳ <b>{name}</b> ({unit}) xin gia hạn nhiệm vụ <b>#{task_id}</b> «{title}» "
    "từ {old_due} đến <b>{new_due}</b>.\nLý do: {reason}\n"
    "Duyệt: <code>/duyetgiahan {request_id}</code>; từ chối: <code>/tuchoigiahan {request_id}</code>."
)
EXTEND_APPROVE = "Duyệt gia hạn"
EXTEND_REFUSE = "Từ chối"
EXTEND_DECIDE_USAGE = "/duyetgiahan SỐ_ĐỀ_NGHỊ hoặc /tuchoigiahan SỐ_ĐỀ_NGHỊ"
EXTEND_NOT_FOUND = "Không có đề nghị gia hạn số {request_id}."
EXTEND_APPROVED_ACK = "Đã duyệt gia hạn nhiệm vụ #{task_id} đến {due}."
EXTEND_REFUSED_ACK = "Đã từ chối đề nghị gia hạn nhiệm vụ #{task_id}."
EXTEND_APPROVED_NOTICE = (
    "✅ Đề nghị gia hạn nhiệm vụ #{task_id} đã được duyệt: hạn mới {due} (hạn gốc {original})."
)
EXTEND_REFUSED_NOTICE = "❌ Đề nghị gia hạn nhiệm vụ #{task_id} không được chấp thuận."

# --- /giao ---------------------------------------------------------------------------------

ASSIGN_USAGE = (
    "/giao MÃ_ĐƠN_VỊ | nội dung | hạn\nVí dụ: <code>/giao PNV | Báo cáo CCHC quý | "
    "chậm nhất ngày 05 của các tháng 3, 6, 9, 12</code>"
)
# The reader's refusal already names the phrase once ("Chưa hiểu thời hạn «…»: …").
ASSIGN_BAD_DEADLINE = "{reason}"
ASSIGN_DONE = (
    "📌 Đã giao nhiệm vụ <b>#{task_id}</b> cho {unit}: {title}\nThời hạn: {deadline}\n"
    "Hạn gần nhất: {due}"
)
ASSIGN_NOTICE = (
    "📌 Nhiệm vụ mới <b>#{task_id}</b> cho {unit}: {title}\nThời hạn: {deadline}\n"
    "Hạn gần nhất: {due}. Gõ <code>/chitiet {task_id}</code> để xem."
)
TASK_TITLE_MISSING = "Nội dung nhiệm vụ không được để trống."

# --- /donvi --------------------------------------------------------------------------------

UNITS_HEADER = "🏛 <b>Các đơn vị</b>"
UNITS_EMPTY = "Chưa có đơn vị nào. Quản trị thêm đơn vị bằng lệnh <code>nhacviec unit add</code>."
UNIT_LINE = "{indent}• <b>{code}</b> — {name}{members}"
UNIT_MEMBERS = ": {members}"
UNIT_LEADER_MARK = " (lãnh đạo)"

# --- /ganketnhom ---------------------------------------------------------------------------

BIND_USAGE = "/ganketnhom MÃ_ĐƠN_VỊ — gõ trong nhóm chat của đơn vị."
BIND_NEEDS_GROUP = "Lệnh này chỉ dùng trong nhóm chat. Hãy thêm bot vào nhóm rồi gõ lại."
BIND_DONE = "🔗 Đã gắn nhóm này với <b>{unit}</b>. Nhắc việc của đơn vị sẽ gửi vào nhóm."

# --- /lienket ------------------------------------------------------------------------------

LINK_CODE = (
    "🔗 Mã liên kết của anh/chị: <code>{code}</code> (hết hạn sau {minutes} phút).\n"
    "Mở bot trên ứng dụng kia và gõ <code>/lienket {code}</code>."
)
LINK_DONE = "🔗 Đã liên kết tài khoản {platform} này với {name}. Nhắc việc sẽ gửi qua {preferred}."
LINK_BAD_CODE = "Mã liên kết không đúng hoặc đã hết hạn. Gõ /lienket trên ứng dụng kia để lấy mã mới."
LINK_SAME_PLATFORM = "Mã này được tạo trên chính ứng dụng này; hãy nhập nó ở ứng dụng kia."
LINK_PREFERRED = "Nhắc việc sẽ gửi qua {platform}. Đổi bằng: <code>/lienket nhan telegram</code> hoặc <code>/lienket nhan zalo</code>."
LINK_PREFERRED_UNKNOWN = "Anh/chị chưa có tài khoản {platform} được liên kết."
PLATFORM_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "zalo_oa": "Zalo OA", "console": "Terminal"}

# --- errors raised by the domain services (db.services.DomainError keys) -------------------

DOMAIN_ERRORS: dict[str, str] = {
    "unit_not_found": UNIT_NOT_FOUND,
    "unit_exists": UNIT_EXISTS,
    "unit_bad_input": UNIT_BAD_INPUT,
    "task_title_missing": TASK_TITLE_MISSING,
    "progress_out_of_range": PROGRESS_OUT_OF_RANGE,
    "occurrence_already_done": OCCURRENCE_ALREADY_DONE,
    "extension_ongoing": EXTEND_ONGOING,
    "extension_not_later": EXTEND_NOT_LATER,
    "extension_reason_missing": EXTEND_REASON_MISSING,
    "extension_pending": EXTEND_PENDING,
    "already_decided": ALREADY_DECIDED,
    "not_allowed": NOT_ALLOWED,
    "join_already_member": JOIN_ALREADY_MEMBER,
    "join_pending": JOIN_PENDING,
    "bad_role": BAD_ROLE,
    "bind_needs_group": BIND_NEEDS_GROUP,
}


def render(template: str, **params: object) -> str:
    """Fill a catalogue text: user-supplied strings are escaped, dates shown as dd/mm/yyyy."""
    return template.format(**{key: _render_value(value) for key, value in params.items()})


def _render_value(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return fmt_date(value)
    if isinstance(value, str):
        return esc(value)
    return value


def domain_error_text(key: str, params: dict[str, object]) -> str:
    template = DOMAIN_ERRORS.get(key, GENERIC_ERROR)
    try:
        return render(template, **params)
    except KeyError:
        return template


# --- reminders (scheduler) -----------------------------------------------------------------

WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")

REMINDER_HEADER = "⏰ <b>Nhắc việc {weekday}, ngày {date}</b>"
REMINDER_HEADER_UNIT = "⏰ <b>Nhắc việc {weekday}, ngày {date}</b> — {unit}"
REMINDER_SECTION_ESCALATION = "🚨 <b>Đơn vị do anh/chị phụ trách có nhiệm vụ quá hạn ({count}):</b>"
REMINDER_SECTION_OVERDUE = "🔴 <b>Quá hạn ({count}):</b>"
REMINDER_SECTION_DUE_TODAY = "🟠 <b>Đến hạn ({count}):</b>"
REMINDER_SECTION_BEFORE_DUE = "🟡 <b>Sắp đến hạn ({count}):</b>"
REMINDER_LINE = "• <b>#{task_id}</b> {title}{unit} — {when}"
REMINDER_LINE_UNIT = " ({unit})"
REMINDER_WHEN_BEFORE_DUE = "hạn {due}, còn {days} ngày"
REMINDER_WHEN_DUE_TODAY = "hạn hôm nay {due}"
REMINDER_WHEN_DUE_DAY_OFF = "hạn {due} ({weekday}, ngày nghỉ) — hôm nay là ngày làm việc cuối trước hạn"
REMINDER_WHEN_OVERDUE = "hạn {due}, đã quá hạn {days} ngày"
REMINDER_EXTENDED = " (đã gia hạn, hạn gốc {original})"
REMINDER_MORE = "… và {count} nhiệm vụ khác: gõ /nhiemvu để xem đủ."
REMINDER_FOOTER = (
    "👉 Báo xong: <code>/hoanthanh SỐ</code> · Tiến độ: <code>/capnhat SỐ PHẦN_TRĂM</code> · "
    "Xin gia hạn: <code>/giahan SỐ dd/mm/yyyy lý do</code>"
)
REMINDER_FOOTER_ESCALATION = "👉 Danh sách quá hạn: <code>/nhiemvu quahan</code>"
REMINDER_BUTTON = "🔎 #{task_id}"

DIGEST_HEADER = "📊 <b>Tổng hợp tuần {start} – {end}</b>"
DIGEST_SCOPE = "Phạm vi: {scope}"
DIGEST_SCOPE_ALL = "tất cả đơn vị"
DIGEST_SCOPE_MORE = " và {count} đơn vị khác"
DIGEST_SECTION_OVERDUE = "🔴 <b>Đang quá hạn ({count}):</b>"
DIGEST_SECTION_DUE_WEEK = "🟡 <b>Đến hạn trong tuần này ({count}):</b>"
DIGEST_SECTION_DONE = "✅ <b>Hoàn thành tuần trước ({count}):</b> đúng hạn {on_time}, trễ hạn {late}"
DIGEST_LINE = "• <b>#{task_id}</b> {title} ({unit}) — hạn {due}{suffix}"
DIGEST_SUFFIX_OVERDUE = ", quá hạn {days} ngày"
DIGEST_SUFFIX_DONE_ON_TIME = ", đúng hạn"
DIGEST_SUFFIX_DONE_LATE = ", trễ hạn"
DIGEST_NONE = "• Không có."
DIGEST_MORE = "… và {count} nhiệm vụ khác."
DIGEST_FOOTER = "👉 Xem thêm: <code>/nhiemvu quahan</code> · Thống kê: <code>/baocao</code>"

DELIVERY_REPORT_HEADER = "⚠️ <b>Báo cáo gửi tin tự động</b> (đến {at})"
DELIVERY_REPORT_EXPIRED = (
    "⌛ <b>{count} tin nhắc không gửi nữa</b> vì đã quá {hours} giờ so với giờ nhắc "
    "(bot ngừng hoạt động hoặc mất kết nối lúc đến giờ):"
)
DELIVERY_REPORT_GAP = (
    "⌛ Bot không hoạt động từ {start} đến {end}: nhắc việc của những ngày này không được "
    "tính lại. Kiểm tra danh sách quá hạn bằng <code>/nhiemvu quahan</code>."
)
DELIVERY_REPORT_BLOCKED = "🚫 <b>{count} cuộc trò chuyện đã chặn bot hoặc rời nhóm</b>, không gửi lại:"
DELIVERY_REPORT_NOT_FOUND = "❔ <b>{count} cuộc trò chuyện không còn tồn tại</b>, không gửi lại:"
DELIVERY_REPORT_UNKNOWN = (
    "❓ <b>{count} tin không rõ đã đến hay chưa</b> (hết thời gian chờ trả lời). Bot không tự "
    "gửi lại để tránh nhắc trùng; vui lòng hỏi lại người nhận nếu cần:"
)
DELIVERY_REPORT_FAILED = "❌ <b>{count} tin gửi lỗi sau nhiều lần thử:</b>"
DELIVERY_REPORT_LINE = "• {who}{tasks}"
DELIVERY_REPORT_TASKS = " — nhiệm vụ {ids}"
DELIVERY_REPORT_MORE = "… và {count} tin khác."
DELIVERY_REPORT_FOOTER = (
    "Người đã chặn bot cần mở lại cuộc trò chuyện với bot; nhóm không còn thì gắn nhóm mới bằng "
    "<code>/ganketnhom MÃ_ĐƠN_VỊ</code>."
)

# --- plan import ---------------------------------------------------------------------------

PLAN_HEADING_NUMBER = " số {number}"
PLAN_HEADING_DATE = " ngày {date}"

# /nhapkehoach: read a plan document, preview, map unknown unit names, confirm.
PLAN_IMPORT_WAITING = (
    "📄 Gửi tệp kế hoạch (.docx, .pdf, .xlsx, .txt, .md, hoặc bản scan/ảnh chụp .jpg, .png; tối đa {max_mb} MB).\n"
    "Tôi sẽ đọc và cho xem trước, chưa ghi gì cho đến khi anh/chị xác nhận. Gõ /huy để thôi."
)
PLAN_IMPORT_NEED_FILE = (
    "Tôi đang chờ tệp kế hoạch (.docx, .pdf, .xlsx, .txt, .md). Gửi tệp, hoặc gõ /huy để thôi."
)
PLAN_IMPORT_PENDING_HINT = (
    "Kế hoạch đang chờ xác nhận. Bấm nút ở tin xem trước, hoặc gõ "
    "<code>/nhapkehoach xacnhan</code> để nhập, <code>/nhapkehoach huy</code> để thôi."
)
PLAN_IMPORT_TOO_LARGE = "Tệp «{name}» nặng {size}, vượt giới hạn {max_mb} MB. Vui lòng gửi bản nhỏ hơn."
PLAN_IMPORT_DOWNLOAD_FAILED = "Không tải được tệp từ máy chủ của ứng dụng. Vui lòng gửi lại."
PLAN_IMPORT_READ_ERROR = "⚠️ {reason}\nGửi tệp khác, hoặc gõ /huy để thôi."
PLAN_IMPORT_NOTHING_PENDING = (
    "Không có kế hoạch nào đang chờ. Gõ /nhapkehoach rồi gửi tệp kế hoạch."
)
PLAN_IMPORT_USAGE = (
    "<code>/nhapkehoach</code> rồi gửi tệp; sau khi xem trước: <code>/nhapkehoach xacnhan</code>, "
    "<code>/nhapkehoach gan SỐ MÃ</code>, <code>/nhapkehoach taomoi SỐ MÃ</code>, "
    "<code>/nhapkehoach bo SỐ</code>, <code>/nhapkehoach macdinh MÃ</code>, "
    "<code>/nhapkehoach ds [trang]</code>, <code>/nhapkehoach huy</code>"
)
PLAN_PREVIEW_HEADER = "📋 <b>{heading}</b>\n{title}\nĐọc được <b>{count}</b> nhiệm vụ từ «{file}»."
PLAN_PREVIEW_ALREADY = (
    "ℹ️ Kế hoạch này đã nhập trước đây: {existing} nhiệm vụ đã có, chỉ thêm phần còn thiếu."
)
PLAN_PREVIEW_UNITS_HEADER = "👥 <b>Sẽ giao {count} nhiệm vụ cho {units} đơn vị:</b>"
PLAN_PREVIEW_UNIT_LINE = "• {unit} (<code>{code}</code>){new}: {count}"
PLAN_PREVIEW_UNIT_NEW = " — đơn vị mới"
PLAN_PREVIEW_MORE = "… và {count} mục khác."
PLAN_PREVIEW_DEADLINES_HEADER = "📅 <b>Thời hạn:</b>"
PLAN_PREVIEW_DEADLINE_LINE = "• {text} → {meaning}: {count} nhiệm vụ"
PLAN_PREVIEW_RECURRING_HEADER = "🔁 <b>Định kỳ ({count}):</b>"
PLAN_PREVIEW_RECURRING_LINE = "• {ref}: {text}"
PLAN_PREVIEW_UNDATED = (
    "⏳ {count} nhiệm vụ chưa có thời hạn đọc được ({refs}): sẽ theo dõi dạng thường xuyên."
)
PLAN_PREVIEW_UNKNOWN_HEADER = (
    "❓ <b>Tên đơn vị chưa rõ ({count}).</b> Gán, tạo mới hoặc bỏ qua từng tên; nếu xác nhận "
    "luôn, các tên chưa xử lý bị bỏ qua:"
)
PLAN_PREVIEW_UNKNOWN_LINE = "{index}. {name} — {tasks} nhiệm vụ"
PLAN_PREVIEW_UNKNOWN_HINT = " (gợi ý: {codes})"
PLAN_PREVIEW_DECIDED_HEADER = "✔️ <b>Đã xử lý:</b>"
PLAN_PREVIEW_DECIDED_LINE = "{index}. {name} → {target}"
PLAN_PREVIEW_TARGET_SKIP = "bỏ qua"
PLAN_PREVIEW_TARGET_NEW = "đơn vị mới {code}"
PLAN_PREVIEW_LEFT_OUT = (
    "⚠️ {count} nhiệm vụ chưa có đơn vị chủ trì nên sẽ không nhập ({refs}). Chọn đơn vị nhận: "
    "<code>/nhapkehoach macdinh MÃ</code>."
)
PLAN_PREVIEW_DEFAULT_LEAD = "Nhiệm vụ không ghi đơn vị sẽ giao cho {unit}."
PLAN_PREVIEW_NOTHING_NEW = "Không có nhiệm vụ mới để nhập: mọi nhiệm vụ đã có từ lần nhập trước."
PLAN_PREVIEW_HELP = (
    "Gán tên số 1: <code>/nhapkehoach gan 1 MÃ</code> · tạo mới: "
    "<code>/nhapkehoach taomoi 1 MÃ</code> · bỏ qua: <code>/nhapkehoach bo 1</code>"
)
BUTTON_PLAN_CONFIRM = "✅ Nhập {count} nhiệm vụ"
BUTTON_PLAN_CANCEL = "❌ Huỷ"
BUTTON_PLAN_MAP = "🏷 {index}. {name}"
BUTTON_PLAN_LIST = "📄 Danh sách nhiệm vụ"
PLAN_MAP_CHOOSE = "Tên «{name}» ({tasks} nhiệm vụ) ứng với đơn vị nào?"
BUTTON_PLAN_MAP_UNIT = "{name} ({code})"
BUTTON_PLAN_SKIP = "🚫 Bỏ qua tên này"
BUTTON_PLAN_CREATE = "➕ Tạo đơn vị mới mã {code}"
BUTTON_PLAN_BACK = "↩️ Xem lại bản xem trước"
PLAN_MAP_BAD_INDEX = "Không có tên đơn vị số «{index}». Chọn số từ 1 đến {count}."
PLAN_MAP_NO_NAMES = "Kế hoạch này không có tên đơn vị nào cần gán."
PLAN_CREATE_CODE_TAKEN = (
    "Mã <code>{code}</code> đã dùng cho {unit}. Chọn mã khác, hoặc gán vào đơn vị đó: "
    "<code>/nhapkehoach gan {index} {code}</code>."
)
PLAN_CREATE_BAD_CODE = "Mã đơn vị chỉ gồm chữ không dấu, số, dấu - hoặc _, tối đa 32 ký tự: «{code}»."
PLAN_IMPORT_DONE = "✅ Đã nhập <b>{count}</b> nhiệm vụ theo {plan}.{extra}"
PLAN_IMPORT_DONE_UNITS = "\nĐã tạo {count} đơn vị mới: {codes}."
PLAN_IMPORT_DONE_EXISTING = "\n{count} nhiệm vụ đã có từ lần nhập trước, không tạo lại."
PLAN_IMPORT_DONE_LEFT = "\n⚠️ Chưa nhập (không có đơn vị chủ trì): {refs}."
PLAN_IMPORT_DONE_SKIPPED = "\nTên đơn vị bị bỏ qua: {names}."
PLAN_IMPORT_DONE_NOTICES = "\n📨 Đã gửi danh sách nhiệm vụ mới tới {count} người/nhóm của các đơn vị."
PLAN_IMPORT_DONE_NO_NOTICES = (
    "\nℹ️ Các đơn vị chưa có thành viên hay nhóm nào gắn với bot nên chưa nhận được tin báo."
)
PLAN_IMPORT_CANCELLED = "Đã huỷ nhập kế hoạch, không ghi gì."
PLAN_LIST_HEADER = "📄 <b>Nhiệm vụ đọc được — trang {page}/{pages}</b>"
PLAN_LIST_LINE = "<b>{ref}</b> {title}\n   Chủ trì: {lead}{support} — {when}"
PLAN_LIST_SUPPORT = "; phối hợp: {support}"
PLAN_LIST_NO_LEAD = "(chưa ghi)"
PLAN_LIST_NEXT = "Trang sau: <code>/nhapkehoach ds {page}</code>"
PLAN_WHEN_ONCE = "hạn {due}"
PLAN_WHEN_RECURRING = "định kỳ: {text}, kỳ đầu {due}"
PLAN_WHEN_RECURRING_PLAIN = "định kỳ: {text}"
PLAN_WHEN_ONGOING = "thường xuyên"
PLAN_WHEN_NONE = "chưa có thời hạn"
# The message each unit receives, once, listing its new tasks.
PLAN_NOTICE_HEADER = "📥 <b>{unit}</b> được giao {count} nhiệm vụ mới theo {plan}:"
PLAN_NOTICE_LINE = "• <b>#{task_id}</b> ({ref}) {title} — {when}"
PLAN_NOTICE_MORE = "… và {count} nhiệm vụ khác."
PLAN_NOTICE_FOOTER = "👉 Xem và cập nhật: /nhiemvu · Chi tiết: <code>/chitiet SỐ</code>"

# --- reports -------------------------------------------------------------------------------

# /baocao
REPORT_USAGE = (
    "/baocao [kỳ] [MÃ_ĐƠN_VỊ] — kỳ: <code>thang</code>, <code>quy</code>, <code>6thang</code>, "
    "<code>nam</code> (thêm <code>truoc</code> cho kỳ trước), <code>quy I/2026</code>, "
    "<code>thang 3/2026</code>, <code>nam 2025</code> hoặc <code>01/01/2026-30/06/2026</code>; "
    "mặc định là quý này."
)
REPORT_BAD_PERIOD = "Chưa hiểu kỳ báo cáo «{text}».\nCách dùng: {usage}"
REPORT_HEADER = "📊 <b>Báo cáo {label}</b> ({start} – {end})"
REPORT_SCOPE = "Phạm vi: {scope}"
REPORT_SCOPE_ALL = "tất cả đơn vị"
REPORT_FROZEN = "🔒 Kỳ đã khóa sổ; số liệu tính đến hết ngày {day}, chốt lúc {at}."
REPORT_PAST = "Số liệu tính đến hết ngày {day}."
REPORT_LIVE = "Số liệu tính đến ngày {day}."
REPORT_TOTALS = (
    "Giao <b>{assigned}</b> nhiệm vụ đến hạn trong kỳ: hoàn thành {done} (đúng hạn "
    "<b>{on_time}</b>, trễ hạn <b>{late}</b>), quá hạn <b>{overdue}</b>, đang thực hiện "
    "{in_progress}."
)
REPORT_RATE = "Tỷ lệ hoàn thành đúng hạn: <b>{rate}</b> ({on_time}/{fallen} nhiệm vụ đã đến hạn)."
REPORT_RATE_NONE = "Chưa có nhiệm vụ nào đến hạn nên chưa tính tỷ lệ đúng hạn."
REPORT_EXTENDED = "⏳ Được gia hạn: {count} nhiệm vụ (tính theo hạn mới)."
REPORT_LATE_EARLIER = "☑️ Hoàn thành trễ hạn việc của kỳ trước: {count} nhiệm vụ."
REPORT_RANKING_HEADER = "<b>Xếp hạng đơn vị:</b>"
REPORT_RANK_LINE = "{rank}. {name} — {rate} ({on_time}/{fallen} đúng hạn{overdue})"
REPORT_RANK_OVERDUE = ", quá hạn {count}"
REPORT_UNRANKED_LINE = "– {name} — chưa có nhiệm vụ đến hạn"
REPORT_DIRECT_LINE = "• {name} (trực tiếp): {rate} ({on_time}/{fallen} đúng hạn)"
REPORT_MORE_UNITS = "… và {count} đơn vị khác (xem tệp Excel)."
REPORT_NOTHING_DUE = "Không có nhiệm vụ nào đến hạn trong {label}."
REPORT_XLSX_CAPTION = "📑 Báo cáo {label}: bảng tổng hợp và danh sách từng nhiệm vụ."
REPORT_CHART_CAPTION = "📈 Đúng hạn, trễ hạn, quá hạn theo đơn vị — {label}."
REPORT_FILES_UNAVAILABLE = (
    "Ứng dụng này chưa nhận được tệp: bảng Excel và biểu đồ có trên Telegram, hoặc nhờ quản "
    "trị xuất bằng lệnh <code>nhacviec report --xlsx</code>."
)
REPORT_NO_PLAN = "Giao trực tiếp (không theo kế hoạch)"
PERIOD_WEEK = "tuần {week}/{year}"

# /hosominhchung
DOSSIER_USAGE = (
    "/hosominhchung [MÃ_ĐƠN_VỊ] [kỳ] — ví dụ <code>/hosominhchung PNV nam</code>, "
    "<code>/hosominhchung quy I/2026</code>; mặc định là năm nay."
)
DOSSIER_EMPTY = "Không có nhiệm vụ nào đến hạn của {scope} trong {label} nên chưa có hồ sơ."
DOSSIER_CAPTION = (
    "🗂 Hồ sơ minh chứng {scope}, {label}: {files} tệp cho {with_evidence}/{occurrences} "
    "nhiệm vụ; mục lục kèm mã SHA-256 của từng tệp."
)
DOSSIER_MISSING_EVIDENCE = "⚠️ {count} nhiệm vụ chưa có minh chứng (xem trang «Chưa có minh chứng»)."
DOSSIER_MISSING_FILES = "⚠️ {count} tệp không còn trong kho lưu trữ (đã ghi trong mục lục)."
DOSSIER_TOO_LARGE = (
    "Hồ sơ nặng {size}, quá giới hạn gửi qua ứng dụng ({limit}). Hãy chọn kỳ ngắn hơn hoặc "
    "một đơn vị, hoặc nhờ quản trị xuất bằng lệnh <code>nhacviec dossier</code>."
)
DOSSIER_FILES_UNAVAILABLE = (
    "Ứng dụng này chưa nhận được tệp: hồ sơ minh chứng có trên Telegram, hoặc nhờ quản trị "
    "xuất bằng lệnh <code>nhacviec dossier</code>."
)
DOSSIER_INDEX_FILE = "muc_luc_ho_so_minh_chung.xlsx"
DOSSIER_INDEX_SHEET = "Mục lục"
DOSSIER_MISSING_SHEET = "Chưa có minh chứng"
DOSSIER_INDEX_TITLE = "MỤC LỤC HỒ SƠ MINH CHỨNG"
DOSSIER_MISSING_TITLE = "NHIỆM VỤ CHƯA CÓ MINH CHỨNG"
DOSSIER_INDEX_HEADERS = [
    "STT", "Kế hoạch", "Số NV", "Nhiệm vụ", "Mã ĐV", "Đơn vị chủ trì", "Kỳ", "Hạn",
    "Trạng thái", "Tệp trong hồ sơ", "Tên tệp gốc", "Người gửi", "Thời điểm gửi",
    "Loại tệp", "Dung lượng (byte)", "SHA-256", "Chú thích",
]
DOSSIER_MISSING_HEADERS = [
    "STT", "Kế hoạch", "Số NV", "Nhiệm vụ", "Mã ĐV", "Đơn vị chủ trì", "Kỳ", "Hạn",
    "Trạng thái",
]
DOSSIER_FILE_GONE = "KHÔNG CÒN TỆP trong kho lưu trữ"
DOSSIER_FILE_CORRUPT = "TỆP HỎNG: nội dung không khớp mã SHA-256 đã ghi"
DOSSIER_PERIOD_FOLDER = "{period} (hạn {due})"
DOSSIER_ROOT_FOLDER = "Hồ sơ minh chứng {scope} {period}"
DOSSIER_ONGOING_FOLDER = "Thường xuyên"

# the spreadsheet of /baocao and `nhacviec report --xlsx`
XLSX_SUMMARY_SHEET = "Tổng hợp"
XLSX_DETAIL_SHEET = "Chi tiết"
XLSX_EXTENSION_SHEET = "Gia hạn"
XLSX_LATE_SHEET = "Trễ hạn kỳ trước"
XLSX_TITLE = "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ"
XLSX_DETAIL_TITLE = "DANH SÁCH NHIỆM VỤ ĐẾN HẠN TRONG KỲ"
XLSX_EXTENSION_TITLE = "NHIỆM VỤ ĐƯỢC GIA HẠN"
XLSX_LATE_TITLE = "NHIỆM VỤ CỦA KỲ TRƯỚC HOÀN THÀNH TRỄ HẠN TRONG KỲ"
XLSX_PERIOD = "Kỳ báo cáo: {label} (từ {start} đến {end}) — {scope}"
XLSX_FROZEN = "Kỳ đã khóa sổ: số liệu tính đến hết ngày {day}, chốt lúc {at}."
XLSX_PAST = "Số liệu tính đến hết ngày {day}."
XLSX_LIVE = "Số liệu tính đến ngày {day}."
XLSX_SUMMARY_HEADERS = [
    "STT", "Mã đơn vị", "Đơn vị", "Số nhiệm vụ đến hạn trong kỳ", "Hoàn thành đúng hạn",
    "Hoàn thành trễ hạn", "Quá hạn chưa hoàn thành", "Đang thực hiện (chưa đến hạn)",
    "Tỷ lệ đúng hạn", "Xếp hạng", "Trong đó được gia hạn", "Hoàn thành trễ việc kỳ trước",
]
XLSX_TOTAL = "Tổng cộng"
XLSX_NOTES = [
    "Ghi chú:",
    "- Tỷ lệ đúng hạn = đúng hạn ÷ (đúng hạn + trễ hạn + quá hạn); để trống khi chưa có "
    "nhiệm vụ nào đến hạn.",
    "- Số liệu của mỗi đơn vị đã gồm các đơn vị trực thuộc; xếp hạng so với các đơn vị cùng cấp.",
    "- Nhiệm vụ được gia hạn tính theo hạn mới; hạn ban đầu ghi ở trang «Chi tiết».",
    "- Mỗi kỳ của nhiệm vụ định kỳ (tháng, quý…) tính là một nhiệm vụ.",
]
XLSX_DETAIL_HEADERS = [
    "STT", "Mã ĐV", "Đơn vị chủ trì", "Kế hoạch", "Số NV", "Nhiệm vụ", "Kỳ", "Hạn ban đầu",
    "Gia hạn đến", "Trạng thái", "Hoàn thành lúc", "Người hoàn thành", "Số minh chứng",
    "Tiến độ (%)", "Ghi chú",
]
XLSX_EXTENSION_HEADERS = [
    "STT", "Mã ĐV", "Đơn vị chủ trì", "Số NV", "Nhiệm vụ", "Kỳ", "Hạn ban đầu", "Gia hạn đến",
    "Lý do", "Người đề nghị", "Người duyệt", "Ngày duyệt", "Trạng thái",
]
XLSX_LATE_HEADERS = [
    "STT", "Mã ĐV", "Đơn vị chủ trì", "Số NV", "Nhiệm vụ", "Kỳ", "Hạn", "Hoàn thành lúc",
    "Người hoàn thành", "Số ngày trễ",
]
XLSX_DONE_AFTER_CLOSE = "Hoàn thành sau khi khóa sổ, lúc {at}"
XLSX_GENERATED = "Lập lúc {at} — Nhắc Việc"
XLSX_FOOTER = "Trang &P/&N"

# the chart
CHART_TITLE = "Kết quả thực hiện nhiệm vụ — {label}"
CHART_ON_TIME = "Đúng hạn"
CHART_LATE = "Trễ hạn"
CHART_OVERDUE = "Quá hạn"
CHART_AXIS = "Số nhiệm vụ đã đến hạn"
CHART_DIRECT = "{name} (trực tiếp)"
CHART_SUBSET = "{shown}/{total} đơn vị có tỷ lệ đúng hạn cao nhất"
CHART_NOTHING_DUE = "Chưa có nhiệm vụ nào đến hạn"
CHART_STATE_CLOSED = "số liệu tính đến hết ngày {day}"
CHART_STATE_LIVE = "số liệu tính đến ngày {day}"

# calendar feeds
ICS_CALENDAR_UNIT = "Hạn nhiệm vụ — {unit}"
ICS_CALENDAR_PERSON = "Hạn nhiệm vụ — {name}"
ICS_SUMMARY = "{mark}{title}"
ICS_MARK_DONE = "✅ "
ICS_MARK_OVERDUE = "🔴 Quá hạn: "
ICS_MARK_SUPPORT = " (phối hợp)"
ICS_DESCRIPTION = [
    "Nhiệm vụ #{task_id}: {title}",
    "Đơn vị chủ trì: {unit}",
    "Kỳ: {period}",
    "Hạn: {due}",
    "Trạng thái: {status}",
    "Theo: {plan}",
    "Gõ /chitiet {task_id} trong Nhắc Việc để xem chi tiết.",
]
ICS_EXTENDED = "{due} (gia hạn từ {original})"

# --- zalo ----------------------------------------------------------------------------------

ZALO_FILE_LINK = (
    "📄 <b>{name}</b> ({size}){caption}\n"
    "Tải tệp tại: {url}\n"
    "Đường dẫn dùng được đến {expires}."
)
ZALO_FILE_NO_LINK = (
    "📄 Tệp «{name}» chưa gửi được qua Zalo: máy chủ của bot chưa có địa chỉ công khai để "
    "tải tệp (WEBHOOK_BASE_URL). Vui lòng lấy tệp qua Telegram hoặc nhờ cán bộ quản trị."
)
ZALO_UNSUPPORTED_MESSAGE = (
    "Bot trên Zalo chưa nhận được loại tin nhắn này. Minh chứng dạng ảnh: gửi ảnh kèm chú thích "
    "<code>/minhchung SỐ</code>. Tài liệu PDF, Word, Excel: gửi qua Telegram, hoặc chụp ảnh "
    "từng trang rồi gửi ở đây."
)
ZALO_OA_OUTSIDE_WINDOW = (
    "⚠️ Không gửi được tin nhắn qua Zalo OA cho <b>{name}</b>: đã quá {hours} giờ kể từ lần cuối "
    "người này nhắn cho OA, Zalo không cho OA nhắn tin miễn phí nữa.\n{fallback}\n"
    "Nội dung: {excerpt}"
)
ZALO_OA_FALLBACK_TELEGRAM = "Đã gửi tin nhắn này qua Telegram thay thế."
ZALO_OA_FALLBACK_NONE = (
    "Người này chưa liên kết Telegram (/lienket): vui lòng báo trực tiếp, hoặc nhắc họ nhắn "
    "một tin bất kỳ cho OA để nhận lại thông báo."
)


# --- deployment (TRIEN_KHAI): the person's own ID on /start, for `nhacviec admin add` -------

YOUR_ID = ("Mã của anh/chị: <code>{identity}</code> (quản trị viên dùng mã này, ví dụ "
           "<code>nhacviec admin add {identity}</code>).")


# --- permissions and numbers (issue 11) ----------------------------------------------------

# /lienket: a code read by others lets them take over the account, so it lives in private chats.
LINK_PRIVATE_ONLY = (
    "🔒 Vì an toàn, /lienket chỉ dùng khi nhắn riêng với bot: mã liên kết đọc được trong nhóm "
    "thì ai cũng dùng được. Hãy mở cuộc trò chuyện riêng với bot rồi gõ lại."
)
LINK_CODE_BURNT = (
    "🔒 Mã vừa gõ trong nhóm nên đã bị huỷ. Hãy lấy mã mới bằng /lienket khi nhắn riêng với bot "
    "và chỉ nhập mã đó khi nhắn riêng."
)
LINK_TOO_MANY_ATTEMPTS = (
    "⛔ Anh/chị đã nhập sai mã liên kết quá nhiều lần. Vui lòng thử lại sau {minutes} phút."
)
LINK_NOTICE = (
    "🔗 Tài khoản {platform} «{name}» vừa được liên kết với tài khoản của anh/chị lúc {at}: "
    "từ nay hai ứng dụng là một người, cùng đơn vị và quyền; nhắc việc gửi qua {preferred}.\n"
    "Nếu không phải anh/chị liên kết, gõ ngay <code>/lienket tach {identity_id}</code> để tách "
    "ra và báo cán bộ quản trị."
)
LINK_UNDO_USAGE = "/lienket tach SỐ (số in trong thông báo liên kết)"
LINK_UNDO_NOT_FOUND = "Tài khoản số {identity_id} không liên kết với anh/chị."
LINK_UNDONE = (
    "✂️ Đã tách tài khoản {platform} «{name}» khỏi tài khoản của anh/chị. Tài khoản đó không còn "
    "đơn vị và quyền nào; nhắc việc gửi qua {preferred}."
)

# Extensions: the requester never decides their own request (four eyes).
EXTEND_OWN_REQUEST = (
    "⛔ Anh/chị không thể tự duyệt đề nghị gia hạn của chính mình. Đề nghị đã được gửi đến "
    "lãnh đạo khác hoặc quản trị."
)
EXTEND_SENT_UPWARD = (
    "Anh/chị là lãnh đạo duy nhất của {unit} nên không tự duyệt được: đề nghị được chuyển đến "
    "lãnh đạo đơn vị cấp trên hoặc quản trị."
)
EXTEND_NO_APPROVER = (
    "⚠️ Chưa có ai khác duyệt được đề nghị này (không có lãnh đạo cấp trên hay quản trị nào "
    "liên lạc được qua bot). Vui lòng báo cán bộ quản trị."
)

# /ganketnhom on a group that already belongs to a unit.
BIND_ALREADY_BOUND = (
    "⛔ Nhóm này đã gắn với <b>{unit}</b>. Chỉ lãnh đạo đơn vị đó hoặc quản trị được gắn lại."
)
BIND_MOVED_NOTICE = (
    "🔗 Nhóm «{chat}» trước đây gắn với {old_unit} vừa được {who} gắn sang {new_unit}. "
    "Nhắc việc của {old_unit} không còn gửi vào nhóm này. Nếu không đúng, hãy báo quản trị."
)

# Commands that take a list of words or units, bounded so that one message costs little.
TOO_MANY_WORDS = "Lệnh có quá nhiều từ (tối đa {limit}). Cách dùng: {usage}"
TOO_MANY_UNITS = "Mỗi lần giao tối đa {limit} đơn vị."

# Numbers: ASCII digits only, within a range.
BAD_PAGE = "«{value}» không phải số trang hợp lệ (số từ 1 đến {high})."
BAD_REQUEST_NUMBER = "«{value}» không phải là số đề nghị. Cách dùng: {usage}"
REPORT_BAD_YEAR = "Năm «{value}» không hợp lệ: năm phải từ {low} đến {high}.\nCách dùng: {usage}"
MENU_NOT_A_CHOICE = "«{value}» không phải số thứ tự. Vui lòng gõ số từ 1 đến {count}."

DOMAIN_ERRORS.update({
    "extension_own_request": EXTEND_OWN_REQUEST,
    "bind_already_bound": BIND_ALREADY_BOUND,
})


# --- deadlines in the past (issue 13: deadline language) -----------------------------------

ASSIGN_PAST_ASK = (
    "⚠️ Hạn «{phrase}» là {due}, đã qua (hôm nay {today}): nhiệm vụ sẽ quá hạn ngay khi giao. "
    "Vẫn giao với hạn này?"
)
ASSIGN_PAST_CONFIRM = "Vẫn giao, hạn {due}"
ASSIGN_PAST_CANCEL = "Hủy"
ASSIGN_PAST_CANCELLED = "Đã hủy, chưa giao nhiệm vụ nào. Gửi lại /giao với hạn mới."
ASSIGN_PAST_NOTHING = "Không có nhiệm vụ nào đang chờ xác nhận hạn đã qua."
PLAN_PREVIEW_PAST = (
    "⚠️ {count} nhiệm vụ có hạn đã qua (giữ đúng hạn ghi trong kế hoạch, sẽ quá hạn ngay): {refs}"
)


# --- plan reader limits (plans/limits.py; issue 11 "High 2") --------------------------------
# Sent through PLAN_IMPORT_READ_ERROR, which escapes them: plain text, no tags. Each names the
# limit that was hit, so an admin knows what to change in the file and an operator which
# PLAN_READ_* setting a legitimate file would need.
READ_LIMIT_FILE_SIZE = (
    "Tệp «{name}» nặng {size}, vượt giới hạn {limit}. Vui lòng gửi bản nhỏ hơn "
    "(ví dụ chỉ phần kế hoạch và phụ lục nhiệm vụ)."
)
READ_LIMIT_ZIP_PARTS = (
    "Tệp «{name}» gồm {count} phần nén bên trong, vượt giới hạn {limit} phần của một tệp "
    "Word/Excel. Tệp bất thường nên không đọc; vui lòng lưu lại thành tệp mới rồi gửi lại."
)
READ_LIMIT_ZIP_PART_SIZE = (
    "Tệp «{name}»: phần «{part}» khi giải nén nặng {size}, vượt giới hạn {limit} cho một "
    "phần. Tệp quá lớn hoặc bất thường nên không đọc."
)
READ_LIMIT_ZIP_TOTAL = (
    "Tệp «{name}» khi giải nén nặng {size}, vượt giới hạn {limit}. Tệp quá lớn hoặc bất "
    "thường nên không đọc; vui lòng gửi riêng phần kế hoạch."
)
READ_LIMIT_ZIP_RATIO = (
    "Tệp «{name}»: phần «{part}» nén với tỉ lệ {ratio}:1 (giải nén ra {size}), vượt giới hạn "
    "{limit}:1. Đây là dấu hiệu tệp nén bất thường (zip bomb) nên không đọc."
)
READ_LIMIT_SHEET_AREA = (
    "Trang tính «{sheet}» trong tệp «{name}» khai báo vùng dữ liệu {ref} ({cells} ô), vượt "
    "giới hạn {limit} ô. Vui lòng xoá các hàng, cột thừa hoặc chép phần kế hoạch sang tệp mới."
)
READ_LIMIT_SHEET_MERGED = (
    "Trang tính «{sheet}» trong tệp «{name}» có vùng gộp ô {ref}; tổng số ô bị gộp ({cells}) "
    "vượt giới hạn {limit} ô. Vui lòng bỏ gộp các vùng quá rộng rồi gửi lại."
)
READ_LIMIT_CELLS = (
    "Tệp «{name}» có {cells} ô, vượt giới hạn {limit} ô. Vui lòng chỉ giữ các trang tính "
    "kế hoạch và phụ lục nhiệm vụ."
)
READ_LIMIT_SHEET_TABLE = (
    "Trang tính «{sheet}» trong tệp «{name}» trải trên {rows} hàng × {cols} cột ({cells} ô), "
    "vượt giới hạn {limit} ô. Có ô dữ liệu nằm rất xa bảng (ví dụ ô {far}); vui lòng xoá các "
    "ô thừa rồi gửi lại."
)
READ_LIMIT_PDF_PAGES = (
    "Tệp PDF «{name}» có {pages} trang, vượt giới hạn {limit} trang. Vui lòng gửi riêng phần "
    "kế hoạch và phụ lục nhiệm vụ."
)
READ_LIMIT_PDF_STREAM = (
    "Tệp PDF «{name}» có một luồng dữ liệu giải nén ra hơn {size}, vượt giới hạn {limit} cho "
    "một luồng. Tệp bất thường nên không đọc; vui lòng xuất lại PDF từ Word rồi gửi lại."
)
READ_LIMIT_PDF_RATIO = (
    "Tệp PDF «{name}» có một luồng dữ liệu nén với tỉ lệ hơn {ratio}:1, vượt giới hạn "
    "{limit}:1. Đây là dấu hiệu tệp nén bất thường nên không đọc; vui lòng xuất lại PDF từ Word."
)
READ_LIMIT_PDF_TOTAL = (
    "Tệp PDF «{name}» khi giải nén nặng hơn {size}, vượt giới hạn {limit}. Tệp quá lớn hoặc "
    "bất thường nên không đọc; vui lòng gửi riêng phần kế hoạch."
)
READ_LIMIT_PAGE_CHARS = (
    "Trang {page} của tệp PDF «{name}» có hơn {limit} ký tự, vượt giới hạn cho một trang. "
    "Tệp bất thường nên không đọc; vui lòng xuất lại PDF từ Word rồi gửi lại."
)
READ_LIMIT_TEXT = (
    "Tệp «{name}» có hơn {limit} ký tự chữ, vượt giới hạn của một kế hoạch. Vui lòng gửi riêng "
    "phần kế hoạch và phụ lục nhiệm vụ."
)
READ_LIMIT_TIME = (
    "Đọc tệp «{name}» đã quá {seconds} giây (giới hạn thời gian đọc một tệp) nên bot dừng lại. "
    "Vui lòng gửi bản ngắn hơn, ví dụ chỉ phần kế hoạch và phụ lục nhiệm vụ."
)
READ_LIMIT_MEMORY = (
    "Đọc tệp «{name}» cần quá {limit} bộ nhớ (giới hạn bộ nhớ khi đọc một tệp) nên bot dừng "
    "lại. Tệp quá lớn hoặc bất thường; vui lòng gửi riêng phần kế hoạch và phụ lục nhiệm vụ."
)


# === Everyday use in chat: safe menus, confirmations, task life, typos (issue 15) =========
# Kept in one block so that other work on the catalogue merges cleanly.

NUMBERED_MENU_KEYED_HINT = "Trả lời bằng số nhiệm vụ (số đứng đầu dòng) để chọn."
MENU_CHOICE_NOT_OFFERED = (
    "Không có lựa chọn «{number}» trong danh sách vừa gửi (chọn một trong: {keys}). "
    "Không có gì thay đổi."
)
MENU_STALE = (
    "Danh sách lựa chọn trước đó đã hết hiệu lực nên «{number}» không được hiểu là một lựa "
    "chọn; không có gì thay đổi. Muốn xem nhiệm vụ số {number}: <code>/chitiet {number}</code>."
)
MENU_NONE = (
    "«{number}» là số nhiệm vụ? Không có danh sách nào đang chờ chọn; không có gì thay đổi. "
    "Xem nhiệm vụ: <code>/chitiet {number}</code>."
)
CONFIRM_QUESTION = "<b>Xác nhận?</b>"
CONFIRM_YES = "✅ Có"
CONFIRM_NO = "✖️ Không"
CONFIRM_NOTHING = "Không có thao tác nào đang chờ xác nhận (hoặc đã hết hạn). Không có gì thay đổi."
CONFIRM_DECLINED = "Đã bỏ qua. Không có gì thay đổi."
SUGGEST_COMMAND = "Ý anh/chị là <code>{command}</code>?"
INTENT_PROGRESS = "Cập nhật tiến độ nhiệm vụ #{task_id} lên {percent}% (<code>{command}</code>)?"
INTENT_EXTENSION = "Xin gia hạn nhiệm vụ #{task_id}: <code>{command}</code>?"
INTENT_NEED_TASK = (
    "Anh/chị muốn làm việc này với nhiệm vụ số mấy? Ghi kèm số nhiệm vụ, ví dụ: «{example}». "
    "Gõ /nhiemvu để xem số các nhiệm vụ."
)
NOT_A_COMMAND_HINT = (
    "Tôi chưa hiểu ý anh/chị. Có thể viết, ví dụ: «xong việc 3», «tiến độ 50% việc 3», "
    "«xin gia hạn việc 3 đến 20/12/2026 vì chờ số liệu», «việc của tôi», hoặc gõ /trogiup."
)

DONE_CONFIRM = "Báo <b>hoàn thành</b> nhiệm vụ #{task_id} «{title}» ({period})?"
DONE_UNDO_HINT = "Nhầm? Trong {minutes} phút có thể gõ <code>/hoantac {task_id}</code> để hoàn tác."

TASK_CANCELLED_LABEL = "⛔ ĐÃ HUỶ"
DETAIL_CANCELLED = "⛔ <b>Nhiệm vụ đã huỷ</b> — không còn nhắc và không tính vào thống kê."
HISTORY_REOPENED = "mở lại kỳ đã hoàn thành (hoàn thành lúc {done_at}{note}) — lý do: {reason}"
HISTORY_UNDONE = "hoàn tác báo hoàn thành (lúc {done_at}{note})"
HISTORY_CANCELLED = "huỷ nhiệm vụ{reason}"
HISTORY_EDITED = "sửa {fields}"
HISTORY_RESCHEDULED = "đổi thời hạn «{old}» → «{new}»"
EDIT_FIELD_NAMES = {"title": "tên", "lead": "đơn vị chủ trì", "support": "đơn vị phối hợp",
                    "deadline": "thời hạn"}

CANCEL_TASK_USAGE = "/huynhiemvu SỐ lý do (ví dụ: <code>/huynhiemvu 12 trùng với nhiệm vụ 9</code>)"
CANCEL_TASK_CONFIRM = (
    "<b>Huỷ</b> nhiệm vụ #{task_id} «{title}» ({unit})? Nhiệm vụ được giữ lại nhưng không còn "
    "nhắc và không tính vào thống kê."
)
CANCEL_TASK_DONE = "⛔ Đã huỷ nhiệm vụ #{task_id} «{title}»."
CANCEL_TASK_NOTICE = "⛔ {who} đã huỷ nhiệm vụ #{task_id} «{title}» của {unit}{reason}."
REOPEN_USAGE = "/molai SỐ lý do (ví dụ: <code>/molai 12 thiếu biên bản họp</code>)"
REOPEN_DONE = (
    "🔄 Đã mở lại nhiệm vụ #{task_id} «{title}», kỳ {period}. Lần báo hoàn thành trước "
    "({done_at}, {who}) vẫn được giữ trong lịch sử."
)
REOPEN_NOTICE = "🔄 {who} đã mở lại nhiệm vụ #{task_id} «{title}» — lý do: {reason}."
UNDO_USAGE = "/hoantac SỐ — huỷ báo hoàn thành vừa gửi nhầm (trong {minutes} phút)"
UNDO_DONE = "↩️ Đã hoàn tác báo hoàn thành nhiệm vụ #{task_id}; nhiệm vụ đang thực hiện trở lại."
EDIT_USAGE = (
    "/sua SỐ ten|han|chutri|phoihop GIÁ_TRỊ, ví dụ: <code>/sua 12 han Quý III/2026</code>, "
    "<code>/sua 12 chutri VP</code>, <code>/sua 12 phoihop PNV,TTR</code> (hoặc «khong»)"
)
EDIT_REASSIGN_CONFIRM = (
    "<b>Giao lại</b> nhiệm vụ #{task_id} «{title}» từ {old} sang <b>{new}</b>?"
)
EDIT_DONE = "✏️ Đã sửa nhiệm vụ #{task_id}: {fields}."
EDIT_NOTHING = "Không có gì thay đổi ở nhiệm vụ #{task_id}."
EDIT_NOTICE = "✏️ {who} đã sửa nhiệm vụ #{task_id} «{title}»: {fields}."
UNIT_AMBIGUOUS = (
    "Có nhiều đơn vị ứng với «{name}»: {units}. Vui lòng gõ lại bằng mã đơn vị."
)
FROZEN_UNCHANGED = (
    "ℹ️ Số liệu các kỳ đã chốt ({periods}) được giữ nguyên, không thay đổi theo thao tác này; "
    "thay đổi chỉ có hiệu lực với các kỳ chưa chốt."
)

DOMAIN_ERRORS.update({
    "task_already_cancelled": "Nhiệm vụ #{task_id} đã bị huỷ trước đó.",
    "occurrence_not_done": "Nhiệm vụ #{task_id} chưa được báo hoàn thành nên không cần mở lại.",
    "reopen_reason_missing": "Vui lòng ghi lý do mở lại nhiệm vụ #{task_id}.",
    "undo_not_yours": (
        "Chỉ người đã báo hoàn thành nhiệm vụ #{task_id} mới hoàn tác được; lãnh đạo có thể "
        "dùng /molai."
    ),
    "undo_too_late": (
        "Đã quá {minutes} phút kể từ khi báo hoàn thành nhiệm vụ #{task_id}; nhờ lãnh đạo "
        "đơn vị mở lại bằng /molai."
    ),
})
