"""Features of an answer candidate, each on a 0..1 scale (a few signed), and their weights.

One mechanism for every question kind: a candidate is a sentence of a retrieved passage and,
for figure questions, one figure in it. What makes it the answer is that it speaks of the
question's subject (in the figure's own clause, best), states the kind of figure asked for
in the asked unit, fits the asked stance (a target set, or a result achieved) and year, and
comes from a passage retrieval trusts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answering.candidates import AnswerCandidate
from qa.language import chinese, units_by_chinese
from qa.language.figures import CLAUSE_END, clause_bounds
from qa.language.timeframe import year_before
from qa.retrieval.query import QueryAnalysis
from qa.retrieval.question_form import GENERIC_MEASURE_WORDS
from qa.retrieval.tokenize import is_noun
from qa.text import normalize

# Share of the question's places the passage must name: all, or all but one that its section
# names elsewhere (the section on one donor names the place it supports once).
MIN_PLACE_SHARE = 0.75
OTHER_WORD_SHARE = 0.35  # a subject word that is not a noun weighs this share of its rarity
COUNTED_GAP_BEFORE = 16  # characters between what is counted and the count (派出医生152名)
COUNTED_GAP_AFTER = 8  # and between the count and what it counts after it (15所中小学校)
DOCUMENT_YEAR_MATCH = 0.8  # the retrieval's year feature for a document of the asked year's stance
COMMA_STEP = 0.85  # a subject a comma away from the figure still belongs to it
LIST_STEP = 0.35  # across a semicolon or colon it is mostly another item's
MIN_NEAR_SHARE = 0.4  # of the subject's weight, in the figure's clause or just before it
_STATES_TARGET = re.compile(chinese.STATES_TARGET)
_STATES_OUTCOME = re.compile(chinese.STATES_OUTCOME)
_STATES_YEARLY = re.compile(chinese.STATES_YEARLY)
_STATES_CUMULATIVE = re.compile(chinese.STATES_CUMULATIVE)
_STATES_CHANGE = re.compile(chinese.STATES_CHANGE_BEFORE)
_MEETS_TARGET = re.compile(chinese.MEETS_TARGET)
_DIGIT = re.compile(r"[0-9０-９]")
_STARTS_PERIOD = re.compile(chinese.STARTS_PERIOD_AFTER)
_LIST_BEFORE = re.compile(r"(?:[0-9０-９.．]+[%％]?[、，,和])+$")  # the figures listed before this one
CHANGE_SHARE = 0.5  # of the kind's fit, for a change in an amount when the level is asked
STANCE_QUALIFIER_CHARS = 2  # after a figure, its target qualifier: 左右, 以上, 以内
SECTION_STANCE_SHARE = 0.5  # of the stance fit, when only the heading states it (2020年工作回顾)


@dataclass(frozen=True)
class AnswerWeights:
    """Weights of the features; defaults chosen with `qa eval` on the dev splits, override
    in qa.toml [answer]."""

    passage: float = 1.5  # the passage's retrieval score relative to the best one
    subject: float = 1.5  # share of the subject's weight the sentence holds
    near: float = 1.0  # share of it in the figure's clause or just before
    kind: float = 0.8  # how well the figure's kind fits the question's kind
    unit: float = 0.5  # the figure is in the asked unit (+) or another (-)
    stance: float = 0.6  # a target for a target question, a result for a result question
    year: float = 0.6  # the figure is about the asked year (+) or another (-)
    names: float = 0.6  # the sentence itself names the question's places
    counted: float = 0.5  # what a count question counts stands next to the figure (15所学校, 干部47名)
    opening: float = 0.3  # the passage's first sentence: reports state the headline figure first
    place: float = 1.0  # the passage (its section, its document) names them
    overlap: float = 0.8  # share of the question's character pairs the sentence holds

    @classmethod
    def from_settings(cls, settings: dict) -> "AnswerWeights":
        known = {k: float(v) for k, v in settings.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def bigrams(text: str) -> set[str]:
    normal = normalize(text)
    return {normal[i:i + 2] for i in range(len(normal) - 1)}


def subject_share(groups: list[tuple[tuple[str, ...], float]], normal_text: str) -> float:
    """Share of the subject's weight that the text holds; 1 when there is no subject."""
    total = sum(w for _g, w in groups)
    if not total:
        return 1.0
    return sum(w for g, w in groups if any(t in normal_text for t in g)) / total


