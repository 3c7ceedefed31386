"""Words that only the accents tell apart, resolved before a deadline phrase is read.

Folding accents away makes "tháng sau" (next month) and "tháng sáu" (June) the same text, so
the readers would silently read "cuối tháng sau" as 30 June. This pre-pass looks at the
phrase as written:
- "sáu" with its accent is the number six and is left to the readers;
- plain "sau" after an accented "tháng"/"quý"/"năm" says "next": the phrase is rewritten with
  the period it names ("cuối tháng sau" on 03/12/2026 → "cuối tháng 1 năm 2027");
- "thang sau" typed without any accent could be either: unless next month is June, the
  person is asked which one.
Vague positions inside a period ("đầu tháng 6", "giữa năm 2027") name no day: they are refused
with a question rather than read as the period's last day. A day of "the first month of next
quarter" ("trước ngày 05 của tháng đầu quý sau") names one day, and is read as that date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from timelang import refusals as why
from timelang.periods import ROMAN_QUARTERS

# "tháng sau", "quý tới", "năm sau nữa"; not "2 tháng sau" (a duration), not "tháng sau khi …"
# (after an event), not "thứ năm sau" (a weekday).
_NEXT = re.compile(r"(?<!\bthu )\b(thang|quy|nam) (sau|toi)\b( nua\b)?(?! (?:khi|ngay|ke|do|nay))")
# A number right before is a duration ("2 tháng sau"), unless it is a day ("ngày 15 tháng sau").
# "ngày 05 tháng 01 năm sau", "15/01 năm sau", "quý 1 năm sau": the number is a month or a
# quarter, not a count of years.
_DURATION_BEFORE = re.compile(
    r"(?<!ngay )(?<!thang )(?<!quy )(?<!/)\b(\d+|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi) $")
# "15/01 năm sau": a day and month of next year, written back as one date ("15/01/2027").
_DAY_MONTH_NEXT_YEAR = re.compile(r"\b(\d{1,2}) ?/ ?(\d{1,2}) nam (?:sau|toi)\b(?! nua\b)")
# "đầu tháng 6", "giữa năm": no day named. "6 tháng đầu năm" is a half year, read elsewhere.
_VAGUE = re.compile(r"\b(dau|giua) (thang|quy|nam|tuan)\b")
# In a recurring phrase "the next period" is each period's next one: "hằng tháng, trước ngày
# 05 của tháng sau" is due 5 days after each month ends.
_RECURRING = re.compile(r"\b(?:hang|moi|dinh ky)\b")
_DAY_OF_NEXT = re.compile(
    r"(?:(?:truoc|cham nhat|han|vao)\s+)*ngay (\d{1,2}) (?:cua )?"
    r"(?:(thang) (?:sau|toi)|thang dau (?:cua )?(quy) (?:sau|toi)|thang (?:0?1|mot|gieng) (?:cua )?(nam) (?:sau|toi))\b")
_PERIOD_WORDS = {"thang": "tháng", "quy": "quý", "nam": "năm"}
# "trước ngày 05 của tháng đầu quý sau", said once: the first month of the next quarter is one
# month, so the day in it is a date ("đầu quý" alone names no day and is asked).
_DAY_OF_NEXT_QUARTER = re.compile(
    r"\bngay (\d{1,2}) (?:cua )?thang dau (?:cua )?quy (?:sau|toi)\b(?! nua\b)")
_HALF_YEAR = re.compile(r"\b(?:6|sau|9|chin|3|ba) thang (?:dau|cuoi) nam\b")


@dataclass(frozen=True)
class Ask:
    """The phrase cannot be read without asking: `reason` says what to ask (the catalogue
    words the question)."""

    reason: why.Reason


def _accented(word: str) -> bool:
    return any(ord(ch) > 127 for ch in word)


def _months_later(reference: date, steps: int) -> tuple[int, int]:
    index = reference.year * 12 + reference.month - 1 + steps
    return index // 12, index % 12 + 1


def _replacement(unit: str, reference: date, steps: int) -> str:
    """The period `steps` after the reference's, written so that the readers read it."""
    if unit == "thang":
        year, month = _months_later(reference, steps)
        return f"tháng {month} năm {year}"
    if unit == "quy":
        index = reference.year * 4 + (reference.month - 1) // 3 + steps
        return f"quý {ROMAN_QUARTERS[index % 4 + 1]} năm {index // 4}"
    return f"năm {reference.year + steps}"


