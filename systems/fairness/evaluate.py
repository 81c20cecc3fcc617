"""Score one candidate on one set of rows: accuracy, AUC and the disparity metrics.

auc                AUC of P(flag | x) (the model's probability; for a randomised
                   mitigation, the probability its draw flags the row)
auc_ranking        AUC of the continuous score underneath (mitigate.Candidate.ranking)
accuracy           mean(flag == y) at the candidate's decisions
balanced_accuracy  (TPR + TNR) / 2 at the decisions
disparity          systems.fairness.disparity over the sensitive groups
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from algorithms.metrics import roc_auc
from systems.fairness.disparity import Disparity, from_table
from systems.fairness.group_metrics import group_table
from systems.fairness.mitigate import Candidate


@dataclass
class Evaluation:
    name: str
    auc: float
    auc_ranking: float
    accuracy: float
    balanced_accuracy: float
    flag_rate: float
    tpr: float
    fpr: float
    disparity: Disparity
    table: pd.DataFrame
    pred: np.ndarray
    proba: np.ndarray

    def row(self) -> dict:
        d = self.disparity
        return {
            "model": self.name,
            "auc": self.auc,
            "auc_ranking": self.auc_ranking,
            "accuracy": self.accuracy,
            "balanced_accuracy": self.balanced_accuracy,
            "flag_rate": self.flag_rate,
            "fpr": self.fpr,
            "tpr": self.tpr,
            "fpr_disparity": d.fpr_disparity,
            "dpd": d.demographic_parity_difference,
            "di_ratio": d.demographic_parity_ratio,
            "equal_opportunity": d.equal_opportunity_difference,
            "equalized_odds": d.equalized_odds_difference,
            "equalized_odds_mean": d.equalized_odds_mean,
        }


def evaluate(c: Candidate, X: pd.DataFrame, y, sensitive: pd.Series, min_group_size: int = 100) -> Evaluation:
    y = np.asarray(y).astype(int)
    proba = np.asarray(c.proba(X, sensitive), dtype=float)
    pred = np.asarray(c.decide(X, sensitive)).astype(int)
    table = group_table(y, pred, sensitive, min_group_size)
    pos, neg = y == 1, y == 0
    tpr = float(pred[pos].mean()) if pos.any() else float("nan")
    fpr = float(pred[neg].mean()) if neg.any() else float("nan")
    ranking = proba if c.ranking is None else np.asarray(c.ranking(X, sensitive), dtype=float)
    return Evaluation(
        name=c.name,
        auc=roc_auc(y, proba),
        auc_ranking=roc_auc(y, ranking),
        accuracy=float((pred == y).mean()),
        balanced_accuracy=(tpr + 1 - fpr) / 2,
        flag_rate=float(pred.mean()),
        tpr=tpr,
        fpr=fpr,
        disparity=from_table(table),
        table=table,
        pred=pred,
        proba=proba,
    )
