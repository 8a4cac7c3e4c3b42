"""The vector index: exact below the size bound, IVF-SQ8 with exact re-ranking above it."""

from __future__ import annotations

import numpy as np

from qa.storage.faiss_index import (
    build_index,
    index_kind,
    ivf_lists,
    ivf_probes,
    read_index,
    search,
    write_index,
)

K = 50  # the pipeline's pool


def clustered(n: int, d: int, rng, centres: int = 40, noise: float = 0.5) -> np.ndarray:
    """Normalised vectors around a few random directions, like passages of a corpus."""
    base = rng.standard_normal((centres, d)).astype(np.float32)
    rows = base[rng.integers(0, centres, size=n)] + rng.standard_normal((n, d)).astype(np.float32) * noise
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows.astype(np.float32)


def test_small_corpus_is_searched_exactly():
    rng = np.random.default_rng(0)
    x = clustered(500, 32, rng)
    index = build_index(x)
    assert index_kind(index) == "IndexFlatIP"
    scores, rows = search(index, x[:3], 5)
    assert rows[:, 0].tolist() == [0, 1, 2]
    assert np.allclose(scores[:, 0], 1.0, atol=1e-5)


def test_large_type_recall_and_exact_scores_after_save_and_load(tmp_path):
    import faiss

    rng = np.random.default_rng(1)
    n, d = 12_000, 64
    x = clustered(n, d, rng)
    queries = clustered(100, d, np.random.default_rng(2))
    index = build_index(x, exact_max=1_000)  # the bound lowered: the large-corpus type
    assert index_kind(index) == "IndexRefineFlat(IndexIVFScalarQuantizer)"
    assert index.ntotal == n

    path = tmp_path / "vectors.faiss"
    write_index(index, path)
    loaded = read_index(path)
    ivf = faiss.extract_index_ivf(loaded)
    # Search settings are set again on load (parallel_mode is not stored by FAISS).
    assert ivf.nlist == ivf_lists(n) and ivf.nprobe == ivf_probes(ivf.nlist) < ivf.nlist
    assert ivf.parallel_mode == 0

    exact = faiss.IndexFlatIP(d)
    exact.add(x)
    _truth_scores, truth = exact.search(queries, 10)
    scores, rows = search(loaded, queries, K)
    assert rows.shape == (len(queries), K) and (rows >= 0).all()
    hits = sum(len(set(rows[i, :10].tolist()) & set(truth[i].tolist())) for i in range(len(queries)))
    assert hits / (10 * len(queries)) >= 0.95
    # Scores are exact inner products (re-ranked with the full vectors), best first.
    expected = np.einsum("qd,qkd->qk", queries, x[rows])
    assert np.allclose(scores, expected, atol=1e-5)
    assert (np.diff(scores, axis=1) <= 1e-7).all()
