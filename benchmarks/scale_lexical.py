"""The scale section's lexical part: BM25 over synthetic texts, built by the engine's class
(unless it would not fit in memory) and with numpy sorts (``bm25_arrays``, checked identical),
searched with the engine's own BM25 queries; and the names-meet check over the same texts."""

from __future__ import annotations

import gc
import math
import sys
import time

from benchmarks.harness import MIB, Context, PeakRSS, log, med, pct, rnd, rss_mib


def lexical_rows(ctx: Context, texts: list[str], lexical_queries: list, rows: list[dict], names_analysis) -> None:
    """Adds ``lexical`` to each scale row, the texts tokenised as the sizes grow."""
    from qa.retrieval.tokenize import lexical_tokens

    interned: dict[str, str] = {}
    tokens: list[list[str]] = []
    tokenize_s = 0.0
    previous_peak = None  # (n, peak delta MiB, build s) of the class build at the previous size
    for row in rows:
        n = row["passages"]
        log(f"scale: lexical index over {n} texts")
        t = time.perf_counter()
        for text in texts[len(tokens):n]:
            tokens.append([interned.setdefault(tok, tok) for tok in lexical_tokens(text)])
        tokenize_s += time.perf_counter() - t
        record: dict = {"tokenize_s": rnd(tokenize_s, 2), "tokens_per_passage": rnd(
            sum(len(x) for x in tokens[:n]) / n, 1)}
        gc.collect()
        class_index, previous_peak = class_built(ctx, tokens, n, previous_peak, record)
        array_index = array_built(tokens, n, record)
        searcher = searched(class_index, array_index, lexical_queries, record)
        record.update(names_meet(searcher, texts[:n], names_analysis))
        del class_index, array_index, searcher
        gc.collect()
        row["lexical"] = record
    del tokens, interned
    gc.collect()


def class_built(ctx: Context, tokens: list[list[str]], n: int, previous_peak, record: dict):
    """The engine's BM25 class over the first n token lists, unless its peak, estimated from
    the previous size's, would not fit in memory; returns the index (or None) and the peak to
    estimate the next size's from."""
    import psutil

    from qa.retrieval.lexical import BM25

    estimate = previous_peak[1] * n / previous_peak[0] * 1.15 if previous_peak else None
    available = psutil.virtual_memory().available / MIB
    fits = estimate is None or (rss_mib() + estimate < ctx.args.mem_limit_gib * 1024
                                and estimate < available - 1536)
    if not fits:
        record["class_build_skipped"] = (f"estimated peak {estimate:.0f} MiB more than now "
                                         f"({rss_mib():.0f} MiB, {available:.0f} MiB available)")
        record["class_build_s_extrapolated"] = rnd(previous_peak[2] * n / previous_peak[0], 1)
        record["class_build_peak_delta_mib_extrapolated"] = rnd(estimate, 0)
        return None, previous_peak
    class_index, build_s, peak_delta = measured_build(lambda: BM25(tokens[:n]), "class", record)
    return class_index, (n, peak_delta, build_s)


def array_built(tokens: list[list[str]], n: int, record: dict):
    """The same postings over the first n token lists, built with numpy sorts."""
    array_index, _build_s, _peak_delta = measured_build(lambda: bm25_arrays(tokens[:n]), "array", record)
    record["postings"] = int(sum(len(v[0]) for v in array_index._postings.values()))
    record["vocabulary"] = len(array_index._postings)
    return array_index


def measured_build(build, kind: str, record: dict):
    """Runs ``build()``; notes in ``record`` its time, peak and lasting RSS and the index's
    size (keys ``<kind>_build_s`` ...). Returns the index, the seconds and the peak RSS delta."""
    with PeakRSS() as peak:
        t = time.perf_counter()
        index = build()
        build_s = time.perf_counter() - t
    record[f"{kind}_build_s"] = rnd(build_s, 2)
    record[f"{kind}_build_peak_delta_mib"] = rnd(peak.peak - peak.start, 1)
    record[f"{kind}_index_rss_delta_mib"] = rnd(peak.end - peak.start, 1)
    record[f"{kind}_index_mib"] = rnd(bm25_mib(index), 1)
    return index, build_s, peak.peak - peak.start


