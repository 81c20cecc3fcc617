"""``make verify``: run each system's quick profile over seeds 0..S-1 and tabulate verdicts.

Each (system, seed) runs as its own process, ``python -m systems.<name> --seed s --out
reports/verify/runs/seed-s``, exactly as a user would run it, so a crash on one seed is
recorded (as verdict ``error``) and the others still run. The result is
``reports/verify/stability.json`` and ``stability.md`` (see ``systems.core.stability``),
each written to a temporary file and renamed into place, so an interrupted verify leaves
the previous table as it was. The exit status is 1 if any run failed.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import time
from pathlib import Path

from systems.core.claims_report import SYSTEMS
from systems.core.cli import add_output_args, pop_output_args
from systems.core.publish import atomic_write_text
from systems.core.stability import aggregate, markdown

log = logging.getLogger(__name__)


def run_one(system: str, seed: int, root: Path, extra: list[str], reuse: bool = False) -> dict | None:
    """Run one system at one seed; return its ledger, or None if the run failed.

    With ``reuse``, a ledger an earlier verify left for this (system, seed) is read instead
    of running again (for resuming, or for tabulating runs made in several sittings).
    """
    out = root / "runs" / f"seed-{seed}"
    if reuse and (out / system / "ledger.json").exists():
        log.info("%s seed %d: reusing %s", system, seed, out / system / "ledger.json")
        return json.loads((out / system / "ledger.json").read_text())
    cmd = [sys.executable, "-m", f"systems.{system}", "--seed", str(seed), "--out", str(out), *extra]
    logdir = root / "logs"
    logdir.mkdir(parents=True, exist_ok=True)
    logfile = logdir / f"{system}-seed-{seed}.log"
    start = time.perf_counter()
    with open(logfile, "w") as fh:
        proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    ledger = out / system / "ledger.json"
    if proc.returncode != 0 or not ledger.exists():
        log.error(
            "%s seed %d failed (exit %d) after %.0f s; log: %s", system, seed, proc.returncode, wall, logfile
        )
        return None
    log.info("%s seed %d: done in %.0f s", system, seed, wall)
    return json.loads(ledger.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make verify", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=5, help="run seeds 0..SEEDS-1 (default 5)")
    parser.add_argument(
        "--systems",
        default=" ".join(SYSTEMS),
        help="space- or comma-separated systems (default: all built ones)",
    )
    parser.add_argument("--out", type=Path, default=Path("reports"), help="reports root")
    parser.add_argument(
        "--reuse",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="read ledgers an earlier verify left under OUT/verify/runs instead of "
        "running those (system, seed) pairs again",
    )
    add_output_args(parser)
    args, extra = parser.parse_known_args(argv)
    pop_output_args(vars(args))
    names = [s for s in args.systems.replace(",", " ").split() if s]
    unknown = [s for s in names if s not in SYSTEMS]
    if unknown:
        parser.error(f"unknown system(s) {unknown}; choose from {list(SYSTEMS)}")
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    built = [s for s in names if (Path(__file__).parents[1] / s / "__main__.py").exists()]
    for s in sorted(set(names) - set(built)):
        log.warning("%s is not built yet (no systems/%s/__main__.py): skipped", s, s)
    root = args.out / "verify"
    ledgers = {
        s: {seed: run_one(s, seed, root, extra, args.reuse) for seed in range(args.seeds)} for s in built
    }
    stab = aggregate(ledgers)
    root.mkdir(parents=True, exist_ok=True)
    atomic_write_text(root / "stability.json", json.dumps(stab.to_json(), indent=2, sort_keys=True) + "\n")
    atomic_write_text(root / "stability.md", markdown(stab))
    failed = sum(led is None for runs in ledgers.values() for led in runs.values())
    log.info(
        "%s: %d claims over %d seeds; %d failed runs",
        root / "stability.md",
        len(stab.claims),
        args.seeds,
        failed,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
