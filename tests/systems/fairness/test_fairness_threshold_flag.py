"""Issue 14: the decision rule is an option; an explicit ``--threshold`` is used and printed.

``test_fairness_csv`` checks the default (0.5), ``--alert-rate`` and the refusals; this checks
that a threshold the user gives reaches the decisions: a lower one flags more rows.
"""

import json

import numpy as np
import pandas as pd
import pytest

from systems.fairness.__main__ import main

FAST = [
    "--eg-max-iter",
    "3",
    "--eg-rows",
    "300",
    "--mitigation-estimators",
    "10",
    "--n-estimators",
    "20",
    "--sweep-eps",
    "0.05",
    "--sweep-tol",
    "0",
    "--min-group-size",
    "20",
]


def _frame(n=800, seed=0):
    rng = np.random.default_rng(seed)
    sex = rng.choice(["f", "m"], size=n)
    x1 = rng.normal(size=n) + 0.5 * (sex == "m")
    y = x1 + rng.normal(size=n) > 1.0
    return pd.DataFrame({"x1": x1, "x2": rng.normal(size=n), "sex": sex, "label": np.where(y, "bad", "good")})


@pytest.mark.slow  # two fairness --data runs, ~45 s on a busy 2-core machine
def test_an_explicit_threshold_is_printed_and_changes_the_decisions(tmp_path, capsys):
    path = tmp_path / "loans.csv"
    _frame().to_csv(path, index=False)
    rates = {}
    for t in ("0.5", "0.2"):
        out = tmp_path / f"r{t}"
        argv = ["--data", str(path), "--target", "label", "--positive", "bad", "--sensitive", "sex"]
        assert main([*argv, "--out", str(out), "--threshold", t, *FAST]) == 0
        printed = capsys.readouterr().out
        assert f"decision rule: flag p >= {t} (threshold on predicted probabilities)" in printed
        assert f"Decision rule: flag p >= {t}" in (out / "fairness_csv" / "gate.md").read_text()
        rates[t] = json.loads((out / "fairness_csv" / "metrics.json").read_text())["baseline"]
    assert rates["0.2"]["flag_rate"] > rates["0.5"]["flag_rate"] + 0.1, rates
    assert rates["0.2"]["tpr"] >= rates["0.5"]["tpr"] and rates["0.2"]["auc"] == rates["0.5"]["auc"]
