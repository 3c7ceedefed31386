"""Read unit names out of the lists plans use to assign work.

    "Phòng Nội vụ, các cơ quan, đơn vị, UBND các xã chỉ đạo …"
        -> ["Phòng Nội vụ", "Các cơ quan, đơn vị", "UBND các xã"], stopped at "chỉ đạo"

Commas both separate units and sit inside them ("các cơ quan, đơn vị", "UBND các xã, thị
trấn", "cán bộ phụ trách giao thông, thủy lợi"). A fragment therefore only starts a new unit
when it begins with a word that names one (Phòng, Sở, UBND, Công chức, các …); anything else
is glued back to the unit before it. A unit stops at the first verb of the sentence
("… UBND các xã chỉ đạo CBCCVC triển khai thực hiện").
"""

from __future__ import annotations

import re
from itertools import pairwise

from plans.text import clean_text, fold

# Folded first words (one or two) that begin a unit's name.
UNIT_HEADS: frozenset[str] = frozenset(
    {
        "phong", "van_phong", "so", "ban", "ubnd", "uy_ban", "hdnd", "hoi_dong", "thanh_tra",
        "trung_tam", "cong_an", "quan_su", "ban_chi_huy", "hoi", "doan", "cac", "co_quan",
        "bo_phan", "cong_chuc", "can_bo", "tram", "dai", "kho_bac", "chi_cuc", "lien_doan",
        "mat_tran", "huyen_doan", "tinh_doan", "thanh_doan", "bao_hiem", "chi_nhanh", "ngan_hang",
        "truong", "benh_vien", "vien", "toa_an", "dang_uy", "huyen_uy", "tinh_uy", "thanh_uy",
        "thu_truong", "lanh_dao", "chu_tich", "pho_chu_tich", "trang_thong", "cong_thong",
        "cong_ttdt", "to", "nhom", "hop_tac", "cuc", "tong_cuc", "bo", "chi_bo", "doi",
        "thuong_truc", "nguoi_dung", "giam_doc", "truong_phong", "vp", "van_thu", "ke_toan",
        "dia_chinh", "tu_phap", "ttvh", "tt", "ttyt", "ban_quan", "ban_dieu", "ban_chi", "mttq",
        "uy_vien", "thanh_vien", "lien_ngang", "chinh_quyen", "vien_kiem", "toa", "cuc_thue",
        "chi_cuc_thue", "don_vi_su", "ban_quan_ly", "cong_doan", "quy", "xa_doi", "dan_quan",
        "ban_tiep", "ban_dan", "ban_thanh", "thong_tan", "kiem_toan",
        "tieu_ban", "hiep_hoi", "lien_minh", "doanh_nghiep", "chu_dau", "chu_rung",
    }
)

# Verbs (lower case as typed) that end the subject of an assignment sentence. Matched only
# in lower case so that capitalised names ("Ban Chỉ đạo") are safe.
_VERBS = (
    "chủ trì", "phối hợp", "thực hiện", "triển khai", "tham mưu", "theo dõi", "chỉ đạo",
    "kiểm tra", "đôn đốc", "hướng dẫn", "tổng hợp", "báo cáo", "tăng cường", "xây dựng",
    "tổ chức thực hiện", "rà soát", "quán triệt", "cụ thể hóa", "cụ thể hoá", "chịu trách nhiệm",
    "có trách nhiệm", "căn cứ", "nghiên cứu", "đề xuất", "cung cấp", "bố trí", "giúp",
    "thường xuyên", "tiếp tục", "nghiêm túc", "chủ động", "phải", "cần", "có kế hoạch",
    "sử dụng", "cân đối", "lập", "trình", "ban hành", "giám sát", "tuyên truyền", "tiếp nhận",
    "giải quyết", "đảm bảo", "bảo đảm", "quan tâm", "để", "nhằm", "được", "họp", "đăng ký",
    "cập nhật", "công khai", "thông báo", "hoàn thành", "khẩn trương", "sớm", "tập trung",
    "căn cứ vào", "gửi", "phụ trách theo dõi", "chỉ đạo thực hiện", "kịp thời",
    "kiện toàn", "nâng cao", "đẩy mạnh", "duy trì", "ưu tiên", "tiến hành", "theo chức năng",
    "trên cơ sở", "hỗ trợ",
    # A unit's name never holds these: "… Sở Y tế trong việc nhập liệu", "UBND các xã định kỳ
    # báo cáo", "UBND các xã xác định …".
    "trong việc", "định kỳ", "xác định", "đăng tải", "phổ biến", "tập huấn", "chuẩn bị",
    "lồng ghép", "vận động", "phát động", "huy động",
    # "Phối hợp với UBND xã triệu tập …", "… Ban Thường trực … tham gia công tác …", "… trao
    # đổi với cơ quan có người ứng cử".
    "triệu tập", "tham gia", "trao đổi",
    # "UBND các xã phân công cán bộ …".
    "phân công",
    # "Giao Sở X là cơ quan đầu mối, chủ trì …", "Công an tỉnh là cơ quan thường trực": the role
    # the sentence gives the body, not its name.
    "là cơ quan", "là đơn vị",
)
# "tổ chức" the verb ("… tổ chức phổ biến …"), not the noun: "các đoàn thể, tổ chức xã hội",
# "tổ chức, cá nhân", "các tổ chức thành viên".
ORGANISE_VERB = (
    r"tổ chức(?!\s*(?:,|$|xã hội|chính trị|thành viên|đoàn thể|quần chúng|cá nhân|có liên quan"
    r"|liên quan|tín dụng|kinh tế|khác|phi chính phủ|quốc tế|nghề nghiệp))"
)
_VERB_RE = re.compile(  # "đơn vị sự nghiệp công lập": "công lập" (public) is no verb
    # "Văn phòng Ban chỉ đạo phòng thủ …": "Ban chỉ đạo" written in lower case is still a name.
    r"(?<![\wÀ-ỹ])(?<!công )(?!(?<=[Bb]an )chỉ đạo)(?:" + "|".join(re.escape(v) for v in _VERBS) + "|" + ORGANISE_VERB
    + r")(?![\wÀ-ỹ])"
)

