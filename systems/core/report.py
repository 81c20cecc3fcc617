"""One run of one system: header, metrics, claims, and the files they are written to.

Design
------
Every system's ``__main__`` does the same thing::

    with start_run("churn", cfg) as run:       # locks OUT/churn, prints the header
        ...pipeline...
        run.metric("roc_auc", auc, scope="xgboost")
        run.save_figure(fig, "roc.png")
        run.add(claim_ch07(...))
    # on normal exit: ledger.json, ledger.md, metrics.json, run.json are written, then
    # the whole folder is published as OUT/churn/ in one rename

``ledger.json`` and ``metrics.json`` hold only what the seed determines (no clocks,
no paths of this machine) so the same seed gives the same files; ``run.json`` holds
the volatile part (start time, wall time, versions, command line).

Every file of a run goes through ``run.path(name)`` (or ``save_figure`` /
``write_table``), which points into the run's staging folder; ``OUT/<system>/`` only
ever holds one complete run (see ``systems/core/publish.py`` for the sequence and what
a reader sees at each instant). If the run raises, nothing is published and the
previous report stays byte for byte: a half-finished ledger would look like a finished
one. Ctrl-C ends the run with one line on stderr and exit status 130. A second run of
the same system into the same OUT refuses (exit 75) while the first is alive.
"""

from __future__ import annotations

import json
import logging
import math
import platform
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from systems.core.config import RunConfig
from systems.core.ledger import Claim, Verdict, to_record, verdict
from systems.core.publish import Publication, RunLocked, publication

log = logging.getLogger(__name__)

METRIC_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PACKAGES = (
    "numpy",
    "scipy",
    "scikit-learn",
    "pandas",
    "xgboost",
    "lightgbm",
    "optuna",
    "shap",
    "fairlearn",
    "faiss-cpu",
    "rank-bm25",
    "bm25s",
    "sentence-transformers",
    "torch",
    "imbalanced-learn",
    "pandera",
    "catboost",
)


def package_versions() -> dict[str, str]:
    out = {}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


class Run:
    """Collects one run's claims, metrics and evidence files (see module docstring)."""

    def __init__(self, system: str, config: RunConfig):
        self.system = system
        self.config = config
        self.publication: Publication = publication(Path(config.out), system)
        self.dest = self.publication.dest  # where the report is published: OUT/<system>/
        self.published = False
        self.claims: list[Claim] = []
        self.metrics: dict[str, Any] = {}
        self.started = time.perf_counter()
        self.started_at = datetime.now(UTC)

    @property
    def out_dir(self) -> Path:
        """The folder holding this run's files now: staging while it runs, ``dest`` once published.

        Write only through ``path`` (or below ``out_dir``) during the run; show users
        ``published_path``, which is where the file will be once the run completes.
        """
        return self.dest if self.published else self.publication.staging

    def path(self, name: str) -> Path:
        """Absolute path of an evidence file inside this run's (staging) folder, parents created."""
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise ValueError(f"evidence file {name!r} must be a relative path inside the run folder")
        p = self.out_dir / name
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def published_path(self, name: str) -> Path:
        """Where ``name`` will be once the run is published (for messages, not for writing)."""
        return self.dest / name

    def metric(self, name: str, value: float, scope: str | None = None) -> float:
        """Record a metric under ``metrics[scope][name]`` (or top level); returns the value."""
        for key in (name, scope):
            if key is not None and not METRIC_NAME.match(key):
                raise ValueError(f"metric name {key!r} must be snake_case ([a-z][a-z0-9_]*)")
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"metric {scope + '.' if scope else ''}{name} is not finite: {value}")
        target = self.metrics.setdefault(scope, {}) if scope else self.metrics
        target[name] = value
        return value

    def add(self, *claims: Claim) -> None:
        for c in claims:
            if any(c.id == old.id for old in self.claims):
                raise ValueError(f"claim {c.id} added twice")
            verdict(c)  # validate now, where the traceback points at the claim's code
            self.claims.append(c)

    def save_figure(self, fig, name: str) -> str:
        """Save a matplotlib figure as PNG; returns its path relative to the run folder."""
        import matplotlib.pyplot as plt

        fig.savefig(self.path(name), dpi=110, bbox_inches="tight")
        plt.close(fig)
        return name

    def write_table(self, rows: list[dict[str, Any]], name: str) -> str:
        """Write rows as a Markdown table; returns its relative path."""
        self.path(name).write_text(markdown_table(rows) + "\n")
        return name

    def header(self) -> dict[str, Any]:
        cfg = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self.config).items()}
        return {
            "system": self.system,
            "profile": self.config.profile,
            "seed": self.config.seed,
            "config": cfg,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "packages": package_versions(),
            "command": " ".join(sys.argv),
            "started_at": self.started_at.isoformat(timespec="seconds"),
        }

    def finish(self) -> None:
        records = [to_record(c) for c in sorted(self.claims, key=lambda c: claim_sort_key(c.id))]
        ledger = {
            "system": self.system,
            "profile": self.config.profile,
            "seed": self.config.seed,
            "claims": records,
        }
        self.path("ledger.json").write_text(json.dumps(ledger, indent=2, sort_keys=True) + "\n")
        self.path("ledger.md").write_text(ledger_markdown(ledger))
        self.path("metrics.json").write_text(json.dumps(self.metrics, indent=2, sort_keys=True) + "\n")
        head = self.header() | {"wall_seconds": round(time.perf_counter() - self.started, 2)}
        self.path("run.json").write_text(json.dumps(head, indent=2, sort_keys=True) + "\n")


