"""The plan's header: kind, number, place and date, title, issuer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from plans.readers import Paragraph, Table
from plans.text import (
    clean_text,
    fold,
    is_upper_heading,
    sentence_case,
    starts_lowercase,
)

if TYPE_CHECKING:
    pass
from plans.line_patterns import (
    _DATE_LINE,
    _KIND_CODES,
    _KINDS,
    _MOTTO,
    _NUMBER_LINE,
    _PREAMBLE,
)
from plans.lines import _classify
from plans.task_tables import task_table

# --- header --------------------------------------------------------------------------------


@dataclass
class _Header:
    kind: str | None = None
    number: str | None = None
    code: str | None = None
    date: date | None = None
    year: int | None = None
    place: str | None = None
    title: str = ""
    issuer: str | None = None


_SPLIT_MONTH = re.compile(r"(tháng\s+)(\d)\s+(\d)\b", re.I)
_SPLIT_DASH = re.compile(r"(?<=[\wĐđ])\s+-\s+(?=[A-ZĐ])")
_OPEN_DATE = re.compile(
    r"ngày(?:\s+\d{1,2}(?:\s+tháng(?:\s+[\d ]{1,4}(?:\s+năm)?)?)?)?$", re.I
)
# What the next line must open on to finish an open date: the rest of it, or only the
# year after a date cut after "năm" ("…, ngày 28 tháng 6 năm" / "2014").
_DATE_REST = re.compile(r"\s*(?:năm\s+\d{4}|tháng\s+\d|\d{1,2}\s+tháng)", re.I)
_YEAR_REST = re.compile(r"\s*\d{4}\b")


def _read_header_line(header: _Header, text: str) -> None:
    # Text taken out of a PDF: "tháng 0 6", "3210/QĐ - UBND".
    text = _SPLIT_MONTH.sub(r"\1\2\3", text)
    if "/" in text:
        text = _SPLIT_DASH.sub("-", text)
    if header.number is None and header.code is None:
        match = _NUMBER_LINE.search(text)
        if match:
            code = match.group("code").strip(" .,")
            header.code = code
            if match.group("digits"):
                header.number = f"{match.group('digits').strip('.')}/{code}"
            text = text[match.end() :]
    if header.date is None and header.year is None:
        match = _DATE_LINE.search(text)
        if match:
            place = (match.group("place") or "").strip(" .,;:-")
            if place and not _MOTTO.search(place) and not re.search(r"\d", place):
                header.place = place
            year = int(match.group("year"))
            header.year = year
            if match.group("day") and match.group("month"):
                try:
                    header.date = date(year, int(match.group("month")), int(match.group("day")))
                except ValueError:
                    header.date = None


_ADDRESSEES = re.compile(r"^kính gửi\b", re.I)
# A line that is only a date, with or without its place: "Bình Yên, ngày 05 tháng 01 năm 2027".
_DATE_ALONE = re.compile(
    r"^(?:[^\W\d][^,\d]{0,40},\s*)?ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}\s*\.?$", re.I)
# "THỦ TƯỚNG CHÍNH PHỦ điện:" under a CÔNG ĐIỆN heading: its addressee list follows as bullets,
# as after a letter's "Kính gửi:", and the body starts at the first numbered line.
_CABLE_ADDRESSEES = re.compile(r"^(?P<sender>[^:]{3,80}?)\s+điện\s*:\s*$")
_NUMBER_OPEN = re.compile(r"(?:^|\s)Số\s*:?$")
_PLACE_DATE_TAIL = re.compile(r"^\s*[^\W\d][^,\d\n]{0,40},\s*ngày\b", re.I)


def _wraps_into(text: str, following: str) -> bool:
    """A header line cut in two: "Số:" then the number; the first words of the place, then
    "Nẵng, ngày …"."""
    if _NUMBER_OPEN.search(text):
        return True
    return (
        bool(_PLACE_DATE_TAIL.match(following))
        and 0 < len(text.split()) <= 4
        and not re.search(r"[\d:,]", text)
        and not is_upper_heading(text)
        and not _MOTTO.search(text)
    )


# A legal-text web page's own table of the document's fields: "Số hiệu:" / "6225/BVHTTDL-VP",
# "Ngày ban hành:" / "18/11/2025", each value on the line after its label.
_SITE_NUMBER = re.compile(r"^số hiệu\s*:$", re.I)
_SITE_DATE = re.compile(r"^ngày ban hành\s*:$", re.I)
_SHORT_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _site_field(header: _Header, text: str, following: str) -> bool:
    """Read a web page's "Số hiệu:" / "Ngày ban hành:" field; True when the line was one."""
    if _SITE_NUMBER.match(text):
        if header.number is None:
            _read_header_line(header, f"Số: {following.strip()}")
        return True
    if _SITE_DATE.match(text):
        day = _SHORT_DATE.match(following.strip())
        if day and header.date is None:
            try:
                header.date = date(int(day.group(3)), int(day.group(2)), int(day.group(1)))
                header.year = header.date.year
            except ValueError:
                pass
        return True
    return False


