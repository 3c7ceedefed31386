"""Line patterns of plan documents: assignment labels, section kinds, header lines."""

from __future__ import annotations

import re

# A label is: who (optional "Cơ quan", "Đơn vị" …) + the role word + optional qualifiers
# ("Đơn vị chủ trì tham mưu thực hiện", "Thời hạn ban hành"), read from the words, not listed.
_LABEL_HEAD = r"(?:(?:co quan|don vi|bo phan|ca nhan|nguoi),? ?)*"
_LABEL_QUALIFIER = (
    r"(?: (?:thuc hien|tham muu|trien khai|hoan thanh|hoan tat|ban hanh|bao cao|trinh|xay dung"
    r"|to chuc|chinh|du kien|cu the))*"
)
_LABEL_KINDS: list[tuple[str, re.Pattern[str]]] = [
    (
        "support",
        re.compile(rf"^{_LABEL_HEAD}(?:cung )?phoi hop{_LABEL_QUALIFIER}$"),
    ),
    (
        "lead",
        re.compile(rf"^{_LABEL_HEAD}chu tri{_LABEL_QUALIFIER}$"),
    ),
    (
        "exec",
        re.compile(
            rf"^{_LABEL_HEAD}(?:trach nhiem |phan cong )?"
            rf"(?:thuc hien|trach nhiem|chiu trach nhiem|phu trach|phan cong){_LABEL_QUALIFIER}$"
            r"|^giao$"
        ),
    ),
    (
        "time",
        re.compile(rf"^(?:thoi gian|thoi han|tien do|han){_LABEL_QUALIFIER}$"),
    ),
    (
        "product",
        # "Thành phần: …" lists who attends, not who acts: detail of the duty, as a result is.
        re.compile(
            r"^(?:san pham|ket qua|ket qua san pham|san pham dau ra|ket qua dau ra"
            r"|thanh phan(?: tham du| du hop)?)$"
        ),
    ),
]
_LABEL_SPLIT = re.compile(r"^(?P<label>[^:]{2,45}?)\s*:\s*(?P<value>.*)$")
_INLINE_ATTR = re.compile(
    r"\(\s*(?P<body>(?:cơ quan|đơn vị|thời gian|thời hạn)[^()]*:[^()]*)\)", re.IGNORECASE
)
# Paragraphs of facts rather than work; their dates are not deadlines.
_FACT_LABELS = re.compile(
    r"^(?:nguyên nhân|kết quả đạt được|thực trạng|hạn chế|tồn tại|điểm tối đa|lý do)\b", re.I
)
_BODY_LABEL = re.compile(r"^[A-ZÀ-Ỵ][^:]{1,40}:\s*\S")
_SCORE = re.compile(r"\s*[:.]?\s*Đạt(?: được)?\s*[\d,./]+\s*điểm\s*\.?", re.I)

