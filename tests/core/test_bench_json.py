"""bench.json: recorded figures are validated and published through a rename."""

import json
import logging

import pytest

from systems.core import bench


def test_record_validates_name_and_value():
    with pytest.raises(ValueError, match="snake_case"):
        bench.record("Bad Name", 1.0)
    with pytest.raises(ValueError, match="finite"):
        bench.record("ratio", float("inf"))
    assert bench.record("ratio_ok", 2) == 2.0
    assert bench.recorded()["ratio_ok"] == 2.0


def test_write_json_replaces_atomically(tmp_path):
    path = tmp_path / "bench" / "bench.json"
    bench.write_json(path, {"results": {"a": 1.0}})
    bench.write_json(path, {"results": {"a": 2.0}})
    assert json.loads(path.read_text()) == {"results": {"a": 2.0}}
    assert [p.name for p in path.parent.iterdir()] == ["bench.json"]  # no temporary file left


def _fake_churn_bench(monkeypatch, speedup: float) -> None:
    """Make ``systems.churn.bench`` a module whose main records one figure and succeeds."""

    class Fake:
        @staticmethod
        def main(argv):
            bench.record("fake_speedup", speedup)
            return 0

    real = bench.importlib.import_module
    monkeypatch.setattr(
        bench.importlib, "import_module", lambda name: Fake if name == "systems.churn.bench" else real(name)
    )


def test_bench_main_writes_the_recorded_figures(tmp_path, monkeypatch):
    _fake_churn_bench(monkeypatch, 3.5)
    assert bench.main(["--only", "churn", "--out", str(tmp_path)]) == 0
    payload = json.loads((tmp_path / "bench" / "bench.json").read_text())
    assert payload == {"seed": 0, "only": "churn", "results": {"fake_speedup": 3.5}}


