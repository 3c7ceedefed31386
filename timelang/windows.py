"""Words around a due date that do not change it, and work done in several rounds ("đợt").

- a clock time before the date ("đến 17 giờ 00, ngày 01/02/2026", "trước 17h ngày 5/3"):
  the day is the due date, the hour is not kept;
- a tentative date followed by the firm one ("Dự kiến ngày 05/12 (Chậm nhất ngày 10/12)"):
  due on the firm one;
- an explicit date explained by an event ("Chậm nhất ngày 10/12/2025 (trước ngày bầu cử 95
  ngày theo Điều 39 …)", "10/12/2025 - 95 ngày trước bầu cử"): the note restates the date;
- rounds ("Đợt 1: từ ngày A đến ngày B; Đợt 2: từ ngày C đến ngày D"): the work is due when
  its last round ends.

All positions are those of the folded phrase (same length as the phrase as written).
"""

from __future__ import annotations

import re

_CLOCK = re.compile(
    r"\b(?:luc\s+)?\d{1,2}\s*(?:gio|h)(?:\s*\d{1,2}(?:\s*phut)?)?\s*,?\s*(?=ngay\b|\d{1,2}\s*/)"
)
_TENTATIVE = re.compile(r"\bdu kien\b[^()]*?(?:\(|,|;|-)\s*(?=cham nhat\b)")
_EVENT_NOTE = re.compile(
    r"(?<=\d{4})\s*(?:\(|[-–,]\s)\s*(?:\d{1,3}\s+ngay\s+)?(?:truoc|sau)\s+(?!(?:ngay\s+)?\d)"
    r"[a-z][^()]*\)?"
)
_ROUND = re.compile(r"\bdot (\d{1,2}|[ivx]{1,4})\s*[:.)-]")


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def without_asides(folded: str) -> str:
    """`folded` with clock times, tentative dates and event notes blanked out."""
    for pattern in (_CLOCK, _TENTATIVE, _EVENT_NOTE):
        for match in reversed(list(pattern.finditer(folded))):
            folded = _blank(folded, match.start(), match.end())
    return folded


def clock_time(display: str, folded: str) -> str | None:
    """The clock time written before the due date ("17 giờ 00"), as written, if any."""
    match = _CLOCK.search(folded)
    return display[match.start() : match.end()].strip(" ,") if match else None


def rounds(folded: str) -> list[tuple[str, int, int]] | None:
    """(round label, start, end) of each round's own text when the phrase is split into rounds
    ("Đợt 1: …; Đợt 2: …"), the label left out; None when it is not. Text before the first
    round must hold no digit (a label such as "Thời gian thực hiện:")."""
    found = list(_ROUND.finditer(folded))
    if not found or re.search(r"\d", folded[: found[0].start()]):
        return None
    bounds = [match.start() for match in found[1:]] + [len(folded)]
    return [
        (match.group(1), match.end(), end) for match, end in zip(found, bounds, strict=True)
    ]
