"""Feature selection: drop one of each highly correlated pair, then low-importance features.

    1. correlation   rank candidates by univariate strength |AUC(x) - 0.5| (ties: name);
                     walk down the ranking and keep x unless |corr(x, k)| > 0.9 for a
                     kept k; a dropped x is recorded with the partner it duplicated
    2. importance    fit LightGBM on the survivors; importance share
                     w_j = gain_j / sum_i gain_i; drop w_j < 1%
                     (once: re-fitting after each drop would chase noise)

Both steps see training rows only. The result records which rule dropped what, so the
selected set is documented, not just listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import lightgbm as lgb
import numpy as np
import pandas as pd

from algorithms.metrics import roc_auc


@dataclass(frozen=True)
class Selection:
    candidates: list[str]
    kept: list[str]
    dropped_correlated: dict[str, tuple[str, float]] = field(default_factory=dict)
    dropped_low_importance: dict[str, float] = field(default_factory=dict)
    importance: dict[str, float] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """How many candidates each rule left (CH-03)."""
        return {
            "n_candidates": len(self.candidates),
            "n_after_corr": len(self.candidates) - len(self.dropped_correlated),
            "n_selected": len(self.kept),
            "n_dropped_corr": len(self.dropped_correlated),
            "n_dropped_importance": len(self.dropped_low_importance),
        }

    def rows(self) -> list[dict]:
        out = [{"feature": f, "decision": "kept", "importance_share": self.importance[f]} for f in self.kept]
        out += [
            {"feature": f, "decision": f"dropped: |corr| {c:.3f} with {p}"}
            for f, (p, c) in self.dropped_correlated.items()
        ]
        out += [
            {"feature": f, "decision": "dropped: importance < 1%", "importance_share": w}
            for f, w in self.dropped_low_importance.items()
        ]
        return out


def select_features(
    X: pd.DataFrame, y: np.ndarray, seed: int, corr_threshold: float = 0.9, min_importance: float = 0.01
) -> Selection:
    """Apply the two rules above to ``X`` of shape (n, n_candidates)."""
    cols = [c for c in X.columns if X[c].std() > 0]
    strength = {c: abs(roc_auc(y, X[c]) - 0.5) for c in cols}
    order = sorted(cols, key=lambda c: (-strength[c], c))
    corr = X[order].corr().abs()
    kept_corr: list[str] = []
    dropped: dict[str, tuple[str, float]] = {}
    for c in order:
        hit = [(k, corr.at[c, k]) for k in kept_corr if corr.at[c, k] > corr_threshold]
        if hit:
            dropped[c] = max(hit, key=lambda t: t[1])
        else:
            kept_corr.append(c)
    for c in X.columns:
        if c not in cols:
            dropped[c] = ("(constant)", 0.0)
    model = lgb.LGBMClassifier(
        n_estimators=200,
        learning_rate=0.05,
        num_leaves=31,
        importance_type="gain",
        random_state=seed,
        n_jobs=1,
        verbose=-1,
    )
    model.fit(X[kept_corr], y)
    gain = np.asarray(model.feature_importances_, dtype=float)
    share = gain / gain.sum()
    imp = dict(zip(kept_corr, share.tolist(), strict=True))
    kept = [c for c in kept_corr if imp[c] >= min_importance]
    low = {c: imp[c] for c in kept_corr if imp[c] < min_importance}
    return Selection(list(X.columns), kept, dropped, low, {c: imp[c] for c in kept})
