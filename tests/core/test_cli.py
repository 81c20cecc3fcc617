import pytest

from systems.core.cli import Command, dispatch


def test_dispatch_runs_the_named_command_or_the_default(capsys):
    seen = []
    commands = {
        "run": Command("the story run", lambda a: seen.append(("run", a)) or 0),
        "serve": Command("serve a model", lambda a: seen.append(("serve", a)) or 3),
    }
    assert dispatch(["serve", "--port", "1"], "p", "", commands, lambda _: "run") == 3
    assert dispatch(["--seed", "1"], "p", "", commands, lambda _: "run") == 0
    assert dispatch([], "p", "", commands, lambda _: "run") == 0
    assert dispatch(["run", "-h"], "p", "", commands, lambda _: "serve") == 0
    assert seen == [("serve", ["--port", "1"]), ("run", ["--seed", "1"]), ("run", []), ("run", ["-h"])]
    with pytest.raises(SystemExit) as exit_:
        dispatch(["--help"], "p", "", commands, lambda _: "run")
    out = capsys.readouterr().out
    assert exit_.value.code == 0 and "serve a model" in out and "the story run" in out


def test_gives_reads_both_option_spellings_and_a_missing_value():
    from systems.core.cli import gives

    assert gives(["--seed", "1", "--data", "x.csv"], "--data")
    assert gives(["--data=x.csv"], "--data")
    assert gives(["--data"], "--data")  # routed to the command, whose parser names the problem
    assert not gives(["--seed", "1", "--database", "y"], "--data")
    assert not gives([], "--reference", "--current")


def test_progress_bar_goes_to_stderr_with_its_label_and_total_and_clears(monkeypatch, capsys):
    from systems.core import cli

    monkeypatch.setattr(cli, "_SHOW_PROGRESS", True)
    assert list(cli.progress(iter(range(3)), desc="scoring", total=3)) == [0, 1, 2]
    err = capsys.readouterr()
    assert err.out == "" and err.err.startswith("\rscoring:") and "0/3" in err.err, (
        "label and total, on stderr"
    )
    assert err.err.endswith("\r") and "\n" not in err.err, (
        "leave=False: the bar is cleared, not left as a line"
    )
    monkeypatch.setattr(cli, "_SHOW_PROGRESS", False)
    items = [1, 2]
    assert list(cli.progress(items, desc="quiet")) == items and capsys.readouterr().err == ""
