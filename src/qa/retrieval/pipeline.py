"""The retrieval pipeline: question -> analysis -> dense + lexical retrievers -> fusion -> rerank.

Candidates from both retrievers are fused by reciprocal rank, then re-scored with features
that a plain similarity misses: whether the passage (with its section heading) names the
places the question names, whether its section belongs to one of them (the donor's
section), how many of the question's topic terms it holds, and whether it states a figure of
the kind asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.figures import (count_closeness, counted_forms, counts_in_words, figures_of_kind, measures_outcome, near_terms,
                        places_of_kind)
from qa.language.chinese import FRAME_NOUNS
from qa.language.english import NAME_HEADS
from qa.retrieval.bridge import Bridge
from qa.retrieval.dense import DenseRetriever
from qa.retrieval.derive import transcript_runs
from qa.retrieval.fusion import reciprocal_rank_fusion
from qa.retrieval.gazetteer import Gazetteer, heading_names
from qa.retrieval.lexical import BM25
from qa.retrieval.query import QueryAnalysis, QueryAnalyzer
from qa.retrieval.tokenize import is_noun, lexical_tokens
from qa.store import IndexVersion
from qa.units import QUANTITY_UNITS, unit_of
from qa.text import normalize
from qa.types import Passage

POOL = 50  # candidates taken from each retriever before fusion
# A question noun found in at most this share of passages names a particular thing (水厂),
# not the report's common vocabulary (资金, 项目), which any answering sentence may word otherwise.
RARE_NOUN_SHARE = 0.1
MAX_THING_TAIL = 10  # characters a thing's name may run on past the place name it starts with
# The last characters of names of things (学校, 产业园, 工程): from the kinds of named things.
KIND_CHARACTERS = frozenset("".join(NAME_HEADS.values()).replace(" ", ""))


@dataclass(frozen=True)
class Weights:
    """How much each feature adds to the fused rank score (both on a 0..1 scale).

    Defaults were chosen with `qa eval` on the tune split; override in qa.toml [retrieval].
    """

    fusion: float = 1.0
    names: float = 0.8
    section: float = 0.4
    terms: float = 0.5
    figure: float = 0.3
    dense_weight: float = 1.0  # relative weight of the dense ranking inside RRF
    lexical_weight: float = 1.0

    @classmethod
    def from_settings(cls, settings: dict) -> "Weights":
        known = {k: float(v) for k, v in settings.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class Candidate:
    row: int
    passage: Passage
    score: float  # the final score that orders candidates
    dense: float = 0.0  # cosine similarity of the question and the passage
    features: dict = field(default_factory=dict)


@dataclass
class RetrievalResult:
    question: str
    candidates: list[Candidate]
    analysis: QueryAnalysis | None = None
    names_meet: bool = True  # the question's names occur together in some passage
    answer_figures: object = None  # text, analysis -> the figures or names that would answer


class Pipeline:
    def __init__(self, version: IndexVersion, settings: dict | None = None):
        self.version = version
        self.settings = settings or {}
        self.weights = Weights.from_settings(self.settings.get("retrieval", {}))
        passages = version.passages
        self.dense = DenseRetriever(version.faiss_index, top_k=POOL)
        self.lexical = BM25([lexical_tokens(_context(p)) for p in passages])
        self.gazetteer = Gazetteer(version.derived.get("gazetteer", {}))
        self.analyzer = QueryAnalyzer(
            self.gazetteer,
            Bridge(version.derived.get("bridge", {})),
            set(version.derived.get("vocabulary", {}).get("words", [])),
            version.derived.get("vocabulary", {}).get("pinyin", {}),
        )
        transcript = version.derived.get("vocabulary", {}).get("transcript")
        self.analyzer.use_transcript(transcript, transcript_runs(passages) if transcript else [])
        self._by_id = {p.id: p for p in passages}
        self._contexts = [normalize(_context(p)) for p in passages]
        self._sections = [normalize(p.section or "") for p in passages]
        self._section_owners = [_section_owner(p.section) for p in passages]
        self._rare_limit = max(1, int(len(passages) * RARE_NOUN_SHARE))

    def passage_by_id(self, passage_id: str) -> Passage | None:
        return self._by_id.get(passage_id)

    def run(self, question: str, embedder, k: int) -> RetrievalResult:
        analysis = self.analyzer.run(question)
        analysis.group_weights = [self._group_weight(g) for g in analysis.term_groups]
        vector = embedder.encode_queries([analysis.dense_text()])[0]
        pool = max(k, POOL)
        dense_hits = self.dense.run(vector, pool)
        lexical_hits = self.lexical.run(self._lexical_query(analysis), pool)
        fused = reciprocal_rank_fusion(
            [dense_hits, lexical_hits], [self.weights.dense_weight, self.weights.lexical_weight]
        )
        rows = list(fused)
        dense_scores = dict(zip(rows, (self.version.vectors[rows] @ vector).tolist()))
        analysis.name_sections = self._sections_naming(analysis)
        if analysis.lang == "zh" and analysis.qtype in ("amount", "count", "year"):
            analysis.topic_nouns = (self._rare_nouns(analysis, [w for w, tag in analysis.tagged_words if tag == "n"])
                                    + self._things_named_from(analysis))
        elif analysis.lang == "en":
            analysis.topic_nouns = (self._rare_nouns(analysis, [w for w in analysis.typed_terms if is_noun(w)])
                                    + self._typed_chinese_things(analysis))
        best_fused = max(fused.values()) if fused else 1.0
        candidates = [self._score(row, fused[row] / best_fused, dense_scores, analysis) for row in rows]
        candidates.sort(key=lambda c: (-c.score, c.row))
        return RetrievalResult(question, candidates, analysis, self._names_meet(analysis), self.answer_figures)

    def _lexical_query(self, analysis: QueryAnalysis) -> dict[str, float]:
        query: dict[str, float] = {}
        for token in lexical_tokens(analysis.text):
            query[token] = query.get(token, 0.0) + 1.0
        for name in analysis.names:
            for token in lexical_tokens(name.forms[0]):
                query[token] = query.get(token, 0.0) + 1.0
        for term, weight in analysis.terms.items():
            for token in lexical_tokens(term):
                query[token] = max(query.get(token, 0.0), weight)
        return query

    def _score(self, row: int, fusion: float, dense: dict[int, float], analysis) -> Candidate:
        """``fusion``: the row's fused rank score relative to the best one (0..1]."""
        w = self.weights
        context, section = self._contexts[row], self._sections[row]
        names = analysis.names
        named = [n for n, forms in zip(names, analysis.normal_forms) if any(f in context for f in forms)]
        # A name the passage does not give but its section does elsewhere counts half: the
        # section about one donor's support names the place supported once, not in every line.
        in_section = [n for n in names if section and n not in named and section in analysis.name_sections[n.entity]]
        passage = self.version.passages[row]
        features = {
            "fusion": fusion,
            "names": (len(named) + 0.5 * len(in_section)) / len(names) if names else 0.0,
            "section": self._section_match(row, analysis),
            "terms": term_coverage(analysis, context),
            "figure": self._figure_match(passage.text, analysis),
        }
        score = sum(getattr(w, key) * value for key, value in features.items())
        return Candidate(row, passage, score, dense=float(dense[row]), features=features)

    def _section_match(self, row: int, analysis: QueryAnalysis) -> float:
        """1 when the section belongs to one of the question's names: 青岛 for the heading
        山东省青岛市, not 山东, the region around it, which other sections share."""
        owner = self._section_owners[row]
        return 1.0 if any(f in owner for f in analysis.flat_forms) else 0.0

    def _figure_match(self, text: str, analysis: QueryAnalysis) -> float:
        """1 when the text states the asked kind of figure next to a topic word of the
        question, 0.5 when it states one elsewhere."""
        figures = self.answer_figures(text, analysis)
        if not figures:
            return 0.0
        return 1.0 if any(near_terms(text, f, analysis.terms) for f in figures) else 0.5

    def answer_figures(self, text: str, analysis: QueryAnalysis):
        """What would answer the question in this text: figures of the asked kind, or names
        of the asked administrative level ("which county")."""
        if analysis.qtype == "name" and analysis.place_suffix:
            return places_of_kind(text, analysis.place_suffix, self.gazetteer, set(analysis.entities))
        figures = figures_of_kind(text, analysis.qtype, analysis.terms, analysis.unit)
        if analysis.qtype == "amount":  # output answers output questions, and only those
            figures = [f for f in figures if measures_outcome(text, f) == analysis.asks_outcome]
            if analysis.counted_terms:  # "how much citrus": a quantity of it answers too (300多吨)
                figures += [f for f in figures_of_kind(text, "count", analysis.terms) if unit_of(f.text) in QUANTITY_UNITS]
        if analysis.qtype == "count" and not analysis.unit:
            figures += counts_in_words(text, analysis.counted_terms)
        if analysis.counted_terms:  # "how many cadres": the figure whose clause names 干部, nearest first
            counted = counted_forms(analysis.counted_terms)
            figures.sort(key=lambda f: count_closeness(text, f, counted))
        return figures

    def _rare_nouns(self, analysis: QueryAnalysis, nouns_given: list[str]) -> list[str]:
        """Of the nouns the question gives, those few passages hold (see RARE_NOUN_SHARE)."""
        forms = analysis.flat_forms
        return [word for word in dict.fromkeys(nouns_given)
                if len(word) >= 2 and word not in FRAME_NOUNS and word in self.analyzer.vocabulary
                and not any(word in form or form in word for form in forms)
                and self._is_rare(word)]

    def _typed_chinese_things(self, analysis: QueryAnalysis) -> list[str]:
        """Chinese an English question types that few passages hold (武汉路 in "武汉路 in
        zigui cost how much"): the answer must name it too. Runs the corpus never holds, or
        that are a name's own form, are left out."""
        forms = analysis.flat_forms
        typed = re.findall(r"[\u4e00-\u9fff]{3,}", analysis.text) + analysis.spelled_things
        return [run for run in dict.fromkeys(typed) if not any(run in form for form in forms) and self._is_rare(run)]

    def _things_named_from(self, analysis: QueryAnalysis) -> list[str]:
        """Names of things that begin with a name the question gives: 海沧希望小学 for 海沧.
        The longest run of the question from the name on that the corpus holds, when it ends
        in a name's kind character (学, 园, 程) and holds no other name: the thing asked
        about, which the answering sentence must name too."""
        forms = analysis.flat_forms
        things = []
        for form in forms:
            at = analysis.text.find(form)
            if at < 0:
                continue
            longest = None
            for end in range(at + len(form) + 2, min(len(analysis.text), at + len(form) + MAX_THING_TAIL) + 1):
                run = analysis.text[at:end]
                if not re.fullmatch(r"[\u4e00-\u9fff]+", run) or not self._rows_containing(run):
                    break
                if run[-1] in KIND_CHARACTERS and not any(f in run[len(form):] for f in forms):
                    longest = run
            if longest and self._is_rare(longest):
                things.append(longest)
        return things

    def _is_rare(self, text: str) -> bool:
        """Whether some passages hold the text, but no more than RARE_NOUN_SHARE of them."""
        return 0 < len(self._rows_containing(text)) <= self._rare_limit

    def _group_weight(self, group: dict[str, float]) -> float:
        """How telling a question word is: the rarest corpus term it stands for (BM25 idf)."""
        best = 0.0
        for term in group:
            tokens = lexical_tokens(term)
            if tokens:
                best = max(best, sum(self.lexical.idf(t) for t in tokens) / len(tokens))
        return best

    def _sections_naming(self, analysis: QueryAnalysis) -> dict[str, set[str]]:
        """Entity -> the (normalised) section headings whose passages name it."""
        if len(analysis.names) < 2:
            return {n.entity: set() for n in analysis.names}  # one name: nothing to weigh
        return {
            n.entity: {self._sections[row] for form in n.forms for row in self._rows_containing(form)}
            for n in analysis.names
        }

    def _names_meet(self, analysis: QueryAnalysis) -> bool:
        """Whether one passage (with its section heading) names every place the question names.
        The lexical index narrows the rows to check, so this stays fast on large corpora."""
        entities = analysis.names
        if len(entities) < 2:
            return True
        common: set[int] | None = None
        for name in entities:
            rows = set()
            for form in name.forms:
                rows.update(self._rows_containing(form))
            common = rows if common is None else common & rows
            if not common:
                return False
        return True

    def _rows_containing(self, text: str) -> list[int]:
        normal = normalize(text)
        candidates = self.lexical.rows_with_all(lexical_tokens(text))
        return [int(r) for r in candidates if normal in self._contexts[r]]


def _section_owner(section: str | None) -> str:
    """The innermost name of a heading: whom its section is about (山东省青岛市 -> 青岛市)."""
    names = heading_names(section or "")
    return normalize(names[-1]) if names else ""


def _context(passage: Passage) -> str:
    """The passage as searched: its section heading (who it is about) and its text."""
    return f"{passage.section}\n{passage.text}" if passage.section else passage.text


def term_coverage(analysis: QueryAnalysis, text: str) -> float:
    """Share of the question's topic words (weighted by rarity) that the text holds."""
    weights = getattr(analysis, "group_weights", None) or [1.0] * len(analysis.term_groups)
    total = sum(weights)
    if not total:
        return 0.0
    normal = normalize(text)
    hit = sum(w for g, w in zip(analysis.normal_groups, weights) if any(t in normal for t in g))
    return hit / total
