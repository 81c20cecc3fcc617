"""Cohort-median imputation with missing-indicator features, and the global-median baseline.

Missingness in the churn data is not completely at random: it depends on cohorts (usage
minutes are missing mostly for early signups, NPS mostly on the basic plan). A global
median fills every gap with one value and so blurs cohort differences; a cohort median
fills with the median of the row's own cohort:

    fill(x_ij) = median{ x_kj : cohort(k) = cohort(i), x_kj observed }    if that cohort
                 has >= min_count observed values in the training data, else
                 median{ x_kj : x_kj observed }                           (global)

and, because missingness itself can be predictive, an indicator ``<col>_missing`` =
1[x_ij is NaN] is added for every column that had a gap in the training data.
All medians are learned in ``fit`` (training rows only) and reused in ``transform``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin


class CohortImputer(TransformerMixin, BaseEstimator):
    """Fill NaN in ``columns`` by cohort (or global) medians; add missing indicators.

    Parameters
    ----------
    columns : list of str
        Numeric columns to impute.
    cohort : list of str
        Columns whose value combination defines a cohort; empty means global median.
    add_indicators : bool
        Add ``<col>_missing`` for every column with a gap at fit time.
    min_count : int
        Smallest number of observed values for a cohort median to be trusted.
    """

    def __init__(self, columns, cohort=(), add_indicators=True, min_count=20):
        self.columns = columns
        self.cohort = cohort
        self.add_indicators = add_indicators
        self.min_count = min_count

    def _keys(self, X: pd.DataFrame) -> pd.Series:
        if not self.cohort:
            return pd.Series("all", index=X.index)
        cols = [X[c].astype(str) for c in self.cohort]
        key = cols[0]
        for c in cols[1:]:
            key = key + "|" + c
        return key

    def fit(self, X: pd.DataFrame, y=None):
        cols = list(self.columns)
        self.global_median_ = X[cols].median().fillna(0.0)
        keys = self._keys(X)
        grouped = X[cols].groupby(keys)
        med, cnt = grouped.median(), grouped.count()
        self.cohort_median_ = med.where(cnt >= self.min_count)
        self.indicator_columns_ = [c for c in cols if X[c].isna().any()] if self.add_indicators else []
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        out = X.copy()
        keys = self._keys(X)
        cols = list(self.columns)
        fills = self.cohort_median_.reindex(keys.to_numpy())  # (n, len(cols)), NaN for unseen cohorts
        fills.index = X.index
        fills = fills.fillna(self.global_median_)
        for c in self.indicator_columns_:
            out[f"{c}_missing"] = X[c].isna().astype(float)
        out[cols] = X[cols].fillna(fills)
        return out

    # pandas objects hold C state that skops cannot rebuild; the saved state keeps
    # the medians as plain lists and arrays (see systems/core/artifact.py)
    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: the base may return __dict__ itself
        if "global_median_" in state:
            g, c = state["global_median_"], state["cohort_median_"]
            state["global_median_"] = {"index": [str(k) for k in g.index], "values": g.to_numpy(float)}
            state["cohort_median_"] = {
                "index": [str(k) for k in c.index],
                "columns": [str(k) for k in c.columns],
                "values": c.to_numpy(float),
            }
        return state

    def __setstate__(self, state):
        g, c = state.get("global_median_"), state.get("cohort_median_")
        if isinstance(g, dict):
            state["global_median_"] = pd.Series(np.asarray(g["values"], float), index=list(g["index"]))
            state["cohort_median_"] = pd.DataFrame(
                np.asarray(c["values"], float).reshape(len(c["index"]), len(c["columns"])),
                index=list(c["index"]),
                columns=list(c["columns"]),
            )
        super().__setstate__(state)

    def feature_names(self) -> list[str]:
        return [f"{c}_missing" for c in self.indicator_columns_]


def missing_share(df: pd.DataFrame, columns=None) -> float:
    """Fraction of rows with at least one missing value among ``columns``."""
    sub = df if columns is None else df[list(columns)]
    return float(np.mean(sub.isna().any(axis=1)))
