"""Unit recognition, a step of its own: is a phrase a Vietnamese administrative unit, and who
is the actor of a duty written as a sentence ("X có trách nhiệm …", "Yêu cầu X …",
"Giao X chủ trì …", "… đề nghị X, Y triển khai …").

A unit phrase starts with one of the gazetteer's head words (Bộ, Sở, Ban, Phòng, UBND / Ủy ban
nhân dân, Công an, Thanh tra, Văn phòng, Trung tâm, Mặt trận, Đoàn, Hội, Cục, Vụ …) or an
abbreviation (UBND, HĐND, MTTQ …). The head is matched with rapidfuzz on the accent-free
spelling, so "Uỷ ban" / "Ủy ban" / "Uy ban" and a PDF's "U BND" all count, while an opening
verb ("Tổ chức", "Bố trí kinh phí", "Thanh tra các cơ sở") does not: a head word followed by a
verb's object is not a unit. The plan's own unit names (its lead lines) can be added with
`Gazetteer.learn`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plans.text import fold_words
from plans.unit_lists import ORGANISE_VERB, _cut_at_verb

# Accent-free heads of unit names, longest first so "uy ban nhan dan" wins over "ban".
UNIT_HEADS: tuple[str, ...] = (
    "uy ban mat tran to quoc",
    "uy ban nhan dan",
    "uy ban",
    "hoi dong nhan dan",
    "bao hiem xa hoi",
    "kho bac nha nuoc",
    "kiem toan nha nuoc",
    "thong tan xa",
    "vien kiem sat",
    "toa an nhan dan",
    "mat tran to quoc",
    "to chuc chinh tri",
    "cac co quan",
    "co quan",
    "van phong",
    "trung tam",
    "thanh tra",
    "cong an",
    "chi cuc",
    "bo phan",
    "lien doan",
    "doan thanh nien",
    "tinh doan",
    "thanh doan",
    "huyen doan",
    "doan the",
    "ban chi dao",
    "ban quan ly",
    # Commune bodies: "Ban Công tác Mặt trận thôn", "Các tổ chức thành viên của MTTQ xã".
    "ban cong tac mat tran",
    "to chuc thanh vien",
    "ubnd",
    "hdnd",
    "mttq",
    "bo",
    "so",
    "ban",
    "phong",
    "cuc",
    "vu",
    "hoi",
    "doan",
    "to cong tac",
    "tieu ban",
    "hiep hoi",
    "lien minh",
    "doanh nghiep",
    "dai phat thanh",
    "bao",
    # Public service bodies named after their kind: "Viện Văn hóa, Nghệ thuật …", "Bệnh viện
    # Đa khoa tỉnh", "Trường Chính trị tỉnh" (a one-word head needs a capital after it).
    "benh vien",
    "vien",
    "truong",
    # Those a plan charges by what they own or invest in: "Các chủ rừng là tổ chức", "Các chủ
    # đầu tư xây dựng và kinh doanh hạ tầng khu công nghiệp".
    "chu dau tu",
    "chu rung",
)

# Words that, right after a head, show the head is a verb or a common noun, not a unit:
# "Tổ chức thực hiện", "Thanh tra việc …", "Ban hành …", "Phòng, chống …", "Bộ máy".
_NOT_UNIT_AFTER = re.compile(
    r"^(?:hanh|chong|ngua|may|tieu chi|viec|kiem tra|thuc hien|trien khai|cong vu|dong|"
    r"chuc nang)\b"
)
# Person titles before a unit name: the unit, not the person, is the actor.
_PERSON_TITLE = re.compile(
    r"^(?:thủ trưởng|chủ tịch|giám đốc|chánh(?=\s+(?:văn phòng|thanh tra))|trưởng|người đứng đầu"
    r"|bộ trưởng(?=\s+bộ\b)"
    r"|lãnh đạo|tư lệnh)\s+",
    re.IGNORECASE,
)
# "các sở, ban, ngành": a plural marker a unit list may start with.
_PLURAL = re.compile(r"^(?:các|những)\s+", re.IGNORECASE)

# Actor patterns: the unit list sits between the trigger and the duty's verb.
_DUTY_VERBS = (
    r"chủ trì|có trách nhiệm|chịu trách nhiệm|phối hợp|triển khai|thực hiện|tiếp tục|"
    rf"{ORGANISE_VERB}|"
    r"tiến hành|kịp thời|chủ động|tăng cường|đẩy mạnh|"
    r"tập trung|xây dựng|theo dõi|rà soát|hướng dẫn|(?<!quan )tham mưu|báo cáo|giúp(?! việc)|căn cứ|"
    r"thành lập|lập (?:đề án|kế hoạch|thủ tục|danh sách|hồ sơ|dự toán)|thẩm định|tổng hợp|kiểm tra|chỉ đạo|phát động|vận động|giám sát|bố trí|hỗ trợ"
)
# "Trên cơ sở đề nghị của A, B chủ trì …", "Sau khi …, Sở Tài chính lập …": the actor comes
# after an opening clause.
_OPENING_CLAUSE = re.compile(
    r"^(?:trên cơ sở|sau khi|căn cứ|theo|khi|trường hợp|trong quá trình|nếu|kết thúc)\b", re.I
)
# A lower-case category word going on with a list ("ban, ngành …"), not opening a subject
# ("các sở …", "cơ quan tổ chức lập quy hoạch phải …").
_LIST_GOES_ON = re.compile(r"(?:ban|ngành|sở|bộ|đoàn thể|địa phương|đơn vị|cơ quan)\s*,")
_MINISTERS = re.compile(r"^Bộ trưởng,\s+Thủ trưởng\s+", re.IGNORECASE)
# "… được phân công", "… được giao": what the subject is, not its name.
_PASSIVE_TAIL = re.compile(r"\s+được\s.*$")
# "… các nội dung được giao trong Luật …": a passive "được giao" names what was assigned, not
# whom the sentence assigns.
_TRIGGER = re.compile(
    r"(?<!được\s)(?<!đã\s)(?<![\wÀ-ỹ])(?:giao(?:\s+cho)?|yêu cầu|đề nghị)\s+", re.IGNORECASE
)
# Verbs in lower case only: "Ban Chỉ đạo", "Văn phòng Ban Chỉ đạo" are names, not "chỉ đạo".
_VERB_AFTER = re.compile(rf"\s+(?:{_DUTY_VERBS})\b")
# The verbs a duty may open with ("Tổ chức quán triệt …", "Rà soát …"), for other modules.
DUTY_VERBS = _DUTY_VERBS
_PURPOSE_END = re.compile(r"[\s,](?:để|nhằm)$", re.IGNORECASE)
_SUBJECT_VERB = re.compile(rf"^(?P<subject>.{{3,160}}?)\s+(?:{_DUTY_VERBS})\b")
_LIST_SPLIT = re.compile(
    r"\s*;\s*|\s*,\s*(?=(?:thủ trưởng|chủ tịch|giám đốc|các|ủy ban|uỷ ban|ubnd)\b)"
    r"|\s+và\s+(?=(?:thủ trưởng|chủ tịch|giám đốc)\b)",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-ZÀ-Ỵ])")


@dataclass
class Gazetteer:
    """Head words of unit names, plus the plan's own unit names once learnt."""

    heads: tuple[str, ...] = UNIT_HEADS
    known: dict[str, str] = field(default_factory=dict)

    def learn(self, names: list[str]) -> None:
        for name in names:
            self.known.setdefault(" ".join(fold_words(name)), name)

    def is_unit(self, phrase: str) -> bool:
        # why: rapidfuzz (≈4 MiB resident) is loaded when a plan is read, not at start-up
        from rapidfuzz import fuzz, process

        text = _PERSON_TITLE.sub("", phrase.strip(" ,.:;-–()"))
        plural = bool(_PLURAL.match(text))
        text = _PLURAL.sub("", text)
        key = " ".join(fold_words(text))
        tokens = text.split()
        if not key:
            return False
        if self.known and process.extractOne(
            key, list(self.known), scorer=fuzz.ratio, score_cutoff=92
        ):
            return True
        words = key.split()
        if plural and re.match(r"đơn vị\s*,\s*\w", text, re.IGNORECASE):
            # "các đơn vị, cơ sở giáo dục trực thuộc", "các đơn vị, trường học": the classes
            # of bodies a letter addresses; "các đơn vị" alone names no one in particular.
            return True
        for head in self.heads:
            size = len(head.split())
            start = " ".join(words[:size])
            # A one-word head must be exact ("bo" is not "bo tri"); longer heads tolerate one
            # PDF slip ("uy ban nhan dan" vs "uy ban nhan dn").
            # (Not a short head: "công văn" is no slip of "công an".)
            if start == head or (size > 1 and len(head) >= 10 and fuzz.ratio(start, head) >= 90):
                rest = " ".join(words[size:])
                if size == 1 and head not in ("ubnd", "hdnd", "mttq") and not plural:
                    # "Sở Nội vụ", "Sở, ban, ngành" but not "Bố trí kinh phí", "Bảo đảm".
                    listed = tokens[0].endswith(",")
                    named = len(tokens) > 1 and tokens[1][:1].isupper()
                    if not (listed or named):
                        return False
                # "Ủy ban Kiểm tra Tỉnh ủy": a capital after the head names a body.
                after = tokens[size:size + 1]
                return not _NOT_UNIT_AFTER.match(rest) or bool(after and after[0][:1].isupper())
        return False


