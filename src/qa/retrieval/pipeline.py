"""The retrieval pipeline: question -> analysed query -> retrievers -> fusion -> ranked passages."""

from __future__ import annotations

from dataclasses import dataclass, field

from qa.retrieval.dense import DenseRetriever
from qa.store import IndexVersion
from qa.types import Passage

DENSE_POOL = 50  # candidates taken from each retriever before fusion


@dataclass
class Candidate:
    row: int
    passage: Passage
    score: float  # the fused score that orders candidates
    dense: float = 0.0  # cosine similarity of the question and the passage
    features: dict = field(default_factory=dict)


@dataclass
class RetrievalResult:
    question: str
    candidates: list[Candidate]
    analysis: object = None


class Pipeline:
    def __init__(self, version: IndexVersion, settings: dict | None = None):
        self.version = version
        self.settings = settings or {}
        self.dense = DenseRetriever(version.faiss_index, top_k=DENSE_POOL)
        self._by_id = {p.id: p for p in version.passages}

    def passage_by_id(self, passage_id: str) -> Passage | None:
        return self._by_id.get(passage_id)

    def run(self, question: str, embedder, k: int) -> RetrievalResult:
        vector = embedder.encode_queries([question])[0]
        hits = self.dense.run(vector, max(k, DENSE_POOL))
        passages = self.version.passages
        candidates = [Candidate(row, passages[row], score, dense=score) for row, score in hits]
        return RetrievalResult(question, candidates)
