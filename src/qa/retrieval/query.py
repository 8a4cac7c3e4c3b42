"""Question analysis: the question's frame, read the same way for any corpus of reports.

The frame holds what a reader would fill in before looking anything up:

- **kind**: what the answer is — ``amount`` (how much money, how large a total), ``count``
  (how many, with a measure word), ``number`` (a figure of any kind: 多少, "what was the GDP"),
  ``rate`` (a growth rate, a share, a percentage), ``when`` (a year or date), ``person``,
  ``name`` (which place or thing), ``what`` (what was done or decided);
- **stance**: whether the question asks for a target the report sets ("the growth target",
  预期目标) or for what was achieved; None when it does not say;
- **subject**: the Chinese terms for what the question is about, one group per question word
  (GDP -> 国内生产总值 | 地区生产总值, from the glossary, CC-CEDICT and the corpus's own words);
- **places** (the corpus's names, matched exactly, fuzzily or in pinyin) and the places the
  reports never mention; **years** asked about, and reports named by their year;
- the **unit** asked for (多少万人, "in tonnes").

What the wording alone says (kind, stance, unit, what a count counts) is read by
:mod:`qa.retrieval.question_form`; names typed in Latin letters are matched by
:mod:`qa.retrieval.latin_names`; this module puts the frame together and finds its terms.

Everything here reads the data derived at index time (gazetteer, bridge, vocabulary) and the
language data in :mod:`qa.language`; no rule names a place or a figure of any report.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from qa.language import chinese, english
from qa.language import english_unit_words, glossary, units
from qa.language.english import ADMIN_WORDS, ENGLISH_STOPWORDS
from qa.language.timeframe import AskedYears, asked_years, plan_forms
from qa.retrieval.bridge import Bridge, english_forms
from qa.retrieval.gazetteer import ADMIN_SUFFIXES, Gazetteer, NameMatch, admin_level
from qa.retrieval.latin_names import LATIN_WORD, PINYIN_WORD, LatinNames, in_order
from qa.retrieval.question_form import (
    ACCEPTS, FIGURE_KINDS, asked_unit, counted_words, is_frame_word, question_kind, stance,
)
from qa.retrieval.tokenize import search_words, words_with_tags
from qa.text import is_chinese, normalize, normalize_spaces, simplified
from qa.types import Place, QuestionFrame

FRAME_WEIGHT = 0.3  # a term of the question's frame (目标, 增长) helps search, not the subject


@dataclass
class QueryAnalysis:
    question: str  # as asked
    text: str  # normalised: NFKC, simplified characters
    lang: str  # "zh" or "en"
    kind: str  # amount | count | number | rate | when | person | name | what
    stance: str | None = None  # "target" | "outcome" | None
    names: list[NameMatch] = field(default_factory=list)  # known names, in question order
    # Names the corpus never mentions, and abbreviations a Chinese question types in Latin
    # letters that neither the corpus nor the glossary knows.
    unknown_names: list[str] = field(default_factory=list)
    terms: dict[str, float] = field(default_factory=dict)  # Chinese search terms -> weight
    # Alternatives for one question word count once ("GDP" -> 国内生产总值 | 地区生产总值).
    term_groups: list[dict[str, float]] = field(default_factory=list)
    group_weights: list[float] = field(default_factory=list)  # set by the pipeline (idf)
    frame_groups: list[bool] = field(default_factory=list)  # the group is the question's frame
    name_sections: dict[str, set[str]] = field(default_factory=dict)  # set by the pipeline
    years: AskedYears = field(default_factory=lambda: AskedYears([], []))
    unit: str | None = None  # a unit the question asks in (多少万人 -> 人, "in tonnes" -> 吨)
    content_words: int = 0  # subject words in the question (not names, not question frame)
    bridged_words: int = 0  # of those, how many found a Chinese term in the corpus
    typed_terms: list[str] = field(default_factory=list)  # corpus words typed in Chinese or pinyin
    # Chinese terms of the question's English words that the glossary gives (the field's
    # vocabulary, unlike a dictionary gloss, is meant as said).
    glossary_terms: list[str] = field(default_factory=list)
    money: bool = False  # the question asks for a sum of money (多少钱, "how much did it cost")
    yearly: bool = False  # the question asks for one year's figure (每年, "per year"), not a running total
    asks_start: bool = False  # the question asks when something began (从哪一年开始, "since when")
    asks_change: bool = False  # the question asks how much a figure changed (增加了多少, "how much did it rise")
    counted_groups: list[int] = field(default_factory=list)  # term groups naming what a count counts
    counted_unknown: list[str] = field(default_factory=list)  # counted words the corpus has no term for

    @property
    def entities(self) -> list[str]:
        return [n.entity for n in self.names]

    @property
    def asks_figure(self) -> bool:
        return self.kind in FIGURE_KINDS

    @property
    def accepts(self) -> dict[str, float]:
        if self.money and self.kind in ("amount", "number"):
            return {"money": 1.0}
        return ACCEPTS.get(self.kind, {})

    # Normalised spellings, computed once per question: every candidate passage is checked
    # against them.
    @functools.cached_property
    def normal_forms(self) -> list[tuple[str, ...]]:
        """Each name's spellings, normalised, in the order of ``names``."""
        return [tuple(normalize(f) for f in n.forms) for n in self.names]

    @functools.cached_property
    def flat_forms(self) -> list[str]:
        return [form for forms in self.normal_forms for form in forms]

    @functools.cached_property
    def normal_groups(self) -> list[tuple[str, ...]]:
        return [tuple(normalize(t) for t in group) for group in self.term_groups]

    @property
    def term_weights(self) -> list[float]:
        """Each term group's weight: its rarity once the pipeline has set ``group_weights``."""
        return self.group_weights or [1.0] * len(self.term_groups)

    @functools.cached_property
    def subject_groups(self) -> list[tuple[tuple[str, ...], float]]:
        """The subject's term groups (not the frame), normalised, with their weights."""
        weights = self.term_weights
        frame = self.frame_groups or [False] * len(self.term_groups)
        return [(g, w) for g, w, f in zip(self.normal_groups, weights, frame) if not f and w > 0]

    @functools.cached_property
    def tagged_words(self) -> list[tuple[str, str]]:
        return words_with_tags(self.text)

    def frame(self) -> QuestionFrame:
        """The public summary a conversation reads (see qa.types.QuestionFrame)."""
        places = [Place(n.entity, n.typed, admin_level(n.forms)) for n in self.names]
        places += [Place(w, w, None, known=False) for w in self.unknown_names]
        frame = self.frame_groups or [False] * len(self.term_groups)
        return QuestionFrame(
            text=self.text, lang=self.lang, kind=self.kind, places=tuple(places),
            years=tuple(self.years.about), report_years=tuple(self.years.reports),
            subject_terms=sum(1 for is_frame in frame if not is_frame), stance=self.stance,
        )

    def dense_text(self) -> str:
        """The question with its names and subject words added in Chinese, for the encoder."""
        best = [next(iter(group)) for group in self.term_groups if group and next(iter(group.values())) >= 1.0]
        extra = [n.forms[-1] for n in self.names] + best
        extra = [t for t in dict.fromkeys(extra) if t not in self.text]
        addition = " ".join(t for t in extra if not any(t != other and t in other for other in extra))
        return f"{self.text} {addition}".strip()


