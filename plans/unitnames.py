"""Read who leads and who supports out of the sentences plans use to assign work.

    "Văn phòng HĐND-UBND huyện chủ trì phối hợp với các cơ quan, đơn vị, UBND các xã."
        -> lead ["Văn phòng HĐND-UBND huyện"], support ["Các cơ quan, đơn vị", "UBND các xã"]

The names themselves are read by plans.unit_lists; this module finds each name's role.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from plans.elided_lists import elided_list_subject
from plans.text import clean_text, fold
from plans.unit_lists import (
    _ASSIGN_PREFIX,
    _BARE_STAFF,
    _LEADING_ADVERBIAL,
    _PERSON_LEAD,
    _tidy,
    _units_at_clause_end,
    extract_units,
    starts_with_unit,
)

_ROLE_LEAD = re.compile(r"(?<![\wÀ-ỹ])chủ trì(?![\wÀ-ỹ])", re.IGNORECASE)
_ROLE_SUPPORT = re.compile(
    r"(?<![\wÀ-ỹ])(?:phối hợp|cùng phối hợp)"
    r"(?:\s+(?:chặt chẽ|thường xuyên|đồng bộ)(?:\s*,?\s*(?:quyết liệt|hiệu quả|thường xuyên))*)?"
    r"(?:\s+(?:với|cùng))?(?![\wÀ-ỹ])",
    re.IGNORECASE,
)
# "(X) chủ trì, phối hợp với Y …", "Phối hợp chặt chẽ với Y …" at the start of a duty: Y supports.
_SENTENCE_SUPPORT = re.compile(
    r"^(?P<actor>\(?\s*(?:giao\s+)?[^,.;:()]{0,120}?\s)?(?:chủ trì\s*,?\s*)?(?:cùng\s+)?phối hợp"
    r"(?:\s+(?:chặt chẽ|thường xuyên|đồng bộ)(?:\s*,?\s*(?:quyết liệt|hiệu quả|thường xuyên))*)?"
    r"\s*,?\s+(?P<partner>(?:với|cùng)\s+)?",
    re.IGNORECASE,
)
# "Chủ động phối hợp với …", "Tích cực phối hợp …": a manner, not an actor before the verb.
_MANNER = re.compile(r"^(?:chu dong|tich cuc|tham gia|tiep tuc|thuong xuyen)(?:\s*,?\s*(?:chu dong|tich cuc))*$")


@dataclass
class Responsibility:
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.lead or self.support)


def parse_responsibility(text: str, role: str = "exec") -> Responsibility:
    """Split a responsibility sentence into lead and supporting units.

    role: "lead" (the label said chủ trì), "support" (phối hợp) or "exec" (thực hiện /
    trách nhiệm thực hiện: every unit named is responsible unless the sentence itself says
    who leads and who supports)."""
    text = clean_text(text).rstrip(" .;")
    if not text:
        return Responsibility()
    if role == "support":
        units, _ = extract_units(text, stop_at_verb=False)
        return Responsibility(support=units)
    shared = _shared_clauses(text, role)
    if shared is not None:
        return shared
    return _one_clause(text)


def _clauses(text: str) -> list[str]:
    """`text` cut at the semicolons outside brackets."""
    clauses: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(0, depth - 1)
        elif char == ";" and depth == 0:
            clauses.append(text[start:index].strip())
            start = index + 1
    clauses.append(text[start:].strip())
    return [clause for clause in clauses if clause]


def _acting_clause(clause: str) -> bool:
    """A clause that opens with its own units and their verb: "Sở Tư pháp và các sở, ban,
    ngành chủ động tổ chức triển khai …", "Công an tỉnh phối hợp …"."""
    body = _ASSIGN_PREFIX.sub("", clause)
    if not starts_with_unit(body):
        return False
    units, stop = extract_units(body, trust_first=False)
    return bool(units) and stop is not None and stop != "apposition"


def _shared_clauses(text: str, role: str) -> Responsibility | None:
    """Several bodies sharing one line, each clause with its own role: "Sở Nội vụ chủ trì tham
    mưu …; Sở Tư pháp, Đài Phát thanh … chủ động tổ chức triển khai …" — every acting clause's
    subject leads ("phối hợp" alone: supports). None unless a clause after the first acts."""
    clauses = _clauses(text)
    if len(clauses) < 2 or not any(_acting_clause(clause) for clause in clauses[1:]):
        return None
    lead: list[str] = []
    support: list[str] = []
    for clause in clauses:
        body = _ASSIGN_PREFIX.sub("", clause)
        units, stop = extract_units(body, trust_first=False)
        if not _acting_clause(clause):
            if stop is None and units and starts_with_unit(body):
                # "Công chức Địa chính; công chức VH – XH tham mưu …": the verb is shared.
                lead.extend(unit for unit in units if unit not in lead)
            continue
        if stop == "chủ trì":
            found = _one_clause(body)
            units = found.lead
            support.extend(found.support)
        elif stop == "phối hợp":
            support.extend(units)
            support.extend(_one_clause(body).support)
            continue
        lead.extend(unit for unit in units if unit not in lead)
    support = [unit for index, unit in enumerate(support) if unit not in support[:index]]
    support = [unit for unit in support if unit not in lead]
    if not lead:
        return None
    return Responsibility(lead=lead, support=support)


