"""Schema validation of raw churn records: every row is kept or quarantined with a reason.

Order of checks (each failing row collects every reason, joined by "; "):

    1. required columns present               else ValueError naming the missing ones
    2. numeric columns coerced                 stray strings ("n/a ", "12,5") -> reason
    3. timestamps normalised (timestamps.py)   unknown shape / impossible date -> reason
    4. pandera schema, lazy                    ranges, allowed categories, target in {0, 1}
    5. snapshot_date >= signup_date            an impossible history -> reason

Missing values are NOT invalid: they are expected (~30% of rows) and go to imputation.
Nothing is dropped silently: ``Validation.quarantine`` holds each rejected row with its
``reason``; ``write_quarantine`` saves it for the data owners, ``summary`` counts reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

from data.churn import CATEGORIES, ID, LEAKY, RAW_COLUMNS, TARGET, TIME
from systems.core.churn_table.timestamps import parse_mixed

DATE_COLUMNS = ("signup_date", TIME)
CATEGORICAL = ("contract_type", "plan", "region", "payment_method", "source")
NUMERIC = tuple(c for c in RAW_COLUMNS if c not in (ID, TARGET, *DATE_COLUMNS, *CATEGORICAL))
REASON = "reason"


def _ranges() -> dict[str, pa.Check]:
    ge0 = pa.Check.ge(0)
    checks = {c: ge0 for c in NUMERIC}
    checks["discount_pct"] = pa.Check.in_range(0, 100)
    checks["email_open_rate"] = pa.Check.in_range(0, 1)
    checks["nps_score"] = pa.Check.in_range(0, 10)
    checks["seats"] = pa.Check.ge(1)
    return checks


def schema(require_target: bool = True, optional: tuple[str, ...] = ()) -> pa.DataFrameSchema:
    """The pandera schema of a parsed table (dates already datetime64, numbers float)."""
    cols: dict[str, pa.Column] = {ID: pa.Column(str, nullable=False, unique=True)}
    for c, check in _ranges().items():
        cols[c] = pa.Column(float, check, nullable=True, required=c not in optional)
    for c in CATEGORICAL:
        cols[c] = pa.Column(str, pa.Check.isin(CATEGORIES[c]), nullable=False)
    for c in DATE_COLUMNS:
        cols[c] = pa.Column("datetime64[ns]", nullable=False)
    if require_target:
        cols[TARGET] = pa.Column(int, pa.Check.isin([0, 1]), nullable=False)
    return pa.DataFrameSchema(cols, coerce=False, strict=False)


@dataclass
class Validation:
    """Result of ``validate``: clean rows, quarantined rows (with ``reason``) and counts."""

    clean: pd.DataFrame
    quarantine: pd.DataFrame
    timestamp_formats: dict[str, int] = field(default_factory=dict)

    def summary(self, n_examples: int = 3) -> dict:
        # one reason reads "column: kind (offending value)"; count by "column: kind"
        # astype(str): with nothing quarantined the column is empty float, which has no .str
        reasons = (
            self.quarantine[REASON].astype(str).str.split("; ").explode().str.split(" (", regex=False).str[0]
        )
        examples = {}
        for r in reasons.unique() if len(reasons) else []:
            ids = self.quarantine.loc[reasons.index[reasons == r], ID].astype(str).unique()
            examples[r] = list(ids[:n_examples])
        return {
            "n_rows": len(self.clean) + len(self.quarantine),
            "n_valid": len(self.clean),
            "n_quarantined": len(self.quarantine),
            "by_reason": reasons.value_counts().sort_index().to_dict(),
            "examples": examples,
            "timestamp_formats": self.timestamp_formats,
        }


def validate(raw: pd.DataFrame, require_target: bool = True) -> Validation:
    """Split a raw table into clean rows and quarantined rows with reasons.

    Parameters
    ----------
    raw : DataFrame of shape (n, >= len(RAW_COLUMNS) - 2)
        As ``data.churn.generate`` writes it; the target (and the leaky column) may be
        absent when ``require_target`` is False, as in a scoring file.
    """
    if len(raw) == 0:
        raise ValueError("no rows to validate: the input table is empty")
    optional = (LEAKY,) if require_target else (LEAKY, TARGET)
    needed = [c for c in RAW_COLUMNS if c not in optional]
    missing = [c for c in needed if c not in raw.columns]
    if missing:
        raise ValueError(f"input is missing required column(s) {missing}; expected {needed}")
    df = raw.copy().reset_index(drop=True)
    reasons: dict[int, list[str]] = {}

    def flag(mask: pd.Series, text) -> None:
        for i in mask[mask].index:
            reasons.setdefault(i, []).append(text(i) if callable(text) else text)

    df[ID] = df[ID].astype(str)
    for c in [c for c in NUMERIC if c in df.columns] + ([TARGET] if TARGET in df.columns else []):
        num = pd.to_numeric(df[c], errors="coerce")
        stray = num.isna() & df[c].notna()
        flag(stray, lambda i, c=c: f"{c}: not a number ({str(df.at[i, c])[:20]!r})")
        df[c] = num.astype(float)
    formats: dict[str, int] = {}
    for c in DATE_COLUMNS:
        parsed, shape = parse_mixed(df[c])
        bad = parsed.isna()
        kind = shape.map({"missing": "missing date", "unknown_format": "unknown date format"}).fillna(
            "impossible date"
        )
        flag(bad, lambda i, c=c, k=kind: f"{c}: {k[i]} ({str(df.at[i, c])[:20]!r})")
        for k, v in shape.value_counts().items():
            formats[k] = formats.get(k, 0) + int(v)
        df[c] = parsed
    for c in CATEGORICAL:
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    to_check = df.copy()
    if TARGET in to_check.columns:
        ok = to_check[TARGET].isin([0, 1])
        to_check[TARGET] = to_check[TARGET].where(ok, -1).astype(int)
    try:
        schema(require_target, optional).validate(to_check, lazy=True)
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases.dropna(subset=["index"])
        # unparseable dates were already reported with the raw string
        fc = fc[~(fc["column"].isin(DATE_COLUMNS) & (fc["check"] == "not_nullable"))]
        for _, r in fc.iterrows():
            i, c = int(r["index"]), r["column"]
            # the value as read, not as checked: a bad target was set to -1 above to fit an int column
            shown = df.at[i, c] if c in df.columns else r["failure_case"]
            reasons.setdefault(i, []).append(f"{c}: failed {str(r['check'])[:60]} ({str(shown)[:20]})")
    order = df["signup_date"] > df[TIME]
    flag(order.fillna(False), f"{TIME}: before signup_date")
    bad_idx = sorted(reasons)
    quarantine = raw.reset_index(drop=True).loc[bad_idx].copy()
    quarantine[REASON] = ["; ".join(dict.fromkeys(reasons[i])) for i in bad_idx]
    clean = df.drop(index=bad_idx).reset_index(drop=True)
    if TARGET in clean.columns:
        # a scoring file may leave its optional labels blank: nullable integers keep them as <NA>
        clean[TARGET] = clean[TARGET].astype(int if require_target else "Int64")
    return Validation(clean, quarantine.reset_index(drop=True), formats)


def write_quarantine(v: Validation, path) -> None:
    """Save quarantined rows (original values plus ``reason``) as CSV."""
    v.quarantine.to_csv(path, index=False)
