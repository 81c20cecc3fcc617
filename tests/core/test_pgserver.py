"""The throwaway PostgreSQL server (systems/core/pgserver.py), checked against its module docstring.

A real server (PostgreSQL from Debian's package, started once for the module) is asked through
psycopg2 what the docstring promises: the optuna database and user, 127.0.0.1 at the reported port,
scram-sha-256 password authentication, max_connections=50, the Unix socket inside the data dir, the
server as our direct child running as the server user, and nothing left once the context exits.

The helpers are checked without a server, against fakes: fake version folders for find_bin_dir,
a fake pg_lsclusters / apt-get / initdb / postgres, child processes that ignore signals for stop,
zombies for _alive, and a fake clock for _wait_ready.
"""

import ctypes
import dataclasses
import getpass
import glob
import grp
import json
import logging
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

import psycopg2
import pytest

import systems.core.pgserver as pgs
from systems.core.pgserver import (
    PgServer,
    PostgresUnavailable,
    _alive,
    _as_server_user,
    _initdb,
    _make_data_dir,
    _online_clusters,
    _server_user_can_write,
    _wait_ready,
    ensure_installed,
    find_bin_dir,
    free_port,
    stop,
    sweep_stale,
    throwaway_postgres,
)

ROOT = os.geteuid() == 0
# as root, initdb and postgres run as the Debian package's postgres user (module docstring)
SERVER_USER = "postgres" if ROOT else getpass.getuser()
# the server user must reach it: not under /tmp/pytest-of-root (0700), nor a clone inside /root
SHARED = Path(tempfile.gettempdir()) / "mlstories-pg-unit"
# checked without the module under test, so a broken find_bin_dir cannot turn failures into skips
INSTALLED = bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
needs_root = pytest.mark.skipif(not ROOT, reason="the server user differs from ours only under root")


def _reachable_dir() -> Path:
    """A fresh folder that the server user can enter (mode 755)."""
    SHARED.mkdir(exist_ok=True)
    SHARED.chmod(0o755)
    path = Path(tempfile.mkdtemp(dir=SHARED))
    path.chmod(0o755)
    return path


@pytest.fixture
def reachable():
    path = _reachable_dir()
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _server_owned(path: Path) -> Path:
    """A folder like the data dir _make_data_dir makes: mode 700, owned by the server user."""
    path.mkdir(mode=0o700)
    if ROOT:
        shutil.chown(path, "postgres", "postgres")
    return path


def _script(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)
    (folder / name).chmod(0o755)
    return folder


def _owner(path: Path) -> tuple[str, str]:
    st = path.stat()
    return pwd.getpwuid(st.st_uid).pw_name, grp.getgrgid(st.st_gid).gr_name


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()  # exited and reaped: the pid names no process
    return proc.pid


# ---------------------------------------------------------------- find_bin_dir


@pytest.mark.parametrize("newest_listed_first", [True, False])
def test_find_bin_dir_picks_the_newest_numeric_version_with_an_initdb(
    monkeypatch, tmp_path, newest_listed_first
):
    for version, has_initdb in [("9", True), ("13", True), ("16", False), ("dev", True)]:
        (tmp_path / version / "bin").mkdir(parents=True)
        if has_initdb:
            (tmp_path / version / "bin" / "initdb").touch()
    monkeypatch.setattr(pgs, "BIN_GLOB", str(tmp_path / "*" / "bin"))
    real_glob = glob.glob
    # the folder listing's order is arbitrary: the answer must not depend on it
    monkeypatch.setattr(
        pgs.glob, "glob", lambda pattern: sorted(real_glob(pattern), reverse=not newest_listed_first)
    )
    # 16 has no initdb (a half-removed package); "dev" is no version; 13 > 9 numerically, not as text
    assert find_bin_dir() == tmp_path / "13" / "bin"


def test_find_bin_dir_is_none_without_any_initdb(monkeypatch, tmp_path):
    (tmp_path / "15" / "bin").mkdir(parents=True)
    monkeypatch.setattr(pgs, "BIN_GLOB", str(tmp_path / "*" / "bin"))
    assert find_bin_dir() is None


# ---------------------------------------------------------------- _online_clusters

# pg_lsclusters -h: version, cluster, port, status, owner, data dir, log file; no header line
PG_LSCLUSTERS = """#!/bin/sh
[ "$*" = "-h" ] || { echo "Usage: pg_lsclusters [-h]" >&2; exit 1; }
cat <<'EOF'
13 main    5432 down   postgres /var/lib/postgresql/13/main /var/log/postgresql/postgresql-13-main.log
15 main    5433 online postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log
15 replica 5434 online postgres /var/lib/postgresql/15/replica /var/log/postgresql/postgresql-15-replica.log
EOF
"""


