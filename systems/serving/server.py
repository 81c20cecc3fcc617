"""Run the service: uvicorn in this process (``serve``) or as a subprocess on loopback (tests, runs).

``serve`` refuses a non-loopback host unless ``--allow-remote`` is given: the admin swap
endpoint and the load tests are meant for 127.0.0.1. With ``--workers K`` uvicorn forks K
processes that each load the model (``app_from_env``); each worker keeps its own metrics
and its own model slot (a swap reaches the worker that receives it).

``Server`` starts ``python -m systems.serving serve`` on an ephemeral port (bound to port 0
by the OS, then handed to uvicorn), waits for /ready with a deadline, and stops the
process it started (SIGTERM, then SIGKILL after a grace period) on exit.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def check_host(host: str, allow_remote: bool) -> None:
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback and not allow_remote:
        raise ValueError(f"--host {host} is not a loopback address; pass --allow-remote to listen on it")


def serve(model: Path, host: str, port: int, workers: int, max_batch: int) -> None:
    import uvicorn

    os.environ["MLSTORIES_SERVING_MODEL"] = str(model)
    os.environ["MLSTORIES_SERVING_MAX_BATCH"] = str(max_batch)
    uvicorn.run(
        "systems.serving.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


class Server:
    """A ``serve`` subprocess on 127.0.0.1; use as a context manager."""

    def __init__(
        self,
        model: Path,
        workers: int = 1,
        log_path: Path | None = None,
        max_batch: int = 256,
        ready_timeout: float = 180.0,
    ):
        self.model, self.workers, self.log_path = Path(model), workers, log_path
        self.max_batch, self.ready_timeout = max_batch, ready_timeout
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.saw_not_ready = False

    def __enter__(self) -> Server:
        cmd = [
            sys.executable,
            "-m",
            "systems.serving",
            "serve",
            "--model",
            str(self.model),
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--max-batch",
            str(self.max_batch),
        ]
        self._log = open(self.log_path, "w") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self._log, cwd=os.getcwd())
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.ready_timeout
        with httpx.Client(timeout=2.0) as c:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"serve exited with {self.proc.returncode} before it was ready")
                try:
                    r = c.get(self.url + "/ready")
                    if r.status_code == 200:
                        return
                    self.saw_not_ready |= r.status_code == 503
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        raise TimeoutError(f"{self.url}/ready did not answer 200 within {self.ready_timeout:.0f} s")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.log_path and hasattr(self._log, "close"):
            self._log.close()
