"""Question analysis: language, names, Chinese search terms, and what kind of answer is asked.

Everything here reads the data derived at index time (gazetteer, bridge, vocabulary); no
rule names a place or a figure of any particular report.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass, field

from qa.activities import asked_activities, asked_milestones
from qa.language import chinese, english
from qa.language.english import (ADMIN_WORDS, ENGLISH_STOPWORDS, MONEY_WORDS, NAME_HEADS, NUMERALS,
                                  PEOPLE_NOUNS, PERSON_ROLES, PERSON_VERBS, PLACE_KINDS, QUANTITY_FRAME, QUANTITY_NOUNS)
from qa.retrieval.bridge import Bridge, english_forms
from qa.retrieval.gazetteer import ADMIN_SUFFIXES, Gazetteer, NameMatch, pinyin_key
from qa.retrieval.tokenize import is_noun, search_words, words_with_tags
from qa.text import is_chinese, normalize, normalize_spaces
from qa.units import COUNT_UNITS, DIMENSION_UNITS, ENGLISH_UNITS, GROUP_NOUNS, LONGEST_FIRST

# A Latin word made only of pinyin syllables (a romanised Chinese name, maybe misspelt).
_PINYIN = re.compile(
    r"^(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|uai|ian|iao|uan"
    r"|ai|ei|ao|ou|an|en|er|in|un|ia|ie|iu|ua|uo|ui|ue|a|o|e|i|u|v))+$"
)
# A Latin word; pinyin's apostrophe joins syllables before a, e, o (Pu'an, Xi'an), while an
# English possessive (Dalian's) stays apart.
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’](?=[aeoAEO][a-z])[A-Za-z]+)*")
FUZZY_MIN_SCORE = 80  # OSA similarity (0-100) for a misspelt name: one edit in five letters
FUZZY_MIN_SCORE_LONG = 75  # two edits in eight letters or more ("Jiangsoo")
ASKS_SEVERAL = re.compile(f"{english.ASKS_SEVERAL}|{chinese.ASKS_SEVERAL}")
ASKS_TOTAL = re.compile(f"{english.ASKS_TOTAL}|{chinese.ASKS_TOTAL}")
TRANSCRIPT_CACHE_SIZE = 4096  # words whose places in the pinyin transcript are remembered
_NUMBERED_SCHOOL = re.compile(rf"\b(?:no\.?|number) ?({'|'.join(NUMERALS)}) (middle|high|secondary|primary) school\b")


@dataclass
class QueryAnalysis:
    question: str  # as asked
    text: str  # normalised: NFKC, simplified characters
    lang: str  # "zh" or "en"
    qtype: str  # amount | count | year | name | other
    names: list[NameMatch] = field(default_factory=list)  # known names, in question order
    # Names the corpus never mentions, and terms a Chinese question types in Latin letters (GDP)
    # that it never uses.
    unknown_names: list[str] = field(default_factory=list)
    terms: dict[str, float] = field(default_factory=dict)  # Chinese search terms -> weight
    # Alternatives for one question word count once ("build" -> 建设 | 建成 | 搭建).
    term_groups: list[dict[str, float]] = field(default_factory=list)
    group_weights: list[float] = field(default_factory=list)  # set by the pipeline (idf)
    name_sections: dict[str, set[str]] = field(default_factory=dict)  # set by the pipeline
    unit: str | None = None  # the counting unit a Chinese question asks for (多少名 -> 名)
    counted_known: bool = True  # what "how many" counts is something the corpus talks about
    counted_required: list[str] = field(default_factory=list)  # all must be in the answer
    # Rare nouns of a Chinese figure question (二水厂's 水厂): the answering sentence must hold
    # them, or a donor's total would answer what one project cost. Set by the pipeline.
    topic_nouns: list[str] = field(default_factory=list)
    # Corpus words an English question gives exactly: typed in Chinese (新能源) or in pinyin
    # (mihoutao -> 猕猴桃). Unlike translations, they say precisely what is asked about.
    typed_terms: list[str] = field(default_factory=list)
    # Corpus text an English question spells in pinyin that no word list holds (茶店子).
    spelled_things: list[str] = field(default_factory=list)
    # Chinese words for what a "how many" / "how much" question counts or measures (学校 for
    # "how many schools"); an answering sentence must hold one. Empty: units, money, unknown.
    # For "which hospital" questions, what kind of thing is asked for (医院).
    counted_terms: list[str] = field(default_factory=list)
    # For "what is the building called": the last character of names of that kind (楼).
    kind_heads: list[str] = field(default_factory=list)
    place_suffix: str | None = None  # "which county" asks for a name ending in 县
    # "Besides the welfare home, what else": Chinese terms for what the answer is not.
    excluded_terms: list[str] = field(default_factory=list)
    asks_total = False  # "in total", 一共: a running total (累计, 共计) answers best
    # Years a figure question is limited to ("in 2016 alone", 2023年…多少): a running total
    # since 1992 does not answer them. "Since 2016" / 2016年以来 is not a limit.
    period_years: list[str] = field(default_factory=list)
    asks_several = False  # "which towns", 哪些: a sentence listing several answers best
    asks_person = False  # "the name of the official who…", "who was the mayor": a person's name
    asks_designation = False  # "what is it called", 叫什么: a name, quoted or of the asked kind
    asks_future = False  # "how much will X give next year", 明年: only a stated plan answers
    asks_reason = False  # "why", 为什么: only a sentence stating a reason or purpose answers
    asks_per_unit = False  # "per household", 每户, "on average": only a figure per unit answers
    asks_single = False  # "the most recent fair alone", 单年: a running total does not answer
    asks_per_year = False  # "each year", 每年: only a figure stated per year (年产, 每年) answers
    asks_part = False  # "of the 38 cadres, how many…": only a part singled out (其中) answers
    # What people are counted for (trained, sent…) and which milestone a "when" question asks
    # about (work began, work finished), read once (qa.activities).
    activities: set[str] = field(default_factory=set)
    milestones: set[str] = field(default_factory=set)
    asks_start = False  # "since when", "when did X start": the first year of a period answers
    # "How many patients were treated": people the reports count only by the activity (诊疗).
    counted_by_activity = False
    # "How much revenue": the question asks for output, sales or income, not money given.
    asks_outcome: bool = False
    content_words: int = 0  # topic words in the question (not names, not question frame)
    bridged_words: int = 0  # of those, how many found a Chinese term in the corpus

    @property
    def entities(self) -> list[str]:
        return [n.entity for n in self.names]

    # Normalised spellings, computed once per question: every candidate passage is checked
    # against them, and re-normalising per passage was a good part of the re-scoring time.
    @functools.cached_property
    def normal_forms(self) -> list[tuple[str, ...]]:
        """Each name's spellings, normalised, in the order of ``names``."""
        return [tuple(normalize(f) for f in n.forms) for n in self.names]

    @functools.cached_property
    def flat_forms(self) -> list[str]:
        """Every normalised spelling of every name, in one list."""
        return [form for forms in self.normal_forms for form in forms]

    @functools.cached_property
    def normal_groups(self) -> list[tuple[str, ...]]:
        """Each term group's terms, normalised, in the order of ``term_groups``."""
        return [tuple(normalize(t) for t in group) for group in self.term_groups]

    @functools.cached_property
    def tagged_words(self) -> list[tuple[str, str]]:
        """jieba's (word, part-of-speech) pairs for the question, tagged once: the analysis
        and the pipeline both read them."""
        return words_with_tags(self.text)

    def dense_text(self) -> str:
        """The question with its names and topic words added in Chinese, for the encoder."""
        # One term per question word (its best translation): the alternatives ("build" ->
        # 建设 | 建成 | 搭建) add encoder time, not meaning; lexical search still uses them all.
        best = [next(iter(group)) for group in self.term_groups if group and next(iter(group.values())) >= 1.0]
        extra = [n.forms[-1] for n in self.names] + best
        extra = [t for t in dict.fromkeys(extra) if t not in self.text]
        # A term inside another added term (园区 in 工业园区) adds nothing but encoder time.
        addition = " ".join(t for t in extra if not any(t != other and t in other for other in extra))
        return f"{self.text} {addition}".strip()


