"""Texts of reminders, digests and delivery reports (scheduler)."""

from __future__ import annotations

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
    "Xin gia hạn: <code>/giahan SỐ dd/mm/yyyy lý do</code> · "
    "Nhắc lại sau: <code>/nhaclai SỐ</code>"
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
