"""``make bench`` for fairness: TreeSHAP time per prediction against trees and depth (FA-09).

Runs ``systems.fairness.shap_timing`` on its full grid and prints the table, the two
side-by-side ratios (200 vs 100 trees, depth 6 vs 4) and the FA-09 verdict, computed with
the ledger code. ``make fairness`` measures the same claim on a smaller grid.
"""

from __future__ import annotations

import argparse
import logging

from systems.core.bench import record
from systems.core.cli import add_output_args, pop_output_args
from systems.core.ledger import explain, verdict
from systems.core.report import markdown_table
from systems.fairness.shap_timing import treeshap_timing

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m systems.fairness.bench", description=__doc__)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rows", type=int, default=1000, help="rows explained per batch")
    add_output_args(parser)
    args = parser.parse_args(argv)
    pop_output_args(vars(args))
    table, claim = treeshap_timing(args.seed, args.rows, grid="full")
    log.info(markdown_table(table))
    leaves = {r["depth"]: r["mean_leaves"] for r in table if r["trees"] == 100}
    m = claim.measured
    record("treeshap_ratio_2x_trees", m["ratio_2x_trees"])
    record("treeshap_ratio_depth_6_vs_4", m["ratio_depth_6_vs_4"])
    log.info(
        f"side by side: 200 vs 100 trees x{m['ratio_2x_trees']:.2f} (O(T) predicts x2); depth 6 vs 4 "
        f"x{m['ratio_depth_6_vs_4']:.2f} (O(L D^2) with the fitted leaf counts predicts "
        f"x{leaves[6] * 36 / (leaves[4] * 16):.1f})"
    )
    log.info(f"FA-09: {verdict(claim).value} - {explain(claim)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
