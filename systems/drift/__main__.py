"""``make drift``: a simulated year of loan batches, monitored, with the retraining loop.

    python -m systems.drift [run] [--seed 0] [--profile quick|full]      the story run
    python -m systems.drift [compare] --reference A.csv --current B.csv   compare two tables

``compare`` is described in ``compare.py``; a line that names no command and gives
``--reference`` or ``--current`` is a comparison.
"""

from __future__ import annotations

import logging
import sys

from systems.core.cli import Command, dispatch, gives
from systems.core.config import parse_config
from systems.drift.config import DriftConfig

log = logging.getLogger(__name__)


def run_main(argv: list[str]) -> int:
    try:
        cfg = parse_config(
            DriftConfig,
            argv,
            "make drift",
            __doc__ + "\nThe run writes OUT/drift/: ledger, timeline.png, detections.md, loop_log.md, ...",
        )
    except ValueError as err:  # e.g. an unknown profile: one line on stderr, not a traceback
        log.error("make drift: %s", err)
        return 2
    from threadpoolctl import threadpool_limits

    from systems.core.report import start_run
    from systems.drift.experiment import run_all

    with start_run("drift", cfg) as run:
        # small linear models: one BLAS thread each beats contending for shared cores
        with threadpool_limits(1):
            run_all(cfg, run)
    return 0


def compare_main(argv: list[str]) -> int:
    from systems.drift.compare import main

    return main(argv)


def _default(argv: list[str]) -> str:
    """``compare`` when the line names a table to compare, else the story ``run``."""
    return "compare" if gives(argv, "--reference", "--current") else "run"


COMMANDS = {
    "run": Command("the simulated year, monitored and retrained (make drift)", run_main),
    "compare": Command("compare two CSV tables column by column", compare_main),
}


def main(argv: list[str] | None = None) -> int:
    return dispatch(argv, "python -m systems.drift", __doc__, COMMANDS, _default)


if __name__ == "__main__":
    sys.exit(main())
