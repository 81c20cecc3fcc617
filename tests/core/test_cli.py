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
