"""Texts of files asked for on platforms that pass no documents to bots (Zalo): the staff
list's upload link, and what to do when the bot has no upload page."""

from __future__ import annotations

UPLOAD_STAFF_LINK = (
    "Trên Zalo, tệp được gửi qua trang của bot. Mở đường dẫn sau để gửi danh sách cán bộ "
    "(Excel .xlsx: họ tên, số điện thoại, đơn vị, vai trò; tối đa {max_mb} MB), dùng được "
    "đến {expires}:\n{url}\nĐường dẫn chỉ dành cho anh/chị và dùng một lần."
)
UPLOAD_UNAVAILABLE = (
    "Zalo không chuyển tệp cho bot, và máy chủ của bot chưa có địa chỉ công khai để mở trang "
    "gửi tệp (WEBHOOK_BASE_URL). Minh chứng dạng ảnh: gửi ảnh kèm chú thích "
    "<code>/minhchung SỐ</code>. Tệp khác: gửi qua Telegram hoặc nhờ cán bộ quản trị."
)
PAGE_STAFF = "Danh sách cán bộ để nhập"
# A file that could not be read, on a platform where the next one comes through a new link.
READ_ERROR_NEW_LINK = "⚠️ {reason}\n{again}"
# /trogiup on such a platform: these lines replace the ones (by their command) that speak of
# attaching a file in the chat.
HELP_BY_LINK = {
    "/minhchung": "/minhchung SỐ — nhận đường dẫn gửi minh chứng (ảnh, PDF, Word, Excel); "
                  "ảnh cũng gửi được ngay trong chat, chú thích <code>/minhchung SỐ</code>",
}
# Evidence on Zalo without the upload page: photos still come through the chat.
EVIDENCE_PHOTO_ONLY = (
    "📎 Hãy gửi ảnh làm minh chứng cho nhiệm vụ #{task_id} (tối đa {max_mb} MB). Zalo không "
    "chuyển tài liệu cho bot và máy chủ của bot chưa có trang gửi tệp (WEBHOOK_BASE_URL): tài "
    "liệu PDF, Word, Excel xin gửi qua Telegram. Gõ /huy để thôi."
)
