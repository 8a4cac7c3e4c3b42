"""The FAISS store (the default): the index file in the version's folder, searched in process.

Building, reading and searching are :mod:`qa.storage.faiss_index`'s, unchanged. A filtered search
scores the allowed rows exactly against the version's vectors, as the pipeline always did.
Deleting marks rows as gone (FAISS row numbers are the passages' and must not shift).
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from qa.storage.faiss_index import build_index, index_kind, read_index, search, write_index
from qa.storage.vectorstores.base import RowInfo, StoreSpec, VectorStore

INDEX_FILE = "vectors.faiss"


class FaissStore(VectorStore):
    kind = "faiss"

    def __init__(self, folder: Path, index=None, vectors: np.ndarray | None = None,
                 info: Sequence[RowInfo] = ()):
        self.folder = folder
        self.index = index
        self.vectors = vectors
        self._info = list(info)
        self._doc_rows: dict[str, list[int]] = {}
        for row, item in enumerate(self._info):
            self._doc_rows.setdefault(item.doc, []).append(row)
        self._deleted: set[int] = set()
        self._parts: list[np.ndarray] = []
        self.record = {"kind": self.kind}

    @classmethod
    def create(cls, spec: StoreSpec, folder: Path, version: str, dimension: int) -> "FaissStore":
        return cls(folder)

    @classmethod
    def open(cls, record: dict, folder: Path, vectors: np.ndarray | None = None,
             info: Sequence[RowInfo] = ()) -> "FaissStore":
        return cls(folder, read_index(folder / INDEX_FILE), vectors, info)

    def add(self, rows: Sequence[int], vectors: np.ndarray, info: Sequence[RowInfo]) -> None:
        if list(rows) != list(range(len(self._info), len(self._info) + len(rows))):
            raise ValueError("FAISS rows are added in order")
        self._parts.append(np.ascontiguousarray(vectors, dtype=np.float32))
        self._info.extend(info)

    def finish(self) -> dict:
        vectors = np.concatenate(self._parts) if len(self._parts) != 1 else self._parts[0]
        self.index = build_index(vectors)
        write_index(self.index, self.folder / INDEX_FILE)
        self.vectors, self._parts = vectors, []
        self.record["index_type"] = index_kind(self.index)
        return self.record

    def files(self) -> list[str]:
        return [INDEX_FILE]

    def delete(self, passage_ids: Sequence[str]) -> int:
        wanted = set(passage_ids)
        gone = {row for row, item in enumerate(self._info) if item.passage_id in wanted} - self._deleted
        self._deleted |= gone
        return len(gone)

    def search(self, query: np.ndarray, k: int, docs: Sequence[str] | None = None,
               rows: Sequence[int] | None = None) -> list[tuple[int, float]]:
        if docs is None and rows is None:
            extra = len(self._deleted)
            scores, found = search(self.index, query.reshape(1, -1), k + extra)
            hits = [(int(r), float(s)) for r, s in zip(found[0], scores[0]) if r >= 0 and int(r) not in self._deleted]
            return hits[:k]
        mask = np.zeros(self.index.ntotal, dtype=bool)
        mask[[row for doc in docs or () for row in self._doc_rows.get(doc, [])]] = True
        mask[list(rows or ())] = True
        mask[list(self._deleted)] = False
        allowed = np.flatnonzero(mask)
        scores = self.vectors[allowed] @ query
        top = np.argsort(-scores, kind="stable")[:k]
        return [(int(allowed[i]), float(scores[i])) for i in top]

    def count(self, doc: str | None = None) -> int:
        if doc is None:
            return int(self.index.ntotal) - len(self._deleted)
        return len(set(self._doc_rows.get(doc, [])) - self._deleted)

    @property
    def version(self) -> str:
        return self.folder.name