class QueryAnalyzer:
    def __init__(self, gazetteer: Gazetteer, bridge: Bridge, vocabulary: set[str],
                 pinyin_words: dict[str, list[str]] | None = None):
        self.gazetteer = gazetteer
        self.bridge = bridge
        self.vocabulary = vocabulary
        self.pinyin_words = pinyin_words or {}
        self.transcript: str | None = None  # the corpus in toneless pinyin, if stored
        self.transcript_runs: list[str] = []  # the Chinese runs it spells, in order
        # word -> (offset, syllables) of each place the transcript spells it: a word is looked
        # up for unknown names and again for topic terms, and each lookup scans the corpus.
        self._transcript_cache: dict[str, tuple[tuple[int, int], ...]] = {}
        self._converter = None
        self._lock = threading.Lock()

    def to_simplified(self, text: str) -> str:
        with self._lock:
            if self._converter is None:
                from opencc import OpenCC

                self._converter = OpenCC("t2s")
        return self._converter.convert(text)

    def run(self, question: str) -> QueryAnalysis:
        text = self.to_simplified(normalize_spaces(question))
        text = re.sub(r"\b(" + "|".join(english.SHORTHAND) + r")\b", lambda m: english.SHORTHAND[m.group(1)], text)
        lang = "zh" if is_chinese(text) else "en"
        analysis = QueryAnalysis(question, text, lang, self._question_type(text, lang))
        analysis.unit = _asked_unit(text) if analysis.qtype == "count" else None
        chinese_names = self.gazetteer.find_chinese(text)
        latin_names, leftovers = self._latin_names(text)
        analysis.names = _in_order(text, chinese_names + latin_names)
        analysis.unknown_names = self._unknown_latin(text, leftovers) + self._unknown_chinese(text, analysis)
        self._add_terms(analysis, leftovers)
        analysis.excluded_terms = self._excluded(text)
        analysis.asks_total = bool(ASKS_TOTAL.search(text.lower()))
        analysis.asks_future = _asks(text, english.ASKS_FUTURE, chinese.ASKS_FUTURE)
        analysis.asks_reason = _asks(text, english.ASKS_REASON, chinese.ASKS_REASON)
        analysis.asks_per_unit = _asks(text, english.ASKS_PER_UNIT, chinese.ASKS_PER_UNIT)
        analysis.asks_single = _asks(text, english.ASKS_SINGLE, chinese.ASKS_SINGLE)
        analysis.asks_per_year = _asks(text, english.ASKS_PER_YEAR, chinese.ASKS_PER_YEAR)
        analysis.asks_part = _asks(text, english.ASKS_PART, chinese.ASKS_PART)
        analysis.asks_start = _asks(text, english.ASKS_START, chinese.ASKS_START)
        analysis.activities, analysis.milestones = asked_activities(text), asked_milestones(text)
        if analysis.qtype in ("amount", "count"):
            analysis.period_years = _period_years(text)
        if analysis.qtype == "count":
            self._check_counted(analysis)
        if analysis.qtype == "amount":
            self._check_measured(analysis)
            analysis.asks_outcome = _asks_outcome(analysis)
        if analysis.qtype == "name":
            analysis.place_suffix = _asked_place_kind(text)
            self._check_named(analysis)
            analysis.asks_several = bool(ASKS_SEVERAL.search(text.lower()))
        return analysis

    # -- question type --------------------------------------------------------------------

    @staticmethod
    def _question_type(text: str, lang: str) -> str:
        lowered = text.lower()
        patterns = chinese.QUESTION_TYPES if lang == "zh" else english.QUESTION_TYPES
        for qtype, pattern in patterns:
            if re.search(pattern, lowered):
                return qtype
        # Mixed questions: a Chinese question word in an English sentence, and the reverse.
        other = english.QUESTION_TYPES if lang == "zh" else chinese.QUESTION_TYPES
        for qtype, pattern in other:
            if re.search(pattern, lowered):
                return qtype
        return "other"

    # -- names ----------------------------------------------------------------------------

    def _latin_names(self, text: str) -> tuple[list[NameMatch], list[str]]:
        """Names written in Latin letters (pinyin or English, maybe misspelt or split).
        Words are joined into a name only within one run of Latin text."""
        found: list[NameMatch] = []
        leftovers: list[str] = []
        for run in re.findall(r"[A-Za-z][A-Za-z\s'’-]*", text):
            lowered = [re.sub(r"['’]", "", w.lower()) for w in _LATIN_WORD.findall(run)]
            i = 0
            while i < len(lowered):
                match, used = self._name_at(lowered, i)
                if match:
                    found.append(match)
                    i += used
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
        return any(_pinyin_blur(typed) == _pinyin_blur(key) for key in keys)

    def _unknown_latin(self, text: str, leftovers: list[str]) -> list[str]:
        """Romanised or capitalised names that match nothing in the corpus."""
        return [
            w for w in dict.fromkeys(leftovers)
            if len(w) >= 4 and w not in ENGLISH_STOPWORDS and w not in ADMIN_WORDS
            and w not in self.bridge.common_pinyin
            and (_PINYIN.match(w) or w in self.bridge.proper)
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

    # -- search terms ---------------------------------------------------------------------

    def _add_terms(self, analysis: QueryAnalysis, leftovers: list[str]) -> None:
        groups: list[dict[str, float]] = []
        chinese = "".join(re.findall(r"[\u4e00-\u9fff]+", analysis.text))
        for word in search_words(analysis.text) if chinese else []:
            if word in self.vocabulary:
                groups.append({word: 1.0})
        leftovers = self._numbered_schools(analysis.text, leftovers, groups)
        # An administrative level ("county", "sheng") is part of a name or of the question's
        # frame ("which county"), never its topic: 县城 (county town) would only add noise.
        content = [w for w in leftovers if w not in ENGLISH_STOPWORDS and w not in ADMIN_WORDS and len(w) > 1]
        if analysis.qtype == "year":  # "since when": the frame of the question, not its topic (以来)
            content = [w for w in content if w != "since"]
        analysis.content_words = len(content)
        if chinese:
            self._count_chinese_content(analysis)
        if analysis.lang == "zh":  # 库区去年的GDP: an abbreviation typed in capitals on purpose
            acronyms = {w.lower() for w in re.findall(r"(?<![A-Za-z])[A-Z]{2,}(?![A-Za-z])", analysis.question)}
            analysis.unknown_names += [w for w in content if w in acronyms and not self._word_terms(w)]
        analysis.typed_terms = [g for group in groups for g in group] + [
            zh for w in content if w in self.pinyin_words and not self.bridge.is_english(w) for zh in self.pinyin_words[w]]
        at = 0
        for size, options in self._translated_runs(content):
            if not options and content[at] not in self.pinyin_words:
                # "the Chadianzi water project": a name the corpus spells (茶店子) but no list holds
                spelled = self.spelled_in_corpus(content[at])
                analysis.spelled_things += spelled
                options = [(zh, 1.0) for zh in spelled]
            if options:
                analysis.bridged_words += size
                groups.append(dict(options))
            at += size
        forms = [form for name in analysis.names for form in name.forms]
        kept = []
        for group in groups:
            group = {t: w for t, w in group.items() if not any(t in form for form in forms)}
            if group and group not in kept:  # "building ... build": one topic, counted once
                kept.append(group)
        analysis.term_groups = kept
        terms: dict[str, float] = {}
        for group in kept:
            for term, weight in group.items():
                terms[term] = max(terms.get(term, 0.0), weight)
        analysis.terms = terms

    def _numbered_schools(self, text: str, leftovers: list[str], groups: list[dict[str, float]]) -> list[str]:
        """"No. 1 Middle School" is 一中 (or 第一中学) in Chinese names, not 中学 alone: adds the
        term and returns the leftover words without the school's."""
        used: list[str] = []
        for number, kind in _NUMBERED_SCHOOL.findall(text.lower()):
            numeral = NUMERALS[number]
            # Both spellings, in the corpus's words or not: jieba splits 第二中学 in two.
            terms = (f"{numeral}小", f"第{numeral}小学") if kind == "primary" else (f"{numeral}中", f"第{numeral}中学")
            groups.append(dict.fromkeys(terms, 1.0))
            used += [kind, "school"]
        remaining = list(leftovers)
        for word in used:
            if word in remaining:
                remaining.remove(word)
        return remaining

    def _count_chinese_content(self, analysis: QueryAnalysis) -> None:
        """Chinese topic words (nouns, verbs, adjectives; not names) and how many the corpus
        uses: 天气 in 明天澄川县天气怎么样 is a topic the reports never speak of."""
        forms = [form for name in analysis.names for form in name.forms]
        for word, tag in analysis.tagged_words:
            if len(word) < 2 or not tag.startswith(("n", "v", "a")) or not is_chinese(word):
                continue
            if any(word in form or form in word for form in forms):
                continue
            analysis.content_words += 1
            analysis.bridged_words += word in self.vocabulary

    def _excluded(self, text: str) -> list[str]:
        """What a "besides X, what else" question already knows (除了福利院还…): the answer
        is some other thing, so a sentence naming only X does not answer it."""
        chinese = re.search(r"除(?:了)?([\u4e00-\u9fff]{2,12}?)(?:以外|之外|外)?[,，]?(?:还|另外|也)", text)
        if chinese:
            return [w for w in search_words(chinese.group(1)) if w in self.vocabulary]
        english = re.search(r"\b(?:besides|apart from|other than|in addition to|aside from|except(?: for)?)"
                            r"\s+((?:[a-z'-]+\s?){1,4})", text.lower())
        if not english:
            return []
        words = []
        for word in english.group(1).split():
            if word in ("what", "which", "who", "how", "did", "does", "do", "has", "have"):
                break
            if word not in ENGLISH_STOPWORDS and not self.gazetteer.match_latin(word, 100):
                words.append(word)
        # Phrases first: "welfare home" is 福利院, not 福利 + 故里.
        return [zh for _size, options in self._translated_runs(words) for zh, _weight in options]

    def _check_counted(self, analysis: QueryAnalysis) -> None:
        """Find what a "how many" question counts; note when the corpus never names it."""
        text = analysis.text.lower()
        # "how many of the 214 schools": what is counted follows the total the question gives
        english = _words_after(r"(?:how many|number of)(?: of(?: the| these| those| its| their)?(?: [\d,.]+)?)?", text)
        if english is None:  # typed in pinyin: "you duoshao yimin", "jige xuexiao"
            english = _words_after(r"(?:duo ?shao|ji)(?: ?(?:ge|ming|jia|suo|xiang|pi))?", text)
        measured = re.search(rf"\bhow many ({'|'.join(GROUP_NOUNS)}) of ((?:[a-z'-]+ ?){{1,4}})", text)
        if measured:  # "how many batches of experts": counted in 批, and what is counted is experts
            analysis.unit = analysis.unit or GROUP_NOUNS[measured.group(1)]
            english = [w for w in _words_after("of", "of " + measured.group(2)) or []]
        if english is not None:
            words = _up_to_last_plural(english)
            units = [ENGLISH_UNITS.get(w) or GROUP_NOUNS.get(w) for w in words]
            analysis.unit = analysis.unit or next((u for u in units if u), None)
            analysis.counted_known = not words or any(units) or any(
                self._word_terms(w) or self.gazetteer.match_latin(w, 100) for w in words)
            if not analysis.counted_known and words[-1] in PEOPLE_NOUNS and analysis.activities:
                # "how many patients were treated": people counted by what was done for them
                analysis.counted_known, analysis.unit, analysis.counted_by_activity = True, "人", True
                return
            if not analysis.unit and words and any(f in PERSON_ROLES for f in english_forms(words[-1])):
                analysis.unit = "人"  # "how many experts": people, not 14批 teams of them
            if not any(units):  # "how many tonnes", "sent how many batches": the unit is all
                analysis.counted_terms = self._translations(words)
                before = re.search(r"([a-z]+s) how many\b", text)
                if before and not any(is_noun(t) for t in analysis.counted_terms):
                    # "beijing badong cadres how many sent": what is counted comes first
                    analysis.counted_terms = self._translations([before.group(1)])
            return
        chinese = re.search(r"(?:多少|几)([\u4e00-\u9fff]{1,6})", text)
        if chinese:
            tagged = [(w, t) for w, t in words_with_tags(chinese.group(1)) if w not in COUNT_UNITS]
            # The first noun after the question word (past a counting unit) is what is counted.
            for word, tag in tagged[:1]:
                if len(word) >= 2 and tag.startswith("n"):
                    analysis.counted_known = word in self.vocabulary or any(
                        word in form for n in analysis.names for form in n.forms)
                elif tag == "m" and _unknown_unit(word):
                    analysis.counted_known = False  # 多少万千瓦: a unit the reports never measure in
            analysis.counted_terms = [w for w in search_words(chinese.group(1)) if w in self.vocabulary]
            analysis.counted_required = self._counted_phrase(tagged)
        else:
            self._check_quantity_asked(analysis)

    def _counted_phrase(self, tagged: list[tuple[str, str]]) -> list[str]:
        """The words of what a Chinese question counts that its answer must also name:
        the head noun and its modifiers (多少名挂职干部 -> 挂职, 干部: 950名干部 trained is not
        an answer). Verbal nouns (援助项目) are worded too many ways to be required."""
        phrase = []
        for i, (word, tag) in enumerate(tagged):
            if not tag.startswith(("n", "v", "b")):
                break
            phrase.append((word, tag))
            if tag.startswith("n") and (i + 1 == len(tagged) or not tagged[i + 1][1].startswith("n")):
                break
        if not any(tag.startswith("n") for _, tag in phrase):
            return []
        return [w for w, tag in phrase if len(w) >= 2 and tag != "vn" and w in self.vocabulary]

    def _check_quantity_asked(self, analysis: QueryAnalysis) -> None:
        """"What is the installed capacity of ...": a quantity named by a noun; the answering
        figure must stand next to it, and a quantity the corpus never names is not known."""
        match = re.search(r"\b" + QUANTITY_FRAME + r"((?:[a-z-]+ ){0,3}(?:" + "|".join(QUANTITY_NOUNS) + r"))\b",
                          analysis.text.lower())
        if not match:
            self._check_chinese_quantity(analysis)
            return
        words = [w for w in match.group(1).split() if w not in ENGLISH_STOPWORDS]
        analysis.counted_terms = self._translations(words)
        analysis.counted_known = bool(analysis.counted_terms)

    def _check_chinese_quantity(self, analysis: QueryAnalysis) -> None:
        """"年均降雨量是多少": the noun before 是多少 names the quantity; one the corpus never
        uses cannot be answered by some other count."""
        match = re.search(r"([\u4e00-\u9fff]{2,8}?)(?:是|有|为|达到?)多少[?？]?$", analysis.text)
        if not match:
            return
        nouns = [w for w, tag in words_with_tags(match.group(1)) if tag.startswith("n") and len(w) >= 2]
        if nouns:
            analysis.counted_terms = [w for w in nouns if w in self.vocabulary]
            analysis.counted_known = bool(analysis.counted_terms)

    def _check_measured(self, analysis: QueryAnalysis) -> None:
        """"How much electricity": a money figure answers only next to what is measured.
        Money itself ("how much free aid") needs nothing more."""
        words = [w for w in _words_after(r"how much", analysis.text.lower()) or []
                 if not self.gazetteer.match_latin(w, 100)]  # "how much shanghai gave": no measure
        if not words or any(w in MONEY_WORDS for w in words):
            return  # "how much money and materials": money is asked for
        analysis.counted_terms = self._translations(words)
        analysis.counted_known = bool(analysis.counted_terms)

    def _check_named(self, analysis: QueryAnalysis) -> None:
        """"Which hospital", 哪所学校: the kind of thing whose name answers the question."""
        text = analysis.text.lower()
        analysis.asks_designation = bool(re.search(english.ASKS_NAME, text) or re.search(chinese.ASKS_NAME, text))
        # "who runs the park", 董事长是谁, "who was the 北京市长": a person, whatever kind is named
        analysis.asks_person = bool(re.search(PERSON_VERBS, text) or (
            re.search(r"谁|哪位|\bwho\b", text) and re.search(chinese.PERSON_TITLES, text)))
        frame = re.findall(r"\b(?:called|named|names?)\b", text)
        if frame:  # the frame, not the topic: not 号召 (a slogan's 口号 is the topic)
            _drop_terms(analysis, set(self._translations(frame)))
        asked = _words_after(r"(?:which|what)(?: (?:kind|type|sort)s? of)?(?: \d+)?", text)  # "which 4 cities"
        named = re.search(r"\bnames? (?:(?:one|some|two|three|a few|any|all) )?of (?:the |a |an |its |their )?"
                          r"(?:\d+ )?((?:[a-z-]+ ?){1,3})|\bthe ([a-z-]+) (?:is |was )?called\b", text)
        if named and (not asked or asked[0] in ("is", "was")):
            # "what's the name of the road": a road; "the name of the Beijing official": an official
            asked = self._head_before_names(named.group(1)) if named.group(1) else [named.group(2)]
        elif role := re.match(r"who (?:is|was|are|were) (?:the |its |their )?((?:[a-z-]+ ?){1,4})", text):
            # "who was the mayor of Dalian": a mayor; "who was the first Beijing cadre": a cadre
            words = role.group(1).split()
            asked = [next((w for w in words if any(f in PERSON_ROLES for f in english_forms(w))), words[0])]
        elif re.search(r"\b(?:called|named)\b", text) and (not asked or asked[0] in ("is", "was")):
            # "Beijing put up a building at …. What is it called?": the kind was named before.
            asked = [w for w in re.findall(r"[a-z]+", text) if any(f in NAME_HEADS for f in english_forms(w))][:1]
        if asked:
            # A term that another question word also gives ("building" and "build": 建设)
            # does not tell what kind of thing is asked for.
            kind_words = [w for w in asked if w not in ADMIN_WORDS]
            translated = self._translations(kind_words)
            kinds = [t for t in translated if is_noun(t)]
            if frame:  # "what is the building called": a building, not 建设 (build)
                _drop_terms(analysis, {t for t in translated if t not in kinds})
            others = self._translations([w for w in re.findall(r"[a-z]+", text) if w not in asked])
            analysis.counted_terms = [t for t in kinds if t not in others]
            analysis.asks_person |= any(f in PERSON_ROLES for w in kind_words for f in english_forms(w))
            analysis.kind_heads = list(dict.fromkeys(
                head for w in kind_words for form in english_forms(w) for head in NAME_HEADS.get(form, "").split()))
            return
        kind = re.search(r"(?:哪[个些家所座项一]?|什么)([\u4e00-\u9fff]{1,6})", text)
        if kind:
            analysis.counted_terms = [w for w in search_words(kind.group(1)) if w in self.vocabulary]
        who = re.search(r"([\u4e00-\u9fff]{2,8}?)(?:是谁|是哪位|叫什么名字)", text)
        if who:  # 县委书记是谁: a person the reports would name by that title
            head, tag = words_with_tags(who.group(1))[-1]  # the title: 书记, not 参观 before 的活动
            if tag == "n" and len(head) >= 2 and head not in self.vocabulary:
                analysis.counted_known = False
        called = re.search(r"([\u4e00-\u9fff]{2,4}?)(?:的名字|的名称)?(?:叫什么|叫做什么|名叫|是什么名)", text)
        if called and not analysis.counted_terms:  # 县城道路叫什么: a name of the kind 道路
            analysis.counted_terms = [w for w in search_words(called.group(1)) if w in self.vocabulary]

    def _head_before_names(self, phrase: str) -> list[str]:
        """The last word of a noun phrase that may start with a name and ends at a function
        word or a name: "beijing official who" -> official, "building beijing paid" -> building."""
        words: list[str] = []
        for word in _words_after("of", "of " + phrase) or []:
            if self.gazetteer.match_latin(word, 100):
                if words:
                    break
                continue
            words.append(word)
        return words[-1:]

    def _translations(self, words: list[str]) -> list[str]:
        """Chinese terms for English words that are not names (names are checked apart)."""
        terms = []
        for word in words:
            if not self.gazetteer.match_latin(word, 100):
                terms += [zh for zh, _weight in self._word_terms(word)]
        return terms

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
        for width in (3, 2):
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


def _asks_outcome(analysis: QueryAnalysis) -> bool:
    """Whether a money question asks what something produced or earned (output, sales,
    income), in which case output figures answer it; otherwise they never do."""

    if _asks(analysis.text, english.ASKS_OUTCOME, chinese.ASKS_OUTCOME):
        return True
    return any(word in analysis.text or word in analysis.terms for word in chinese.OUTCOME_WORDS)


def _drop_terms(analysis: QueryAnalysis, dropped: set[str]) -> None:
    """Forget search terms that mistranslate a question word (its term group goes whole)."""
    if not dropped:
        return
    analysis.term_groups = [g for g in analysis.term_groups if not set(g) <= dropped]
    analysis.terms = {t: w for t, w in analysis.terms.items() if any(t in g for g in analysis.term_groups)}


def _unknown_unit(word: str) -> bool:
    """Whether a numeral-and-unit word asks in a unit no count is given in (万千瓦: 瓦)."""
    unit = re.sub(r"^[万亿千百]+", "", word)
    return bool(unit) and not any(unit.startswith(u) for u in LONGEST_FIRST) and unit not in ("元", "块")


def _asks(text: str, english_pattern: str, chinese_pattern: str) -> bool:
    """Whether the question uses a wording, in English or in Chinese."""
    return bool(re.search(english_pattern, text.lower()) or re.search(chinese_pattern, text))


def _words_after(frame: str, text: str) -> list[str] | None:
    """The words that follow a question frame up to the first function word ("how many
    resettlement townships in ..." -> [resettlement, townships]); None without the frame."""
    match = re.search(rf"\b{frame} ((?:[a-z'-]+ ?){{1,4}})", text)
    if not match:
        return None
    words = []
    for word in match.group(1).split():
        if word in ("or", "and"):
            continue  # "villages or communities": either may be what the report counts
        if word in ENGLISH_STOPWORDS or word in ("have", "has", "had"):
            break
        words.append(word.strip("'"))
    return words


def _up_to_last_plural(words: list[str]) -> list[str]:
    """What "how many" counts ends with a plural noun: "employees work" -> [employees]."""
    plural = [i for i, w in enumerate(words) if w in ("people", "children", "men", "women")
              or (w.endswith("s") and not w.endswith("ss"))]
    return words[: plural[-1] + 1] if plural else words


def _asked_place_kind(text: str) -> str | None:
    """The administrative level a "which ..." question asks for, as a Chinese suffix."""
    english = re.search(r"\b(?:which|what)\s+(province|city|county|district|town|township|village)s?\b",
                        text.lower())
    if english:
        return PLACE_KINDS[english.group(1)]
    chinese = re.search(rf"(?:哪个|哪一个|哪些|哪|什么)([{ADMIN_SUFFIXES}])", text)
    return chinese.group(1) if chinese else None


def _pinyin_blur(spelling: str) -> str:
    """A spelling with the commonly confused pinyin sounds merged."""
    return re.sub(r"ng", "n", re.sub(r"([zcs])h", r"\1", spelling)).replace("l", "n")


def _period_years(text: str) -> list[str]:
    """Years that limit the asked figure to a point or span of time, not those it runs from."""
    chinese = re.findall(r"((?:19|20)\d{2}) ?年(?!以来|起|至今|开始|以后|后)", text)
    english = re.findall(r"\b(?:in|during|for|of|between|to|and)\s+((?:19|20)\d{2})\b|\b((?:19|20)\d{2})\s+alone\b", text.lower())
    return list(dict.fromkeys(chinese + [a or b for a, b in english]))


_CHINESE_DIMENSIONS = "|".join(word for word in DIMENSION_UNITS if not word.isascii())  # 多高
_ENGLISH_DIMENSIONS = "|".join(word for word in DIMENSION_UNITS if word.isascii())  # how tall


def _asked_unit(text: str) -> str | None:
    match = re.search(rf"(?:多少|几)({'|'.join(LONGEST_FIRST)})", text)
    if match:
        return match.group(1)
    lowered = text.lower()
    dimension = re.search(rf"多({_CHINESE_DIMENSIONS})|\bhow ({_ENGLISH_DIMENSIONS})\b", lowered)
    if dimension:  # "how tall": only a length answers, in any length unit
        return DIMENSION_UNITS[dimension.group(1) or dimension.group(2)]
    stated = re.search(r"\bin (?:[a-z]+ or )?(mu|hectares|tonnes?|tons?|km|kilometres|kilometers|metres|meters"
                       r"|square metres|square meters)\b", lowered)
    if stated:  # "how large, in mu"
        return ENGLISH_UNITS[stated.group(1)]
    if re.search(r"\b(?:percentage|percent|per cent|proportion)\b|百分之|百分比|比例", lowered):
        return "%"
    if re.search(r"\bhow (?:large|big)\b|多大", lowered):
        return "亩"  # the size of a place: any unit of area answers
    return None


def _in_order(text: str, names: list[NameMatch]) -> list[NameMatch]:
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
