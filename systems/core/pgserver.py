"""A throwaway PostgreSQL server for one tuning run, started and stopped by this process.

    with throwaway_postgres(Path(".cache/pg")) as pg:
        pg.url        # postgresql://optuna:<random password>@127.0.0.1:<free port>/optuna

Lifecycle (each step undone in reverse, also when the body raises or the run is interrupted):

    1. binaries     /usr/lib/postgresql/<ver>/bin (Debian's ``postgresql`` package); if missing
                    and we are root on Debian, ``apt-get install -y postgresql``; a server the
                    package's post-install script starts for its default cluster is stopped.
    2. data dir     a fresh folder under the cache dir (git-ignored), owned by the server user.
    3. initdb       password authentication (scram-sha-256) with a random password, so other
                    local users cannot connect to a server they did not start.
    4. postgres     listens on 127.0.0.1 only, on a port the OS reports free; no Unix socket
                    outside the data dir.
    5. stop         SIGINT (fast shutdown), then SIGQUIT, then SIGKILL; the data dir is removed.

Root: ``initdb`` and ``postgres`` refuse to run as root, so as root both run as the
``postgres`` user the package creates. We switch user in the child (``Popen(user=...)``, what
``runuser -u postgres --`` does) rather than through a ``runuser`` wrapper, so the server is our
direct child: we signal it ourselves, and ``PR_SET_PDEATHSIG`` makes it quit even if this
process is killed with SIGKILL and no ``finally`` runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SERVER_USER = "postgres"  # created by the Debian package
DB = "optuna"
BIN_GLOB = "/usr/lib/postgresql/*/bin"


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot be installed or started here; the message says what to do."""


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    user: str
    password: str
    dbname: str
    data_dir: Path
    pid: int

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{self.dbname}"


def find_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    dirs = [Path(d) for d in glob.glob(BIN_GLOB) if (Path(d) / "initdb").exists()]
    if not dirs:
        return None
    return max(dirs, key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0)


def _online_clusters() -> set[tuple[str, str]]:
    if shutil.which("pg_lsclusters") is None:
        return set()
    out = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=False)
    rows = [line.split() for line in out.stdout.splitlines()]
    return {(r[0], r[1]) for r in rows if len(r) >= 4 and r[3] == "online"}


def ensure_installed(
    install: bool = True, run: Callable[..., subprocess.CompletedProcess] = subprocess.run
) -> Path:
    """Return the bin folder, installing the Debian package first if allowed and needed."""
    found = find_bin_dir()
    if found is not None:
        return found
    if not install or os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise PostgresUnavailable(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb). Install it with "
            "`sudo apt-get install postgresql`, or pass --storage postgresql://... of a server"
        )
    log.info("installing the Debian package postgresql (apt-get, quiet)")
    before = _online_clusters()
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "postgresql"]):
        done = run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if done.returncode != 0:
            raise PostgresUnavailable(
                f"`{' '.join(cmd)}` failed (exit {done.returncode}): {_last_line(done.stderr)}"
            )
    # the package starts a default cluster on port 5432; we did not ask for that server
    for version, name in _online_clusters() - before:
        run(["pg_ctlcluster", version, name, "stop"], capture_output=True, text=True)
    found = find_bin_dir()
    if found is None:
        raise PostgresUnavailable(f"apt-get installed postgresql but no initdb was found under {BIN_GLOB}")
    return found


def _cluster_dir(data: Path) -> Path:
    """Where initdb puts the cluster and postgres runs (-D) inside a run's data dir; the one
    place that says so, since the sweep must find the postmaster.pid the server writes there."""
    return data / "pgdata"


def _last_line(stderr: str | None) -> str:
    """The last line a failed command printed, for a one-line error."""
    return ((stderr or "").strip().splitlines() or ["no output"])[-1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user() -> dict:
    """Popen arguments that run the child as the server user when we are root."""
    return {"user": SERVER_USER, "group": SERVER_USER} if os.geteuid() == 0 else {}


def _die_with_parent() -> None:
    # runs in the child after the user switch: PR_SET_PDEATHSIG = 1, SIGQUIT = immediate shutdown
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGQUIT)


def _server_user_can_write(path: Path) -> bool:
    if os.geteuid() != 0:
        return os.access(path, os.W_OK)
    probe = subprocess.run(
        ["runuser", "-u", SERVER_USER, "--", "test", "-w", str(path)], capture_output=True, check=False
    )
    return probe.returncode == 0


def _make_data_dir(cache: Path) -> Path:
    """A fresh data dir under ``cache``; under the system temp dir if the server user cannot
    reach ``cache`` (a clone inside /root, mode 700)."""
    for parent in (cache, Path(tempfile.gettempdir()) / "mlstories-pg"):
        parent.mkdir(parents=True, exist_ok=True)
        data = Path(tempfile.mkdtemp(prefix="run-", dir=parent))
        if os.geteuid() == 0:
            shutil.chown(data, SERVER_USER, SERVER_USER)
        if _server_user_can_write(data):
            if parent != cache:
                log.info("the %s user cannot reach %s; using %s", SERVER_USER, cache, data)
            return data
        shutil.rmtree(data, ignore_errors=True)
    raise PostgresUnavailable(
        f"the {SERVER_USER} user can write neither {cache} nor the temp dir; choose another --cache-dir"
    )


