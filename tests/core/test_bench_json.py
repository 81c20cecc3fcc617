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

    monkeypatch.setattr(bench.importlib, "import_module", lambda name: Fake)
    assert bench.main(["--only", "churn", "--out", str(tmp_path)]) == 0
    payload = json.loads((tmp_path / "bench" / "bench.json").read_text())
    assert payload == {"seed": 0, "only": "churn", "results": {"fake_speedup": 3.5}}
