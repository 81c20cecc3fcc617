import json

import numpy as np
import pandas as pd
import pytest

from systems.fairness.__main__ import _argv, main
from systems.fairness.csv_audit import binary_target, prepare

FAST = ["--eg-max-iter", "3", "--eg-rows", "300", "--mitigation-estimators", "10", "--n-estimators", "20",
        "--sweep-eps", "0.05", "--sweep-tol", "0", "--min-group-size", "20"]


def _frame(n=1200, seed=0):
    rng = np.random.default_rng(seed)
    sex = rng.choice(["f", "m"], size=n)
    region = rng.choice(["north", "south"], size=n)
    x1 = rng.normal(size=n) + 0.5 * (sex == "m")
    y = (x1 + rng.normal(size=n) > 1.0)
    return pd.DataFrame({"x1": x1, "x2": rng.normal(size=n), "city": rng.choice(["a", "b", "c"], size=n),
                         "sex": sex, "region": region, "label": np.where(y, "bad", "good")})


def test_csv_audit_end_to_end(tmp_path):
    path = tmp_path / "loans.csv"
    _frame(800).to_csv(path, index=False)
    code = main(["--data", str(path), "--target", "label", "--positive", "bad", "--sensitive", "sex,region",
                 "--drop-sensitive", "--out", str(tmp_path / "reports"), *FAST])
    assert code == 0
    out = tmp_path / "reports" / "fairness_csv"
    for name in ("ledger.json", "before_after.md", "gate.md", "model_card.md", "groups.png"):
        assert (out / name).exists(), name
    card = (out / "model_card.md").read_text()
    assert "sex x region" in card and "Release gate" in card
    assert json.loads((out / "ledger.json").read_text())["claims"] == []


def test_drop_sensitive_flag_and_encoding():
    assert _argv(["--drop-sensitive", "--seed", "1"]) == ["--drop-sensitive", "true", "--seed", "1"]
    assert _argv(["--drop-sensitive"]) == ["--drop-sensitive", "true"]
    assert _argv(["--drop-sensitive", "false"]) == ["--drop-sensitive", "false"]
    df = _frame(200)
    kept = prepare(df, "label", ["sex"], "bad", drop_sensitive=False, seed=0)
    dropped = prepare(df, "label", ["sex"], "bad", drop_sensitive=True, seed=0)
    assert any(c.startswith("sex_") for c in kept.inputs)
    assert not any(c.startswith("sex_") for c in dropped.inputs)
    assert any(c.startswith("city_") for c in dropped.inputs)
    assert set(kept.sensitive.unique()) == {"f", "m"}


@pytest.mark.parametrize("mutate,args,message", [
    (lambda d: d.assign(sex="f"), ["--sensitive", "sex", "--positive", "bad"], "single group"),
    (lambda d: d.assign(sex=d["sex"].where(d.index % 50 != 0)), ["--sensitive", "sex", "--positive", "bad"],
     "missing values"),
    (lambda d: d.assign(label=np.arange(len(d)) % 3), ["--sensitive", "sex"], "must be binary"),
    (lambda d: d, ["--sensitive", "age"], "not in the CSV"),
    (lambda d: d, ["--sensitive", "sex", "--positive", "yes"], "is not a value"),
])
def test_bad_input_is_named(tmp_path, capsys, mutate, args, message):
    path = tmp_path / "bad.csv"
    mutate(_frame(300)).to_csv(path, index=False)
    code = main(["--data", str(path), "--target", "label", "--out", str(tmp_path / "r"), *args, *FAST])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "r" / "fairness_csv" / "ledger.json").exists()


def test_target_without_positive_value_needs_one():
    with pytest.raises(ValueError, match="--positive"):
        binary_target(pd.Series(["bad", "good"], name="label"), "")
    assert binary_target(pd.Series([0, 1, 1], name="y"), "").tolist() == [0, 1, 1]


def test_group_without_positives_is_reported_not_nan(tmp_path, capsys):
    df = _frame(900, seed=3)
    df.loc[df["region"] == "south", "label"] = "good"     # no positives at all in one region
    path = tmp_path / "skew.csv"
    df.to_csv(path, index=False)
    code = main(["--data", str(path), "--target", "label", "--positive", "bad", "--sensitive", "sex,region",
                 "--out", str(tmp_path / "r"), *FAST])
    assert code == 0
    out = capsys.readouterr().out
    assert "TPR of group" in out and "undefined" in out
    gate = (tmp_path / "r" / "fairness_csv" / "gate.md").read_text()
    assert "TPR undefined" in gate
    assert "nan" not in (tmp_path / "r" / "fairness_csv" / "groups_baseline.md").read_text().lower()
