"""Compare any two tables: ``python -m systems.drift --reference A.csv --current B.csv``.

Every column of the reference (less ``--exclude``) is monitored. Its kind comes from the
rule in ``kinds.py`` (text, booleans and integer codes with at most 12 values are
categorical, the rest numeric), overridable with ``--categorical a,b`` / ``--numeric c,d``;
the report shows each column's kind and the reason. Numeric columns get PSI on reference
deciles + KS; categorical ones PSI over categories + a two-sample contingency test (chi-
square with sparse categories merged, Fisher's exact test when too few counts remain;
the method used is named per column), with unseen and vanished categories listed.

Data-set summary (first line of the report, and ``metrics.json``):

    drifted column   PSI > the retrain line (--psi-retrain, default 0.3); p-values are
                     shown but do not decide, since at large n they flag any difference
    drifted_share    drifted columns / monitored columns
    dataset_drift    drifted_share >= --drift-share (default 0.5)

Both files are read by ``systems.core.tabular.read_table`` (encoding, delimiter, gzip; a
missing, empty, binary or header-only file is refused naming the flag). Outputs go to
OUT/drift_compare/ (report.md, report.csv, metrics.json), staged and published in one
rename (``systems.core.publish``), so a reader never sees a half-written report. The
report is printed on stdout, the narration logged on stderr (``-q`` / ``-v``). Bad input:
one line on stderr naming the problem, exit code 2, nothing written.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from systems.core.cli import add_output_args, setup_output
from systems.core.publish import published
from systems.core.report import markdown_table
from systems.core.tabular import read_table
from systems.drift.kinds import MAX_CODES, KindError, column_kinds
from systems.drift.monitor import DriftInputError, DriftMonitor
from systems.drift.rules import pipeline_faults, psi_level

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Summary:
    n_columns: int
    drifted_columns: list[str]
    drifted_share: float
    dataset_drift: bool
    rule: str

    def line(self) -> str:
        which = ", ".join(self.drifted_columns) if self.drifted_columns else "none"
        verdict = "DRIFTED" if self.dataset_drift else "not drifted"
        return (
            f"Data set {verdict}: {len(self.drifted_columns)} of {self.n_columns} columns drifted "
            f"({self.drifted_share:.0%}): {which}. Rule: {self.rule}."
        )


def compare(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    investigate: float = 0.2,
    retrain: float = 0.3,
    exclude=(),
    categorical=(),
    numeric=(),
    max_codes: int = MAX_CODES,
) -> pd.DataFrame:
    """Per-column report (one row per monitored column, most drifted first)."""
    cols = [c for c in reference.columns if c not in exclude]
    try:
        kinds = column_kinds(reference, cols, categorical, numeric, max_codes)
    except KindError as err:
        raise DriftInputError(str(err)) from err
    num = [k.name for k in kinds if k.kind == "numeric"]
    cat = [k.name for k in kinds if k.kind == "categorical"]
    report = DriftMonitor(num, cat).fit(reference).score(current)
    reasons = {k.name: k.reason for k in kinds}
    report.insert(2, "kind_reason", report["feature"].map(reasons))
    report["level"] = [psi_level(p, investigate, retrain) for p in report["psi"]]
    faults = set(pipeline_faults(report))
    report["pipeline_fault"] = report["feature"].isin(faults)
    attrs = dict(report.attrs)
    out = report.sort_values("psi", ascending=False).reset_index(drop=True)
    out.attrs.update(attrs)
    return out


def summarise(report: pd.DataFrame, retrain: float, drift_share: float) -> Summary:
    drifted = report.loc[report["psi"] > retrain, "feature"].tolist()
    share = len(drifted) / len(report) if len(report) else 0.0
    rule = (
        f"a column drifted when its PSI > {retrain:g}; the data set drifted when at least "
        f"{drift_share:.0%} of its columns did"
    )
    return Summary(len(report), drifted, share, share >= drift_share, rule)


def _names(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m systems.drift --reference A.csv --current B.csv",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--reference", type=Path, required=True, help="CSV of the reference window")
    parser.add_argument("--current", type=Path, required=True, help="CSV of the current window")
    parser.add_argument("--exclude", default="", help="comma-separated columns not to monitor (ids, labels)")
    parser.add_argument("--categorical", default="", help="comma-separated columns to treat as categorical")
    parser.add_argument("--numeric", default="", help="comma-separated columns to treat as numeric")
    parser.add_argument(
        "--max-codes",
        type=int,
        default=MAX_CODES,
        help="integer columns with at most this many values are categorical",
    )
    parser.add_argument("--psi-investigate", type=float, default=0.2)
    parser.add_argument("--psi-retrain", type=float, default=0.3, help="PSI above which a column drifted")
    parser.add_argument(
        "--drift-share",
        type=float,
        default=0.5,
        help="share of drifted columns at which the data set drifted",
    )
    parser.add_argument("--out", type=Path, default=Path("reports"))
    add_output_args(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    setup_output(args.quiet, args.verbose, args.progress)
    try:
        if not 0 < args.drift_share <= 1:
            raise DriftInputError(f"--drift-share must be in (0, 1], got {args.drift_share}")
        ref, cur = read_table(args.reference, "--reference"), read_table(args.current, "--current")
        report = compare(
            ref,
            cur,
            args.psi_investigate,
            args.psi_retrain,
            _names(args.exclude),
            _names(args.categorical),
            _names(args.numeric),
            args.max_codes,
        )
        summary = summarise(report, args.psi_retrain, args.drift_share)
    except (DriftInputError, ValueError) as err:
        log.error("drift compare: %s", err)
        return 2
    new = report.attrs.get("new_columns", [])
    text = summary.line() + "\n\n" + markdown_table(report.round(4).to_dict("records"))
    if new:
        text += f"\n\nColumns only in the current window (not monitored): {new}"
    # its own folder: inside OUT/drift/ the next drift run, which replaces that folder whole, would delete it
    with published(args.out, "drift_compare") as staging:
        report.to_csv(staging / "report.csv", index=False)
        (staging / "metrics.json").write_text(json.dumps(asdict(summary), indent=2, sort_keys=True) + "\n")
        (staging / "report.md").write_text(text + "\n")
    out = args.out / "drift_compare"
    sys.stdout.write(text + "\n")  # the report itself is the command's output
    log.info("written: %s, %s, %s", out / "report.md", out / "report.csv", out / "metrics.json")
    return 0
