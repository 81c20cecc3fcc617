"""``make bench``: run each built system's benchmarks (``systems/<name>/bench.py``).

Each bench module has ``main(argv) -> int`` and prints ratios measured side by side in
one run (see ``systems.core.timing.compare``). ``--only NAME`` runs one of them.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

from systems.core.claims_report import SYSTEMS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--only", choices=SYSTEMS, help="run one system's benchmarks")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    names = [args.only] if args.only else list(SYSTEMS)
    ran, status = 0, 0
    for name in names:
        module = f"systems.{name}.bench"
        if importlib.util.find_spec(f"systems.{name}") is None or importlib.util.find_spec(module) is None:
            print(f"bench {name}: no benchmarks yet")
            continue
        print(f"== bench {name}", flush=True)
        status |= importlib.import_module(module).main(["--seed", str(args.seed)])
        ran += 1
    if ran == 0:
        print("make bench: no system has benchmarks yet")
        return 2
    return status


if __name__ == "__main__":
    sys.exit(main())
