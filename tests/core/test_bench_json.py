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


def test_bench_main_writes_the_recorded_figures(tmp_path, monkeypatch):
    class Fake:
        @staticmethod
        def main(argv):
            bench.record("fake_speedup", 3.5)
            return 0

    real = bench.importlib.import_module
    monkeypatch.setattr(
        bench.importlib, "import_module", lambda name: Fake if name == "systems.churn.bench" else real(name)
    )
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
    assert "== bench churn" in caplog.text and "bench rag: no benchmarks yet" in caplog.text
    assert f"bench: 2 figures in {tmp_path / 'bench' / 'bench.json'}" in caplog.text


def test_bench_main_without_any_bench_is_an_error(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(bench.importlib.util, "find_spec", lambda n: None)
    assert bench.main(["--out", str(tmp_path)]) == 2
    assert "make bench: no system has benchmarks yet" in caplog.text
    assert not (tmp_path / "bench").exists(), "nothing is written"
