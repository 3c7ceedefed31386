"""Texts of reading scanned plans (PDF pages without a text layer, photos) by OCR.

Reader messages (`{name}` is the file's name) are plain text: the handlers escape the whole
reason before sending it, the CLI prints it as is.
"""

from __future__ import annotations

# --- refusals (PlanReadError messages) -------------------------------------------------------

OCR_MISSING = (
    "Tệp «{name}» là bản scan/ảnh chụp (không có lớp chữ). Máy chủ chưa cài bộ nhận dạng chữ "
    "tiếng Việt (Tesseract OCR) nên bot chưa đọc được. Vui lòng gửi bản Word (.docx) hoặc PDF "
    "xuất trực tiếp từ Word, hoặc báo quản trị hệ thống cài gói «tesseract-ocr» và "
    "«tesseract-ocr-vie»."
)
OCR_EMPTY = (
    "Đã nhận dạng chữ trong bản scan/ảnh «{name}» nhưng không đọc được chữ nào. Ảnh có thể quá "
    "mờ, quá tối hoặc chụp nghiêng nhiều. Vui lòng chụp/scan lại rõ hơn (thẳng trang, đủ sáng) "
    "hoặc gửi bản Word (.docx)."
)
OCR_CORRUPT_IMAGE = (
    "Không mở được ảnh chụp «{name}»: tệp có thể bị hỏng hoặc chưa tải xong. Vui lòng gửi lại "
    "ảnh dạng .jpg hoặc .png."
)
OCR_UNSUPPORTED_IMAGE = (
    "Ảnh chụp «{name}» ở định dạng {kind} chưa đọc được. Vui lòng gửi ảnh dạng .jpg hoặc .png, "
    "hoặc bản Word (.docx)."
)
OCR_LIMIT_PAGES = (
    "Bản scan «{name}» có {pages} trang, vượt giới hạn {limit} trang đọc bằng nhận dạng chữ. "
    "Vui lòng gửi riêng phần kế hoạch và phụ lục nhiệm vụ, hoặc bản Word (.docx)."
)
OCR_LIMIT_PIXELS = (
    "Ảnh «{name}» quá lớn ({pixels} điểm ảnh, giới hạn {limit}). Vui lòng gửi ảnh nhỏ hơn."
)
OCR_FAILED = (
    "Bộ nhận dạng chữ không đọc được trang {page} của «{name}». Vui lòng scan/chụp lại trang đó "
    "hoặc gửi bản Word (.docx)."
)

# --- the parsed plan -------------------------------------------------------------------------

# A warning of the plan (JSON "warnings", the CLI preview).
OCR_WARNING = (
    "Kế hoạch đọc bằng nhận dạng chữ (OCR) từ {pages} trang scan/ảnh: mọi nhiệm vụ được đánh dấu "
    "«chưa chắc» cho đến khi người nhập kiểm tra và xác nhận."
)

# --- chat ------------------------------------------------------------------------------------

PROGRESS_START = "🔎 «{name}» là bản scan/ảnh: đang nhận dạng chữ ({pages} trang)…"
PROGRESS_PAGE = "🔎 Đang đọc trang {page}/{pages}…"
PREVIEW_OCR = (
    "🔎 <b>Đọc bằng nhận dạng chữ (OCR) từ bản scan/ảnh</b>: cả {count} nhiệm vụ đều "
    "<b>chưa chắc</b>. Vui lòng xem kỹ tên nhiệm vụ, đơn vị và thời hạn (/nhapkehoach ds) "
    "trước khi xác nhận."
)
LIST_OCR_MARK = " 🔎<i>OCR, chưa chắc</i>"

# --- CLI -------------------------------------------------------------------------------------

CLI_PROGRESS = "đang đọc trang {page}/{pages} (nhận dạng chữ)…"
