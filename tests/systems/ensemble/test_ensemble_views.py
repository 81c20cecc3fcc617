import numpy as np
import pandas as pd

from systems.ensemble.experiments import (
    POLY,
    RECENCY,
    base_view,
    crosses_view,
    poly_view,
    recency_view,
)


def _frame(n=6):
    rng = np.random.default_rng(0)
    cols = {c: rng.normal(size=n) for c in [*RECENCY, *POLY, "charges_to_tenure_ratio", "other"]}
    m2m = np.array([1.0, 0, 1, 0, 1, 0])
    basic = np.array([1.0, 1, 0, 0, 1, 0])
    cols["contract_type=month-to-month"], cols["contract_type=two-year"] = m2m, 1 - m2m
    cols["plan=basic"], cols["plan=premium"] = basic, 1 - basic
    cols["payment_method=card"] = np.ones(n)
    return pd.DataFrame(cols)


def test_views_add_only_their_own_columns():
    X = _frame()
    base = base_view(X)
    assert not set(RECENCY) & set(base.columns)
    assert set(recency_view(X).columns) == set(base.columns) | set(RECENCY)
    crosses = crosses_view(X)
    extra = set(crosses.columns) - set(base.columns)
    assert "contract_type=month-to-month&plan=basic" in extra
    assert len(extra) == 2 * 2 + 2 * 1  # contract x plan, contract x payment
    np.testing.assert_array_equal(
        crosses["contract_type=month-to-month&plan=basic"],
        X["contract_type=month-to-month"] * X["plan=basic"],
    )
    stats = {c: (0.0, 1.0) for c in [*POLY, "charges_to_tenure_ratio"]}
    poly = poly_view(X, stats)
    np.testing.assert_allclose(poly["tenure_months^2"], X["tenure_months"] ** 2)
    np.testing.assert_allclose(poly["charges_to_tenure_ratio^3"], X["charges_to_tenure_ratio"] ** 3)
