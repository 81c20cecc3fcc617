"""tune-cluster on a real PostgreSQL server: workers share a study, survive a killed worker,
and the throwaway server is stopped on success, failure and interruption.

Needs the Debian ``postgresql`` package (``.ci/run`` installs it). Without it the tests skip,
except under CI=true, where a missing server is a failure.
"""

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import optuna
import pytest
from optuna.storages import RetryHeartbeatStaleTrialCallback
from optuna.trial import TrialState

from systems.core.models import SPACES
from systems.core.pgserver import (
    PostgresUnavailable,
    _alive,
    find_bin_dir,
    free_port,
    throwaway_postgres,
)
from systems.core.studies import open_storage, open_study
from systems.ensemble import cluster

ROOT = Path(__file__).resolve().parents[3]
# the server user must reach it: not under /tmp/pytest-of-root (0700), nor a clone inside /root
CACHE = Path(tempfile.gettempdir()) / "mlstories-pg-test"
TINY = ["--n-rows", "2000", "--n-estimators", "40", "--tune-folds", "2"]


@pytest.fixture(scope="module")
def pg():
    if find_bin_dir() is None:
        why = "PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {why}")
        pytest.skip(why)
    try:
        with throwaway_postgres(CACHE, install=False) as server:
            yield server
    except PostgresUnavailable as err:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"cannot start PostgreSQL here: {err}")


def _json(out: Path) -> dict:
    return json.loads((out / "ensemble_cluster" / "cluster.json").read_text())


def test_two_workers_share_a_tiny_ensemble_study_on_postgres(pg, tmp_path):
    args = [
        "--workers",
        "2",
        "--trials",
        "12",
        "--storage",
        pg.url,
        "--out",
        str(tmp_path),
        "--no-baseline",
    ]
    assert cluster.main(args + TINY) == 0
    report = _json(tmp_path)
    assert report["trials"] >= 12 and report["states"]["COMPLETE"] == report["trials"]
    assert report["storage"] == f"postgresql://127.0.0.1:{pg.port}/optuna"
    ours = [w for w in report["per_worker"] if w["exit_code"] is not None]
    assert len(ours) == 2 and all(w["trials"] > 0 and w["exit_code"] == 0 for w in ours), ours
    assert sum(w["trials"] for w in ours) == report["trials"]
    assert 0.5 < report["best_value"] <= 1.0
    text = "".join(p.read_text(errors="replace") for p in (tmp_path / "ensemble_cluster").glob("cluster.*"))
    assert pg.password not in text
    assert (tmp_path / "ensemble_cluster" / "cluster.png").stat().st_size > 1000
    assert not any((tmp_path / ".staging").iterdir())  # staging cleaned after publishing


def _worker(url: str, study: str, *extra: str) -> subprocess.Popen:
    env = os.environ | {"MLSTORIES_OPTUNA_STORAGE": url}
    cmd = [
        sys.executable,
        "-m",
        "systems.ensemble.worker",
        "--study",
        study,
        "--quiet",
        "--heartbeat",
        "1",
        "--grace",
        "3",
        *extra,
    ]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_worker_killed_mid_trial_is_failed_and_the_study_continues(pg):
    name = f"killed-{time.time_ns()}"
    open_study(
        open_storage(pg.url), name, SPACES["toy"], {"model": "toy", "n_trials": 6, "trial_seconds": 1.5}
    )
    victim, survivor = _worker(pg.url, name), _worker(pg.url, name)
    study = optuna.load_study(study_name=name, storage=open_storage(pg.url))
    deadline = time.monotonic() + 60
    while not any(
        t.state == TrialState.RUNNING and t.user_attrs.get("worker", "").endswith(f":{victim.pid}")
        for t in study.get_trials(deepcopy=False)
    ):
        assert time.monotonic() < deadline, "the victim never started a trial"
        time.sleep(0.1)
    victim.kill()  # SIGKILL: no finally, no chance to mark its own trial
    victim.wait()
    _, err = survivor.communicate(timeout=120)
    assert survivor.returncode == 0, err
    trials = study.get_trials(deepcopy=False)
    lost = [
        t
        for t in trials
        if t.user_attrs.get("worker", "").endswith(f":{victim.pid}") and t.state != TrialState.COMPLETE
    ]
    assert [t.state for t in lost] == [TrialState.FAIL]  # failed by the survivor's heartbeat check
    assert sum(t.state == TrialState.COMPLETE for t in trials) == 6
    assert not any(t.state == TrialState.RUNNING for t in trials)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        retried = [RetryHeartbeatStaleTrialCallback.retried_trial_number(t) for t in trials]
    assert lost[0].number in retried  # its parameters were queued again once


