"""Splits: stratified 70/15/15, the last-3-months temporal holdout, time-ordered CV folds.

stratified 70/15/15   two calls of train_test_split with stratify=y:
                      test = 15% of all; val = 0.15 / 0.85 of the rest
temporal holdout      snapshot months sorted; the last ``months`` of them are the
                      holdout, everything earlier is development data
time-ordered folds    sklearn TimeSeriesSplit over the sorted distinct months, so
                      fold k trains on months [0, m_k) and validates on the next block:
                      a row is never validated by a model that saw a later month
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import TimeSeriesSplit, train_test_split


def stratified_70_15_15(
    y: np.ndarray, seed: int, val: float = 0.15, test: float = 0.15
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row indices (train, val, test), each with the class ratio of ``y``."""
    idx = np.arange(len(y))
    rest, te = train_test_split(idx, test_size=test, stratify=y, random_state=seed)
    tr, va = train_test_split(rest, test_size=val / (1 - test), stratify=y[rest], random_state=seed + 1)
    return np.sort(tr), np.sort(va), np.sort(te)


def month_index(times: pd.Series) -> np.ndarray:
    """Months since the earliest snapshot, shape (n,)."""
    t = pd.to_datetime(pd.Series(times)).reset_index(drop=True)
    ym = t.dt.year * 12 + t.dt.month
    return (ym - ym.min()).to_numpy()


def temporal_holdout(times: pd.Series, months: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Row indices (development, holdout): the holdout is the last ``months`` months."""
    m = month_index(times)
    last = np.unique(m)
    if len(last) <= months:
        raise ValueError(f"need more than {months} distinct months for a temporal holdout, got {len(last)}")
    cut = last[-months]
    return np.flatnonzero(m < cut), np.flatnonzero(m >= cut)


def time_ordered_folds(times: pd.Series, n_splits: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Expanding-window folds over distinct months (rows of one month stay together)."""
    m = month_index(times)
    months = np.unique(m)
    if len(months) < n_splits + 1:
        raise ValueError(
            f"{n_splits} time-ordered folds need >= {n_splits + 1} distinct months, got {len(months)}"
        )
    folds = []
    for tr_m, va_m in TimeSeriesSplit(n_splits=n_splits).split(months):
        folds.append((np.flatnonzero(np.isin(m, months[tr_m])), np.flatnonzero(np.isin(m, months[va_m]))))
    return folds
