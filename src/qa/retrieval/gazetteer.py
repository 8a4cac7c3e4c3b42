"""Names found in the corpus (places, organisations), with the spellings users type.

Built at index time from the passages alone: jieba tags place and organisation names, and
every section heading is split into the administrative names it is made of
(``山东省青岛市`` -> 山东省, 青岛市). Each name gets its short form (青岛 for 青岛市), its pinyin
(``qingdao``) and the English names a dictionary (CC-CEDICT) gives it. Questions are matched
against these keys with rapidfuzz, so "Qingdoa", "Yi Ling" and 青島 all find 青岛市.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.language.chinese import ADMIN_LEVELS
from qa.types import Passage

ADMIN_SUFFIXES = "省市县区镇乡村州旗盟"
_ADMIN_NAME = re.compile(rf"[\u4e00-\u9fff]{{1,8}}?[{ADMIN_SUFFIXES}]")
_CJK_ONLY = re.compile(r"[\u4e00-\u9fff]+")
NAME_TAGS = {"ns", "nt"}  # jieba: place names, organisations


def short_form(name: str) -> str:
    """青岛市 -> 青岛; names whose stem would be a single character stay whole."""
    if name[-1] in ADMIN_SUFFIXES and len(name) >= 3:
        return name[:-1]
    return name


def admin_level(forms: tuple[str, ...] | list[str]) -> int | None:
    """The administrative level a place's longest spelling states by its suffix (青岛市: 2)."""
    longest = max(forms, key=len, default="")
    for suffix in sorted(ADMIN_LEVELS, key=len, reverse=True):
        if longest.endswith(suffix) and len(longest) > len(suffix):
            return ADMIN_LEVELS[suffix]
    return None


def pinyin_key(chinese: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(chinese)).lower().replace("ü", "v")


_NUMBERING = re.compile(r"^(?:第[一二三四五六七八九十百\d]+[章节部分篇]|[（(]?[一二三四五六七八九十\d]+[）)、.．])\s*")
MAX_BARE_NAME = 4  # a heading this short without an administrative suffix may be a name (湖北, 北京)


def heading_names(heading: str) -> list[str]:
    """The administrative names a heading is made of, outermost first: 山东省青岛市 -> 山东省,
    青岛市; a short heading of Chinese alone (北京) is one name. A heading that is a phrase
    (一、保持经济运行在合理区间) names nothing."""
    heading = _NUMBERING.sub("", heading.strip())
    names = _ADMIN_NAME.findall(heading)
    if names and "".join(names) == heading:
        return names
    if len(heading) <= MAX_BARE_NAME and _CJK_ONLY.fullmatch(heading) and not re.match(r"[一二三四五六七八九十第]", heading):
        return [heading]
    return []


def _is_name(word: str, tag: str, is_common_word) -> bool:
    """A tagged word that names a place or organisation, not a common noun like 城市 or 社区."""
    if len(word) < 2 or not _CJK_ONLY.fullmatch(word):
        return False
    if word[-1] in ADMIN_SUFFIXES:
        # Two characters ending in a suffix (城市, 社区, 省市) are almost always common nouns.
        return len(word) >= 3 and tag.startswith("n") and not is_common_word(word)
    return tag in NAME_TAGS and not is_common_word(word)


