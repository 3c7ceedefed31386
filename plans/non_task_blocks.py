"""Blocks of a plan that carry no duty although they are numbered and bulleted like duties:
slogans, the topics and forms of a campaign, rules, annexed blank forms, and the checklist
of what an inspection looks at. Each rule reads the block's structure (its heading words,
its labels, blanks to fill in, lines without a duty verb), never a document's own text."""

from __future__ import annotations

import re

from plans.document import _Attr, _Node
from plans.spec_lines import _assigns, label_line
from plans.text import fold
from plans.unitnames import sentence_support, subject_units
from plans.units import DUTY_VERBS, GAZETTEER

# "V. KHẨU HIỆU TUYÊN TRUYỀN", "Hình thức tuyên truyền", "Nội dung tuyên truyền trọng tâm":
# what is said and how, not who does what.
_SLOGAN_HEADING = re.compile(r"^(?:cac |mot so )?khau hieu\b")
_FORM_HEADING = re.compile(r"^hinh thuc\b")
_TOPIC_HEADING = re.compile(r"\bnoi dung (?:tuyen truyen|truyen thong|pho bien)\b")
# "4. Quy định về thành phần, số lượng …": a rule the plan restates.
_RULE_HEADING = re.compile(r"^quy dinh ve\b")
# "Mẫu số 01/HNCT": an annex of blank forms.
_FORM_NUMBER = re.compile(r"^mau so\s*\d")
# "Họ và tên: ……………", "Số phiếu phát ra: ......": blanks to fill in.
_BLANK = re.compile(r"(?:…|\.{3,}){2,}|_{4,}")
_INSPECT = re.compile(r"^(?:kiem tra|giam sat|thanh tra|kiem tra, giam sat)\b")
_INSPECT_VERB = re.compile(r"\b(?:kiem tra|giam sat)\b")
_POINT = re.compile(r"^(?:viec|ve)\s")
_DUTY_OPENING = re.compile(rf"^(?:{DUTY_VERBS})\b", re.IGNORECASE)
# "1. Phấn đấu đến cuối năm 2025 đạt các mục tiêu, chỉ tiêu sau:": targets to reach, not work.
_TARGETS = re.compile(r"^phan dau\b.{0,120}\b(?:dat|hoan thanh)\b.{0,40}\b(?:muc tieu|chi tieu)\b")
# "a) Chủ đề Tháng hành động năm 2025" / "“Bình đẳng giới …”", "1. Chủ đề thi đua": the motto of
# a campaign; "Nội dung thi đua" then "a) Tiếp tục nâng cao …": what units compete in, not
# duties (the plan's "Tổ chức thực hiện" part says who does what).
_MOTTO_HEADING = re.compile(r"^chu de\b")
_EMULATION_CONTENT = re.compile(
    r"^(?:noi dung|cac noi dung|chu de|tieu chi)(?: va [a-z ]+)?"
    r" (?:(?:dot|phong trao|cuoc) )?thi dua\b"
)
# "Tiêu chí thi đua", "Hình thức (và tiêu chuẩn) khen thưởng", "Cơ cấu giải thưởng", "IV. Khen
# thưởng": a campaign's criteria and awards, the rules it is judged by, however many bodies
# they name ("Các cơ quan căn cứ thành tích … bình xét khen thưởng" applies the rule).
_AWARD_RULES = re.compile(
    r"^(?:tieu chi thi dua\b"
    r"|(?:hinh thuc|tieu chuan|co cau|muc|thang diem)(?: va [a-z ]+?)? (?:khen thuong|giai thuong)"
    r"(?: [a-z]+){0,3}$|(?:khen thuong|giai thuong)$)"
)
# Where the money comes from: "Ngân sách Thành phố đảm bảo kinh phí …", "Hỗ trợ từ ngân sách
# Trung ương: …", "Kinh phí thực hiện Kế hoạch được bố trí trong dự toán …", "Vốn ngoài ngân
# sách …", "Xã hội hóa/đối tác công - tư: …". Its subject is money, not a body.
_MONEY_SUBJECT = re.compile(
    r"^(?:ngan sach\b|nguon (?:kinh phi|von|ngan sach)\b"
    r"|von (?:ngan sach|ngoai ngan sach|dau tu|doi ung|su nghiep)\b|ho tro tu ngan sach\b"
    r"|kinh phi\b[^.;:]{0,160}?\bduoc (?:bo tri|dam bao|chi|cap|thuc hien theo)\b"
    r"|xa hoi hoa\b[^.;:]{0,60}:)"
)
# "6. Kinh phí thực hiện", "Phương án huy động kinh phí", "III. NGUỒN KINH PHÍ": a funding part.
_FUNDING_HEADING = re.compile(
    r"^(?:(?:nguon )?kinh phi|nguon von|(?:phuong an )?huy dong (?:kinh phi|von)\b)\b"
)
# Firms funding their own investment are a source of money, not a state body given work.
_FIRMS = re.compile(r"\b(?:doanh nghiep|nha dau tu|nha mang)\b")
# "- Đối với khiếu nại về …: hướng dẫn …", "- Đối với thôn có dưới 100 cử tri: …": how each case
# is handled, the detail of the duty above, not a duty of its own ("- Đối với UBND các xã: …"
# addresses bodies and stays).
_CASE = re.compile(r"^đối với\s+(?P<case>[^:]{3,160}):", re.IGNORECASE)
# "Trong đó:", "Cụ thể:" alone: the breakdown of the line before, not work.
_BREAKDOWN = frozenset({"trong do", "cu the", "bao gom", "gom"})
# "- Chịu trách nhiệm trước pháp luật nếu để xảy ra …", "- Trường hợp chậm trễ, …, đơn vị chịu
# trách nhiệm giải trình …": the liability a duty carries, not a duty.
_LIABILITY = re.compile(
    r"^chiu trach nhiem\b.{0,400}?\b(?:neu|khi) de xay ra\b"
    r"|^(?:truong hop|neu)\b[^.]{0,200}?\bchiu trach nhiem (?:giai trinh|truoc)\b"
)
# "Các sở, ban, ngành … chịu trách nhiệm thực hiện Kế hoạch này.", "Các cơ quan, đơn vị được
# phân công nhiệm vụ có trách nhiệm thực hiện nghiêm túc …": everyone's general charge, which
# the items around it spell out.
_GENERAL_CHARGE = re.compile(
    r"\b(?:chiu|co) trach nhiem (?:to chuc )?(?:thuc hien|trien khai)"
    r"(?: (?:ke hoach|quyet dinh|chi thi|chuong trinh)(?: nay)?| nghiem tuc\b[^;:]{0,60})\s*$"
)


