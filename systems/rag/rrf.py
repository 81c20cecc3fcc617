"""Reciprocal Rank Fusion.

    RRF(d) = sum over lists L containing d of 1 / (k + rank_L(d)),   ranks start at 1

Only ranks matter, so scores on different scales (cosine, BM25) fuse without
calibration. A larger ``k`` flattens the weight of the top ranks. The story uses
``k = 60`` over the top 20 of each retriever; its worked example (A first in one list,
B second in one and first in the other, C second in the other) gives

    A = 1/61 = 0.01639,  B = 1/62 + 1/61 = 0.03252,  C = 1/62 = 0.01613   ->  B, A, C.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence


def rrf(
    rankings: Sequence[Sequence[Hashable]], k: float = 60.0, top_n: int | None = 20
) -> list[tuple[Hashable, float]]:
    """Fuse ranked lists; returns (item, score) best first, ties broken by first appearance.

    Parameters
    ----------
    rankings : list of ranked lists (best first)
    k : float
        The RRF constant (> 0).
    top_n : int or None
        Only the first ``top_n`` items of each list take part (None: all).
    """
    if k <= 0:
        raise ValueError(f"RRF constant k must be > 0, got {k}")
    scores: dict[Hashable, float] = {}
    for ranking in rankings:
        items = list(ranking if top_n is None else ranking[:top_n])
        if len(set(items)) != len(items):
            raise ValueError("a ranked list names the same item twice")
        for rank, item in enumerate(items, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    order = {item: i for i, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))
