"""The Milvus store: each version in its own collection, an alias on the current one.

A build writes every row of the new version into a new collection (``<prefix>_<version>``),
flushes it, builds its vector index and loads it; only then is the alias
``<prefix>_current`` moved to it, and the index folder's ``CURRENT`` after it. A build killed
before that leaves both on the previous version; its half-written collection is dropped by
the next build's clean-up, which also drops the collections of superseded versions.

The engine opens the collection its version's manifest names (not the alias), so the rows it
reads always match that version's passages.jsonl; the alias names the serving collection
for every other reader of the cluster (see docs/deploy.md).

Milvus Lite (a ``.db`` path) runs inside the process and admits one process per database
folder; a Milvus server or cluster (``http://host:19530``) has no such limit.
"""

from __future__ import annotations

import json
import math
import re
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from qa.storage.faiss_index import EXACT_SEARCH_MAX, IVF_PROBE_FRACTION
from qa.storage.vectorstores.base import RowInfo, StoreSpec, VectorStore, VectorStoreError, VectorStoreUnavailable

INSERT_BATCH = 5000
# Milvus Lite indexes each segment (at most 100k rows) on its own: IVF_FLAT with the FAISS
# store's rule for the number of lists at that size, and the same share of them probed.
SEGMENT_ROWS = 100_000
IVF_NLIST = 1 << int(round(math.log2(4 * math.sqrt(SEGMENT_ROWS))))  # 1024
IVF_NPROBE = max(1, int(round(IVF_NLIST * IVF_PROBE_FRACTION)))  # 128
FILTER_ROWS_MAX = 50_000  # longer row lists in a filter expression are refused, not sent

_clients: dict[str, object] = {}
_clients_lock = threading.Lock()


def is_lite(uri: str) -> bool:
    return not re.match(r"^(https?|tcp|unix):", uri)


def resolve_uri(record: dict, root: Path) -> str:
    """The URI a manifest record names; a Milvus Lite path inside the index folder is kept
    relative to it, so that the folder can be moved."""
    uri = record["uri"]
    return str(root / uri) if record.get("relative") else uri


def client(uri: str):
    """One MilvusClient per URI in this process."""
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise VectorStoreUnavailable("the Milvus store needs pymilvus: pip install 'report-qa[milvus]'") from None
    with _clients_lock:
        if uri not in _clients:
            if is_lite(uri):
                Path(uri).parent.mkdir(parents=True, exist_ok=True)
            try:
                _clients[uri] = MilvusClient(uri)
            except Exception as exc:  # pymilvus raises its own exception types
                hint = (" (Milvus Lite admits one process per database: is a `qa bot` or another "
                        "`qa` using it? Use a Milvus server for that)") if is_lite(uri) else ""
                raise VectorStoreUnavailable(f"cannot open Milvus at {uri}: {exc}{hint}") from None
        return _clients[uri]


def release(uri: str) -> None:
    """Close this process's client for ``uri``; for Milvus Lite also stop its in-process
    server, which frees the database folder for another process."""
    with _clients_lock:
        entry = _clients.pop(uri, None)
    if entry is not None:
        entry.close()
    if is_lite(uri):
        from milvus_lite.server_manager import server_manager_instance

        server_manager_instance.release_server(uri)


def collection_name(prefix: str, version: str) -> str:
    return re.sub(r"[^0-9A-Za-z_]", "_", f"{prefix}_{version}")


