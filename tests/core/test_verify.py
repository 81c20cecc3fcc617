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
    assert "--seeds must be at least 1" in capsys.readouterr().err
