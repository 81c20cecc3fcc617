"""tune-worker: storage errors (no password, no stray file, the driver named) and trial failures."""

import importlib.util
import logging

import optuna
import pytest
from optuna.trial import TrialState

from systems.core.models import SPACES
from systems.core.pgserver import free_port
from systems.core.studies import StorageError, open_storage, open_study, redact, with_driver
from systems.ensemble.worker import WorkerError, check_existing_sqlite, main, share

PASSWORD = "s3cret-Pw9"


def _one_error_line(caplog) -> str:
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, errors
    assert "\n" not in errors[0]
    return errors[0]


def test_redact_masks_or_drops_credentials():
    url = f"postgresql://alice:{PASSWORD}@db.example:5432/optuna"
    assert redact(url) == "postgresql://alice:***@db.example:5432/optuna"
    assert redact(url, drop_user=True) == "postgresql://db.example:5432/optuna"
    assert PASSWORD not in redact(f"not a url //bob:{PASSWORD}@host")


def test_bare_postgresql_url_uses_the_pinned_psycopg2_driver():
    # SQLAlchemy 2.1 maps a bare postgresql:// to psycopg 3, which the repo does not pin
    assert with_driver("postgresql://u:p@h/db") == "postgresql+psycopg2://u:p@h/db"
    assert with_driver("sqlite:///x.db") == "sqlite:///x.db"


def test_missing_sqlite_file_is_refused_and_not_created(tmp_path, caplog):
    db = tmp_path / "nope.db"
    assert main(["--storage", f"sqlite:///{db}", "--study", "s"]) == 2
    assert "no SQLite file" in _one_error_line(caplog)
    assert not db.exists()
    with pytest.raises(StorageError, match="in-memory"):
        check_existing_sqlite("sqlite:///:memory:")


def test_unreachable_server_gives_one_line_without_the_password(caplog):
    url = f"postgresql://alice:{PASSWORD}@127.0.0.1:{free_port()}/optuna"
    assert main(["--storage", url, "--study", "s"]) == 2
    line = _one_error_line(caplog)
    assert PASSWORD not in line and "alice:***@127.0.0.1" in line
    assert "Connection refused" in line and "Check that the server is up" in line


def test_missing_driver_is_named_and_the_server_is_not_blamed(monkeypatch, caplog):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "psycopg2" else real(name, *a)
    )
    url = f"postgresql://alice:{PASSWORD}@127.0.0.1:{free_port()}/optuna"
    assert main(["--storage", url, "--study", "s"]) == 2
    line = _one_error_line(caplog)
    assert "driver psycopg2 is not installed" in line and "psycopg2-binary==2.9.13" in line
    assert "server was not contacted" in line and PASSWORD not in line


def _study(tmp_path, name="s"):
    return open_study(
        open_storage(f"sqlite:///{tmp_path / 'w.db'}"), name, SPACES["toy"], {"model": "toy"}, seed=0
    )


def test_pruned_trials_are_redrawn_and_never_counted(tmp_path):
    study = _study(tmp_path)

    def half_pruned(trial):
        x = trial.suggest_float("x", -2, 2)
        if x < 0:
            raise optuna.TrialPruned("invalid region")
        return -x

    result = share(study, half_pruned, target=6)
    assert result.complete == 6 and result.ran == 6 + result.pruned
    assert len(study.get_trials(states=(TrialState.COMPLETE,))) == 6


def test_failed_trials_are_recorded_and_the_worker_goes_on(tmp_path):
    study = _study(tmp_path)
    calls = {"n": 0}

    def flaky(trial):
        calls["n"] += 1
        x = trial.suggest_float("x", -2, 2)
        if calls["n"] <= 2:
            raise RuntimeError("transient fit error")
        return -x * x

    result = share(study, flaky, target=4, max_failures=3)
    assert (result.complete, result.failed) == (4, 2)
    failed = study.get_trials(states=(TrialState.FAIL,))
    assert [t.number for t in failed] == [0, 1]
    assert all(t.user_attrs["worker"].endswith(f":{__import__('os').getpid()}") for t in study.trials)


def test_a_worker_gives_up_after_max_failures_with_the_last_error(tmp_path):
    def broken(trial):
        trial.suggest_float("x", -2, 2)
        raise RuntimeError("model exploded")

    with pytest.raises(WorkerError, match="3 trials failed.*model exploded"):
        share(_study(tmp_path), broken, target=5, max_failures=2)


def test_n_trials_adds_exactly_that_many(tmp_path):
    study = _study(tmp_path)
    share(study, lambda t: t.suggest_float("x", -2, 2), target=3)
    assert share(study, lambda t: t.suggest_float("x", -2, 2), target=None, budget=4).ran == 4
    assert len(study.trials) == 7
