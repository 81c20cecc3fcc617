"""``make abtest``: design, assignment, analysis and sequential decisions of the stories' A/B tests.

Also ``python -m systems.abtest --data CSV --unit COL --variant COL --control VALUE --metrics a,b``
analyses any experiment export (see ``dataset.py``).
"""

from __future__ import annotations

import logging
import sys

from systems.abtest.config import AbtestConfig
from systems.core.config import parse_config


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(a == "--data" or a.startswith("--data=") for a in argv):
        from systems.abtest.dataset import main as data_main

        return data_main(argv)
    cfg = parse_config(
        AbtestConfig,
        argv,
        "make abtest",
        __doc__ + "\nThe run writes OUT/abtest/: ledger, sequential.png, estimate_by_week.png, ...",
    )
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from systems.abtest.experiment import run_all
    from systems.core.report import start_run

    with start_run("abtest", cfg) as run:
        run_all(cfg, run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