class QueryAnalyzer:
    def __init__(self, gazetteer: Gazetteer, bridge: Bridge, vocabulary: set[str],
                 pinyin_words: dict[str, list[str]] | None = None):
        self.gazetteer = gazetteer
        self.bridge = bridge
        self.vocabulary = vocabulary
        self.pinyin_words = pinyin_words or {}
        self._glossary = glossary()
        self.latin = LatinNames(gazetteer, bridge, self.pinyin_words, self._glossary.scope_english)

    def to_simplified(self, text: str) -> str:
        return simplified(text)

    def run(self, question: str) -> QueryAnalysis:
        text = simplified(normalize_spaces(question))
        text = re.sub(r"\b(" + "|".join(map(re.escape, english.SHORTHAND)) + r")\b",
                      lambda m: english.SHORTHAND[m.group(1).lower()], text, flags=re.IGNORECASE)
        text = LATIN_WORD.sub(lambda m: self._question_word(m.group(0)), text)
        lang = "zh" if is_chinese(text) else "en"
        analysis = QueryAnalysis(question, text, lang, question_kind(text, lang))
        analysis.stance = stance(text)
        analysis.yearly = bool(re.search(english.ASKS_YEARLY, text.lower()) or re.search(chinese.ASKS_YEARLY, text))
        analysis.asks_start = bool(re.search(english.ASKS_START, text.lower()) or re.search(chinese.ASKS_START, text))
        analysis.asks_change = bool(re.search(english.ASKS_CHANGE, text.lower()) or re.search(chinese.ASKS_CHANGE, text))
        analysis.money = bool(re.search(english.ASKS_MONEY, text.lower()) or re.search(chinese.ASKS_MONEY, text))
        analysis.years = asked_years(text)
        analysis.unit = asked_unit(text)
        chinese_names = [n for n in self.gazetteer.find_chinese(text) if n.entity not in self._glossary.scope_chinese]
        latin_names, leftovers = self.latin.find(text)
        analysis.names = in_order(text, chinese_names + latin_names)
        analysis.unknown_names = self.latin.unknown(leftovers) + self._unknown_chinese(text, analysis)
        self._add_terms(analysis, leftovers)
        return analysis

    def _spelling(self, word: str) -> str:
        """A misspelt English word read as the gloss word meant ("grian" -> grain,
        "unemployement" -> unemployment), so that phrases still match; a pinyin spelling,
        a word that translates or a name the corpus spells stays as typed."""
        if PINYIN_WORD.match(word) or word in self.pinyin_words or self.bridge.translate(word) \
                or self.latin.spelled_in_corpus(word):
            return word
        return self.bridge.correct(word) or word

    def _question_word(self, word: str) -> str:
        """A misspelt question word read as the one meant ("wich" -> which): one edit away
        from exactly one of them, and neither pinyin nor a word the corpus's glosses use
        (the dictionary's rarest senses hold "wich" too)."""
        from rapidfuzz.distance import OSA

        lowered = word.lower()
        if len(lowered) < 4 or lowered in english.QUESTION_WORDS or PINYIN_WORD.match(lowered) \
                or not lowered.isalpha() or lowered in self.bridge.words or lowered in ENGLISH_STOPWORDS:
            return word
        near = [q for q in english.QUESTION_WORDS if OSA.distance(lowered, q, score_cutoff=1) <= 1]
        return near[0] if len(near) == 1 else word

    # -- search terms ---------------------------------------------------------------------

    def _add_terms(self, analysis: QueryAnalysis, leftovers: list[str]) -> None:
        groups: list[tuple[dict[str, float], bool, tuple[str, ...]]] = []  # (terms, is the frame, words)
        has_chinese = bool(re.search(r"[\u4e00-\u9fff]", analysis.text))
        if has_chinese:
            groups += self._chinese_groups(analysis)
        for plan in analysis.years.plans:  # "the Sixth Five-Year Plan": the reports say 六五
            groups.append(({form: 1.0 for form in plan_forms(plan)}, False, ()))
        in_phrase = self._glossary_phrase_words(leftovers)
        content = [w for i, w in enumerate(leftovers) if i in in_phrase or (
                   w not in ENGLISH_STOPWORDS and w not in ADMIN_WORDS
                   and w not in self._glossary.scope_english and not w.isdigit() and len(w) > 1)]
        analysis.content_words += len(content)
        if analysis.lang == "zh":  # 库区去年的GDP: an abbreviation typed in capitals on purpose
            acronyms = {w.lower() for w in re.findall(r"(?<![A-Za-z])[A-Z]{2,}[0-9.]*(?![A-Za-z])", analysis.question)}
            analysis.unknown_names += [w for w in content if w in acronyms and not self._word_terms(w)]
        analysis.typed_terms = [t for group, _frame, _words in groups for t in group] + [
            zh for w in content if w in self.pinyin_words and not self.bridge.is_english(w) for zh in self.pinyin_words[w]]
        content = [self._spelling(w) for w in content]
        at = 0
        bridged: set[int] = set()
        for size, options in self._translated_runs(content):
            if not options and content[at] not in self.pinyin_words:
                spelled = self.latin.spelled_in_corpus(content[at])  # a name the corpus spells (茶店子)
                options = [(zh, 1.0) for zh in spelled]
            words = content[at:at + size]
            if options:
                analysis.bridged_words += size
                bridged.update(range(at, at + size))
                if self._is_glossary_phrase(words):
                    analysis.glossary_terms += [zh for zh, _w in options]
                groups.append((dict(options), all(is_frame_word(w) for w in words), tuple(words)))
            at += size
        # The asked unit's word ("how many households": 户) is understood, as the unit.
        unit_words = english_unit_words()
        analysis.bridged_words += sum(1 for i, w in enumerate(content) if i not in bridged and analysis.unit
                                      and w in unit_words and unit_words[w].chinese == analysis.unit)
        forms = [form for name in analysis.names for form in name.forms]
        kept: list[dict[str, float]] = []
        frame: list[bool] = []
        sources: list[tuple[str, ...]] = []
        for group, is_frame, words in groups:
            group = {t: w for t, w in group.items() if not any(t in form for form in forms)}
            if group and group not in kept:
                kept.append(group)
                frame.append(is_frame or all(t in chinese.FRAME_WORDS for t in group))
                sources.append(words)
        analysis.term_groups, analysis.frame_groups = kept, frame
        self._find_counted(analysis, sources, content)
        terms: dict[str, float] = {}
        for group, is_frame in zip(kept, frame):
            for term, weight in group.items():
                terms[term] = max(terms.get(term, 0.0), weight * (FRAME_WEIGHT if is_frame else 1.0))
        analysis.terms = terms

    def _glossary_phrase_words(self, words: list[str]) -> set[int]:
        """Positions of the words that make a glossary phrase, kept even where one alone is
        a stopword: "consumer prices" is 居民消费价格, "prices" alone says nothing."""
        kept: set[int] = set()
        lowered = [w.lower() for w in words]
        for width in (4, 3, 2):
            for i in range(len(lowered) - width + 1):
                if self._is_glossary_phrase(lowered[i:i + width]):
                    kept.update(range(i, i + width))
        return kept

    def _is_glossary_phrase(self, words: list[str]) -> bool:
        """Whether the words, the last in any of its forms ("prices": price), are a glossary entry."""
        return any(" ".join(words[:-1] + [form]) in self._glossary.english for form in english_forms(words[-1]))

    def _find_counted(self, analysis: QueryAnalysis, sources: list[tuple[str, ...]], content: list[str]) -> None:
        """What a count question counts ("how many schools", 多少家企业): the term groups its
        counted words gave, and the counted words the corpus has no term for."""
        if analysis.kind != "count":
            return
        unit_words = set(english_unit_words()) | {u.chinese for u in units()}
        counted = [w for w in counted_words(analysis.text) if w not in unit_words]  # the unit is asked apart
        if not counted:
            return
        for i, words in enumerate(sources):
            if any(w in counted or any(w in c or c in w for c in counted if not c.isascii()) for w in words):
                analysis.counted_groups.append(i)
        if analysis.counted_groups:
            return
        covered = {w for words in sources for w in words}
        # A misspelt word ("enterprizes") says nothing of what the reports hold.
        analysis.counted_unknown = [w for w in counted if w.isascii() and w in content and w not in covered
                                    and w not in self.pinyin_words and self.bridge.is_english(w)]

    def _chinese_groups(self, analysis: QueryAnalysis) -> list[tuple[dict[str, float], bool, tuple[str, ...]]]:
        """Term groups from the Chinese words of the question: each corpus word (and the
        glossary's other names for it), longest words first so that 国内生产总值 is one
        subject, not 国内 + 生产 + 总值."""
        groups: list[tuple[dict[str, float], bool]] = []
        text = analysis.text
        synonyms = self._glossary.chinese
        covered: list[tuple[int, int]] = []
        glossed: set[str] = set()  # the question's words the glossary gave terms for
        for key in sorted(synonyms, key=len, reverse=True):  # glossary terms first: 赤字率, GDP
            for match in re.finditer(re.escape(key), text, flags=re.IGNORECASE):
                if any(s <= match.start() < e for s, e in covered):
                    continue
                covered.append(match.span())
                glossed.add(match.group(0))
                options = {t: 0.9 for t in synonyms[key]}
                if key in self.vocabulary or key.lower() not in options:
                    options = {key: 1.0, **options} if not key.isascii() else options
                groups.append((options, False, (key,)))
        words = [w for w in search_words(text)]
        seen: set[str] = set()
        for word in sorted(dict.fromkeys(words), key=len, reverse=True):
            at = text.find(word)
            if word in seen or any(s <= at < e for s, e in covered) and at >= 0:
                continue
            if word not in self.vocabulary and not any(word in t for t in self.vocabulary if len(t) > len(word)):
                continue
            if word in self._glossary.scope_chinese:  # 我国 over national reports: no subject
                continue
            # A sub-word of a longer word already taken (生产 inside 生产总值) adds nothing.
            if any(word in longer for longer in seen):
                continue
            seen.add(word)
            analysis.content_words += word not in chinese.FRAME_WORDS
            analysis.bridged_words += word not in chinese.FRAME_WORDS
            groups.append(({word: 1.0}, word in chinese.FRAME_WORDS, (word,)))
        analysis.content_words += len(glossed)
        analysis.bridged_words += len(glossed)
        self._count_unknown_chinese(analysis, seen | glossed | {t for g, _f, _w in groups for t in g})
        return groups

    def _count_unknown_chinese(self, analysis: QueryAnalysis, known: set[str]) -> None:
        """Chinese subject words the corpus never uses (天气 in 明天澄川县天气怎么样)."""
        forms = [form for name in analysis.names for form in name.forms]
        for word, tag in analysis.tagged_words:
            if len(word) < 2 or not tag.startswith(("n", "v", "a")) or not is_chinese(word):
                continue
            if word in known or word in chinese.FRAME_WORDS or any(word in form or form in word for form in forms):
                continue
            if any(word in k for k in known):
                continue
            analysis.content_words += 1

    def _unknown_chinese(self, text: str, analysis: QueryAnalysis) -> list[str]:
        if not re.search(r"[\u4e00-\u9fff]", text):
            return []
        known = {form for n in analysis.names for form in n.forms}
        unknown = []
        for word, tag in analysis.tagged_words:
            is_place = (tag == "ns" and len(word) >= 2) or (len(word) >= 3 and word[-1] in ADMIN_SUFFIXES and tag.startswith("n"))
            if not is_place or word in self.vocabulary or any(word in k or k in word for k in known):
                continue
            unknown.append(word)
        return unknown

    def use_transcript(self, transcript: str | None, runs: list[str]) -> None:
        """The corpus in toneless pinyin, and the Chinese runs it spells (see derive.py)."""
        self.latin.use_transcript(transcript, runs)

    # -- search terms ---------------------------------------------------------------------

    def _word_terms(self, word: str) -> list[tuple[str, float]]:
        """Chinese terms for one English word, or for a corpus word typed in pinyin."""
        return self._translate_at([word], 0)[1]

    def _translated_runs(self, words: list[str]):
        """(words used, Chinese options) for each run of the words, left to right: a phrase
        where one translates as a whole, else one word (see _translate_at)."""
        i = 0
        while i < len(words):
            size, options = self._translate_at(words, i)
            yield size, options
            i += size

    def _translate_at(self, words: list[str], i: int) -> tuple[int, list[tuple[str, float]]]:
        """Chinese terms for the word(s) at i: an English phrase ("middle school" is 中学, not
        中央 + 学校), a single English word, or a pinyin spelling of a corpus word."""
        for width in (4, 3, 2):
            if i + width <= len(words):
                options = self.bridge.translate_phrase(words[i : i + width])
                if options:
                    return width, options
            joined = "".join(words[i : i + width])
            if i + width <= len(words) and joined in self.pinyin_words:
                return width, [(zh, 1.0) for zh in self.pinyin_words[joined]]
        options = self.bridge.translate(words[i])
        if not options and words[i] in self.pinyin_words and not self.bridge.is_english(words[i]):
            options = [(zh, 1.0) for zh in self.pinyin_words[words[i]]]
        return 1, options