def support_groups(analysis: QueryAnalysis, pool_texts: list[str]) -> list[tuple[tuple[str, ...], float]]:
    """The subject's groups weighted for judging a sentence. A group none of the passages
    read holds counts only when the question typed it in Chinese (or pinyin) or the glossary
    gave it: a dictionary
    rendering of an English word that no passage uses is a sense the reports do not speak
    in ("fast" as 坚守), not a sign that the answer is missing. A noun (资金, 干部) or a
    glossary term (无偿援助 for "free aid") weighs its full rarity; a verb or another word
    (得到, 发出) is worded too many ways to count much. A group the question typed in Chinese
    is a noun when one of its terms is (粮食产量, 粮食); a dictionary rendering of an English
    word is read by its best term, as an English verb's renderings ("provided": 提供, 支援,
    养老) may hold a noun of another sense."""
    typed = {normalize(t) for t in analysis.typed_terms}
    glossed = {normalize(t) for t in analysis.glossary_terms}
    weighted = []
    for group, weight in analysis.subject_groups:
        held = any(t in text for text in pool_texts for t in group)
        if not held and not (typed | glossed).intersection(group):
            continue
        if typed.intersection(group):
            nominal = any(is_noun(t) for t in group)
        else:
            nominal = bool(glossed.intersection(group)) or is_noun(group[0])
        if nominal:
            weighted.append((group, weight))
        elif held:
            weighted.append((group, weight * OTHER_WORD_SHARE))
    return weighted


def clause_closeness(sentence: str, at: int) -> list[tuple[str, float]]:
    """The sentence's clauses, normalised, each with how closely it belongs to the figure at
    ``at``: 1 for its own clause, less for each comma back (COMMA_STEP), much less across a
    semicolon or colon (a list item of its own: 城镇新增就业1200万人；居民消费价格涨幅3%),
    and the clause right after it at one comma step."""
    bounds = [0] + [m.end() for m in CLAUSE_END.finditer(sentence)] + [len(sentence) + 1]
    clauses = [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1) if bounds[i] < bounds[i + 1]]
    own = next((i for i, (a, b) in enumerate(clauses) if a <= at < b), len(clauses) - 1)
    scored = []
    for i, (a, b) in enumerate(clauses):
        if i == own:
            closeness = 1.0
        elif i == own + 1:
            closeness = COMMA_STEP if sentence[b - 1:b] in ",，" or b > len(sentence) else COMMA_STEP * LIST_STEP
        elif i < own:
            closeness = 1.0
            for j in range(i, own):
                separator = sentence[clauses[j][1] - 1:clauses[j][1]]
                # 。 inside one answer unit follows a lead-in (增进民生福祉。累计援建项目74个)
                closeness *= COMMA_STEP if separator in ",，。" else LIST_STEP
        else:
            closeness = 0.0
        scored.append((normalize(sentence[a:b]), closeness))
    return scored


def near_share(groups: list[tuple[tuple[str, ...], float]], sentence: str, at: int) -> float:
    """Share of the subject's weight in the figure's clauses, each group counted at its
    closest clause (see :func:`clause_closeness`); 1 when there is no subject."""
    total = sum(w for _g, w in groups)
    if not total:
        return 1.0
    clauses = clause_closeness(sentence, at)
    found = 0.0
    for group, weight in groups:
        found += weight * max((c for text, c in clauses if any(t in text for t in group)), default=0.0)
    return found / total


