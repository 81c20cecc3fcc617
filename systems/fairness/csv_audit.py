"""Audit any tabular CSV: validate, encode, then the same ``audit.run_audit`` as the story.

    target     binary: two distinct values; ``--positive V`` names the positive one
               (needed unless the values are 0/1 or False/True)
    sensitive  one or more columns; several are crossed into one group label "a | b";
               missing values and single-group columns are rejected with a message
    inputs     every other column; text columns one-hot encoded (missing -> own level);
               sensitive columns are inputs unless ``--drop-sensitive``
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from systems.core.seeding import rng
from systems.fairness.audit import AuditData
from systems.fairness.model import split


def load(path: Path) -> pd.DataFrame:
    if not Path(path).exists():
        raise ValueError(f"--data {path}: no such file")
    df = pd.read_csv(path)
    if df.empty:
        raise ValueError(f"--data {path}: the CSV has no rows")
    return df


def binary_target(col: pd.Series, positive: str) -> np.ndarray:
    """0/1 target from a column; ``positive`` names the positive value ('' = infer 1/True)."""
    if col.isna().any():
        raise ValueError(f"target {col.name!r} has {int(col.isna().sum())} missing values; drop those rows")
    values = sorted(col.astype(str).unique())
    if len(values) != 2:
        raise ValueError(f"target {col.name!r} must be binary; it has {len(values)} distinct values "
                         f"({', '.join(values[:6])}{', ...' if len(values) > 6 else ''})")
    if positive:
        if positive not in values:
            raise ValueError(f"--positive {positive!r} is not a value of {col.name!r} (values: {values})")
        return (col.astype(str) == positive).to_numpy().astype(int)
    for pos in ("1", "True", "true", "1.0"):
        if pos in values:
            return (col.astype(str) == pos).to_numpy().astype(int)
    raise ValueError(f"target {col.name!r} has values {values}; say which is positive with --positive VALUE")


def sensitive_labels(df: pd.DataFrame, columns: list[str]) -> pd.Series:
    for c in columns:
        if df[c].isna().any():
            raise ValueError(f"sensitive column {c!r} has {int(df[c].isna().sum())} missing values; "
                             "fill them "
                             "with an explicit category (e.g. 'unknown') or drop those rows")
        if df[c].nunique() < 2:
            raise ValueError(f"sensitive column {c!r} has a single group ({df[c].iloc[0]!r}); "
                             "a fairness audit compares at least two")
    label = df[columns].astype(str).agg(" | ".join, axis=1)
    return label.rename(" x ".join(columns))


def prepare(df: pd.DataFrame, target: str, sensitive: list[str], positive: str, drop_sensitive: bool,
            seed: int) -> AuditData:
    """Validate the CSV and return the audit's data (see the module docstring)."""
    if not target:
        raise ValueError("--target COLUMN is required with --data")
    if not sensitive:
        raise ValueError("--sensitive COLUMN[,COLUMN] is required with --data")
    missing = [c for c in [target, *sensitive] if c not in df.columns]
    if missing:
        raise ValueError(f"column(s) {missing} not in the CSV (columns: {list(df.columns)})")
    y = binary_target(df[target], positive)
    s = sensitive_labels(df, sensitive)
    inputs = df.drop(columns=[target, *(sensitive if drop_sensitive else [])])
    if inputs.shape[1] == 0:
        raise ValueError("no input columns left after removing the target and sensitive columns")
    text = [c for c in inputs.columns if not pd.api.types.is_numeric_dtype(inputs[c])]
    X = pd.get_dummies(inputs, columns=text, dummy_na=True, dtype=float)
    X.columns = [str(c).replace(" ", "_") for c in X.columns]
    if y.sum() == 0 or y.sum() == y.size:
        raise ValueError(f"target {target!r} has a single class after encoding")
    return AuditData(X.reset_index(drop=True), y, s.reset_index(drop=True), list(X.columns),
                     split(len(df), rng(seed, "split")))
