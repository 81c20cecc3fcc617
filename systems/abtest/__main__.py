"""``make abtest``: design, assignment, analysis and sequential decisions of the stories' A/B tests.

    python -m systems.abtest [run] [--seed 0] [--profile quick|full]       the story run
    python -m systems.abtest [analyse] --data CSV --unit COL --variant COL --control VALUE --metrics a,b

``analyse`` reads any experiment export (see ``dataset.py``); a line that names no command
and gives ``--data`` is an analysis.
"""

from __future__ import annotations

import sys

from systems.abtest.config import AbtestConfig
from systems.core.cli import Command, dispatch, gives
from systems.core.config import parse_config


def run_main(argv: list[str]) -> int:
    cfg = parse_config(
        AbtestConfig,
        argv,
        "make abtest",
        __doc__ + "\nThe run writes OUT/abtest/: ledger, sequential.png, estimate_by_week.png, ...",
    )
    from systems.abtest.experiment import run_all
    from systems.core.report import start_run

    with start_run("abtest", cfg) as run:
        run_all(cfg, run)
    return 0


def analyse_main(argv: list[str]) -> int:
    from systems.abtest.dataset import main

    return main(argv)


def _default(argv: list[str]) -> str:
    """``analyse`` when the line names a data file, else the story ``run``."""
    return "analyse" if gives(argv, "--data") else "run"


COMMANDS = {
    "run": Command("the stories' A/B tests, simulated and analysed (make abtest)", run_main),
    "analyse": Command("analyse an experiment export (CSV, one row per unit)", analyse_main),
}


def main(argv: list[str] | None = None) -> int:
    return dispatch(argv, "python -m systems.abtest", __doc__, COMMANDS, _default)


if __name__ == "__main__":
    sys.exit(main())
