"""Platt scaling: map a model's scores to probabilities that match observed churn rates.

    p_cal = 1 / (1 + exp(-(a * logit(p_raw) + b)))

with (a, b) fitted by logistic regression of y on the raw score on a held-out
calibration set (the validation split), the model itself frozen. Resampling (SMOTE)
trains on a 0.8 positive-to-negative ratio, so raw scores overstate churn; Platt scaling
pulls them back. Judged by Brier = mean((p - y)^2) and ECE over 10 equal-width bins
(``algorithms.metrics``), before and after, on the test set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.calibration import CalibratedClassifierCV, calibration_curve
from sklearn.frozen import FrozenEstimator

from algorithms.metrics import brier_score, expected_calibration_error


def platt(model, X_cal, y_cal) -> CalibratedClassifierCV:
    """A calibrated wrapper of an already-fitted ``model`` (sigmoid on its scores)."""
    return CalibratedClassifierCV(FrozenEstimator(model), method="sigmoid").fit(X_cal, y_cal)


@dataclass(frozen=True)
class CalibrationReport:
    """Brier score and ECE of the raw and the calibrated scores on the same rows."""

    brier_before: float
    brier_after: float
    ece_before: float
    ece_after: float


def calibration_report(y, p_raw, p_cal, n_bins: int = 10) -> CalibrationReport:
    y = np.asarray(y)
    return CalibrationReport(
        brier_before=brier_score(y, p_raw),
        brier_after=brier_score(y, p_cal),
        ece_before=expected_calibration_error(y, p_raw, n_bins),
        ece_after=expected_calibration_error(y, p_cal, n_bins),
    )


def reliability_points(y, p, n_bins: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """(mean predicted, observed rate) per non-empty uniform bin."""
    frac_pos, mean_pred = calibration_curve(y, p, n_bins=n_bins, strategy="uniform")
    return mean_pred, frac_pos
