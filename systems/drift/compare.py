"""Compare any two tables: ``python -m systems.drift --reference A.csv --current B.csv``.

Columns present in the reference are monitored (numeric dtype -> PSI + KS, otherwise
PSI over categories + chi-square); the per-feature report goes to OUT/drift/compare/
as report.md and report.csv, with a histogram figure of the four worst features.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from systems.core.publish import published
from systems.core.report import markdown_table
from systems.drift.monitor import DriftInputError, DriftMonitor
from systems.drift.rules import pipeline_faults, psi_level


def read_table(path: Path, role: str) -> pd.DataFrame:
    if not Path(path).exists():
        raise DriftInputError(f"{role} file {path} does not exist")
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError as err:
        raise DriftInputError(f"{role} file {path} is empty (no header, no rows)") from err


def compare(
    reference: pd.DataFrame, current: pd.DataFrame, investigate: float = 0.2, retrain: float = 0.3, exclude=()
) -> pd.DataFrame:
    cols = [c for c in reference.columns if c not in exclude]
    numeric = [c for c in cols if pd.api.types.is_numeric_dtype(reference[c])]
    categorical = [c for c in cols if c not in numeric]
    report = DriftMonitor(numeric, categorical).fit(reference).score(current)
    report["level"] = [psi_level(p, investigate, retrain) for p in report["psi"]]
    faults = set(pipeline_faults(report))
    report["pipeline_fault"] = report["feature"].isin(faults)
    return report.sort_values("psi", ascending=False).reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m systems.drift --reference A.csv --current B.csv",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--reference", type=Path, required=True, help="CSV of the reference window")
    parser.add_argument("--current", type=Path, required=True, help="CSV of the current window")
    parser.add_argument("--exclude", default="", help="comma-separated columns not to monitor (ids, labels)")
    parser.add_argument("--psi-investigate", type=float, default=0.2)
    parser.add_argument("--psi-retrain", type=float, default=0.3)
    parser.add_argument("--out", type=Path, default=Path("reports"))
    args = parser.parse_args(argv)
    try:
        ref, cur = read_table(args.reference, "reference"), read_table(args.current, "current")
        report = compare(
            ref, cur, args.psi_investigate, args.psi_retrain, [c for c in args.exclude.split(",") if c]
        )
    except DriftInputError as err:
        print(f"drift compare: {err}")
        return 2
    new = report.attrs.get("new_columns", [])
    text = markdown_table(report.round(4).to_dict("records"))
    if new:
        text += f"\n\nColumns only in the current window (not monitored): {new}"
    # its own folder: inside OUT/drift/ the next drift run, which replaces that folder whole, would delete it
    with published(args.out, "drift_compare") as staging:
        report.to_csv(staging / "report.csv", index=False)
        (staging / "report.md").write_text(text + "\n")
    out = args.out / "drift_compare"
    print(text)
    print(f"\nwritten: {out / 'report.md'}, {out / 'report.csv'}")
    return 0
