"""Scale-out tuning: N worker processes on one Optuna study in PostgreSQL (``make tune-cluster``).

    python -m systems.ensemble.cluster --workers N --trials T [--storage URL]

Without ``--storage`` a throwaway PostgreSQL server is started for the run
(``systems.core.pgserver``: loopback only, data under ``--cache-dir``) and stopped at the
end, also when the run fails or is interrupted (Ctrl-C, SIGTERM). With
``--storage postgresql://...`` that server is used and nothing is started: workers on other
machines join the same study with ``make tune-worker`` (README, "Scale past one machine").

Steps:
    1. create the study ``--study`` (default ``cluster-s<seed>-<model>-n<rows>-<UTC time>``) with
       the objective's recipe as its ``spec`` (target T trials)
    2. launch N ``systems.ensemble.worker`` processes; they share the target, so the study ends
       at T completed trials (pruned and failed ones are re-drawn, a killed worker's trial is
       failed by the others' heartbeat check)
    3. wait for every worker, then measure the same objective with ONE worker on a sibling study
       (``--baseline``), so

           speedup_vs_one_worker = (wall_1 / T_1) / (wall_N / T_N)      (seconds per completed trial)

       Both walls include process start and data loading; both are timed on a shared machine,
       so the figure is a measurement of this run, not a constant.
    4. publish reports/ensemble_cluster/cluster.json, cluster.md and cluster.png (best value over time
       per worker), each moved into place from a dot-prefixed staging folder

The URL's password never reaches a report, a log line or a worker's command line (workers get
the URL through their environment).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import optuna
from optuna.storages import fail_stale_trials
from optuna.trial import TrialState

from systems.core.cli import progress_enabled, set_prefix, setup_output
from systems.core.config import RunConfig, parse_config
from systems.core.models import SPACES
from systems.core.pgserver import PostgresUnavailable, throwaway_postgres
from systems.core.seeding import child_seed
from systems.core.studies import StorageError, open_storage, open_study, redact
from systems.ensemble.worker import STORAGE_ENV

log = logging.getLogger("tune-cluster")
ROOT = Path(__file__).resolve().parents[2]
TUNABLE = sorted(m for m, space in SPACES.items() if space)


class ClusterError(RuntimeError):
    """The run could not reach its target; the message says why."""


@dataclass
class ClusterConfig(RunConfig):
    workers: int = field(default=2, metadata={"help": "worker processes on this machine"})
    trials: int = field(default=12, metadata={"help": "completed trials to reach in total"})
    storage: str = field(
        default="",
        metadata={
            "help": f"postgresql://USER:PASS@HOST:5432/DB of a running server (default: ${STORAGE_ENV}, "
            "else start a throwaway one)"
        },
    )
    study: str = field(
        default="", metadata={"help": "study name (default: cluster-s<seed>-<model>-n<rows>-<time>)"}
    )
    model: str = field(default="xgboost", metadata={"help": f"objective: one of {TUNABLE}"})
    n_rows: int = field(default=2_000, metadata={"help": "churn snapshots of the objective's data"})
    n_estimators: int = field(default=40, metadata={"help": "trees per boosted model"})
    tune_folds: int = field(default=2, metadata={"help": "CV folds inside each trial"})
    trial_seconds: float = field(default=0.0, metadata={"help": "toy model only: seconds each trial sleeps"})
    baseline: bool = field(default=True, metadata={"help": "also time one worker for the speedup"})
    heartbeat: float = field(default=5.0, metadata={"help": "worker heartbeat interval, seconds"})
    grace: float = field(
        default=20.0, metadata={"help": "seconds without heartbeat before a trial is failed"}
    )
    timeout: float = field(default=1800.0, metadata={"help": "give up after this many seconds"})
    cache_dir: Path = field(
        default=Path(".cache/pg"), metadata={"help": "throwaway server data (git-ignored)"}
    )

    PROFILES: ClassVar = {"quick": {}, "full": {"n_rows": 100_000, "n_estimators": 600, "tune_folds": 5}}

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.workers < 1 or self.trials < 1:
            raise ValueError(f"--workers and --trials must be >= 1, got {self.workers} and {self.trials}")
        if self.model not in TUNABLE:
            raise ValueError(f"--model {self.model!r} has no search space; choose from {TUNABLE}")
        if self.n_rows < 1000 or self.tune_folds < 2:
            raise ValueError(
                f"need --n-rows >= 1000 and --tune-folds >= 2, got {self.n_rows}, {self.tune_folds}"
            )


@dataclass(frozen=True)
class WorkerStats:
    worker: str  # host:pid, as the worker tags its trials
    pid: int
    trials: int  # completed
    pruned: int
    failed: int
    exit_code: int | None  # None: a worker this process did not start (another machine)
    best_curve: tuple[tuple[float, float], ...]  # (seconds since start, best value so far)


@dataclass(frozen=True)
class ClusterResult:
    storage: str
    study: str
    workers: int
    trials: int
    trials_target: int
    best_value: float
    best_params: dict
    wall_seconds: float
    per_worker: tuple[WorkerStats, ...]
    states: dict
    one_worker_wall_seconds: float | None
    one_worker_trials: int | None
    speedup_vs_one_worker: float | None


def study_spec(cfg: ClusterConfig) -> dict:
    spec = {"model": cfg.model, "n_trials": cfg.trials}
    if cfg.model == "toy":
        return spec | {"trial_seconds": cfg.trial_seconds}
    return spec | {
        "n_rows": cfg.n_rows,
        "seed": cfg.seed,
        "scenario": "telecom",
        "test_fraction": 0.25,
        "tune_folds": cfg.tune_folds,
        "n_estimators": cfg.n_estimators,
    }


def _die_with_parent() -> None:
    # PR_SET_PDEATHSIG = 1: a worker gets SIGTERM (fails its trial, exits) if we are killed
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def launch(url: str, study: str, cfg: ClusterConfig, name: str, log_dir: Path) -> subprocess.Popen:
    """One worker process; its output goes to ``log_dir/<name>.log``."""
    cmd = [
        sys.executable,
        "-m",
        "systems.ensemble.worker",
        "--study",
        study,
        "--quiet",
        "--seed",
        str(child_seed(cfg.seed, name)),
        "--heartbeat",
        str(cfg.heartbeat),
        "--grace",
        str(cfg.grace),
    ]
    env = os.environ | {STORAGE_ENV: url, "PYTHONPATH": str(ROOT)}
    with open(log_dir / f"{name}.log", "w") as fh:
        return subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )


def stop_workers(procs: list[subprocess.Popen], timeout: float = 15.0) -> None:
    """SIGTERM (the worker records its running trial as FAIL), then SIGKILL."""
    for p in procs:
        if p.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                p.terminate()
    deadline = time.monotonic() + timeout
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def _last_line(path: Path) -> str:
    lines = [ln for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    return lines[-1] if lines else "(no output)"


def wait_for(
    procs: dict[str, subprocess.Popen],
    study: optuna.Study,
    target: int,
    timeout: float,
    log_dir: Path,
    progress: bool,
) -> None:
    """Block until every worker has exited; warn once about each one that died."""
    from tqdm import tqdm

    deadline = time.monotonic() + timeout
    reported: set[str] = set()
    with tqdm(
        total=target, desc=f"{study.study_name} ({len(procs)} workers)", disable=not progress, leave=False
    ) as bar:
        while any(p.poll() is None for p in procs.values()):
            if time.monotonic() > deadline:
                raise ClusterError(
                    f"timeout: {timeout:.0f} s passed with "
                    f"{_count(study, TrialState.COMPLETE)} of {target} trials complete"
                )
            for name, p in procs.items():
                if p.poll() not in (None, 0) and name not in reported:
                    reported.add(name)
                    log.warning(
                        "worker %s (pid %d) exited with %s: %s; the others go on",
                        name,
                        p.pid,
                        p.returncode,
                        _last_line(log_dir / f"{name}.log"),
                    )
            bar.n = min(target, _count(study, TrialState.COMPLETE))
            bar.refresh()
            time.sleep(0.5)


def _count(study: optuna.Study, state: TrialState) -> int:
    return len(study.get_trials(deepcopy=False, states=(state,)))


def run_workers(
    url: str, study_name: str, cfg: ClusterConfig, n_workers: int, log_dir: Path, progress: bool = False
) -> tuple[float, dict[str, subprocess.Popen]]:
    """Launch ``n_workers`` on the study, wait for all; wall seconds and the processes."""
    study = optuna.load_study(study_name=study_name, storage=open_storage(url))
    procs: dict[str, subprocess.Popen] = {}
    start = time.time()
    try:
        for i in range(n_workers):
            name = f"{study_name}-w{i}"
            procs[name] = launch(url, study_name, cfg, name, log_dir)
        wait_for(procs, study, cfg.trials, cfg.timeout, log_dir, progress)
    finally:
        stop_workers(list(procs.values()))
    wall = time.time() - start
    done = _count(study, TrialState.COMPLETE)
    if done < cfg.trials:
        codes = {n: p.returncode for n, p in procs.items()}
        last = "; ".join(_last_line(log_dir / f"{n}.log") for n, c in codes.items() if c)
        raise ClusterError(
            f"only {done} of {cfg.trials} trials completed; worker exit codes "
            f"{list(codes.values())}: {last or 'no worker reported an error'}"
        )
    return wall, procs


def worker_stats(study: optuna.Study, start: float, pids: dict[int, int]) -> tuple[WorkerStats, ...]:
    """Per-worker counts and best-so-far curves; ``pids`` maps our workers' pids to exit codes."""
    by_worker: dict[str, list[optuna.trial.FrozenTrial]] = {}
    for t in study.get_trials(deepcopy=False):
        by_worker.setdefault(str(t.user_attrs.get("worker", "unknown:0")), []).append(t)
    out = []
    for name, trials in sorted(by_worker.items()):
        pid = int(name.rsplit(":", 1)[-1]) if name.rsplit(":", 1)[-1].isdigit() else 0
        done = sorted(
            (t for t in trials if t.state == TrialState.COMPLETE), key=lambda t: t.datetime_complete
        )
        curve, best = [], -float("inf")
        for t in done:
            best = max(best, float(t.value))
            curve.append((round(t.datetime_complete.timestamp() - start, 3), best))
        states = [t.state for t in trials]
        out.append(
            WorkerStats(
                name,
                pid,
                len(done),
                states.count(TrialState.PRUNED),
                states.count(TrialState.FAIL),
                pids.get(pid),
                tuple(curve),
            )
        )
    return tuple(out)


