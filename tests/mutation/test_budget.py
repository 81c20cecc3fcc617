"""The per-test budgets of ``make mutate``: only under a mutant, fastest first, both timers."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.mutation import budget

ROOT = Path(__file__).resolve().parents[2]


def test_only_a_mutant_name_switches_the_budgets_on(monkeypatch):
    for clean_run in ("", "stats", "fail", "list_all_tests", "mutant_generation"):
        monkeypatch.setenv("MUTANT_UNDER_TEST", clean_run)
        assert budget.mutant_under_test() is None, clean_run
    monkeypatch.delenv("MUTANT_UNDER_TEST")
    assert budget.mutant_under_test() is None
    name = "algorithms.svm.xǁSMOClassifierǁfit__mutmut_7"
    monkeypatch.setenv("MUTANT_UNDER_TEST", name)
    assert budget.mutant_under_test() == name


def test_clean_durations_are_read_from_mutmuts_stats_and_absent_stats_give_none(tmp_path):
    assert budget.clean_durations(tmp_path / "missing.json") == {}
    (tmp_path / "bad.json").write_text("{not json")
    assert budget.clean_durations(tmp_path / "bad.json") == {}
    stats = {"duration_by_test": {"tests/a.py::t": 0.25, "tests/a.py::u": 2}, "other": 1}
    (tmp_path / "s.json").write_text(json.dumps(stats))
    assert budget.clean_durations(tmp_path / "s.json") == {"tests/a.py::t": 0.25, "tests/a.py::u": 2.0}


def test_fastest_first_keeps_collection_order_for_ties_and_puts_unknown_tests_at_one_second():
    ids = ["slow", "new", "fast", "tie_a", "tie_b"]
    d = {"slow": 5.0, "fast": 0.01, "tie_a": 0.5, "tie_b": 0.5}
    assert [ids[i] for i in budget.fastest_first(ids, d)] == ["fast", "tie_a", "tie_b", "new", "slow"]


def test_budget_grows_linearly_with_the_clean_duration():
    assert budget.budget_for(0.0) == (budget.CPU_SLACK, budget.WALL_SLACK)
    cpu, wall = budget.budget_for(2.0)
    assert cpu == pytest.approx(budget.CPU_SLACK + 2.0 * budget.CPU_FACTOR)
    assert wall == pytest.approx(budget.WALL_SLACK + 2.0 * budget.WALL_FACTOR)


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_body_that_burns_cpu_past_its_budget_is_stopped():
    before = signal.getsignal(signal.SIGPROF), signal.getsignal(signal.SIGALRM)
    with pytest.raises(budget.BudgetExceeded, match=r"t\.py::spin used more than its 0\.2 s CPU budget"):
        with budget.limited("t.py::spin", cpu_s=0.2, wall_s=30.0):
            _spin(5.0)
    assert (signal.getsignal(signal.SIGPROF), signal.getsignal(signal.SIGALRM)) == before
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_body_that_waits_past_its_wall_budget_is_stopped_and_a_quick_one_is_not():
    with pytest.raises(budget.BudgetExceeded, match=r"0\.2 s wall budget"):
        with budget.limited("t.py::wait", cpu_s=30.0, wall_s=0.2):
            time.sleep(5.0)  # 0 % CPU: only the wall timer can end it
    with budget.limited("t.py::quick", cpu_s=5.0, wall_s=5.0):
        _spin(0.05)
    time.sleep(0.1)  # a disarmed timer would have fired here if it were still set
    # code that catches Exception cannot swallow the budget
    assert not issubclass(budget.BudgetExceeded, Exception)


_CONFTEST = """
from tests.conftest import _DURATIONS, pytest_collection_modifyitems, pytest_runtest_call
"""
_TESTS = """
import time

def test_collected_first_but_slow():
    pass

def test_fast():
    pass

def test_spins():
    end = time.process_time() + 60
    while time.process_time() < end:
        pass
"""


def _pytest(tmp: Path, mutant: str | None, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MUTANT_UNDER_TEST"}
    env["PYTHONPATH"] = str(ROOT)
    if mutant is not None:
        env["MUTANT_UNDER_TEST"] = mutant
    cmd = [sys.executable, "-m", "pytest", "-x", "-v", "-p", "no:cacheprovider", "--rootdir=.", *args]
    return subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, timeout=120)


def test_under_a_mutant_pytest_runs_fastest_first_and_fails_a_spinning_test_within_its_budget(tmp_path):
    (tmp_path / "conftest.py").write_text(textwrap.dedent(_CONFTEST))
    (tmp_path / "test_x.py").write_text(textwrap.dedent(_TESTS))
    durations = {"test_x.py::test_collected_first_but_slow": 0.5, "test_x.py::test_fast": 0.001}
    durations["test_x.py::test_spins"] = 0.01  # clean: it returned at once
    (tmp_path / budget.STATS_FILE).write_text(json.dumps({"duration_by_test": durations}))

    clean = _pytest(tmp_path, None, "-k", "not spins")
    assert clean.returncode == 0, clean.stdout
    assert clean.stdout.index("test_collected_first_but_slow") < clean.stdout.index("test_fast")

    mutated = _pytest(tmp_path, "m.x_f__mutmut_1")
    assert mutated.returncode == 1, mutated.stdout
    out = mutated.stdout
    assert out.index("test_fast PASSED") < out.index("test_spins FAILED")
    assert "test_collected_first_but_slow" not in out, (
        "-x stops at the spinning test; the slow one never runs"
    )
    assert "used more than its 3.1 s CPU budget under a mutant" in out
