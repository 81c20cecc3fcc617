"""The saved pipeline: features + selected columns + calibrated model + threshold + metadata.

One joblib file holds everything scoring needs, so a new CSV is turned into features
exactly as the training rows were (the training/serving skew this prevents is the usual
way a deployed model silently degrades). ``score_csv`` validates first: rows that fail
are written to a rejects file with their reasons and are never scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
import pandas as pd

from data.churn import ID
from systems.churn.tabular import read_csv_checked
from systems.churn.validation import validate

FORMAT_VERSION = 1


@dataclass
class ChurnModel:
    """Everything needed to score new rows.

    kind : "churn" (synthetic schema, pandera-validated) or "tabular" (any CSV)
    """

    kind: str
    features: object
    columns: list[str]
    model: object
    threshold: float
    id_column: str | None = None
    metadata: dict = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    def predict_proba(self, table: pd.DataFrame) -> np.ndarray:
        X = self.features.transform(table)[self.columns]
        return self.model.predict_proba(X.to_numpy())[:, 1]


def save(bundle: ChurnModel, path) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(bundle, p, compress=3)
    return p


def load(path) -> ChurnModel:
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"{p}: no saved model here (train one with `make churn` or --data first)")
    try:
        obj = joblib.load(p)
    except Exception as err:  # joblib raises many types for a file that is not its own
        raise ValueError(f"{p}: not a saved churn model ({type(err).__name__})") from err
    if not isinstance(obj, ChurnModel) or obj.format_version != FORMAT_VERSION:
        raise ValueError(f"{p}: not a churn model bundle of format {FORMAT_VERSION}")
    return obj


def score_csv(model_path, input_path, output_path, rejects_path=None) -> dict:
    """Score a CSV of new customers; returns a summary (rows scored, rejected, reasons)."""
    bundle = load(model_path)
    raw = read_csv_checked(input_path)
    rejects_path = Path(rejects_path or Path(output_path).with_suffix(".rejects.csv"))
    if bundle.kind == "churn":
        v = validate(raw, require_target=False)
        good, rejected = v.clean, v.quarantine
        reasons = v.summary()["by_reason"]
        ids = good[ID]
    else:
        good, rejected, reasons = raw, raw.iloc[:0].assign(reason=[]), {}
        ids = raw[bundle.id_column] if bundle.id_column else pd.Series(np.arange(len(raw)), name="row")
    p = bundle.predict_proba(good) if len(good) else np.array([])
    out = pd.DataFrame({ids.name or "row": ids.to_numpy(), "churn_probability": np.round(p, 6),
                        "flag_for_offer": (p >= bundle.threshold).astype(int)})
    Path(output_path).parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(output_path, index=False)
    rejected.to_csv(rejects_path, index=False)
    unseen = getattr(bundle.features, "unseen_", {})
    return {"n_input": len(raw), "n_scored": len(out), "n_rejected": len(rejected),
            "rejected_by_reason": reasons, "unseen_categories": unseen,
            "threshold": bundle.threshold, "output": str(output_path), "rejects": str(rejects_path)}