def resolve(display: str, folded: str, reference: date) -> str | Ask | None:
    """The phrase rewritten with the periods "sau" names, an `Ask`, or None (nothing to do).
    `display` is the cleaned phrase as written; `folded` has the same length."""
    if _RECURRING.search(folded):
        return _each_next_period(display, folded)
    if day_month := _DAY_MONTH_NEXT_YEAR.search(folded):
        return (display[:day_month.start()] + f"{day_month.group(1)}/{day_month.group(2)}/"
                f"{reference.year + 1}" + display[day_month.end():])
    if first_month := _DAY_OF_NEXT_QUARTER.search(folded):
        index = reference.year * 4 + (reference.month - 1) // 3 + 1
        year, month = index // 4, index % 4 * 3 + 1
        return (display[:first_month.start()] + f"ngày {int(first_month.group(1)):02d} tháng "
                f"{month} năm {year}" + display[first_month.end():])
    if ask := _vague(display, folded, reference):
        return ask
    pieces: list[str] = []
    last = 0
    for match in _NEXT.finditer(folded):
        if duration := _DURATION_BEFORE.search(folded[:match.start()]):
            # "2 tháng sau": counted from when? Ask with the date it would be from today.
            written = display[duration.start():match.end()]
            return Ask(why.DurationFromWhen(written, _example_day(reference)))
        unit_as_written = display[match.start(1):match.end(1)]
        six_as_written = display[match.start(2):match.end(2)]
        if match.group(2) == "sau" and _accented(six_as_written):
            continue  # "tháng sáu": June
        unit = match.group(1)
        if match.group(2) == "sau" and not _accented(unit_as_written) and unit == "thang":
            year, month = _months_later(reference, 1)
            if month != 6:
                written = display[match.start():match.end()]
                return Ask(why.NextMonthOrJune(written, month, year,
                                               year if month < 6 else year + 1))
        pieces.append(display[last:match.start()])
        pieces.append(_replacement(unit, reference, 2 if match.group(3) else 1))
        last = match.end()
    if not pieces:
        return None
    pieces.append(display[last:])
    return "".join(pieces)


def _each_next_period(display: str, folded: str) -> str | None:
    """"ngày N (của) tháng sau / tháng đầu quý sau / tháng 1 năm sau" in a recurring phrase:
    N days after each period ends. Other "sau" words there are left to the readers (which
    refuse what they cannot place)."""
    match = _DAY_OF_NEXT.search(folded)
    if match is None:
        return None
    unit = next(g for g in (match.group(2), match.group(3), match.group(4)) if g)
    return (display[:match.start()] + f"chậm nhất {int(match.group(1))} ngày sau khi kết thúc "
            f"{_PERIOD_WORDS[unit]}" + display[match.end():])


def _example_day(reference: date) -> date:
    """The day an example suggests: the 5th of next month."""
    year, month = _months_later(reference, 1)
    return date(year, month, 5)


def _vague(display: str, folded: str, reference: date) -> Ask | None:
    halves = [m.span() for m in _HALF_YEAR.finditer(folded)]
    for match in _VAGUE.finditer(folded):
        if any(start <= match.start() < end for start, end in halves):
            continue
        written = display[match.start():match.end()]
        year, month = _months_later(reference, 1)
        return Ask(why.VagueDay(written, _example_day(reference), month, year))
    return None
