"""Match the unit names written in a plan to the units the bot knows.

Plans name units the way people talk: "Phòng Nội vụ" for the unit registered as "Phòng NV",
"VP HĐND & UBND huyện" for "Văn phòng HĐND-UBND huyện", "UBND các xã" for every commune.
The matcher compares names without accents, case or punctuation; lets an abbreviation stand
for the words it abbreviates ("NV" = "Nội vụ", "LĐ-TB&XH" = "Lao động - Thương binh và Xã
hội"); tolerates a trailing "huyện"/"tỉnh"; and as a last resort accepts a close spelling.
Group phrases ("UBND các xã", "các cơ quan, đơn vị") expand to every unit of that level.

Names it cannot place are returned as unknown, never dropped, so that the admin can map each
to a unit, create it, or decide to skip it. It knows nothing of the database: callers pass
`KnownUnit` records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from plans.text import fold, fold_words

COMMUNE_KINDS = frozenset(
    {"xa", "phuong", "thi tran", "commune", "ward", "town", "cap xa", "xa phuong", "xa/phuong"}
)
AGENCY_KINDS = frozenset(
    {
        "phong", "ban", "department", "agency", "office", "co quan", "co quan chuyen mon",
        "don vi", "don vi su nghiep", "nganh", "so", "unit", "phong ban",
    }
)

# Long forms are rewritten to the short forms people use, on both sides of a comparison.
_PHRASES: list[tuple[tuple[str, ...], str]] = [
    (("uy", "ban", "nhan", "dan"), "ubnd"),
    (("hoi", "dong", "nhan", "dan"), "hdnd"),
    (("uy", "ban", "mat", "tran", "to", "quoc"), "ubmttq"),
    (("mat", "tran", "to", "quoc"), "mttq"),
    (("van", "phong"), "vp"),
    (("trung", "tam"), "tt"),
    (("thanh", "pho"), "tp"),
    (("viet", "nam"), "vn"),
    (("cong", "thong", "tin", "dien", "tu"), "cttdt"),
    (("trang", "thong", "tin", "dien", "tu"), "ttdt"),
    (("uy", "ban"), "ub"),
]
_FILLER = frozenset({"va", "cua", "cac"})
_LEVEL_WORDS = frozenset({"huyen", "tinh", "tp", "quan", "thi", "thixa"})


def _rewrite(words: list[str]) -> list[str]:
    out: list[str] = []
    index = 0
    while index < len(words):
        for phrase, short in _PHRASES:
            if tuple(words[index : index + len(phrase)]) == phrase:
                out.append(short)
                index += len(phrase)
                break
        else:
            out.append(words[index])
            index += 1
    return out


def name_key(name: str) -> str:
    """Two spellings of one name share this key: case, accents and punctuation aside
    ("Công chức VP – TK" and "công chức VP - TK")."""
    return " ".join(fold_words(name))


def canonical_words(name: str) -> list[str]:
    """"Văn phòng HĐND & UBND huyện" -> ["vp", "hdnd", "ubnd", "huyen"]."""
    return [word for word in _rewrite(fold_words(name)) if word not in _FILLER]


def _without_level(words: list[str]) -> list[str]:
    trimmed = list(words)
    if trimmed[-2:] == ["thi", "xa"]:
        trimmed = trimmed[:-2]
    while trimmed and trimmed[-1] in _LEVEL_WORDS:
        trimmed = trimmed[:-1]
    if len(trimmed) < 2 and trimmed and trimmed[0] in ("ubnd", "hdnd", "ub", "tt", "vp"):
        return words
    return trimmed or words


def _abbreviation_match(short: list[str], long: list[str]) -> bool:
    """True when `short` equals `long` with runs of words replaced by their initials:
    ["phong", "nv"] vs ["phong", "noi", "vu"]."""
    memo: dict[tuple[int, int], bool] = {}

    def walk(i: int, j: int) -> bool:
        if i == len(short):
            return j == len(long)
        if j == len(long):
            return False
        key = (i, j)
        if key in memo:
            return memo[key]
        token = short[i]
        result = token == long[j] and walk(i + 1, j + 1)
        if not result and token.isalpha() and 2 <= len(token) <= 8:
            span = len(token)
            if j + span <= len(long) and all(
                long[j + k][0] == token[k] for k in range(span)
            ):
                result = walk(i + 1, j + span)
        memo[key] = result
        return result

    return walk(0, 0)


def _similarity(plan_words: list[str], known_words: list[str]) -> float:
    if not plan_words or not known_words:
        return 0.0
    if plan_words == known_words:
        return 1.0
    plan_core, known_core = _without_level(plan_words), _without_level(known_words)
    if plan_core == known_core:
        return 0.95
    for short, long in ((plan_words, known_words), (known_words, plan_words)):
        if _abbreviation_match(short, long):
            return 0.92
    for short, long in ((plan_core, known_core), (known_core, plan_core)):
        if _abbreviation_match(short, long):
            return 0.9
    if plan_core[0] != known_core[0]:
        return 0.0
    ratio = SequenceMatcher(None, " ".join(plan_core), " ".join(known_core)).ratio()
    return ratio * 0.9


FUZZY_THRESHOLD = 0.8  # ratio 0.89 and above on the accent-free spelling
SUGGEST_THRESHOLD = 0.55


@dataclass(frozen=True)
class KnownUnit:
    id: int | None
    code: str
    name: str
    aliases: tuple[str, ...] = ()
    parent_code: str | None = None
    kind: str | None = None

    @property
    def is_commune(self) -> bool:
        if self.kind and fold(self.kind) in COMMUNE_KINDS:
            return True
        words = canonical_words(self.name)
        return bool(words) and (
            words[0] in ("xa", "phuong")
            or words[:2] == ["thi", "tran"]
            or (words[0] in ("ubnd", "ub") and len(words) > 1 and words[1] in ("xa", "phuong", "thi"))
        )

    @property
    def is_agency(self) -> bool:
        if self.is_commune:
            return False
        if self.kind:
            return fold(self.kind) in AGENCY_KINDS
        return self.parent_code is not None


@dataclass(frozen=True)
class UnitMatch:
    name: str  # as written in the plan
    units: tuple[KnownUnit, ...]
    method: str  # code | name | alias | group | mapping | ignored
    score: float = 1.0


@dataclass
class MatchResult:
    matches: dict[str, UnitMatch] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    suggestions: dict[str, list[KnownUnit]] = field(default_factory=dict)

    def units_for(self, name: str) -> tuple[KnownUnit, ...]:
        found = self.matches.get(name)
        if found is None:
            key = name_key(name)
            found = next((m for n, m in self.matches.items() if name_key(n) == key), None)
        return found.units if found else ()

    def is_known(self, name: str) -> bool:
        key = name_key(name)
        return any(name_key(n) == key for n in self.matches)


_COMMUNE_GROUP = re.compile(
    r"^(?:ubnd |ub |chu tich ubnd )?(?:cac )?(?:cap xa|dia phuong|(?:xa|phuong|thi tran)"
    r"(?: (?:xa|phuong|thi tran))*)$"
)
_AGENCY_GROUP = re.compile(
    r"^cac (?:co quan(?: don vi)?(?: chuyen mon)?(?: truc thuoc(?: ubnd)?(?: huyen| tinh)?)?"
    r"|phong(?: ban)?(?: nganh)?(?: chuyen mon)?(?: truc thuoc)?(?: huyen)?"
    r"|so(?: ban)?(?: nganh)?|ban nganh(?: doan the)?|don vi truc thuoc)$"
)
_EVERYONE_GROUP = re.compile(r"^cac co quan don vi dia phuong$|^cac co quan don vi ubnd (?:cac )?xa")


def _group_words(name: str) -> str:
    # Group phrases keep "các": it is what makes "UBND các xã" a group.
    return " ".join(word for word in _rewrite(fold_words(name)) if word not in ("va", "cua"))


class UnitMatcher:
    def __init__(
        self,
        units: Iterable[KnownUnit],
        mappings: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        """mappings: plan name -> unit codes the admin chose for it; an empty list means
        "skip this name"."""
        self.units = list(units)
        self._by_code = {unit.code.upper(): unit for unit in self.units}
        self._forms: list[tuple[KnownUnit, list[str], str]] = []
        for unit in self.units:
            self._forms.append((unit, canonical_words(unit.name), "name"))
            for alias in unit.aliases:
                self._forms.append((unit, canonical_words(alias), "alias"))
        self._mappings = {
            name_key(name): list(codes) for name, codes in (mappings or {}).items()
        }

    def match(self, name: str) -> UnitMatch | None:
        key = name_key(name)
        if key in self._mappings:
            codes = self._mappings[key]
            units = tuple(self._by_code[c.upper()] for c in codes if c.upper() in self._by_code)
            return UnitMatch(name, units, "mapping" if units else "ignored")
        code = re.sub(r"\s+", "", name).upper()
        if code in self._by_code:
            return UnitMatch(name, (self._by_code[code],), "code")
        group = self._group(name)
        if group is not None:
            return group
        best: tuple[float, KnownUnit, str] | None = None
        rivals: set[str] = set()
        words = canonical_words(name)
        for unit, form, how in self._forms:
            score = _similarity(words, form)
            if best is None or score > best[0] + 1e-9:
                best = (score, unit, how)
                rivals = {unit.code}
            elif abs(score - best[0]) <= 1e-9:
                rivals.add(unit.code)
        if best is None or best[0] < FUZZY_THRESHOLD or len(rivals) > 1:
            return None
        return UnitMatch(name, (best[1],), best[2], round(best[0], 3))

    def suggestions(self, name: str, limit: int = 3) -> list[KnownUnit]:
        words = canonical_words(name)
        scored: dict[str, tuple[float, KnownUnit]] = {}
        for unit, form, _ in self._forms:
            score = _similarity(words, form)
            if score >= SUGGEST_THRESHOLD and score > scored.get(unit.code, (0.0, unit))[0]:
                scored[unit.code] = (score, unit)
        ranked = sorted(scored.values(), key=lambda pair: -pair[0])
        return [unit for _, unit in ranked[:limit]]

    def _group(self, name: str) -> UnitMatch | None:
        words = _group_words(name)
        if _COMMUNE_GROUP.match(words) and words not in ("xa", "phuong", "thi tran"):
            members = tuple(unit for unit in self.units if unit.is_commune)
        elif _AGENCY_GROUP.match(words):
            members = tuple(unit for unit in self.units if unit.is_agency)
        elif _EVERYONE_GROUP.match(words):
            members = tuple(unit for unit in self.units if unit.is_agency or unit.is_commune)
        else:
            return None
        return UnitMatch(name, members, "group") if members else None

    def match_all(self, names: Iterable[str]) -> MatchResult:
        result = MatchResult()
        seen: set[str] = set()
        for name in names:
            key = name_key(name)
            if not key or key in seen:
                continue
            seen.add(key)
            found = self.match(name)
            if found is None:
                result.unknown.append(name)
                hints = self.suggestions(name)
                if hints:
                    result.suggestions[name] = hints
            else:
                result.matches[name] = found
        return result


def match_units(
    names: Iterable[str],
    units: Iterable[KnownUnit],
    mappings: Mapping[str, Sequence[str]] | None = None,
) -> MatchResult:
    return UnitMatcher(units, mappings).match_all(names)
