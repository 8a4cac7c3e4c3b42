"""Answer building: the answering sentence quoted verbatim from a cited passage.

Never invents: the answer is a sentence of a cited passage (with the figure it states, and in
English a reading of Chinese units). It declines, with the closest passages as "possibly
related", when the question names a place the reports never mention, when its places never
occur together, or when the best passage supports it too weakly.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from qa.activities import chinese_activities, chinese_milestones
from qa.figures import CLAUSE_END, clause_around, clause_names, counted_forms, counts_noun, distance_to_terms, english_reading
from qa.language import chinese, english
from qa.retrieval.pipeline import Candidate, RetrievalResult, term_coverage
from qa.retrieval.tokenize import is_noun, names_a_person
from qa.text import normalize, split_sentences
from qa.types import Answer, Citation
from qa.units import LONGEST_FIRST

MAX_ANSWER_CHARS = 400
SENTENCE_POOL = 3  # passages whose sentences compete to answer
LEAD_IN_CHARS = 12  # a sentence this short introduces the next one rather than stating a fact
QUOTED_NAME_BONUS = 0.5  # "what is X called": a sentence quoting a name is likely the answer
ASKED_KIND_BONUS = 0.5  # "which hospital": a sentence naming a 医院 is likely the answer
TOTAL_BONUS = 0.5  # "how much in total": a sentence stating a running total (累计, 共计)
_TOTAL_MARKERS = re.compile(chinese.TOTAL_MARKERS)
LIST_BONUS = 0.3  # "which towns", 哪些: a sentence listing several things (A、B、C) answers best
EXCLUDED_PENALTY = 1.0  # "besides X, what else": a sentence naming X is likely not the answer
TOPIC_POOL = 10  # passages searched for the sentence that is about the question's topic
# Share of the question's topic weight (nouns only) that a figureless sentence about the
# question's places holds and the answering sentence lacks, above which the question is
# about that sentence's subject: "how much did the cold-chain centre cost" is not answered
# by the donor's total aid when the sentence about the centre gives no cost. Chosen with
# `qa eval` on the tune split.
TOPIC_ELSEWHERE_SHARE = 0.3
COUNTED_GAP = 20  # characters at most between a count and what it counts (28所学校, 学校28所)
PHRASE_GAP = 4  # characters between two nouns of one name (远程 + 医疗 + 中心)
# Below this final score the best passage is too weakly related to answer from. Chosen with
# `qa eval` (see docs/evaluation.md); override in qa.toml [answer] abstain_threshold.
DEFAULT_ABSTAIN_THRESHOLD = 1.1


@dataclass
class _Choice:
    rank: int  # 1-based rank of the cited passage the sentence comes from
    unit: int  # the sentence's position in the passage (see _answer_units)
    sentence: str
    figure: str | None
    score: float
    has_terms: bool = False
    counted_gap: int = 0  # characters between the figure and what the question counts


def _bigrams(text: str) -> set[str]:
    normal = normalize(text)
    return {normal[i : i + 2] for i in range(len(normal) - 1)}


class AnswerBuilder:
    def __init__(self, settings: dict | None = None):
        self.settings = settings or {}
        self.threshold = float(self.settings.get("abstain_threshold", DEFAULT_ABSTAIN_THRESHOLD))

    def run(self, question: str, result: RetrievalResult, k: int) -> Answer:
        analysis = result.analysis
        zh = analysis.lang == "zh" if analysis else False
        citations = [Citation(i + 1, c.passage, c.score) for i, c in enumerate(result.candidates[:k])]
        reason = self._refusal(result)
        if reason:
            return self._refuse(question, citations, zh, reason)
        choice = self._choose(result)
        if choice is None:
            return self._refuse(question, citations, zh, f"no cited sentence states that {_kind_word(analysis)}")
        if analysis.asks_future and not re.search(chinese.STATES_PLAN, choice.sentence):
            return self._refuse(question, citations, zh, "the reports tell what was done, not what will be")
        if analysis.asks_reason and not re.search(chinese.STATES_REASON, choice.sentence):
            return self._refuse(question, citations, zh, "the reports give no reason")
        if analysis.asks_person and not names_a_person(choice.sentence):
            return self._refuse(question, citations, zh, "the reports name no such person")
        if analysis.qtype == "name" and _only_counts_the_kind(analysis, normalize(choice.sentence)):
            return self._refuse(question, citations, zh, "the reports count them without naming them")
        elsewhere = self._topic_elsewhere(choice, result)
        if elsewhere:
            return self._refuse(question, citations, zh, elsewhere)
        citations = _quoted_first(citations, choice.rank)
        text = self._compose(replace(choice, rank=1), zh)
        return Answer(question, True, text, citations, lang="zh" if zh else "en")

    # -- abstention -----------------------------------------------------------------------

    def _refusal(self, result: RetrievalResult) -> str | None:
        analysis = result.analysis
        if not result.candidates:
            return "no passage to answer from"
        if analysis.unknown_names:
            return "the reports never mention " + ", ".join(analysis.unknown_names)
        if analysis.qtype in ("count", "amount") and not analysis.counted_known:
            return "the reports never mention what the question counts"
        if analysis.qtype == "name" and not analysis.counted_known:
            return "the reports never name that kind of thing"
        if not result.names_meet:
            return "the reports never mention " + " and ".join(n.forms[-1] for n in analysis.names) + " together"
        top = result.candidates[0]
        # Without a name or a question word to go on, the topic words are all there is.
        if ((not analysis.names or analysis.qtype == "other")
                and analysis.bridged_words * 2 < analysis.content_words):
            return "most of the question's words never occur in the reports"
        if top.score < self.threshold:
            return f"the best passage matches too weakly (score {top.score:.2f} < {self.threshold:.2f})"
        return None

    @staticmethod
    def _supported(choice: _Choice, result: RetrievalResult) -> bool:
        """A figure question needs a sentence with a figure of that kind, next to the
        question's topic words when it has any (not just any figure near the right name)."""
        analysis = result.analysis
        if analysis.qtype not in ("amount", "count", "year"):
            return all(normalize(t) in normalize(choice.sentence) for t in analysis.topic_nouns)
        topical = any(w >= 1.0 for w in analysis.terms.values())  # a gloss that is the word alone
        if choice.figure is None or not (choice.has_terms or not topical):
            return False
        sentence = normalize(choice.sentence)
        if not all(counts_noun(sentence, normalize(t)) for t in analysis.counted_required):
            return False
        if not all(normalize(t) in sentence for t in analysis.topic_nouns):
            return False
        if not all(year in sentence for year in analysis.period_years):
            return False  # "in 2016 alone": a total since 1992 is not that figure
        if analysis.qtype == "count" and choice.counted_gap > COUNTED_GAP:
            return False
        span = _span_of(sentence, choice.figure)
        misfits = [misfit for qtypes, misfit in _MISFITS if analysis.qtype in qtypes]
        if span is not None and any(misfit(analysis, sentence, span) for misfit in misfits):
            return False
        return not analysis.counted_terms or any(counts_noun(sentence, normalize(t)) for t in analysis.counted_terms)

    # -- choosing the sentence ------------------------------------------------------------

    def _choose(self, result: RetrievalResult) -> _Choice:
        analysis = result.analysis
        wanted = _bigrams(analysis.text + "".join(analysis.terms))
        choices = [
            choice
            for rank, candidate in enumerate(result.candidates[:SENTENCE_POOL], start=1)
            for unit, sentence in enumerate(_answer_units(candidate.passage.text))
            for choice in self._score_sentence(rank, unit, candidate, sentence, analysis, wanted, result)
        ]
        supported = [c for c in choices if self._supported(c, result)
                     and (analysis.qtype not in ("amount", "count", "year") or self._names_in_passage(c, result))]
        return max(supported, key=lambda c: c.score) if supported else None

    @staticmethod
    def _names_in_passage(choice: _Choice, result: RetrievalResult) -> bool:
        """Whether the quoted passage (with its heading) names every place the question
        names: a year or amount from another place's paragraph never answers."""
        candidate = result.candidates[choice.rank - 1]
        context = normalize(f"{candidate.passage.section or ''}\n{candidate.passage.text}")
        return _names_all_in(result.analysis, context)

    @staticmethod
    def _score_sentence(rank: int, unit: int, candidate: Candidate, sentence: str, analysis, wanted,
                        result) -> list[_Choice]:
        """The sentence as an answer: one choice per figure of the asked kind, the likeliest
        first (the one that fits is quoted: 1.3万多人次 trained, not 47名 seconded before it),
        or one without a figure."""
        figures = result.answer_figures(sentence, analysis)
        normal = normalize(sentence)
        terms = term_coverage(analysis, sentence)
        section = normalize(candidate.passage.section or "")
        # Names count where the section heading does not already supply them.
        names = sum(1 for forms in analysis.normal_forms
                    if any(f in normal for f in forms) and not any(f in section for f in forms))
        overlap = len(wanted & _bigrams(sentence)) / (len(wanted) or 1)
        # The passage's own rank counts, but a sentence that holds the asked kind of figure
        # and the question's terms can come from a lower-ranked passage.
        relative = candidate.score / (result.candidates[0].score or 1.0)
        score = 1.5 * relative + (1.0 if figures else 0.0) + 0.2 * names + 1.5 * terms + 1.0 * overlap
        score += _intent_bonus(analysis, sentence, normal)
        if not figures:
            return [_Choice(rank, unit, sentence, None, score, terms > 0)]
        counted = counted_forms(analysis.counted_terms)
        return [_Choice(rank, unit, sentence, figure.text, score, terms > 0,
                        distance_to_terms(sentence, figure, counted) if counted else 0)
                for figure in figures]

    @staticmethod
    def _topic_elsewhere(choice: _Choice, result: RetrievalResult) -> str | None:
        """Why a figure question is not answered by the chosen sentence although it states
        a figure: another sentence about the question's places speaks of the thing asked
        about (nouns the chosen sentence lacks) and states no such figure, so the report
        mentions the thing without the fact. None when no such sentence exists."""
        analysis = result.analysis
        if analysis.qtype not in ("amount", "count", "year") or not analysis.term_groups:
            return None
        # A group of loose glosses only ("produce": 农产品 at 0.5) counts as much as it is sure.
        weights = [w * max(group.values()) for w, group in
                   zip(analysis.group_weights or [1.0] * len(analysis.term_groups), analysis.term_groups)]
        total = sum(weights) or 1.0
        held = _groups_held(analysis, choice.sentence)
        names = analysis.flat_forms
        for rank, candidate in enumerate(result.candidates[:TOPIC_POOL], start=1):
            context = normalize(f"{candidate.passage.section or ''}\n{candidate.passage.text}")
            if not _names_all_in(analysis, context):
                continue  # a passage about other places
            for unit, sentence in enumerate(_answer_units(candidate.passage.text)):
                if rank == choice.rank and abs(unit - choice.unit) <= 1:
                    continue  # the chosen sentence, or the one introducing or following it
                normal = normalize(sentence)
                nouns = [_held_noun(group, normal, analysis.typed_terms) if not was_held else None
                         for group, was_held in zip(analysis.term_groups, held)]
                share = sum(w for noun, w in zip(nouns, weights) if noun) / total
                if (share >= TOPIC_ELSEWHERE_SHARE and _one_phrase([n for n in nouns if n], normal, names)
                        and not _states_the_asked_figure(sentence, result)):
                    spoken_of = "".join(dict.fromkeys(n for n in nouns if n))
                    return f"the reports speak of {spoken_of} without stating that {_kind_word(analysis)}"
        return None

    # -- wording --------------------------------------------------------------------------

    def _compose(self, choice: _Choice, zh: bool) -> str:
        marker = f" [{choice.rank}]"
        budget = MAX_ANSWER_CHARS - len(marker) - 80
        sentence = _clip_around(choice.sentence, choice.figure, budget)
        if zh:
            return f"{sentence}{marker}"
        lead = "The report says"
        if choice.figure:
            reading = english_reading(choice.figure)
            lead = f"{choice.figure}" + (f" ({reading})" if reading else "") + " — the report says"
        return f"{lead}: “{sentence}”{marker}"

    def refuse_too_long(self, question: str, limit: int) -> Answer:
        zh = bool(re.search(r"[\u4e00-\u9fff]", question[:200]))
        reason = f"question longer than {limit} characters"
        text = (f"问题太长(超过{limit}个字符),请缩短后再问。" if zh else
                f"The question is too long (over {limit} characters); please ask it in fewer words.")
        return Answer(question[:limit], False, text, [], reason=reason, lang="zh" if zh else "en")

    @staticmethod
    def _refuse(question, citations, zh, reason) -> Answer:
        if zh:
            text = "报告中没有找到这个问题的答案。下面是可能相关的段落。"
        else:
            text = "The reports do not say. The passages below are the closest, possibly related."
        return Answer(question, False, text, citations, reason=reason, lang="zh" if zh else "en")


