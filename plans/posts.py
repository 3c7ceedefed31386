"""Posts as leads: commune plans give duties to people by their post, not to bodies
("Đồng chí Phó Chủ tịch Thường trực, phụ trách lĩnh vực …", "Cán bộ phụ trách lĩnh vực …",
"Đơn vị chủ trì: Đồng chí Phó chủ tịch …"). The post is the lead, written without the
honorific "Đồng chí"/"đ/c"; where the post names a body ("Phó Trưởng phòng Văn hóa - Xã hội
- Phó Trưởng tiểu ban") the body leads. A post is only read where a lead is expected (a
label's value, a heading, the part before a heading's colon), never out of prose."""

from __future__ import annotations

import re

from plans.text import fold
from plans.units import DUTY_VERBS, GAZETTEER

# "Đồng chí", "đ/c", "Các đ/c", "các đồng chí": the honorific before a person's post.
_HONORIFIC = re.compile(r"^(?:các\s+)?(?:đồng\s+chí|đ/c|đc)\.?\s+", re.IGNORECASE)
_PLURAL = re.compile(r"^(?:các|những)\s+", re.IGNORECASE)
# Accent-free titles a post opens with ("Phó Chủ tịch", "Trưởng phòng", "Cán bộ").
_TITLE = re.compile(
    r"^(?:uy vien |pho )*(?:chu tich|truong ban|truong phong|truong tieu ban|"
    r"truong doan|truong thon|bi thu|giam doc|chanh van phong|can bo|chuyen vien|cong chuc|"
    r"truong|thanh vien|uy vien)\b"
)
# A body named inside the post: "Trưởng Ban xây dựng Đảng", "Phó Giám đốc Trung tâm …".
_PERSON_WORDS = re.compile(
    r"^(?:(?:phó|ủy viên|uỷ viên)\s+)*(?:trưởng|giám đốc|chủ tịch|chánh|bí thư)\s+(?=\S)",
    re.IGNORECASE,
)
# "… - Trưởng Tiểu ban", "… - Phó Trưởng tiểu ban Thường trực", "… - Ủy viên": the role
# in the committee after the post.
_ROLE_DASH = re.compile(r"\s+[-–]\s+(?=(?:phó\s+|ủy viên|uỷ viên|thành viên|trưởng)\S*)", re.I)
# A duty verb with a lower-case object ("chỉ đạo các thôn"): a predicate. "xây dựng Đảng"
# (a capital after) is part of a name.
_VERB_THEN = re.compile(rf"(?<![\wÀ-ỹ])(?:{DUTY_VERBS})\s+(\w)")


def _predicate(text: str) -> bool:
    return any(match.group(1).islower() for match in _VERB_THEN.finditer(text))


def strip_honorific(text: str) -> str:
    return _HONORIFIC.sub("", text.strip()).strip()


def _is_post(text: str) -> bool:
    """ "Phó chủ tịch Thường trực, phụ trách lĩnh vực …", "Cán bộ phụ trách lĩnh vực …"."""
    bare = _PLURAL.sub("", strip_honorific(text))
    return bool(bare) and bool(_TITLE.match(fold(bare)))


def post_body(post: str) -> str | None:
    """The body a post names, when it names one: "Phó Trưởng phòng Văn hóa - Xã hội - Phó
    Trưởng tiểu ban Thường trực" → "Phòng Văn hóa - Xã hội"."""
    bare = strip_honorific(post)
    body = _PERSON_WORDS.sub("", bare, count=1)
    if body == bare:
        return None
    body = _ROLE_DASH.split(body, maxsplit=1)[0].strip(" ,.:")
    words = body.split()
    if not words or not any(word[:1].isupper() for word in words):
        # "Trưởng đoàn thể xã": a kind of body, not one named; the post stays.
        return None
    if _predicate(body):
        # "Chủ tịch UBND xã chỉ đạo các thôn": a sentence about the body.
        return None
    body = body[:1].upper() + body[1:]
    folded = fold(body)
    headed = any(folded.startswith(f"{head} ") for head in GAZETTEER.heads)
    # "Ban xây dựng Đảng": a head word, then the body's name with a capital in it.
    return body if GAZETTEER.is_unit(body) or headed else None


def post_lead(text: str) -> list[str] | None:
    """The lead a post heading or "post:" prefix names, or None when the text is no post:
    the body the post names, else the post itself without its honorific."""
    text = text.strip(" :.")
    if not text or len(text.split()) > 24 or not _is_post(text):
        return None
    body = post_body(text)
    if body:
        return [body]
    # "Phó chủ tịch phụ trách lĩnh vực Giám sát …": the field after "phụ trách" may read
    # like a verb; before it, a duty verb makes the text a sentence ("Chủ tịch UBND xã chỉ
    # đạo …"), not a post.
    before = re.split(r"\bphụ trách\b", text, maxsplit=1, flags=re.I)[0]
    if _predicate(before):
        return None
    bare = (
        _PLURAL.sub("", strip_honorific(text)) if _HONORIFIC.match(text) else strip_honorific(text)
    )
    return [bare[:1].upper() + bare[1:]]


def post_list(text: str) -> list[str] | None:
    """Posts listed after a label ("Các đ/c Phó chủ tịch, Trưởng đoàn thể xã, các đồng chí
    Chuyên viên cơ quan MTTQ xã"): one entry per post, without honorifics; a lower-case
    fragment after a comma ("…, phụ trách lĩnh vực …") continues the post before it. None
    unless the list opens with an honorific."""
    text = text.strip(" .;")
    if not _HONORIFIC.match(text):
        # Without the honorific, "Công chức tài chính phối hợp … tham mưu …" is the usual
        # sentence the unit reader splits.
        return None
    entries: list[str] = []
    for fragment in re.split(r"\s*[,;]\s*", text):
        if not fragment:
            continue
        honoured = bool(_HONORIFIC.match(fragment))
        bare = strip_honorific(fragment)
        if entries and not honoured and bare[:1].islower() and not _PLURAL.match(bare):
            entries[-1] = f"{entries[-1]}, {bare}"
            continue
        if honoured or not entries:
            bare = _PLURAL.sub("", bare) if honoured else bare
        elif _PLURAL.match(bare) and _is_post(bare):
            # "…, các chuyên viên cơ quan …": the plural marks the group, not the name.
            bare = _PLURAL.sub("", bare)
        entries.append(bare)
    named = [post_body(entry) or entry for entry in entries]
    return [name[:1].upper() + name[1:] if fold(name)[:3] != "cac" else name for name in named]


def starts_with_post(text: str) -> bool:
    """Whether a heading or a "…:" prefix opens with a person's post (with its honorific, or
    a title such as "Phó Chủ tịch", "Cán bộ") rather than with a body the gazetteer knows
    ("Giám đốc Sở Y tế" is read as the Sở, as before)."""
    text = text.strip()
    if _HONORIFIC.match(text):
        return True
    return _is_post(text) and not GAZETTEER.is_unit(text)