_SKIP_SECTIONS = re.compile(
    r"muc dich|yeu cau|muc tieu|can cu|ket qua|tinh hinh|danh gia|kien nghi|de xuat|han che"
    r"|ton tai|nguyen nhan|bai hoc|dac diem|thuc trang|quan diem|pham vi|doi tuong|giai thich"
)
_TASK_SECTIONS = re.compile(
    r"nhiem vu|giai phap|noi dung|to chuc thuc hien|che do|phan cong|trach nhiem|lo trinh"
    r"|tien do|phuong huong|ke hoach|hoat dong|chuong trinh"
    # "III. Về một số kiến nghị của tỉnh" of a conclusion notice: the answers to the requests,
    # each giving a named body a task, not the plan's own requests ("IV. Kiến nghị, đề xuất").
    r"|^ve (?:mot so |cac |nhung )?(?:kien nghi|de xuat|de nghi)"
)
_COLLAPSE_SECTIONS = re.compile(r"^kinh phi")
_AD_HOC = re.compile(r"^(?:bao cao|thong tin|hop|kiem tra) dot xuat")
_CLOSING = re.compile(
    r"^(?:tren day la|trong qua trinh thuc hien|qua trinh thuc hien|trong qua trinh trien khai)"
    r"|^yeu cau .{0,120}nghiem tuc|^de nghi .{0,120}nghiem tuc"
)
_TAIL = re.compile(r"^(?:noi nhan\b|tm\.|kt\.|tl\.|tuq\.|q\. ?chu tich|chu tich$|pho chu tich$)")
_ANNEX = re.compile(r"^phu luc\b")
# A news or legal-Q&A article quoting a plan: its links and captions ("Xem chi tiết tại Kế
# hoạch …", "Toàn văn Kế hoạch …", ">>> TẢI VỀ …", "… (Hình từ Internet)", "Quý khách cần hỏi
# thêm …") are the site's, not the plan's.
_ARTICLE_CHROME = re.compile(
    r"^(?:xem (?:chi tiet|them|toan van)\b|toan van\b|>>>|tai ve\b|quy khach\b)"
    r"|\(hinh tu internet\)\s*$"
    # A letter's contact line ("Chi tiết liên hệ phòng X, điện thoại: …"): nobody's duty.
    r"|^(?:moi |thong tin )?chi tiet(?: xin)? lien he\b"
)
# An article's own heading after the plan's duties that turns to criteria or definitions ("## 04
# tiêu chí xác định nhà tạm …", "## Hộ nghèo là gì?"): what follows quotes another text.
_ARTICLE_TOPIC = re.compile(
    r"^#+\s.*\b(?:tieu chi|tieu chuan|dieu kien|khai niem|dinh nghia|la gi|doi tuong)\b"
)
# A web page's log-in notices, bulleted or not ("- Bạn vừa bị Đăng xuất khỏi Tài khoản", "- Hỗ
# trợ: (028) …", "- Xin lỗi Quý khách …").
_SITE_NOTICE = re.compile(
    r"\bdang (?:xuat|nhap)\b|^ho tro\s*:\s*\(?\d|\btai khoan (?:cua (?:ban|quy khach)|hien)\b"
    r"|^xin loi quy khach\b"
)
# The title of the plan a decision issues, printed after the decision's signature block.
_ISSUED_PLAN = re.compile(r"^(?:ke hoach|chuong trinh(?: hanh dong)?|de an)\b")

_KINDS = (
    "KẾ HOẠCH",
    "BÁO CÁO",
    "QUYẾT ĐỊNH",
    "THÔNG BÁO",
    "CHƯƠNG TRÌNH",
    "ĐỀ ÁN",
    "CHỈ THỊ",
    "CÔNG VĂN",
    "TỜ TRÌNH",
    "PHƯƠNG ÁN",
    "KẾT LUẬN",
    "NGHỊ QUYẾT",
    "HƯỚNG DẪN",
)
_KIND_CODES = {
    "kh": "KẾ HOẠCH",
    "bc": "BÁO CÁO",
    "qd": "QUYẾT ĐỊNH",
    "tb": "THÔNG BÁO",
    "ctr": "CHƯƠNG TRÌNH",
    "ct": "CHỈ THỊ",
    "hd": "HƯỚNG DẪN",
    "kl": "KẾT LUẬN",
    "tt": "TỜ TRÌNH",
}
_NUMBER_LINE = re.compile(
    r"\bSố\s*:?\s*(?P<number>(?P<digits>\d[\d.]*)?\s*/\s*(?P<code>[A-ZĐa-zđ][\wĐđ.&-]*(?:/[\wĐđ.&-]+)*))"
)
_DATE_LINE = re.compile(
    r"(?:(?P<place>[^,\n]{2,60}?)\s*,\s*)?ngày\s+(?P<day>\d{1,2})?\s*(?:tháng|/)\s*(?P<month>\d{1,2})?"
    r"\s*(?:năm|/)\s*(?P<year>\d{4})",
    re.I,
)
_PREAMBLE = re.compile(
    r"^(?:căn cứ|thực hiện|nhằm|để|trên cơ sở|theo|xét|ủy ban nhân dân|ubnd|uỷ ban nhân dân)\b",
    re.I,
)
_MOTTO = re.compile(r"cộng hòa xã hội|cộng hoà xã hội|độc lập\s*-\s*tự do", re.I)
