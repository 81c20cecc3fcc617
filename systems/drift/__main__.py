"""``make drift``: a simulated year of loan batches, monitored, with the retraining loop.

Also ``python -m systems.drift --reference A.csv --current B.csv`` compares two tables
(see ``compare.py``).
"""

from __future__ import annotations

import sys

from systems.core.config import parse_config
from systems.drift.config import DriftConfig


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--reference" in argv or "--current" in argv:
        from systems.drift.compare import main as compare_main

        return compare_main(argv)
    cfg = parse_config(
        DriftConfig,
        argv,
        "make drift",
        __doc__ + "\nThe run writes OUT/drift/: ledger, timeline.png, detections.md, loop_log.md, ...",
    )
    from threadpoolctl import threadpool_limits

    from systems.core.report import start_run
    from systems.drift.experiment import run_all

    with start_run("drift", cfg) as run:
        # small linear models: one BLAS thread each beats contending for shared cores
        with threadpool_limits(1):
            run_all(cfg, run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
