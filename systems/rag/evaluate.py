"""Retrieval evaluation: per-query Recall@K, reciprocal rank, NDCG@10; paired tests; composite.

Per query q with graded relevance rel_q (grade > 0 counts as relevant):

    Recall@K = |relevant in top K| / |relevant|       RR = 1 / rank of first relevant (0 if none)
    NDCG@10  = DCG@10 / ideal DCG@10,  gain 2^grade - 1, discount log2(rank + 1)

computed by ``algorithms.metrics``; a configuration's score is the mean over queries.
Two configurations are compared on the SAME queries with a paired t-test on per-query
differences (scipy ``ttest_rel``) and the Wilcoxon signed-rank test as the
distribution-free check.

The story's composite: 0.3 R@5 + 0.2 MRR + 0.2 NDCG@10 + 0.15 ROUGE-L + 0.15 faithfulness.
Without a faithfulness model we report the retrieval part renormalised to weights summing
to one: (0.3 R@5 + 0.2 MRR + 0.2 NDCG@10) / 0.7.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from scipy import stats

from algorithms.metrics import ndcg_at_k, recall_at_k, reciprocal_rank

WEIGHTS = {"recall_at_5": 0.3, "mrr": 0.2, "ndcg_at_10": 0.2, "rouge_l": 0.15, "faithfulness": 0.15}
METRICS = ("recall_at_5", "recall_at_10", "mrr", "ndcg_at_10")  # the ranking metrics, in table order


@dataclass(frozen=True)
class QueryScores:
    """Per-query metric arrays over the same questions (sorted by id), each shape (n_queries,).

    ``rouge_l`` is set only when extractive answers were scored.
    """

    recall_at_5: np.ndarray
    recall_at_10: np.ndarray
    mrr: np.ndarray
    ndcg_at_10: np.ndarray
    rouge_l: np.ndarray | None = None

    def metric(self, name: str) -> np.ndarray:
        """The array of one metric by name (``METRICS`` or ``rouge_l``), for loops over metrics."""
        value = getattr(self, name)
        if value is None:
            raise ValueError(f"no {name} scores were computed")
        return value

    def mean(self) -> MeanScores:
        return MeanScores(
            *(float(np.mean(self.metric(k))) for k in METRICS),
            rouge_l=None if self.rouge_l is None else float(np.mean(self.rouge_l)),
        )

    def to_json(self) -> dict[str, list[float]]:
        return {f.name: v.tolist() for f in fields(self) if (v := getattr(self, f.name)) is not None}


@dataclass(frozen=True)
class MeanScores:
    """A configuration's score: each metric's mean over the questions."""

    recall_at_5: float
    recall_at_10: float
    mrr: float
    ndcg_at_10: float
    rouge_l: float | None = None

    @property
    def composite(self) -> float:
        """The retrieval part of the story's composite, renormalised (module docstring)."""
        w = {k: WEIGHTS[k] for k in ("recall_at_5", "mrr", "ndcg_at_10")}
        return sum(w[k] * getattr(self, k) for k in w) / sum(w.values())


@dataclass(frozen=True)
class PairedTest:
    """Paired t-test and Wilcoxon test of a - b over the same queries."""

    mean_diff: float
    t_p_value: float
    wilcoxon_p_value: float
    n: float


def per_query(rankings: dict[str, list[str]], qrels: dict[str, dict[str, int]]) -> QueryScores:
    """Per-query metric arrays over the query ids of ``qrels`` (sorted), shape (n_queries,)."""
    qids = sorted(qrels)
    if not qids:
        raise ValueError("no judged queries to evaluate")
    out = {k: [] for k in METRICS}
    for q in qids:
        rel = {d for d, g in qrels[q].items() if g > 0}
        ranked = rankings.get(q, [])
        out["recall_at_5"].append(recall_at_k(ranked, rel, 5))
        out["recall_at_10"].append(recall_at_k(ranked, rel, 10))
        out["mrr"].append(reciprocal_rank(ranked, rel))
        out["ndcg_at_10"].append(ndcg_at_k(ranked, qrels[q], 10))
    return QueryScores(**{k: np.asarray(v) for k, v in out.items()})


def per_query_composite(scores: QueryScores) -> np.ndarray:
    """The retrieval composite of each query, shape (n_queries,); its mean is the composite."""
    w = {k: WEIGHTS[k] for k in ("recall_at_5", "mrr", "ndcg_at_10")}
    return sum(w[k] * np.asarray(scores.metric(k), float) for k in w) / sum(w.values())


def story_composite(m: dict[str, float]) -> float:
    """The story's five-part composite of a row of metric values keyed like ``WEIGHTS``."""
    return sum(WEIGHTS[k] * m[k] for k in WEIGHTS)


def paired_test(a: np.ndarray, b: np.ndarray) -> PairedTest:
    """Paired t-test and Wilcoxon test of a - b (same queries, same order)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape or a.size < 2:
        raise ValueError(
            f"paired test needs two equal-length score arrays (n >= 2), got {a.shape}, {b.shape}"
        )
    d = a - b
    if np.allclose(d, 0):
        return PairedTest(mean_diff=0.0, t_p_value=1.0, wilcoxon_p_value=1.0, n=float(a.size))
    t = stats.ttest_rel(a, b)
    w = stats.wilcoxon(d[d != 0]) if np.count_nonzero(d) >= 1 else None
    return PairedTest(
        mean_diff=float(d.mean()),
        t_p_value=float(t.pvalue),
        wilcoxon_p_value=float(w.pvalue) if w is not None else 1.0,
        n=float(a.size),
    )
