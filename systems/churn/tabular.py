"""Any CSV with a binary target: reading, target encoding and a generic feature transformer.

Reading (``read_csv_checked``) fails with a message naming the problem: no such file,
an empty file, binary content (not a CSV), a parse error, or a single column that
suggests the wrong delimiter.

Target (``encode_target``): rows with a blank target are set aside and counted; the
rest must hold exactly two values. The positive class is ``--positive`` if given, else
inferred only when unambiguous (1 of {0, 1}, true of {false, true}, yes of {no, yes},
churned/churn of the pair); otherwise the error lists the values to choose from.

Features (``TabularFeatures``), fitted on training rows:
    numeric      a column whose non-blank values parse as numbers in >= 90% of rows;
                 the stray strings become NaN and are counted per column; a value that
                 is infinite or of magnitude >= 1e150 refuses the run, naming the column
    categorical  other columns with <= ``max_categories`` distinct values: one-hot of the
                 values seen in training; an unseen value at transform -> all zeros, counted
    dropped      all-NaN, constant, or high-cardinality text columns (reported, not used)
    imputation   median per numeric column, plus ``<col>_missing`` indicators
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from systems.core.churn_table.imputation import CohortImputer

# (x - mean)^2 overflows float64 (max ~1.8e308) once |x| > ~1.3e154: variances, scalers
# and gradients all square their inputs, so a column at that scale cannot be trained on
MAX_ABS_VALUE = 1e150
_POSITIVE_NAMES = ("1", "true", "yes", "y", "churned", "churn", "positive")


def read_csv_checked(path) -> pd.DataFrame:
    """Read a CSV or raise ValueError saying exactly what is wrong with the file."""
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"{p}: no such file")
    head = p.open("rb").read(4096)
    if not head.strip():
        raise ValueError(f"{p}: the file is empty (no header, no rows)")
    if b"\x00" in head:
        raise ValueError(f"{p}: binary content, not a CSV (export the table as comma-separated text)")
    try:
        df = pd.read_csv(p, skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise ValueError(f"{p}: not a readable CSV ({str(err).splitlines()[0]})") from err
    if df.shape[1] < 2:
        raise ValueError(
            f"{p}: only one column ({list(df.columns)}); a CSV needs a comma "
            "delimiter and at least a feature and a target"
        )
    if len(df) == 0:
        raise ValueError(f"{p}: has a header but no data rows")
    return df


def encode_target(values: pd.Series, positive: str | None = None) -> tuple[np.ndarray, np.ndarray, str]:
    """(y in {0, 1} for labelled rows, boolean mask of labelled rows, positive label used)."""
    text = values.astype("string").str.strip()
    labelled = (text.notna() & (text != "")).to_numpy()
    classes = sorted(text[labelled].unique().tolist())
    name = values.name
    if len(classes) < 2:
        raise ValueError(f"target {name!r} has one class only ({classes}); a binary target needs two")
    if len(classes) > 2:
        raise ValueError(f"target {name!r} has {len(classes)} values {classes[:10]}; it must be binary")
    if positive is None or positive == "":
        hits = [
            c
            for c in classes
            if c.lower() in _POSITIVE_NAMES
            or (c.replace(".0", "") == "1" and {x.replace(".0", "") for x in classes} == {"0", "1"})
        ]
        if len(hits) != 1:
            raise ValueError(
                f"cannot tell the positive class of {name!r} among {classes}; pass --positive VALUE"
            )
        positive = hits[0]
    elif str(positive) not in classes:
        raise ValueError(f"--positive {positive!r} is not a value of {name!r}; values are {classes}")
    y = (text[labelled] == str(positive)).to_numpy(dtype=int)
    return y, labelled, str(positive)


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
