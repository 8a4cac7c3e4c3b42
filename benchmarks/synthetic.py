"""Synthetic data: corpora larger than the real one, mixed from its passages.

- ``make_copies``: the real reports several times over, every paragraph made distinct (the
  build section's corpus x4);
- ``mix_vectors``: convex mixtures (Dirichlet weights) of 2-3 real vectors plus Gaussian
  noise, renormalised (the scale section's passages and queries);
- ``mix_texts``: pieces of 2-3 real passages (the scale section's BM25 texts).
"""

from __future__ import annotations

from pathlib import Path

SEED = 20240601  # every synthetic draw starts from it (offsets of it for the other draws)


def make_copies(source: Path, target: Path, copies: int) -> None:
    """``copies`` copies of every document, each paragraph and caption of copy i starting with a
    marker, so that no passage text repeats (a repeated text would be embedded only once)."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.iterdir()):
        if not path.is_file():
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for i in range(1, copies + 1):
            marked = [f"（第{i}份）{line}" if len(line.strip()) > 20 or line.rstrip().endswith("。") else line
                      for line in lines]
            (target / f"{path.stem}-{i}{path.suffix}").write_text("\n".join(marked) + "\n", encoding="utf-8")


def mix_vectors(base, n: int, rng, noise: float = 0.02, chunk: int = 50_000):
    """n convex mixtures of 2-3 rows of ``base`` + Gaussian noise, renormalised (float32)."""
    import numpy as np

    d = base.shape[1]
    out = np.empty((n, d), dtype=np.float32)
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        _parts, picks, weights = _mixtures(len(base), m, rng, np.float32)
        block = np.einsum("mk,mkd->md", weights, base[picks])
        block += rng.standard_normal((m, d), dtype=np.float32) * np.float32(noise)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start:start + m] = block
    return out


def _mixtures(size: int, m: int, rng, dtype):
    """m mixtures of rows of a table of ``size`` rows: how many parts each has (2 or 3), three
    distinct rows, and Dirichlet weights summing to 1 (the third 0 where there are 2 parts)."""
    import numpy as np

    parts = rng.integers(2, 4, size=m)
    picks = _distinct_triples(size, m, rng)
    weights = rng.dirichlet(np.ones(3), size=m).astype(dtype)
    weights[parts == 2, 2] = 0.0
    weights /= weights.sum(axis=1, keepdims=True)
    return parts, picks, weights


def _distinct_triples(size: int, m: int, rng):
    import numpy as np

    picks = rng.integers(0, size, size=(m, 3))
    while True:
        bad = (picks[:, 0] == picks[:, 1]) | (picks[:, 0] == picks[:, 2]) | (picks[:, 1] == picks[:, 2])
        if not bad.any():
            return picks
        picks[bad] = rng.integers(0, size, size=(int(bad.sum()), 3))


def mix_texts(texts: list[str], n: int, rng) -> list[str]:
    """n texts, each pieces of 2-3 real passages, lengths in proportion to Dirichlet weights."""
    import numpy as np

    out = []
    lengths = np.array([len(t) for t in texts])
    block = 100_000
    for start in range(0, n, block):
        m = min(block, n - start)
        parts, picks, weights = _mixtures(len(texts), m, rng, np.float64)
        piece = np.maximum(1, np.round(weights * lengths[picks])).astype(int)
        offsets = (rng.random((m, 3)) * (lengths[picks] - piece + 1)).astype(int)
        for i in range(m):
            out.append("\n".join(texts[picks[i, j]][offsets[i, j]:offsets[i, j] + piece[i, j]]
                                 for j in range(parts[i])))
    return out