def _one_clause(text: str) -> Responsibility:
    lead_match = _ROLE_LEAD.search(text)
    support_match = _ROLE_SUPPORT.search(text)
    if lead_match and (support_match is None or lead_match.start() < support_match.start()):
        lead, _ = extract_units(text[: lead_match.start()])
        rest = text[lead_match.end() :]
        support: list[str] = []
        inner = _ROLE_SUPPORT.search(rest)
        if inner and inner.group(0).lower().rstrip().endswith(("với", "cùng")):
            support, _ = extract_units(rest[inner.end() :])
        elif inner and rest[: inner.start()].strip(" ,"):
            support = _units_at_clause_end(rest[: inner.start()])
        elif inner:
            support, _ = extract_units(rest[inner.end() :])
        if lead:
            return Responsibility(lead=lead, support=support)
    if support_match:
        before = text[: support_match.start()]
        after = text[support_match.end() :]
        if ";" in before and not extract_units(after)[0]:
            # "Văn phòng UBND xã; Công an xã phối hợp": the clause before the verb supports.
            head, _, last = before.rpartition(";")
            lead, _ = extract_units(head)
            support, _ = extract_units(last)
            if lead and support:
                return Responsibility(lead=lead, support=support)
        lead, _ = extract_units(before) if before.strip(" ,") else ([], None)
        support, _ = extract_units(after)
        if lead:
            return Responsibility(lead=lead, support=support)
        if not before.strip(" ,"):
            return Responsibility(support=support)
    units, _ = extract_units(text, stop_at_verb=False)
    return Responsibility(lead=units)


def sentence_support(text: str) -> list[str]:
    """The supporting units a duty names in its own first clause: "Chủ trì, phối hợp với Sở Tư
    pháp rà soát …", "Phối hợp chặt chẽ với Công an tỉnh và các cơ quan liên quan tham mưu …",
    "Sở X chủ trì, phối hợp với Sở Y lập …" -> the units after "phối hợp với", up to the verb.
    Only at the start of the duty: a "phối hợp với" deep inside a sentence describes how the
    work is done, not who supports it."""
    text = _LEADING_ADVERBIAL.sub("", clean_text(text))
    match = _SENTENCE_SUPPORT.match(text)
    if match is None:
        return []
    actor = _ASSIGN_PREFIX.sub("", (match.group("actor") or "").strip(" ("))
    if actor and not starts_with_unit(actor) and not _MANNER.match(fold(actor).strip()):
        return []  # "Tham mưu UBND … phối hợp với …": not an actor's clause
    rest = clean_text(text)[match.end() :]
    if not match.group("partner") and not starts_with_unit(rest):
        return []  # "Chủ trì, phối hợp tổ chức …": no partner named
    # "các Sở, Ban, ngành liên quan": one vague group, however its words are capitalised.
    units, _ = extract_units(_VAGUE_IN_TEXT.sub("", rest).strip(" ,"))
    # "Chủ tịch UBND huyện": the unit, not the person.
    return named_bodies(_tidy(_PERSON_LEAD.sub("", unit)) for unit in units if starts_with_unit(unit))


def named_bodies(units: Iterable[str]) -> list[str]:
    """The partners a duty's sentence names, without its "… (có) liên quan" groups: in running
    text "phối hợp với Sở Y tế và các cơ quan liên quan" is a courtesy, not a unit to remind (a
    labelled "Cơ quan phối hợp:" list keeps such groups: the author listed who takes part)."""
    found: list[str] = []
    for unit in units:
        named = _VAGUE_IN_TEXT.sub("", unit).strip(" ,")
        if not named or _VAGUE_GROUP.search(fold(named)):
            continue
        if named != unit.strip(" ,") and not starts_with_unit(named):
            # "các đơn vị liên quan thẩm định": the words left after the vague group are the
            # sentence's verb, not a body.
            continue
        found.append(named)
    return found


# "… và các cơ quan, đơn vị có liên quan" inside a list of partners: the vague group alone.
_VAGUE_IN_TEXT = re.compile(
    r"(?:\s*,\s*|\s+và\s+|^)(?:các\s+)?(?:(?:cơ quan|đơn vị|tổ chức|địa phương|sở|ban|ngành|bộ"
    r"|cá nhân|đoàn thể|doanh nghiệp)(?:\s*,\s*|\s+)){1,6}(?:khác\s+)?(?:có\s+)?liên quan\b",
    re.IGNORECASE,
)
# "các cơ quan (có) liên quan", "các cơ quan, đơn vị chức năng": whoever it may concern.
_VAGUE_GROUP = re.compile(r"\blien quan\b|^cac\b.*\bchuc nang$")


