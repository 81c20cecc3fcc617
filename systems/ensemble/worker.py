"""One more Optuna worker on an existing ensemble study (``make tune-worker``).

    python -m systems.ensemble.worker --storage URL --study NAME [--n-trials N]
    MLSTORIES_OPTUNA_STORAGE=URL python -m systems.ensemble.worker --study NAME

The study carries its own recipe (user attribute ``spec``: model, data size, seed, folds,
target trial count), so a worker on another machine needs only the storage URL and the
study name to rebuild the same objective. The RDB storage hands out trial numbers, so no
trial is lost or counted twice. (Passing the URL through the environment keeps its password
out of ``ps`` and shell history.)

How many trials: without ``--n-trials`` the workers share the study's target T. A worker
starts a trial only while

    complete + running < T

and otherwise waits for the running ones (another worker's trial may still fail and need a
replacement), so N workers finish at T completed trials, overshooting only when two start in
the same instant. With ``--n-trials`` a worker runs exactly that many more trials.

Failure handling:
    pruned trial      re-drawn; never counts towards T (at most 3 T + 10 attempts per worker)
    failed trial      recorded FAIL with its error; the worker goes on, and gives up after
                      ``--max-failures`` failures with the last error
    worker killed     its running trial stops sending heartbeats (every ``--heartbeat`` s);
                      after ``--grace`` s any other worker marks it FAIL and re-queues its
                      parameters once (Optuna's ``RetryHeartbeatStaleTrialCallback``)
    bad storage       one line that names the problem; never the password; a SQLite file that
                      does not exist is refused (not created empty); a missing driver is named
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import optuna
from optuna.storages import RDBStorage, RetryHeartbeatStaleTrialCallback, fail_stale_trials
from optuna.trial import TrialState

from systems.core.cli import set_prefix, setup_output
from systems.core.models import SPACES
from systems.core.studies import StorageError, open_storage, open_study, redact

log = logging.getLogger("tune-worker")
STORAGE_ENV = "MLSTORIES_OPTUNA_STORAGE"


class WorkerError(RuntimeError):
    """The worker stopped before the study reached its target; the message says why."""


@dataclass(frozen=True)
class WorkerResult:
    ran: int
    complete: int
    pruned: int
    failed: int


def toy_objective(trial: optuna.Trial) -> float:
    """-(x - 0.3)^2: maximum 0 at x = 0.3. Checks a storage/worker setup in a second."""
    x = trial.suggest_float("x", *SPACES["toy"]["x"][1:3])
    return -((x - 0.3) ** 2)


def objective_from_spec(spec: dict):
    """Rebuild the objective a study was created for."""
    model = spec.get("model")
    if model == "toy":
        seconds = float(spec.get("trial_seconds", 0))
        if seconds <= 0:
            return toy_objective

        def slow_toy(trial):  # rehearses a cluster: slow enough to kill a worker mid-trial
            time.sleep(seconds)
            return toy_objective(trial)

        return slow_toy
    if model == "blend":
        raise ValueError(
            "blend-weight studies score OOF predictions held by the main run; "
            "resume them with `make ensemble` (they take seconds)"
        )
    if model not in SPACES:
        raise ValueError(f"study spec names unknown model {model!r}")
    from systems.ensemble.data import load_dataset
    from systems.ensemble.tuning import make_folds, model_objective

    ds = load_dataset(
        n_rows=int(spec["n_rows"]),
        seed=int(spec["seed"]),
        test_fraction=float(spec["test_fraction"]),
        scenario=str(spec.get("scenario", "telecom")),
    )
    fold = make_folds(ds.y_train, int(spec["tune_folds"]), int(spec["seed"]))
    return model_objective(
        model, ds.X_train, ds.y_train, fold, seed=int(spec["seed"]), n_estimators=int(spec["n_estimators"])
    )


def check_existing_sqlite(url: str) -> None:
    """A worker joins a study: refuse a SQLite path that does not exist instead of creating it."""
    if not url.startswith("sqlite"):
        return
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if not path or path.startswith(":memory:"):
        raise StorageError(
            f"{url}: an in-memory SQLite database has no study to join; "
            "give the file the main run wrote, e.g. sqlite:///reports/.state/ensemble/optuna.db"
        )
    if not Path(path).is_file():
        raise StorageError(
            f"no SQLite file {path}: a worker joins an existing study; create it "
            "first (`make ensemble` or `make tune-cluster`), or fix the path"
        )


def open_worker_storage(url: str, heartbeat: float = 10.0, grace: float = 60.0) -> RDBStorage:
    """The shared storage with heartbeats on, so a killed worker's trial is failed by others."""
    check_existing_sqlite(url)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return open_storage(
            url,
            heartbeat_interval=max(1, round(heartbeat)),
            grace_period=max(2, round(grace)),
            heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(max_retry=1),
        )


def tagged(objective, worker: str, errors: list[str] | None = None):
    """The objective, recording which worker ran each trial and (in ``errors``) why one failed."""

    def run(trial: optuna.Trial) -> float:
        trial.set_user_attr("worker", worker)
        try:
            return objective(trial)
        except optuna.TrialPruned:
            raise
        except Exception as err:
            if errors is not None:
                errors.append(f"trial {trial.number}: {type(err).__name__}: {err}")
            raise

    return run


def _states(study: optuna.Study) -> Counter:
    return Counter(t.state for t in study.get_trials(deepcopy=False))


