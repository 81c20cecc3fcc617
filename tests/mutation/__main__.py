"""``make mutate``: mutation testing of the derivations, the core and the pure computation modules.

Design
------
mutmut 3 (configured in pyproject.toml ``[tool.mutmut]``) copies the sources into ``mutants/``,
rewrites every function so one environment variable switches in a single mutant, records in one
clean run which tests reach which function, and then runs, per mutant, only those tests. This
runner drives it and turns its per-file ``mutants/<path>.meta`` results into

    reports/mutation/summary.json   {"<package>": {"killed", "survived", "equivalent", "score", ...}}
    reports/mutation/survivors.md   every surviving mutant, its diff and its review

Score convention (mutmut's statuses): killed = killed + timeout (the tests noticed: a mutant that
loops forever is caught by the time limit); survived = survived + no tests (a mutant no test
reaches is not caught either); equivalent = survivors reviewed in ``annotations.EQUIVALENT``
(they change no observable result), excluded from the score:

    score = killed / (killed + survived - equivalent)

Modes: a fresh run (default, no globs) deletes ``mutants/`` so every verdict reflects today's
tests; globs re-run the matching mutants and keep every other verdict; ``--resume`` keeps
mutmut's cached verdicts and re-runs only the survivors (after adding tests).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.mutation.annotations import EQUIVALENT

log = logging.getLogger("mutate")
KILLED = {1, 3, 36, -24, 24, 152, 255}  # killed, pytest internal error, timeouts (see mutmut.stats)
SURVIVED = {0, 5, 33}  # survived, no tests


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    exit_code: int | None

    @property
    def package(self) -> str:
        parts = Path(self.path).with_suffix("").parts
        return ".".join(parts[:1] if parts[0] == "algorithms" else parts[:2])


def load_results(root: Path) -> list[Mutant]:
    """Every mutant mutmut generated, with its exit code (None = not run yet)."""
    mutants = []
    for meta in sorted((root / "mutants").rglob("*.py.meta")):
        path = str(meta.relative_to(root / "mutants"))[: -len(".meta")]
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        mutants += [Mutant(name, path, code) for name, code in codes.items()]
    return mutants


def summarise(mutants: list[Mutant], by: str = "package") -> dict[str, dict]:
    """Counts and score per package (``by="package"``) or per file (``by="path"``)."""
    out: dict[str, dict] = {}
    for m in mutants:
        s = out.setdefault(
            getattr(m, by),
            {
                "killed": 0,
                "survived": 0,
                "equivalent": 0,
                "no_tests": 0,
                "not_run": 0,
                "other": 0,
                "total": 0,
            },
        )
        s["total"] += 1
        if m.exit_code in KILLED:
            s["killed"] += 1
        elif m.exit_code in SURVIVED:
            s["survived"] += 1
            s["no_tests"] += m.exit_code in (5, 33)
            s["equivalent"] += m.name in EQUIVALENT
        elif m.exit_code is None:
            s["not_run"] += 1
        else:
            s["other"] += 1  # suspicious / segfault: reported, not scored
    for s in out.values():
        scored = s["killed"] + s["survived"] - s["equivalent"]
        s["score"] = round(s["killed"] / scored, 4) if scored else None
    return dict(sorted(out.items()))


def _table(what: str, summary: dict) -> list[str]:
    head = f"| {what} | killed | survived | equivalent | no tests | not run | score |"
    rows = [
        f"| {k} | {v['killed']} | {v['survived']} | {v['equivalent']} | {v['no_tests']} | {v['not_run']} "
        f"| {v['score']} |"
        for k, v in summary.items()
    ]
    return [head, "|---|---|---|---|---|---|---|", *rows]


def survivors_markdown(mutants: list[Mutant], summary: dict, runtime_s: float) -> str:
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    lines = [
        "# Surviving mutants",
        "",
        f"Written by `make mutate` (runtime {runtime_s / 60:.1f} min). Score = killed / "
        "(killed + survived - equivalent); see tests/mutation/README.md.",
        "",
        *_table("package", summary),
        "",
        *_table("file", summarise(mutants, by="path")),
    ]
    for m in mutants:
        if m.exit_code not in SURVIVED:
            continue
        review = EQUIVALENT.get(m.name)
        status = "no tests reach it" if m.exit_code in (5, 33) else "survived"
        verdict = f"equivalent: {review}" if review else "NOT REVIEWED: needs a test or a reason"
        try:
            diff = get_diff_for_mutant(m.name, path=m.path)
        except Exception as exc:  # a stale meta entry must not hide the others
            diff = f"(diff unavailable: {exc})"
        lines += ["", f"## `{m.name}` ({status})", "", f"- {verdict}", "", "```diff", diff, "```"]
    return "\n".join(lines) + "\n"


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def run_mutmut(names: list[str], max_children: int) -> int:
    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    cmd = [sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children), *names]
    log.info("running %s", " ".join(cmd))
    return subprocess.run(cmd, env=env).returncode  # mutmut's own progress line on the terminal


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make mutate", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "patterns", nargs="*", help="mutant name globs, e.g. 'algorithms.sgd.*' (default: all)"
    )
    parser.add_argument("--resume", action="store_true", help="keep cached verdicts; re-run survivors only")
    parser.add_argument("--report-only", action="store_true", help="rewrite the reports from mutants/")
    parser.add_argument("--max-children", type=int, default=2, help="parallel mutant workers (default 2)")
    parser.add_argument("--nice", type=int, default=15, help="niceness of the run (default 15)")
    parser.add_argument("--out", type=Path, default=Path("reports/mutation"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    root = Path.cwd()
    if not (root / "pyproject.toml").exists() or "tool.mutmut" not in (root / "pyproject.toml").read_text():
        parser.error("run from the repository root (pyproject.toml with [tool.mutmut] not found)")
    os.nice(args.nice)
    start = time.monotonic()
    if not args.report_only:
        if not args.resume and not args.patterns:
            # only a full run starts afresh: a glob re-runs its mutants and keeps everyone else's
            # verdicts (deleting them made the report cover the glob alone)
            shutil.rmtree(root / "mutants", ignore_errors=True)
        rc = run_mutmut(args.patterns, args.max_children)
        if rc != 0:
            log.error("mutmut run exited with %d; run `.venv/bin/mutmut run` to see why", rc)
            return rc
        if args.resume:
            again = [m.name for m in load_results(root) if m.exit_code in SURVIVED]
            if again and run_mutmut(again, args.max_children) != 0:
                return 1
    runtime = time.monotonic() - start
    mutants = load_results(root)
    if not mutants:
        log.error("no mutmut results under mutants/: run without --report-only first")
        return 1
    summary = summarise(mutants)
    write_atomic(args.out / "summary.json", json.dumps(summary, indent=2) + "\n")
    write_atomic(args.out / "survivors.md", survivors_markdown(mutants, summary, runtime))
    for package, s in summary.items():
        log.info(
            "%-14s killed %4d  survived %4d  equivalent %3d  score %s",
            package,
            s["killed"],
            s["survived"],
            s["equivalent"],
            s["score"],
        )
    log.info("runtime %.1f min; wrote %s", runtime / 60, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
