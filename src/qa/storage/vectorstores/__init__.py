"""Vector stores: where a version's passage vectors are searched.

``faiss`` (the default) keeps the index in the version's folder (``vectors.faiss``);
``milvus`` writes each version into its own Milvus collection (Milvus Lite in a local
``.db`` folder, or a Milvus server / cluster) and moves an alias to it. See README.md,
"Vector store: FAISS or Milvus", and docs/deploy.md.
"""

from __future__ import annotations

from qa.storage.vectorstores.base import RowInfo, StoreSpec, VectorStore, VectorStoreError, row_info

STORES = ("faiss", "milvus")


def store_class(kind: str) -> type[VectorStore]:
    if kind == "faiss":
        from qa.storage.vectorstores.faiss_store import FaissStore

        return FaissStore
    if kind == "milvus":
        from qa.storage.vectorstores.milvus_store import MilvusStore

        return MilvusStore
    raise VectorStoreError(f"unknown vector store {kind!r}: use one of {', '.join(STORES)}")


__all__ = ["STORES", "RowInfo", "StoreSpec", "VectorStore", "VectorStoreError", "row_info", "store_class"]
