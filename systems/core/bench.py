"""``make bench``: run each built system's benchmarks (``systems/<name>/bench.py``).

Each bench module has ``main(argv) -> int``, prints ratios measured side by side in one
run (see ``systems.core.timing.compare``) and calls ``record(name, value)`` for the figures
a script should read. After the last system, every recorded figure is written to
``reports/bench/bench.json`` (``{"seed": .., "only": .., "results": {name: value}}``) through
a temporary file and a rename, so an interrupted bench leaves the previous file as it was.
``--only NAME`` runs one system's benchmarks.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import logging
import math
import os
import re
import sys
from pathlib import Path

from systems.core.claims_report import SYSTEMS
from systems.core.cli import add_output_args, pop_output_args

log = logging.getLogger(__name__)
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_RESULTS: dict[str, float] = {}


def record(name: str, value: float) -> float:
    """Keep a benchmark figure for bench.json (snake_case name, finite value); returns it."""
    if not _NAME.match(name):
        raise ValueError(f"bench figure name {name!r} must be snake_case")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"bench figure {name} is not finite: {value}")
    _RESULTS[name] = value
    return value


def recorded() -> dict[str, float]:
    return dict(_RESULTS)


def write_json(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=SYSTEMS, help="run one system's benchmarks")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("reports"), help="reports root (bench/bench.json)")
    add_output_args(parser)
    args = parser.parse_args(argv)
    pop_output_args(vars(args))
    names = [args.only] if args.only else list(SYSTEMS)
    ran, status = 0, 0
    # Run as `python -m systems.core.bench`, this file is `__main__`, a second copy of the
    # module; the bench modules record into `systems.core.bench`, so read that one.
    registry = importlib.import_module("systems.core.bench")
    registry._RESULTS.clear()
    for name in names:
        module = f"systems.{name}.bench"
        if importlib.util.find_spec(f"systems.{name}") is None or importlib.util.find_spec(module) is None:
            log.info("bench %s: no benchmarks yet", name)
            continue
        log.info("== bench %s", name)
        status |= importlib.import_module(module).main(["--seed", str(args.seed)])
        ran += 1
    if ran == 0:
        log.error("make bench: no system has benchmarks yet")
        return 2
    path = args.out / "bench" / "bench.json"
    results = registry.recorded()
    write_json(path, {"seed": args.seed, "only": args.only, "results": results})
    log.info("bench: %d figures in %s", len(results), path)
    return status


if __name__ == "__main__":
    sys.exit(main())