def score(candidate: AnswerCandidate, analysis: QueryAnalysis, groups: list, wanted_pairs: set[str],
          base_year: int | None, asked_years: list[int], weights: AnswerWeights,
          passage_names: float = 1.0, passage_years: list[int] = (), document_year: float = 0.0,
          section: str | None = None) -> None:
    """``groups``: the subject's groups from :func:`support_groups`. ``passage_names``: the
    share of the question's places that the passage, its section or its document names (see
    the retrieval's ``names`` feature). ``section``: the passage's heading, whose stance
    (工作回顾, 主要任务) stands, at half weight, for a sentence that states none."""
    sentence = candidate.sentence
    normal = normalize(sentence)
    features = {
        "passage": candidate.passage_score,
        "subject": subject_share(groups, normal),
        "names": _names_share(analysis, normal),
        "place": passage_names if analysis.names else 0.0,
        "opening": 1.0 if candidate.sentence_start == 0 else 0.0,
        "overlap": len(wanted_pairs & bigrams(sentence)) / (len(wanted_pairs) or 1),
    }
    figure = candidate.figure
    if figure is not None:
        # A year heads the sentence it dates: the whole sentence is its clause.
        features["near"] = features["subject"] if analysis.kind == "when" else near_share(groups, sentence, figure.start)
        features["kind"] = analysis.accepts.get(figure.kind, 0.0)
        if figure.kind not in ("percent", "points", "multiple") and _is_change(sentence, figure.start) \
                and not analysis.asks_change:
            features["kind"] *= CHANGE_SHARE  # 比上年增加2737万吨 is not the year's output
        elif figure.kind == "percent" and analysis.asks_change and analysis.stance != "target" \
                and not _is_change(sentence, figure.start):  # a target may be named without its verb (8％的预定目标)
            features["kind"] *= CHANGE_SHARE  # 比重达到17% is no growth rate
        features["unit"] = _unit_fit(analysis.unit, figure)
        # A year's figure with no stance asked is what the year came to, not its target.
        stance = analysis.stance or ("outcome" if asked_years else None)
        # Stance words up to the end of the figure's own words: a later clause's 实现 or 主要
        # speaks of another figure (目标是：增长7.5%左右，……努力实现居民收入增长).
        stance_end = _own_words_end(sentence, figure)
        dated = year_before(sentence, figure.start, base_year)
        if stance and analysis.kind != "when" and dated and base_year and dated > base_year:
            # A report cannot state what a later year came to: １９９７年钢产量达到９４００万吨 in 1993 is a target.
            features["stance"] = 1.0 if stance == "target" else -1.0
        else:
            features["stance"] = _stance_fit(stance, normalize(sentence[:stance_end]))
        if features["stance"] == 0 and section:
            features["stance"] = SECTION_STANCE_SHARE * _stance_fit(stance, normalize(section))
        features["year"] = _year_fit(asked_years, dated, passage_years, document_year >= DOCUMENT_YEAR_MATCH)
        if analysis.counted_groups:
            features["counted"] = _counted_next_to(analysis, sentence, normal, figure)
    candidate.features = features
    candidate.score = sum(getattr(weights, key) * value for key, value in features.items())
    has_subject = bool(groups)
    if analysis.names and passage_names < MIN_PLACE_SHARE:
        candidate.supported = False  # a figure of another place's paragraph never answers
        return
    if figure is None:
        candidate.supported = not has_subject or features["subject"] > 0
    else:
        # A question that says "target" (or "actual") is not answered by a figure of the
        # other stance: the 2025 target is no answer to what 2025 came to.
        candidate.supported = (not has_subject or features["near"] >= MIN_NEAR_SHARE) \
            and features["year"] >= 0 and features["unit"] >= 0 and features.get("counted", 1.0) > 0 \
            and not (analysis.stance and features["stance"] < 0) \
            and not (analysis.yearly and analysis.kind != "when" and _running_total(normalize(sentence[:stance_end]))) \
            and not (analysis.kind == "when" and not analysis.asks_start and _STARTS_PERIOD.match(sentence, figure.end))