# "Đối với khiếu nại về …: hướng dẫn …" is a case and its handling; "Đối với UBND các xã: …"
# addresses the bodies after it.
_CASE_HEAD = re.compile(r"^đối với\s+", re.IGNORECASE)


def subject_units(text: str) -> Responsibility:
    """Who an item is addressed to when it names them itself: "Giao Phòng Nội vụ: …",
    "Các cơ quan, đơn vị và UBND các xã: …", "Đề nghị Ủy ban MTTQ huyện … tăng cường …",
    "Văn phòng UBND phường phối hợp với các cơ quan, đơn vị, theo dõi …". Empty when the
    item starts with a verb, as most task bullets do."""
    text = clean_text(text)
    text = _LEADING_ADVERBIAL.sub("", text)
    assigned = _ASSIGN_PREFIX.match(text) or _CASE_HEAD.match(text)
    if assigned:
        # "Giao Phòng Nội vụ: …", "Đối với UBND các xã: …": the bodies after the word.
        text = text[assigned.end() :]
    if elided := elided_list_subject(text):
        return Responsibility(lead=[elided])
    if not starts_with_unit(text):
        return Responsibility()
    colon = text.find(":")
    # "Đối với khiếu nại về …: hướng dẫn …": a case and its handling, not an addressee.
    if 0 < colon < 200 and len(text[:colon].split()) <= 32:
        head = text[:colon]
        units, stop = extract_units(head, trust_first=False)
        if units and stop is None and (
            len(head.split()) <= 16
            # "Đề nghị các cấp ủy Đảng, Mặt trận Tổ quốc … tỉnh và các tổ chức chính trị - xã
            # hội tỉnh: duty": a longer head only when it is nothing but bodies' names.
            or (len(units) >= 2 and all(starts_with_unit(unit) for unit in units))
        ):
            return Responsibility(lead=units)
    sentence = re.split(r"[.;:](?:\s|$)", text, maxsplit=1)[0]
    window = " ".join(sentence.split()[:40])
    units, stop = extract_units(window, trust_first=False)
    if not units or stop is None or len(" ".join(units).split()) > 24:
        return Responsibility()
    if stop in ("chủ trì", "phối hợp"):
        found = parse_responsibility(window)
        if found.lead:
            # A sentence, not a labelled list: its "… liên quan" partners are no units.
            return Responsibility(lead=found.lead, support=named_bodies(found.support))
    if all(fold(unit) in _BARE_STAFF for unit in units):
        return Responsibility()
    return Responsibility(lead=units)


# "Sở X chỉ đạo Chi cục Y thực hiện các nội dung sau:": Y does the work listed below.
_DELEGATION = re.compile(
    r"^\s*(?:chỉ đạo|giao|phân công)\s+(?P<units>.+?)\s+(?:tổ chức\s+)?(?:thực hiện|triển khai)\b",
    re.IGNORECASE,
)


def introduction_units(text: str) -> list[str]:
    """The units a list introduction hands its items to: "Sở Tài chính có trách nhiệm:",
    "Giao Sở Tư pháp thực hiện các nhiệm vụ sau:", "Sở X chỉ đạo Chi cục Y thực hiện các nội
    dung sau:" (Y). [] unless the line opens with its units and ends with a colon."""
    text = clean_text(text)
    if not text.endswith(":"):
        return []
    subject = subject_units(text.rstrip(" :"))
    if not subject.lead:
        return []
    body = _ASSIGN_PREFIX.sub("", _LEADING_ADVERBIAL.sub("", text))
    for name in subject.lead:
        position = body.find(name)
        if position >= 0:
            body = body[position + len(name) :]
    delegated = _DELEGATION.match(body.lstrip(" ,"))
    if delegated:
        units, stop = extract_units(delegated.group("units"), trust_first=False)
        if units and stop is None and all(starts_with_unit(unit) for unit in units):
            return units
    return subject.lead


# "… chủ trì, phối hợp với Y, Z:" closing a list introduction: the partners of every item below.
_HEADING_PARTNERS = re.compile(
    r"(?<![\wÀ-ỹ])chủ trì\s*,?\s*(?:cùng\s+)?phối hợp\s+(?:với|cùng)\s+(?P<partners>[^:;]+?)\s*:$",
    re.IGNORECASE,
)


def introduction_support(text: str) -> list[str]:
    """The partners a list introduction hands down with its units: "Sở X chủ trì, phối hợp với
    Sở Y, UBND các xã:", "Giao Sở X là cơ quan thường trực, chủ trì, phối hợp với Sở Y:" -> the
    bodies after "phối hợp với", up to the verb ("… thực hiện các nội dung sau:"); a vague
    "… (có) liên quan" group is no unit, as in any duty's sentence."""
    match = _HEADING_PARTNERS.search(clean_text(text))
    if match is None:
        return []
    units, _ = extract_units(_VAGUE_IN_TEXT.sub("", match.group("partners")).strip(" ,"))
    return named_bodies(_tidy(unit) for unit in units if starts_with_unit(unit))
