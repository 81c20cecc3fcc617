"""The monitored model: logistic regression on scaled numerics and one-hot categories.

    z = standardise(log1p(income), log1p(loan_amount), other numerics) ++ onehot(categories)
    p(default) = sigmoid(w . z + b)          (L2, C = 1)

The decision threshold t is chosen on out-of-fold predictions (5-fold) to maximise F1,
and the out-of-fold F1 at t is the model's *baseline F1*: an honest estimate on rows the
fold's model did not see, with the whole training set as its holdout. A category the
model has never seen maps to all-zero one-hot columns (``handle_unknown="ignore"``).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from algorithms.metrics import at_threshold, roc_auc

LOG_FEATURES = ("income", "loan_amount")


def build_pipeline(numeric, categorical) -> Pipeline:
    logs = [c for c in numeric if c in LOG_FEATURES]
    lin = [c for c in numeric if c not in LOG_FEATURES]
    prep = ColumnTransformer(
        [
            ("log", make_pipeline(FunctionTransformer(np.log1p), StandardScaler()), logs),
            ("num", StandardScaler(), lin),
            ("cat", OneHotEncoder(handle_unknown="ignore"), list(categorical)),
        ]
    )
    return make_pipeline(prep, LogisticRegression(C=1.0, max_iter=1000))


def best_f1_threshold(y, p, grid=None) -> tuple[float, float]:
    """(threshold, F1) maximising F1 over a grid of thresholds."""
    grid = np.round(np.arange(0.05, 0.8, 0.005), 3) if grid is None else grid
    f1 = [at_threshold(y, p, t)[2] for t in grid]
    i = int(np.argmax(f1))
    return float(grid[i]), float(f1[i])


def data_hash(frame: pd.DataFrame) -> str:
    """Content hash of a training frame (row order matters), first 16 hex digits."""
    return hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()).hexdigest()[
        :16
    ]


@dataclass
class CreditModel:
    """A fitted pipeline with its threshold, baseline F1 and the features it expects."""

    pipeline: object
    threshold: float
    baseline_f1: float
    baseline_auc: float
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]

    @property
    def features(self) -> list[str]:
        return list(self.numeric) + list(self.categorical)

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """P(default), ndarray of shape (n_rows,)."""
        return self.pipeline.predict_proba(frame[self.features])[:, 1]

    def f1(self, frame: pd.DataFrame, target: str = "default") -> float:
        return at_threshold(frame[target].to_numpy(), self.predict_proba(frame), self.threshold)[2]


def train(frame: pd.DataFrame, numeric, categorical, target: str = "default", seed: int = 0) -> CreditModel:
    """Fit on ``frame``; threshold and baseline F1 from 5-fold out-of-fold predictions."""
    if frame[target].nunique() < 2:
        raise ValueError(f"training window has a single class in {target!r}; cannot fit a classifier")
    x, y = frame[list(numeric) + list(categorical)], frame[target].to_numpy()
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    # small problems: one BLAS thread is several times faster than fighting over shared cores
    with threadpool_limits(1):
        oof = cross_val_predict(build_pipeline(numeric, categorical), x, y, cv=folds, method="predict_proba")[
            :, 1
        ]
        pipe = build_pipeline(numeric, categorical).fit(x, y)
    threshold, f1 = best_f1_threshold(y, oof)
    return CreditModel(pipe, threshold, f1, roc_auc(y, oof), tuple(numeric), tuple(categorical))


def latency_ms(model, frame: pd.DataFrame, n_calls: int = 30, clock: str = "wall") -> np.ndarray:
    """Time (ms) of ``n_calls`` single-row predictions, one request at a time.

    ``clock="wall"`` is what a caller waits; ``clock="cpu"`` is the calling thread's CPU
    time, which other jobs on a shared machine cannot inflate (single-row prediction runs
    on one thread), used where a verdict must not depend on the machine's load.
    """
    if clock not in ("wall", "cpu"):
        raise ValueError(f"clock must be 'wall' or 'cpu', got {clock!r}")
    now = time.perf_counter if clock == "wall" else time.thread_time
    rows = [frame.iloc[[i % len(frame)]] for i in range(n_calls)]
    out = np.empty(n_calls)
    for i, r in enumerate(rows):
        t0 = now()
        model.predict_proba(r)
        out[i] = 1e3 * (now() - t0)
    return out
