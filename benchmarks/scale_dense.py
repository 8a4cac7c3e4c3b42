"""The scale section's dense part: the engine's FAISS index over synthetic vectors (exact up
to ``--exact-max``, IVF-SQ8 with exact re-ranking above), searched one query at a time for
the pipeline's pool, recall@10 against exact search; a sweep of the share of lists probed,
and an IVF-Flat comparison."""

from __future__ import annotations

import gc
import math
import time

from benchmarks.harness import MIB, Context, PeakRSS, log, med, pct, rnd
from benchmarks.report import TARGETS
from benchmarks.synthetic import SEED

NEAR_TIE = 0.002  # cosine: a returned neighbour this close to the exact 10th counts as a near tie


def faiss_index_mib(index) -> float:
    """What a FAISS index holds in memory, from its structures (vectors, graph, lists)."""
    import faiss

    if isinstance(index, faiss.IndexRefine):  # the full vectors for re-ranking + the IVF codes
        return faiss_index_mib(faiss.downcast_index(index.refine_index)) + faiss_index_mib(
            faiss.downcast_index(index.base_index))
    if hasattr(index, "hnsw"):
        storage = faiss.downcast_index(index.storage).codes.size()
        h = index.hnsw
        return (storage + h.neighbors.size() * 4 + h.offsets.size() * 8 + h.levels.size() * 4) / MIB
    if hasattr(index, "invlists"):
        lists = index.invlists
        entries = sum(lists.list_size(i) for i in range(index.nlist))
        return (entries * (index.code_size + 8) + index.nlist * index.d * 4) / MIB
    return index.ntotal * index.d * 4 / MIB


def dense_row(ctx: Context, x, queries, passage_like) -> dict:
    import faiss

    from qa.retrieval.pipeline import POOL
    from qa.storage.faiss_index import configure

    n = x.shape[0]
    exact_max = ctx.args.exact_max
    log(f"scale: dense index over {n} vectors")
    gc.collect()
    index, record = built_index(ctx, x)
    xb = x[:record["built_vectors"]]
    truth, truth_passage_like = exact_neighbours(xb, queries, passage_like, record)
    lat, recall, near = timed_searches(index, queries, truth, POOL)
    _lat, recall_pl, _near = timed_searches(index, passage_like, truth_passage_like, POOL)
    record.update({"search_ms_p50": rnd(med(lat), 3), "search_ms_p95": rnd(pct(lat, 95), 3),
                   "recall_at_10": rnd(recall, 4), "near_tie_recall": rnd(near, 4),
                   "recall_at_10_passage_like": rnd(recall_pl, 4), "k": POOL})
    if isinstance(index, faiss.IndexRefine):
        record["probe_sweep"] = probe_sweep(index, queries, truth, passage_like, truth_passage_like)
        good = [e for e in record["probe_sweep"] if e["recall_at_10"] >= TARGETS["scale_recall_min"]]
        record["fewest_probes_meeting_recall"] = good[0] if good else None
        configure(index)
        ivf = faiss.extract_index_ivf(index)
        record["ivf"] = {"nlist": ivf.nlist, "nprobe": ivf.nprobe, "k_factor": index.k_factor,
                         "encoding": "SQ8", "parallel_mode": ivf.parallel_mode}
    del index
    gc.collect()
    if not ctx.quick and n > exact_max and not ctx.args.no_ivf:
        record["ivf_alternative"] = ivf_alternative(xb, queries, truth)
    return record


def built_index(ctx: Context, x):
    """The engine's index over ``x``: the index, and its build time, memory and size on disk."""
    from qa.storage.faiss_index import build_index, index_kind, write_index

    with PeakRSS() as peak:
        t = time.perf_counter()
        index = build_index(x, exact_max=ctx.args.exact_max)
        build_s = time.perf_counter() - t
    record = {"index_type": index_kind(index), "built_vectors": int(index.ntotal), "build_s": rnd(build_s, 2),
              "build_peak_rss_delta_mib": rnd(peak.peak - peak.start, 1),
              "index_rss_delta_mib": rnd(peak.end - peak.start, 1),
              "index_mib": rnd(faiss_index_mib(index), 1),
              "vectors_array_mib": rnd(x.nbytes / MIB, 1)}
    path = ctx.work / "scale.faiss"
    write_index(index, path)
    record["disk_mib"] = rnd(path.stat().st_size / MIB, 1)
    path.unlink()
    return index, record