def test_online_clusters_are_the_version_and_name_of_running_clusters(monkeypatch, tmp_path):
    bin_dir = _script(tmp_path / "bin", "pg_lsclusters", PG_LSCLUSTERS)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    assert _online_clusters() == {("15", "main"), ("15", "replica")}


def test_online_clusters_is_empty_without_or_with_a_failing_pg_lsclusters(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_lsclusters: PostgreSQL's tools not installed
    assert _online_clusters() == set()
    _script(tmp_path, "pg_lsclusters", "#!/bin/sh\necho 'Error: no clusters' >&2\nexit 1\n")
    assert _online_clusters() == set()


# ---------------------------------------------------------------- ensure_installed

NOT_INSTALLED = (
    "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb). Install it with "
    "`sudo apt-get install postgresql`, or pass --storage postgresql://... of a server"
)


class FakeRun:
    """Stands in for subprocess.run: records each command, answers with the given exit codes."""

    def __init__(self, results=()):
        self.calls, self.results = [], list(results)

    def __call__(self, cmd, **kw):
        self.calls.append((cmd, kw))
        code, stderr = self.results.pop(0) if self.results else (0, "")
        return subprocess.CompletedProcess(cmd, code, "", stderr)


@pytest.fixture
def root_with_apt(monkeypatch):
    """Root on Debian without PostgreSQL (find_bin_dir finds nothing until told otherwise)."""
    monkeypatch.setattr(pgs, "find_bin_dir", lambda: None)
    monkeypatch.setattr(pgs.os, "geteuid", lambda: 0)
    monkeypatch.setattr(pgs.shutil, "which", lambda name: f"/usr/bin/{name}" if name == "apt-get" else None)
    monkeypatch.setattr(pgs, "_online_clusters", lambda: set())
    return monkeypatch


def test_installed_postgres_is_used_without_running_anything(monkeypatch, tmp_path):
    monkeypatch.setattr(pgs, "find_bin_dir", lambda: tmp_path)
    run = FakeRun()
    assert ensure_installed(run=run) == tmp_path and run.calls == []


def test_missing_postgres_is_installed_with_apt_or_named(root_with_apt, tmp_path, caplog):
    found = iter([None, tmp_path])
    root_with_apt.setattr(pgs, "find_bin_dir", lambda: next(found))
    # a 14 cluster ran before; the package's post-install script starts a 15 one
    clusters = iter([{("14", "main")}, {("14", "main"), ("15", "main")}])
    root_with_apt.setattr(pgs, "_online_clusters", lambda: next(clusters))
    run = FakeRun()
    with caplog.at_level(logging.INFO, logger=pgs.__name__):
        assert ensure_installed(run=run) == tmp_path  # install=True is the default
    assert caplog.messages == ["installing the Debian package postgresql (apt-get, quiet)"]
    apt = ["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "postgresql"]
    assert [cmd for cmd, _ in run.calls] == [*apt, ["pg_ctlcluster", "15", "main", "stop"]]
    for _, kw in run.calls[:2]:  # non-interactive, output kept for the failure message
        assert kw["env"] == os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
        assert kw["stdin"] == subprocess.DEVNULL and kw["capture_output"] is True and kw["text"] is True
    assert run.calls[2][1] == {"capture_output": True, "text": True}  # quiet on the terminal
    root_with_apt.setattr(pgs, "find_bin_dir", lambda: None)
    with pytest.raises(PostgresUnavailable) as err:
        ensure_installed(install=False)
    assert str(err.value) == NOT_INSTALLED


@pytest.mark.parametrize(
    "install, euid, apt_get",
    [(False, 0, True), (True, 1000, True), (True, 0, False)],
    ids=["not-allowed", "not-root", "not-debian"],
)
def test_postgres_is_installed_only_when_allowed_as_root_on_debian(root_with_apt, install, euid, apt_get):
    root_with_apt.setattr(pgs.os, "geteuid", lambda: euid)
    if not apt_get:
        root_with_apt.setattr(pgs.shutil, "which", lambda name: None)
    run = FakeRun()
    with pytest.raises(PostgresUnavailable) as err:
        ensure_installed(install=install, run=run)
    assert str(err.value) == NOT_INSTALLED and run.calls == []


@pytest.mark.parametrize(
    "results, message",
    [
        (
            [(100, "W: mirror slow\nE: first problem\nE: Unable to locate package postgresql\n")],
            "`apt-get update -qq` failed (exit 100): E: Unable to locate package postgresql",
        ),
        ([(0, ""), (1, "")], "`apt-get install -y -qq postgresql` failed (exit 1): no output"),
    ],
    ids=["update-fails", "install-fails-silently"],
)
def test_a_failed_apt_get_names_the_command_exit_code_and_last_error_line(root_with_apt, results, message):
    run = FakeRun(results)
    with pytest.raises(PostgresUnavailable) as err:
        ensure_installed(run=run)
    assert str(err.value) == message
    assert len(run.calls) == len(results)  # stops at the failing command


def test_an_install_without_initdb_afterwards_is_reported(root_with_apt):
    with pytest.raises(PostgresUnavailable) as err:
        ensure_installed(run=FakeRun())
    assert str(err.value) == f"apt-get installed postgresql but no initdb was found under {pgs.BIN_GLOB}"


# ---------------------------------------------------------------- free_port, _as_server_user


def test_free_port_is_an_ephemeral_loopback_port_that_nobody_holds():
    low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    port = free_port()
    assert low <= port <= high  # chosen by the OS (bind to port 0), not a fixed or privileged one
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", port))  # and still free


@pytest.mark.parametrize(
    "euid, expected", [(0, {"user": "postgres", "group": "postgres"}), (1000, {})], ids=["root", "user"]
)
def test_children_switch_to_the_postgres_user_only_under_root(monkeypatch, euid, expected):
    monkeypatch.setattr(pgs.os, "geteuid", lambda: euid)
    assert _as_server_user() == expected


def test_die_with_parent_asks_for_sigquit_when_the_parent_dies():
    libc = ctypes.CDLL("libc.so.6")
    sig = ctypes.c_int()
    try:
        pgs._die_with_parent()
        libc.prctl(2, ctypes.byref(sig))  # PR_GET_PDEATHSIG
    finally:
        libc.prctl(1, 0)  # PR_SET_PDEATHSIG 0: this test process must not keep it
    assert sig.value == signal.SIGQUIT  # postgres' immediate shutdown


# ---------------------------------------------------------------- _server_user_can_write


def test_without_root_writability_is_our_own(monkeypatch, tmp_path):
    monkeypatch.setattr(pgs.os, "geteuid", lambda: 1000)
    assert _server_user_can_write(tmp_path)
    assert not _server_user_can_write(tmp_path / "missing")


@needs_root
def test_as_root_writability_is_the_postgres_users(reachable, tmp_path):
    assert _server_user_can_write(_server_owned(reachable / "data"))
    assert not _server_user_can_write(tmp_path)  # under /tmp/pytest-of-root, mode 700


@needs_root
def test_a_missing_server_user_cannot_write_and_says_nothing(monkeypatch, reachable, capfd):
    monkeypatch.setattr(pgs, "SERVER_USER", "no-such-user-here")
    assert not _server_user_can_write(reachable)
    assert capfd.readouterr() == ("", "")  # runuser's complaint is captured, not printed


# ---------------------------------------------------------------- _make_data_dir


def test_data_dirs_are_fresh_server_owned_folders_under_the_cache(reachable, caplog):
    cache = reachable / "cache"
    cache.mkdir()  # throwaway_postgres makes it first
    with caplog.at_level(logging.INFO, logger=pgs.__name__):
        first, second = _make_data_dir(cache), _make_data_dir(cache)
    assert first.parent == second.parent == cache and first != second
    assert list(first.iterdir()) == [] and caplog.records == []
    if ROOT:
        assert _owner(first) == ("postgres", "postgres")
    sweep_stale(cache)  # no server ever ran in them: the next run's sweep finds and removes both
    assert list(cache.iterdir()) == []


def test_an_unreachable_cache_falls_back_to_the_temp_dir(monkeypatch, reachable, caplog):
    monkeypatch.setattr(pgs.tempfile, "tempdir", str(reachable))
    cache = reachable / "home" / "cache"  # think /root/clone/.cache/pg, mode 700 for postgres
    monkeypatch.setattr(pgs, "_server_user_can_write", lambda path: not path.is_relative_to(cache))
    with caplog.at_level(logging.INFO, logger=pgs.__name__):
        data = _make_data_dir(cache)
    assert data.is_relative_to(reachable) and not data.is_relative_to(cache) and data.is_dir()
    assert list(cache.iterdir()) == []  # the folder tried there first is removed
    assert caplog.messages == [f"the postgres user cannot reach {cache}; using {data}"]


def test_no_writable_place_asks_for_another_cache_dir(monkeypatch, reachable):
    monkeypatch.setattr(pgs.tempfile, "tempdir", str(reachable))
    monkeypatch.setattr(pgs, "_server_user_can_write", lambda path: False)
    cache = reachable / "cache"
    with pytest.raises(PostgresUnavailable) as err:
        _make_data_dir(cache)
    assert str(err.value) == (
        f"the postgres user can write neither {cache} nor the temp dir; choose another --cache-dir"
    )
    assert list(reachable.rglob("run-*")) == []  # neither attempt left a folder behind


# ---------------------------------------------------------------- sweep_stale


def _run_dir(cache: Path, name: str, pidfile: str | None) -> Path:
    """A data dir of an earlier run; postgres ran with -D <d>/pgdata, so its postmaster.pid
    (first line: the server's pid) is <d>/pgdata/postmaster.pid."""
    d = cache / name
    (d / "pgdata").mkdir(parents=True)
    if pidfile is not None:
        (d / "pgdata" / "postmaster.pid").write_text(pidfile)
    return d


def test_sweep_removes_data_dirs_whose_server_is_gone(tmp_path):
    _run_dir(tmp_path, "run-dead", f"{_dead_pid()}\n/data\n1700000000\n5432\n")
    _run_dir(tmp_path, "run-live", f"{os.getpid()}\n/data\n1700000000\n5433\n")
    _run_dir(tmp_path, "run-garbage", "not a pid\n")
    _run_dir(tmp_path, "run-never-started", None)
    (_run_dir(tmp_path, "run-unreadable", None) / "pgdata" / "postmaster.pid").mkdir()  # not a file
    _run_dir(tmp_path, "run-empty-pidfile", "")  # a server killed while writing it
    (tmp_path / "other").mkdir()  # not a data dir of ours
    sweep_stale(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other", "run-live"]


def test_sweep_goes_on_past_a_live_server(tmp_path):
    class LiveListedFirst(type(tmp_path)):
        def glob(self, pattern):  # the folder listing's order is arbitrary: fix it, live one first
            return sorted(super().glob(pattern))

    _run_dir(tmp_path, "run-a-live", f"{os.getpid()}\n")
    _run_dir(tmp_path, "run-b-stale", None)
    _run_dir(tmp_path, "run-c-stale", None)
    sweep_stale(LiveListedFirst(tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["run-a-live"]


def test_sweep_skips_a_data_dir_it_cannot_delete(monkeypatch, tmp_path):
    (_run_dir(tmp_path, "run-foreign", None) / "owned-by-someone-else").touch()
    _run_dir(tmp_path, "run-stale", None)
    real_unlink = os.unlink

    def unlink(path, *args, **kwargs):
        if str(path).endswith("owned-by-someone-else"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_unlink(path, *args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(os, "unlink", unlink)
        sweep_stale(tmp_path)  # no error
    assert [p.name for p in tmp_path.iterdir()] == ["run-foreign"]


def test_sweep_keeps_the_data_dir_of_a_server_still_running(tmp_path):
    live = tmp_path / "run-live"
    (live / "pgdata").mkdir(parents=True)
    (live / "pgdata" / "postmaster.pid").write_text(f"{os.getpid()}\n{live / 'pgdata'}\n")
    sweep_stale(tmp_path)
    assert live.exists()


# ---------------------------------------------------------------- _alive


def test_alive_is_true_for_a_running_process_and_sends_it_no_signal():
    received = []
    old = signal.signal(signal.SIGHUP, lambda sig, frame: received.append(sig))
    try:
        assert _alive(os.getpid())
    finally:
        signal.signal(signal.SIGHUP, old)
    assert received == []  # kill(pid, 0) only checks that the process exists


def test_alive_is_false_for_a_reaped_process():
    assert not _alive(_dead_pid())


def _zombie(program: list[str]) -> subprocess.Popen:
    proc = subprocess.Popen(program)
    os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)  # exited, left unreaped: a zombie
    return proc


def test_alive_is_false_for_a_zombie():
    proc = _zombie(["true"])
    try:
        assert not _alive(proc.pid)
    finally:
        proc.wait()


def test_alive_reads_the_state_after_the_last_parenthesis(tmp_path):
    # /proc/PID/stat is "pid (comm) state ...", and comm is the program's name: it may hold ") R"
    program = tmp_path / "x) R (y"
    shutil.copy("/bin/true", program)
    proc = _zombie([str(program)])
    try:
        assert not _alive(proc.pid)
    finally:
        proc.wait()


def test_alive_trusts_kill_where_proc_cannot_be_read(monkeypatch, tmp_path):
    monkeypatch.setattr(pgs, "Path", lambda path: tmp_path / str(path).lstrip("/"))  # no /proc here
    assert _alive(os.getpid())

    def kill(pid, sig):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(pgs.os, "kill", kill)
    assert _alive(1)  # another user's process: kill says EPERM, yet it runs


# ---------------------------------------------------------------- stop


def _default_signals() -> None:
    # a shell's background job (CI, `make test &`) starts with SIGINT and SIGQUIT ignored, and a
    # signal ignored on entry to sh cannot be trapped again: start the child from the defaults
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def _ignoring(*names: str) -> subprocess.Popen:
    """A child that ignores the given signals (kept across exec), ready once it printed."""
    trap = f'trap "" {" ".join(names)}; ' if names else ""
    script = f"ulimit -c 0; {trap}echo ready; exec sleep 10"  # SIGQUIT would leave a core file
    proc = subprocess.Popen(
        ["sh", "-c", script], stdout=subprocess.PIPE, text=True, preexec_fn=_default_signals
    )
    assert proc.stdout.readline() == "ready\n"
    return proc


@pytest.mark.parametrize(
    "ignored, ended_by",
    [((), signal.SIGINT), (("INT",), signal.SIGQUIT), (("INT", "QUIT"), signal.SIGKILL)],
    ids=["fast", "quit", "kill"],
)
def test_stop_escalates_from_sigint_to_sigquit_to_sigkill(caplog, ignored, ended_by):
    proc = _ignoring(*ignored)
    with caplog.at_level(logging.WARNING, logger=pgs.__name__):
        stop(proc, timeout=0.5)
    proc.stdout.close()
    assert proc.returncode == -ended_by
    assert caplog.messages == [f"postgres (pid {proc.pid}) ignored SIG{name}" for name in ignored]


def test_stop_returns_at_once_for_an_exited_server(caplog):
    proc = subprocess.Popen(["true"])
    proc.wait()
    stop(proc, timeout=0.5)
    assert proc.returncode == 0 and caplog.records == []


# ---------------------------------------------------------------- _initdb

INITDB_OK = """#!/bin/sh
for arg; do case $arg in --pwfile=*) pwfile=${arg#--pwfile=};; esac; done
{ id -un; pwd; head -n 1 "$pwfile"; stat -c %U:%G "$pwfile"; printf '%s\n' "$@"; } > "$(dirname "$pwfile")/seen"
echo "The files belonging to this database system will be owned by user"
echo "initdb: warning: enabling trust authentication" >&2
"""
INITDB_FAILS = """#!/bin/sh
echo "initdb: warning: one" >&2
echo "initdb: hint: two" >&2
echo "initdb: error: directory exists but is not empty" >&2
exit 1
"""


def test_initdb_runs_as_the_server_user_in_the_data_dir_with_the_password_in_a_file(reachable, capfd):
    bin_dir = _script(reachable / "bin", "initdb", INITDB_OK)
    data = _server_owned(reachable / "run-x")
    old = os.umask(0o077)  # a hardened root: files we create are mode 600
    try:
        _initdb(bin_dir, data, "optuna", "s3cret-pw")
    finally:
        os.umask(old)
    user, cwd, password, owner, *args = (data / "seen").read_text().splitlines()
    assert (user, cwd, password) == (SERVER_USER, str(data), "s3cret-pw")
    option = {flag: args[args.index(flag) + 1] for flag in ("-D", "-U")}
    assert option == {"-D": str(data / "pgdata"), "-U": "optuna"}  # the cluster where _start looks
    assert "--auth=scram-sha-256" in args  # the docstring's password authentication
    assert "--encoding=utf8" in [a.lower() for a in args]
    if ROOT:
        assert owner == "postgres:postgres"  # so initdb, as postgres, can read it
    assert [p.name for p in data.iterdir()] == ["seen"]  # the password file is gone
    assert capfd.readouterr() == ("", "")  # initdb's chatter is captured, not shown


@pytest.mark.parametrize(
    "script, message",
    [
        (INITDB_FAILS, "initdb failed (exit 1): initdb: error: directory exists but is not empty"),
        ("#!/bin/sh\nexit 2\n", "initdb failed (exit 2): no output"),  # says nothing: still one line
    ],
    ids=["last-line", "silent"],
)
def test_a_failed_initdb_reports_its_exit_code_and_last_line(reachable, script, message):
    bin_dir = _script(reachable / "bin", "initdb", script)
    data = _server_owned(reachable / "run-x")
    with pytest.raises(PostgresUnavailable) as err:
        _initdb(bin_dir, data, "optuna", "s3cret-pw")
    assert str(err.value) == message
    assert list(data.iterdir()) == []  # the password file is gone


def test_initdb_reads_dev_null_not_our_stdin(reachable):
    # initdb prompts for a password when it has no --pwfile; whatever it asks must never wait
    # on the user's terminal (or eat a pipe feeding this process): its stdin is /dev/null
    bin_dir = _script(reachable / "bin", "initdb", "#!/bin/sh\nreadlink /proc/self/fd/0 > stdin-was\n")
    data = _server_owned(reachable / "run-x")
    ours, writer = os.pipe()  # pytest itself gives us /dev/null: make our stdin something else
    os.close(writer)
    saved = os.dup(0)
    os.dup2(ours, 0)
    try:
        _initdb(bin_dir, data, "optuna", "s3cret-pw")
    finally:
        os.dup2(saved, 0)
        os.close(saved)
        os.close(ours)
    assert (data / "stdin-was").read_text() == "/dev/null\n"


# ---------------------------------------------------------------- _wait_ready


class FakeClock:
    """Stands in for the time module: sleeping advances the clock at once."""

    def __init__(self):
        self.now, self.sleeps = 0.0, []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def _nowhere(data: Path) -> PgServer:
    return PgServer("127.0.0.1", free_port(), "optuna", "pw", "optuna", data, pid=0)


def test_wait_ready_reports_an_exited_server_with_its_code_and_log_tail(monkeypatch, tmp_path):
    monkeypatch.setattr(pgs, "time", FakeClock())
    log = tmp_path / "postgres.log"
    log.write_bytes(b"one\ntwo\nthree\nFATAL: caf\xe9\nfive\n")  # not UTF-8: a latin-1 locale's text
    proc = subprocess.Popen(["sh", "-c", "exit 3"])
    proc.wait()
    with pytest.raises(PostgresUnavailable) as err:
        _wait_ready(proc, _nowhere(tmp_path), log, timeout=2.0)
    assert str(err.value) == "postgres exited with code 3: three | FATAL: caf\ufffd | five"


def test_wait_ready_polls_until_the_timeout_then_names_the_log(monkeypatch, tmp_path):
    clock = FakeClock()
    monkeypatch.setattr(pgs, "time", clock)
    attempts, real_connect = [], psycopg2.connect

    def connect(**kw):
        attempts.append(kw)
        return real_connect(**kw)  # nothing listens there: refused at once

    monkeypatch.setattr(psycopg2, "connect", connect)
    running, nowhere = types.SimpleNamespace(poll=lambda: None), _nowhere(tmp_path)
    log = tmp_path / "postgres.log"
    with pytest.raises(PostgresUnavailable) as err:
        _wait_ready(running, nowhere, log, timeout=2.0)
    assert str(err.value) == f"postgres did not accept connections within 2 s; log: {log}"
    assert clock.now >= 2.0 and len(attempts) > 2  # kept trying for the whole timeout
    assert max(clock.sleeps) <= 0.5  # a server coming up is noticed within half a second
    assert all(kw["connect_timeout"] > 0 for kw in attempts)  # a hung server cannot stall it
    server = dict(host=nowhere.host, port=nowhere.port, user=nowhere.user, password=nowhere.password)
    # "postgres" always exists; the server's own database is only created once it answers
    assert {k: v for k, v in attempts[0].items() if k != "connect_timeout"} == server | {"dbname": "postgres"}


# ---------------------------------------------------------------- _create_db


class FakeConnection:
    """Records what psycopg2 would send; autocommit as it was when each statement ran."""

    def __init__(self, **kw):
        self.kw, self.autocommit, self.executed, self.closed = kw, False, [], False

    def cursor(self):
        conn = self

        class Cursor:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def execute(self, sql):
                conn.executed.append((sql, conn.autocommit))

        return Cursor()

    def close(self):
        self.closed = True


def test_create_db_creates_the_database_outside_a_transaction(monkeypatch, tmp_path):
    conns = []
    monkeypatch.setattr(psycopg2, "connect", lambda **kw: conns.append(FakeConnection(**kw)) or conns[-1])
    server = PgServer("127.0.0.1", 54321, "optuna", "pw", "optuna", tmp_path, pid=1)
    pgs._create_db(server)
    ((conn,),) = [conns]
    # through the maintenance database, as the server's user
    assert conn.kw == dict(host="127.0.0.1", port=54321, user="optuna", password="pw", dbname="postgres")
    # CREATE DATABASE cannot run inside a transaction block: autocommit must be on when it runs
    assert conn.executed == [("CREATE DATABASE optuna", True)] and conn.closed


# ---------------------------------------------------------------- _start (fake postgres)

# reports how it was started, then runs until signalled, like postgres
FAKE_POSTGRES = """#!{python}
import ctypes, json, os, pwd, signal, sys, time
signal.signal(signal.SIGINT, signal.SIG_DFL)  # like postgres, it sets its own handlers
sig = ctypes.c_int()
ctypes.CDLL("libc.so.6").prctl(2, ctypes.byref(sig))  # PR_GET_PDEATHSIG
user = pwd.getpwuid(os.geteuid()).pw_name
info = dict(user=user, cwd=os.getcwd(), pid=os.getpid(), sid=os.getsid(0), pdeathsig=sig.value, argv=sys.argv[1:])
print(json.dumps(info), flush=True)
print("LOG:  on stderr", file=sys.stderr, flush=True)
time.sleep(30)
"""


@pytest.fixture
def fake_postgres(reachable):
    python = shutil.which("python3", path="/usr/bin:/bin") if ROOT else sys.executable
    if python is None:
        pytest.skip("no python3 that the postgres user can run")
    bin_dir = _script(reachable / "bin", "postgres", FAKE_POSTGRES.format(python=python))
    data = _server_owned(reachable / "run-x")
    return bin_dir, data, PgServer("127.0.0.1", free_port(), "optuna", "pw", "optuna", data, pid=0)


def _log_lines(logfile: Path, n: int, proc) -> list[str]:
    deadline = time.monotonic() + 20
    while len(lines := logfile.read_text().splitlines()) < n:
        assert proc.poll() is None and time.monotonic() < deadline, logfile.read_text()
        time.sleep(0.02)
    return lines


def test_start_runs_postgres_as_our_session_leading_child_logging_to_the_data_dir(monkeypatch, fake_postgres):
    bin_dir, data, server = fake_postgres
    waited = []

    def wait_ready(proc, srv, logfile, timeout):
        waited.append((proc, srv, logfile, timeout))
        _log_lines(logfile, 2, proc)

    monkeypatch.setattr(pgs, "_wait_ready", wait_ready)
    proc = pgs._start(bin_dir, data, server, timeout=7.0)
    try:
        ((w_proc, w_server, logfile, w_timeout),) = waited
        assert (w_proc, w_server, w_timeout) == (proc, server, 7.0) and logfile.parent == data
        info_line, stderr_line = _log_lines(logfile, 2, proc)
        info = json.loads(info_line)
        assert stderr_line == "LOG:  on stderr"  # stdout and stderr both land in the log
        assert info["user"] == SERVER_USER and info["cwd"] == str(data)
        args = info["argv"]
        option = {flag: args[args.index(flag) + 1] for flag in ("-D", "-h", "-p", "-k", "-c")}
        assert option["-D"] == str(data / "pgdata")  # the cluster _initdb made
        assert (option["-h"], option["-p"]) == ("127.0.0.1", str(server.port))  # loopback, our port
        assert option["-k"] == str(data)  # its Unix socket stays inside the data dir
        assert option["-c"].lower() == "max_connections=50"  # setting names are case-insensitive
        assert info["pid"] == proc.pid == info["sid"]  # its own session: a terminal's Ctrl-C reaches us only
        assert info["pdeathsig"] == signal.SIGQUIT  # dies with us even if we are SIGKILLed
        if ROOT:
            assert _owner(logfile) == ("postgres", "postgres")
    finally:
        stop(proc, timeout=5)


def test_start_stops_a_server_that_never_became_ready(monkeypatch, fake_postgres):
    bin_dir, data, server = fake_postgres
    pids = []

    def wait_ready(proc, srv, logfile, timeout):
        pids.append(json.loads(_log_lines(logfile, 1, proc)[0])["pid"])
        raise PostgresUnavailable("postgres did not accept connections")

    monkeypatch.setattr(pgs, "_wait_ready", wait_ready)
    with pytest.raises(PostgresUnavailable, match="did not accept"):
        pgs._start(bin_dir, data, server, timeout=7.0)
    assert not Path(f"/proc/{pids[0]}").exists()  # stopped and reaped


# ---------------------------------------------------------------- throwaway_postgres, port retry


@pytest.fixture
def fake_steps(monkeypatch, tmp_path):
    """throwaway_postgres with every step faked except its own loop; returns the _start attempts."""
    attempts, started = [], []
    monkeypatch.setattr(pgs, "ensure_installed", lambda install: tmp_path / "15" / "bin")
    monkeypatch.setattr(pgs, "_make_data_dir", lambda cache: _server_owned(cache / "run-x"))
    monkeypatch.setattr(pgs, "_initdb", lambda *args: None)
    monkeypatch.setattr(pgs, "_create_db", lambda server: None)
    ports = iter([50001, 50002, 50003])
    monkeypatch.setattr(pgs, "free_port", lambda: next(ports))

    def start(failures):
        def fake_start(bin_dir, data, server, timeout):
            attempts.append(server.port)
            if len(attempts) <= failures:
                raise PostgresUnavailable(f"could not bind 127.0.0.1:{server.port}")
            started.append(subprocess.Popen(["sleep", "30"], preexec_fn=_default_signals))
            return started[-1]

        monkeypatch.setattr(pgs, "_start", fake_start)
        return attempts, started

    return start


def test_a_port_taken_before_postgres_binds_it_is_retried_on_a_new_port(fake_steps, tmp_path):
    attempts, started = fake_steps(failures=2)
    with throwaway_postgres(tmp_path / "cache") as server:
        assert attempts == [50001, 50002, 50003] and server.port == 50003
        assert [server.pid] == [p.pid for p in started]
    assert started[0].returncode == -signal.SIGINT and not server.data_dir.exists()  # stopped, removed


def test_three_failed_starts_give_up_and_clean_up(fake_steps, tmp_path):
    attempts, started = fake_steps(failures=3)
    with pytest.raises(PostgresUnavailable, match="50003"):
        with throwaway_postgres(tmp_path / "cache"):
            pass
    assert attempts == [50001, 50002, 50003] and started == []
    assert list((tmp_path / "cache").iterdir()) == []


# ---------------------------------------------------------------- a real server


@pytest.fixture(scope="module")
def pg():
    if not INSTALLED:
        why = "PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {why}")
        pytest.skip(why)
    # a cache of its own: parallel test processes must not sweep each other's data dirs
    cache = _reachable_dir()
    try:
        with throwaway_postgres(cache, install=False, timeout=30) as server:
            yield server
        # the context has exited: the server is stopped and reaped, its data removed
        assert not Path(f"/proc/{server.pid}").exists() and not server.data_dir.exists()
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def _query(pg: PgServer, sql: str, **override):
    conn = psycopg2.connect(
        **{
            "host": pg.host,
            "port": pg.port,
            "user": pg.user,
            "password": pg.password,
            "dbname": pg.dbname,
            **override,
        }
    )
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


def test_server_serves_the_optuna_database_to_the_optuna_user_on_loopback(pg):
    assert (pg.host, pg.user, pg.dbname) == ("127.0.0.1", "optuna", "optuna")
    ((db, user, addr, port),) = _query(
        pg, "SELECT current_database(), current_user, host(inet_server_addr()), inet_server_port()"
    )
    assert (db, user, addr, port) == ("optuna", "optuna", "127.0.0.1", pg.port)
    assert _query(pg, "SHOW listen_addresses") == [("127.0.0.1",)]  # loopback only


def test_url_carries_every_connection_detail(pg):
    assert pg.url == f"postgresql://optuna:{pg.password}@127.0.0.1:{pg.port}/optuna"
    conn = psycopg2.connect(pg.url)
    conn.close()


def test_only_the_random_password_gets_in_with_scram(pg):
    assert len(pg.password) >= 16  # secrets.token_urlsafe: not guessable by other local users
    assert _query(pg, "SHOW password_encryption") == [("scram-sha-256",)]
    rules = _query(pg, "SELECT DISTINCT auth_method FROM pg_hba_file_rules")
    assert rules == [("scram-sha-256",)]  # for local and TCP connections alike
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        _query(pg, "SELECT 1", password=pg.password + "x")


def test_server_allows_50_connections(pg):
    assert _query(pg, "SHOW max_connections") == [("50",)]


def test_unix_socket_and_cluster_live_inside_the_data_dir(pg):
    assert _query(pg, "SHOW unix_socket_directories") == [(str(pg.data_dir),)]
    assert (pg.data_dir / f".s.PGSQL.{pg.port}").is_socket()
    assert _query(pg, "SHOW data_directory") == [(str(pg.data_dir / "pgdata"),)]


def test_server_is_our_direct_child_running_as_the_server_user(pg):
    stat = Path(f"/proc/{pg.pid}/stat").read_text().rsplit(")", 1)[1].split()
    assert int(stat[1]) == os.getpid()  # ppid: we signal it ourselves, no runuser in between
    assert pwd.getpwuid(Path(f"/proc/{pg.pid}").stat().st_uid).pw_name == SERVER_USER
    pidfile = pg.data_dir / "pgdata" / "postmaster.pid"
    assert int(pidfile.read_text().split()[0]) == pg.pid  # the postmaster itself
    assert pg.data_dir.parent.parent == SHARED and _owner(pg.data_dir)[0] == SERVER_USER


def test_wait_ready_needs_only_the_maintenance_database(pg):
    running = types.SimpleNamespace(poll=lambda: None)
    # the optuna database is created after the server answers, so readiness must not need it
    not_yet = dataclasses.replace(pg, dbname="not_created_yet")
    _wait_ready(running, not_yet, pg.data_dir / "postgres.log", timeout=5)


def test_a_failing_body_still_stops_the_server_and_removes_its_data(pg):
    cache = _reachable_dir()  # a cache of its own, so this test's sweep cannot touch pg's
    try:
        with pytest.raises(RuntimeError, match="the tuning run failed"):
            with throwaway_postgres(cache, install=False, timeout=30) as other:
                assert other.port != pg.port and other.password != pg.password  # random, per server
                raise RuntimeError("the tuning run failed")
        assert not Path(f"/proc/{other.pid}").exists() and not other.data_dir.exists()
    finally:
        shutil.rmtree(cache, ignore_errors=True)
