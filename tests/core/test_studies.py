"""Persisted Optuna studies (systems.core.studies), checked against their documented contract.

Password redaction is compared with the URL written out by hand; the storage options with a
recording stand-in for ``RDBStorage``; the seeded sampler with a reference ``TPESampler``
built from ``child_seed`` as the docstring says; resuming and refusing with Optuna's
in-memory storage (fast: no database file), and one real SQLite file for the URL path.
"""

import importlib.util

import optuna
import pytest
from optuna.storages import InMemoryStorage
from optuna.study import StudyDirection
from optuna.trial import TrialState

from systems.core import studies
from systems.core.seeding import child_seed
from systems.core.studies import (
    SearchSpaceMismatch,
    StorageError,
    best_complete,
    finished,
    open_storage,
    open_study,
    redact,
    top_up,
    with_driver,
)

SPACE = {"x": ("float", -1.0, 1.0)}
URL = "postgresql://alice:s3cret@db.example:5433/optuna?sslmode=require"

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    x = trial.suggest_float("x", -1.0, 1.0)
    return -(x**2)


# --- URLs and passwords ------------------------------------------------------------------


def test_redact_masks_the_password_and_keeps_the_rest():
    assert redact(URL) == "postgresql://alice:***@db.example:5433/optuna?sslmode=require"


def test_redact_can_drop_user_and_password():
    assert redact(URL, drop_user=True) == "postgresql://db.example:5433/optuna?sslmode=require"


def test_redact_masks_an_unparsable_url_up_to_the_at_sign():
    assert redact("garbage//alice:s3cret@host/x") == "garbage//***@host/x"


def test_scrub_removes_the_password_wherever_a_driver_quoted_it():
    text = 'connection to "alice:s3cret@db" failed (password s3cret)'
    assert studies._scrub(text, URL) == 'connection to "alice:***@db" failed (password ***)'
    assert studies._scrub(text, "sqlite:///x.db") == text  # no password, nothing to hide


def installed(*names):
    """A find_spec stand-in: only ``names`` count as installed."""
    return lambda name: object() if name in names else None if name.startswith("psycopg") else 1 / 0


