"""Dense retriever: the question's vector against the version's vector store (FAISS or Milvus)."""

from __future__ import annotations

import numpy as np


class DenseRetriever:
    def __init__(self, vector_store, top_k: int = 50):
        self.vector_store = vector_store
        self.top_k = top_k

    def run(self, query_vector: np.ndarray, top_k: int | None = None, docs=None, rows=None) -> list[tuple[int, float]]:
        """(row, cosine score) pairs, best first; with ``docs`` / ``rows``, of those only."""
        return self.vector_store.search(query_vector, top_k or self.top_k, docs=docs, rows=rows)
