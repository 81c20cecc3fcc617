"""The make-mutate runner's bookkeeping: packages, score convention, reading mutmut's meta files."""

import json

from tests.mutation.__main__ import Mutant, load_results, summarise


def test_package_of_a_mutated_file():
    assert Mutant("a", "algorithms/svm.py", 0).package == "algorithms"
    assert Mutant("a", "systems/core/ledger.py", 0).package == "systems.core"
    assert Mutant("a", "systems/drift/psi.py", 0).package == "systems.drift"


def test_score_counts_timeouts_as_killed_and_no_tests_as_survived_and_excludes_equivalents(monkeypatch):
    import tests.mutation.__main__ as runner

    monkeypatch.setattr(runner, "EQUIVALENT", {"eq": "changes nothing"})
    mutants = [
        Mutant("k", "algorithms/a.py", 1),
        Mutant("t", "algorithms/a.py", 36),
        Mutant("s", "algorithms/a.py", 0),
        Mutant("n", "algorithms/a.py", 33),
        Mutant("eq", "algorithms/a.py", 0),
        Mutant("todo", "algorithms/a.py", None),
    ]
    s = runner.summarise(mutants)["algorithms"]
    assert (s["killed"], s["survived"], s["equivalent"], s["no_tests"], s["not_run"]) == (2, 3, 1, 1, 1)
    assert s["score"] == 0.5  # 2 / (2 + 3 - 1)
    assert summarise([Mutant("todo", "algorithms/a.py", None)])["algorithms"]["score"] is None


def test_load_results_reads_meta_files(tmp_path):
    meta = tmp_path / "mutants" / "systems" / "rag" / "rrf.py.meta"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"exit_code_by_key": {"systems.rag.rrf.x_f__mutmut_1": 1}}))
    assert load_results(tmp_path) == [Mutant("systems.rag.rrf.x_f__mutmut_1", "systems/rag/rrf.py", 1)]


def _repo_with_results(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.mutmut]\n")
    meta = tmp_path / "mutants" / "algorithms" / "a.py.meta"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"exit_code_by_key": {"algorithms.a.x_f__mutmut_1": 1}}))
    return meta


def test_a_glob_run_keeps_the_other_verdicts_and_only_a_full_run_starts_afresh(tmp_path, monkeypatch):
    import tests.mutation.__main__ as runner

    calls = []
    monkeypatch.setattr(runner, "run_mutmut", lambda names, workers: calls.append(list(names)) or 0)
    monkeypatch.setattr(runner.os, "nice", lambda n: 0)
    monkeypatch.chdir(tmp_path)
    meta = _repo_with_results(tmp_path)
    assert runner.main(["algorithms.b.*", "--out", str(tmp_path / "r")]) == 0
    assert meta.exists() and calls == [["algorithms.b.*"]], "a glob must not delete other results"
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["algorithms"]["killed"] == 1, "the kept verdict is still reported"
    runner.main(["--out", str(tmp_path / "r")])
    assert not meta.exists() and calls[-1] == [], "a full run starts from fresh mutants"
