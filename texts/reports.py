"""Texts of reports, charts, evidence dossiers and calendar feeds."""

from __future__ import annotations

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
PERIOD_DAY = "ngày {day}"

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
