"""Names typed in Latin letters: pinyin or English, whole, split ("Yi Ling") or misspelt
("Qingdoa"), matched against the corpus's gazetteer; and the corpus spelt in pinyin, for the
names no word list holds ("chadianzi" -> 茶店子).
"""

from __future__ import annotations

import re

from qa.language import english
from qa.language.english import ADMIN_WORDS, ENGLISH_STOPWORDS
from qa.retrieval.bridge import Bridge
from qa.retrieval.gazetteer import Gazetteer, NameMatch, pinyin_key

# A Latin word made only of pinyin syllables (a romanised Chinese name, maybe misspelt).
PINYIN_WORD = re.compile(
    r"^(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|uai|ian|iao|uan"
    r"|ai|ei|ao|ou|an|en|er|in|un|ia|ie|iu|ua|uo|ui|ue|a|o|e|i|u|v))+$"
)
# A Latin word; pinyin's apostrophe joins syllables before a, e, o (Pu'an, Xi'an), while an
# English possessive (Dalian's) stays apart.
LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.&]*(?:['’](?=[aeoAEO][a-z])[A-Za-z]+)*")
FUZZY_MIN_SCORE = 80  # OSA similarity (0-100) for a misspelt name: one edit in five letters
FUZZY_MIN_SCORE_LONG = 75  # two edits in eight letters or more ("Jiangsoo")
TRANSCRIPT_CACHE_SIZE = 4096  # words whose places in the pinyin transcript are remembered


class LatinNames:
    def __init__(self, gazetteer: Gazetteer, bridge: Bridge, pinyin_words: dict[str, list[str]],
                 scope_english: frozenset[str] | set[str]):
        self.gazetteer = gazetteer
        self.bridge = bridge
        self.pinyin_words = pinyin_words
        self.scope_english = scope_english  # words naming the whole corpus's place ("China")
        self.transcript: str | None = None  # the corpus in toneless pinyin, if stored
        self.transcript_runs: list[str] = []  # the Chinese runs it spells, in order
        self._transcript_cache: dict[str, tuple[tuple[int, int], ...]] = {}

    def find(self, text: str) -> tuple[list[NameMatch], list[str]]:
        """Names written in Latin letters (pinyin or English, maybe misspelt or split).
        Words are joined into a name only within one run of Latin text."""
        found: list[NameMatch] = []
        leftovers: list[str] = []
        for run in re.findall(r"[A-Za-z][A-Za-z\s'’-]*", text):
            lowered = [re.sub(r"['’]", "", w.lower()) for w in LATIN_WORD.findall(run)]
            i = 0
            while i < len(lowered):
                if lowered[i] in self.scope_english:  # "China" over national reports
                    leftovers.append(lowered[i])
                    i += 1
                    continue
                match, used = self._name_at(lowered, i)
                if match:
                    found.append(match)
                    i += used
                    # "the Three Gorges area": a region word after a name is part of the name
                    if i < len(lowered) and lowered[i] in english.REGION_WORDS:
                        i += 1
                else:
                    leftovers.append(lowered[i])
                    i += 1
        return found, leftovers

    def _name_at(self, words: list[str], i: int) -> tuple[NameMatch | None, int]:
        """The name starting at word i and how many words it spans. An exact spelling of any
        length wins over a fuzzy one, so "Qingdao set" is 青岛 followed by "set", not a
        misspelt 青岛市 (qingdaoshi)."""
        spans = [(size, words[i : i + size]) for size in (3, 2, 1) if i + size <= len(words)]
        spans = [(size, span) for size, span in spans if span[0] not in ENGLISH_STOPWORDS]
        for size, span in spans:
            exact = self.gazetteer.match_latin("".join(span), min_score=100)
            if exact:
                return exact, size
        for size, span in spans:
            joined = "".join(span)
            if size > 2 or (size > 1 and span[-1] in ADMIN_WORDS):
                continue  # "Gansu sheng" must not pass for 江苏省 by fuzzing the suffix
            # Only words that are not English may be a misspelt name ("qingdoa", "Dalien"), and
            # not the exact spelling of another place the dictionary knows ("Wushan" is not Wuhan).
            if all(self.bridge.is_english(w) for w in span) or (size == 1 and len(joined) < 5):
                continue
            fuzzy = self.gazetteer.match_latin(
                joined, min_score=FUZZY_MIN_SCORE_LONG if len(joined) >= 8 else FUZZY_MIN_SCORE
            )
            if fuzzy and joined in self.bridge.name_pinyin and not self._confusable(joined, fuzzy):
                continue  # "Wushan" (巫山) is another place, not a misspelt Wuhan
            if fuzzy:
                return fuzzy, size
        return None, 0

    def _confusable(self, typed: str, match: NameMatch) -> bool:
        """Whether the typed spelling differs from the name's only as pinyin is commonly
        confused (n/ng, z/zh, c/ch, s/sh, l/n: "Xinshan" for Xingshan)."""
        keys = self.gazetteer.by_name.get(match.entity, {}).get("keys", [])
        return any(pinyin_blur(typed) == pinyin_blur(key) for key in keys)

    def unknown(self, leftovers: list[str]) -> list[str]:
        """Romanised or capitalised names that match nothing in the corpus."""
        return [
            w for w in dict.fromkeys(leftovers)
            if len(w) >= 4 and w not in ENGLISH_STOPWORDS and w not in ADMIN_WORDS and w not in english.CALENDAR_WORDS
            and w not in self.bridge.common_pinyin
            and (PINYIN_WORD.match(w) or w in self.bridge.proper)
            and not self.bridge.is_english(w) and not self.bridge.translate(w)
            and w not in self.pinyin_words and not self.in_pinyin_transcript(w)
        ]

    def use_transcript(self, transcript: str | None, runs: list[str]) -> None:
        """The corpus in toneless pinyin, and the Chinese runs it spells (see derive.py)."""
        self.transcript, self.transcript_runs = transcript, runs
        self._transcript_cache.clear()

    def in_pinyin_transcript(self, word: str) -> bool:
        """Whether the corpus spells these syllables somewhere ("chaotianhou" -> 朝天吼)."""
        return bool(self._transcript_matches(word))

    def spelled_in_corpus(self, word: str) -> list[str]:
        """The corpus's Chinese for a pinyin word that no word list holds ("chadianzi" ->
        茶店子): the transcript has one syllable per character, so a match's run and syllable
        offsets point back to the characters."""
        if not self.transcript_runs:
            return []
        found = []
        for at, syllables in self._transcript_matches(word):
            run_start = self.transcript.rfind("|", 0, at) + 1
            run = self.transcript_runs[self.transcript.count("|", 0, at)]
            first = self.transcript.count(" ", run_start, at)
            spelled = run[first : first + syllables]
            if pinyin_key(spelled) == word:  # a character pypinyin cannot read would shift the count
                found.append(spelled)
        return list(dict.fromkeys(found))

    def _transcript_matches(self, word: str) -> tuple[tuple[int, int], ...]:
        """Where the transcript spells the word across three syllables or more: (offset,
        number of syllables) of each place."""
        if self.transcript is None or len(word) < 6:
            return ()
        if word not in self._transcript_cache:
            if len(self._transcript_cache) >= TRANSCRIPT_CACHE_SIZE:
                self._transcript_cache.clear()
            # Letters may be split between syllables anywhere, but the match starts and ends on one.
            pattern = "(?<![a-z])" + " ?".join(map(re.escape, word)) + "(?![a-z])"
            # Two syllables ("fu ling") occur by chance in any long text; three rarely do.
            self._transcript_cache[word] = tuple(
                (m.start(), m.group(0).count(" ") + 1) for m in re.finditer(pattern, self.transcript)
                if m.group(0).count(" ") >= 2)
        return self._transcript_cache[word]


def pinyin_blur(spelling: str) -> str:
    """A spelling with the commonly confused pinyin sounds merged."""
    return re.sub(r"ng", "n", re.sub(r"([zcs])h", r"\1", spelling)).replace("l", "n")


def in_order(text: str, names: list[NameMatch]) -> list[NameMatch]:
    """Names in the order the question gives them (a romanised name may be split: "Yi Ling")."""
    lowered = text.lower()
    unique: dict[str, NameMatch] = {}
    for name in names:
        unique.setdefault(name.entity, name)

    def position(name: NameMatch) -> int:
        pattern = r"\s?".join(map(re.escape, name.typed.lower()))
        match = re.search(pattern, lowered)
        return match.start() if match else len(lowered)

    return sorted(unique.values(), key=position)