def _states_the_asked_figure(sentence: str, result: RetrievalResult) -> bool:
    """Whether the sentence states a figure of the asked kind; for a count, one whose clause
    names what is counted (入驻企业62家 counts enterprises, not "workers employed")."""
    analysis = result.analysis
    figures = result.answer_figures(sentence, analysis)
    if analysis.qtype != "count" or not analysis.counted_terms:
        return bool(figures)
    counted = counted_forms([normalize(t) for t in analysis.counted_terms])
    return any(clause_names(sentence, f.start, counted) for f in figures)


def _intent_bonus(analysis, sentence: str, normal: str) -> float:
    """What the question's wording asks of the sentence beyond its topic words: a quoted
    name for "what is it called", the asked kind of thing, a running total, a list, and not
    the thing a "besides X" question already knows."""
    bonus = 0.0
    if analysis.asks_designation and _new_quoted_name(sentence, analysis.text):
        bonus += QUOTED_NAME_BONUS
    names_asked_kind = (
        any(normalize(t) in normal for t in analysis.counted_terms)
        or (analysis.asks_designation and any(_names_of_kind(normal, t) for t in analysis.counted_terms))
        or any(_names_of_kind(normal, head) for head in analysis.kind_heads))
    if analysis.qtype == "name" and names_asked_kind:
        bonus += ASKED_KIND_BONUS
    if analysis.asks_total and _TOTAL_MARKERS.search(normal):
        bonus += TOTAL_BONUS
    if analysis.asks_several and normal.count("、") >= 2:
        bonus += LIST_BONUS
    # A sentence naming the excluded thing may still list the answer next to it when it also
    # names the asked kind ("besides the school, which hospital": 一中新校区、人民医院); and
    # the penalty is in proportion: 远程医疗中心 shares only 医疗 with "sending medical teams".
    if not names_asked_kind and analysis.excluded_terms:
        held = sum(1 for t in analysis.excluded_terms if normalize(t) in normal)
        bonus -= EXCLUDED_PENALTY * held / len(analysis.excluded_terms)
    return bonus


