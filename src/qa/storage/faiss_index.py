"""FAISS vector index: inner product on normalised vectors (= cosine similarity).

The index type is chosen by size: exact search (``IndexFlatIP``) up to
:data:`EXACT_SEARCH_MAX` vectors; above it, where exact search stops being cheap, an
inverted-file index with 8-bit scalar-quantised codes whose candidates are re-ranked
with the full vectors (``IndexRefineFlat`` over ``IndexIVFScalarQuantizer``), so the
scores returned are exact inner products either way.

Search-time settings (:data:`IVF_PROBE_FRACTION`, :data:`REFINE_K_FACTOR`, the
single-thread search mode) are not all kept by ``faiss.write_index``; :func:`read_index`
sets them again.

The large-corpus settings were chosen at 1M synthetic passages (benchmarks/run.py's
scale section: mixtures of 2-3 real passage vectors + N(0, 0.02) noise, queries mixed
from question vectors), against exact search in the same run, on the 2-core machine.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

# Exact search over 100k x 384 float32 vectors costs about 15 ms on 2 cores; above that
# the IVF index below keeps searches in the low milliseconds.
EXACT_SEARCH_MAX = 100_000

# Number of inverted lists: the power of two nearest IVF_LISTS_PER_SQRT_N * sqrt(n), the
# usual rule (4096 at 1M). At 1M, for the exact top 10 to fall in the probed lists 96% of
# the time, 2048 lists scan 219k vectors per query, 4096 lists 185k, 8192 about 165k but
# with 1.6 times the k-means time (and 8 times the flops for 40 points per list): 4096 kept.
IVF_LISTS_PER_SQRT_N = 4
# Share of the lists probed per query (nprobe = nlist * fraction; 512 of 4096 at 1M). The
# recall is set by the lists probed, not by the codes: at 1M, 1/16 gave recall@10 0.90,
# 3/32 0.94, 7/64 0.953, 1/8 0.964 (= the share of the exact top 10 in the probed lists).
IVF_PROBE_FRACTION = 1 / 8
# k-means training sample per list: FAISS warns below 39 points per centroid; more only
# lengthens the build (training 4096 lists on 164k vectors: about 130 s of the 1M build).
IVF_TRAIN_PER_LIST = 40
IVF_TRAIN_SEED = 1234
# Codes scanned in the lists: 8 bits per dimension (a quarter of float32's bytes). At 1M,
# SQ8 with re-ranking kept the recall of the flat lists (0.9635 both at nprobe 512). Measured
# against it: SQ4 and 4-bit RaBitQ (fast scan) kept the recall but cost 1.3x and 3x the CPU
# time; 4-bit PQ (fast scan) and PCA to 128 dimensions lost most of it (0.35 / 0.26): on
# this data the ranking is decided by small differences that coarse codes erase.
IVF_ENCODING = "SQ8"
# Candidates re-ranked with the full vectors: k * REFINE_K_FACTOR from the SQ8 scan. At 1M,
# 2 and 4 gave the same recall as the flat lists; 4 leaves a margin for SQ8's error, and
# re-ranking 200 candidates for the pipeline's k = 50 costs well under a millisecond.
REFINE_K_FACTOR = 4
# FAISS's parallel_mode for one query: 0 scans the lists in one thread. 1 (lists split across
# threads) doubled the CPU time and the latency whenever the 2 cores were busy with anything
# else, which is the normal case in a process that also runs the model.
IVF_PARALLEL_MODE = 0


# Indexes written by earlier versions above the bound were HNSW; read_index keeps searching
# them as they were tuned (efSearch 512: recall@10 0.70 at 6.9 ms p95 at 1M) until rebuilt.
HNSW_EF_SEARCH = 512


def ivf_lists(n: int) -> int:
    """Number of inverted lists for n vectors (at least 1)."""
    if n <= 0:
        return 1
    return 1 << max(0, int(round(math.log2(IVF_LISTS_PER_SQRT_N * math.sqrt(n)))))


def ivf_probes(nlist: int) -> int:
    return max(1, min(nlist, int(round(nlist * IVF_PROBE_FRACTION))))


def build_index(vectors: np.ndarray, exact_max: int = EXACT_SEARCH_MAX):
    """The index over ``vectors`` (rows: normalised float32): exact up to ``exact_max`` rows,
    IVF-SQ8 with exact re-ranking above."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dimension = vectors.shape
    if n <= exact_max:
        index = faiss.IndexFlatIP(dimension)
        if n:
            index.add(vectors)
        return index
    nlist = ivf_lists(n)
    base = faiss.index_factory(dimension, f"IVF{nlist},{IVF_ENCODING}", faiss.METRIC_INNER_PRODUCT)
    index = faiss.IndexRefineFlat(base)
    sample = min(n, IVF_TRAIN_PER_LIST * nlist)
    if sample < n:
        rows = np.sort(np.random.default_rng(IVF_TRAIN_SEED).choice(n, size=sample, replace=False))
        train = vectors[rows]
    else:
        train = vectors
    index.train(train)
    index.add(vectors)
    configure(index)
    return index


def configure(index):
    """Set the search-time parameters on an index (after building or loading); returns it."""
    import faiss

    if hasattr(index, "hnsw"):  # indexes built before the IVF type (HNSW, M=32, efC=80)
        index.hnsw.efSearch = HNSW_EF_SEARCH
        return index
    if isinstance(index, faiss.IndexRefine):
        index.k_factor = REFINE_K_FACTOR
    try:
        ivf = faiss.extract_index_ivf(index)
    except RuntimeError:  # no inverted lists: exact search
        return index
    ivf.nprobe = ivf_probes(ivf.nlist)
    ivf.parallel_mode = IVF_PARALLEL_MODE
    return index


def index_kind(index) -> str:
    """The index type's name; for IVF indexes with re-ranking, also the inner index's."""
    import faiss

    name = type(index).__name__
    if isinstance(index, faiss.IndexRefine):
        base = faiss.downcast_index(index.base_index)
        return f"{name}({type(base).__name__})"
    return name


def write_index(index, path: Path) -> None:
    import faiss

    faiss.write_index(index, str(path))


def read_index(path: Path):
    import faiss

    return configure(faiss.read_index(str(path)))


def search(index, query_vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Scores and row numbers of the k nearest rows for each query (row -1: no result)."""
    k = max(1, min(k, index.ntotal)) if index.ntotal else 1
    if index.ntotal == 0:
        n = len(query_vectors)
        return np.zeros((n, 0), dtype=np.float32), np.zeros((n, 0), dtype=np.int64)
    queries = np.ascontiguousarray(query_vectors, dtype=np.float32)
    if len(queries) > 1:
        return index.search(queries, k)
    return _search_one(index, queries, k)


def _search_one(index, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """One query in this thread alone. OpenMP threads buy one query nothing and cost a wake-up:
    with the other core busy (the model has just run) an IVF search at 200k vectors took
    8 ms p50 with 2 threads against 1.5-2 ms with 1. The setting is per calling thread in
    OpenMP, and is put back so that builds in this thread keep every core."""
    import faiss

    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        return index.search(query, k)
    finally:
        faiss.omp_set_num_threads(threads)
