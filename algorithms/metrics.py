"""Evaluation metrics written from their definitions (checked against scikit-learn in tests).

Classification, with y in {0, 1} and TP/FP/FN counted at a decision rule:

    precision = TP / (TP + FP)        recall = TP / (TP + FN)
    F1 = 2 P R / (P + R)              (0 where P + R = 0; precision 0 where nothing is flagged)
    at top k%: flag the ceil(k * n) highest scores (ties broken by order of appearance)
    ROC-AUC = P(score of a random positive > score of a random negative), ties count 1/2
            = (sum of positive ranks - n_pos (n_pos + 1) / 2) / (n_pos n_neg)   (Mann-Whitney U)
    PR-AUC (average precision) = sum_k (R_k - R_{k-1}) P_k over distinct thresholds,
            the step-wise sum scikit-learn uses (no trapezoid, which is optimistic)
    Brier = mean((p - y)^2)
    ECE = sum_b (n_b / n) |mean(y in b) - mean(p in b)|, b = equal-width bins of p on [0, 1]

Ranking, one query at a time, ``ranked`` = retrieved ids best first:

    Recall@K = |relevant in top K| / |relevant|
    RR = 1 / rank of the first relevant id (0 if none);  MRR = mean RR over queries
    DCG@K = sum_{i=1..K} gain(rel_i) / log2(i + 1), gain = rel (linear) or 2^rel - 1
    NDCG@K = DCG@K / DCG@K of the ideal order (0 if no relevant id exists)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from scipy.stats import rankdata


def _binary(y_true, name: str = "y_true") -> np.ndarray:
    y = np.asarray(y_true)
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {y.shape}")
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"{name} must hold only 0 and 1, got values {np.unique(y)[:5]}")
    return y.astype(int)


def _scores(y: np.ndarray, score, name: str = "y_score") -> np.ndarray:
    s = np.asarray(score, dtype=float)
    if s.shape != y.shape:
        raise ValueError(f"{name} has shape {s.shape}, y_true has {y.shape}")
    if not np.isfinite(s).all():
        raise ValueError(f"{name} has non-finite values")
    return s


def precision_recall_f1(y_true, y_pred) -> tuple[float, float, float]:
    """Precision, recall and F1 of hard 0/1 predictions."""
    y = _binary(y_true)
    p = _binary(y_pred, "y_pred")
    if p.shape != y.shape:
        raise ValueError(f"y_pred has shape {p.shape}, y_true has {y.shape}")
    tp = int(np.sum((p == 1) & (y == 1)))
    fp = int(np.sum((p == 1) & (y == 0)))
    fn = int(np.sum((p == 0) & (y == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def at_threshold(y_true, y_score, threshold: float = 0.5) -> tuple[float, float, float]:
    """Precision, recall, F1 when flagging ``score >= threshold``."""
    y = _binary(y_true)
    s = _scores(y, y_score)
    return precision_recall_f1(y, (s >= threshold).astype(int))


def top_k_mask(y_score, fraction: float) -> np.ndarray:
    """Boolean mask of the ceil(fraction * n) highest scores (stable order on ties)."""
    s = np.asarray(y_score, dtype=float)
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    k = math.ceil(fraction * s.size)
    order = np.argsort(-s, kind="stable")
    mask = np.zeros(s.size, dtype=bool)
    mask[order[:k]] = True
    return mask


def at_top_fraction(y_true, y_score, fraction: float = 0.10) -> tuple[float, float, float]:
    """Precision, recall, F1 when flagging the top ``fraction`` of scores."""
    y = _binary(y_true)
    s = _scores(y, y_score)
    return precision_recall_f1(y, top_k_mask(s, fraction).astype(int))


def roc_auc(y_true, y_score) -> float:
    y = _binary(y_true)
    s = _scores(y, y_score)
    if y.all() or not y.any():
        raise ValueError("ROC-AUC needs both classes in y_true")
    return float(roc_auc_rows(y[None, :], s[None, :])[0])


def roc_auc_rows(y_true: np.ndarray, y_score: np.ndarray) -> np.ndarray:
    """ROC-AUC of each row of ``y_score`` (B, n) against the 0/1 labels ``y_true`` (B, n).

    The one implementation of the formula above, vectorised over rows so a bootstrap
    scores all its resamples at once (``systems.core.uncertainty``). Inputs are not
    checked (``roc_auc`` checks one row); a row holding a single class gives NaN.
    The positive ranks are multiples of 1/2, so their sum is exact in float64.
    """
    ranks = rankdata(y_score, axis=1)  # average ranks: a tie between a positive and a negative counts 1/2
    pos = np.asarray(y_true).astype(bool)
    n_pos = pos.sum(axis=1)
    n_neg = pos.shape[1] - n_pos
    r_pos = np.where(pos, ranks, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (r_pos - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def pr_auc(y_true, y_score) -> float:
    """Average precision (step-wise area under the precision-recall curve)."""
    y = _binary(y_true)
    s = _scores(y, y_score)
    n_pos = int(y.sum())
    if n_pos == 0:
        raise ValueError("PR-AUC needs at least one positive in y_true")
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    tp = np.cumsum(y_sorted)
    fp = np.cumsum(1 - y_sorted)
    # one point per distinct threshold: the last index of each run of equal scores
    last = np.r_[np.flatnonzero(np.diff(s_sorted)), s.size - 1]
    precision = tp[last] / (tp[last] + fp[last])
    recall = tp[last] / n_pos
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def brier_score(y_true, y_prob) -> float:
    y = _binary(y_true)
    p = _scores(y, y_prob, "y_prob")
    return float(np.mean((p - y) ** 2))


def expected_calibration_error(y_true, y_prob, n_bins: int = 10) -> float:
    y = _binary(y_true)
    p = _scores(y, y_prob, "y_prob")
    if (p < 0).any() or (p > 1).any():
        raise ValueError("y_prob must lie in [0, 1]")
    # bin b holds p in [b/n, (b+1)/n); p == 1 goes to the last bin
    bins = np.minimum((p * n_bins).astype(int), n_bins - 1)
    ece = 0.0
    for b in range(n_bins):
        in_bin = bins == b
        if in_bin.any():
            ece += in_bin.mean() * abs(y[in_bin].mean() - p[in_bin].mean())
    return float(ece)


def recall_at_k(ranked: Sequence, relevant, k: int) -> float:
    relevant = set(relevant)
    if not relevant:
        raise ValueError("recall@k is undefined for a query with no relevant items")
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    return len(relevant.intersection(list(ranked)[:k])) / len(relevant)


def reciprocal_rank(ranked: Sequence, relevant) -> float:
    relevant = set(relevant)
    for i, doc in enumerate(ranked, start=1):
        if doc in relevant:
            return 1.0 / i
    return 0.0


def mean_reciprocal_rank(rankings: Sequence[Sequence], relevants: Sequence) -> float:
    if len(rankings) != len(relevants) or not rankings:
        raise ValueError("need one relevant set per ranking, and at least one query")
    return float(np.mean([reciprocal_rank(r, rel) for r, rel in zip(rankings, relevants, strict=False)]))


def _dcg(gains: Sequence[float]) -> float:
    return float(sum(g / math.log2(i + 2) for i, g in enumerate(gains)))


def ndcg_at_k(ranked: Sequence, relevance: Mapping, k: int, gain: str = "exponential") -> float:
    """NDCG@K with graded relevance ``relevance[id] -> grade`` (missing ids have grade 0)."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    if gain not in ("exponential", "linear"):
        raise ValueError(f"gain must be 'exponential' or 'linear', got {gain!r}")
    g = (lambda r: 2.0**r - 1) if gain == "exponential" else float
    ideal = _dcg([g(r) for r in sorted(relevance.values(), reverse=True)[:k]])
    if ideal == 0:
        return 0.0
    return _dcg([g(relevance.get(doc, 0)) for doc in list(ranked)[:k]]) / ideal
