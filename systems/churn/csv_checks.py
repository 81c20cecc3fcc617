"""Row-level checks of a user's CSV before anything is trained, each a named refusal or a count.

Dates (``--time COL``): values that do not parse as dates are counted. Up to
``MAX_BAD_DATE_SHARE`` (5%) of the labelled rows, those rows are set aside (a row with
no date has no place in a temporal split) and the count is reported; above it the run
is refused, because a split on a mostly unreadable column would not be temporal.

Duplicate ids (``--id COL``): one customer must be one row, or the same customer lands
in training and test. With ``--time`` the latest row of each id is kept (ties: the last
in file order) and the count dropped is reported; without ``--time`` there is no way to
tell which row is current, so the run is refused and names example ids.

Minority class: the smallest class must survive every place it is split. In the
training split, each of the ``k``-fold CV training sets holds about (k-1)/k of it and
SMOTE needs ``SMOTE_NEIGHBOURS + 1`` rows of it there, so the training split needs

    n_min_train >= ceil((SMOTE_NEIGHBOURS + 1) * k / (k - 1))      (k = 3: 9 rows)

and validation and test need at least one row of each class (AUC, calibration).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_BAD_DATE_SHARE = 0.05
SMOTE_NEIGHBOURS = 5  # imblearn's SMOTE default (k_neighbors), used by imbalance.py


@dataclass(frozen=True)
class CheckedRows:
    """Rows that go on to the split, and what the checks set aside."""

    keep: np.ndarray  # (n_kept,) positional indices into the labelled rows
    times: pd.Series | None  # parsed dates of the kept rows (index reset), or None
    bad_dates: int
    duplicate_rows_dropped: int

    def describe(self) -> str:
        parts = []
        if self.times is not None:
            parts.append(f"{self.bad_dates} row(s) with an unparseable date set aside")
        if self.duplicate_rows_dropped:
            parts.append(
                f"{self.duplicate_rows_dropped} older row(s) of repeated ids dropped "
                "(kept the latest by --time)"
            )
        return "; ".join(parts)


def check_rows(df: pd.DataFrame, id_col: str, time_col: str) -> CheckedRows:
    """Apply the date and duplicate-id rules of the module docstring to labelled rows ``df``."""
    keep = np.arange(len(df))
    times, bad = None, 0
    if time_col:
        raw = df[time_col]
        parsed = pd.to_datetime(raw, errors="coerce", format="mixed")
        unparsed = parsed.isna().to_numpy()
        bad = int(unparsed.sum())
        if bad > MAX_BAD_DATE_SHARE * len(df):
            examples = sorted({str(v) for v in raw[unparsed].head(50)})[:5]
            raise ValueError(
                f"--time {time_col!r}: {bad} of {len(df)} rows ({bad / len(df):.0%}) are not "
                f"dates (e.g. {examples}); at most {MAX_BAD_DATE_SHARE:.0%} may be, "
                "fix the column or drop --time for a stratified split"
            )
        keep = keep[~unparsed]
        times = parsed
    dropped = 0
    if id_col:
        ids = df[id_col].iloc[keep].astype("string")
        repeated = ids.duplicated(keep=False).to_numpy()
        if repeated.any() and times is None:
            examples = ids[repeated].drop_duplicates().head(3).tolist()
            raise ValueError(
                f"--id {id_col!r}: {int(repeated.sum())} rows share "
                f"{ids[repeated].nunique()} id(s) (e.g. {examples}); one customer must be "
                "one row: pass --time COL to keep each id's latest row, or de-duplicate"
            )
        if repeated.any():
            order = pd.DataFrame({"id": ids.to_numpy(), "t": times.iloc[keep].to_numpy(), "pos": keep})
            latest = order.sort_values(["t", "pos"], kind="stable").drop_duplicates("id", keep="last")
            dropped = len(keep) - len(latest)
            keep = np.sort(latest["pos"].to_numpy())
    kept_times = None if times is None else times.iloc[keep].reset_index(drop=True)
    return CheckedRows(keep, kept_times, bad, dropped)


def min_train_rows(cv_folds: int) -> int:
    """Fewest training rows of the smallest class that CV + SMOTE can work with."""
    k = max(cv_folds, 2)
    return max(math.ceil((SMOTE_NEIGHBOURS + 1) * k / (k - 1)), k)


def check_minority(
    y: np.ndarray, tr: np.ndarray | None, va: np.ndarray | None, te: np.ndarray | None, cv_folds: int
) -> None:
    """Refuse, with one line, a split in which some stage would have too few rows of a class.

    With ``tr`` None (too few rows to split at all) only the overall count is reported.
    """
    need = min_train_rows(cv_folds)
    total = np.bincount(y, minlength=2)
    minority = int(np.argmin(total))
    per = ""
    if tr is not None:
        parts = (("train", tr), ("validation", va), ("test", te))
        counts = {s: np.bincount(y[i], minlength=2) for s, i in parts}
        if counts["train"].min() >= need and all(counts[s].min() >= 1 for s in ("validation", "test")):
            return
        per = " (" + ", ".join(f"{s} {int(c[minority])}" for s, c in counts.items()) + ")"
    raise ValueError(
        f"the minority class has {int(total[minority])} rows{per}; SMOTE with {SMOTE_NEIGHBOURS} "
        f"neighbours inside {cv_folds}-fold CV needs >= {need} in training, and validation and test "
        f"need >= 1 each, so about {math.ceil(need / 0.70) + 2} overall: add rows of that class"
    )