# A conference's order of business and attendance, what its minutes hold, and what a monitoring
# plan looks at: "3. Trình tự tổ chức hội nghị", "III. NỘI DUNG, TRÌNH TỰ, THỦ TỤC", "Chương
# trình hội nghị", "2. Thành phần dự hội nghị", "Đại biểu khách mời:", "4. Nội dung và biên bản
# hội nghị", "1. Nội dung giám sát", "2. Nội dung đánh giá". What happens at the meeting or
# what is examined, not work given to a body (the "Tổ chức thực hiện" part says who does what).
_PROCEEDINGS_HEADING = re.compile(
    r"^(?:(?:noi dung,\s*)?trinh tu\b|chuong trinh (?:hoi nghi|cuoc hop|ky hop|buoi)\b"
    r"|noi dung (?:va )?bien ban\b)"
)
_MONITORED_HEADING = re.compile(r"^noi dung (?:giam sat|danh gia)\b")
_ATTENDANCE_HEADING = re.compile(
    r"^(?:thanh phan (?:du|tham du|hoi nghi|cuoc hop|moi)\b|thanh phan$|(?:dai bieu )?khach moi\b"
    r"|dai bieu (?:thuoc thanh phan|du|tham du|duoc moi)\b)"
)
# "Địa điểm: Hội nghị được tổ chức tại …", "Khách mời: …", "Thành phần: …": a conference's
# particulars on one line.
_PARTICULAR_LINE = re.compile(
    r"^(?:dia diem|(?:dai bieu )?khach moi|thanh phan)(?: [a-z ]{0,30})?\s*:"
)


def _dated_or_assigned(node: _Node) -> bool:
    """Whether the block, a block above it or one below it carries a unit or a time line: then
    its items are checks done in that window or by that body (plans.dated_blocks), not what a
    meeting or a monitoring visit goes through."""
    current: _Node | None = node
    while current is not None:
        if any(a.kind in ("lead", "exec", "time") for a in current.attrs):
            return True
        current = current.parent
    stack = list(node.children)
    while stack:
        below = stack.pop()
        if any(a.kind in ("lead", "exec", "time") for a in below.attrs):
            return True
        stack.extend(below.children)
    return False


def _under_attendance(node: _Node) -> bool:
    parent = node.parent
    return bool(
        parent is not None
        and parent.kind in ("section", "number", "letter")
        and _ATTENDANCE_HEADING.match(fold(parent.text).strip(" :."))
    )