def sweep_stale(cache: Path) -> None:
    """Remove data dirs of earlier runs whose server is no longer running."""
    for d in cache.glob("run-*"):
        pidfile = _cluster_dir(d) / "postmaster.pid"
        with contextlib.suppress(OSError, ValueError, IndexError):  # IndexError: an empty pidfile
            if pidfile.exists() and _alive(int(pidfile.read_text().split()[0])):
                continue
        shutil.rmtree(d, ignore_errors=True)


def _alive(pid: int) -> bool:
    """True if ``pid`` runs; a zombie (exited, not yet reaped by its parent) counts as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def _initdb(bin_dir: Path, data: Path, user: str, password: str) -> None:
    pwfile = data / ".pw"
    pwfile.write_text(password + "\n")
    if os.geteuid() == 0:
        shutil.chown(pwfile, SERVER_USER, SERVER_USER)
    pgdata = _cluster_dir(data)
    cmd = [
        str(bin_dir / "initdb"),
        "-D",
        str(pgdata),
        "-U",
        user,
        f"--pwfile={pwfile}",
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--no-instructions",
    ]
    done = subprocess.run(
        cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=data, **_as_server_user()
    )
    pwfile.unlink()
    if done.returncode != 0:
        raise PostgresUnavailable(f"initdb failed (exit {done.returncode}): {_last_line(done.stderr)}")


def _wait_ready(proc: subprocess.Popen, server: PgServer, logfile: Path, timeout: float) -> None:
    import psycopg2

    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            tail = logfile.read_text(errors="replace").strip().splitlines()[-3:]
            raise PostgresUnavailable(f"postgres exited with code {proc.returncode}: {' | '.join(tail)}")
        try:
            psycopg2.connect(
                host=server.host,
                port=server.port,
                user=server.user,
                password=server.password,
                dbname="postgres",
                connect_timeout=2,
            ).close()
            return
        except psycopg2.OperationalError:
            if time.monotonic() > deadline:
                raise PostgresUnavailable(
                    f"postgres did not accept connections within {timeout:.0f} s; log: {logfile}"
                ) from None
            time.sleep(0.2)


def _create_db(server: PgServer) -> None:
    import psycopg2

    conn = psycopg2.connect(
        host=server.host, port=server.port, user=server.user, password=server.password, dbname="postgres"
    )
    conn.autocommit = True  # CREATE DATABASE cannot run inside a transaction
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE {server.dbname}")
    conn.close()


def stop(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    """Fast shutdown, escalating; returns once the server process has exited."""
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGKILL):
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            log.warning("postgres (pid %d) ignored %s", proc.pid, sig.name)


def _start(bin_dir: Path, data: Path, server: PgServer, timeout: float) -> subprocess.Popen:
    logfile = data / "postgres.log"
    with open(logfile, "w") as fh:
        if os.geteuid() == 0:
            shutil.chown(logfile, SERVER_USER, SERVER_USER)
        proc = subprocess.Popen(
            [
                str(bin_dir / "postgres"),
                "-D",
                str(_cluster_dir(data)),
                "-h",
                server.host,
                "-p",
                str(server.port),
                "-k",
                str(data),
                "-c",
                "max_connections=50",
            ],
            stdin=subprocess.DEVNULL,
            stdout=fh,
            stderr=subprocess.STDOUT,
            cwd=data,
            start_new_session=True,  # a terminal Ctrl-C reaches us, and we stop it last
            preexec_fn=_die_with_parent,
            **_as_server_user(),
        )
    try:
        _wait_ready(proc, server, logfile, timeout)
    except BaseException:
        stop(proc)
        raise
    return proc


@contextlib.contextmanager
def throwaway_postgres(cache: Path, install: bool = True, timeout: float = 60.0) -> Iterator[PgServer]:
    """Start a private server (see module docstring); stop it and delete its data on exit."""
    bin_dir = ensure_installed(install)
    cache = Path(cache).resolve()
    cache.mkdir(parents=True, exist_ok=True)
    sweep_stale(cache)
    data = _make_data_dir(cache)
    proc = None
    try:
        password = secrets.token_urlsafe(18)
        _initdb(bin_dir, data, DB, password)
        for attempt in range(3):  # another process may take the free port before we bind it
            server = PgServer("127.0.0.1", free_port(), DB, password, DB, data, pid=0)
            try:
                proc = _start(bin_dir, data, server, timeout)
                break
            except PostgresUnavailable:
                if attempt == 2:
                    raise
        server = PgServer(server.host, server.port, server.user, password, DB, data, proc.pid)
        _create_db(server)
        log.info(
            "PostgreSQL %s up on 127.0.0.1:%d (pid %d, data %s)",
            bin_dir.parent.name,
            server.port,
            proc.pid,
            data,
        )
        yield server
    finally:
        if proc is not None:
            stop(proc)
            log.info("PostgreSQL (pid %d) stopped", proc.pid)
        shutil.rmtree(data, ignore_errors=True)
