"""The scale section's Milvus part (``--milvus``): the engine's Milvus Lite store over the
same synthetic vectors and queries as FAISS's row."""

from __future__ import annotations

import gc
import shutil
import time
from pathlib import Path

from benchmarks.harness import MIB, Context, PeakRSS, log, med, pct, rnd, version_of
from benchmarks.scale_dense import NEAR_TIE

FILTER_DOCS = ["doc3.txt", "doc7.txt"]  # the document-filtered search: two documents of 1000 rows each
ROWS_PER_DOC = 1000


def milvus_row(ctx: Context, x, queries) -> dict:
    """The Milvus Lite store over the same vectors and queries (--milvus): insert, index and
    load time, memory (this process: Milvus Lite runs in it), single-query latency and
    recall@10 against exact search, through the engine's own MilvusStore."""
    from qa.retrieval.pipeline import POOL
    from qa.storage.vectorstores.milvus_store import release

    n = x.shape[0]
    log(f"scale: Milvus Lite over {n} vectors")
    uri = str(ctx.work / "milvus" / f"scale-{n}.db")
    store, info, built = filled_store(ctx, x, uri)
    lat, recall, near = searched(store, x, queries, POOL)
    filtered_lat, outside = filtered_searches(store, info, queries[:20], POOL)
    disk = sum(f.stat().st_size for f in Path(uri).rglob("*") if f.is_file())
    release(uri)
    shutil.rmtree(ctx.work / "milvus", ignore_errors=True)
    return {"store": "milvus-lite " + (version_of("milvus-lite") or "?"), **built, "disk_mib": rnd(disk / MIB, 1),
            "search_ms_p50": rnd(med(lat), 3), "search_ms_p95": rnd(pct(lat, 95), 3),
            "recall_at_10": rnd(recall, 4), "near_tie_recall": rnd(near, 4), "k": POOL,
            "filtered_search_ms_p50": rnd(med(filtered_lat), 3), "filtered_rows_outside": outside}


def filled_store(ctx: Context, x, uri: str):
    """A MilvusStore holding ``x`` (rows spread over documents of ROWS_PER_DOC rows): the
    store, its row descriptions, and its build time and memory."""
    from qa.storage.vectorstores import StoreSpec
    from qa.storage.vectorstores.base import RowInfo
    from qa.storage.vectorstores.milvus_store import MilvusStore

    n, d = x.shape
    folder = ctx.work / "milvus" / "versions" / f"v{n}"
    folder.mkdir(parents=True, exist_ok=True)
    gc.collect()
    with PeakRSS() as peak:
        t = time.perf_counter()
        store = MilvusStore.create(StoreSpec("milvus", uri, "bench"), folder, f"v{n}", d)
        info = [RowInfo(f"p{i}", f"doc{i // ROWS_PER_DOC}.txt", None) for i in range(n)]
        store.add(range(n), x, info)
        insert_s = time.perf_counter() - t
        t = time.perf_counter()
        record = store.finish()
        index_s = time.perf_counter() - t
    return store, info, {
        "index_type": record["index_type"], "index_params": record["index_params"], "nprobe": store_nprobe(record),
        "insert_s": rnd(insert_s, 2), "index_s": rnd(index_s, 2), "build_s": rnd(insert_s + index_s, 2),
        "build_peak_rss_delta_mib": rnd(peak.peak - peak.start, 1), "rss_delta_mib": rnd(peak.end - peak.start, 1)}


def searched(store, x, queries, k: int):
    """Single-query searches of k: latencies (ms), recall@10 and near-tie recall@10 against
    exact search (IndexFlatIP over the same vectors)."""
    import faiss
    import numpy as np

    flat = faiss.IndexFlatIP(x.shape[1])
    flat.add(np.ascontiguousarray(x))
    truth_scores, truth_rows = flat.search(queries, 10)
    del flat
    lat, hits, near = [], 0, 0
    for i, q in enumerate(queries):
        t = time.perf_counter()
        found = store.search(q, k)
        lat.append((time.perf_counter() - t) * 1000)
        top = [r for r, _s in found[:10]]
        hits += len(set(top) & set(truth_rows[i].tolist()))
        near += sum(1 for _r, sc in found[:10] if sc >= truth_scores[i, 9] - NEAR_TIE)
    return lat, hits / (10 * len(queries)), near / (10 * len(queries))


def filtered_searches(store, info, queries, k: int):
    """Searches limited to FILTER_DOCS: latencies (ms), and how many rows came from elsewhere."""
    lat, outside = [], 0
    for q in queries:
        t = time.perf_counter()
        found = store.search(q, k, docs=FILTER_DOCS)
        lat.append((time.perf_counter() - t) * 1000)
        outside += sum(1 for r, _s in found if info[r].doc not in FILTER_DOCS)
    return lat, outside


def store_nprobe(record: dict) -> int | None:
    from qa.storage.vectorstores.milvus_store import IVF_NPROBE

    return IVF_NPROBE if record.get("index_type") == "IVF_FLAT" else None