# Words that mean "ask/assign" in front of the unit: "Giao Phòng Nội vụ: …".
_ASSIGN_PREFIX = re.compile(r"^(?:giao(?:\s+cho)?|đề nghị|yêu cầu|phân công)\s+", re.IGNORECASE)
_LEADING_ADVERBIAL = re.compile(
    r"^(?:trên cơ sở|căn cứ)\s+(?:kế hoạch|chức năng|nhiệm vụ|nội dung)[^,:;]{0,60}?"
    r"(?:này|được giao|giao|của huyện|của tỉnh)\s*,?\s*|^(?:hàng|hằng)\s+năm\s*,\s*"
    # "Căn cứ tình hình thực tế, các cơ quan …": any short grounds before a comma.
    r"|^(?:căn cứ|trên cơ sở|tùy theo|tuỳ theo)\s+[^,:;]{3,60}"
    # "Trên cơ sở đề xuất của các Sở, ban, ngành chuyên môn, Sở Tài chính …": the grounds
    # name a list whose lower-case words go on past a comma ("các …" opens the subject).
    r"(?:,\s*(?!các\b|những\b)(?-i:[a-zà-ỹđ])[^,:;]{0,40})*,\s*",
    re.IGNORECASE,
)
_CONNECTORS = re.compile(r"^(?:với|cùng với|cùng|và|các đơn vị:)\s+", re.IGNORECASE)
_VIA_PARENTHETICAL = re.compile(r"\((?:qua|thông qua|nếu có)[^)]*\)", re.IGNORECASE)
_APPOSITION = re.compile(r"\s+[-–]\s+(?=cơ quan\b)", re.IGNORECASE)
_STRAY_DIGIT = re.compile(r"(?<![\w/.-])\d(?=[a-zà-ỹđ]{2,})")
_SEPARATOR = re.compile(r"\s*[,;]\s*|\s+và\s+|\s*\n\s*")
_BARE_LOCALITIES = frozenset({"cac xa", "cac phuong", "cac xa thi tran", "xa", "cac dia phuong"})
# Lower-case words that continue a "các …" list rather than name a unit: "các sở, ban, ngành".
_LIST_TAILS = frozenset(
    {"ban", "nganh", "don vi", "dia phuong", "phong", "so", "doan the", "doan", "hoi",
     "thi tran", "phuong", "xa", "co quan", "hoi doan the", "to chuc",
     # "các thôn, ấp, tổ dân phố": the places of a commune, one group.
     "thon", "ap", "to dan pho", "khu pho", "khu dan cu"}
)


def _head_key(text: str) -> tuple[str, str, str]:
    # The first three words are within the first 60 characters; fold no more than that.
    words = re.findall(r"[0-9a-z]+", fold(text[:60]))
    one = words[0] if words else ""
    two = "_".join(words[:2])
    three = "_".join(words[:3])
    return one, two, three


