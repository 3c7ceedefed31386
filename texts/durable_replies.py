"""Texts of answers sent again after a restart (handlers/durable_replies.py)."""

from __future__ import annotations

# A file is not kept for a restart (it may weigh megabytes): the person asks for it again.
REPLY_FILE_LOST = (
    "📄 Tệp «{name}» chưa kịp gửi vì bot vừa khởi động lại. Vui lòng gõ lại lệnh để nhận tệp."
)
