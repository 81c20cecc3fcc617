"""make verify's runner: the command it starts, where the log goes, and what a failure gives."""

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from systems.core import verify


class FakeRun:
    """Stands in for subprocess.run: records the call and plays the system's part."""

    def __init__(self, code: int = 0, write_ledger: bool = True, say: str = "narration\n"):
        self.code, self.write_ledger, self.say = code, write_ledger, say
        self.calls = []

    def __call__(self, cmd, stdout, stderr, stdin):
        self.calls.append({"cmd": cmd, "stderr": stderr, "stdin": stdin})
        stdout.write(self.say)
        if self.write_ledger:
            out = Path(cmd[cmd.index("--out") + 1]) / cmd[2].split(".")[1]
            out.mkdir(parents=True, exist_ok=True)
            (out / "ledger.json").write_text(
                json.dumps({"claims": [{"id": "X-01", "verdict": "reproduced"}]})
            )
        return subprocess.CompletedProcess(cmd, self.code)


def test_a_run_is_the_users_command_with_its_log_kept(tmp_path, monkeypatch, caplog):
    fake = FakeRun()
    monkeypatch.setattr(verify.subprocess, "run", fake)
    with caplog.at_level(logging.INFO, logger="systems.core.verify"):
        led = verify.run_one("drift", 3, tmp_path, ["--profile", "quick"])
    assert led == {"claims": [{"id": "X-01", "verdict": "reproduced"}]}
    (call,) = fake.calls
    out = str(tmp_path / "runs" / "seed-3")
    assert call["cmd"] == [
        sys.executable,
        "-m",
        "systems.drift",
        "--seed",
        "3",
        "--out",
        out,
        "--profile",
        "quick",
    ]
    assert call["stderr"] is subprocess.STDOUT and call["stdin"] is subprocess.DEVNULL
    assert (tmp_path / "logs" / "drift-seed-3.log").read_text() == "narration\n"
    assert "drift seed 3: done in" in caplog.text


@pytest.mark.parametrize(("code", "write_ledger"), [(1, True), (0, False)])
def test_a_failed_run_gives_none_and_names_its_log(tmp_path, monkeypatch, caplog, code, write_ledger):
    monkeypatch.setattr(verify.subprocess, "run", FakeRun(code, write_ledger))
    with caplog.at_level(logging.ERROR, logger="systems.core.verify"):
        assert verify.run_one("churn", 0, tmp_path, []) is None
    log = tmp_path / "logs" / "churn-seed-0.log"
    assert f"churn seed 0 failed (exit {code})" in caplog.text and str(log) in caplog.text


def test_reuse_reads_an_existing_ledger_without_running(tmp_path, monkeypatch):
    fake = FakeRun()
    monkeypatch.setattr(verify.subprocess, "run", fake)
    d = tmp_path / "runs" / "seed-1" / "rag"
    d.mkdir(parents=True)
    (d / "ledger.json").write_text('{"claims": []}')
    assert verify.run_one("rag", 1, tmp_path, [], reuse=True) == {"claims": []}
    assert fake.calls == []
    verify.run_one("rag", 1, tmp_path, [], reuse=False)
    assert len(fake.calls) == 1, "without reuse the run happens even when a ledger exists"


def test_main_exits_one_when_a_seed_failed_and_still_writes_the_table(tmp_path, monkeypatch):
    runs = iter([FakeRun(0), FakeRun(2)])
    monkeypatch.setattr(verify.subprocess, "run", lambda *a, **k: next(runs)(*a, **k))
    assert verify.main(["--systems", "drift", "--seeds", "2", "--out", str(tmp_path)]) == 1
    stab = json.loads((tmp_path / "verify" / "stability.json").read_text())
    assert stab["seeds"] == [0, 1] and stab["claims"][0]["verdicts"] == {"0": "reproduced", "1": "error"}
    assert (
        (tmp_path / "verify" / "stability.md").read_text().startswith("# Verdict stability over seeds 0, 1")
    )
    assert not list((tmp_path / "verify").glob(".*.tmp")), "written through a temporary file and renamed"


def test_seeds_must_be_positive(capsys):
    with pytest.raises(SystemExit):
        verify.main(["--systems", "drift", "--seeds", "0"])
    assert capsys.readouterr().err.endswith("make verify: error: --seeds must be at least 1\n")


class FakeClock:
    """Stands in for ``time``: perf_counter returns the given readings in turn."""

    def __init__(self, *readings: float):
        self.readings = list(readings)

    def perf_counter(self) -> float:
        return self.readings.pop(0)


