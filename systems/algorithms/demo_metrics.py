"""AL-13: the metric definitions, recomputed from scratch and from the story's examples.

1. The story's worked examples, redone by ``algorithms.metrics``: Recall@10 when 4 of 5
   relevant documents are in the top 10 (stated 0.80), and MRR for first-relevant ranks
   2, 1, 5 (stated 0.57; the exact value is 0.5667, so 0.57 is a rounding).
2. NDCG with graded relevance (3 = highly, 2 = somewhat, 1 = marginally relevant): the
   ideal order scores 1, and moving the grade-3 document from rank 1 to rank 5 costs more
   than moving a grade-1 document the same way - the "heavily penalises" property.
3. Precision, recall, F1, ROC-AUC and PR-AUC from their definitions against scikit-learn
   on a scored sample with ties (largest absolute difference over all five).

PSI is defined and tested in the drift system (systems/drift/psi.py, DR-01).
"""

from __future__ import annotations

import numpy as np
from sklearn import metrics as skm

from algorithms import metrics as M
from systems.algorithms.figures import max_abs_diff
from systems.core.ledger import Claim, Recompute, Tolerance
from systems.core.seeding import rng

# Source: seed 004, the RAG evaluation answer (metric definitions, worked examples).
STATED_RECALL_AT_10 = 0.80
STATED_MRR = 0.57


def _library_gap(seed: int) -> float:
    r = rng(seed, "al13")
    y = r.integers(0, 2, 2000)
    s = np.round(r.random(2000) + 0.3 * y, 2)  # rounded: ties across the classes
    pred = (s >= 0.6).astype(int)
    ours = [*M.at_threshold(y, s, 0.6), M.roc_auc(y, s), M.pr_auc(y, s)]
    ref = [
        skm.precision_score(y, pred),
        skm.recall_score(y, pred),
        skm.f1_score(y, pred),
        skm.roc_auc_score(y, s),
        skm.average_precision_score(y, s),
    ]
    return max_abs_diff(ours, ref)


def run(run, cfg) -> None:
    relevant = {f"rel{i}" for i in range(5)}
    ranked = ["rel0", "x0", "rel1", "rel2", "x1", "x2", "rel3", "x3", "x4", "x5", "rel4"]
    recall10 = M.recall_at_k(ranked, relevant, 10)
    mrr = M.mean_reciprocal_rank([["x", "R"], ["R"], ["x", "y", "z", "w", "R"]], [{"R"}] * 3)

    grades = {"a": 3, "b": 2, "c": 1, "d": 0, "e": 0}
    ideal = ["a", "b", "c", "d", "e"]
    ndcg_ideal = M.ndcg_at_k(ideal, grades, 10)
    ndcg_top_demoted = M.ndcg_at_k(["d", "b", "c", "e", "a"], grades, 10)
    ndcg_low_demoted = M.ndcg_at_k(["a", "b", "d", "e", "c"], grades, 10)
    gap = _library_gap(cfg.seed)

    for name, value in (
        ("recall_at_10_example", recall10),
        ("mrr_example", mrr),
        ("ndcg_top_demoted", ndcg_top_demoted),
        ("library_max_abs_gap", gap),
    ):
        run.metric(name, value, scope="metrics_defs")
    run.add(
        Claim(
            id="AL-13",
            statement="Recall@K, MRR, NDCG with graded relevance, and precision/recall/F1/ROC-AUC/PR-AUC "
            "follow their definitions; the story's Recall@10 = 4/5 and MRR = (0.5 + 1 + 0.2)/3 "
            "examples hold",
            claimed={"recall_at_10_example": STATED_RECALL_AT_10, "mrr_example": STATED_MRR},
            measured={
                "recall_at_10_example": recall10,
                "mrr_example": round(mrr, 6),
                "ndcg_ideal": ndcg_ideal,
                "ndcg_top_demoted": round(ndcg_top_demoted, 6),
                "ndcg_low_demoted": round(ndcg_low_demoted, 6),
                "library_max_abs_gap": float(f"{gap:.1g}"),
            },
            # the story rounds to two decimals, so half a unit in the last place is its precision
            tolerance=Tolerance(abs=0.005),
            relations=[
                ("ndcg_ideal", ">=", 1.0),
                ("ndcg_top_demoted", "<", "ndcg_low_demoted"),
                ("library_max_abs_gap", "<", 1e-9),
            ],
            checks=[
                Recompute(
                    "mrr",
                    stated=STATED_MRR,
                    recomputed=(0.5 + 1.0 + 0.2) / 3,
                    tolerance=Tolerance(abs=0.005),
                    how="(1/2 + 1/1 + 1/5) / 3",
                )
            ],
            note=f"MRR is exactly {(0.5 + 1.0 + 0.2) / 3:.4f}; the story's 0.57 is its two-decimal rounding. "
            "Library gap = largest |ours - scikit-learn| over precision, recall, F1, ROC-AUC and "
            "PR-AUC on 2,000 tied scores; PSI is checked in the drift system",
        )
    )
