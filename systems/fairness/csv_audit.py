"""Audit any tabular CSV: validate, encode, then the same ``audit.run_audit`` as the story.

target     binary: two distinct values; ``--positive V`` names the positive one
           (needed unless the values are 0/1 or False/True)
sensitive  one or more columns; several are crossed into one group label "a | b";
           missing values and single-group columns are rejected with a message. A
           column (or cross) with more than ``max_groups`` (20) groups is refused:
           per-group rates on ~1,000 groups of a few rows each are noise and every
           disparity reads 1.0. ``--sensitive-bins B`` cuts numeric columns with too
           many values into B quantile bins instead (labels "[lo, hi]")
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
        raise ValueError(
            f"target {col.name!r} must be binary; it has {len(values)} distinct values "
            f"({', '.join(values[:6])}{', ...' if len(values) > 6 else ''})"
        )
    if positive:
        if positive not in values:
            raise ValueError(f"--positive {positive!r} is not a value of {col.name!r} (values: {values})")
        return (col.astype(str) == positive).to_numpy().astype(int)
    for pos in ("1", "True", "true", "1.0"):
        if pos in values:
            return (col.astype(str) == pos).to_numpy().astype(int)
    raise ValueError(f"target {col.name!r} has values {values}; say which is positive with --positive VALUE")


def _binned(col: pd.Series, bins: int) -> pd.Series:
    """Quantile bins of a numeric column, labelled by their closed ranges."""
    cut = pd.qcut(col, bins, duplicates="drop")
    return cut.map(lambda iv: f"[{iv.left:.4g}, {iv.right:.4g}]").astype(str)


def sensitive_labels(df: pd.DataFrame, columns: list[str], max_groups: int = 20, bins: int = 0) -> pd.Series:
    df = df.copy()
    for c in columns:
        many = df[c].nunique() > max_groups
        if many and bins and pd.api.types.is_numeric_dtype(df[c]) and df[c].notna().all():
            df[c] = _binned(df[c], bins)
        elif many:
            hint = (
                "bin it (--sensitive-bins 4 cuts it into quartiles)"
                if pd.api.types.is_numeric_dtype(df[c])
                else "group its values into a coarser column"
            )
            raise ValueError(
                f"sensitive column {c!r} has {df[c].nunique()} distinct values, more than "
                f"--max-groups {max_groups}: a fairness audit compares groups, so {hint}"
            )
        if df[c].isna().any():
            raise ValueError(
                f"sensitive column {c!r} has {int(df[c].isna().sum())} missing values; "
                "fill them "
                "with an explicit category (e.g. 'unknown') or drop those rows"
            )
        if df[c].nunique() < 2:
            raise ValueError(
                f"sensitive column {c!r} has a single group ({df[c].iloc[0]!r}); "
                "a fairness audit compares at least two"
            )
    label = df[columns].astype(str).agg(" | ".join, axis=1)
    if len(columns) > 1 and label.nunique() > max_groups:
        raise ValueError(
            f"the cross of {columns} has {label.nunique()} groups, more than --max-groups "
            f"{max_groups}: audit fewer columns at once, or coarser ones"
        )
    return label.rename(" x ".join(columns))


def prepare(
    df: pd.DataFrame,
    target: str,
    sensitive: list[str],
    positive: str,
    drop_sensitive: bool,
    seed: int,
    max_groups: int = 20,
    bins: int = 0,
) -> AuditData:
    """Validate the CSV and return the audit's data (see the module docstring)."""
    if not target:
        raise ValueError("--target COLUMN is required with --data")
    if not sensitive:
        raise ValueError("--sensitive COLUMN[,COLUMN] is required with --data")
    missing = [c for c in [target, *sensitive] if c not in df.columns]
    if missing:
        raise ValueError(f"column(s) {missing} not in the CSV (columns: {list(df.columns)})")
    y = binary_target(df[target], positive)
    s = sensitive_labels(df, sensitive, max_groups, bins)
    inputs = df.drop(columns=[target, *(sensitive if drop_sensitive else [])])
    if inputs.shape[1] == 0:
        raise ValueError("no input columns left after removing the target and sensitive columns")
    text = [c for c in inputs.columns if not pd.api.types.is_numeric_dtype(inputs[c])]
    X = pd.get_dummies(inputs, columns=text, dummy_na=True, dtype=float)
    X.columns = [str(c).replace(" ", "_") for c in X.columns]
    if y.sum() == 0 or y.sum() == y.size:
        raise ValueError(f"target {target!r} has a single class after encoding")
    return AuditData(
        X.reset_index(drop=True),
        y,
        s.reset_index(drop=True),
        list(X.columns),
        split(len(df), rng(seed, "split")),
    )
