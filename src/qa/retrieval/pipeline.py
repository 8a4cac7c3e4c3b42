"""The retrieval pipeline: question -> analysis -> scope -> dense + lexical retrievers -> fusion -> rerank.

The **scope** narrows the corpus before anything is ranked, as a reader would: a question
about 2019 reads the reports of 2019 (and of 2020, which reviews 2019) and the passages that
name 2019; "the 2010 report" reads that document only. A year no report covers is said so
instead of answered from another year.

Candidates from both retrievers are fused by reciprocal rank, then re-scored with features
that a plain similarity misses: whether the passage (with its section heading and its
document's own place) names the places the question names, how many of the question's
subject terms it holds, whether it is about the asked year, and whether it states a figure
of the kind asked for next to the subject.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qa.language.figures import clause_bounds, figures_of_kinds
from qa.language.timeframe import asked_plans, plan_forms, plan_years
from qa.retrieval.bridge import Bridge
from qa.retrieval.dense import DenseRetriever
from qa.retrieval.derive import transcript_runs
from qa.retrieval.documents import DocumentProfile
from qa.retrieval.fusion import reciprocal_rank_fusion
from qa.retrieval.gazetteer import Gazetteer, heading_names
from qa.retrieval.lexical import BM25
from qa.retrieval.query import QueryAnalysis, QueryAnalyzer
from qa.retrieval.tokenize import lexical_tokens
from qa.storage.versions import IndexVersion
from qa.text import normalize
from qa.types import Passage, QuestionFrame

POOL = 50  # candidates taken from each retriever before fusion


@dataclass(frozen=True)
class Weights:
    """How much each feature adds to the fused rank score (both on a 0..1 scale).

    Defaults were chosen with `qa eval` on the dev splits; override in qa.toml [retrieval].
    """

    fusion: float = 1.0
    names: float = 0.8
    section: float = 0.4
    terms: float = 0.6
    figure: float = 0.3
    year: float = 0.8
    recent: float = 0.1  # no year asked: the latest report states the current figure
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
class Scope:
    """The rows a question reads, and the years it is about."""

    allowed: np.ndarray | None = None  # boolean mask over rows; None: the whole corpus
    docs: list[str] = field(default_factory=list)  # the mask as the vector store filters it:
    rows: list[int] = field(default_factory=list)  # these documents' rows and these rows
    years: list[int] = field(default_factory=list)  # years the figures must be about
    report_years: list[int] = field(default_factory=list)  # documents named by their year
    missing: str | None = None  # why nothing in the corpus can answer (a year no report covers)


@dataclass
class RetrievalResult:
    question: str
    candidates: list[Candidate]
    analysis: QueryAnalysis | None = None
    names_meet: bool = True  # the question's names occur together in some passage
    scope: Scope = field(default_factory=Scope)
    documents: dict[str, DocumentProfile] = field(default_factory=dict)
    passage_years: list[list[int]] = field(default_factory=list)


class Pipeline:
    def __init__(self, version: IndexVersion, settings: dict | None = None):
        self.version = version
        self.settings = settings or {}
        self.weights = Weights.from_settings(self.settings.get("retrieval", {}))
        passages = version.passages
        self.dense = DenseRetriever(version.vector_store, top_k=POOL)
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
        self.documents = {doc: DocumentProfile.from_dict(record)
                          for doc, record in version.derived.get("documents", {}).items()}
        self.passage_years = [list(years) for years in version.derived.get("passage_years", [[] for _ in passages])]
        self._by_id = {p.id: p for p in passages}
        self._contexts = [normalize(_context(p)) for p in passages]
        self._sections = [normalize(p.section or "") for p in passages]
        self._section_owners = [_section_owner(p.section) for p in passages]
        self._docs = [p.doc for p in passages]
        self._doc_rows: dict[str, list[int]] = {}  # document -> its rows, for the scope and the names check
        self._year_rows: dict[int, list[int]] = {}  # year -> rows whose text or headings name it
        for row, (doc, years) in enumerate(zip(self._docs, self.passage_years)):
            self._doc_rows.setdefault(doc, []).append(row)
            for year in years:
                self._year_rows.setdefault(year, []).append(row)
        self._recency = self._document_recency()

    def passage_by_id(self, passage_id: str) -> Passage | None:
        return self._by_id.get(passage_id)

    def frame(self, question: str) -> QuestionFrame:
        """How the question reads (places, years, subject), without retrieving anything."""
        return self.analyzer.run(question).frame()

    def run(self, question: str, embedder, k: int) -> RetrievalResult:
        analysis = self.analyzer.run(question)
        analysis.group_weights = [self._group_weight(g) for g in analysis.term_groups]
        scope = self.scope(analysis)
        result = RetrievalResult(question, [], analysis, self._names_meet(analysis), scope,
                                 self.documents, self.passage_years)
        if scope.missing:
            return result
        vector = embedder.encode_queries([analysis.dense_text()])[0]
        pool = max(k, POOL)
        dense_hits = self._dense_hits(vector, pool, scope)
        lexical_hits = self.lexical.run(self._lexical_query(analysis), pool, scope.allowed)
        fused = reciprocal_rank_fusion(
            [dense_hits, lexical_hits], [self.weights.dense_weight, self.weights.lexical_weight]
        )
        rows = list(fused)
        dense_scores = dict(zip(rows, (self.version.vectors[rows] @ vector).tolist())) if rows else {}
        analysis.name_sections = self._sections_naming(analysis)
        best_fused = max(fused.values()) if fused else 1.0
        candidates = [self._score(row, fused[row] / best_fused, dense_scores, analysis, scope) for row in rows]
        candidates.sort(key=lambda c: (-c.score, c.row))
        result.candidates = candidates
        return result

    # -- scope ----------------------------------------------------------------------------

    def scope(self, analysis: QueryAnalysis) -> Scope:
        asked = analysis.years
        dated = [p.year for p in self.documents.values() if p.year is not None]
        years = list(asked.about)
        if not years and not asked.reports and asked.relative is not None and dated:
            years = [max(dated) + asked.relative]  # "last year": against the latest report
        scope = Scope(years=years, report_years=list(asked.reports))
        if asked.reports:
            docs = {d for d, p in self.documents.items() if p.year in asked.reports}
            if not docs:
                scope.missing = "no report of " + ", ".join(map(str, asked.reports)) + " is in the corpus"
                return scope
            scope.allowed = self._mask(self._rows_of_docs(docs))
            scope.docs = sorted(docs)
            return scope
        if asked.plans and not years:
            scope.docs, scope.rows = self._plan_scope(asked.plans)
            scope.allowed = self._mask(self._rows_of_docs(scope.docs) + scope.rows)
            return scope
        if years:
            wanted = set(years)
            docs = {d for d, p in self.documents.items() if p.about_years & wanted}
            scope.docs = sorted(docs)
            scope.rows = sorted({r for y in wanted for r in self._year_rows.get(y, [])})
            mask = self._mask(self._rows_of_docs(docs) + scope.rows)
            if not mask.any():
                scope.missing = "the reports say nothing about " + ", ".join(map(str, years))
                return scope
            scope.allowed = mask
        return scope

    def _plan_scope(self, plans: list[int]) -> tuple[list[str], list[int]]:
        """A five-year plan's documents, the reports from the year before it (which sets it
        out) to the year after it (which reviews it), and the other rows naming it."""
        docs: set[str] = set()
        rows: set[int] = set()
        for plan in plans:
            first, last = plan_years(plan)
            docs |= {d for d, p in self.documents.items() if p.year is not None and first - 1 <= p.year <= last + 1}
            named = {r for form in plan_forms(plan) for r in self._rows_containing(form)}  # 一五 is in 十一五 too
            rows |= {r for r in named if plan in asked_plans(self._contexts[r])}
        return sorted(docs), sorted(r for r in rows if self._docs[r] not in docs)

    def _rows_of_docs(self, docs) -> list[int]:
        return [row for doc in docs for row in self._doc_rows.get(doc, [])]

    def _mask(self, rows: list[int]) -> np.ndarray:
        mask = np.zeros(len(self._docs), dtype=bool)
        mask[rows] = True
        return mask

    def _dense_hits(self, vector: np.ndarray, pool: int, scope: Scope) -> list[tuple[int, float]]:
        """The scope is filtered inside the vector store (a Milvus filter expression)."""
        if scope.allowed is None:
            return self.dense.run(vector, pool)
        return self.dense.run(vector, pool, docs=scope.docs, rows=scope.rows)

    def _document_recency(self) -> dict[str, float]:
        """Each dated document's place between the oldest (0) and the latest (1) report."""
        years = [p.year for p in self.documents.values() if p.year is not None]
        if len(set(years)) < 3:
            return {}
        low, high = min(years), max(years)
        return {d: (p.year - low) / (high - low) for d, p in self.documents.items() if p.year is not None}

    # -- scoring --------------------------------------------------------------------------

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

    def _score(self, row: int, fusion: float, dense: dict[int, float], analysis: QueryAnalysis,
               scope: Scope) -> Candidate:
        """``fusion``: the row's fused rank score relative to the best one (0..1]."""
        w = self.weights
        context, section = self._contexts[row], self._sections[row]
        names = analysis.names
        profile = self.documents.get(self._docs[row])
        own_places = set(profile.places) if profile else set()
        named = [n for n, forms in zip(names, analysis.normal_forms)
                 if n.entity in own_places or any(f in context for f in forms)]
        # A name the passage does not give but its section does elsewhere counts half: the
        # section about one donor's support names the place supported once, not in every line.
        in_section = [n for n in names if section and n not in named and section in analysis.name_sections[n.entity]]
        passage = self.version.passages[row]
        features = {
            "fusion": fusion,
            "names": (len(named) + 0.5 * len(in_section)) / len(names) if names else 0.0,
            "section": self._section_match(row, analysis),
            "terms": term_coverage(analysis, context),  # context is normalised
            "figure": self._figure_match(passage.text, analysis),
            "year": self._year_match(row, scope, analysis.stance),
            "recent": 0.0 if scope.years or scope.report_years else self._recency.get(self._docs[row], 0.0),
        }
        score = sum(getattr(w, key) * value for key, value in features.items())
        return Candidate(row, passage, score, dense=float(dense[row]), features=features)

    def _year_match(self, row: int, scope: Scope, stance: str | None) -> float:
        """How surely the passage is about an asked year, by what it names and by its
        document. A report's own year is the year its targets are for, its review year (the
        year before, for a report reviewing it) the year its results are of: a target
        question prefers the first, any other question the second. A passage naming the
        year in the preferred document is surest (1); naming it elsewhere, less (0.7, or 0.6
        in a document about other years): the report of 2012 names 2012 for its targets,
        the one of 2013 for the results."""
        if not scope.years:
            return 0.0
        named = set(self.passage_years[row]) if row < len(self.passage_years) else set()
        wanted = set(scope.years)
        profile = self.documents.get(self._docs[row])
        about = profile is not None and bool(profile.about_years & wanted)
        preferred = False
        if about:
            plans = profile.year in wanted
            reviews = profile.review_year in wanted and profile.review_year != profile.year
            preferred = plans if stance == "target" else (reviews or profile.review_year == profile.year)
        if named & wanted:
            return 1.0 if preferred else (0.7 if about else 0.6)
        if not about:
            return 0.0
        fit = 0.8 if preferred else 0.4
        return fit / 2 if named else fit  # it names another year: half as sure

    def _section_match(self, row: int, analysis: QueryAnalysis) -> float:
        """1 when the section belongs to one of the question's names: 青岛 for the heading
        山东省青岛市, not 山东, the region around it, which other sections share."""
        owner = self._section_owners[row]
        return 1.0 if owner and any(f in owner for f in analysis.flat_forms) else 0.0

    def _figure_match(self, text: str, analysis: QueryAnalysis) -> float:
        """1 when the text states a figure of an accepted kind in a clause with a subject
        term of the question, 0.5 when it states one elsewhere."""
        if not analysis.asks_figure:
            return 0.0
        figures = figures_of_kinds(text, frozenset(analysis.accepts))
        if not figures:
            return 0.0
        normal = normalize(text)
        terms = [t for group, _w in analysis.subject_groups for t in group]
        for figure in figures:
            start, end = clause_bounds(text, figure.start)
            clause = normal[start:end]
            if any(t in clause for t in terms):
                return 1.0
        return 0.5

    def _group_weight(self, group: dict[str, float]) -> float:
        """How telling a question word is: the BM25 idf of its commonest rendering in the
        corpus (a loose gloss with one rare sense must not outweigh the subject)."""
        weights = []
        for term in group:
            tokens = lexical_tokens(term)
            idf = sum(self.lexical.idf(t) for t in tokens) / len(tokens) if tokens else 0.0
            if idf > 0:
                weights.append(idf)
        return min(weights) if weights else 0.0

    def _sections_naming(self, analysis: QueryAnalysis) -> dict[str, set[str]]:
        """Entity -> the (normalised) section headings whose passages name it."""
        if len(analysis.names) < 2:
            return {n.entity: set() for n in analysis.names}  # one name: nothing to weigh
        return {
            n.entity: {self._sections[row] for form in n.forms for row in self._rows_containing(form)}
            for n in analysis.names
        }

    def _names_meet(self, analysis: QueryAnalysis) -> bool:
        """Whether one passage (with its section heading and its document's place) names
        every place the question names. The lexical index narrows the rows to check."""
        entities = analysis.names
        if len(entities) < 2:
            return True
        common: set[int] | None = None
        for name in entities:
            rows = set()
            for form in name.forms:
                rows.update(self._rows_containing(form))
            rows.update(self._rows_of_docs(d for d, p in self.documents.items() if name.entity in p.places))
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


def term_coverage(analysis: QueryAnalysis, normal_text: str) -> float:
    """Share of the question's topic words (weighted by rarity) that the normalised text holds."""
    weights = analysis.term_weights
    total = sum(weights)
    if not total:
        return 0.0
    hit = sum(w for g, w in zip(analysis.normal_groups, weights) if any(t in normal_text for t in g))
    return hit / total
