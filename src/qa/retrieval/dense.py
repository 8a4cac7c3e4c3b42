"""Dense retriever: the question's vector against the FAISS index."""

from __future__ import annotations

import numpy as np

from qa.vector_index import search


class DenseRetriever:
    def __init__(self, faiss_index, top_k: int = 50):
        self.faiss_index = faiss_index
        self.top_k = top_k

    def run(self, query_vector: np.ndarray, top_k: int | None = None) -> list[tuple[int, float]]:
        """(row, cosine score) pairs, best first."""
        scores, rows = search(self.faiss_index, query_vector.reshape(1, -1), top_k or self.top_k)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]
