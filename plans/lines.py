"""Body lines of a plan classified: numbering labels (I., A., 1.1., a)), bullets, assignment
labels ("Cơ quan chủ trì:", "Thời gian thực hiện:")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from plans.line_patterns import _LABEL_KINDS, _LABEL_SPLIT
from plans.text import clean_text, fold, is_upper_heading, starts_lowercase

# --- lines ---------------------------------------------------------------------------------

_BULLET_CHARS = "-–—•+·▪►❖◦○●■□✓➢➤"
_ROMAN = re.compile(r"^(?!V/[vV]\b)(?P<label>[IVXL]{1,6})\s*[.)/:-]\s*(?P<text>\S.*)$")  # not "V/v" (về việc)
_NUMBER = re.compile(
    r"^(?P<label>\d{1,2}(?:\.\d{1,2}){0,4}(?:\.[a-zđ](?=[.)]))?)(?:(?P<mark>[.)])\s*|\s+)(?P<text>\S.*)$"
)
# Articles of a decision: "Điều 2. Giao Giám đốc Sở Giáo dục và Đào tạo".
_ARTICLE = re.compile(r"^(?P<label>Điều\s+\d{1,2})\s*[.:]\s*(?P<text>\S.*)$")
# Part letters of long plans: "A. MỤC ĐÍCH, YÊU CẦU", "B. NỘI DUNG, NHIỆM VỤ" (above I., II.).
_PART = re.compile(r"^(?P<label>[A-EĐ])\s*[.)]\s+(?P<text>\S.*)$")
# "Cơ quan chủ trì, phối hợp" / "Chủ trì thực hiện" as a numbered heading whose own lines (bullets
# or a paragraph) are units, not tasks.
# A bare "b) Chủ trì, phối hợp" (no "Cơ quan") under a unit heading is not one: its bullets open
# with the partner bodies of the unit's duties ("- Sở Tài chính … tham mưu …"), see task_units.
_ROLE_HEADING = re.compile(
    r"^(?:co quan|don vi|bo phan)\s+chu tri(?:\s*(?:,|va)\s*(?:phoi hop|thuc hien))*"
    r"(?:\s+thuc hien)?$|^chu tri(?:\s*(?:,|va)\s*thuc hien)*(?:\s+thuc hien)?$"
    r"|^(?:co quan|don vi|bo phan)\s+(?:phoi hop|thuc hien)(?:\s+thuc hien)?$"
)
# A numbered heading over objectives, targets, eligibility or priority lists: not work.
_SKIP_HEADINGS = re.compile(
    r"^(?:muc dich|muc tieu|chi tieu|yeu cau$|yeu cau chung|tieu chi|tieu chuan|doi tuong"
    r"|xac dinh doi tuong|cac van de can luu y|nguyen tac|quan diem)"
)
_STEP = re.compile(r"^bước\s+\d{1,2}\s*[:.]?\s*", re.I)
_LETTER = re.compile(r"^(?P<label>[a-zđ])(?P<mark>[).])\s+(?P<text>\S.*)$")



@dataclass
class _Line:
    bullet: str | None
    text: str  # cleaned, marker removed
    marker: str | None = None  # "roman" | "number" | "letter"
    label: str = ""


def _split_bullet(raw: str) -> tuple[str | None, str]:
    stripped = raw.lstrip()
    if stripped.startswith("*"):
        run = len(stripped) - len(stripped.lstrip("*"))
        after = stripped[run:]
        if run % 2 == 1 and after[:1].isspace():
            return "*", after
        return None, stripped
    if stripped[:1] and stripped[0] in _BULLET_CHARS:
        after = stripped[1:]
        if after[:1].isspace() or (after[:1].isalpha() and after[:1].isupper()):
            return stripped[0], after
    return None, stripped


def _classify(raw: str) -> _Line:
    bullet, rest = _split_bullet(raw)
    text = clean_text(rest)
    # "- - text" and "* - text": one bullet is enough.
    again, rest2 = _split_bullet(text)
    if bullet and again:
        text = clean_text(rest2)
    match = _ROMAN.match(text)
    if match and (is_upper_heading(match.group("text")) or not bullet):
        return _Line(bullet, match.group("text").strip(), "roman", match.group("label"))
    match = _ARTICLE.match(text)
    if match and not bullet:
        return _Line(None, match.group("text").strip(), "article", match.group("label"))
    match = _PART.match(text)
    if match and not bullet and is_upper_heading(match.group("text")):
        return _Line(None, match.group("text").strip(), "part", match.group("label"))
    match = _NUMBER.match(text)
    if match:
        label = match.group("label")
        body = match.group("text").strip()
        structured = bool(match.group("mark")) or "." in label
        if structured and not starts_lowercase(body) and not body.startswith(("/", "%")):
            return _Line(bullet, body, "number", label)
    match = _LETTER.match(text)
    if match and not starts_lowercase(match.group("text")):
        return _Line(bullet, match.group("text").strip(), "letter", match.group("label"))
    return _Line(bullet, text)


def _label_kind(text: str) -> tuple[str, str, str] | None:
    """("lead"|"exec"|"support"|"time"|"product", label, value) for an assignment line."""
    match = _LABEL_SPLIT.match(text)
    if not match:
        return None
    label = match.group("label").strip()
    folded = re.sub(r"[^a-z ,]", "", fold(label)).strip(" ,")
    for kind, pattern in _LABEL_KINDS:
        if pattern.match(folded):
            return kind, label, match.group("value").strip()
    return None


# A numbering label alone on its line ("1." then the heading on the next line, as text copied
# from a web page or a PDF often is).
_BARE_LABEL = re.compile(r"(?:[IVXL]{1,6}|\d{1,2}(?:\.\d{1,2}){0,4}|[a-zđ])\s*[.)]")