def _kind_of(text: str) -> tuple[str, str] | None:
    cleaned = clean_text(text)
    for kind in _KINDS:
        if cleaned.upper().startswith(kind) and cleaned[: len(kind)].isupper():
            rest = cleaned[len(kind) :].strip(" :.-")
            return kind, rest
    return None


def _read_header(items: list[Paragraph | Table]) -> tuple[_Header, int]:
    """Header fields and the index of the first body item (the first section "I.", else the
    first numbered or bulleted line after the title)."""
    header = _Header()
    kind_index: int | None = None
    title_parts: list[str] = []
    title_done = False
    issuer_open = False
    first_marker: int | None = None
    start: int | None = None
    carry = ""
    # A letter (Công văn) with no kind heading: "Kính gửi: …", its opening sentence ending in
    # "yêu cầu:", then "1. …" — the body starts at that first numbered line.
    letter_open = False
    previous = ""
    for index, item in enumerate(items):
        if isinstance(item, Table):
            if kind_index is None and task_table(item) is None:
                for row in item.rows:
                    for cell in row:
                        issuer_lines: list[str] = []
                        for cell_line in cell.split("\n"):
                            _read_header_line(header, cell_line)
                            if is_upper_heading(cell_line) and not _MOTTO.search(cell_line):
                                issuer_lines.append(clean_text(cell_line))
                            elif issuer_lines:
                                break
                        if header.issuer is None and issuer_lines:
                            header.issuer = " ".join(issuer_lines)
            continue
        line = _classify(item.text)
        if line.marker in ("roman", "part", "article"):
            start = index
            break
        text = clean_text(item.text)
        next_item = items[index + 1] if index + 1 < len(items) else None
        following_text = next_item.text if isinstance(next_item, Paragraph) else ""
        if kind_index is None and index < 60 and _site_field(header, text, following_text):
            continue
        cable = _CABLE_ADDRESSEES.match(text)
        if (kind_index is None and _ADDRESSEES.match(text)) or (cable and cable["sender"].isupper()):
            letter_open = True
        elif letter_open and line.marker == "number" and previous.endswith(":"):
            start = index
            break
        elif (
            letter_open
            and kind_index is None
            and line.bullet
            and previous.endswith(":")
            and not (_ADDRESSEES.match(previous) or _CABLE_ADDRESSEES.match(previous))
        ):
            # "… đề nghị X; Y thực hiện … Cụ thể:" then "- …": the letter's duties as bullets
            # (the bullets after "Kính gửi:" or "… điện:" are its addressees).
            start = index
            break
        previous = text or previous
        if kind_index is None:
            following = items[index + 1] if index + 1 < len(items) else None
            if carry:
                text, carry = clean_text(f"{carry} {item.text}"), ""
            elif index < 12 and isinstance(following, Paragraph) and _wraps_into(text, following.text):
                # "Số:" / "12/KH-UBND", "Thành phố Đà" / "Nẵng, ngày 21 …": one line, wrapped.
                carry = text
                continue
            if index < 12 and not _PREAMBLE.match(text):
                joined = text
                if (
                    _OPEN_DATE.search(text)
                    and isinstance(following, Paragraph)
                    and (_YEAR_REST if text.lower().endswith("năm") else _DATE_REST).match(
                        following.text
                    )
                ):
                    # The date broken over two lines: "…, ngày 28 tháng 0 6" / "năm 2014".
                    joined = f"{text} {following.text}"
                _read_header_line(header, joined)
            found = _kind_of(item.text)
            if found:
                header.kind = found[0]
                kind_index = index
                if found[1]:
                    title_parts.append(found[1])
            elif (
                (header.issuer is None or issuer_open)
                and is_upper_heading(text)
                and not _MOTTO.search(text)
                and not _NUMBER_LINE.search(text)
            ):
                # "ỦY BAN NHÂN DÂN" / "XÃ TÂN PHÚ" on two lines is one issuer.
                header.issuer = f"{header.issuer} {text}" if header.issuer else text
                issuer_open = True
                continue
            issuer_open = False
            continue
        if first_marker is None and (line.marker or line.bullet):
            first_marker = index
        if title_done:
            continue
        if header.date is None and header.year is None and _DATE_ALONE.match(text):
            # "Ngày 05 tháng 01 năm 2027" printed under the title (web copies move it there):
            # the plan's date, not the title's last words.
            _read_header_line(header, text)
            continue
        ends_title = (
            (_PREAMBLE.match(text) is not None and not is_upper_heading(text))
            or len(text) >= 300
            or text.endswith((";", ":"))
            or bool(title_parts and text.endswith(".") and not starts_lowercase(text))
            or len(title_parts) >= 4
            or bool(line.marker or line.bullet)
        )
        if ends_title:
            title_done = True
        else:
            title_parts.append(text)
    title = " ".join(title_parts).strip()
    header.title = sentence_case(title) if is_upper_heading(title) else title
    if header.kind is None and header.code:
        header.kind = _KIND_CODES.get(fold(header.code.split("-")[0]).replace(" ", ""))
    if start is None:
        if first_marker is not None:
            start = first_marker
        else:
            start = (kind_index + 1) if kind_index is not None else 0
    return header, start