GAZETTEER = Gazetteer()


def unit_name(phrase: str) -> str:
    """The unit in an actor phrase, without the person's title: "Thủ trưởng các sở, ban,
    ngành" -> "các sở, ban, ngành"."""
    name = _PERSON_TITLE.sub("", phrase.strip(" ,.:;-–")).strip()
    return _NAME_TAIL.sub("", name).strip() or name


# What follows a unit's name without being part of it: its role in apposition ("Sở Tài chính -
# Cơ quan thường trực Ban Chỉ đạo"), the members it is said to include ("(gồm các Sở: …)"),
# the bounds of its duty ("trong phạm vi chức năng, nhiệm vụ của mình").
_NAME_TAIL = re.compile(
    r"(?:\s+[-–]\s+(?:cơ quan|đơn vị)\s+(?:thường trực|đầu mối|chủ trì|tham mưu)\b.*"
    r"|\s*\((?:gồm|bao gồm)\b[^()]*\)?"
    r"|\s+(?:trong|theo)\s+phạm vi\s+(?:chức năng|quản lý|nhiệm vụ)\b.*)$",
    re.IGNORECASE | re.DOTALL,
)


def _before_verb(name: str, gazetteer: Gazetteer) -> str:
    """The name up to a verb, when what is left still names a body of its own ("UBND các xã"
    of "UBND các xã xác định …"); "cơ quan lập quy hoạch" keeps its verb, "cơ quan" alone
    naming no one."""
    cut = _cut_at_verb(name)[0].strip(" ,")
    if cut and cut != name and len(cut.split()) >= 3 and gazetteer.is_unit(cut):
        return cut
    return name


