"""Every text a user reads. The catalogue is the `texts` package: the chat commands' texts
live here, each feature's in its own module (texts.reminders, texts.plan_import, texts.reports,
texts.zalo, texts.chat_safety, …), all readable as `messages.NAME`. Telegram HTML subset; a
tag never spans lines. Placeholders that carry user text are filled with `render` (or `esc`).
"""

from __future__ import annotations

# Re-exported: handlers fill texts with messages.render / messages.esc.
from texts.format import esc as esc
from texts.format import fmt_date as fmt_date
from texts.format import fmt_datetime as fmt_datetime
from texts.format import render as render
from timelang.status import Status

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
NUMBERED_MENU_HINT = "Trả lời bằng số thứ tự để chọn."
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


def domain_error_text(key: str, params: dict[str, object]) -> str:
    template = DOMAIN_ERRORS.get(key, GENERIC_ERROR)
    try:
        return render(template, **params)
    except KeyError:
        return template


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


# Each feature's texts, readable here as messages.NAME like the rest: one catalogue, split
# by feature only so that each file stays readable.
from texts.chat_actions import *  # noqa: E402, F403
from texts.chat_safety import *  # noqa: E402, F403
from texts.command_help import *  # noqa: E402, F403
from texts.deadlines import *  # noqa: E402, F403
from texts.plan_import import *  # noqa: E402, F403
from texts.reminders import *  # noqa: E402, F403
from texts.reports import *  # noqa: E402, F403
from texts.zalo import *  # noqa: E402, F403

COMMAND_DESCRIPTIONS.update(MORE_COMMAND_DESCRIPTIONS)  # noqa: F405
COMMAND_DESCRIPTIONS.update(CHAT_ACTION_COMMAND_DESCRIPTIONS)  # noqa: F405

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

