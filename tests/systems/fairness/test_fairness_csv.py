import json

import numpy as np
import pandas as pd
import pytest

from systems.core.config import parse_config
from systems.fairness.__main__ import main
from systems.fairness.config import FairnessConfig
from systems.fairness.csv_audit import prepare

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


def _frame(n=1200, seed=0):
    rng = np.random.default_rng(seed)
    sex = rng.choice(["f", "m"], size=n)
    region = rng.choice(["north", "south"], size=n)
    x1 = rng.normal(size=n) + 0.5 * (sex == "m")
    y = x1 + rng.normal(size=n) > 1.0
    return pd.DataFrame(
        {
            "x1": x1,
            "x2": rng.normal(size=n),
            "city": rng.choice(["a", "b", "c"], size=n),
            "sex": sex,
            "region": region,
            "label": np.where(y, "bad", "good"),
        }
    )


def test_csv_audit_end_to_end(tmp_path):
    path = tmp_path / "loans.csv"
    _frame(800).to_csv(path, index=False)
    code = main(
        [
            "--data",
            str(path),
            "--target",
            "label",
            "--positive",
            "bad",
            "--sensitive",
            "sex,region",
            "--drop-sensitive",
            "--out",
            str(tmp_path / "reports"),
            *FAST,
        ]
    )
    assert code == 0
    out = tmp_path / "reports" / "fairness_csv"
    for name in ("ledger.json", "before_after.md", "gate.md", "model_card.md", "groups.png"):
        assert (out / name).exists(), name
    card = (out / "model_card.md").read_text()
    assert "sex x region" in card and "Release gate" in card
    assert json.loads((out / "ledger.json").read_text())["claims"] == []


def _config(argv: list[str]) -> FairnessConfig:
    return parse_config(FairnessConfig, argv, "fairness", "")


def test_drop_sensitive_flag_and_encoding():
    assert _config(["--drop-sensitive", "--seed", "1"]).drop_sensitive is True
    assert _config(["--drop-sensitive"]).drop_sensitive is True
    assert _config(["--no-drop-sensitive"]).drop_sensitive is False
    assert _config([]).drop_sensitive is False
    df = _frame(200)
    kept = prepare(df, "label", ["sex"], "bad", drop_sensitive=False, seed=0)
    dropped = prepare(df, "label", ["sex"], "bad", drop_sensitive=True, seed=0)
    assert any(c.startswith("sex_") for c in kept.inputs)
    assert not any(c.startswith("sex_") for c in dropped.inputs)
    assert any(c.startswith("city_") for c in dropped.inputs)
    assert set(kept.sensitive.unique()) == {"f", "m"}


@pytest.mark.parametrize(
    "mutate,args,message",
    [
        (lambda d: d.assign(sex="f"), ["--sensitive", "sex", "--positive", "bad"], "single group"),
        (
            lambda d: d.assign(sex=d["sex"].where(d.index % 50 != 0)),
            ["--sensitive", "sex", "--positive", "bad"],
            "missing values",
        ),
        (lambda d: d.assign(label=np.arange(len(d)) % 3), ["--sensitive", "sex"], "must be binary"),
        (lambda d: d, ["--sensitive", "age"], "--sensitive 'age' is not a column"),
        (lambda d: d, ["--sensitive", "sex", "--positive", "yes"], "is not a value"),
    ],
)
def test_bad_input_is_named(tmp_path, capsys, mutate, args, message):
    path = tmp_path / "bad.csv"
    mutate(_frame(300)).to_csv(path, index=False)
    code = main(["--data", str(path), "--target", "label", "--out", str(tmp_path / "r"), *args, *FAST])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "r" / "fairness_csv" / "ledger.json").exists()


def test_target_without_positive_value_needs_one():
    with pytest.raises(ValueError, match="--positive"):
        prepare(_frame(200), "label", ["sex"], "", drop_sensitive=False, seed=0)
    df = _frame(200).assign(label=lambda d: (d["label"] == "bad").astype(int))
    assert prepare(df, "label", ["sex"], "", drop_sensitive=False, seed=0).y.tolist() == df["label"].tolist()


def test_rows_without_a_label_are_set_aside_and_logged(caplog):
    # this audit used to refuse a target with missing values; the shared rule
    # (systems.core.tabular) sets those rows aside and says how many
    df = _frame(200)
    df.loc[[3, 10, 11], "label"] = None
    with caplog.at_level("INFO"):
        data = prepare(df, "label", ["sex"], "bad", drop_sensitive=False, seed=0)
    assert len(data.y) == len(data.X) == len(data.sensitive) == 197
    assert "3 row(s) with a missing 'label' set aside" in caplog.text


def test_group_without_positives_is_reported_not_nan(tmp_path, capsys):
    df = _frame(900, seed=3)
    df.loc[df["region"] == "south", "label"] = "good"  # no positives at all in one region
    path = tmp_path / "skew.csv"
    df.to_csv(path, index=False)
    code = main(
        [
            "--data",
            str(path),
            "--target",
            "label",
            "--positive",
            "bad",
            "--sensitive",
            "sex,region",
            "--out",
            str(tmp_path / "r"),
            *FAST,
        ]
    )
    assert code == 0
    out = capsys.readouterr().err
    assert "TPR of group" in out and "undefined" in out
    gate = (tmp_path / "r" / "fairness_csv" / "gate.md").read_text()
    assert "TPR undefined" in gate
    assert "nan" not in (tmp_path / "r" / "fairness_csv" / "groups_baseline.md").read_text().lower()