def proceedings(node: _Node) -> bool:
    """A conference's agenda, procedure and minutes (`_PROCEEDINGS_HEADING`), who attends it
    (`_ATTENDANCE_HEADING`: each line but one that gives a body work, "Trưởng thôn phối hợp …
    lập danh sách"), its one-line particulars (`_PARTICULAR_LINE`), or a monitoring plan's
    list of what it examines (`_MONITORED_HEADING`, unless the lines are checks: "- Giám sát
    việc niêm yết …"): no duties."""
    folded = fold(node.text).strip(" :.")
    if not node.children and node.kind != "section" and _PARTICULAR_LINE.match(folded):
        return True
    if node.kind == "item" and _under_attendance(node) and not subject_units(node.text).lead:
        return True
    if node.kind not in ("section", "number", "letter") or _dated_or_assigned(node):
        return False
    if _PROCEEDINGS_HEADING.match(folded):
        return True
    return bool(_MONITORED_HEADING.match(folded)) and not any(
        _INSPECT.match(fold(text)) for text in _texts(node)[1:]
    )


def _texts(node: _Node) -> list[str]:
    found = [node.text, *node.body]
    for child in node.children:
        found.extend(_texts(child))
    return found


def _slogans(node: _Node) -> bool:
    """A list whose lines end with '!' (or under a 'Khẩu hiệu' heading): slogans."""
    lines = [c.text.strip() for c in node.children] + [b.strip() for b in node.body]
    lines = [line for line in lines if line]
    return len(lines) >= 2 and sum(1 for line in lines if line.endswith("!")) * 2 > len(lines)


def case_rule(node: _Node) -> bool:
    """ "- Đối với khiếu nại về …: hướng dẫn …": a bullet saying how one case is handled."""
    case = _CASE.match(node.text.strip()) if node.kind == "item" else None
    return bool(
        case and not subject_units(node.text).lead and not GAZETTEER.is_unit(case.group("case"))
    )


def _names_state_body(node: _Node) -> bool:
    """Whether any line of the block gives work to a body (a labelled unit line, or a line
    whose subject is a state body; firms funding themselves are not)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if any(a.kind in ("lead", "exec") for a in current.attrs):
            return True
        stack.extend(current.children)
    for text in _texts(node)[1:]:
        names = subject_units(text).lead
        if any(GAZETTEER.is_unit(n) and not _FIRMS.search(fold(n)) for n in names):
            return True
    return False


def _statement_not_duty(node: _Node) -> bool:
    """A line that reads as a duty but states where money comes from, the liability a duty
    carries, or everyone's general charge."""
    folded = fold(node.text).strip()
    if node.children or any(a.kind in ("lead", "exec") for a in node.attrs):
        return False
    if _MONEY_SUBJECT.match(folded) or _LIABILITY.match(folded):
        return True
    # A charge followed by its own paragraph ("… chịu trách nhiệm thực hiện Kế hoạch này." /
    # "Căn cứ …, các bộ … xây dựng kế hoạch chi tiết …") introduces that duty.
    return (
        not node.body
        and bool(_GENERAL_CHARGE.search(folded.rstrip(" .")))
        and len(folded.split()) <= 40
    )


# "Nhà tạm là nhà ở được xây dựng …", "Đối với hộ đơn thân thì có diện tích nhỏ hơn …": what a
# term means or how a case is measured (an article quoting criteria), not work.
_DEFINITION = re.compile(r"^(?P<term>[^;:()]{3,60}?)\s+là\s+\S", re.IGNORECASE)
_CASE_STATE = re.compile(r"^đối với\s+[^:;]{3,120}?\s+thì\s+(?:có|là|được|không|chỉ)\s", re.I)
_TERM_NOT_NOUN = re.compile(r"\b(?:xac dinh|coi|nhan thuc|day|do|viec|noi dung)\b")


def _definition(node: _Node) -> bool:
    if node.children or node.attrs or node.kind == "section":
        return False
    text = node.text.strip()
    if _CASE_STATE.match(text):
        return True
    found = _DEFINITION.match(text)
    if not found:
        return False
    term = found.group("term")
    return len(term.split()) <= 6 and not (
        _DUTY_OPENING.match(term)
        or _TERM_NOT_NOUN.search(fold(term))
        or subject_units(term).lead
        or GAZETTEER.is_unit(term)
    )


