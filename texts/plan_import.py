"""Texts of plan import: the preview, mapping units, reading limits, what the reader is
unsure of."""

from __future__ import annotations

# --- plan import ---------------------------------------------------------------------------

PLAN_HEADING_NUMBER = " số {number}"
PLAN_HEADING_DATE = " ngày {date}"

# /nhapkehoach: read a plan document, preview, map unknown unit names, confirm.
PLAN_IMPORT_WAITING = (
    "📄 Gửi tệp kế hoạch (.docx, .pdf, .xlsx, .txt, .md, hoặc bản scan/ảnh chụp .jpg, .png; "
    "tối đa {max_mb} MB).\n"
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




# --- plan import: what the reader is unsure of (issue 14, h-plans2) ---------------------------
# Shown in the /nhapkehoach preview; the CLI prints its own plain-text lines.
PLAN_REVIEW_HEADER = "\n🔎 <b>Cần anh/chị xem lại:</b>"
PLAN_REVIEW_NO_UNIT = "• {count} nhiệm vụ không tìm thấy đơn vị chủ trì: {refs}"
PLAN_REVIEW_UNREAD = "• {count} thời hạn chưa đọc được, giữ nguyên chữ: {items}"
PLAN_REVIEW_UNREAD_ITEM = "{ref} «{text}»"
PLAN_REVIEW_PAST_DUE = "• {count} nhiệm vụ có hạn đã qua (so với hôm nay): {items}"
PLAN_REVIEW_PAST_DUE_ITEM = "{ref} ({due})"
PLAN_REVIEW_DATE_QUESTION = (
    "📅 Không đọc được ngày ban hành của kế hoạch, nên chưa tính được các thời hạn tương đối. "
    "Kế hoạch ban hành ngày nào? Gửi <code>/nhapkehoach ngay DD/MM/YYYY</code>."
)
PLAN_IMPORT_DATE_NEEDED = (
    "Chưa nhập được: kế hoạch chưa có ngày ban hành. Gửi <code>/nhapkehoach ngay DD/MM/YYYY</code> "
    "trước, rồi xác nhận."
)
PLAN_IMPORT_DATE_BAD = "Ngày «{text}» không hợp lệ. Ví dụ: <code>/nhapkehoach ngay 15/03/2024</code>."
PLAN_IMPORT_DATE_SET = "Đã lấy ngày {date} làm ngày ban hành; các thời hạn đã được tính lại."
# The same for `nhacviec plan parse|import` (plain text, no HTML).
CLI_PLAN_DATE_QUESTION = (
    "Không đọc được ngày ban hành của kế hoạch: các thời hạn tương đối chưa tính được. "
    "Chạy lại với --date YYYY-MM-DD."
)
CLI_PLAN_NO_UNIT = "Không tìm thấy đơn vị chủ trì ({count}): {refs}"
CLI_PLAN_UNREAD = "Thời hạn chưa đọc được ({count}): {items}"
CLI_PLAN_PAST_DUE = "Hạn đã qua so với hôm nay ({count}): {items}"