# A run of items ending in 等 ("县一中、县人民医院等", "秭归长江公路大桥等8个项目"): what follows
# is said of them all.
_LISTED = re.compile(r"[^,，;；。:：、]+(?:、[^,，;；。:：、]+)*等(\d+|[一二三四五六七八九十]+)?")


Span = tuple[int, int]  # where the figure stands in the normalised sentence


def _span_of(normal_sentence: str, figure: str) -> Span | None:
    """Where the figure stands in the (normalised) sentence."""
    match = re.search(r"(?<![\d.])" + re.escape(normalize(figure)), normal_sentence)  # not the 6个 in 56个
    return match.span() if match else None


def _number_given(analysis, normal_sentence: str, span: Span) -> bool:
    """Whether the figure is a number the question gives: "of the 47 cadres, how many were
    women" is not answered by the 47."""
    return _number_of(normal_sentence[span[0] : span[1]]) in _numbers_in(analysis.text)


def _not_per_unit(analysis, normal_sentence: str, span: Span) -> bool:
    """Whether a question about one unit ("per household", 每户) meets a figure that is not
    stated per unit (每, 人均, 亩均)."""
    return analysis.asks_per_unit and not re.search(chinese.STATES_PER_UNIT, normal_sentence)


def _running_total_for_one(analysis, normal_sentence: str, span: Span) -> bool:
    """Whether a question about one occasion ("the most recent fair alone", 单年) meets a
    running total (累计销售1.9亿元)."""
    return analysis.asks_single and bool(
        re.search(chinese.STATES_RUNNING_TOTAL, clause_around(normal_sentence, span[0])))


