"""``TabularFeatures``: the columns of any CSV -> a numeric matrix, fitted on the training rows.

Reading the file and encoding the target belong to ``systems.core.tabular``; what is
left here is churn's generic feature rule set:

    numeric      a column whose non-blank values parse as numbers in >= 90% of rows;
                 the stray strings become NaN and are counted per column; a value that
                 is infinite or of magnitude >= 1e150 refuses the run, naming the column
    categorical  other columns with <= ``max_categories`` distinct values: one-hot of the
                 values seen in training; an unseen value at transform -> all zeros, counted
    dropped      all-NaN, constant, or high-cardinality text columns (reported, not used)
    imputation   median per numeric column, plus ``<col>_missing`` indicators
"""

from __future__ import annotations

import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from systems.core.churn_table.imputation import CohortImputer

# (x - mean)^2 overflows float64 (max ~1.8e308) once |x| > ~1.3e154: variances, scalers
# and gradients all square their inputs, so a column at that scale cannot be trained on
MAX_ABS_VALUE = 1e150


def check_magnitude(name: str, num: pd.Series) -> None:
    """Refuse a numeric column holding inf or values no float64 arithmetic survives."""
    big = num.abs() >= MAX_ABS_VALUE
    if big.any():
        example = float(num[big].iloc[0])
        raise ValueError(
            f"column {name!r}: {int(big.sum())} value(s) are infinite or of magnitude >= "
            f"{MAX_ABS_VALUE:.0e} (e.g. {example:g}); squares overflow float64 there. "
            "Fix or rescale the column, or drop it"
        )


class TabularFeatures(TransformerMixin, BaseEstimator):
    """Generic CSV columns -> numeric matrix; see the module docstring."""

    def __init__(self, exclude=(), max_categories=30, numeric_share=0.9):
        self.exclude = exclude
        self.max_categories = max_categories
        self.numeric_share = numeric_share

    def fit(self, X: pd.DataFrame, y=None):
        self.numeric_, self.categorical_, self.dropped_, self.stray_ = [], {}, {}, {}
        for c in X.columns:
            if c in self.exclude:
                continue
            col = X[c]
            blank = col.isna() | (col.astype("string").str.strip() == "")
            if blank.all():
                self.dropped_[c] = "all values missing"
                continue
            num = pd.to_numeric(col, errors="coerce")
            if num.notna().sum() >= self.numeric_share * (~blank).sum():
                check_magnitude(c, num)
                if num.nunique() <= 1:
                    self.dropped_[c] = "constant"
                    continue
                self.numeric_.append(c)
                self.stray_[c] = int((num.isna() & ~blank).sum())
            else:
                values = col[~blank].astype(str).str.strip()
                if values.nunique() > self.max_categories:
                    self.dropped_[c] = f"text with {values.nunique()} distinct values"
                elif values.nunique() <= 1:
                    self.dropped_[c] = "constant"
                else:
                    self.categorical_[c] = sorted(values.unique().tolist())
        if not self.numeric_ and not self.categorical_:
            raise ValueError(f"no usable feature columns; dropped: {self.dropped_}")
        self.imputer_ = CohortImputer(self.numeric_, (), add_indicators=True).fit(self._numeric(X))
        self.unseen_ = {}
        self.feature_names_ = list(self._features(X).columns)
        return self

    def _numeric(self, X: pd.DataFrame) -> pd.DataFrame:
        missing = [c for c in self.numeric_ + list(self.categorical_) if c not in X.columns]
        if missing:
            raise ValueError(f"input is missing column(s) {missing} the model was trained on")
        return X[self.numeric_].apply(pd.to_numeric, errors="coerce").astype(float)

    def _features(self, X: pd.DataFrame) -> pd.DataFrame:
        out = self.imputer_.transform(self._numeric(X))
        unseen = {}
        for c, cats in self.categorical_.items():
            v = X[c].astype("string").str.strip()
            for k in cats:
                out[f"{c}={k}"] = (v == k).fillna(False).astype(float)
            new = v.notna() & (v != "") & ~v.isin(cats)
            if new.any():
                unseen[c] = sorted(v[new].unique().tolist())[:10]
        self.unseen_ = unseen
        return out

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return self._features(X)[self.feature_names_]

    def report(self) -> dict:
        return {
            "numeric": list(self.numeric_),
            "categorical": {c: len(v) for c, v in self.categorical_.items()},
            "dropped": dict(self.dropped_),
            "stray_strings": {c: n for c, n in self.stray_.items() if n},
        }
