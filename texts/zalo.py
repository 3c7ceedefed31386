"""Texts only Zalo needs: file links instead of files, the OA's fallbacks."""

from __future__ import annotations

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
    "<code>/minhchung SỐ</code>. Tài liệu PDF, Word, Excel: gõ <code>/minhchung SỐ</code> để "
    "nhận đường dẫn gửi tệp."
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