def _not_a_part(analysis, normal_sentence: str, span: Span) -> bool:
    """Whether a question about part of a total it gives ("of the 38 cadres, how many were
    women") meets a sentence that singles out no part (其中)."""
    return analysis.asks_part and not re.search(chinese.STATES_PART, normal_sentence)


def _not_per_year(analysis, normal_sentence: str, span: Span) -> bool:
    """Whether a question about one year ("each year", 每年) meets a figure that is not
    stated per year: 累计无偿援助资金10.87亿元 is thirty years' aid."""
    return analysis.asks_per_year and not re.search(chinese.STATES_PER_YEAR, clause_around(normal_sentence, span[0]))


def _spent_on_a_list(analysis, normal_sentence: str, span: Span) -> bool:
    """Whether the question's thing is only one item of a list and the money figure comes
    after the list: 17亿元 invested in 秭归长江公路大桥等8个经济项目 is not what the bridge cost.
    "In total" asks for the list's figure."""
    if analysis.asks_total:
        return False
    nouns = _held_nouns(analysis, normal_sentence)
    nouns += [run for run in re.findall(r"[\u4e00-\u9fff]{3,}", analysis.text) if run in normal_sentence]  # 武汉路
    return bool(_listed_only(analysis, normal_sentence, span, nouns))


