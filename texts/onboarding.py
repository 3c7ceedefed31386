"""Texts of onboarding at scale: invitation links and QR codes, the staff list matched by
phone number, the pending join requests, and the upload page for people on Zalo."""

from __future__ import annotations

# --- invitation links ----------------------------------------------------------------------

INVITE_USAGE = (
    "Cách dùng:\n"
    "• <code>/moi MÃ_ĐƠN_VỊ</code> — tạo đường dẫn mời (lãnh đạo đơn vị duyệt từng người)\n"
    "• <code>/moi MÃ_ĐƠN_VỊ tudong</code> — người vào bằng đường dẫn được nhận ngay\n"
    "• <code>/moi MÃ_ĐƠN_VỊ tudong 30</code> — đường dẫn dùng được 30 ngày\n"
    "• <code>/moi ds</code> — các đường dẫn còn dùng được\n"
    "• <code>/moi thuhoi SỐ</code> — thu hồi một đường dẫn"
)
INVITE_CREATED = (
    "Đã tạo đường dẫn mời số {id} vào <b>{unit}</b> ({mode}), dùng được đến {expires}.\n"
    "{link}\n"
    "Gửi đường dẫn này hoặc in mã QR kèm theo để cán bộ quét bằng điện thoại. "
    "Trên Zalo, cán bộ gõ: <code>/start {token}</code>\n"
    "Đường dẫn chỉ hiện một lần: hãy lưu lại."
)
INVITE_QR_CAPTION = "Mã QR tham gia {unit}"
INVITE_NO_USERNAME = (
    "Chưa biết tên bot Telegram nên chưa tạo được đường dẫn. Quản trị đặt biến "
    "TELEGRAM_BOT_USERNAME (tên bot, không có @) rồi khởi động lại."
)
INVITE_MODE_AUTO = "tự động nhận"
INVITE_MODE_APPROVAL = "lãnh đạo đơn vị duyệt"
INVITE_LIST_HEADER = "<b>Đường dẫn mời còn dùng được</b>"
INVITE_LIST_LINE = "• Số {id}: {unit} — {mode}, đến {expires}, đã dùng {uses} lần"
INVITE_LIST_EMPTY = "Không có đường dẫn mời nào còn dùng được."
INVITE_REVOKED = "Đã thu hồi đường dẫn mời số {id} ({unit}). Ai bấm vào sẽ được báo đã hết hiệu lực."
INVITE_NOT_FOUND = "Không có đường dẫn mời số {id}."
INVITE_ALREADY_REVOKED = "Đường dẫn mời số {id} đã bị thu hồi trước đó."
INVITE_BAD_DAYS = "Số ngày phải từ 1 đến 365, ví dụ: <code>/moi PNV tudong 30</code>"

INVITE_INVALID = (
    "Đường dẫn mời này không đúng hoặc đã bị thu hồi. Hãy xin đường dẫn mới từ lãnh đạo đơn "
    "vị, hoặc gõ <code>/dangky MÃ_ĐƠN_VỊ</code>."
)
INVITE_EXPIRED = "Đường dẫn mời này đã hết hạn ngày {expires}. Hãy xin đường dẫn mới."
INVITE_JOINED = "Chào mừng {name}! Anh/chị đã là {role} của <b>{unit}</b>. Gõ /nhiemvu để xem việc."
INVITE_ALREADY_MEMBER = "Anh/chị đã ở trong <b>{unit}</b> rồi. Gõ /nhiemvu để xem việc."
INVITE_JOIN_NOTICE = "{name} đã tham gia {unit} bằng đường dẫn mời số {id}."

# --- the staff list ------------------------------------------------------------------------

STAFF_USAGE = (
    "Gửi tệp Excel (.xlsx) danh sách cán bộ với lời nhắn <code>/nhapcanbo</code>. "
    "Các cột: Họ và tên, Số điện thoại, Đơn vị (mã hoặc tên), Vai trò (cán bộ / lãnh đạo)."
)
STAFF_WAITING = "Hãy gửi tệp Excel (.xlsx) danh sách cán bộ (tối đa {max_mb} MB). Gõ /huy để thôi."
STAFF_NOT_XLSX = "Tệp «{name}» không phải Excel (.xlsx). Danh sách cán bộ cần tệp .xlsx."
STAFF_UNREADABLE = "Không đọc được tệp «{name}»: {reason}"
STAFF_NO_HEADER = (
    "Không tìm thấy dòng tiêu đề. Dòng đầu của bảng cần có các cột: «Họ và tên», "
    "«Số điện thoại», «Đơn vị», «Vai trò»."
)
STAFF_MISSING_COLUMNS = "Bảng thiếu cột: {columns}."
STAFF_NO_ROWS = "Bảng không có dòng cán bộ nào dưới tiêu đề."
STAFF_ROW_NO_NAME = "Dòng {row}: thiếu họ và tên."
STAFF_ROW_BAD_PHONE = (
    "Dòng {row}: số điện thoại «{phone}» không hợp lệ (cần 10 chữ số bắt đầu bằng 0, "
    "ví dụ 0912345678)."
)
STAFF_ROW_DUP_PHONE = "Dòng {row}: số điện thoại {phone} đã có ở dòng {first}."
STAFF_ROW_BAD_ROLE = "Dòng {row}: vai trò «{role}» không rõ (ghi «cán bộ» hoặc «lãnh đạo»)."
STAFF_ROW_NO_UNIT = "Dòng {row}: thiếu đơn vị."
STAFF_ROW_UNKNOWN_UNIT = "Dòng {row}: không có đơn vị «{unit}»."
STAFF_ROW_AMBIGUOUS_UNIT = "Dòng {row}: «{unit}» trùng với nhiều đơn vị ({units}); ghi mã đơn vị."
STAFF_ERRORS = (
    "Chưa nhập dòng nào: danh sách có {count} lỗi. Sửa rồi gửi lại cả tệp.\n{errors}"
)
STAFF_MORE_ERRORS = "… và {count} lỗi nữa."
STAFF_IMPORTED = (
    "Đã nhập danh sách cán bộ: {added} người mới, {updated} người cập nhật. "
    "Cán bộ mở bot, gõ /start rồi bấm «Chia sẻ số điện thoại» để vào đúng đơn vị."
)