def _competes(node: _Node) -> bool:
    """"1. Thi đua thực hiện thắng lợi …", "2. Thi đua xây dựng …" under a campaign's contents:
    what units compete in (the introduction above may name them all), not duties."""
    live = [child for child in node.children if not child.skip]
    return bool(live) and all(fold(child.text).startswith("thi dua ") for child in live)


def non_task_block(node: _Node) -> bool:
    """Whether a block holds no duty: slogans, a campaign's topics, motto or forms naming no
    one, a restated rule, an annex of blank forms, the plan's aims, a funding part that gives
    no body work, and lines stating money sources, liability or a general charge."""
    if node.kind == "root":
        return False
    heading = fold(node.text).strip(" :.")
    if _SLOGAN_HEADING.match(heading) or _slogans(node):
        return True
    if node.kind in ("section", "number", "letter", "item") and _statement_not_duty(node):
        return True
    if heading in _BREAKDOWN and not _assigns(node):
        return True
    if case_rule(node) or proceedings(node) or _definition(node):
        return True
    if node.kind in ("section", "number", "letter"):
        if _TARGETS.match(heading) and heading.endswith("sau") and not _assigns(node):
            return True
        if (_MOTTO_HEADING.match(heading) or _EMULATION_CONTENT.match(heading)) and (
            not _assigns(node) or _competes(node)
        ):
            return True
        if _AWARD_RULES.match(heading) and (node.children or node.body):
            # A heading over the rules; "b) Khen thưởng tập thể." alone is a duty.
            return True
        if _FUNDING_HEADING.match(heading) and not _names_state_body(node):
            return True
    if node.annex:
        texts = _texts(node)
        if any(_FORM_NUMBER.match(fold(t).strip()) for t in texts) or (
            sum(1 for t in texts if _BLANK.search(t)) >= 3
        ):
            return True
    if node.kind in ("section", "number", "letter") and node.children:
        if _RULE_HEADING.match(heading):
            return True
        if _FORM_HEADING.match(heading) and node.kind == "section":
            # "IV. Hình thức kiểm tra, giám sát": a part on how the work is done; the part
            # that assigns it says who does it. (A "2. Hình thức" under a campaign heading
            # may name units: see spec_lines.campaign_description.)
            return True
        if _TOPIC_HEADING.search(heading) and not _assigns(node):
            return True
    return False


def inspection_checklist(node: _Node) -> bool:
    """ "2. Kiểm tra việc hiệp thương …" then "- Việc bảo đảm tiêu chuẩn …", "- Thẻ cử tri",
    "- Kiểm tra việc …": a check and the points it looks at — one duty, the points its
    detail. Every line under it either names a point (no duty verb first) or restates a
    check; a line opening with another duty verb makes the lines duties of their own."""
    if node.kind not in ("number", "letter") or not _INSPECT.match(fold(node.text)):
        return False
    lines = [*node.children, *(g for c in node.children for g in c.children)]
    if len(node.children) < 2:
        return False
    points = [c.text.strip() for c in lines if not _INSPECT.match(fold(c.text))]
    for text in points:
        if _DUTY_OPENING.match(text):
            return False
        named = [n for n in subject_units(text).lead if len(n.split()) > 2]
        if named and not _INSPECT_VERB.search(fold(text)[:160]):
            # "Trung tâm … hỗ trợ các địa phương …": a unit's own duty (a bare head word,
            # "Cơ quan chủ trì, thành phần …", names no one).
            return False
    # "Giám sát dịch bệnh" then "- Thiết lập chế độ báo cáo …": work, not points, unless a
    # point reads as one ("Việc niêm yết …", "Về thời gian công bố …").
    return not points or any(_POINT.match(fold(text)) for text in points)


# "(1) Tổ chức …": a bracketed number before a sub-item.
_BRACKET_NUMBER = re.compile(r"^\(\d{1,2}\)\s*")
# "Tập trung vào quyền …": what the work covers, not a further duty.
_COVERS = re.compile(r"^tap trung vao\b")
_MUST = re.compile(r"\bphai\b")


def _further_duty(text: str) -> bool:
    text = _BRACKET_NUMBER.sub("", text.strip())
    folded = fold(text)
    return (
        bool(_DUTY_OPENING.match(text))
        and not _COVERS.match(folded)
        and not _MUST.search(folded.split(":", 1)[0])
        and label_line(text) is None
    )


