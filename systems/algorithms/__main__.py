"""``make algorithms``: run every ``demo_*.py`` in this package into reports/algorithms/.

Demos are found by name, in sorted order, so each lives in its own file; ``--only``
picks some by name (``--only sgd,svm``). Every demo adds its claims, metrics and plots
to the one shared run, so the ledger lists every AL id that was demonstrated.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import pkgutil
import sys

import systems.algorithms as package
from systems.core.config import RunConfig, parse_config
from systems.core.report import start_run
from systems.core.seeding import seed_everything

log = logging.getLogger(__name__)


@dataclasses.dataclass
class AlgorithmsConfig(RunConfig):
    only: str = dataclasses.field(
        default="", metadata={"help": "comma-separated demo names (e.g. sgd,svm); empty = all"}
    )


def demo_names() -> list[str]:
    return sorted(
        m.name.removeprefix("demo_")
        for m in pkgutil.iter_modules(package.__path__)
        if m.name.startswith("demo_")
    )


def main(argv: list[str] | None = None) -> int:
    cfg = parse_config(AlgorithmsConfig, argv, "python -m systems.algorithms", __doc__)
    names = demo_names()
    chosen = [n.strip() for n in cfg.only.split(",") if n.strip()] or names
    unknown = sorted(set(chosen) - set(names))
    if unknown:
        log.error("unknown demo(s) %s; available: %s", unknown, names)
        return 2
    if not chosen:
        log.error("no demonstrations are built yet (no systems/algorithms/demo_*.py)")
        return 2
    seed_everything(cfg.seed)
    with start_run("algorithms", cfg) as run:
        for name in chosen:
            log.info("-- %s", name)
            importlib.import_module(f"systems.algorithms.demo_{name}").run(run, cfg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
