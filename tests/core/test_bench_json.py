"""bench.json: recorded figures are validated and published through a rename."""

import json

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
