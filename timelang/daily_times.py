"""Reports due at hours of each day: "báo cáo … trước 19h00 hằng ngày", "báo cáo 2 lần/ngày
(trước 9h00 và 16h00)".

The product reminds once a day at most, so such a report is read as daily, its hours and its
count kept in the text the officer sees ("Hằng ngày, 2 lần mỗi ngày (trước 9h00 và 16h00)"):
never read as one date, never dropped.
"""

from __future__ import annotations

import re

from timelang.deadline_readers import Phrase, recurring
from timelang.deadline_tokens import number
from timelang.schedule import Deadline

# "2 lần/ngày", "hai lần mỗi ngày", "02 lần trong 1 ngày".
_PER_DAY = re.compile(
    r"\b(\d{1,2}|mot|hai|ba|bon) lan ?(?:/|trong|tren|moi|mot)\s*(?:(?:1|mot) )?ngay\b"
)
_EACH_DAY = re.compile(r"\b(?:hang|moi) ngay\b")
# "19h00", "9h", "16 giờ 30", "10 giờ 30 phút": a time of day (not "2 ha": a unit after digits).
_CLOCK_TIME = re.compile(r"(?<![\d/.])(\d{1,2})\s*(?:h|gio)(?:\s*(\d{2}))?(?:\s*phut)?(?![\w])")


def read_daily_times(p: Phrase) -> Deadline | None:
    """A report due N times a day, or at an hour of each day: recurring daily, with the count
    and the hours in its text. None when the phrase says neither (plain "hằng ngày" and "báo
    cáo hằng ngày" are the ongoing and the daily-report readers')."""
    per_day = _PER_DAY.search(p.text)
    each_day = _EACH_DAY.search(p.text)
    if per_day is None and each_day is None:
        return None
    clocks = [
        match for match in _CLOCK_TIME.finditer(p.text)
        if int(match.group(1)) <= 23 and int(match.group(2) or 0) <= 59
    ]
    count = number(per_day.group(1)) if per_day else 1
    if per_day is None and not clocks:
        return None
    p.used.add(per_day or each_day)
    for match in clocks:
        p.used.add(match)
    text = "Hằng ngày"
    if count > 1:
        text += f", {count} lần mỗi ngày"
    if clocks:
        hours = " và ".join(f"{int(m.group(1))}h{int(m.group(2) or 0):02d}" for m in clocks)
        before = re.search(r"\btruoc\s*$", p.text[: clocks[0].start()])
        text += f" ({'trước' if before else 'lúc'} {hours})"
    return recurring(p, "day", "FREQ=DAILY", "due", text)