# "Tổ chức rà soát …" opens with a verb; "Tổ chức chính trị - xã hội" is a body.
_TO_CHUC_BODIES = frozenset({"to_chuc_chinh", "to_chuc_doan", "to_chuc_hoi", "to_chuc_xa"})
# Staff, not a unit: "Phân công cán bộ thực hiện …".
_BARE_STAFF = frozenset({"can bo", "cong chuc", "vien chuc", "can bo cong chuc"})


# One-word heads that are also the first syllable of a verb or a common noun: "Bố trí",
# "Ban hành", "Phòng ngừa", "Hội nhập". A unit has a capitalised name after them ("Bộ Tài
# chính") or is one of a list ("Sở, ban, ngành").
_AMBIGUOUS_HEADS = frozenset({"bo", "so", "ban", "phong", "hoi", "doan", "cuc"})


# What may follow "các" / "những" in a collective of units: "các ngành", "các địa phương", "các
# thôn, ấp". "Các kỳ thi", "Các hộ gia đình", "Các nội dung" are not units.
_COLLECTIVE_WORDS = frozenset(
    {
        "nganh", "dia", "don", "co", "to", "doan", "thon", "ap", "tinh", "thanh", "huyen",
        "quan", "xa", "phuong", "thi", "truong", "cap", "luc", "chi", "hoi", "khu", "ban",
        "bo", "so", "phong", "cuc", "vu", "vien", "dai", "trung", "uy", "ubnd", "mat",
        "chu", "thu", "giam", "lanh", "ca", "nguoi", "doanh", "hiep", "lien", "chinh",
        "cong", "benh", "tram", "tong", "van", "kho", "ngan", "bao", "dang", "nha", "thuong",
        "quy", "hdnd", "mttq", "hop", "nhom", "bien", "tieu",
    }
)


def starts_with_unit(text: str) -> bool:
    one, two, three = _head_key(text)
    if one in ("cac", "nhung"):
        following = two.split("_")[1:2]
        if following and following[0] not in _COLLECTIVE_WORDS:
            return False
    if two == "to_chuc" and three not in _TO_CHUC_BODIES:
        return False
    if two == "hop_tac" and three != "hop_tac_xa":
        return False  # "Hợp tác với các trường đại học …" is a verb; "Hợp tác xã …" a body
    if two == "truong_hop" or three in ("cac_truong_hop", "nhung_truong_hop"):
        return False  # "Trường hợp chậm trễ, …": a case, not a school ("Trường THCS …")
    if two in UNIT_HEADS or three in UNIT_HEADS:
        return True
    if one not in UNIT_HEADS:
        return False
    if one in _AMBIGUOUS_HEADS:
        tokens = text.split()
        listed = tokens[0].endswith(",")
        named = len(tokens) > 1 and tokens[1][:1].isupper()
        return listed or named or len(tokens) == 1
    return True


def _cut_at_verb(fragment: str) -> tuple[str, str | None]:
    """The unit part of a fragment and the verb (the predicate) that ends it, if any. After a
    unit's head word one more word is needed ("Tổ kiểm tra" is a unit, "UBND xã chỉ đạo" a
    sentence); after a list tail ("ban, ngành báo cáo") none is."""
    needed = 2 if starts_with_unit(fragment) else 1
    for match in _VERB_RE.finditer(fragment):
        before = fragment[: match.start()].strip()
        if before.endswith(("-", "–", "&", "/")):
            continue  # part of a compound name: "Công chức Địa chính – xây dựng"
        if len(before.split()) >= needed or (before and match.group(0) in ("chủ trì", "phối hợp")):
            return before, match.group(0)
        if not before:
            return "", match.group(0)
    return fragment, None


def _tidy(name: str) -> str:
    name = _STRAY_DIGIT.sub("", name)
    name = _CONNECTORS.sub("", name.strip(" .,;:-–"))
    name = name.strip(" .,;:-–")
    return name[:1].upper() + name[1:] if name else name


