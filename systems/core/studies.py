"""Persisted Optuna studies that refuse to resume under another search space.

Storage: any SQLAlchemy URL Optuna's ``RDBStorage`` accepts: an embedded SQLite file, so a
stopped run resumes (a study keeps its finished trials and a rerun only adds
``n_trials - finished`` more), or ``postgresql://...``, so several worker processes on
several machines add trials to the same study.

A study records what it optimises in its user attributes:

    search_space  the space (``systems.core.models.SPACES``): resuming under another is an error
    spec          what the objective scores (model, data size, seed, folds): enough for a
                  worker to rebuild it; resuming with another spec is an error too

Errors name the problem: an unreachable storage or a missing driver (``StorageError``, never
with the URL's password), a study name reused for another space (``SearchSpaceMismatch``).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from typing import Any

import optuna
from optuna.storages import RDBStorage
from optuna.trial import TrialState

from systems.core.seeding import child_seed


class StorageError(RuntimeError):
    """The Optuna storage URL cannot be opened."""


class SearchSpaceMismatch(ValueError):
    """A study exists under this name but was created with another search space."""


def redact(url: str, drop_user: bool = False) -> str:
    """``url`` with its password masked (``***``), or with user and password dropped."""
    from sqlalchemy.engine import URL, make_url

    try:
        u = make_url(url)
    except Exception:
        return re.sub(r"//[^/@]*@", "//***@", url)  # unparsable: mask whatever precedes '@'
    if drop_user:
        u = URL.create(u.drivername, host=u.host, port=u.port, database=u.database, query=u.query)
    return u.render_as_string(hide_password=True)


def _scrub(text: str, url: str) -> str:
    """Remove the URL's password from an error text (drivers may quote the URL)."""
    from sqlalchemy.engine import make_url

    try:
        password = make_url(url).password
    except Exception:
        password = None
    return text.replace(password, "***") if password else text


_DRIVERS = {"postgresql": "psycopg2", "postgresql+psycopg2": "psycopg2", "postgresql+psycopg": "psycopg"}


def with_driver(url: str) -> str:
    """Pin a bare ``postgresql://`` URL to psycopg2, the driver this repo pins.

    SQLAlchemy 2.1 maps a bare ``postgresql://`` to psycopg 3, which is not installed here;
    ``postgresql+psycopg2://`` is what ``pip install psycopg2-binary`` serves. Raises
    ``StorageError`` when the URL's driver is not importable, before any server is contacted.
    """
    scheme = url.split("://", 1)[0]
    module = _DRIVERS.get(scheme)
    if module is None:
        return url
    if importlib.util.find_spec(module) is None:
        pip = "psycopg2-binary==2.9.13" if module == "psycopg2" else "psycopg[binary]"
        raise StorageError(
            f"the PostgreSQL driver {module} is not installed in this Python ({sys.executable}); "
            f"install it with `pip install {pip}` (psycopg2-binary is pinned in pyproject.toml: "
            "`make setup`). The server was not contacted"
        )
    return "postgresql+psycopg2://" + url.split("://", 1)[1] if scheme == "postgresql" else url


def open_storage(url: str, **storage_kwargs: Any) -> RDBStorage:
    """Open (and create the tables of) an RDB storage, or raise ``StorageError``.

    ``storage_kwargs`` go to ``RDBStorage`` (e.g. ``heartbeat_interval``). Error messages
    never contain the URL's password.
    """
    engine_url = with_driver(url)
    # SQLite serialises writers; a generous busy timeout lets concurrent workers queue.
    # PostgreSQL: a bounded connect timeout, so an unreachable host fails in seconds.
    if url.startswith("sqlite"):
        kwargs = {"connect_args": {"timeout": 60}}
    elif url.startswith("postgresql"):
        kwargs = {"pool_pre_ping": True, "connect_args": {"connect_timeout": 10}}
    else:
        kwargs = {"pool_pre_ping": True}
    try:
        return RDBStorage(engine_url, engine_kwargs=kwargs, **storage_kwargs)
    except Exception as err:
        detail = " ".join(_scrub(f"{type(err).__name__}: {err}", url).split())
        detail = detail.split(" (Background on this error")[0]
        raise StorageError(
            f"cannot open Optuna storage {redact(url)!r}: {detail}. "
            "Check that the server is up and the URL is right (postgresql://user:pass@host:5432/db), "
            "or use a local file: --storage sqlite:///reports/.state/ensemble/optuna.db"
        ) from None


def _normalise(space: dict[str, tuple]) -> Any:
    # JSON round trip: tuples become lists, so a stored space compares equal to a fresh one
    return json.loads(json.dumps(space))


def open_study(
    storage: str | RDBStorage,
    name: str,
    space: dict[str, tuple],
    spec: dict[str, Any] | None = None,
    seed: int | None = 0,
    sampler: optuna.samplers.BaseSampler | None = None,
) -> optuna.Study:
    """Create or resume the study ``name``, refusing one with another search space.

    ``seed`` seeds the TPE sampler from (seed, name) so each study draws its own stream;
    ``None`` leaves it unseeded (extra workers must not replay the first one's draws).
    """
    if isinstance(storage, str):
        storage = open_storage(storage)
    if sampler is None:
        sampler = optuna.samplers.TPESampler(
            seed=None if seed is None else child_seed(seed, name), n_startup_trials=10
        )
    study = optuna.create_study(
        storage=storage, study_name=name, direction="maximize", sampler=sampler, load_if_exists=True
    )
    wanted = _normalise(space)
    stored = study.user_attrs.get("search_space")
    if stored is None:
        study.set_user_attr("search_space", wanted)
        if spec is not None:
            study.set_user_attr("spec", _normalise(spec))
    elif stored != wanted:
        raise SearchSpaceMismatch(
            f"study {name!r} already exists with search space {stored}, not {wanted}. "
            "Pick another --study name, or delete the old study "
            f"(optuna delete-study --study-name {name} --storage URL)"
        )
    elif spec is not None:
        old = {k: v for k, v in study.user_attrs.get("spec", {}).items() if k != "n_trials"}
        new = {k: v for k, v in _normalise(spec).items() if k != "n_trials"}
        if old and old != new:
            raise SearchSpaceMismatch(
                f"study {name!r} was created for {old}, not {new}: its trials score another "
                "objective. Pick another --study name or delete the old study"
            )
    return study


def finished(study: optuna.Study) -> int:
    """Completed trials (pruned ones, e.g. an invalid L1 + lbfgs draw, do not count)."""
    return len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))


def top_up(study: optuna.Study, objective, n_trials: int, progress: bool = False) -> int:
    """Run trials until ``n_trials`` have completed in total (resuming); returns trials run now.

    Pruned trials are re-drawn, up to ``3 n + 10`` attempts in all. A trial whose objective
    raises stops the run with that error (Optuna records it as FAIL), so a failure is never
    mistaken for a finished study.
    """
    ran = 0
    while finished(study) < n_trials:
        if ran >= 3 * n_trials + 10:
            raise RuntimeError(
                f"study {study.study_name!r}: {ran} trials ran but only "
                f"{finished(study)} completed; check the objective's search space"
            )
        todo = n_trials - finished(study)
        study.optimize(objective, n_trials=todo, show_progress_bar=progress)
        ran += todo
    return ran


def best_complete(study: optuna.Study) -> optuna.trial.FrozenTrial:
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not trials:
        raise RuntimeError(f"study {study.study_name!r} has no completed trial")
    # ties broken by trial number, so the answer does not depend on storage order
    return max(trials, key=lambda t: (t.value, -t.number))