def _counted_next_to(analysis: QueryAnalysis, sentence: str, text: str, figure) -> float:
    """1 when a term of what the question counts stands just before the figure in its
    clause (培训干部1309人次, 学校15所) or just after it (15所学校), else 0. ``text`` is
    the sentence normalised; the clause bounds and the figure's positions are the raw
    sentence's, so a sentence with spaces is read a few characters off (left as it was)."""
    start, end = clause_bounds(sentence, figure.start)
    before = text[max(start, figure.start - COUNTED_GAP_BEFORE):figure.start]
    after = text[figure.end:min(end, figure.end + COUNTED_GAP_AFTER)]
    terms = [normalize(t) for i in analysis.counted_groups for t in analysis.term_groups[i]]
    return 1.0 if any(t in before or t in after for t in terms) else 0.0


def _own_words_end(sentence: str, figure) -> int:
    """Where the words about a figure end: its clause's end, or, when another figure follows
    in the clause, the list mark before it (支出规模29.7万亿元、比上年增加1.2万亿元: 比上年
    is the next figure's), else just past its qualifier (1361万人、调查失业率5%左右)."""
    end = clause_bounds(sentence, figure.start)[1]
    later = _DIGIT.search(sentence, figure.end, end)
    if not later:
        return end
    mark = sentence.rfind("、", figure.end, later.start())
    return mark if mark >= 0 else min(end, figure.end + STANCE_QUALIFIER_CHARS)


def _is_change(sentence: str, at: int) -> bool:
    """Whether a change word stands right before the figure, or before the list it ends
    (分别下降23%、15%、18%)."""
    before = _LIST_BEFORE.sub("", sentence[max(0, at - 40):at])
    return bool(_STATES_CHANGE.search(before[-6:]))


def _running_total(normal_text: str) -> bool:
    """A sentence up to the figure's clause end giving a running total (累计, 以来) and no
    yearly figure: it does not answer what one year comes to. A yearly word after the figure
    belongs to another one (累计新增城镇就业5870万人，居民收入年均增长8.8%)."""
    return bool(_STATES_CUMULATIVE.search(normal_text)) and not _STATES_YEARLY.search(normal_text)


def _names_share(analysis: QueryAnalysis, normal: str) -> float:
    if not analysis.normal_forms:
        return 0.0
    return sum(1 for forms in analysis.normal_forms if any(f in normal for f in forms)) / len(analysis.normal_forms)


def _unit_fit(asked: str | None, figure) -> float:
    if not asked:
        return 0.0
    if figure.unit == asked:
        return 1.0
    if figure.unit in GENERIC_MEASURE_WORDS:
        return 0.0  # 11个大型企业: 个 counts whatever 家 counts
    known = units_by_chinese()
    asked_unit, unit = known.get(asked), known.get(figure.unit)
    if asked_unit and unit and asked_unit.family and asked_unit.family == unit.family:
        return 1.0
    return -1.0


def _stance_fit(stance: str | None, normal: str) -> float:
    if stance is None:
        return 0.0
    normal = _MEETS_TARGET.sub("完成", normal)  # a target met is what the year came to
    target = bool(_STATES_TARGET.search(normal))
    outcome = bool(_STATES_OUTCOME.search(normal))
    if stance == "target":
        return 1.0 if target else (-0.5 if outcome else 0.0)
    return 1.0 if outcome and not target else (-1.0 if target and not outcome else 0.0)


def _year_fit(asked_years: list[int], year: int | None, passage_years: list[int] = (),
              document_fits: bool = False) -> float:
    """1 when the sentence dates the figure (``year``, from :func:`year_before`) to an asked
    year, -1 to another; when it names no year, half that by the years its passage and
    headings name (一、2016年工作回顾), or by its document (``document_fits``: the report of
    the year, or reviewing it)."""
    if not asked_years:
        return 0.0
    if year is not None:
        return 1.0 if year in asked_years else -1.0
    if set(passage_years) & set(asked_years) or (document_fits and not passage_years):
        return 0.5
    return -0.5 if passage_years else 0.0
