"""Per-feature drift report of a current window against a reference window.

    fit(reference)   -> decile edges, sorted columns, category counts, value ranges
    score(current)   -> one row per feature: psi, tvd, test statistic and p-value,
                        null rate, share out of the reference range, unseen categories

Numeric features get PSI on reference deciles and a KS test; categorical features get
PSI over categories and a two-sample contingency test with sparse categories merged by a
stated rule (see ``psi.py`` and ``stattests.py``); categories new in the current window
("unseen") and categories of the reference absent from it ("vanished") are listed.

Bad input is refused with an error that names the problem (``DriftInputError``):
an empty window, a monitored column missing from the current window, a numeric column
whose values are not numbers, a reference column with no values at all. What is
suspicious but scorable is reported instead of refused: a column new in the current
window (listed in ``report.attrs["new_columns"]``, not scored), an all-missing current
column (null_rate 1, PSI from the NaN bin, p-value NaN), integer vs float dtypes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from systems.drift.numeric import NumericDrift
from systems.drift.psi import EPS, N_BINS, categorical_psi, category_counts, shares, tvd_from_shares
from systems.drift.stattests import categorical_test


class DriftInputError(ValueError):
    """A window the monitor cannot score; the message says what to fix."""


def numeric_matrix(frame: pd.DataFrame, columns, window: str) -> np.ndarray:
    """Columns as float64 (n_rows, n_columns); refuses text in a numeric column."""
    out = np.empty((len(frame), len(columns)))
    for j, c in enumerate(columns):
        col = frame[c]
        if pd.api.types.is_bool_dtype(col) or pd.api.types.is_numeric_dtype(col):
            out[:, j] = col.to_numpy(dtype=float, na_value=np.nan)
            continue
        conv = pd.to_numeric(col, errors="coerce")
        bad = conv.isna() & col.notna()
        if bad.any():
            raise DriftInputError(
                f"{window} column {c!r} should be numeric but has dtype {col.dtype} with "
                f"non-numeric values such as {col[bad].iloc[0]!r}; fix the upstream type or "
                "declare the column categorical"
            )
        out[:, j] = conv.to_numpy(dtype=float, na_value=np.nan)
    return out


class DriftMonitor:
    """Fit on a reference window, then score any number of current windows.

    Parameters
    ----------
    numeric, categorical : sequence of str
        Columns to monitor.
    n_bins : int
        PSI quantile bins for numeric features.
    eps : float
        Floor for empty-bin shares in PSI.
    """

    def __init__(self, numeric, categorical, n_bins: int = N_BINS, eps: float = EPS):
        self.numeric = list(numeric)
        self.categorical = list(categorical)
        self.n_bins = n_bins
        self.eps = eps

    @property
    def features(self) -> list[str]:
        return self.numeric + self.categorical

    def _check(self, frame: pd.DataFrame, window: str) -> None:
        if not isinstance(frame, pd.DataFrame):
            raise DriftInputError(f"{window} window must be a pandas DataFrame, got {type(frame).__name__}")
        if len(frame) == 0:
            raise DriftInputError(
                f"{window} window is empty (0 rows); nothing to compare - "
                "check the batch's date filter or wait for data"
            )
        missing = [c for c in self.features if c not in frame.columns]
        if missing:
            raise DriftInputError(
                f"{window} window is missing monitored column(s) {missing}; it has {list(frame.columns)}"
            )

    def fit(self, reference: pd.DataFrame) -> DriftMonitor:
        self._check(reference, "reference")
        x = numeric_matrix(reference, self.numeric, "reference")
        empty = [c for c, ok in zip(self.numeric, (~np.isnan(x)).any(axis=0), strict=True) if not ok]
        if not self.features:
            raise DriftInputError("no features to monitor: give at least one numeric or categorical column")
        if empty:
            raise DriftInputError(
                f"reference column(s) {empty} hold no values (all missing); "
                "drop them from the monitored features or fix the reference data"
            )
        self.numeric_ = NumericDrift(self.n_bins, self.eps).fit(x) if self.numeric else None
        self.low_ = np.nanmin(x, axis=0)
        self.high_ = np.nanmax(x, axis=0)
        self.reference_categories_ = {c: reference[c] for c in self.categorical}
        self.reference_columns_ = list(reference.columns)
        self.n_reference_ = len(reference)
        return self

    def score(self, current: pd.DataFrame) -> pd.DataFrame:
        """One row per monitored feature (see module docstring); ``attrs`` holds notes."""
        self._check(current, "current")
        x = numeric_matrix(current, self.numeric, "current")
        if self.numeric_ is not None:
            s = self.numeric_.score(x)
            psi, tvd, d, p = s["psi"], s["tvd"], s["ks_d"], s["ks_p"]
        with np.errstate(invalid="ignore"):
            outside = ((x < self.low_) | (x > self.high_)).mean(axis=0)
        nulls = np.isnan(x).mean(axis=0)
        rows = []
        for j, c in enumerate(self.numeric):
            vals = x[:, j][~np.isnan(x[:, j])]
            rows.append(
                {
                    "feature": c,
                    "kind": "numeric",
                    "psi": float(psi[j]),
                    "tvd": float(tvd[j]),
                    "test": "ks",
                    "statistic": float(d[j]),
                    "p_value": float(p[j]),
                    "null_rate": float(nulls[j]),
                    "out_of_range": float(outside[j]),
                    "constant": bool(
                        vals.size > 0 and vals.min() == vals.max() and self.low_[j] != self.high_[j]
                    ),
                    "unseen": "",
                    "vanished": "",
                }
            )
        for c in self.categorical:
            ref = self.reference_categories_[c]
            cats, rc, cc = category_counts(ref, current[c])
            cat_psi, unseen = categorical_psi(ref, current[c], self.eps)
            test = categorical_test(rc, cc, cats)
            vanished = [k for k, r, n in zip(cats, rc, cc, strict=True) if r > 0 and n == 0]
            cur_share = shares(cc)
            rows.append(
                {
                    "feature": c,
                    "kind": "categorical",
                    "psi": cat_psi,
                    "tvd": float(tvd_from_shares(shares(rc), cur_share)),
                    "test": test.method,
                    "statistic": test.statistic,
                    "p_value": test.p_value,
                    "null_rate": float(current[c].isna().mean()),
                    "out_of_range": float(cur_share[[cats.index(u) for u in unseen]].sum()),
                    "constant": bool(
                        current[c].nunique(dropna=False) == 1 and len(set(rc > 0)) > 0 and (rc > 0).sum() > 1
                    ),
                    "unseen": ",".join(unseen),
                    "vanished": ",".join(vanished),
                }
            )
        report = pd.DataFrame(rows)
        report.attrs["new_columns"] = [c for c in current.columns if c not in self.reference_columns_]
        report.attrs["n_current"] = len(current)
        report.attrs["n_reference"] = self.n_reference_
        return report
