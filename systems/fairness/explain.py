"""Explanations: TreeSHAP by segment (global) and a local surrogate of one flagged customer.

SHAP (shap.TreeExplainer, path-dependent TreeSHAP on the LightGBM model) gives, per row i
and feature j, phi_ij in log-odds with  sum_j phi_ij + E[f] = f(x_i)  (the model's raw
score). Per segment S the importance of j is

    I_S(j) = mean_{i in S} |phi_ij|

and "weighted 2x in the affected segment" is read as I_affected(j) / I_rest(j).

The local explanation fits ``algorithms.local_surrogate.LocalSurrogate`` to the model's
fraud probability around one customer: coefficients are the change in probability per
one training standard deviation of each feature near that customer.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import shap

from algorithms.local_surrogate import LocalSurrogate


def shap_values(model, X: pd.DataFrame) -> np.ndarray:
    """TreeSHAP values in log-odds, shape (n_samples, n_features)."""
    with warnings.catch_warnings():
        # shap notes on every call that its LightGBM output format changed in an old release
        warnings.filterwarnings("ignore", message="LightGBM binary classifier with TreeExplainer")
        values = np.asarray(shap.TreeExplainer(model).shap_values(X))
    if values.ndim == 3:  # some model types return one slice per class
        values = values[..., -1]
    return values


def importance_by_segment(values: np.ndarray, columns, segment) -> pd.DataFrame:
    """Mean |SHAP| per feature (rows) and segment label (columns)."""
    frame = pd.DataFrame(np.abs(values), columns=list(columns))
    return frame.groupby(np.asarray(segment)).mean().T


def local_explanation(
    model,
    X_train: pd.DataFrame,
    x0: pd.Series,
    rng: np.random.Generator,
    frozen: tuple[str, ...] = (),
    n_samples: int = 5000,
) -> pd.DataFrame:
    """Local surrogate of the model's fraud probability around row ``x0``.

    Returns a DataFrame indexed by feature with ``value`` (the customer's), ``weight``
    (surrogate slope per training SD) and the surrogate's fit in ``attrs``.
    """
    columns = list(X_train.columns)
    scale = X_train.std(ddof=0).to_numpy(dtype=float, copy=True)
    scale[scale == 0] = 1.0

    def f(Z):
        return model.predict_proba(pd.DataFrame(Z, columns=columns))[:, 1]

    frozen_idx = tuple(columns.index(c) for c in frozen)
    sur = LocalSurrogate(n_samples=n_samples, frozen=frozen_idx).fit(
        f, x0[columns].to_numpy(dtype=float), scale, rng
    )
    out = pd.DataFrame({"value": x0[columns].to_numpy(dtype=float), "weight": sur.coef_}, index=columns)
    out.attrs.update(score=sur.score_, prediction=sur.prediction_, intercept=sur.intercept_)
    return out
