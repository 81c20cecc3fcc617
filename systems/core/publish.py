"""Atomic publishing of one run's folder: a lock, a staging folder, one rename.

Layout under the reports root ``OUT``::

    OUT/<system>/                      the published report: only ever a complete run's files
    OUT/.staging/<system>.lock         the lock; holds the pid of the run writing <system>
    OUT/.staging/<system>-<pid>/       the running run's files (``Run.path`` points here)
    OUT/.staging/<system>-<pid>.old/   the previous report, for an instant while publishing

Sequence, and what a reader of ``OUT/<system>/`` can observe at each instant:

    t0  acquire   flock the lock file, write our pid; remove leftovers of earlier runs
                  that died (a lock held by a live run -> refuse, nothing touched)
                  reader sees: the previous report, byte for byte
    t1  run       every file is written under the staging folder
                  reader sees: the previous report, byte for byte
    t2  aside     rename OUT/<system> -> OUT/.staging/<system>-<pid>.old
                  reader sees: no folder (ENOENT), for the microseconds until t3
    t3  publish   rename staging -> OUT/<system>
                  reader sees: the new report, complete
    t4  clean     remove the .old folder, clear and release the lock

A file a reader already has open keeps its old content through t2-t4 (POSIX keeps the
inode until it is closed), so nobody reads a mix of two runs. Interrupted before t2
(an exception or Ctrl-C) the staging folder is removed and ``OUT/<system>`` is exactly
as it was. Killed outright (SIGKILL, power) the leftovers stay in ``OUT/.staging`` and
the next run of the same system removes them at t0; if the kill fell between t2 and
t3, that run first renames the ``.old`` folder back, so the previous report returns.

The lock is an ``flock`` on ``<system>.lock``: the kernel releases it when its holder
dies, so a lock left by a dead pid is broken automatically (and said so); a pid that
still runs keeps its lock, and a second run into the same folder refuses with one
line naming that pid instead of interleaving its files with the first's. Guaranteed
against interruption of the process, on one local filesystem; not fsync-ed, so a
power loss may lose the newest report (never mix two).
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

STAGING = ".staging"


class RunLocked(RuntimeError):
    """Another live run holds the lock of this report folder."""


@dataclass
class Publication:
    """The lock, staging folder and destination of one run (see module docstring)."""

    dest: Path
    staging: Path
    lock_path: Path
    _fd: int | None = None

    @property
    def old(self) -> Path:
        return self.staging.with_name(self.staging.name + ".old")

    def acquire(self) -> None:
        """t0: take the lock (or raise ``RunLocked``), clean up after dead runs, make staging."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(fd)
            os.close(fd)
            raise RunLocked(
                f"another run (pid {holder or '?'}) is writing {self.dest}/; wait for it to finish "
                f"(lock {self.lock_path}), or use another --out"
            ) from None
        stale = _read_pid(fd)
        if stale and stale != os.getpid():
            log.warning("broke the stale lock of pid %s (that run died without publishing)", stale)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        self._recover()
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)

    def _recover(self) -> None:
        """Remove staging folders of dead runs of this system; restore a report lost mid-publish."""
        name = re.escape(self.dest.name)
        pattern = re.compile(rf"^{name}-\d+(\.old)?$")
        leftovers = [p for p in self.staging.parent.iterdir() if p.is_dir() and pattern.match(p.name)]
        olds = sorted((p for p in leftovers if p.name.endswith(".old")), key=lambda p: p.stat().st_mtime)
        if olds and not self.dest.exists():
            os.rename(olds[-1], self.dest)
            log.warning("restored the previous report %s (a run was killed while publishing)", self.dest)
        for p in leftovers:
            shutil.rmtree(p, ignore_errors=True)

    def publish(self) -> None:
        """t2-t4: swap the staging folder in for the destination."""
        if self.dest.exists():
            os.rename(self.dest, self.old)
        os.rename(self.staging, self.dest)
        shutil.rmtree(self.old, ignore_errors=True)

    def abandon(self) -> None:
        """The run failed: drop its files; the destination was never touched."""
        shutil.rmtree(self.staging, ignore_errors=True)

    def release(self) -> None:
        if self._fd is None:
            return
        # an empty lock file means "released cleanly"; a pid left in it means its run died
        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None


def publication(out: Path, system: str) -> Publication:
    """Where ``system``'s run under reports root ``out`` stages, locks and publishes."""
    root = Path(out)
    return Publication(
        dest=root / system,
        staging=root / STAGING / f"{system}-{os.getpid()}",
        lock_path=root / STAGING / f"{system}.lock",
    )


@contextmanager
def published(out: Path, name: str) -> Iterator[Path]:
    """For a writer outside ``start_run``: yields the staging folder, publishes ``OUT/<name>/``.

    Raises ``RunLocked`` if another live process is writing the same folder.
    """
    pub = publication(out, name)
    pub.acquire()
    try:
        yield pub.staging
        pub.publish()
    except BaseException:
        pub.abandon()
        raise
    finally:
        pub.release()


def atomic_write_text(path: Path, text: str) -> None:
    """One file, replaced whole: written to a dot-named temporary beside it, then renamed."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _read_pid(fd: int) -> int | None:
    text = os.pread(fd, 32, 0).decode(errors="replace").strip()
    return int(text) if text.isdigit() else None
