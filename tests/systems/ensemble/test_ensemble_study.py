import subprocess
import sys
from pathlib import Path

import optuna
import pytest
from optuna.trial import TrialState

from systems.core.models import SPACES
from systems.core.studies import (
    SearchSpaceMismatch,
    StorageError,
    best_complete,
    finished,
    open_study,
    top_up,
)
from systems.ensemble.worker import toy_objective

ROOT = Path(__file__).resolve().parents[3]
TOY_SPEC = {"model": "toy", "n_trials": 6}


def _url(tmp_path):
    return f"sqlite:///{tmp_path / 'optuna.db'}"


def test_stopped_study_resumes_to_its_target(tmp_path):
    study = open_study(_url(tmp_path), "s", SPACES["toy"], TOY_SPEC, seed=0)
    assert top_up(study, toy_objective, 4) == 4
    # a new process opens the same study: only the missing trials run
    again = open_study(_url(tmp_path), "s", SPACES["toy"], TOY_SPEC, seed=0)
    assert finished(again) == 4
    assert top_up(again, toy_objective, 10) == 6
    assert top_up(again, toy_objective, 10) == 0
    assert finished(again) == 10
    assert -0.5 < best_complete(again).params["x"] < 1.1


def test_same_name_with_other_search_space_is_refused(tmp_path):
    open_study(_url(tmp_path), "s", SPACES["toy"], TOY_SPEC)
    with pytest.raises(SearchSpaceMismatch, match="already exists with search space"):
        open_study(_url(tmp_path), "s", SPACES["xgboost"], TOY_SPEC)


def test_unreachable_storage_names_the_url(tmp_path):
    bad = f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'x.db'}"
    with pytest.raises(StorageError, match="cannot open Optuna storage"):
        open_study(bad, "s", SPACES["toy"])
    with pytest.raises(StorageError, match="postgresql"):
        open_study("nosuchdialect://h/db", "s", SPACES["toy"])


def test_failing_objective_stops_the_study_and_is_recorded(tmp_path):
    study = open_study(_url(tmp_path), "s", SPACES["toy"], TOY_SPEC)

    def broken(trial):
        trial.suggest_float("x", -2, 2)
        raise RuntimeError("model exploded")

    with pytest.raises(RuntimeError, match="model exploded"):
        top_up(study, broken, 5)
    assert finished(study) == 0
    assert [t.state for t in study.trials] == [TrialState.FAIL]
    with pytest.raises(RuntimeError, match="no completed trial"):
        best_complete(study)


def test_two_worker_processes_share_one_sqlite_study(tmp_path):
    url = _url(tmp_path)
    open_study(url, "shared", SPACES["toy"], TOY_SPEC)
    cmd = [sys.executable, "-m", "systems.ensemble.worker", "--storage", url, "--study", "shared"]
    procs = [
        subprocess.Popen(
            cmd + ["--n-trials", str(n)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for n in (7, 5)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
    trials = optuna.load_study(study_name="shared", storage=url).trials
    assert len(trials) == 12
    assert all(t.state == TrialState.COMPLETE for t in trials)
    assert sorted(t.number for t in trials) == list(range(12))


def test_worker_reports_missing_study(tmp_path):
    from systems.ensemble.worker import main

    open_study(_url(tmp_path), "exists", SPACES["toy"], TOY_SPEC)
    assert main(["--storage", _url(tmp_path), "--study", "nope"]) == 2
    # without --n-trials the worker tops the study up to its target (6)
    assert main(["--storage", _url(tmp_path), "--study", "exists"]) == 0
    assert len(optuna.load_study(study_name="exists", storage=_url(tmp_path)).trials) == 6


def test_same_name_with_other_data_spec_is_refused(tmp_path):
    open_study(_url(tmp_path), "s", SPACES["toy"], {"model": "toy", "n_rows": 100, "n_trials": 3})
    # a larger trial target is a resume, not a conflict
    open_study(_url(tmp_path), "s", SPACES["toy"], {"model": "toy", "n_rows": 100, "n_trials": 9})
    with pytest.raises(SearchSpaceMismatch, match="was created for"):
        open_study(_url(tmp_path), "s", SPACES["toy"], {"model": "toy", "n_rows": 200, "n_trials": 3})


def test_pruned_trials_do_not_count_towards_the_target(tmp_path):
    study = open_study(_url(tmp_path), "p", SPACES["toy"], TOY_SPEC, seed=0)

    def half_pruned(trial):
        x = trial.suggest_float("x", -2, 2)
        if x < 0:
            raise optuna.TrialPruned("invalid region")
        return -x

    top_up(study, half_pruned, 5)
    assert finished(study) == 5
    assert len(study.trials) >= 5

    def always_pruned(trial):
        trial.suggest_float("x", -2, 2)
        raise optuna.TrialPruned("nothing is valid")

    with pytest.raises(RuntimeError, match="only 0 completed"):
        top_up(open_study(_url(tmp_path), "q", SPACES["toy"], TOY_SPEC), always_pruned, 2)


def test_worker_rebuilds_a_model_study_from_its_spec(tmp_path):
    from systems.ensemble.data import EnsembleConfig
    from systems.ensemble.tuning import study_spec
    from systems.ensemble.worker import run_worker

    cfg = EnsembleConfig(n_rows=1000, tune_folds=2, n_estimators=5, model_trials=2, out=tmp_path)
    name = f"{cfg.study_prefix}-logreg"
    open_study(_url(tmp_path), name, SPACES["logreg"], study_spec(cfg, "logreg"))
    assert run_worker(_url(tmp_path), name, seed=0) >= 2  # tops up to the spec's 2 trials
    study = optuna.load_study(study_name=name, storage=_url(tmp_path))
    done = [t for t in study.trials if t.state == TrialState.COMPLETE]
    assert len(done) == 2 and all(len(t.user_attrs["fold_aucs"]) == 2 for t in done)
