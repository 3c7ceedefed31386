"""One paragraph, several duties: cut where each part carries its own date or actor."""

from __future__ import annotations

import re

from plans.block_shapes import _HEAD_VERB
from plans.plan_deadlines import _once_phrase, _recurring_regimes, dated_clauses
from plans.text import fold
from plans.unitnames import parse_responsibility
from plans.units import sentence_actors

# "Thời gian báo cáo: …", "Kết quả: …": a label and its text.
_LABELLED_TEXT = re.compile(r"^[^:]{1,40}:\s")


def _head_actors(head: str) -> list[str]:
    """The units of "Thủ trưởng các sở…; Chủ tịch UBND các huyện… căn cứ … chỉ đạo"."""
    subject = _HEAD_VERB.sub("", head).strip(" ,;")
    return sentence_actors(f"{subject} có trách nhiệm") or parse_responsibility(subject).lead


def _dated_duties(title: str) -> tuple[str, list[str]] | None:
    """(actor head, duties) when a paragraph lists several duties separated by ";" of which at
    least two carry their own date; None otherwise."""
    head, colon, rest = title.partition(":")
    # The head names the actors ("Thủ trưởng các sở …; Chủ tịch UBND các huyện … chỉ đạo"),
    # however many; a head holding a date of its own is a duty, not the actors.
    if not colon or len(head.split()) > 40 or _once_phrase(head):
        head, rest = "", title
    listed = [part.strip(" .;") for part in rest.split(";") if part.strip(" .;")]
    # "… trước ngày 30/6 và báo cáo … trước ngày 15/12", "… trước ngày 30/6, báo cáo … hằng
    # quý": each dated clause of one part is a duty too.
    parts = [clause for part in listed for clause in dated_clauses(part)]
    if len(parts) == len(listed) and sum(1 for part in parts if _once_phrase(part)) < 2:
        return _dated_sentences(title)
    return head.strip(), [part + "." for part in parts]


_SENTENCE_END = re.compile(r"(?<=\.)\s+(?=[A-ZÀ-Ỵ])")


def _dated_sentences(title: str) -> tuple[str, list[str]] | None:
    """"A xây dựng kế hoạch xong trong tháng 12/2025. Định kỳ báo cáo … hằng năm (trước ngày
    15 tháng 11).": two sentences, each with its own time, are two duties. A sentence without
    a time of its own, one that repeats the period before it ("… mỗi quý một lần. Cuộc họp
    hàng quý …") or a time label ("Thời gian báo cáo: …") stays with the duty before it."""
    sentences = _SENTENCE_END.split(title.strip())
    if len(sentences) < 2:
        return None
    pieces: list[str] = []
    times: list[str] = []
    for sentence in sentences:
        regimes = _recurring_regimes(sentence)
        once = _once_phrase(sentence)
        time = regimes[0].frequency if regimes else fold(once) if once else ""
        if time and pieces and time not in times and not _LABELLED_TEXT.match(sentence):
            pieces.append(sentence)
        elif pieces:
            pieces[-1] = f"{pieces[-1]} {sentence}"
        else:
            pieces.append(sentence)
        if time:
            times.append(time)
    if len(pieces) < 2 or len(set(times)) < 2:
        return None
    return "", pieces
