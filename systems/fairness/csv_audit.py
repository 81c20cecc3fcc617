"""Audit any tabular CSV: validate, encode, then the same ``audit.run_audit`` as the story.

The file is read by ``systems.core.tabular.read_table`` (encoding, delimiter, gzip).

target     binary, encoded by ``systems.core.tabular.encode_target``: rows with a missing
           label are set aside and counted; ``--positive V`` names the positive value
           (needed unless it is unambiguous, e.g. 0/1, False/True, no/yes)
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

import logging

import pandas as pd

from systems.core.seeding import rng
from systems.core.tabular import encode_target, require_columns
from systems.fairness.audit import AuditData
from systems.fairness.model import split

log = logging.getLogger(__name__)


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
    require_columns(df, {target: "--target"} | {c: "--sensitive" for c in sensitive}, "the CSV")
    encoded = encode_target(df[target], positive)
    if encoded.n_unlabelled:
        log.info("%d row(s) with a missing %r set aside (no label to audit)", encoded.n_unlabelled, target)
    df, y = df[encoded.labelled].reset_index(drop=True), encoded.y
    s = sensitive_labels(df, sensitive, max_groups, bins)
    inputs = df.drop(columns=[target, *(sensitive if drop_sensitive else [])])
    if inputs.shape[1] == 0:
        raise ValueError("no input columns left after removing the target and sensitive columns")
    text = [c for c in inputs.columns if not pd.api.types.is_numeric_dtype(inputs[c])]
    X = pd.get_dummies(inputs, columns=text, dummy_na=True, dtype=float)
    X.columns = [str(c).replace(" ", "_") for c in X.columns]
    return AuditData(
        X.reset_index(drop=True),
        y,
        s.reset_index(drop=True),
        list(X.columns),
        split(len(df), rng(seed, "split")),
    )