def quoted(values: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


class MilvusStore(VectorStore):
    kind = "milvus"
    external = True

    def __init__(self, record: dict, uri: str):
        self.record = record
        self.uri = uri
        self.collection = record["collection"]
        self.client = client(uri)

    @classmethod
    def create(cls, spec: StoreSpec, folder: Path, version: str, dimension: int) -> "MilvusStore":
        from pymilvus import DataType

        root = folder.parent.parent
        uri = spec.milvus_uri or str(root / "milvus.db")
        record = {"kind": cls.kind, "uri": uri, "collection": collection_name(spec.milvus_collection, version),
                  "alias": f"{spec.milvus_collection}_current", "dimension": dimension}
        if is_lite(uri) and Path(uri).resolve().is_relative_to(root.resolve()):
            record.update(uri=str(Path(uri).resolve().relative_to(root.resolve())), relative=True)
        store = cls(record, uri)
        milvus = store.client
        if milvus.has_collection(store.collection):
            milvus.drop_collection(store.collection)
        schema = milvus.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("row", DataType.INT64, is_primary=True)
        schema.add_field("passage_id", DataType.VARCHAR, max_length=1024)
        schema.add_field("doc", DataType.VARCHAR, max_length=2048)
        schema.add_field("year", DataType.INT64)  # the document's year; -1: none
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimension)
        milvus.create_collection(store.collection, schema=schema)
        return store

    @classmethod
    def open(cls, record: dict, folder: Path, vectors: np.ndarray | None = None,
             info: Sequence[RowInfo] = ()) -> "MilvusStore":
        store = cls(record, resolve_uri(record, folder.parent.parent))
        if not store.client.has_collection(store.collection):
            raise VectorStoreError(f"the Milvus collection {store.collection} is missing at {store.uri}")
        store.client.load_collection(store.collection)
        return store

    def add(self, rows: Sequence[int], vectors: np.ndarray, info: Sequence[RowInfo]) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        for start in range(0, len(rows), INSERT_BATCH):
            stop = min(len(rows), start + INSERT_BATCH)
            self.client.insert(self.collection, [
                {"row": int(rows[i]), "passage_id": info[i].passage_id, "doc": info[i].doc,
                 "year": -1 if info[i].year is None else int(info[i].year), "vector": vectors[i]}
                for i in range(start, stop)
            ])

    def finish(self) -> dict:
        milvus = self.client
        milvus.flush(self.collection)
        rows = self.count()
        params = milvus.prepare_index_params()
        if rows <= EXACT_SEARCH_MAX:
            index_type, index_params = "FLAT", {}
        else:
            index_type, index_params = "IVF_FLAT", {"nlist": IVF_NLIST}
        params.add_index("vector", index_type=index_type, metric_type="IP", params=index_params)
        # Milvus Lite builds the index in the call; pymilvus's wait for it asks for a timestamp
        # Milvus Lite does not implement (an error in the log, nothing else).
        milvus.create_index(self.collection, params, **({"sync": False} if is_lite(self.uri) else {}))
        milvus.load_collection(self.collection)
        self.record.update(index_type=index_type, index_params=index_params)
        return self.record

    def delete(self, passage_ids: Sequence[str]) -> int:
        if not passage_ids:
            return 0
        result = self.client.delete(self.collection, filter=f"passage_id in {quoted(passage_ids)}")
        return int(result.get("delete_count", 0)) if isinstance(result, dict) else len(result)

    def search(self, query: np.ndarray, k: int, docs: Sequence[str] | None = None,
               rows: Sequence[int] | None = None) -> list[tuple[int, float]]:
        parts = []
        if docs:
            parts.append(f"doc in {quoted(sorted(docs))}")
        if rows is not None and len(rows):
            if len(rows) > FILTER_ROWS_MAX:
                raise VectorStoreError(f"a filter of {len(rows)} rows is too long for one search")
            parts.append(f"row in [{', '.join(str(int(r)) for r in rows)}]")
        if (docs is not None or rows is not None) and not parts:
            return []
        params = {"metric_type": "IP"}
        if self.record.get("index_type") == "IVF_FLAT":
            params["params"] = {"nprobe": IVF_NPROBE}
        hits = self.client.search(self.collection, [np.asarray(query, dtype=np.float32).tolist()], limit=k,
                                  filter=" or ".join(parts), search_params=params, output_fields=["row"])
        return [(int(hit["entity"]["row"]), float(hit["distance"])) for hit in hits[0]]

    def count(self, doc: str | None = None) -> int:
        where = f"doc == {json.dumps(doc, ensure_ascii=False)}" if doc is not None else ""
        result = self.client.query(self.collection, filter=where, output_fields=["count(*)"])
        return int(result[0]["count(*)"])

    def passage_ids(self, doc: str | None = None) -> list[str]:
        """The passage ids held (of one document), for checks that nothing stale remains."""
        where = f"doc == {json.dumps(doc, ensure_ascii=False)}" if doc is not None else "row >= 0"
        return [r["passage_id"] for r in self.client.query(self.collection, filter=where,
                                                               output_fields=["passage_id"], limit=16384)]

    @property
    def version(self) -> str:
        return self.collection

    @classmethod
    def promote(cls, record: dict, root: Path) -> None:
        """Point the alias at this record's collection (created on first use)."""
        milvus = client(resolve_uri(record, root))
        alias, name = record["alias"], record["collection"]
        current = cls.serving(record, root)
        if current is None:
            milvus.create_alias(name, alias)
        elif current != name:
            milvus.alter_alias(name, alias)

    @classmethod
    def drop(cls, record: dict, root: Path) -> None:
        milvus = client(resolve_uri(record, root))
        if milvus.has_collection(record["collection"]):
            milvus.drop_collection(record["collection"])

    @staticmethod
    def collection_of(folder: Path) -> str | None:
        """The collection a (possibly half-written) version folder names."""
        try:
            return json.loads((folder / "vector_store.json").read_text(encoding="utf-8"))["collection"]
        except (OSError, ValueError, KeyError):
            return None

    @classmethod
    def serving(cls, record: dict, root: Path) -> str | None:
        """The collection the alias names now."""
        milvus = client(resolve_uri(record, root))
        if record["alias"] not in milvus.list_aliases().get("aliases", []):
            return None
        return milvus.describe_alias(record["alias"]).get("collection_name")