def claim_sort_key(claim_id: str) -> tuple[str, int]:
    prefix, _, num = claim_id.partition("-")
    return (prefix, int(num) if num.isdigit() else 0)


@contextmanager
def start_run(system: str, config: RunConfig) -> Iterator[Run]:
    """Lock ``OUT/<system>``, yield the run, then write its ledger and publish it atomically."""
    run = Run(system, config)
    try:
        run.publication.acquire()
    except RunLocked as err:
        log.error("%s: %s", system, err)
        raise SystemExit(75) from None  # EX_TEMPFAIL: try again once the other run ends
    try:
        h = run.header()
        log.info(
            "== mlstories %s | profile=%s seed=%s python=%s | out=%s",
            system,
            h["profile"],
            h["seed"],
            h["python"],
            run.dest,
        )
        yield run
        run.finish()
        _publish_uninterrupted(run)
    except KeyboardInterrupt:
        run.publication.abandon()
        state = (
            f"{run.dest}/ holds this run's complete report"
            if run.published
            else f"nothing published, {run.dest}/ unchanged"
        )
        log.error("\n%s: interrupted (Ctrl-C); %s", system, state)
        raise SystemExit(130) from None
    except BaseException:
        run.publication.abandon()
        raise
    finally:
        run.publication.release()
    counts = count_verdicts(to_record(c)["verdict"] for c in run.claims)
    wall = time.perf_counter() - run.started
    log.info(
        "== %s: %d claims (%s) in %.1f s; ledger: %s",
        system,
        len(run.claims),
        format_counts(counts),
        wall,
        run.dest / "ledger.md",
    )


def _publish_uninterrupted(run: Run) -> None:
    """The two renames with Ctrl-C deferred, so the folder is never left absent by a SIGINT."""
    if threading.current_thread() is not threading.main_thread():
        run.publication.publish()
        run.published = True
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        run.publication.publish()
        run.published = True
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def count_verdicts(verdicts) -> dict[str, int]:
    counts = {v.value: 0 for v in Verdict}
    for v in verdicts:
        counts[v] += 1
    return counts


def format_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {v}" for v, n in counts.items() if n) or "none"


def _cell(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.4g}"
    if isinstance(x, dict):
        return ", ".join(f"{k}={_cell(v)}" for k, v in x.items())
    return str(x).replace("|", "\\|").replace("\n", " ")


def markdown_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "(no rows)"
    cols = list(rows[0])
    for r in rows[1:]:
        cols += [k for k in r if k not in cols]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(_cell(r.get(c, "")) for c in cols) + " |" for r in rows]
    return "\n".join(lines)


def source_link(source: str | None, depth: int = 2) -> str:
    """Markdown link from a report ``depth`` folders below the repo root to ``path:line``."""
    if not source:
        return ""
    path, _, line = source.rpartition(":")
    if not path or not line.isdigit():
        return source
    return f"[{Path(path).name}:{line}]({'../' * depth}{path}#L{line})"


def ledger_markdown(ledger: dict[str, Any]) -> str:
    rows = [
        {
            "id": r["id"],
            "verdict": r["verdict"] + (" (timed)" if r.get("timed") else ""),
            "claim": r["statement"],
            "claimed": r["claimed"],
            "measured": r["measured"],
            "code": source_link(r.get("source")),
        }
        for r in ledger["claims"]
    ]
    counts = count_verdicts(r["verdict"] for r in ledger["claims"])
    out = [
        f"# Ledger: {ledger['system']} (profile {ledger['profile']}, seed {ledger['seed']})",
        "",
        f"Verdicts: {format_counts(counts)}.",
        "",
    ]
    if any(r.get("timed") for r in ledger["claims"]):
        out += [
            "Entries marked (timed) are judged on wall-clock figures of this machine in this run; "
            "they vary between runs. Everything else is determined by the seed.",
            "",
        ]
    out += [markdown_table(rows), "", "## Why", ""]
    for r in ledger["claims"]:
        ev = f" Evidence: {', '.join(r['evidence'])}." if r["evidence"] else ""
        out.append(f"- **{r['id']}** ({r['verdict']}): {r['reason']}.{ev}")
    return "\n".join(out) + "\n"
