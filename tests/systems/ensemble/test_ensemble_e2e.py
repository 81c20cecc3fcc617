import json

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification

from systems.core.ledger import seed_determined
from systems.core.models import SPACES
from systems.core.studies import open_study
from systems.ensemble import pipeline, tuning
from systems.ensemble.__main__ import main
from systems.ensemble.data import Dataset, default_storage

TINY = [
    "--n-rows",
    "1500",
    "--model-trials",
    "1",
    "--blend-trials",
    "4",
    "--n-estimators",
    "10",
    "--nested-outer",
    "2",
    "--nested-inner",
    "2",
    "--small-rows",
    "1000",
    "--latency-repeats",
    "1",
    "--tune-folds",
    "2",
    "--n-folds",
    "3",
]


@pytest.mark.slow
def test_tiny_profile_end_to_end_and_resume_is_deterministic(tmp_path):
    assert main(TINY + ["--out", str(tmp_path)]) == 0
    out = tmp_path / "ensemble"
    ledger = json.loads((out / "ledger.json").read_text())
    assert [c["id"] for c in ledger["claims"]] == [f"EN-{i:02d}" for i in range(1, 16)]
    for name in ("comparison.md", "diversity.png", "weights.png", "roc.png", "latency.md"):
        assert (out / name).exists(), name
    first = seed_determined(ledger["claims"])
    by_id = {c["id"]: c for c in ledger["claims"]}
    assert by_id["EN-10"]["timed"] and "blend3_vs_rf_per_row" in by_id["EN-10"]["measured"]
    # the second run finds every study finished and reproduces the same ledger (timed EN-10 aside)
    assert main(TINY + ["--out", str(tmp_path)]) == 0
    assert seed_determined(json.loads((out / "ledger.json").read_text())["claims"]) == first


def _small_dataset(n_rows, seed, *args):
    X, y = make_classification(n_rows, 6, random_state=seed)
    X = pd.DataFrame(X, columns=[f"x{i}" for i in range(6)])
    return Dataset(X.iloc[:1000], y[:1000], X.iloc[1000:], y[1000:], {}, 0)


def test_model_failing_on_a_fold_stops_the_run_without_a_ledger(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(pipeline, "load_dataset", _small_dataset)
    real = tuning.make_model
    calls = {"n": 0}

    class Broken:
        def fit(self, X, y):
            raise MemoryError("out of memory")

    def flaky(name, *a, **k):
        calls["n"] += 1
        return Broken() if name == "random_forest" and calls["n"] == 2 else real(name, *a, **k)

    monkeypatch.setattr(tuning, "make_model", flaky)
    assert main(TINY + ["--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "random_forest failed to train on fold 1: MemoryError" in err
    assert not (tmp_path / "ensemble" / "ledger.json").exists()


def test_unreachable_storage_is_a_clear_error(tmp_path, capsys):
    assert main(TINY + ["--out", str(tmp_path), "--storage", "nosuchdialect://host/db"]) == 2
    assert "cannot open Optuna storage 'nosuchdialect://host/db'" in capsys.readouterr().err
    assert not (tmp_path / "ensemble" / "ledger.json").exists()


def test_existing_study_with_other_space_is_refused(tmp_path, monkeypatch, capsys):
    # skip the slow part before tuning: the clash must surface at the first study it opens
    monkeypatch.setattr(tuning, "oof_predictions", lambda f, X, y, fold, name: np.zeros(len(y)))
    monkeypatch.setattr(tuning, "fit_model", lambda *a, **k: None)
    monkeypatch.setattr(tuning, "predict", lambda m, X, *a: np.zeros(len(X)))
    monkeypatch.setattr(pipeline, "load_dataset", _small_dataset)
    open_study(default_storage(tmp_path), "mine-xgboost", SPACES["toy"], {"model": "toy"})
    assert main(TINY + ["--out", str(tmp_path), "--study", "mine"]) == 2
    assert "already exists with search space" in capsys.readouterr().err