def test_continuous_sensitive_column_is_refused_or_binned_on_request(tmp_path, capsys):
    df = _frame(400)
    df["income"] = np.random.default_rng(1).lognormal(10, 1, size=len(df)).round(2)
    with pytest.raises(
        ValueError,
        match=r"'income' has 400 distinct values, more than --max-groups 20.*"
        r"--sensitive-bins 4",
    ):
        prepare(df, "label", ["income"], "bad", drop_sensitive=False, seed=0)
    binned = prepare(df, "label", ["income"], "bad", drop_sensitive=False, seed=0, bins=4)
    assert binned.sensitive.nunique() == 4 and binned.sensitive.value_counts().min() == 100
    assert binned.sensitive.iloc[0].startswith("[")
    df["city"] = [f"c{i % 30}" for i in range(len(df))]
    with pytest.raises(ValueError, match="'city' has 30 distinct values.*coarser column"):
        prepare(df, "label", ["city"], "bad", drop_sensitive=False, seed=0)
    df["zip"] = [f"z{i % 12}" for i in range(len(df))]
    with pytest.raises(ValueError, match=r"the cross of \['sex', 'zip', 'region'\] has 48 groups"):
        prepare(df, "label", ["sex", "zip", "region"], "bad", drop_sensitive=False, seed=0)
    path = tmp_path / "d.csv"
    df.to_csv(path, index=False)
    assert (
        main(
            [
                "--data",
                str(path),
                "--target",
                "label",
                "--positive",
                "bad",
                "--sensitive",
                "income",
                "--out",
                str(tmp_path / "r"),
            ]
        )
        == 2
    )
    assert "--sensitive-bins" in capsys.readouterr().err


def test_decision_rule_defaults_to_half_on_a_users_data_and_is_printed(tmp_path, capsys):
    path = tmp_path / "loans.csv"
    _frame(800).to_csv(path, index=False)
    base = [
        "--data",
        str(path),
        "--target",
        "label",
        "--positive",
        "bad",
        "--sensitive",
        "sex",
        "--out",
        str(tmp_path / "reports"),
        *FAST,
    ]
    assert main(base) == 0
    out = capsys.readouterr().err
    assert "decision rule: flag p >= 0.5 (threshold on predicted probabilities)" in out
    report = tmp_path / "reports" / "fairness_csv"
    assert "Decision rule: flag p >= 0.5" in (report / "gate.md").read_text()
    assert "Decision rule: flag p >= 0.5" in (report / "model_card.md").read_text()
    assert "observed positive rate" in out, "the report shows whether 0.5 means what it should"
    assert main([*base, "--alert-rate", "0.1"]) == 0
    assert "decision rule: alert rate 0.1 of validation rows" in capsys.readouterr().err
    assert main([*base, "--alert-rate", "0.1", "--threshold", "0.3"]) == 2
    assert "not both" in capsys.readouterr().err
    assert main([*base, "--threshold", "1.5"]) == 2


def test_story_keeps_its_alert_rate():
    from systems.fairness.config import FairnessConfig

    assert FairnessConfig().decision_rule() == ("alert_rate", 0.08)
    assert FairnessConfig(data="x.csv").decision_rule() == ("threshold", 0.5)


def test_audit_is_a_subcommand_and_each_command_refuses_the_others_input(tmp_path, capsys):
    assert main(["audit", "--out", str(tmp_path)]) == 2
    assert "--data PATH.csv is required" in capsys.readouterr().err
    assert main(["run", "--data", "x.csv", "--out", str(tmp_path)]) == 2
    assert "belongs to the audit command" in capsys.readouterr().err


@pytest.mark.slow  # two fairness --data runs, ~45 s on a busy 2-core machine
def test_an_explicit_threshold_is_printed_and_changes_the_decisions(tmp_path, capsys):
    # the default (0.5), --alert-rate and the refusals are tested above; a threshold the user
    # gives must reach the decisions: a lower one flags more rows
    path = tmp_path / "loans.csv"
    _frame(800).to_csv(path, index=False)
    rates = {}
    for t in ("0.5", "0.2"):
        out = tmp_path / f"r{t}"
        argv = ["--data", str(path), "--target", "label", "--positive", "bad", "--sensitive", "sex"]
        assert main([*argv, "--out", str(out), "--threshold", t, *FAST]) == 0
        captured = capsys.readouterr()
        printed = captured.out + captured.err  # the report on stdout, the narration logged on stderr
        assert f"decision rule: flag p >= {t} (threshold on predicted probabilities)" in printed
        assert f"Decision rule: flag p >= {t}" in (out / "fairness_csv" / "gate.md").read_text()
        rates[t] = json.loads((out / "fairness_csv" / "metrics.json").read_text())["baseline"]
    assert rates["0.2"]["flag_rate"] > rates["0.5"]["flag_rate"] + 0.1, rates
    assert rates["0.2"]["tpr"] >= rates["0.5"]["tpr"] and rates["0.2"]["auc"] == rates["0.5"]["auc"]