def _counts_something_else(analysis, normal_sentence: str, span: Span) -> bool:
    """Whether the figure's own clause does not name what the question counts (nor its head
    character): in 组织87家民营企业与岚水县87个村结对,一企一策帮助村集体增收, 87个
    counts villages, not the 集体 of the next clause."""
    counted = counted_forms([normalize(t) for t in analysis.counted_terms])
    return bool(counted) and not clause_names(normal_sentence, span[0], counted)


def _counted_in_a_list(analysis, normal_sentence: str, span: Span) -> bool:
    """Whether what the question counts is only an item of a list the count is said of:
    培训教师、医生等专业技术人才3400人次 does not say how many doctors were trained. A
    question naming two of the items, or asking "in total", asks about the group."""
    if analysis.asks_total:
        return False
    kinds = [normalize(t) for t in analysis.counted_terms if normalize(t) in normal_sentence]
    if not kinds or len(_listed_only(analysis, normal_sentence, span, kinds)) < len(kinds):
        return False  # what is counted stands outside any list too
    held = [n for n in _held_nouns(analysis, normal_sentence) if is_noun(n)]
    return len(set(_listed_only(analysis, normal_sentence, span, held))) < 2


def _listed_only(analysis, normal_sentence: str, span: Span, nouns: list[str]) -> list[str]:
    """Those of the nouns that the sentence names only as items of a list ending in 等
    before the figure."""
    asked_sizes = _numbers_in(analysis.text)
    lists = [m.span() for m in _LISTED.finditer(normal_sentence)
             if m.end() <= span[0] and not (m.group(1) and m.group(1) in asked_sizes)]  # "the eight projects"
    if not lists:
        return []

    def listed_only(noun: str) -> bool:
        spots = [m.start() for m in re.finditer(re.escape(normalize(noun)), normal_sentence)]
        return all(any(start <= spot < end for start, end in lists) for spot in spots)

    return [noun for noun in nouns if listed_only(noun)]


def _another_activity(analysis, normal_sentence: str, span: Span) -> bool:
    """Whether the count stands in a clause about another activity than the question's:
    "how many cadres were seconded" is not answered by 培训干部950人次 (people trained).
    People the reports count only by the activity ("how many patients") need it stated."""
    asked = analysis.activities
    if not asked:
        return False
    stated = chinese_activities(clause_around(normal_sentence, span[0]))
    if not stated:
        return analysis.counted_by_activity
    return not (stated & asked)


