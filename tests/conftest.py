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
