"""Splits: stratified 70/15/15, last-3-months holdout, time-ordered folds."""

import numpy as np
import pandas as pd
import pytest

from systems.churn.splits import month_index, stratified_70_15_15, temporal_holdout, time_ordered_folds


def _dates(n=1200, months=12, seed=0):
    rng = np.random.default_rng(seed)
    ends = pd.date_range("2023-11-30", periods=months, freq="ME")
    return pd.Series(ends[rng.integers(0, months, n)])


def test_stratified_split_sizes_and_class_ratio():
    y = (np.random.default_rng(0).random(2000) < 0.27).astype(int)
    tr, va, te = stratified_70_15_15(y, 0)
    assert (len(tr), len(va), len(te)) == (1400, 300, 300)
    assert len(np.intersect1d(tr, te)) == 0 and len(np.union1d(np.union1d(tr, va), te)) == 2000
    for part in (tr, va, te):
        assert abs(y[part].mean() - y.mean()) < 0.01


def test_month_index_crosses_year_boundaries():
    m = month_index(pd.Series(pd.to_datetime(["2023-11-30", "2023-12-31", "2024-01-31", "2025-01-31"])))
    assert m.tolist() == [0, 1, 2, 14]


def test_temporal_holdout_is_the_last_three_months():
    d = _dates()
    dev, hold = temporal_holdout(d, 3)
    assert d.iloc[hold].dt.to_period("M").nunique() == 3
    assert d.iloc[dev].max() < d.iloc[hold].min()
    with pytest.raises(ValueError, match="distinct months"):
        temporal_holdout(d[d < "2024-01-31"], 3)


def test_folds_never_validate_on_a_month_before_training():
    d = _dates()
    folds = time_ordered_folds(d, 3)
    assert len(folds) == 3
    for tr, va in folds:
        assert d.iloc[tr].max() < d.iloc[va].min()
    assert len(folds[0][0]) < len(folds[-1][0])  # expanding window
