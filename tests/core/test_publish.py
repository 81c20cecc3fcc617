"""Atomic publishing: staging, one rename, the lock, Ctrl-C, cleanup after dead runs."""

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from systems.core import publish as P
from systems.core.config import RunConfig
from systems.core.ledger import Claim
from systems.core.report import start_run

ROOT = Path(__file__).resolve().parents[2]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(out: Path, files: dict[str, str], system: str = "churn") -> Path:
    with start_run(system, RunConfig(out=out)) as run:
        for name, text in files.items():
            run.path(name).write_text(text)
        run.add(Claim("CH-01", "x", scope_reason="test"))
    return out / system


def test_files_are_staged_then_published_and_stale_files_go(tmp_path):
    with start_run("churn", RunConfig(out=tmp_path)) as run:
        run.path("a.md").write_text("first")
        assert run.path("a.md").parent == tmp_path / ".staging" / f"churn-{os.getpid()}"
        assert not (tmp_path / "churn").exists(), "nothing is visible before the run completes"
        assert run.published_path("a.md") == tmp_path / "churn" / "a.md"
    assert run.out_dir == tmp_path / "churn"
    _run(tmp_path, {"b.md": "second"})
    names = set(snapshot(tmp_path / "churn"))
    assert "b.md" in names and "a.md" not in names, "an earlier run's files never sit beside new ones"
    assert sorted(os.listdir(tmp_path / ".staging")) == ["churn.lock"]


def test_a_failed_or_interrupted_run_changes_nothing(tmp_path, capsys):
    before = snapshot(_run(tmp_path, {"a.md": "complete"}))
    with pytest.raises(RuntimeError):
        with start_run("churn", RunConfig(out=tmp_path)) as run:
            run.path("a.md").write_text("half")
            raise RuntimeError("boom")
    with pytest.raises(SystemExit) as e:
        with start_run("churn", RunConfig(out=tmp_path)) as run:
            run.path("a.md").write_text("half")
            raise KeyboardInterrupt
    assert e.value.code == 130
    # stderr: the runs' "== ..." header and summary log lines, then the one interrupt line
    err = [line for line in capsys.readouterr().err.splitlines() if line and not line.startswith("== ")]
    assert err == [f"churn: interrupted (Ctrl-C); nothing published, {tmp_path / 'churn'}/ unchanged"]
    assert snapshot(tmp_path / "churn") == before
    assert sorted(os.listdir(tmp_path / ".staging")) == ["churn.lock"]


def test_ctrl_c_during_the_renames_is_deferred_until_published(tmp_path, monkeypatch, capsys):
    _run(tmp_path, {"a.md": "old"})
    real_rename = os.rename

    def rename_then_sigint(src, dst):
        real_rename(src, dst)
        if str(dst).endswith(".old"):  # between "old aside" and "new in": the worst instant
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(P.os, "rename", rename_then_sigint)
    with pytest.raises(SystemExit) as e:
        _run(tmp_path, {"a.md": "new"})
    assert e.value.code == 130
    assert (tmp_path / "churn" / "a.md").read_text() == "new"
    assert "holds this run's complete report" in capsys.readouterr().err


def test_second_run_refuses_while_the_first_is_alive(tmp_path, capsys):
    before = snapshot(_run(tmp_path, {"a.md": "complete"}))
    holder = P.publication(tmp_path, "churn")
    holder.acquire()  # flock is per open file, so this conflicts even inside one process
    try:
        with pytest.raises(SystemExit) as e:
            _run(tmp_path, {"a.md": "intruder"})
        assert e.value.code == 75
        err = capsys.readouterr().err
        assert f"another run (pid {os.getpid()}) is writing {tmp_path / 'churn'}/" in err
        assert snapshot(tmp_path / "churn") == before
    finally:
        holder.release()
    _run(tmp_path, {"a.md": "after"})  # free again once the first run released it