def _split_units(text: str, gazetteer: Gazetteer) -> list[str]:
    parts = [unit_name(part) for part in _LIST_SPLIT.split(text) if part.strip()]
    parts = [re.sub(r"\s+và\s+(?=(?:các|ủy ban|uỷ ban|ubnd)\b)", "|", p, flags=re.I) for p in parts]
    names = [name.strip(" ,") for part in parts for name in part.split("|")]
    # "UBND các xã, phường xác định đây là nhiệm vụ trọng tâm …": the subject window ends at
    # the duty verbs above; a verb they lack still ends the name.
    names = [_before_verb(name, gazetteer) for name in names]
    split: list[str] = []
    listed: set[str] = set()  # bodies named in a long list of bodies, kept without a known head
    for name in names:
        # "Ủy ban MTTQ Thành phố, Hội Liên hiệp Phụ nữ Thành phố, Thành Đoàn": named units
        # in a comma list are several units when every piece is one.
        pieces: list[str] = []
        for piece in re.split(r",\s+", name):
            if pieces and not piece[:1].isupper():
                pieces[-1] = f"{pieces[-1]}, {piece}"
            else:
                pieces.append(piece.strip())
        units = sum(1 for piece in pieces if gazetteer.is_unit(piece))
        if len(pieces) > 1 and units == len(pieces):
            split.extend(pieces)
        elif len(pieces) >= 4 and units * 2 >= len(pieces) and gazetteer.is_unit(pieces[0]):
            # "Ủy ban Kiểm tra Tỉnh ủy, Viện kiểm sát nhân dân tỉnh, Thuế tỉnh, Kho bạc …": a
            # long list of named bodies, most with a known head, the others named the same way.
            split.extend(pieces)
            listed.update(pieces)
        else:
            split.append(name)
    return [name for name in split if name and (name in listed or gazetteer.is_unit(name))]