def exact_neighbours(xb, queries, passage_like, record: dict):
    """The exact top 100 of both query sets (IndexFlatIP); notes in ``record`` the exact batch
    time, the mean exact scores at some ranks and the exact single-query latency."""
    import faiss
    import numpy as np

    from qa.retrieval.pipeline import POOL
    from qa.storage.faiss_index import search

    flat = faiss.IndexFlatIP(xb.shape[1])
    flat.add(np.ascontiguousarray(xb))
    t = time.perf_counter()
    truth = flat.search(queries, 100)
    record["exact_batch_s"] = rnd(time.perf_counter() - t, 2)
    truth_passage_like = flat.search(passage_like, 100)
    # How far apart the neighbours are: near-ties make recall@10 a matter of noise.
    scores = truth[0]
    record["exact_scores_mean_at_rank"] = {str(r): rnd(float(scores[:, r - 1].mean()), 4) for r in (1, 10, 11, 100)}
    exact_lat = []
    for q in queries[:30]:
        t = time.perf_counter()
        search(flat, q.reshape(1, -1), POOL)
        exact_lat.append((time.perf_counter() - t) * 1000)
    record["exact_search_ms_p50"] = rnd(med(exact_lat), 3)
    record["exact_search_ms_p95"] = rnd(pct(exact_lat, 95), 3)
    del flat
    gc.collect()
    return truth, truth_passage_like


def timed_searches(index, queries, truth, k):
    """Single-query searches of k (the pipeline's pool): latencies (ms), recall@10, near-tie
    recall@10. (The exact top 10 found anywhere in the k returned is the same share: these
    indexes score the candidates they visit exactly, so a found top-10 row ranks in the top 10.)"""
    from qa.storage.faiss_index import search

    truth_scores, truth_rows = truth
    lat, hits, near = [], 0, 0
    for i, q in enumerate(queries):
        t = time.perf_counter()
        scores, rows = search(index, q.reshape(1, -1), k)
        lat.append((time.perf_counter() - t) * 1000)
        hits += len(set(rows[0][:10].tolist()) & set(truth_rows[i, :10].tolist()))
        near += int((scores[0][:10] >= truth_scores[i, 9] - NEAR_TIE).sum())
    return lat, hits / (10 * len(queries)), near / (10 * len(queries))


def probe_sweep(index, queries, truth, passage_like, truth_passage_like) -> list[dict]:
    """Recall and latency of the engine's IVF index at other shares of lists probed."""
    import faiss

    from qa.retrieval.pipeline import POOL

    ivf = faiss.extract_index_ivf(index)
    sweep = []
    for share in (1 / 32, 1 / 16, 3 / 32, 1 / 8, 3 / 16, 1 / 4):
        ivf.nprobe = max(1, int(round(ivf.nlist * share)))
        lat, rec, near = timed_searches(index, queries, truth, POOL)
        _l, rec_pl, _n = timed_searches(index, passage_like, truth_passage_like, POOL)
        sweep.append({"nprobe": ivf.nprobe, "share": rnd(share, 4), "recall_at_10": rnd(rec, 4),
                      "near_tie_recall": rnd(near, 4), "recall_at_10_passage_like": rnd(rec_pl, 4),
                      "search_ms_p50": rnd(med(lat), 3), "search_ms_p95": rnd(pct(lat, 95), 3)})
    return sweep


def ivf_alternative(x, queries, truth) -> dict:
    import faiss
    import numpy as np

    from qa.retrieval.pipeline import POOL

    n, d = x.shape
    nlist = 1 << int(round(math.log2(4 * math.sqrt(n))))
    log(f"scale: IVF alternative (nlist {nlist}) over {n} vectors")
    train = x[np.random.default_rng(SEED + 1).choice(n, size=min(n, 40 * nlist), replace=False)]
    quantizer = faiss.IndexFlatIP(d)
    index = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
    with PeakRSS() as peak:
        t = time.perf_counter()
        index.train(np.ascontiguousarray(train))
        train_s = time.perf_counter() - t
        t = time.perf_counter()
        index.add(np.ascontiguousarray(x))
        add_s = time.perf_counter() - t
    size_mib = rnd(faiss_index_mib(index), 1)
    sweep = []
    for nprobe in (8, 16, 32, 64, 128, 256, 512):
        index.nprobe = nprobe
        lat, rec, near = timed_searches(index, queries, truth, POOL)
        sweep.append({"nprobe": nprobe, "recall_at_10": rnd(rec, 4), "near_tie_recall": rnd(near, 4),
                      "search_ms_p50": rnd(med(lat), 3), "search_ms_p95": rnd(pct(lat, 95), 3)})
    del index, quantizer
    gc.collect()
    return {"index_type": "IndexIVFFlat", "nlist": nlist, "train_vectors": len(train),
            "train_s": rnd(train_s, 2), "add_s": rnd(add_s, 2), "build_s": rnd(train_s + add_s, 2),
            "index_mib": size_mib, "index_rss_delta_mib": rnd(peak.end - peak.start, 1),
            "nprobe_sweep": sweep}
