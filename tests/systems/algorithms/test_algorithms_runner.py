"""The `make algorithms` runner: demo discovery, bad names, and one real demo end to end."""

import json

from systems.algorithms.__main__ import demo_names, main


def test_every_demo_module_is_discovered():
    names = demo_names()
    for expected in (
        "sgd",
        "svm",
        "trees",
        "regularization",
        "backprop",
        "layers",
        "attention",
        "reinforce",
        "distillation",
        "metrics",
    ):
        assert expected in names, f"demo_{expected}.py not discovered; found {names}"


def test_unknown_demo_name_is_an_error_that_lists_the_choices(tmp_path, capsys):
    assert main(["--only", "nope", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "nope" in err and "sgd" in err
    assert not (tmp_path / "algorithms").exists()


def test_metrics_demo_writes_a_ledger_with_al13(tmp_path):
    assert main(["--only", "metrics", "--out", str(tmp_path), "--seed", "3"]) == 0
    ledger = json.loads((tmp_path / "algorithms" / "ledger.json").read_text())
    (al13,) = [c for c in ledger["claims"] if c["id"] == "AL-13"]
    assert al13["verdict"] == "reproduced", al13["reason"]
    assert al13["measured"]["recall_at_10_example"] == 0.8