def sentence_actors(text: str, gazetteer: Gazetteer = GAZETTEER) -> list[str]:
    """The lead units named inside a duty sentence, [] when none is named.

    "Sở Xây dựng chủ trì, phối hợp với …" -> ["Sở Xây dựng"];
    "(Giao Công an tỉnh chủ trì, phối hợp với …)" -> ["Công an tỉnh"];
    "Yêu cầu UBND các xã, thị trấn phối hợp …" -> ["UBND các xã, thị trấn"];
    "Chủ tịch UBND tỉnh đề nghị A, Thủ trưởng B triển khai …" -> ["A", "B"]."""
    triggers = list(_TRIGGER.finditer(text))
    trigger = triggers[-1] if triggers else None
    if trigger is not None:
        rest = text[trigger.end() :]
        verb = _VERB_AFTER.search(rest)
        if verb:
            found = _split_units(rest[: verb.start()], gazetteer)
            if found:
                return found
        elif rest.rstrip().endswith(":") and len(rest.split()) <= 30:
            # "… Thủ tướng Chính phủ yêu cầu Chủ tịch UBND các tỉnh, thành phố:" then the
            # numbered duties: the addressees end the sentence.
            found = _split_units(rest.rstrip(" :"), gazetteer)
            if found:
                return found
    # "Bộ trưởng, Thủ trưởng cơ quan ngang bộ, …": the ministers stand for the ministries.
    subject = _SUBJECT_VERB.match(_MINISTERS.sub("các bộ, ", text.strip("( ")))
    if subject and _PURPOSE_END.search(subject.group("subject")):
        # "…; Trưởng ban công tác Mặt trận thôn, để hướng dẫn …": the rest of a list of whom
        # one meets, then the purpose ("để", "nhằm"); no actor of its own.
        subject = None
    if subject and gazetteer.is_unit(subject.group("subject")):
        return _split_units(subject.group("subject"), gazetteer) or [
            unit_name(subject.group("subject"))
        ]
    if _OPENING_CLAUSE.match(text.strip("( ")):
        # "Trường hợp …, X có trách nhiệm …" / "Trường hợp … thì X có trách nhiệm …".
        for comma in re.finditer(r",\s+|\s+thì\s+", text[:300]):
            if _LIST_GOES_ON.match(text[comma.end() :]):
                # "… đề xuất của các Sở, ban, ngành chuyên môn, Sở Tài chính …": a comma
                # inside the opening clause's list, not the one before the subject.
                continue
            after = _SUBJECT_VERB.match(text[comma.end() :])
            if not after or not gazetteer.is_unit(after.group("subject")):
                continue
            named = _PASSIVE_TAIL.sub("", after.group("subject"))
            # "Căn cứ …, các sở, ngành và Ủy ban nhân dân các xã, phường được phân công chủ
            # trì …": a list of units after the opening clause.
            found = _split_units(named, gazetteer)
            if found:
                return found
            if "," not in named:
                return [unit_name(named)]
    return []


def _sentences(text: str) -> list[str]:
    """The sentences of a paragraph; a ";" inside brackets ("(Giao A chủ trì, phối hợp với B;
    C …)") does not end one."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE.finditer(text):
        before = text[start : match.start()]
        if text.count("(", 0, match.start()) > text.count(")", 0, match.start()):
            continue
        sentences.append(before)
        start = match.end()
    sentences.append(text[start:])
    return sentences


def duty_sentences(text: str, gazetteer: Gazetteer = GAZETTEER) -> list[tuple[str, list[str]]]:
    """A paragraph cut where a new sentence names a new actor: "A có trách nhiệm …. Yêu cầu B
    …." holds two duties. Sentences without an actor stay with the one before; a paragraph
    with fewer than two actors comes back whole."""
    sentences = _sentences(text.strip())
    pieces: list[tuple[str, list[str]]] = []
    for sentence in sentences:
        actors = sentence_actors(sentence, gazetteer)
        if actors and pieces and pieces[-1][1]:
            pieces.append((sentence, actors))
        elif actors and pieces and not pieces[-1][1]:
            text_so_far, _ = pieces.pop()
            pieces.append((f"{text_so_far} {sentence}".strip(), actors))
        elif pieces:
            pieces[-1] = (f"{pieces[-1][0]} {sentence}", pieces[-1][1])
        else:
            pieces.append((sentence, actors))
    if sum(1 for _, actors in pieces if actors) < 2:
        return [(text, sentence_actors(text, gazetteer))]
    return pieces