def test_stale_lock_of_a_dead_pid_is_broken(tmp_path, caplog):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    pid = int(dead.stdout)
    (tmp_path / ".staging").mkdir()
    (tmp_path / ".staging" / "churn.lock").write_text(f"{pid}\n")
    (tmp_path / ".staging" / f"churn-{pid}").mkdir()  # and its half-written files
    (tmp_path / ".staging" / f"churn-{pid}" / "a.md").write_text("half")
    (tmp_path / ".staging" / "churn_csv-7").mkdir()  # another system's: not ours to remove
    _run(tmp_path, {"a.md": "new"})
    assert f"broke the stale lock of pid {pid}" in caplog.text
    assert (tmp_path / "churn" / "a.md").read_text() == "new"
    assert sorted(os.listdir(tmp_path / ".staging")) == ["churn.lock", "churn_csv-7"]
    assert (tmp_path / ".staging" / "churn.lock").read_text() == "", "released cleanly"


def test_a_kill_between_the_two_renames_is_repaired_by_the_next_run(tmp_path):
    before = snapshot(_run(tmp_path, {"a.md": "complete"}))
    os.rename(tmp_path / "churn", tmp_path / ".staging" / "churn-4242.old")  # killed at t2
    (tmp_path / ".staging" / "churn-4242").mkdir()
    pub = P.publication(tmp_path, "churn")
    pub.acquire()
    try:
        assert snapshot(tmp_path / "churn") == before, "the previous report is back"
        assert sorted(os.listdir(tmp_path / ".staging")) == sorted(["churn.lock", f"churn-{os.getpid()}"])
    finally:
        pub.abandon()
        pub.release()


def test_evidence_names_stay_inside_the_run_folder(tmp_path):
    with start_run("churn", RunConfig(out=tmp_path)) as run:
        for bad in ("../escape.md", "/tmp/abs.md"):
            with pytest.raises(ValueError, match="relative path"):
                run.path(bad)


