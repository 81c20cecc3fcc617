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