def _spy_server(monkeypatch) -> list:
    seen = []
    real = cluster.throwaway_postgres

    def spy(cache, *a, **k):
        cm = real(CACHE, *a, **k)

        class Wrapped:
            def __enter__(self):
                seen.append(cm.__enter__())
                return seen[-1]

            def __exit__(self, *exc):
                return cm.__exit__(*exc)

        return Wrapped()

    monkeypatch.setattr(cluster, "throwaway_postgres", spy)
    monkeypatch.delenv("MLSTORIES_OPTUNA_STORAGE", raising=False)  # else that server is used
    return seen


def test_without_storage_a_throwaway_server_is_started_and_stopped(pg, tmp_path, monkeypatch):
    servers = _spy_server(monkeypatch)
    args = ["--workers", "2", "--trials", "4", "--model", "toy", "--out", str(tmp_path), "--baseline"]
    assert cluster.main(args) == 0
    (server,) = servers
    assert not _alive(server.pid) and not server.data_dir.exists()
    report = _json(tmp_path)
    assert report["storage"] == f"postgresql://127.0.0.1:{server.port}/optuna"
    assert report["one_worker_trials"] == 4 and report["speedup_vs_one_worker"] > 0


def test_a_failed_run_stops_workers_and_server(pg, tmp_path, monkeypatch, caplog):
    servers, workers = _spy_server(monkeypatch), []
    real_launch = cluster.launch
    monkeypatch.setattr(cluster, "launch", lambda *a: workers.append(real_launch(*a)) or workers[-1])
    args = [
        "--workers",
        "2",
        "--trials",
        "4",
        "--model",
        "toy",
        "--trial-seconds",
        "30",
        "--timeout",
        "3",
        "--out",
        str(tmp_path),
    ]
    assert cluster.main(args) == 2
    assert "timeout" in caplog.text
    assert len(workers) == 2 and all(w.poll() is not None for w in workers)
    assert not _alive(servers[0].pid) and not (tmp_path / "ensemble_cluster" / "cluster.json").exists()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_stops_workers_and_server_with_one_line(pg, tmp_path, sig):
    cache = CACHE / f"interrupt-{sig.name}"
    cmd = [
        sys.executable,
        "-m",
        "systems.ensemble.cluster",
        "--workers",
        "2",
        "--trials",
        "4",
        "--model",
        "toy",
        "--trial-seconds",
        "30",
        "--out",
        str(tmp_path),
        "--cache-dir",
        str(cache),
    ]
    env = {k: v for k, v in os.environ.items() if k != "MLSTORIES_OPTUNA_STORAGE"}
    # A shell's background job (CI, `make test &`) starts with SIGINT ignored and Python
    # keeps an inherited SIG_IGN; restore the default so the child sees the Ctrl-C sent.
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while not list(cache.glob("run-*/pgdata/postmaster.pid")):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.2)
    server_pid = int(next(cache.glob("run-*/pgdata/postmaster.pid")).read_text().split()[0])
    time.sleep(6)  # workers are loading or running their first trial
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("tune-cluster: interrupted")
    assert not _alive(server_pid) and not list(cache.glob("run-*"))
    assert not (tmp_path / "ensemble_cluster" / "cluster.json").exists()


def test_unreachable_storage_is_one_line_without_password(tmp_path, caplog):
    url = f"postgresql://alice:pw-XYZ-123@127.0.0.1:{free_port()}/optuna"
    assert cluster.main(["--storage", url, "--out", str(tmp_path)]) == 2
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "pw-XYZ-123" not in errors[0] and "Connection refused" in errors[0]