def searched(class_index, array_index, lexical_queries: list, record: dict):
    """Searches the class's index (the array-built one where the class was skipped) with every
    query; checks first that both indexes agree. Returns the index searched."""
    from qa.retrieval.pipeline import POOL

    if class_index is not None:
        record["array_build_matches_class"] = same_bm25(class_index, array_index, lexical_queries[:20], POOL)
    searcher = class_index if class_index is not None else array_index
    record["searched_with"] = "BM25 class" if class_index is not None else "BM25 class run() over array-built postings"
    lat = []
    for query in lexical_queries:
        t = time.perf_counter()
        searcher.run(query, POOL)
        lat.append((time.perf_counter() - t) * 1000)
    record["search_ms_p50"] = rnd(med(lat), 3)
    record["search_ms_p95"] = rnd(pct(lat, 95), 3)
    return searcher


def names_meet(searcher, texts: list[str], names_analysis) -> dict:
    """The answer path's check that the question's names meet in one passage
    (Pipeline._names_meet), run on a bare Pipeline over this synthetic corpus."""
    from qa.retrieval.pipeline import Pipeline
    from qa.text import normalize

    bare = Pipeline.__new__(Pipeline)
    bare.lexical, bare._contexts = searcher, [normalize(text) for text in texts]
    bare._docs, bare.documents = ["synthetic.txt"] * len(texts), {}  # one document naming no place
    names_lat = []
    for _ in range(5):
        t = time.perf_counter()
        bare._names_meet(names_analysis)
        names_lat.append((time.perf_counter() - t) * 1000)
    return {"names_meet_ms": rnd(med(names_lat), 2),
            "names_meet_names": [list(name.forms) for name in names_analysis.names]}


def bm25_mib(index) -> float:
    """What a BM25 object holds: postings arrays plus the dict, tuples, keys and array headers."""
    total = sys.getsizeof(index._postings)
    for token, (rows, contribution, _idf) in index._postings.items():
        total += sys.getsizeof(token) + 64 + 24 + 2 * 112 + rows.nbytes + contribution.nbytes
    return total / MIB


def bm25_arrays(documents: list[list[str]]):
    """The same postings as ``qa.retrieval.lexical.BM25(documents)``, built with numpy sorts
    instead of per-token Python lists (what the engine change recommended in the README does).
    Returns a BM25 object whose ``run`` is the engine's own."""
    import numpy as np

    from qa.retrieval.lexical import BM25, BM25_B, BM25_K1

    k1, b = BM25_K1, BM25_B
    vocabulary: dict[str, int] = {}
    lengths = np.fromiter((len(d) for d in documents), dtype=np.int64, count=len(documents))
    ids = np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for d in documents for t in d),
                      dtype=np.int64, count=int(lengths.sum()))
    rows = np.repeat(np.arange(len(documents), dtype=np.int64), lengths)
    keys = ids * len(documents) + rows
    del ids, rows
    keys, tf = np.unique(keys, return_counts=True)
    token_of = keys // len(documents)
    row_of = keys - token_of * len(documents)
    del keys
    bounds = np.flatnonzero(np.diff(token_of)) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [len(token_of)]])
    size = len(documents)
    length32 = lengths.astype(np.float32)
    average = float(length32.mean()) if size else 0.0
    norm = k1 * (1 - b + b * length32 / max(average, 1e-9))
    tf32 = tf.astype(np.float32)
    contribution = (tf32 * (k1 + 1) / (tf32 + norm[row_of])).astype(np.float32)
    del tf, tf32
    names = [None] * len(vocabulary)
    for token, index in vocabulary.items():
        names[index] = token
    index = BM25.__new__(BM25)
    index.k1, index.b, index.size, index.average_length = k1, b, size, average
    index._postings = {}
    for s, e in zip(starts.tolist(), ends.tolist()):
        df = e - s
        idf = math.log(1 + (size - df + 0.5) / (df + 0.5))
        index._postings[names[token_of[s]]] = (row_of[s:e], contribution[s:e], idf)
    return index


def same_bm25(a, b, queries, k) -> bool:
    import numpy as np

    if a._postings.keys() != b._postings.keys():
        return False
    for token, (rows, contribution, idf) in a._postings.items():
        rows_b, contribution_b, idf_b = b._postings[token]
        if not (np.array_equal(rows, rows_b) and np.allclose(contribution, contribution_b, rtol=1e-6) and
                math.isclose(idf, idf_b)):
            return False
    return all([r for r, _ in a.run(q, k)] == [r for r, _ in b.run(q, k)] for q in queries)
