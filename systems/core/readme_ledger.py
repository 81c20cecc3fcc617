"""Copy a run's ledger table into a system README, with code links that work from the README.

``ledger.md`` lives in ``reports/<system>/`` and links each row to the code that measured
it with paths relative to that folder (``../../systems/rag/claims.py#L93``). A README in
``systems/<system>/`` needs the same target relative to itself (``claims.py#L93``). This
tool replaces the README's ledger table and its "Verdicts:" line with the
ledger's, rewriting each link, so the README shows exactly what a run measured. (The
section is the first heading "## Measured ledger ..." or "## Ledger ...".)

    python -m systems.core.readme_ledger reports/rag/ledger.md systems/rag/README.md
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from systems.core.publish import atomic_write_text

LINK = re.compile(r"\]\(([^)#]+)(#L\d+)?\)")
HEADING = re.compile(r"^## (Measured ledger|Ledger)\b")


def _table(lines: list[str], start: int) -> tuple[int, int]:
    """[first, end) of the markdown table whose header row starts with ``| id | verdict`` at/after ``start``."""
    first = next((i for i in range(start, len(lines)) if lines[i].startswith("| id | verdict")), None)
    if first is None:
        raise ValueError("no table starting with '| id | verdict' found")
    end = first
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return first, end


def relink(row: str, ledger_dir: Path, readme_dir: Path) -> str:
    """Rewrite every relative link in ``row`` from ``ledger_dir`` to ``readme_dir``."""

    def fix(m: re.Match) -> str:
        target = (ledger_dir / m.group(1)).resolve()
        rel = os.path.relpath(target, readme_dir.resolve())
        return f"]({Path(rel).as_posix()}{m.group(2) or ''})"

    return LINK.sub(fix, row)


def update(ledger_md: Path, readme: Path, repo: Path) -> str:
    """The README text with its measured-ledger table and verdict line taken from ``ledger_md``.

    Links in ``ledger_md`` are resolved as if it sat in ``repo/reports/<system>/``, where
    runs write it, so a ledger from any ``--out`` folder gives the same README.
    """
    led = ledger_md.read_text().splitlines()
    doc = readme.read_text().splitlines()
    section = next((i for i, line in enumerate(doc) if HEADING.match(line)), None)
    if section is None:
        raise ValueError(f"{readme} has no '## Measured ledger' or '## Ledger' section to update")
    ledger_dir = repo / "reports" / ledger_md.parent.name
    l0, l1 = _table(led, 0)
    rows = [relink(r, ledger_dir, readme.parent) for r in led[l0:l1]]
    d0, d1 = _table(doc, section)
    verdicts = next((x for x in led if x.startswith("Verdicts: ")), None)
    out = doc[:d0] + rows + doc[d1:]
    if verdicts is not None:
        for i in range(section, d0):
            if out[i].startswith("Verdicts: "):
                out[i] = verdicts
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m systems.core.readme_ledger", description=__doc__)
    parser.add_argument("ledger", type=Path, help="a run's ledger.md (reports/<system>/ledger.md)")
    parser.add_argument("readme", type=Path, help="the system's README.md")
    args = parser.parse_args(argv)
    try:
        text = update(args.ledger, args.readme, Path(__file__).resolve().parents[2])
    except (OSError, ValueError) as err:
        parser.exit(2, f"readme_ledger: {err}\n")
    atomic_write_text(args.readme, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
