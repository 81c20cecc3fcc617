"""Compare the seed-determined part of two runs' ledgers: did a refactor change any result?

    python -m systems.core.ledger_diff BEFORE AFTER [--systems churn,drift]

BEFORE and AFTER are report roots (``reports/``, or ``reports/verify/runs/seed-0``) holding
``<system>/ledger.json``. Two records are compared after ``seed_determined`` (timed claims keep
only their id) and with ``source`` removed: a refactor moves code, so the file:line a claim
links to may change while what it measured may not. Every other field (figures, intervals,
relations, verdict, reason) must be identical. Exit status 0 when every system compared is
identical, 1 otherwise (each difference logged as one line), 2 when a ledger is missing.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from systems.core.cli import add_output_args, pop_output_args
from systems.core.ledger import seed_determined

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Difference:
    """One claim whose seed-determined record differs (or exists on one side only)."""

    system: str
    claim: str
    fields: tuple[str, ...]


def comparable(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Records keyed by id, timed claims reduced to their id, ``source`` dropped."""
    out = {}
    for r in seed_determined(records):
        out[r["id"]] = {k: v for k, v in r.items() if k != "source"}
    return out


def diff_ledgers(system: str, before: list[dict], after: list[dict]) -> list[Difference]:
    """Every claim id whose comparable record differs between ``before`` and ``after``."""
    a, b = comparable(before), comparable(after)
    diffs = []
    for cid in sorted(set(a) | set(b)):
        if cid not in a or cid not in b:
            diffs.append(Difference(system, cid, ("only in " + ("after" if cid in b else "before"),)))
            continue
        keys = sorted(k for k in set(a[cid]) | set(b[cid]) if a[cid].get(k) != b[cid].get(k))
        if keys:
            diffs.append(Difference(system, cid, tuple(keys)))
    return diffs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m systems.core.ledger_diff", description=__doc__)
    parser.add_argument("before", type=Path, help="report root of the earlier run")
    parser.add_argument("after", type=Path, help="report root of the later run")
    parser.add_argument("--systems", default="", help="comma-separated systems (default: all in BEFORE)")
    add_output_args(parser)
    args = parser.parse_args(argv)
    pop_output_args(vars(args))
    names = [s for s in args.systems.split(",") if s] or sorted(
        p.parent.name for p in args.before.glob("*/ledger.json")
    )
    missing = [str(root / s / "ledger.json") for s in names for root in (args.before, args.after)]
    missing = [m for m in missing if not Path(m).exists()]
    if missing or not names:
        log.error("ledger_diff: no ledger at %s", ", ".join(missing) or f"{args.before}/*/ledger.json")
        return 2
    total = []
    for s in names:
        before = json.loads((args.before / s / "ledger.json").read_text())["claims"]
        after = json.loads((args.after / s / "ledger.json").read_text())["claims"]
        diffs = diff_ledgers(s, before, after)
        total += diffs
        log.info("%s: %s", s, "identical" if not diffs else f"{len(diffs)} claims differ")
        for d in diffs:
            log.info("  %s: %s", d.claim, ", ".join(d.fields))
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