def duty_with_requirements(node: _Node) -> tuple[list[_Node], list[_Node]] | None:
    """ "1.1. Xây dựng … hướng dẫn …." then "- Bảo đảm thống nhất …", "- Các văn bản … phải
    …", "- Nguyên tắc …: …" and its own "Đơn vị chủ trì: …" line: the numbered sentence is
    the duty the assignment lines belong to; bullets stating requirements are its detail,
    bullets opening with a duty verb ("Phối hợp tổ chức kiểm tra …") are further duties.
    Returns (further duties, requirement lines), or None when the shape does not apply."""
    if node.kind not in ("number", "letter") or node.text.rstrip().endswith(":"):
        return None
    if not _DUTY_OPENING.match(node.text.strip()) and not node.text.rstrip().endswith("."):
        # A duty verb first, or a whole sentence ("2.1. Chuẩn bị các văn bản …").
        return None
    if not any(a.kind in ("lead", "exec") for a in node.attrs):
        return None
    if not node.children or any(c.kind != "item" or c.children for c in node.children):
        return None
    duties = [c for c in node.children if _further_duty(c.text)]
    details = [c for c in node.children if c not in duties]
    if not details or not all(_requirement(c.text) for c in details):
        # "- Quan tâm đẩy mạnh …", "+ Bộ Công an tổng hợp …": duties of their own that
        # the verb list does not know; only lines that read as requirements are detail.
        return None
    return duties, details


# "MTTQ xã phối hợp với UBND xã, …": with whom the duty is done.
_COOPERATES = re.compile(r"^(?:\S+\s+){1,4}phoi hop voi\b")
# "Bảo đảm …", "Đảm bảo …": a standard the duty must meet.
_ENSURE = re.compile(r"^(?:bao dam|dam bao)\b")


def _requirement(text: str) -> bool:
    """A line stating how the duty is done: "Bảo đảm thống nhất …", "Các văn bản … phải …",
    "Nguyên tắc …: …", "Tập trung vào …"."""
    folded = fold(text.strip())
    return bool(
        _ENSURE.match(folded)
        or _COOPERATES.match(folded)
        or _COVERS.match(folded)
        or _MUST.search(folded)
        or bool((label := label_line(text)) and label[1])
    )


# "Nội dung: Lựa chọn …" as a heading's body line: the heading's own duty.
_CONTENT_LINE = re.compile(r"^(?:nội dung|nhiệm vụ)\s*:\s*(?=\S)", re.IGNORECASE)


def content_line_duty(node: _Node) -> str | None:
    """ "3. Hội nghị lần thứ ba" / "Nội dung: Lựa chọn …" / "- Thời gian: …" / "- Đơn vị chủ
    trì: …" then "3.3. Báo cáo kết quả" with its own bullets: the content line is the
    heading's duty, and the assignment lines are that duty's, not the sub-items'. Returns
    the duty's text (label dropped)."""
    if node.kind not in ("number", "letter") or not node.children:
        return None
    if _DUTY_OPENING.match(node.text.strip()):
        # "4. Rà soát văn bản …" / "- Nội dung: rà soát …": the heading states the duty.
        return None
    if not any(a.kind in ("lead", "exec") and a.position == 0 for a in node.attrs):
        return None
    lines = [line for line in node.body if _CONTENT_LINE.match(line)]
    if len(lines) != 1:
        return None
    return _CONTENT_LINE.sub("", lines[0]).strip()


def cooperating_bodies(details: list[_Node]) -> list[str]:
    """The bodies a requirement line says the duty is done with ("MTTQ xã phối hợp với UBND
    xã, các cơ quan chuyên môn …"): support of the duty."""
    found: list[str] = []
    for line in details:
        if _COOPERATES.match(fold(line.text.strip())):
            found.extend(sentence_support(line.text))
    return found


def share_trailing_assignment(node: _Node) -> None:
    """ "3.1. Tham gia …" / "3.2. Tổng hợp …" / "3.3. Theo dõi …" then one set of "- Thời
    gian: …", "- Đơn vị chủ trì: …" lines after the last: sub-items with no lines of their
    own share the lines written once after them."""
    items = node.children
    if node.kind != "number" or len(items) < 2:
        # Sub-items of a numbered heading only: "1. …" / "2. … Trách nhiệm: …" under a
        # part are duties each with or without their own lines.
        return
    if any(c.kind != "number" or c.children for c in items):
        return
    last = items[-1]
    if not any(a.kind in ("lead", "exec") for a in last.attrs):
        return
    if any(c.attrs for c in items[:-1]) or any(a.kind in ("lead", "exec") for a in node.attrs):
        return
    for item in items[:-1]:
        item.attrs = [_Attr(a.kind, a.value, 0) for a in last.attrs]
