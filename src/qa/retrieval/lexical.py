"""Lexical retriever: Okapi BM25 over an inverted index of tokens.

Postings are numpy arrays, so a question touches only the rows that share a token with it
and stays fast at a million passages.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

# The usual Okapi BM25 constants: k1 saturates repeated terms, b normalises by length.
BM25_K1 = 1.2
BM25_B = 0.75


class BM25:
    def __init__(self, documents: list[list[str]], k1: float = BM25_K1, b: float = BM25_B):
        self.k1, self.b = k1, b
        self.size = len(documents)
        lengths = np.array([len(d) for d in documents], dtype=np.float32)
        self.average_length = float(lengths.mean()) if self.size else 0.0
        postings: dict[str, list[tuple[int, int]]] = {}
        for row, tokens in enumerate(documents):
            for token, count in Counter(tokens).items():
                postings.setdefault(token, []).append((row, count))
        norm = k1 * (1 - b + b * lengths / max(self.average_length, 1e-9))
        self._postings: dict[str, tuple[np.ndarray, np.ndarray, float]] = {}
        for token, entries in postings.items():
            rows = np.fromiter((r for r, _ in entries), dtype=np.int64, count=len(entries))
            tf = np.fromiter((c for _, c in entries), dtype=np.float32, count=len(entries))
            idf = math.log(1 + (self.size - len(entries) + 0.5) / (len(entries) + 0.5))
            self._postings[token] = (rows, (tf * (k1 + 1) / (tf + norm[rows])).astype(np.float32), idf)

    def idf(self, token: str) -> float:
        entry = self._postings.get(token)
        return entry[2] if entry else 0.0

    def rows_with_all(self, tokens: list[str]) -> np.ndarray:
        """Rows holding every one of the tokens (sorted); all rows when no token is given."""
        rows: np.ndarray | None = None
        for token in dict.fromkeys(tokens):
            entry = self._postings.get(token)
            if entry is None:
                return np.zeros(0, dtype=np.int64)
            rows = entry[0] if rows is None else np.intersect1d(rows, entry[0], assume_unique=True)
        return np.arange(self.size) if rows is None else np.sort(rows)

    def run(self, query: dict[str, float] | list[str], top_k: int = 50,
            allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(row, score) pairs, best first. ``query`` maps tokens to weights (or lists tokens);
        ``allowed``, a boolean mask over the rows, keeps the others out."""
        weights = Counter(query) if isinstance(query, list) else query
        scores = np.zeros(self.size, dtype=np.float32)
        touched = False
        for token, weight in weights.items():
            entry = self._postings.get(token)
            if entry is None:
                continue
            rows, contribution, idf = entry
            scores[rows] += weight * idf * contribution
            touched = True
        if allowed is not None:
            scores[~allowed] = 0.0
        if not touched:
            return []
        k = min(top_k, int(np.count_nonzero(scores)))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(r), float(scores[r])) for r in top]
