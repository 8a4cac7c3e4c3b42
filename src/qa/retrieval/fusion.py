"""Joining rankings: reciprocal rank fusion (Cormack et al., 2009)."""

from __future__ import annotations

# RRF's k dampens the weight of the very first ranks; 60 is the value from the original
# paper and works without tuning across retrievers whose scores are not comparable.
RRF_K = 60


def reciprocal_rank_fusion(
    rankings: list[list[tuple[int, float]]], weights: list[float] | None = None, k: int = RRF_K
) -> dict[int, float]:
    """row -> fused score, from rankings of (row, score) pairs each ordered best first."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, (row, _score) in enumerate(ranking, start=1):
            fused[row] = fused.get(row, 0.0) + weight / (k + rank)
    return fused