def _sigint_default() -> None:
    """Run in the child before exec: a shell's background job (CI, `make test &`) starts
    with SIGINT ignored, and Python keeps an inherited SIG_IGN, so the child would never
    see the Ctrl-C the test sends. A user's terminal does deliver it; so does this."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _spawn(out: Path, only: str) -> subprocess.Popen:
    env = os.environ | {"MPLBACKEND": "Agg", "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "systems.algorithms", "--out", str(out), "--only", only],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # the header is a log line (stderr), the demos' names are printed
        text=True,
        preexec_fn=_sigint_default,
    )


def _interrupt_when(proc: subprocess.Popen, marker: str, staging: Path) -> tuple[list[str], str]:
    """SIGINT ``proc`` once an output line starts with ``marker``; the files staged by then, the rest of its output.

    A timer kills a child that stops printing, so the test fails instead of waiting forever."""
    watchdog = threading.Timer(300, proc.kill)
    watchdog.start()
    try:
        for line in proc.stdout:
            if line.startswith(marker):
                break
        else:
            pytest.fail(f"the run ended (or was killed after 300 s) before printing {marker!r}")
    finally:
        watchdog.cancel()
    seen_files = [p.name for p in staging.glob("algorithms-*/*")]
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=120)
    return seen_files, rest


def test_sigint_at_several_points_of_a_real_run_keeps_the_previous_report(tmp_path):
    """A real ``python -m systems.algorithms`` run, interrupted at three points of its work."""
    first = _spawn(tmp_path, "metrics")
    first.communicate(timeout=300)
    assert first.returncode == 0
    before = snapshot(tmp_path / "algorithms")
    assert "ledger.json" in before
    staging = tmp_path / ".staging"
    # (a SIGINT during interpreter start-up, before any project code runs, is Python's own
    # business; the hook for the import phase is tested on its own below)
    points = {
        "== mlstories": "header printed",
        "-- attention": "first demo started",
        "-- metrics": "attention demo written",
    }
    for marker, label in points.items():
        proc = _spawn(tmp_path, "attention,metrics")
        files, err = _interrupt_when(proc, marker, staging)
        assert proc.returncode in (130, -signal.SIGINT), (label, proc.returncode)
        if label == "attention demo written":
            assert files, "the interrupt landed while the run had staged files"
        assert "Traceback" not in err and "interrupted (Ctrl-C)" in err, (label, err)
        assert snapshot(tmp_path / "algorithms") == before, f"report changed when interrupted ({label})"
        assert sorted(p.name for p in tmp_path.iterdir()) == [".staging", "algorithms"]
        assert sorted(os.listdir(staging)) == ["algorithms.lock"], label


def test_atomic_write_text_replaces_whole_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "CLAIMS.md"
    target.write_text("old")
    P.atomic_write_text(target, "new")
    assert target.read_text() == "new" and os.listdir(tmp_path) == ["CLAIMS.md"]


def test_ctrl_c_while_importing_prints_one_line(capsys):
    import systems

    calls = []
    hook = systems._one_line_interrupt(lambda *a: calls.append(a))
    hook(KeyboardInterrupt, KeyboardInterrupt(), None)
    err = capsys.readouterr().err.strip()
    assert err == "interrupted (Ctrl-C) before the run started; nothing was written"
    hook(ValueError, ValueError("x"), None)
    assert len(calls) == 1, "other exceptions keep the normal traceback"


# --- Publication on its own: the layout and the t0-t4 steps of the module docstring ---------


def test_publication_layout(tmp_path):
    pub = P.publication(tmp_path, "churn")
    staging = tmp_path / ".staging"
    assert (pub.dest, pub.staging, pub.lock_path) == (
        tmp_path / "churn",
        staging / f"churn-{os.getpid()}",
        staging / "churn.lock",
    )
    assert pub.old == staging / f"churn-{os.getpid()}.old"


def test_acquire_writes_our_pid_and_release_empties_the_lock(tmp_path):
    pub = P.publication(tmp_path, "churn")
    pub.acquire()
    assert pub.lock_path.read_text() == f"{os.getpid()}\n"
    assert pub.staging.is_dir() and not any(pub.staging.iterdir())
    pub.release()
    assert pub.lock_path.read_text() == "" and pub._fd is None
    pub.release()  # a second release is a no-op


def test_a_held_lock_refuses_with_the_holders_pid(tmp_path):
    holder = P.publication(tmp_path, "churn")
    holder.acquire()
    os.pwrite(holder._fd, b"4242\n", 0)  # as if another process held it
    second = P.publication(tmp_path, "churn")
    try:
        with pytest.raises(P.RunLocked) as err:
            second.acquire()
        assert str(err.value) == (
            f"another run (pid 4242) is writing {tmp_path / 'churn'}/; wait for it to finish "
            f"(lock {tmp_path / '.staging' / 'churn.lock'}), or use another --out"
        )
        assert err.value.__cause__ is None and err.value.__suppress_context__
        os.ftruncate(holder._fd, 0)  # a holder that has not written its pid yet
        with pytest.raises(P.RunLocked, match=r"^another run \(pid \?\) is writing"):
            second.acquire()
    finally:
        holder.release()


def test_a_lock_with_our_own_pid_or_no_pid_is_not_reported_as_stale(tmp_path, caplog):
    staging = tmp_path / ".staging"
    staging.mkdir()
    for text in (f"{os.getpid()}\n", "not a pid\n"):
        (staging / "churn.lock").write_text(text)
        pub = P.publication(tmp_path, "churn")
        pub.acquire()
        pub.release()
    assert "stale lock" not in caplog.text


def test_recover_restores_the_newest_old_report_and_removes_only_this_systems_leftovers(tmp_path, caplog):
    staging = tmp_path / ".staging"
    # pids wrap around, so the newer copy may carry the smaller pid: the newest is found by
    # mtime, not by name (churn-12.old sorts after churn-11.old as text and as a number)
    for name, mtime in (("churn-12.old", 1_000), ("churn-11.old", 2_000)):
        (staging / name).mkdir(parents=True)
        (staging / name / "a.md").write_text(name)
        os.utime(staging / name, (mtime, mtime))
    (staging / "churn-13").mkdir()
    (staging / "churnx-14").mkdir()  # another system whose name starts with ours
    (staging / "churn-x").mkdir()  # not "<system>-<pid>"
    pub = P.publication(tmp_path, "churn")
    pub.acquire()
    try:
        assert (tmp_path / "churn" / "a.md").read_text() == "churn-11.old", "the newer of the two"
        assert [r.getMessage() for r in caplog.records if r.name == P.log.name] == [
            f"restored the previous report {tmp_path / 'churn'} (a run was killed while publishing)"
        ]
        assert sorted(os.listdir(staging)) == sorted(
            ["churn.lock", "churn-x", "churnx-14", f"churn-{os.getpid()}"]
        )
    finally:
        pub.abandon()
        pub.release()


def test_recover_keeps_a_present_report_and_drops_the_old_copy(tmp_path, caplog):
    (tmp_path / "churn").mkdir()
    (tmp_path / "churn" / "a.md").write_text("current")
    (tmp_path / ".staging" / "churn-11.old").mkdir(parents=True)
    pub = P.publication(tmp_path, "churn")
    pub.acquire()
    pub.abandon()
    pub.release()
    assert (tmp_path / "churn" / "a.md").read_text() == "current"
    assert not (tmp_path / ".staging" / "churn-11.old").exists() and "restored" not in caplog.text


def test_publish_swaps_in_the_staging_folder(tmp_path):
    (tmp_path / "churn").mkdir()
    (tmp_path / "churn" / "stale.md").write_text("old run")
    pub = P.publication(tmp_path, "churn")
    pub.acquire()
    (pub.staging / "a.md").write_text("new run")
    pub.publish()
    pub.release()
    assert os.listdir(tmp_path / "churn") == ["a.md"]
    assert not pub.staging.exists() and not pub.old.exists()


def test_published_yields_staging_and_abandons_on_error(tmp_path):
    with P.published(tmp_path, "notes") as folder:
        assert folder == tmp_path / ".staging" / f"notes-{os.getpid()}"
        (folder / "n.md").write_text("x")
    assert (tmp_path / "notes" / "n.md").read_text() == "x"
    with pytest.raises(RuntimeError, match="boom"), P.published(tmp_path, "notes") as folder:
        (folder / "n.md").write_text("half")
        raise RuntimeError("boom")
    assert (tmp_path / "notes" / "n.md").read_text() == "x" and not folder.exists()
    assert (tmp_path / ".staging" / "notes.lock").read_text() == "", "released after the error too"


def test_acquire_creates_missing_parents_and_a_0644_lock(tmp_path):
    old_umask = os.umask(0o022)
    try:
        pub = P.publication(tmp_path / "new" / "reports", "churn")
        pub.acquire()
        pub.abandon()
        pub.release()
    finally:
        os.umask(old_umask)
    assert pub.lock_path.stat().st_mode & 0o777 == 0o644, "rw for the owner, read for others"


def test_stale_pid_in_an_unheld_lock_is_logged_by_number(tmp_path, caplog):
    (tmp_path / ".staging").mkdir()
    (tmp_path / ".staging" / "churn.lock").write_text("4242\n")  # written by a run that died
    pub = P.publication(tmp_path, "churn")
    pub.acquire()
    pub.release()
    assert [r.getMessage() for r in caplog.records if r.name == P.log.name] == [
        "broke the stale lock of pid 4242 (that run died without publishing)"
    ]


def test_a_lock_file_that_is_not_text_holds_no_pid(tmp_path, caplog):
    (tmp_path / ".staging").mkdir()
    (tmp_path / ".staging" / "churn.lock").write_bytes(b"\xff\xfe\x00garbage")  # a disk error, say
    pub = P.publication(tmp_path, "churn")
    pub.acquire()  # undecodable bytes read as "no pid": nothing to report, the lock is ours
    try:
        assert pub.lock_path.read_text() == f"{os.getpid()}\n"
        assert "stale lock" not in caplog.text
    finally:
        pub.abandon()
        pub.release()