def measure(url: str, cfg: ClusterConfig, staging: Path) -> ClusterResult:
    """Create the study, run the cluster (and the one-worker baseline), summarise."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    name = cfg.study or f"cluster-s{cfg.seed}-{cfg.model}-n{cfg.n_rows}-{stamp}"
    store = open_storage(url)
    study = open_study(store, name, SPACES[cfg.model], study_spec(cfg), seed=cfg.seed)
    log.info(
        "study %s on %s: %d workers, %d trials", name, redact(url, drop_user=True), cfg.workers, cfg.trials
    )
    start = time.time()
    wall, procs = run_workers(url, name, cfg, cfg.workers, staging, progress=progress_enabled())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        fail_stale_trials(study)  # a trial of a killed worker whose grace period has passed
    stats = worker_stats(study, start, {p.pid: p.returncode for p in procs.values()})
    one_wall = one_trials = speedup = None
    if cfg.baseline:
        base = f"{name}-one-worker"
        open_study(store, base, SPACES[cfg.model], study_spec(cfg), seed=cfg.seed)
        one_wall, _ = run_workers(url, base, cfg, 1, staging, progress=progress_enabled())
        one_trials = _count(optuna.load_study(study_name=base, storage=store), TrialState.COMPLETE)
    done = sum(s.trials for s in stats)
    if one_wall is not None:
        speedup = (one_wall / one_trials) / (wall / done)
    best = max(
        study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)), key=lambda t: (t.value, -t.number)
    )
    states = {s.name: _count(study, s) for s in TrialState if _count(study, s)}
    return ClusterResult(
        redact(url, drop_user=True),
        name,
        cfg.workers,
        done,
        cfg.trials,
        float(best.value),
        dict(best.params),
        round(wall, 2),
        stats,
        states,
        None if one_wall is None else round(one_wall, 2),
        one_trials,
        None if speedup is None else round(speedup, 3),
    )


def to_json(r: ClusterResult) -> dict:
    out = asdict(r)
    out["per_worker"] = [{k: v for k, v in asdict(s).items() if k != "best_curve"} for s in r.per_worker]
    out["timed"] = True  # wall_seconds and speedup are measured on a shared machine
    return out


def to_markdown(r: ClusterResult) -> str:
    from systems.core.report import markdown_table

    rows = [{"field": k, "value": v} for k, v in to_json(r).items() if k not in ("per_worker", "best_params")]
    speed = (
        "one worker was not timed (--no-baseline)"
        if r.speedup_vs_one_worker is None
        else f"{r.one_worker_trials} trials with one worker took {r.one_worker_wall_seconds} s; "
        f"{r.trials} with {r.workers} took {r.wall_seconds} s: speedup (per completed trial) "
        f"{r.speedup_vs_one_worker}x"
    )
    return "\n".join(
        [
            f"# Tuning cluster: {r.workers} workers on one Optuna study",
            "",
            f"Storage `{r.storage}`, study `{r.study}`. {speed}. Wall times are measured on this machine "
            "in this run (timed): other load changes them.",
            "",
            markdown_table(rows),
            "",
            "## Per worker",
            "",
            markdown_table([{k: v for k, v in asdict(s).items() if k != "best_curve"} for s in r.per_worker]),
            "",
            f"Best parameters: `{json.dumps(r.best_params, sort_keys=True)}`",
            "",
            "![best value over time per worker](cluster.png)",
            "",
        ]
    )


def plot(r: ClusterResult, path: Path) -> None:
    from systems.core.plotting import figure

    fig, ax = figure(6.5, 4.0)
    for s in r.per_worker:
        if s.best_curve:
            xs, ys = zip(*s.best_curve, strict=True)
            ax.step(xs, ys, where="post", marker="o", ms=3, label=f"{s.worker} ({s.trials} trials)")
    ax.set_xlabel("seconds since the workers started")
    ax.set_ylabel("best value so far (CV AUC; toy: -(x-0.3)^2)")
    ax.set_title(f"{r.study}: best value over time per worker")
    ax.legend(fontsize=7)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)


def publish(r: ClusterResult, out: Path, staging: Path) -> list[Path]:
    """Write into ``staging`` and move each file into ``out`` (a reader never sees half a file)."""
    (staging / "cluster.json").write_text(json.dumps(to_json(r), indent=2, sort_keys=True) + "\n")
    (staging / "cluster.md").write_text(to_markdown(r))
    plot(r, staging / "cluster.png")
    out.mkdir(parents=True, exist_ok=True)
    done = []
    for name in ("cluster.png", "cluster.md", "cluster.json"):  # json last: it marks a complete set
        os.replace(staging / name, out / name)
        done.append(out / name)
    return done


@contextlib.contextmanager
def storage_for(cfg: ClusterConfig) -> Iterator[str]:
    """The user's server, or a throwaway one for the duration of the block."""
    url = cfg.storage or os.environ.get(STORAGE_ENV, "")
    if url:
        if not cfg.storage:
            log.info("storage from $%s: %s", STORAGE_ENV, redact(url))
        open_storage(url)  # reachability and driver, before anything is launched
        yield url
        return
    with throwaway_postgres(cfg.cache_dir) as pg:
        yield pg.url