def test_reuse_is_off_by_default_and_logs_which_ledger_it_read(tmp_path, monkeypatch, caplog):
    fake = FakeRun()
    monkeypatch.setattr(verify.subprocess, "run", fake)
    left = tmp_path / "runs" / "seed-1" / "rag" / "ledger.json"
    left.parent.mkdir(parents=True)
    left.write_text('{"claims": []}')
    with caplog.at_level(logging.INFO, logger="systems.core.verify"):
        verify.run_one("rag", 1, tmp_path, [], reuse=True)
    assert f"rag seed 1: reusing {left}" in caplog.messages
    verify.run_one("rag", 1, tmp_path, [])
    assert len(fake.calls) == 1, "run_one without reuse= runs the system again"


def test_wall_time_in_the_log_is_end_minus_start(tmp_path, monkeypatch, caplog):
    # perf_counter reads 100.0 before the run and 142.4 after: 42.4 s, printed as "42 s".
    monkeypatch.setattr(verify, "time", FakeClock(100.0, 142.4, 200.0, 207.0))
    monkeypatch.setattr(verify.subprocess, "run", FakeRun())
    with caplog.at_level(logging.INFO, logger="systems.core.verify"):
        verify.run_one("drift", 0, tmp_path, [])
        monkeypatch.setattr(verify.subprocess, "run", FakeRun(code=3))
        verify.run_one("drift", 1, tmp_path, [])
    log = tmp_path / "logs" / "drift-seed-1.log"
    assert "drift seed 0: done in 42 s" in caplog.messages
    assert f"drift seed 1 failed (exit 3) after 7 s; log: {log}" in caplog.messages


def test_logs_go_under_a_root_that_does_not_exist_yet_one_file_per_seed(tmp_path, monkeypatch):
    monkeypatch.setattr(verify.subprocess, "run", FakeRun(say="seed says hi\n"))
    root = tmp_path / "reports" / "verify"  # neither folder exists yet
    for seed in (0, 1):
        assert verify.run_one("churn", seed, root, []) is not None
    logs = root / "logs"
    assert sorted(p.name for p in logs.iterdir()) == ["churn-seed-0.log", "churn-seed-1.log"]
    assert (logs / "churn-seed-1.log").read_text() == "seed says hi\n"


def test_a_zero_exit_without_a_ledger_and_a_failing_exit_with_one_both_fail(tmp_path, monkeypatch):
    monkeypatch.setattr(verify.subprocess, "run", FakeRun(code=0, write_ledger=False))
    assert verify.run_one("churn", 0, tmp_path, []) is None
    monkeypatch.setattr(verify.subprocess, "run", FakeRun(code=2, write_ledger=True))
    assert verify.run_one("churn", 1, tmp_path, []) is None
    monkeypatch.setattr(verify.subprocess, "run", FakeRun(code=0, write_ledger=True))
    assert verify.run_one("churn", 2, tmp_path, []) == {"claims": [{"id": "X-01", "verdict": "reproduced"}]}


def _ledger(*verdicts):
    return {"claims": [{"id": f"C-{i:02d}", "verdict": v} for i, v in enumerate(verdicts, 1)]}


def test_main_writes_exactly_what_stability_computes_from_the_runs(tmp_path, monkeypatch, caplog):
    from systems.core.stability import aggregate, markdown

    runs = iter([FakeRun(0), FakeRun(2)])
    monkeypatch.setattr(verify.subprocess, "run", lambda *a, **k: next(runs)(*a, **k))
    assert verify.main(["--systems", "drift", "--seeds", "2", "--out", str(tmp_path)]) == 1
    # Seed 0 wrote FakeRun's one-claim ledger, seed 1 exited 2: the reference table built by hand.
    stab = aggregate({"drift": {0: {"claims": [{"id": "X-01", "verdict": "reproduced"}]}, 1: None}})
    root = tmp_path / "verify"
    assert (root / "stability.json").read_text() == json.dumps(
        stab.to_json(), indent=2, sort_keys=True
    ) + "\n"
    assert (root / "stability.md").read_text() == markdown(stab)
    assert f"{root / 'stability.md'}: 1 claims over 2 seeds; 1 failed runs" in caplog.messages


def test_systems_default_to_every_system(tmp_path, monkeypatch):
    fake = FakeRun()
    monkeypatch.setattr(verify.subprocess, "run", fake)
    assert verify.main(["--seeds", "1", "--out", str(tmp_path)]) == 0
    assert [c["cmd"][2] for c in fake.calls] == [f"systems.{s}" for s in verify.SYSTEMS]


def test_seeds_default_to_five(tmp_path, monkeypatch):
    fake = FakeRun()
    monkeypatch.setattr(verify.subprocess, "run", fake)
    assert verify.main(["--systems", "drift", "--out", str(tmp_path)]) == 0
    assert [c["cmd"][4] for c in fake.calls] == ["0", "1", "2", "3", "4"]
    stab = json.loads((tmp_path / "verify" / "stability.json").read_text())
    assert stab["seeds"] == [0, 1, 2, 3, 4]