def _wait(study: optuna.Study, target: int, poll: float, stall: float) -> bool:
    """Wait while others' running trials would reach the target; True if one is needed."""
    started = time.monotonic()
    while True:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            fail_stale_trials(study)
        s = _states(study)
        if s[TrialState.COMPLETE] >= target:
            return False
        if s[TrialState.COMPLETE] + s[TrialState.RUNNING] < target:
            return True
        if time.monotonic() - started > stall:
            log.warning(
                "%d trials still RUNNING after %.0f s without finishing; leaving them to their workers",
                s[TrialState.RUNNING],
                stall,
            )
            return False
        time.sleep(poll)


def share(
    study: optuna.Study,
    objective,
    target: int | None,
    budget: int | None = None,
    *,
    max_failures: int = 3,
    poll: float = 0.5,
    stall: float = 600.0,
    worker: str | None = None,
    progress: bool = False,
) -> WorkerResult:
    """Run trials until ``target`` have completed in the study, or ``budget`` more have run."""
    worker = worker or f"{socket.gethostname()}:{os.getpid()}"
    seen: list[optuna.trial.FrozenTrial] = []
    errors: list[str] = []
    limit = budget if budget is not None else 3 * int(target) + 10
    while len(seen) < limit:
        if budget is None and not _wait(study, int(target), poll, stall):
            break
        study.optimize(
            tagged(objective, worker, errors),
            n_trials=1,
            catch=(Exception,),
            callbacks=[lambda _s, t: seen.append(t)],
            show_progress_bar=progress,
        )
        if seen and seen[-1].state == TrialState.FAIL and errors:
            log.warning("%s; recorded as FAIL", errors[-1])
        fails = [t for t in seen if t.state == TrialState.FAIL]
        if len(fails) > max_failures:
            reason = errors[-1] if errors else "no error recorded"
            raise WorkerError(
                f"{len(fails)} trials failed on this worker (more than "
                f"--max-failures {max_failures}); last: {reason}"
            )
    else:
        if budget is None and _states(study)[TrialState.COMPLETE] < target:
            raise WorkerError(
                f"{len(seen)} trials ran on this worker but the study has only "
                f"{_states(study)[TrialState.COMPLETE]} of {target} completed; "
                "check the objective's search space (too many pruned)"
            )
    by_state = Counter(t.state for t in seen)
    return WorkerResult(
        len(seen), by_state[TrialState.COMPLETE], by_state[TrialState.PRUNED], by_state[TrialState.FAIL]
    )


def run_worker(
    storage: str,
    study_name: str,
    n_trials: int | None = None,
    seed: int | None = None,
    progress: bool = False,
    *,
    heartbeat: float = 10.0,
    grace: float = 60.0,
    max_failures: int = 3,
) -> int:
    """Add trials to ``study_name``; returns the number of trials this worker ran."""
    store = open_worker_storage(storage, heartbeat, grace)
    try:
        existing = optuna.load_study(study_name=study_name, storage=store)
    except KeyError as err:
        names = optuna.get_all_study_names(store)
        raise ValueError(f"no study named {study_name!r} in {redact(storage)}; existing: {names}") from err
    spec = existing.user_attrs.get("spec")
    if spec is None:
        raise ValueError(
            f"study {study_name!r} has no 'spec' attribute: it was not created by "
            "systems.ensemble, so a worker cannot rebuild its objective"
        )
    objective = objective_from_spec(spec)
    study = open_study(store, study_name, SPACES[spec["model"]], seed=seed)
    target = None if n_trials is not None else int(spec["n_trials"])
    result = share(
        study,
        objective,
        target,
        n_trials,
        max_failures=max_failures,
        stall=max(600.0, 3 * grace),
        progress=progress,
    )
    log.info(
        "ran %d trials on %s (%d complete, %d pruned, %d failed)",
        result.ran,
        study_name,
        result.complete,
        result.pruned,
        result.failed,
    )
    return result.ran


def _interrupt(signum, _frame):
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m systems.ensemble.worker",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--storage",
        default=os.environ.get(STORAGE_ENV),
        help=f"Optuna RDB URL, sqlite:///... or postgresql://... (default: ${STORAGE_ENV})",
    )
    parser.add_argument("--study", required=True, help="study name, e.g. ensemble-s0-quick-n8000-xgboost")
    parser.add_argument(
        "--n-trials",
        type=int,
        default=None,
        help="trials to add (default: share the study's target with other workers)",
    )
    parser.add_argument("--seed", type=int, default=None, help="sampler seed (default: unseeded)")
    parser.add_argument("--heartbeat", type=float, default=10.0, help="seconds between heartbeats")
    parser.add_argument(
        "--grace",
        type=float,
        default=60.0,
        help="seconds without heartbeat after which a running trial is failed",
    )
    parser.add_argument("--max-failures", type=int, default=3, help="failed trials before giving up")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    setup_output()
    set_prefix("tune-worker: ")
    if not args.storage:
        parser.error(f"give --storage URL or set {STORAGE_ENV}")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    signal.signal(signal.SIGTERM, _interrupt)  # optuna marks the running trial FAIL, then we exit
    try:
        run_worker(
            args.storage,
            args.study,
            args.n_trials,
            args.seed,
            progress=not args.quiet and sys.stderr.isatty(),
            heartbeat=args.heartbeat,
            grace=args.grace,
            max_failures=args.max_failures,
        )
    except (StorageError, ValueError, WorkerError) as err:
        log.error("%s", err)
        return 2
    except KeyboardInterrupt:
        log.error("interrupted; the running trial is recorded as FAIL")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
