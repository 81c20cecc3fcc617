import re

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


def test_setup_output_levels_quiet_wins_over_verbose():
    import logging

    from systems.core.cli import setup_output

    root = logging.getLogger()
    setup_output()
    assert root.level == logging.INFO, "the default narrates at INFO"
    setup_output(verbose=True)
    assert root.level == logging.DEBUG
    setup_output(quiet=True)
    assert root.level == logging.WARNING
    setup_output(quiet=True, verbose=True)
    assert root.level == logging.WARNING


def test_one_stderr_handler_prints_bare_lines_however_often_setup_runs(capsys):
    import logging

    from systems.core.cli import setup_output

    setup_output()
    setup_output()
    logging.getLogger("demo").info("scored %d rows", 3)
    logging.getLogger("demo").debug("not shown at INFO")
    assert capsys.readouterr().err == "scored 3 rows\n"


def test_prefix_applies_to_the_handler_now_and_after(capsys):
    import logging

    from systems.core.cli import set_prefix, setup_output

    set_prefix("tune 100%: ")  # a literal %, not a format field
    logging.getLogger("demo").info("go")
    assert capsys.readouterr().err == "tune 100%: go\n"
    root = logging.getLogger()
    for h in [h for h in root.handlers if type(h).__name__ == "_StderrHandler"]:
        root.removeHandler(h)
    setup_output()  # a handler made after set_prefix uses the prefix too
    logging.getLogger("demo").info("again")
    assert capsys.readouterr().err == "tune 100%: again\n"


def test_pop_output_args_applies_and_removes_only_the_console_options():
    import logging

    from systems.core import cli

    values = {"quiet": True, "verbose": False, "progress": True, "seed": 1}
    cli.pop_output_args(values)
    assert values == {"seed": 1}
    assert logging.getLogger().level == logging.WARNING and cli.progress_enabled() is True
    cli.pop_output_args({})  # none given: the defaults of setup_output
    assert logging.getLogger().level == logging.INFO and cli.progress_enabled() is False


def test_output_options_and_their_help(monkeypatch):
    import argparse

    from systems.core.cli import add_output_args

    monkeypatch.setenv("COLUMNS", "200")  # no line wrapping in the help text
    parser = argparse.ArgumentParser(prog="p")
    add_output_args(parser)
    text = parser.format_help()
    assert "\noutput:\n" in text
    assert re.search(r"\n  -q, --quiet +print warnings and errors only\n", text)
    assert re.search(r"\n  -v, --verbose +print debug lines too\n", text)
    help_progress = r"progress bars on long work \(default: only when stderr is a terminal\)"
    assert re.search(r"\n  --progress, --no-progress\s+" + help_progress + r"\n", text)
    assert vars(parser.parse_args([])) == {"quiet": False, "verbose": False, "progress": None}


def test_progress_passes_extra_tqdm_options(monkeypatch, capsys):
    from systems.core import cli

    monkeypatch.setattr(cli, "_SHOW_PROGRESS", True)
    assert list(cli.progress([1, 2], desc="rows", unit="row")) == [1, 2]
    assert "row/s" in capsys.readouterr().err, "unit= reaches tqdm"


def test_dispatch_reads_sys_argv_and_lists_commands_under_its_prog(monkeypatch, capsys):
    import sys

    seen = []
    commands = {
        "serve": Command("serve a model", lambda a: seen.append(a) or 0),
        "run": Command("the story run", lambda a: seen.append(("run", a)) or 0),
    }
    # argv[0] is the program; the command is the first word after it (not the default, run)
    monkeypatch.setattr(sys, "argv", ["python -m demo", "serve", "--port", "1"])
    assert dispatch(None, "demo", "Demo routes.", commands, lambda _: "run") == 0
    assert seen == [["--port", "1"]]
    for flag in ("-h", "--help"):
        with pytest.raises(SystemExit) as exit_:
            dispatch([flag], "demo", "Demo routes.", commands, lambda _: "serve")
        out = capsys.readouterr().out
        assert exit_.value.code == 0 and out.startswith("usage: demo [-h] COMMAND ...")
        assert "Demo routes." in out and "serve a model" in out
    assert seen == [["--port", "1"]], "-h is the router's help, not the default command's"


def test_gives_ignores_a_help_flag_meant_for_the_command():
    from systems.core.cli import gives

    assert not gives(["-h"], "--data")
    assert not gives(["--help"], "--data")


def test_dispatch_help_keeps_the_descriptions_line_breaks(monkeypatch, capsys):
    # a system passes a laid-out description (one command per line); --help prints it as written
    monkeypatch.setenv("COLUMNS", "200")
    description = "Routes:\n  serve    answer requests\n  run      the story run"
    commands = {"serve": Command("serve a model", lambda a: 0)}
    with pytest.raises(SystemExit):
        dispatch(["--help"], "demo", description, commands, lambda _: "serve")
    assert f"\n\n{description}\n\n" in capsys.readouterr().out
