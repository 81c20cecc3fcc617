"""``make claims``: gather every system's ledger.json into one reports/CLAIMS.md.

It reads what runs have written and computes nothing new: a system that has not been
run has no ledger and is listed as such, so the summary never claims more than exists.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from systems.core import stability
from systems.core.cli import add_output_args, pop_output_args
from systems.core.publish import atomic_write_text
from systems.core.report import count_verdicts, format_counts, markdown_table

log = logging.getLogger(__name__)

SYSTEMS = ("churn", "ensemble", "rag", "drift", "fairness", "algorithms", "serving", "abtest", "compression")


def gather(root: Path) -> tuple[list[dict], list[str]]:
    """Return the ledgers found under ``root`` and the systems without one."""
    found, missing = [], []
    for system in SYSTEMS:
        path = root / system / "ledger.json"
        if not path.exists():
            missing.append(system)
            continue
        try:
            ledger = json.loads(path.read_text())
            ledger["claims"]
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise SystemExit(f"{path}: not a ledger ({err}); re-run `make {system}`") from err
        found.append(ledger)
    return found, missing


def stability_section(root: Path) -> list[str]:
    """Modal verdicts over seeds per system, when ``make verify`` has written them."""
    path = root / "verify" / "stability.json"
    if not path.exists():
        return ["No stability table yet: `make verify` runs every system over 5 seeds.", ""]
    try:
        stab = stability.load(path)
    except (json.JSONDecodeError, KeyError, TypeError) as err:
        raise SystemExit(f"{path}: not a stability table ({err}); re-run `make verify`") from err
    rows = [
        {
            "system": row.system,
            "claims": row.n_claims,
            "modal verdicts": row.counts_text(),
            "all seeds agree": row.unanimous,
            "claims that flip": row.flips_text(),
        }
        for row in stability.summarise(stab)
    ]
    return [
        f"## Stability over seeds {', '.join(map(str, stab.seeds))}",
        "",
        markdown_table(rows),
        "",
        "Per claim: `verify/stability.md`.",
        "",
    ]


def render(ledgers: list[dict], missing: list[str], root: Path | None = None) -> str:
    rows = []
    for led in ledgers:
        counts = count_verdicts(c["verdict"] for c in led["claims"])
        rows.append(
            {
                "system": led["system"],
                "profile": led["profile"],
                "seed": led["seed"],
                "claims": len(led["claims"]),
                **counts,
            }
        )
    total = count_verdicts(c["verdict"] for led in ledgers for c in led["claims"])
    out = [
        "# Claims ledger, all systems",
        "",
        f"Total: {sum(total.values())} claims ({format_counts(total)}).",
        "",
        markdown_table(rows),
        "",
    ]
    if missing:
        out += [f"No ledger yet for: {', '.join(missing)} (run `make <system>`).", ""]
    out += [
        "(timed) marks a verdict judged on wall-clock figures of that run; it can change "
        "between runs. Everything else is determined by the seed.",
        "",
    ]
    if root is not None:
        out += stability_section(root)
    for led in ledgers:
        out += [
            f"## {led['system']}",
            "",
            markdown_table(
                [
                    {
                        "id": c["id"],
                        "verdict": c["verdict"] + (" (timed)" if c.get("timed") else ""),
                        "why": c["reason"],
                    }
                    for c in led["claims"]
                ]
            ),
            "",
        ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make claims", description=__doc__)
    parser.add_argument(
        "--root",
        type=Path,
        default=Path("reports"),
        help="folder holding <system>/ledger.json (default: reports)",
    )
    add_output_args(parser)
    args = parser.parse_args(argv)
    pop_output_args(vars(args))
    ledgers, missing = gather(args.root)
    args.root.mkdir(parents=True, exist_ok=True)
    if not ledgers:
        atomic_write_text(args.root / "CLAIMS.md", "# Claims ledger\n\nNo system has been run yet.\n")
        log.info("no ledgers under %s/ yet: run a system first (e.g. `make churn`)", args.root)
        return 0
    atomic_write_text(args.root / "CLAIMS.md", render(ledgers, missing, args.root))
    total = count_verdicts(c["verdict"] for led in ledgers for c in led["claims"])
    log.info("%s: %d systems, %s", args.root / "CLAIMS.md", len(ledgers), format_counts(total))
    if missing:
        log.info("not run yet: %s", ", ".join(missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