def _another_milestone(analysis, normal_sentence: str, span: Span) -> bool:
    """Whether the year marks another milestone than the question asks about: "when was
    the dam completed" is not answered by 2004年,澄江水利枢纽工程开工建设 (work began). The
    milestone is read in the year's clause, or the next one when the year stands alone."""
    asked = analysis.milestones
    if not asked:
        return False
    clause = clause_around(normal_sentence, span[0])
    if not chinese_milestones(clause):
        following = CLAUSE_END.search(normal_sentence, span[1])
        clause = clause_around(normal_sentence, following.end()) if following else clause
    stated = chinese_milestones(clause)
    return bool(stated) and not (stated & asked)


def _period_start_only(analysis, normal_sentence: str, span: Span) -> bool:
    """Whether the year opens a period (2017年以来: "since 2017") and the question asks when
    something happened, not when it began: "when did the school open" is not answered by
    the year the support began."""
    if not re.match(chinese.PERIOD_START, normal_sentence[span[1]:]):
        return False
    return not analysis.asks_start


def _number_of(figure: str) -> str:
    """The figure's number as digits ("4,300余名" -> "4300"; "" for none)."""
    match = re.match(r"\d[\d,]*(?:\.\d+)?", figure)
    return match.group(0).replace(",", "") if match else ""


@functools.lru_cache(maxsize=1024)
def _numbers_in(text: str) -> frozenset[str]:
    """The question's numbers, as digits and as Chinese numerals ("eight" -> 8, 八). Cached:
    every candidate figure of a question is checked against them."""
    found = {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}
    found |= set(re.findall(r"[一二三四五六七八九十]+", text))
    for number, (word, zh) in enumerate(english.NUMBER_WORDS.items(), start=1):
        if re.search(rf"\b{word}\b", text.lower()):
            found |= {zh, str(number)}
    return frozenset(found)


# Why a figure of the asked kind, in a sentence on the question's topic, still does not answer
# it. Each check takes the analysis, the normalised sentence and the figure's span in it, is
# true when the figure does not fit, and runs for the question types listed.
_MISFITS = (
    (("amount", "count"), _number_given),
    (("amount", "count", "year"), _not_per_unit),
    (("amount", "count", "year"), _running_total_for_one),
    (("amount", "count"), _not_per_year),
    (("amount", "count"), _not_a_part),
    (("year",), _period_start_only),
    (("year",), _another_milestone),
    (("amount",), _spent_on_a_list),
    (("count",), _counts_something_else),
    (("count",), _another_activity),
    (("count",), _counted_in_a_list),
)


# A count and up to two characters of modifier: "4个市", "87家民营企业".
_COUNT = rf"(?:\d+|[一二两三四五六七八九十百千]+)(?:多|余)?(?:{'|'.join(LONGEST_FIRST)})[\u4e00-\u9fff]{{0,2}}"
_COUNT_BEFORE = re.compile(_COUNT + "$")


def _only_counts_the_kind(analysis, normal_sentence: str) -> bool:
    """Whether the sentence speaks of the kind a "which cities" question asks for only in
    counts (4个市, 87家民营企业) and names none of that kind: it says how many, not which."""
    kinds = [normalize(t) for t in analysis.counted_terms]
    if not kinds or analysis.asks_designation or any(_names_of_kind(normal_sentence, k) for k in kinds):
        return False
    mentions = [m.start() for k in kinds for m in re.finditer(re.escape(k), normal_sentence)]
    counted_heads = [m.start() for k in kinds for m in re.finditer(_COUNT + re.escape(k[-1]), normal_sentence)]
    is_counted = [bool(_COUNT_BEFORE.search(normal_sentence[max(0, start - 12):start])) for start in mentions]
    if not (counted_heads or any(is_counted)) or not all(is_counted):
        return False
    # A list of names next to the count names them: 古夫、峡口、昭君3个移民乡镇.
    for start in mentions + counted_heads:
        clause = clause_around(normal_sentence, start)
        if "、" in clause and any(not re.search(r"\d", item) for item in clause.split("、")):
            return False
    return True


def _quoted_first(citations: list[Citation], quoted_rank: int) -> list[Citation]:
    """The citations renumbered with the quoted passage first: the answer's [1] is the
    passage its sentence comes from, the others follow in retrieval order."""
    if quoted_rank == 1 or quoted_rank > len(citations):
        return citations
    ordered = [citations[quoted_rank - 1]] + [c for c in citations if c.rank != quoted_rank]
    return [Citation(i + 1, c.passage, c.score) for i, c in enumerate(ordered)]


