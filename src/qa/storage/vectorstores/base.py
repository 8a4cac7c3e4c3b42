"""The vector-store interface: what the engine asks of the place its vectors live.

Rows are a version's passage numbers (the order of passages.jsonl); a store holds, per
row, the vector and the passage id, the document and the document's year, so that a
search can be limited to some documents (and extra rows) inside the store.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from qa.config import StoreSpec


class VectorStoreError(RuntimeError):
    """A vector store that cannot be opened or written; the message says why."""


class VectorStoreUnavailable(VectorStoreError):
    """The store cannot be reached (not: the index is damaged); the message says why."""


@dataclass(frozen=True)
class RowInfo:
    """What a store keeps beside each vector, for filtering and counting."""

    passage_id: str
    doc: str
    year: int | None = None


def row_info(passages, documents: dict) -> list[RowInfo]:
    """Each passage's id, document and document year (``documents``: the derived profiles)."""
    return [RowInfo(p.id, p.doc, (documents.get(p.doc) or {}).get("year")) for p in passages]


class VectorStore(ABC):
    """One version's vectors. Built with :meth:`create`, opened with :meth:`open` from the
    ``vector_store`` record of the version's manifest."""

    kind: str = ""
    external = False  # holds data outside the version's folder (then clean-up must drop it)
    record: dict

    @classmethod
    @abstractmethod
    def create(cls, spec: StoreSpec, folder: Path, version: str, dimension: int) -> "VectorStore":
        """An empty store for a new version (``folder``: the version's folder being written)."""

    @classmethod
    @abstractmethod
    def open(cls, record: dict, folder: Path, vectors: np.ndarray | None = None,
             info: Sequence[RowInfo] = ()) -> "VectorStore":
        """The store a manifest's ``vector_store`` record names (``vectors``, ``info``: the
        version's own, for stores that search in process)."""

    @abstractmethod
    def add(self, rows: Sequence[int], vectors: np.ndarray, info: Sequence[RowInfo]) -> None:
        """Add vectors (normalised float32) for these rows."""

    @abstractmethod
    def finish(self) -> dict:
        """Make what was added searchable and durable; returns the manifest record."""

    @abstractmethod
    def delete(self, passage_ids: Sequence[str]) -> int:
        """Remove the rows of these passages; returns how many were removed."""

    @abstractmethod
    def search(self, query: np.ndarray, k: int, docs: Sequence[str] | None = None,
               rows: Sequence[int] | None = None) -> list[tuple[int, float]]:
        """(row, cosine score) pairs of the k nearest rows, best first. With ``docs`` or
        ``rows`` given, only rows of those documents or those rows are searched."""

    @abstractmethod
    def count(self, doc: str | None = None) -> int:
        """Rows held (of one document, when given)."""

    @property
    @abstractmethod
    def version(self) -> str:
        """What this store's content is named by: the version, or the collection."""

    def files(self) -> list[str]:
        """Files the store wrote into the version's folder (checksummed by the manifest)."""
        return []

    @classmethod
    def promote(cls, record: dict, root: Path) -> None:
        """Make a complete version the store's serving one (called before ``CURRENT`` moves,
        and again by the clean-up, which repairs a build killed in between)."""

    @classmethod
    def drop(cls, record: dict, root: Path) -> None:
        """Remove what a superseded or half-written version left in the store."""