def build_gazetteer(
    passages: list[Passage], tagged: list[list[tuple[str, str]]], english_names, is_common_word,
    extra_names: list[str] = (),
) -> dict:
    """JSON-ready gazetteer: one entry per entity (keyed by its short form).

    ``tagged`` holds jieba's (word, tag) pairs for each passage's text; ``english_names``
    maps a Chinese word to the proper names CC-CEDICT gives it; ``is_common_word`` tells a
    word the dictionary glosses only with common (lower-case) English words; ``extra_names``
    are names found outside the passages (document titles and file names).
    """
    found: dict[str, set[str]] = {}

    def add(name: str) -> None:
        if len(name) < 2 or not _CJK_ONLY.fullmatch(name):
            return
        short = short_form(name)
        if short != name and is_common_word(short):
            return  # 经济区, 中心区: a common word with a suffix names a kind of area, no place
        found.setdefault(short, set()).add(name)

    for name in extra_names:  # names in document titles (湖北省政府工作报告)
        add(name)
    for passage in passages:
        for name in heading_names(passage.section or ""):
            add(name)
    for pairs in tagged:
        for word, tag in _joined_place_names(pairs):
            if _is_name(word, tag, is_common_word):
                add(word)
    entities = []
    for short, forms in sorted(found.items()):
        forms = sorted(forms | {short}, key=len)
        keys = {pinyin_key(f) for f in forms}
        english = sorted({e for f in forms for e in english_names(f)})
        keys.update(re.sub(r"[^a-z]", "", e.lower()) for e in english)
        entities.append({"name": short, "forms": forms, "keys": sorted(k for k in keys if len(k) >= 3),
                         "english": english})
    return {"entities": entities}


def _joined_place_names(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """jieba's pairs with a place name it split before a short administrative tail joined
    again (石桥 + 川区 -> 石桥川区): a tail of two characters ending in 区, 县, 市... is no name
    of its own."""
    joined: list[tuple[str, str]] = []
    for word, tag in pairs:
        if (joined and tag == "ns" and joined[-1][1] == "ns" and len(word) <= 2
                and word[-1] in ADMIN_SUFFIXES and len(joined[-1][0]) >= 2):
            joined[-1] = (joined[-1][0] + word, "ns")
        else:
            joined.append((word, tag))
    return joined


@dataclass(frozen=True)
class NameMatch:
    entity: str  # the short form, e.g. 青岛
    forms: tuple[str, ...]  # Chinese spellings, e.g. (青岛, 青岛市)
    typed: str  # what the question said
    score: float  # 100 = exact


class Gazetteer:
    """Runtime look-ups over a built gazetteer."""

    def __init__(self, data: dict):
        self.entities = data.get("entities", [])
        self.by_name = {e["name"]: e for e in self.entities}
        self._by_key: dict[str, list[dict]] = {}
        for entity in self.entities:
            for key in entity["keys"]:
                self._by_key.setdefault(key, []).append(entity)
        self._keys = list(self._by_key)
        # Longest forms first, so 青岛市 is found before 青岛 inside it.
        self._forms = sorted(
            ((form, e) for e in self.entities for form in e["forms"]), key=lambda fe: -len(fe[0])
        )

    def find_chinese(self, text: str) -> list[NameMatch]:
        """Names spelt in Chinese in the text (each entity once, longest spelling wins)."""
        matches: dict[str, NameMatch] = {}
        taken = [False] * len(text)
        for form, entity in self._forms:
            start = text.find(form)
            while start != -1:
                span = range(start, start + len(form))
                if not any(taken[i] for i in span):
                    for i in span:
                        taken[i] = True
                    matches.setdefault(entity["name"], NameMatch(entity["name"], tuple(entity["forms"]), form, 100.0))
                start = text.find(form, start + 1)
        return list(matches.values())

    def match_latin(self, candidate: str, min_score: float) -> NameMatch | None:
        """The entity whose pinyin or English key is closest to a Latin-script candidate."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        if len(candidate) < 3 or not self._keys:
            return None
        hits = self._by_key.get(candidate)
        if hits:
            entity = hits[0]
            return NameMatch(entity["name"], tuple(entity["forms"]), candidate, 100.0)
        # OSA counts a swap of two letters (qingdoa) as one edit.
        best = process.extractOne(candidate, self._keys, scorer=OSA.normalized_similarity)
        if best is None:
            return None
        key, similarity, _ = best
        score = similarity * 100
        if score < min_score or abs(len(key) - len(candidate)) > 2:
            return None
        entity = self._by_key[key][0]
        return NameMatch(entity["name"], tuple(entity["forms"]), candidate, score)