def test_bench_run_as_a_script_keeps_what_the_bench_modules_record(tmp_path):
    """`python -m systems.core.bench` is a second copy of the module: figures must still land."""
    import subprocess
    import sys

    code = (
        "import runpy, sys, importlib\n"
        "reg = importlib.import_module('systems.core.bench')\n"
        "class Fake:\n"
        "    @staticmethod\n"
        "    def main(argv):\n"
        "        reg.record('fake_speedup', 3.5)\n"
        "        return 0\n"
        "real = importlib.import_module\n"
        "importlib.import_module = lambda n: Fake if n.endswith('churn.bench') else real(n)\n"
        f"sys.argv = ['bench', '--only', 'churn', '--out', {str(tmp_path)!r}]\n"
        "runpy.run_module('systems.core.bench', run_name='__main__')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    payload = json.loads((tmp_path / "bench" / "bench.json").read_text())
    assert payload["results"] == {"fake_speedup": 3.5}


def test_bench_main_runs_every_system_passes_the_seed_and_keeps_failures(tmp_path, monkeypatch, caplog):
    seen = {}

    def fake(name, status):
        class Fake:
            @staticmethod
            def main(argv):
                seen[name] = argv
                bench.record(f"{name}_figure", 1.0)
                return status

        return Fake

    fakes = {"systems.churn.bench": fake("churn", 0), "systems.drift.bench": fake("drift", 1)}
    monkeypatch.setattr(bench.importlib, "import_module", lambda n: fakes.get(n) or bench)
    monkeypatch.setattr(
        bench.importlib.util,
        "find_spec",
        lambda n: object() if n.split(".")[1] in ("churn", "drift") else None,
    )
    with caplog.at_level(logging.INFO, logger="systems.core.bench"):
        assert bench.main(["--seed", "7", "--out", str(tmp_path)]) == 1, "a failing bench fails make bench"
    assert seen == {"churn": ["--seed", "7"], "drift": ["--seed", "7"]}
    payload = json.loads((tmp_path / "bench" / "bench.json").read_text())
    assert payload == {"seed": 7, "only": None, "results": {"churn_figure": 1.0, "drift_figure": 1.0}}
    assert "== bench churn" in caplog.messages and "bench rag: no benchmarks yet" in caplog.messages
    assert f"bench: 2 figures in {tmp_path / 'bench' / 'bench.json'}" in caplog.messages


def test_bench_main_without_any_bench_is_an_error(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(bench.importlib.util, "find_spec", lambda n: None)
    assert bench.main(["--out", str(tmp_path)]) == 2
    assert "make bench: no system has benchmarks yet" in caplog.messages
    assert not (tmp_path / "bench").exists(), "nothing is written"


def test_write_json_creates_missing_folders_and_writes_indented_sorted_json(tmp_path):
    path = tmp_path / "new" / "reports" / "bench" / "bench.json"  # none of these folders exist
    payload = {"seed": 0, "only": None, "results": {"b_ratio": 2.0, "a_ratio": 1.5}}
    bench.write_json(path, payload)
    # The repo's JSON convention (stable diffs between runs): 2-space indent, sorted keys, final newline.
    assert path.read_text() == json.dumps(payload, indent=2, sort_keys=True) + "\n"


def test_bench_main_skips_a_system_whose_package_has_no_bench_module(tmp_path, monkeypatch, caplog):
    class Fake:
        @staticmethod
        def main(argv):
            bench.record("churn_figure", 1.0)
            return 0

    # Every system package exists, but only systems.churn.bench does.
    monkeypatch.setattr(
        bench.importlib.util,
        "find_spec",
        lambda n: object() if n.count(".") == 1 or n == "systems.churn.bench" else None,
    )
    monkeypatch.setattr(
        bench.importlib, "import_module", lambda n: Fake if n == "systems.churn.bench" else bench
    )
    with caplog.at_level(logging.INFO, logger="systems.core.bench"):
        assert bench.main(["--out", str(tmp_path)]) == 0
    assert "bench rag: no benchmarks yet" in caplog.messages and "== bench churn" in caplog.messages


def test_bench_main_fails_when_an_earlier_system_failed_and_a_later_one_passed(tmp_path, monkeypatch):
    def fake(status):
        class Fake:
            @staticmethod
            def main(argv):
                return status

        return Fake

    fakes = {"systems.churn.bench": fake(1), "systems.drift.bench": fake(0)}
    monkeypatch.setattr(bench.importlib, "import_module", lambda n: fakes.get(n) or bench)
    monkeypatch.setattr(
        bench.importlib.util,
        "find_spec",
        lambda n: object() if n.split(".")[1] in ("churn", "drift") else None,
    )
    assert bench.main(["--out", str(tmp_path)]) == 1, (
        "one failing bench fails make bench, whatever ran after it"
    )


def test_bench_out_defaults_to_reports_in_the_working_folder(tmp_path, monkeypatch):
    _fake_churn_bench(monkeypatch, 2.0)
    monkeypatch.chdir(tmp_path)
    assert bench.main(["--only", "churn"]) == 0
    assert json.loads((tmp_path / "reports" / "bench" / "bench.json").read_text())["results"] == {
        "fake_speedup": 2.0
    }


def test_bench_only_accepts_a_known_system(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--only", "nosuch"])
    err = capsys.readouterr().err
    assert err.startswith("usage: make bench") and "argument --only: invalid choice: 'nosuch'" in err


def test_bench_help_shows_the_module_docstring_as_written_and_each_option(help_of):
    out = help_of(bench.main)
    assert out.startswith("usage: make bench")
    lines = out.splitlines()
    for line in bench.__doc__.strip().splitlines():
        assert line in lines, "the description keeps the docstring's own line breaks"
    flat = " ".join(out.split())
    choices = "{" + ",".join(bench.SYSTEMS) + "}"
    assert f"--only {choices} run one system's benchmarks" in flat
    assert "--out OUT reports root (bench/bench.json)" in flat