def test_out_defaults_to_reports_in_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(verify.subprocess, "run", FakeRun())
    monkeypatch.chdir(tmp_path)
    assert verify.main(["--systems", "drift", "--seeds", "1"]) == 0
    assert (tmp_path / "reports" / "verify" / "stability.json").exists()
    assert (tmp_path / "reports" / "verify" / "runs" / "seed-0" / "drift" / "ledger.json").exists()


def test_systems_may_be_comma_separated_and_unknown_options_reach_the_system(tmp_path, monkeypatch):
    fake = FakeRun()
    monkeypatch.setattr(verify.subprocess, "run", fake)
    argv = ["--systems", "rag,churn", "--seeds", "1", "--out", str(tmp_path), "--profile", "quick"]
    assert verify.main(argv) == 0
    out = str(tmp_path / "verify" / "runs" / "seed-0")
    assert [c["cmd"][1:] for c in fake.calls] == [
        ["-m", "systems.rag", "--seed", "0", "--out", out, "--profile", "quick"],
        ["-m", "systems.churn", "--seed", "0", "--out", out, "--profile", "quick"],
    ]


def test_no_reuse_runs_again_and_reuse_reads_what_is_there(tmp_path, monkeypatch):
    fake = FakeRun()
    monkeypatch.setattr(verify.subprocess, "run", fake)
    left = tmp_path / "verify" / "runs" / "seed-0" / "rag" / "ledger.json"
    left.parent.mkdir(parents=True)
    left.write_text(json.dumps(_ledger("not-reproduced")))
    base = ["--systems", "rag", "--seeds", "1", "--out", str(tmp_path)]
    assert verify.main([*base, "--reuse"]) == 0 and fake.calls == []
    stab = json.loads((tmp_path / "verify" / "stability.json").read_text())
    assert stab["claims"][0]["modal"] == "not-reproduced", "the table comes from the ledger left there"
    assert verify.main([*base, "--no-reuse"]) == 0 and len(fake.calls) == 1
    assert verify.main(base) == 0 and len(fake.calls) == 2, "reuse is off unless asked for"


def test_a_system_that_is_not_built_is_skipped_with_a_warning(tmp_path, monkeypatch, caplog):
    # A stand-in repository: systems/core/verify.py and systems/drift/__main__.py, no systems/churn.
    (tmp_path / "systems" / "core").mkdir(parents=True)
    (tmp_path / "systems" / "drift").mkdir()
    (tmp_path / "systems" / "drift" / "__main__.py").write_text("")
    monkeypatch.setattr(verify, "__file__", str(tmp_path / "systems" / "core" / "verify.py"))
    fake = FakeRun()
    monkeypatch.setattr(verify.subprocess, "run", fake)
    out = tmp_path / "reports"
    assert verify.main(["--systems", "drift churn", "--seeds", "1", "--out", str(out)]) == 0
    assert [c["cmd"][2] for c in fake.calls] == ["systems.drift"]
    assert "churn is not built yet (no systems/churn/__main__.py): skipped" in caplog.messages
    stab = json.loads((out / "verify" / "stability.json").read_text())
    assert {c["system"] for c in stab["claims"]} == {"drift"}


def test_nothing_built_still_writes_an_empty_table_under_a_new_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(verify, "__file__", str(tmp_path / "systems" / "core" / "verify.py"))
    out = tmp_path / "new" / "reports"
    assert verify.main(["--systems", "churn", "--seeds", "1", "--out", str(out)]) == 0
    assert json.loads((out / "verify" / "stability.json").read_text()) == {"seeds": [], "claims": []}


def test_one_seed_is_enough(tmp_path, monkeypatch):
    monkeypatch.setattr(verify.subprocess, "run", FakeRun())
    assert verify.main(["--systems", "drift", "--seeds", "1", "--out", str(tmp_path)]) == 0


def test_unknown_system_error_names_it_and_the_choices(capsys):
    with pytest.raises(SystemExit):
        verify.main(["--systems", "drift nosuch", "--seeds", "1"])
    err = capsys.readouterr().err
    assert err.startswith("usage: make verify")
    assert f"unknown system(s) ['nosuch']; choose from {list(verify.SYSTEMS)}" in err


def test_help_shows_the_module_docstring_as_written_and_each_option(help_of):
    out = help_of(verify.main)
    assert out.startswith("usage: make verify")
    lines = out.splitlines()
    for line in verify.__doc__.strip().splitlines():
        assert line in lines, "the description keeps the docstring's own line breaks"
    flat = " ".join(out.split())
    assert "--seeds SEEDS run seeds 0..SEEDS-1 (default 5)" in flat
    assert "--systems SYSTEMS space- or comma-separated systems (default: all built ones)" in flat
    assert "--out OUT reports root" in flat
    assert (
        "--reuse, --no-reuse read ledgers an earlier verify left under OUT/verify/runs instead of "
        "running those (system, seed) pairs again"
    ) in flat