def extract_units(
    text: str, *, trust_first: bool = True, stop_at_verb: bool = True
) -> tuple[list[str], str | None]:
    """Unit names in a list such as "Phòng Nội vụ, các ngành liên quan, UBND xã - thị trấn".

    Returns the names and what ended the list: the verb met ("chỉ đạo", "phối hợp" …),
    "apposition" for "Phòng Nội vụ - cơ quan thường trực …", or None at the end of the text.
    With stop_at_verb False a verb only ends its own fragment, so that
    "VP HĐND-UBND huyện theo dõi, các cơ quan, đơn vị thực hiện" yields both units."""
    text = clean_text(_VIA_PARENTHETICAL.sub("", text))
    parts = _APPOSITION.split(text, maxsplit=1)
    text = parts[0]
    # "Thủ trưởng các sở, ban, ngành": the head of a collective; the collective is the unit.
    text = _PERSON_OF_PLURAL.sub("", text)
    stop: str | None = "apposition" if len(parts) > 1 else None
    units: list[str] = []
    position = 0
    pieces: list[tuple[str, str]] = []
    for match in _SEPARATOR.finditer(text):
        pieces.append((text[position : match.start()], match.group(0)))
        position = match.end()
    pieces.append((text[position:], ""))

    previous_separator = ""
    after_verb = False
    # "Sở, ban, ngành", "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ": a bare category
    # word opens a collective that the lowercase fragments after it continue.
    collective = False
    for fragment, separator in pieces:
        fragment = _STRAY_DIGIT.sub("", _CONNECTORS.sub("", fragment.strip()))
        unit, verb = _cut_at_verb(fragment)
        unit = unit.strip(" .")
        if unit[:1].islower() and fold(unit) in _PRESS:
            # "…, đặc khu, báo, đài và …": the press, unnamed, is no body to remind.
            unit = ""
        if unit:
            is_new = starts_with_unit(unit) or (not units and trust_first)
            if (
                is_new
                and units
                and unit[:1].islower()
                and previous_separator.strip() != ";"
                and fold(units[-1]).startswith("cac ")
                and _list_tail(unit)
            ):
                # "Các tổ chức, đoàn thể có liên quan", "Các Bộ, ngành, cơ quan liên quan": one
                # group, the tail words continue it.
                is_new = False
            if units and previous_separator.strip() == ";" and not is_new and not after_verb:
                # "Bộ Quốc phòng; Tư lệnh các quân khu": a semicolon always separates units.
                is_new = bool(_PERSON_LEAD.sub("", unit).strip())
                unit = _PERSON_LEAD.sub("", unit).strip() or unit
            if units and previous_separator.strip() in ("và", "&") and (
                # "Trang thông tin điện tử huyện và các xã", "Văn phòng HĐND và UBND huyện"
                (
                    fold(unit) in _BARE_LOCALITIES
                    and fold(units[-1]).endswith(("huyen", "tinh", "thanh pho"))
                )
                or (
                    fold(units[-1]).endswith(("hdnd", "hoi dong nhan dan"))
                    and fold(unit).startswith(("ubnd", "uy ban nhan dan"))
                )
            ):
                is_new = False
            if (
                is_new
                and units
                and unit[:1].islower()
                and previous_separator.strip() == ","
                and (collective or _bare_category(units[-1]))
                # "Sở, ban, ngành, tổ chức chính trị - xã hội": another kind of body, not one
                # more word of the administrative collective.
                and not _OTHER_KIND.match(fold(unit))
            ):
                is_new = False
                collective = True
            elif is_new:
                collective = False
            if is_new:
                units.append(unit)
            elif units and not after_verb and fold(unit) in _GENERIC_WORDS and _proper(units[-1]):
                # "Sở Nông nghiệp và Môi trường, đơn vị được lựa chọn …": a bare "đơn vị" is
                # no part of the named body before it, nor a body of its own.
                pass
            elif units and not after_verb:
                joiner = previous_separator if previous_separator.strip() else " "
                if joiner.strip() in (",", ";"):
                    joiner = joiner.strip() + " "
                units[-1] = f"{units[-1]}{joiner}{unit}"
            elif not units:
                verb = verb or "không phải đơn vị"
        if verb:
            stop = verb
            if stop_at_verb or not units:
                break
            after_verb = True
        else:
            after_verb = False
        previous_separator = separator
    cleaned: list[str] = []
    seen: set[str] = set()
    for unit in (part for whole in units for part in _run_together(whole)):
        tidy = _tidy(unit)
        key = fold(tidy)
        if len(key) >= 2 and key not in seen:
            seen.add(key)
            cleaned.append(tidy)
    return cleaned, stop


