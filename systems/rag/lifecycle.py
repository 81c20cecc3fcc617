"""Blue-green index slots: rebuild in the background, swap atomically, keep the last good one.

    active   the index every query reads (one reference, read once per query)
    standby  built off to the side from the current documents plus queued updates
    swap     ``active, last_good = standby, active`` under a lock, only after the build
             finished and passed a smoke query; a build that raises leaves ``active`` alone

A query takes a reference to ``active`` once and uses only that object, so a swap in the
middle of a query cannot hand it half of one index and half of another. A rebuild
triggers when ``max_pending`` updates are queued or ``max_age`` seconds passed since the
first queued one (the story: 1,000 updates or 5 minutes), so staleness <= max_age plus
one build time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


class IndexSlots:
    """Two-slot index holder.

    Parameters
    ----------
    build : callable
        ``build(documents: dict[str, str]) -> index``; the index must be complete when returned.
    documents : dict of doc_id -> text
    smoke : callable or None
        ``smoke(index)`` raises if the new index is unusable (it is then not swapped in).
    """

    def __init__(
        self,
        build: Callable[[dict[str, str]], Any],
        documents: dict[str, str],
        smoke: Callable[[Any], Any] | None = None,
        max_pending: int = 1000,
        max_age: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.build, self.smoke = build, smoke
        self.max_pending, self.max_age, self.clock = max_pending, max_age, clock
        self.documents = dict(documents)
        self._pending: dict[str, str] = {}
        self._first_pending: float | None = None
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self.active = build(dict(self.documents))
        self.last_good = None
        self.swaps = 0
        self.failed_builds = 0

    def current(self) -> Any:
        """The index to use for one whole query."""
        return self.active

    def queue_update(self, doc_id: str, text: str) -> None:
        with self._lock:
            if self._first_pending is None:
                self._first_pending = self.clock()
            self._pending[doc_id] = text

    def due(self) -> bool:
        with self._lock:
            return bool(self._pending) and (
                len(self._pending) >= self.max_pending or self.clock() - self._first_pending >= self.max_age
            )

    def rebuild(self) -> bool:
        """Build the standby from documents + pending updates and swap it in; True if swapped."""
        with self._build_lock:
            with self._lock:
                pending, self._pending, self._first_pending = self._pending, {}, None
            docs = self.documents | pending
            try:
                standby = self.build(docs)
                if self.smoke is not None:
                    self.smoke(standby)
            except Exception:
                self.failed_builds += 1
                with self._lock:  # keep the updates for the next attempt
                    self._pending = pending | self._pending
                    self._first_pending = self._first_pending or self.clock()
                return False
            with self._lock:
                self.last_good, self.active = self.active, standby
                self.documents = docs
                self.swaps += 1
            return True

    def rollback(self) -> None:
        """Serve the previous index again (e.g. the active one was found corrupt)."""
        with self._lock:
            if self.last_good is None:
                raise RuntimeError("no previous index to roll back to")
            self.active, self.last_good = self.last_good, self.active

    def start_background(self, interval: float = 0.01) -> threading.Event:
        """Rebuild whenever due, in a daemon thread, until the returned event is set."""
        stop = threading.Event()

        def loop():
            while not stop.is_set():
                if self.due():
                    self.rebuild()
                stop.wait(interval)

        threading.Thread(target=loop, daemon=True, name="index-rebuild").start()
        return stop
