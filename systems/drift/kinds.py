"""Column kinds for tables a user hands in: numeric (PSI on deciles + KS) or categorical.

Inference rule, applied to the reference window, first match wins:

    1. named in --categorical / --numeric                 -> that kind ("set by --...")
    2. boolean dtype                                       -> categorical
    3. not a number (text, dates as text, mixed)           -> categorical
    4. every non-missing value an integer, and at most K   -> categorical (integer codes:
       distinct values (K = ``MAX_CODES`` = 12)               weekday 0-6, season 1-4,
                                                              a 0/1 flag, month 1-12)
    5. otherwise                                           -> numeric

K = 12 keeps a month code categorical and an hour of day (24 values) or a count with a
long tail numeric; a column the rule gets wrong is one flag away. Treating integer codes
as numbers would test their order and spacing (KS on codes 1-4), which codes do not have.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_CODES = 12


@dataclass(frozen=True)
class ColumnKind:
    name: str
    kind: str  # "numeric" or "categorical"
    reason: str


class KindError(ValueError):
    """An override names a column the table does not have, or both kinds at once."""


def infer_kind(col: pd.Series, max_codes: int = MAX_CODES) -> ColumnKind:
    """Kind of one reference column by rules 2-5 of the module docstring."""
    if pd.api.types.is_bool_dtype(col):
        return ColumnKind(col.name, "categorical", "boolean values")
    if not pd.api.types.is_numeric_dtype(col):
        return ColumnKind(col.name, "categorical", f"not numbers (dtype {col.dtype})")
    values = col.dropna().to_numpy(dtype=float)
    distinct = np.unique(values)
    if values.size and np.all(distinct == np.round(distinct)) and distinct.size <= max_codes:
        return ColumnKind(
            col.name, "categorical", f"integer codes: {distinct.size} distinct values <= {max_codes}"
        )
    if values.size and np.all(distinct == np.round(distinct)):
        return ColumnKind(col.name, "numeric", f"integers with {distinct.size} distinct values > {max_codes}")
    return ColumnKind(col.name, "numeric", "non-integer numbers")


def column_kinds(
    reference: pd.DataFrame, columns, categorical=(), numeric=(), max_codes: int = MAX_CODES
) -> list[ColumnKind]:
    """Kind and reason for each of ``columns``; overrides win (rule 1)."""
    columns = list(columns)
    both = sorted(set(categorical) & set(numeric))
    if both:
        raise KindError(f"column(s) {both} are in both --categorical and --numeric; pick one kind each")
    unknown = sorted((set(categorical) | set(numeric)) - set(columns))
    if unknown:
        raise KindError(
            f"--categorical/--numeric name column(s) {unknown} not monitored; monitored: {columns}"
        )
    out = []
    for c in columns:
        if c in categorical:
            out.append(ColumnKind(c, "categorical", "set by --categorical"))
        elif c in numeric:
            out.append(ColumnKind(c, "numeric", "set by --numeric"))
        else:
            out.append(infer_kind(reference[c], max_codes))
    return out