# --- sharing one's phone number ------------------------------------------------------------

CONTACT_ASK = (
    "Nếu đơn vị đã gửi danh sách cán bộ, bấm nút «{button}» bên dưới: bot nhận ra "
    "anh/chị và đưa vào đúng đơn vị."
)
CONTACT_BUTTON = "📱 Chia sẻ số điện thoại"
CONTACT_NOT_OWN = "Hãy bấm nút «Chia sẻ số điện thoại» để gửi số của chính anh/chị."
CONTACT_USE_BUTTON = "Hãy gõ /start rồi bấm nút «Chia sẻ số điện thoại» (chỉ có trên Telegram)."
CONTACT_UNKNOWN = (
    "Số {phone} chưa có trong danh sách cán bộ. Hãy hỏi quản trị, hoặc gõ "
    "<code>/dangky MÃ_ĐƠN_VỊ</code> để xin tham gia."
)
CONTACT_TAKEN = (
    "Số {phone} đã được dùng cho một tài khoản khác. Nếu đó không phải anh/chị, "
    "hãy báo quản trị."
)
CONTACT_JOINED = "Đã nhận ra {name}: anh/chị là {role} của <b>{unit}</b>. Gõ /nhiemvu để xem việc."

# --- pending join requests -----------------------------------------------------------------

PENDING_HEADER = "<b>Yêu cầu tham gia đang chờ duyệt ({count})</b>"
PENDING_LINE = "• Số {id}: {name} → {unit} ({when})"
PENDING_EMPTY = "Không có yêu cầu tham gia nào đang chờ anh/chị duyệt."
PENDING_MORE = "… và {count} yêu cầu nữa (gõ <code>/duyet tatca</code> để duyệt hết)."
PENDING_APPROVE = "✓ {id} {name}"
PENDING_REFUSE = "✗ {id}"
PENDING_APPROVE_ALL = "✓ Duyệt tất cả ({count})"
APPROVE_ALL_ASK = "Duyệt {count} yêu cầu tham gia làm cán bộ?"
APPROVE_ALL_DONE = "Đã duyệt {count} yêu cầu tham gia (vai trò cán bộ)."

# --- uploading a file on Zalo --------------------------------------------------------------

UPLOAD_EVIDENCE_LINK = (
    "Zalo không chuyển tệp cho bot. Mở đường dẫn sau để gửi minh chứng cho nhiệm vụ số "
    "{task_id} (PDF, Word, Excel, ảnh; tối đa {max_mb} MB), dùng được đến {expires}:\n{url}\n"
    "Đường dẫn chỉ dành cho anh/chị và dùng một lần."
)
UPLOAD_PLAN_LINK = (
    "Zalo không chuyển tệp cho bot. Mở đường dẫn sau để gửi tệp kế hoạch (Word, PDF, Excel; "
    "tối đa {max_mb} MB), dùng được đến {expires}:\n{url}\n"
    "Đường dẫn chỉ dành cho anh/chị và dùng một lần."
)
PAGE_TITLE = "Gửi tệp cho Nhắc Việc"
PAGE_EVIDENCE = "Minh chứng cho nhiệm vụ số {task_id}"
PAGE_PLAN = "Tệp kế hoạch để nhập"
PAGE_CHOOSE = "Chọn tệp (tối đa {max_mb} MB)"
PAGE_SEND = "Gửi tệp"
PAGE_EXPIRES = "Đường dẫn dùng được đến {expires}."
PAGE_DONE = "Đã nhận tệp. Kết quả:"
PAGE_DONE_FOOT = "Anh/chị có thể đóng trang này và quay lại Zalo."
PAGE_INVALID = "Đường dẫn không đúng. Hãy mở lại đường dẫn bot đã gửi trong Zalo."
PAGE_EXPIRED = "Đường dẫn đã hết hạn hoặc đã được dùng. Hãy gõ lại lệnh trong Zalo để nhận đường dẫn mới."
PAGE_TOO_LARGE = "Tệp lớn hơn {max_mb} MB. Hãy nén hoặc chia nhỏ tệp rồi gửi lại."
PAGE_NO_FILE = "Chưa chọn tệp. Hãy chọn một tệp rồi bấm «Gửi tệp»."
PAGE_FORBIDDEN = "Yêu cầu không hợp lệ (trang gửi đến từ nơi khác). Hãy mở lại đường dẫn trong Zalo."
PAGE_TIMEOUT = "Tải tệp lên quá lâu. Hãy thử lại khi mạng ổn định hơn."