def _kind_word(analysis) -> str:
    return {"amount": "amount", "count": "number", "year": "year"}.get(analysis.qtype, "fact")


def _groups_held(analysis, sentence: str) -> list[bool]:
    normal = normalize(sentence)
    return [any(t in normal for t in group) for group in analysis.normal_groups]


def _names_all_in(analysis, normal_text: str) -> bool:
    """Whether the (normalised) text names every place the question names."""
    return all(any(f in normal_text for f in forms) for forms in analysis.normal_forms)


def _held_nouns(analysis, normal_sentence: str) -> list[str]:
    """For each of the question's term groups the sentence holds, the noun it holds."""
    return [n for group in analysis.term_groups if (n := _held_noun(group, normal_sentence))]


def _held_noun(group: dict[str, float], normal_sentence: str, typed: list[str] = ()) -> str | None:
    """The group's term that the sentence holds, when it is a noun (冷链, 中心) or a word the
    question typed in Chinese or pinyin (实验): translated verbs such as "build" or "help"
    are worded too many ways to tell what a question is about."""
    for term in sorted(group, key=len, reverse=True):  # 第二中学 rather than the 二中 inside it
        if normalize(term) in normal_sentence and (is_noun(term) or term in typed):
            return term
    return None


def _one_phrase(nouns: list[str], normal_sentence: str, names: list[str] = ()) -> bool:
    """Whether two or more of the nouns stand together in the sentence, naming one thing
    (冷链物流中心, 远程医疗中心), or one stands right after a name the question gives (青岛工业园):
    a single noun alone is too often a loose translation ("area")."""
    nouns = set(map(normalize, nouns))
    if any(name + noun in normal_sentence for name in names for noun in nouns):
        return True
    # Every mention: 猕猴桃 stands alone in 发展猕猴桃产业 and before 基地 in 猕猴桃基地.
    spans = sorted((m.start(), m.end(), noun) for noun in nouns for m in re.finditer(re.escape(noun), normal_sentence))
    return any(later[0] - earlier[1] <= PHRASE_GAP and later[2] != earlier[2]
               for earlier, later in zip(spans, spans[1:]))


@functools.lru_cache(maxsize=4096)
def _answer_units(text: str) -> tuple[str, ...]:
    """The passage's sentences, a short lead-in ("开展“提智”工程。", an inline sub-heading)
    joined to the sentence it introduces, so that the two are judged and quoted together.
    Cached: the sentence choice and the topic scan read the same passages."""
    units: list[str] = []
    for sentence in split_sentences(text) or [text]:
        if units and len(units[-1]) <= LEAD_IN_CHARS:
            units[-1] += sentence
        else:
            units.append(sentence)
    return tuple(unit.strip() for unit in units if unit.strip())


def _names_of_kind(normal_sentence: str, kind: str) -> bool:
    """Whether the sentence lists a name of the kind by its last character, as Chinese names
    end (武汉路 is a 道路, 三峡高中 a 学校 only by its words, so only the head character counts)."""
    head = re.escape(normalize(kind)[-1])
    return bool(re.search(rf"[\u4e00-\u9fff]{{2}}{head}(?=[、,，。;；”)]|$)", normal_sentence))


_QUOTED = re.compile(r"[“\"《「]([^”\"》」]{2,30})[”\"》」]")


def _new_quoted_name(sentence: str, question: str) -> bool:
    """Whether the sentence quotes a name the question does not already give: reports put
    the names of programmes, slogans, brands and trains in quotation marks."""
    asked = normalize(question)
    return any(normalize(name) not in asked for name in _QUOTED.findall(sentence))


def _clip_around(sentence: str, figure: str | None, budget: int) -> str:
    if len(sentence) <= budget:
        return sentence
    centre = sentence.find(figure) if figure else 0
    start = max(0, min(centre - budget // 2, len(sentence) - budget))
    clipped = sentence[start : start + budget - 2]
    return ("…" if start else "") + clipped + "…"
