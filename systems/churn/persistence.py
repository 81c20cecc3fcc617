"""The saved pipeline: features + selected columns + calibrated model + threshold + schema.

One artefact (``systems.core.artifact``: a skops payload plus a JSON manifest with its
sha256 and the input schema) holds everything scoring needs, so a new CSV is turned into
features exactly as the training rows were (the training/serving skew this prevents is
the usual way a deployed model silently degrades). Loading verifies the manifest and the
hash and checks every type in the payload against an allow-list before anything is
rebuilt; no pickle is ever read.

``score_csv`` validates first, against the schema saved with the model: rows that fail
(text in a numeric column, inf, |x| > 1e12, a blank or repeated id, and for the
synthetic schema its pandera rules) go to ``<output stem>.rejects.csv`` with a reason
each and are never scored. ``--output`` equal to ``--input`` or ``--model`` (same path
or same file through a link) is refused before anything is written. Outputs are
written to a temporary name and renamed, so an interrupted run leaves no half file.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import Pipeline

from data.churn import CATEGORIES, ID, LEAKY, TARGET
from systems.core import artifact
from systems.core.artifact import Column, FeatureSchema, SelectColumns
from systems.core.churn_table.timestamps import parse_mixed
from systems.core.churn_table.validation import CATEGORICAL, DATE_COLUMNS, NUMERIC, validate
from systems.core.tabular import read_table

FORMAT_VERSION = artifact.FORMAT_VERSION


class ParseRecords(TransformerMixin, BaseEstimator):
    """Raw synthetic churn records -> the parsed table ``ChurnFeatures`` expects.

    Dates in the four source formats become datetime64 (already-parsed columns pass
    through), numeric columns become float; so a served JSON row and a validated CSV
    row reach the features in the same shape.
    """

    def fit(self, X, y=None):
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        out = X.copy()
        for c in DATE_COLUMNS:
            if not pd.api.types.is_datetime64_any_dtype(out[c]):
                out[c] = parse_mixed(out[c])[0]
        for c in NUMERIC:
            if c in out.columns:
                out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
        return out


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
    schema: FeatureSchema | None = None
    model_version: str = ""

    def predict_proba(self, table: pd.DataFrame) -> np.ndarray:
        X = self.features.transform(table)[self.columns]
        return self.model.predict_proba(X.to_numpy())[:, 1]

    def pipeline(self) -> Pipeline:
        steps = [
            ("features", self.features),
            ("select", SelectColumns(list(self.columns))),
            ("model", _inference_model(self.model)),
        ]
        return Pipeline(([("parse", ParseRecords())] if self.kind == "churn" else []) + steps)


def _inference_model(model):
    """The model as it predicts: every imblearn pipeline inside it without its resamplers.

    A resampler (SMOTE, undersampling) acts only in ``fit``; at prediction time imblearn
    skips it. Dropping it keeps the saved artefact to estimator types that hold data, and
    the predictions are the same. The churn model nests the pipeline inside Platt scaling
    (CalibratedClassifierCV -> FrozenEstimator -> imblearn Pipeline), so the search walks
    the wrappers' ``estimator`` and ``calibrated_classifiers_``; the caller's model is copied,
    not changed.
    """
    return _strip_resamplers(copy.deepcopy(model))


def _strip_resamplers(obj):
    steps = getattr(obj, "steps", None)
    if isinstance(steps, list) and any(hasattr(est, "fit_resample") for _, est in steps):
        kept = [(name, _strip_resamplers(est)) for name, est in steps if not hasattr(est, "fit_resample")]
        return kept[0][1] if len(kept) == 1 else Pipeline(kept)
    inner = vars(obj).get("estimator") if hasattr(obj, "__dict__") else None
    if inner is not None:
        obj.__dict__["estimator"] = _strip_resamplers(inner)
    for calibrated in getattr(obj, "calibrated_classifiers_", None) or []:
        calibrated.estimator = _strip_resamplers(calibrated.estimator)
    return obj


def schema_of(bundle: ChurnModel) -> FeatureSchema:
    """The input schema of a bundle: the synthetic churn table, or what TabularFeatures saw."""
    if bundle.kind == "churn":
        # the post-outcome column is an input only of CH-10's deliberately leaky model; a new
        # customer's row does not have it, so it is optional (ignored) for every other model
        leaky = bool(getattr(bundle.features, "include_leaky", False))
        cols = [Column(c, "numeric") for c in NUMERIC if c != LEAKY or leaky]
        cols += [
            Column(c, "categorical", tuple(CATEGORIES[c]), unknown="reject", nullable=False)
            for c in CATEGORICAL
        ]
        cols += [Column(c, "datetime", nullable=False) for c in DATE_COLUMNS]
        return FeatureSchema(tuple(cols), ID, TARGET, "1", () if leaky else (LEAKY,))
    f = bundle.features
    cols = [Column(c, "numeric") for c in f.numeric_]
    cols += [Column(c, "categorical", tuple(v), unknown="zeros") for c, v in f.categorical_.items()]
    md = bundle.metadata
    return FeatureSchema(
        tuple(cols), bundle.id_column, md.get("target"), md.get("positive"), tuple(sorted(f.dropped_))
    )


def save(bundle: ChurnModel, path, smoke: pd.DataFrame | None = None) -> Path:
    """Write ``bundle`` as a safe artefact at ``path``; ``smoke`` rows default to synthetic ones."""
    schema = schema_of(bundle)
    if smoke is None:
        smoke = _default_smoke(bundle, schema)
    training = {"kind": bundle.kind, "columns": list(bundle.columns)} | dict(bundle.metadata)
    artifact.save(path, bundle.pipeline(), schema, bundle.threshold, smoke, training)
    return Path(path)


def _default_smoke(bundle: ChurnModel, schema: FeatureSchema) -> pd.DataFrame:
    """Rows the pipeline can score: valid synthetic rows, or one row per category value."""
    if bundle.kind == "churn":
        from data.churn import generate

        raw = generate("telecom", 200, 12345)
        ok = raw[ID].isin(validate(raw, require_target=False).clean[ID])
        return raw.loc[ok].drop(columns=[TARGET, LEAKY]).head(8)
    rows = []
    imp = bundle.features.imputer_.global_median_
    for k in range(4):
        rows.append(
            {
                c.name: (
                    float(imp.get(c.name, 0.0)) * (1 + 0.1 * k)
                    if c.kind == "numeric"
                    else (c.categories[k % len(c.categories)] if c.categories else None)
                )
                for c in schema.columns
            }
        )
    return pd.DataFrame(rows)


def load(path) -> ChurnModel:
    """Verify and load (see ``systems.core.artifact.load``); ValueError with one line otherwise."""
    art = artifact.load(path)
    m = art.manifest
    steps = getattr(art.pipeline, "named_steps", {})
    kind = m.training.get("kind")
    if kind not in ("churn", "tabular") or set(steps) - {"parse"} != {"features", "select", "model"}:
        raise artifact.ArtifactError(
            f"{path}: refused: a model artefact, but not a churn pipeline "
            f"(kind {kind!r}, steps {list(steps)})"
        )
    return ChurnModel(
        kind,
        steps["features"],
        list(steps["select"].columns),
        steps["model"],
        m.threshold,
        m.schema.id_column,
        dict(m.training),
        schema=m.schema,
        model_version=m.model_version,
    )


def same_file(a, b) -> bool:
    """True if ``a`` and ``b`` name one file (same resolved path, or same device and inode)."""
    pa, pb = Path(a), Path(b)
    if pa.resolve() == pb.resolve():
        return True
    try:
        return os.path.samefile(pa, pb)
    except OSError:  # one of them does not exist yet: not the same file
        return False


def _write_csv_atomic(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    df.to_csv(tmp, index=False)
    tmp.replace(path)


def _check_outputs(model_path, input_path, output_path, rejects_path) -> None:
    for out, flag in ((output_path, "--output"), (rejects_path, "--rejects")):
        for src, what in ((input_path, "--input"), (model_path, "--model")):
            if same_file(out, src):
                raise ValueError(
                    f"{flag} {out} is the same file as {what} {src}; refusing to overwrite "
                    "it (choose another output path)"
                )
    if same_file(output_path, rejects_path):
        raise ValueError(f"--output and --rejects are the same file ({output_path})")


def score_csv(model_path, input_path, output_path, rejects_path=None) -> dict:
    """Score a CSV of new customers; returns a summary (rows scored, rejected, reasons)."""
    output_path = Path(output_path)
    rejects_path = Path(rejects_path or output_path.with_name(output_path.stem + ".rejects.csv"))
    _check_outputs(model_path, input_path, output_path, rejects_path)
    bundle = load(model_path)
    raw = read_table(input_path, "--input", min_columns=2)
    checked = bundle.schema.validate(raw)
    good, rejected = checked.valid, checked.rejects
    if bundle.kind == "churn":  # the synthetic schema's own rules (ranges, dates) on top
        v = validate(raw.loc[good.index], require_target=False)
        good, rejected = v.clean, pd.concat([rejected, v.quarantine], ignore_index=True)
    id_col = bundle.schema.id_column
    ids = good[id_col] if id_col else pd.Series(good.index.to_numpy(), name="row")
    p = bundle.predict_proba(good) if len(good) else np.array([])
    out = pd.DataFrame(
        {
            ids.name or "row": ids.to_numpy(),
            "churn_probability": np.round(p, 6),
            "flag_for_offer": (p >= bundle.threshold).astype(int),
        }
    )
    _write_csv_atomic(out, output_path)
    _write_csv_atomic(rejected, rejects_path)
    reasons = (
        (
            rejected["reason"]
            .str.split("; ")
            .explode()
            .str.split(" (", regex=False)
            .str[0]
            .value_counts()
            .sort_index()
            .to_dict()
        )
        if len(rejected)
        else {}
    )
    return {
        "n_input": len(raw),
        "n_scored": len(out),
        "n_rejected": len(rejected),
        "rejected_by_reason": reasons,
        "unseen_categories": bundle.schema.unseen_categories(good),
        "threshold": bundle.threshold,
        "model_version": bundle.model_version,
        "output": str(output_path),
        "rejects": str(rejects_path),
    }
