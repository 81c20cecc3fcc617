"""Test-wide settings: headless plotting, offline model loading."""

import os

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(autouse=True)
def _console():
    """Every test starts with the console a command sets up: INFO lines on stderr (captured)."""
    from systems.core.cli import set_prefix, setup_output

    setup_output()
    set_prefix("")  # a command under test (tune-cluster) may have set one


@pytest.fixture
def help_of(capsys, monkeypatch):
    """``help_of(main)``: what ``main(["--help"])`` prints on a 200-column terminal; it must exit 0."""

    def run(main) -> str:
        monkeypatch.setenv("COLUMNS", "200")
        with pytest.raises(SystemExit) as done:
            main(["--help"])
        assert done.value.code == 0
        return capsys.readouterr().out

    return run


_DURATIONS = pytest.StashKey[dict[str, float]]()  # clean durations, set only under a mutant


# Under `make mutate` only (a mutant is under test): fastest tests first and a time budget per
# test, so `pytest -x` ends at the first test that notices the mutant; see tests/mutation/budget.py.
def pytest_collection_modifyitems(config, items):
    from tests.mutation import budget

    if budget.mutant_under_test() is None:
        return
    durations = budget.clean_durations()
    order = budget.fastest_first([item.nodeid for item in items], durations)
    items[:] = [items[i] for i in order]
    config.stash[_DURATIONS] = durations


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    durations = item.config.stash.get(_DURATIONS, None)
    if durations is None:
        return (yield)
    from tests.mutation import budget

    cpu_s, wall_s = budget.budget_for(durations.get(item.nodeid, budget.UNKNOWN_DURATION))
    with budget.limited(item.nodeid, cpu_s, wall_s):
        return (yield)
