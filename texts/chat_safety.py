"""Texts of safe menus, confirmations, task life (edit, cancel, reopen, undo) and typo
suggestions."""

from __future__ import annotations

# === Everyday use in chat: safe menus, confirmations, task life, typos (issue 15) ==


# Kept in one block so that other work on the catalogue merges cleanly.

NUMBERED_MENU_KEYED_HINT = "Trả lời bằng số đứng đầu dòng để chọn."
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
UNDO_NOTICE = ("↩️ {who} đã hoàn tác báo hoàn thành nhiệm vụ #{task_id} «{title}» (báo nhầm); "
               "nhiệm vụ đang thực hiện trở lại.")
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