def test_bare_postgresql_url_is_pinned_to_psycopg2(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", installed("psycopg2"))
    assert with_driver("postgresql://u@h/db") == "postgresql+psycopg2://u@h/db"
    # only the scheme changes, even when the rest of the URL contains "://"
    assert with_driver("postgresql://u@h/db?x=a://b") == "postgresql+psycopg2://u@h/db?x=a://b"
    assert with_driver("postgresql+psycopg2://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert with_driver("sqlite:///a.db") == "sqlite:///a.db"
    # a URL that already names psycopg (3) keeps it when that driver is installed
    monkeypatch.setattr(importlib.util, "find_spec", installed("psycopg2", "psycopg"))
    assert with_driver("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_missing_driver_is_named_with_its_pip_line(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", installed())
    with pytest.raises(StorageError) as err:
        with_driver("postgresql://u@h/db")
    assert str(err.value).startswith("the PostgreSQL driver psycopg2 is not installed in this Python (")
    assert str(err.value).endswith(
        "); install it with `pip install psycopg2-binary==2.9.13` (psycopg2-binary is pinned in "
        "pyproject.toml: `make setup`). The server was not contacted"
    )
    with pytest.raises(StorageError, match=r"pip install psycopg\[binary\]`"):
        with_driver("postgresql+psycopg://u@h/db")


# --- opening a storage --------------------------------------------------------------------


class RecordingStorage:
    """Stands in for RDBStorage: records what open_storage passes."""

    def __init__(self, url, engine_kwargs=None, **kwargs):
        self.url, self.engine_kwargs, self.kwargs = url, engine_kwargs, kwargs


@pytest.mark.parametrize(
    ("url", "engine_url", "engine_kwargs"),
    [
        ("sqlite:///a.db", "sqlite:///a.db", {"connect_args": {"timeout": 60}}),
        (
            "postgresql://u@h/db",
            "postgresql+psycopg2://u@h/db",
            {"pool_pre_ping": True, "connect_args": {"connect_timeout": 10}},
        ),
        ("mysql://u@h/db", "mysql://u@h/db", {"pool_pre_ping": True}),
    ],
)
def test_open_storage_options_per_backend(monkeypatch, url, engine_url, engine_kwargs):
    monkeypatch.setattr(importlib.util, "find_spec", installed("psycopg2"))
    monkeypatch.setattr(studies, "RDBStorage", RecordingStorage)
    storage = open_storage(url, heartbeat_interval=5)
    assert storage.url == engine_url
    assert storage.engine_kwargs == engine_kwargs
    assert storage.kwargs == {"heartbeat_interval": 5}


def test_storage_error_hides_the_password_and_the_sqlalchemy_footer(monkeypatch):
    class OperationalError(Exception):
        pass

    def refuse(url, engine_kwargs=None, **kwargs):
        raise OperationalError(
            "connection refused for alice:s3cret\n   at db.example "
            "(Background on this error at: https://sqlalche.me/e/20/e3q8)"
        )

    monkeypatch.setattr(importlib.util, "find_spec", installed("psycopg2"))
    monkeypatch.setattr(studies, "RDBStorage", refuse)
    with pytest.raises(StorageError) as err:
        open_storage(URL)
    assert str(err.value) == (
        "cannot open Optuna storage 'postgresql://alice:***@db.example:5433/optuna?sslmode=require': "
        "OperationalError: connection refused for alice:*** at db.example. "
        "Check that the server is up and the URL is right (postgresql://user:pass@host:5432/db), "
        "or use a local file: --storage sqlite:///reports/.state/ensemble/optuna.db"
    )
    assert err.value.__cause__ is None and err.value.__suppress_context__, "the driver's traceback is dropped"


# --- opening a study ----------------------------------------------------------------------


def params(study):
    return [t.params["x"] for t in study.trials]


def test_study_sampler_is_tpe_seeded_from_seed_and_name():
    # reference: the sampler the docstring describes, 12 trials so TPE proper (after 10 random
    # start-up trials) is reached
    ours = open_study(InMemoryStorage(), "s", SPACE)  # seed defaults to 0
    ours.optimize(objective, n_trials=12)
    ref = optuna.create_study(
        direction="maximize", sampler=optuna.samplers.TPESampler(seed=child_seed(0, "s"), n_startup_trials=10)
    )
    ref.optimize(objective, n_trials=12)
    assert params(ours) == params(ref)
    assert ours.direction is StudyDirection.MAXIMIZE


def test_unseeded_studies_do_not_replay_each_others_draws():
    # seed=None: extra workers must explore, not repeat the first worker's points
    # (two OS-entropy streams drawing the same three floats: probability ~0)
    first = open_study(InMemoryStorage(), "s", SPACE, seed=None)
    second = open_study(InMemoryStorage(), "s", SPACE, seed=None)
    first.optimize(objective, n_trials=3)
    second.optimize(objective, n_trials=3)
    assert params(first) != params(second)


def test_given_sampler_is_used_as_is():
    sampler = optuna.samplers.RandomSampler(seed=3)
    assert open_study(InMemoryStorage(), "s", SPACE, sampler=sampler).sampler is sampler


def test_study_records_its_space_and_spec_and_resumes():
    storage = InMemoryStorage()
    study = open_study(storage, "s", SPACE, spec={"model": "toy", "n_trials": 4})
    assert study.user_attrs == {
        "search_space": {"x": ["float", -1.0, 1.0]},
        "spec": {"model": "toy", "n_trials": 4},
    }
    top_up(study, objective, 2)
    again = open_study(storage, "s", SPACE, spec={"model": "toy", "n_trials": 9})  # only n_trials differs
    assert finished(again) == 2


def test_other_search_space_is_refused_with_the_fix():
    storage = InMemoryStorage()
    open_study(storage, "s", SPACE)
    with pytest.raises(SearchSpaceMismatch) as err:
        open_study(storage, "s", {"x": ("int", 0, 3)})
    assert str(err.value) == (
        "study 's' already exists with search space {'x': ['float', -1.0, 1.0]}, not {'x': ['int', 0, 3]}. "
        "Pick another --study name, or delete the old study "
        "(optuna delete-study --study-name s --storage URL)"
    )


def test_other_spec_is_refused_but_a_study_without_one_accepts_any():
    storage = InMemoryStorage()
    open_study(storage, "s", SPACE, spec={"model": "toy", "n_trials": 4})
    with pytest.raises(SearchSpaceMismatch) as err:
        open_study(storage, "s", SPACE, spec={"model": "xgb", "n_trials": 4})
    assert str(err.value) == (
        "study 's' was created for {'model': 'toy'}, not {'model': 'xgb'}: its trials score another "
        "objective. Pick another --study name or delete the old study"
    )
    open_study(storage, "t", SPACE)
    assert "spec" not in open_study(storage, "t", SPACE, spec={"model": "xgb"}).user_attrs


def test_url_storage_is_opened_through_open_storage(monkeypatch):
    opened = []
    storage = InMemoryStorage()  # what the URL stands for; a real SQLite file takes seconds
    monkeypatch.setattr(studies, "open_storage", lambda url: opened.append(url) or storage)
    top_up(open_study("sqlite:///x.db", "s", SPACE), objective, 1)
    assert opened == ["sqlite:///x.db"]
    assert finished(optuna.load_study(study_name="s", storage=storage)) == 1


# --- running trials -----------------------------------------------------------------------


def test_top_up_redraws_pruned_trials_and_counts_what_it_ran():
    study = open_study(InMemoryStorage(), "s", SPACE)

    def prune_first(trial):
        if trial.number == 0:
            raise optuna.TrialPruned()
        return objective(trial)

    # 3 asked: one pruned, two complete; then 1 more: 4 trials ran, 3 complete
    assert top_up(study, prune_first, 3) == 4
    assert finished(study) == 3
    assert [t.state for t in study.trials].count(TrialState.PRUNED) == 1
    assert top_up(study, prune_first, 3) == 0


def test_top_up_shows_a_progress_bar_only_when_asked(capsys):
    study = open_study(InMemoryStorage(), "s", SPACE)
    top_up(study, objective, 1)
    assert "1/1" not in capsys.readouterr().err, "no bar by default"
    top_up(study, objective, 2, progress=True)
    assert "1/1" in capsys.readouterr().err, "Optuna's bar on stderr, counting the one new trial"


def test_top_up_gives_up_after_3n_plus_10_attempts():
    study = open_study(InMemoryStorage(), "s", SPACE)

    def always_pruned(trial):
        raise optuna.TrialPruned()

    with pytest.raises(RuntimeError) as err:
        top_up(study, always_pruned, 1)
    # n = 1: one trial per round until 3 * 1 + 10 = 13 have run
    assert (
        str(err.value) == "study 's': 13 trials ran but only 0 completed; check the objective's search space"
    )
    assert len(study.trials) == 13


def test_best_complete_breaks_ties_by_trial_number():
    study = open_study(InMemoryStorage(), "s", SPACE)
    values = [0.5, 0.9, 0.9, None]

    def scored(trial):
        trial.suggest_float("x", -1.0, 1.0)
        if values[trial.number] is None:
            raise optuna.TrialPruned()
        return values[trial.number]

    study.optimize(scored, n_trials=4)
    assert best_complete(study).number == 1


def test_best_complete_of_an_empty_study_is_an_error():
    with pytest.raises(RuntimeError, match=r"^study 'empty' has no completed trial$"):
        best_complete(open_study(InMemoryStorage(), "empty", SPACE))