# Bare words for the press: "báo, đài" ("các cơ quan thông tấn, báo chí" is one group).
_PRESS = frozenset({"bao", "dai", "bao dai"})
# "tổ chức chính trị - xã hội" after "Sở, ban, ngành": a second class of body.
_OTHER_KIND = re.compile(r"^(?:cac )?to chuc (?:chinh tri|xa hoi)\b")
_GENERIC_WORDS = frozenset({"don vi", "co quan", "dia phuong", "to chuc"})
# Words before a repeated head that make it part of the name: "Phòng X thuộc Phòng Y".
_OF = frozenset({"thuoc", "cua", "truc", "va", "voi", "tai"})


def _proper(name: str) -> bool:
    """"Sở Nông nghiệp và Môi trường": one named body (a capital after its head), not a
    collective ("Các sở", "UBND các xã")."""
    words = name.split()
    return len(words) >= 2 and name[:1].isupper() and words[1][:1].isupper() and not (
        fold(name).startswith(("cac ", "nhung "))
    )


def _run_together(name: str) -> list[str]:
    """"Sở Khoa học và Công nghệ Sở Công Thương" (a table cell that lost its separator): two
    bodies of the same kind, split where the head word comes again with a name after it. A
    body's name never repeats its own head ("Văn phòng UBND tỉnh" has two heads, not one
    twice); each part must still read as a unit."""
    # why: plans.units imports this module for its verb list
    from plans.units import GAZETTEER

    words = name.split()
    if not _proper(name):
        return [name]
    head = fold(words[0])
    cuts = [
        index
        for index in range(2, len(words) - 1)
        if fold(words[index]) == head
        and words[index][:1].isupper()
        and words[index + 1][:1].isupper()
        and fold(words[index - 1]) not in _OF
    ]
    if not cuts:
        return [name]
    bounds = [0, *cuts, len(words)]
    parts = [" ".join(words[a:b]) for a, b in pairwise(bounds)]
    if not all(GAZETTEER.is_unit(part) for part in parts):
        return [name]
    return parts


# A person's title before a unit ("Tư lệnh các quân khu"): the unit is what follows it.
_PERSON_LEAD = re.compile(
    r"^(?:tư lệnh|thủ trưởng|chủ tịch|giám đốc|chánh văn phòng|người đứng đầu)\s+(?=\S)",
    re.IGNORECASE,
)
_PERSON_OF_PLURAL = re.compile(
    r"^(?:thủ trưởng|giám đốc|người đứng đầu|lãnh đạo)\s+(?=(?:các|những)\s)", re.IGNORECASE
)
_RELATED_END = re.compile(r"\blien quan\b")
# "… có liên quan", "… cấp tỉnh": what may follow the last word of a "các …" group.
_RELATED_TAIL = re.compile(
    r"\s+(?:(?:có\s+)?liên quan|cấp\s+(?:tỉnh|huyện|xã|thành phố|trung ương|cơ sở))$",
    re.IGNORECASE,
)


def _list_tail(fragment: str) -> bool:
    """"đoàn thể có liên quan", "cơ quan liên quan", "ngành": the tail of a "các …" group."""
    return fold(_RELATED_TAIL.sub("", fragment.strip())) in _LIST_TAILS


_CATEGORY_WORDS = frozenset({"so", "bo", "ban", "nganh", "co quan", "don vi", "dia phuong"})


def _bare_category(name: str) -> bool:
    """"Sở", "Các bộ", "Các bộ, ngành": kinds of unit with no name after them; a lower-case
    unit after a comma ("…, cơ quan thuộc Chính phủ") belongs to the same collective."""
    folded = fold(name)
    if folded in ("so", "bo", "ban", "nganh"):
        return True
    if not folded.startswith("cac "):
        return False
    return all(part.strip() in _CATEGORY_WORDS for part in folded[4:].split(","))


def _units_at_clause_end(text: str) -> list[str]:
    """Units at the end of a clause ("… tại các phòng, các cơ quan, đơn vị, UBND các xã"):
    read backwards while the fragments are units or short unit tails ("đơn vị")."""
    pieces = [p.strip() for p in re.split(r"\s*[,;]\s*|\s+và\s+", text) if p.strip()]
    start = len(pieces)
    for index in range(len(pieces) - 1, -1, -1):
        piece = pieces[index]
        if starts_with_unit(piece) or (len(piece.split()) <= 3 and not _VERB_RE.search(piece)):
            start = index
        else:
            break
    while start < len(pieces) and not starts_with_unit(pieces[start]):
        start += 1
    if start >= len(pieces):
        return []
    units, _ = extract_units(", ".join(pieces[start:]))
    return units
