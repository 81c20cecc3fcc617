"""One more Optuna worker on an existing ensemble study (``make tune-worker``).

    python -m systems.ensemble.worker --storage URL --study NAME [--n-trials N]

The study carries its own recipe (user attribute ``spec``: model, data size, seed, folds,
target trial count), so a worker on another machine needs only the storage URL and the
study name to rebuild the same objective. Every worker adds trials to the shared study;
the RDB storage hands out trial numbers, so none is lost or counted twice.

Without ``--n-trials`` a worker tops the study up to its target count; with it, the worker
runs exactly that many more. Workers draw from an unseeded sampler unless ``--seed`` is
given (two workers with one seed would propose the same first points).

PostgreSQL, for workers on several machines (one server, any number of workers)::

    createdb optuna_ensemble
    make ensemble ARGS="--storage postgresql://USER:PASS@HOST:5432/optuna_ensemble"
    make tune-worker ARGS="--storage postgresql://USER:PASS@HOST:5432/optuna_ensemble \\
                           --study ensemble-seed0-quick-xgboost"

(the PostgreSQL driver, e.g. ``psycopg2-binary``, is not a dependency of this repo.)
"""

from __future__ import annotations

import argparse
import sys

import optuna

from systems.ensemble.spaces import SPACES, toy_objective
from systems.ensemble.tuning import StorageError, open_storage, open_study, top_up


def objective_from_spec(spec: dict):
    """Rebuild the objective a study was created for."""
    model = spec.get("model")
    if model == "toy":
        return toy_objective
    if model == "blend":
        raise ValueError("blend-weight studies score OOF predictions held by the main run; "
                         "resume them with `make ensemble` (they take seconds)")
    if model not in SPACES:
        raise ValueError(f"study spec names unknown model {model!r}")
    from systems.ensemble.data import load_dataset
    from systems.ensemble.objectives import model_objective
    from systems.ensemble.oof import make_folds

    ds = load_dataset(n_rows=int(spec["n_rows"]), seed=int(spec["seed"]),
                      test_fraction=float(spec["test_fraction"]))
    fold = make_folds(ds.y_train, int(spec["tune_folds"]), int(spec["seed"]))
    return model_objective(model, ds.X_train, ds.y_train, fold, seed=int(spec["seed"]),
                           n_estimators=int(spec["n_estimators"]))


def run_worker(storage: str, study_name: str, n_trials: int | None = None,
               seed: int | None = None, progress: bool = False) -> int:
    """Add trials to ``study_name``; returns the number of trials this worker ran."""
    store = open_storage(storage)
    try:
        existing = optuna.load_study(study_name=study_name, storage=store)
    except KeyError as err:
        names = optuna.get_all_study_names(store)
        raise ValueError(f"no study named {study_name!r} in {storage}; existing: {names}") from err
    spec = existing.user_attrs.get("spec")
    if spec is None:
        raise ValueError(f"study {study_name!r} has no 'spec' attribute: it was not created by "
                         "systems.ensemble, so a worker cannot rebuild its objective")
    objective = objective_from_spec(spec)
    study = open_study(store, study_name, SPACES[spec["model"]], seed=seed)
    if n_trials is None:
        return top_up(study, objective, int(spec["n_trials"]), progress=progress)
    study.optimize(objective, n_trials=n_trials, show_progress_bar=progress)
    return n_trials


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m systems.ensemble.worker", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--storage", required=True, help="Optuna RDB URL (sqlite:///... or postgresql://...)")
    parser.add_argument("--study", required=True, help="study name, e.g. ensemble-seed0-quick-xgboost")
    parser.add_argument("--n-trials", type=int, default=None,
                        help="trials to add (default: top up to the study's target)")
    parser.add_argument("--seed", type=int, default=None, help="sampler seed (default: unseeded)")
    args = parser.parse_args(argv)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        ran = run_worker(args.storage, args.study, args.n_trials, args.seed, progress=True)
    except (StorageError, ValueError) as err:
        print(f"tune-worker: {err}", file=sys.stderr)
        return 2
    print(f"tune-worker: ran {ran} trials on {args.study}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
