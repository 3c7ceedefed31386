"""Elided lists of bodies: "Các Bộ: Quốc phòng, Công an …", "Các Sở: Tư pháp, Nội vụ …",
"Chủ tịch UBND các tỉnh: A, B, …" — a plural class, a colon and the names that share it.

Followed by a duty in the same sentence ("Các Bộ: Quốc phòng, Công an chủ động chỉ đạo …"), the
list is the subject of that duty, one lead as spelt (the class and its names), not a heading of
addressees whose text is the duty."""

from __future__ import annotations

import re

from plans.text import clean_text
from plans.units import DUTY_VERBS, unit_name

# The class: "Các Bộ", "Các Sở, ngành", "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố".
_CLASS = re.compile(
    r"^(?P<head>(?:[^:;.]{0,60}\s)?các\s+(?:bộ|sở|cục|vụ|ban|ngành|tỉnh|thành phố|huyện|quận|xã"
    r"|phường|đơn vị|cơ quan|địa phương|tổng cục|đài|trường|viện)"
    r"(?:\s*,\s*(?:bộ|sở|ngành|thành phố|huyện|quận|xã|phường|thị xã|cơ quan|đơn vị))*)\s*:\s*",
    re.IGNORECASE,
)
# Where the names end and the duty starts: a duty's verb or the bounds of its duty.
_DUTY_START = re.compile(
    rf"\s+(?:{DUTY_VERBS}|theo chức năng|theo thẩm quyền|khẩn trương|khẩn cấp|nghiên cứu|có\s"
    r"|cần\s|phải\s|sẵn sàng|quán triệt|nghiêm túc)",
)
_NAME = re.compile(r"^[A-ZĐÀ-Ỹ]")
# "Các đơn vị: Tổ chức quán triệt …": a duty after the colon, not names.
_OPENS_DUTY = re.compile(rf"^(?:{DUTY_VERBS})\b", re.IGNORECASE)
_MAX_NAMES = 12


def elided_list_subject(text: str) -> str | None:
    """"Các Bộ: Quốc phòng, Công an" for "Các Bộ: Quốc phòng, Công an chủ động chỉ đạo …";
    None when the text is not an elided list followed by its duty (a list alone on its line is
    an addressee, not a task). The person's title ("Chủ tịch …") is left out."""
    text = clean_text(text)
    match = _CLASS.match(text)
    if not match or not match["head"][:1].isupper():
        return None
    rest = text[match.end() :]
    duty = _DUTY_START.search(rest)
    if _OPENS_DUTY.match(rest) or not duty or duty.start() == 0:
        return None
    names = [name.strip() for name in rest[: duty.start()].split(",")]
    if not names or len(names) > _MAX_NAMES or not all(_NAME.match(name) for name in names):
        return None
    if any(len(name.split()) > 8 or re.search(r"[.;:()]", name) for name in names):
        return None
    head = unit_name(match["head"])
    return f"{head[:1].upper()}{head[1:]}: {', '.join(names)}"
