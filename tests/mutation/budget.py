"""Per-test budgets under ``make mutate``: a mutant that slows a test down fails it early.

Design
------
mutmut runs, for each mutant, the tests that reach the mutated function with ``pytest -x`` and
one CPU limit for the whole selection: limit = 2 * 15 * (sum of the tests' clean durations + 1).
A mutant that breaks an iterative solver (SMO's working-set step, a learning rate) makes the
*first* test it reaches run until that limit, 60 to 180 s per mutant, although any one test
already shows the change. Two measures end such runs early, both only while a mutant is under
test (``MUTANT_UNDER_TEST`` names one); ``make test`` never sees them:

    order     the selected tests run fastest first (clean duration d_t from mutmut's own
              stats run), so ``-x`` stops at the cheapest test that notices the mutant;
    budget    test t may use   cpu_t  = CPU_SLACK  + CPU_FACTOR  * d_t  seconds of CPU and
                               wall_t = WALL_SLACK + WALL_FACTOR * d_t  seconds of wall time;
              past either it fails with ``BudgetExceeded``.

A test that needs more than CPU_FACTOR times its clean CPU (plus slack) under a mutant did
measurably different work, so the mutant counts as killed, the same convention as mutmut's own
timeout (see the runner's score). The wall budget catches the other way a mutant shows: a test
that waits forever at 0 % CPU (a lock or a child process that never answers).

The timers are POSIX interval timers (ITIMER_PROF counts the CPU of every thread of the process,
ITIMER_REAL wall time); their signals run the handler in the main thread, where pytest runs
tests. Durations come from ``mutmut-stats.json`` in the working directory (mutmut runs the tests
from ``mutants/``); a test missing from it gets ``UNKNOWN_DURATION``.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

CPU_SLACK, CPU_FACTOR = 3.0, 10.0
WALL_SLACK, WALL_FACTOR = 60.0, 20.0
UNKNOWN_DURATION = 1.0
STATS_FILE = "mutmut-stats.json"


class BudgetExceeded(BaseException):
    """A test outran its budget under a mutant. BaseException: code that catches Exception must
    not swallow it and carry on."""


def mutant_under_test() -> str | None:
    """The mutant's name while mutmut tests one, else None (clean, stats and listing runs too)."""
    name = os.environ.get("MUTANT_UNDER_TEST", "")
    return name if "__mutmut_" in name else None


def clean_durations(path: Path | str = STATS_FILE) -> dict[str, float]:
    """Each test's duration (s, the call phase) in mutmut's clean run; {} when there is none."""
    try:
        stats = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in stats.get("duration_by_test", {}).items()}


def fastest_first(nodeids: Sequence[str], durations: dict[str, float]) -> list[int]:
    """Positions of ``nodeids`` sorted by clean duration; ties keep the collection order."""
    return sorted(range(len(nodeids)), key=lambda i: durations.get(nodeids[i], UNKNOWN_DURATION))


def budget_for(duration: float) -> tuple[float, float]:
    """(CPU seconds, wall seconds) a test of this clean duration may use under a mutant."""
    return CPU_SLACK + CPU_FACTOR * duration, WALL_SLACK + WALL_FACTOR * duration


@contextmanager
def limited(nodeid: str, cpu_s: float, wall_s: float) -> Iterator[None]:
    """Run the body with both timers armed; raise ``BudgetExceeded`` in it when one fires."""

    def expire(signum, frame):
        kind = "CPU" if signum == signal.SIGPROF else "wall"
        limit = cpu_s if signum == signal.SIGPROF else wall_s
        raise BudgetExceeded(f"{nodeid} used more than its {limit:.1f} s {kind} budget under a mutant")

    old = signal.signal(signal.SIGPROF, expire), signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_PROF, cpu_s)
    signal.setitimer(signal.ITIMER_REAL, wall_s)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGPROF, old[0])
        signal.signal(signal.SIGALRM, old[1])