def _interrupt(signum, _frame):
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    setup_output()
    set_prefix("tune-cluster: ")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    try:
        cfg = parse_config(ClusterConfig, argv, "python -m systems.ensemble.cluster", __doc__)
    except ValueError as err:
        log.error("%s", err)
        return 2
    # Its own folder: `make ensemble` republishes reports/ensemble/ whole and would drop these.
    out = Path(cfg.out) / "ensemble_cluster"
    staging_root = Path(cfg.out) / ".staging"
    staging_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="cluster-", dir=staging_root))
    old = {s: signal.signal(s, _interrupt) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        with storage_for(cfg) as url:
            result = measure(url, cfg, staging)
        files = publish(result, out, staging)
    except (StorageError, PostgresUnavailable, ClusterError, ValueError) as err:
        log.error("%s (worker logs: %s)", err, staging)
        return 2
    except KeyboardInterrupt:
        log.error("interrupted: workers and the server are stopped, no report written (logs: %s)", staging)
        return 130
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
    shutil.rmtree(staging, ignore_errors=True)
    log.info(
        "%d trials by %s; best %.4f; wall %.1f s; speedup vs one worker %s; %s",
        result.trials,
        ", ".join(f"{s.worker}={s.trials}" for s in result.per_worker),
        result.best_value,
        result.wall_seconds,
        result.speedup_vs_one_worker,
        files[-1],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
