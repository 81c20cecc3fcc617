"""End-to-end smoke tests of the CLI on tiny data: --data, predict, and their errors."""

import json

import numpy as np
import pandas as pd
import pytest

from data.churn import TARGET, generate
from systems.churn.__main__ import main
from systems.churn.persistence import ChurnModel, load, save
from systems.core.churn_table.features import ChurnFeatures
from systems.core.churn_table.validation import validate
from systems.core.models import make_model


def _csv(path, n=500, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    df = pd.DataFrame(
        {
            "cust": [f"c{i}" for i in range(n)],
            "month": pd.date_range("2023-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
            "usage": (10 + 3 * x).round(2).astype(object),
            "contract": rng.choice(["monthly", "yearly"], n),
            "blank": "",
            "Churn": np.where(x + rng.normal(size=n) < -0.6, "Yes", "No"),
        }
    )
    df.loc[5, "usage"] = "??"
    df.to_csv(path, index=False)
    return df


def test_data_flag_runs_and_predict_scores_new_rows(tmp_path, capsys):
    _csv(tmp_path / "d.csv")
    rc = main(
        [
            "--data",
            str(tmp_path / "d.csv"),
            "--target",
            "Churn",
            "--id",
            "cust",
            "--profile",
            "tiny",
            "--out",
            str(tmp_path / "r"),
        ]
    )
    err = capsys.readouterr().err  # the run's narration is logged to stderr
    assert rc == 0, err
    assert "falling back to a stratified" in err and "'blank': 'all values missing'" in err
    model = tmp_path / "r" / "churn_csv" / "model.skops"
    assert model.is_file() and (tmp_path / "r" / "churn_csv" / "roc_pr.png").is_file()
    new = _csv(tmp_path / "new.csv", 20, 1)
    new.loc[0, "contract"] = "weekly"
    new.drop(columns=["Churn"]).to_csv(tmp_path / "new.csv", index=False)
    rc = main(
        [
            "predict",
            "--model",
            str(model),
            "--input",
            str(tmp_path / "new.csv"),
            "--output",
            str(tmp_path / "p.csv"),
        ]
    )
    summary = json.loads(capsys.readouterr().out)
    # row 5 holds "??" in a numeric column: rejected with its reason, never scored
    assert rc == 0 and summary["n_scored"] == 19 and summary["n_rejected"] == 1
    assert summary["unseen_categories"] == {"contract": {"weekly": 1}}
    assert pd.read_csv(tmp_path / "p.rejects.csv")["reason"].tolist() == ["usage: not a number ('??')"]
    scores = pd.read_csv(tmp_path / "p.csv")
    assert scores["churn_probability"].between(0, 1).all() and list(scores["cust"][:2]) == ["c0", "c1"]


def test_temporal_split_is_used_when_a_time_column_is_given(tmp_path, capsys):
    _csv(tmp_path / "d.csv")
    rc = main(
        [
            "--data",
            str(tmp_path / "d.csv"),
            "--target",
            "Churn",
            "--time",
            "month",
            "--profile",
            "tiny",
            "--out",
            str(tmp_path / "r"),
        ]
    )
    assert rc == 0 and "temporal split on 'month'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "nope"], "--target 'nope' is not a column"),
        (["--target", "blank"], "one class only"),
        ([], "needs --target"),
    ],
)
def test_data_flag_errors_exit_2_with_a_message(tmp_path, capsys, args, message):
    _csv(tmp_path / "d.csv", 60)
    rc = main(["--data", str(tmp_path / "d.csv"), "--out", str(tmp_path / "r"), *args])
    assert rc == 2
    assert message in capsys.readouterr().err


def test_predict_rejects_invalid_rows_with_reasons(tmp_path, capsys):
    raw = generate("telecom", 700, 0)
    v = validate(raw)
    f = ChurnFeatures().fit(v.clean)
    cols = f.feature_names_[:10]
    m = make_model("logreg", 0).fit(f.transform(v.clean)[cols].to_numpy(), v.clean[TARGET])
    save(ChurnModel("churn", f, cols, m, 0.3, "customer_id"), tmp_path / "m.skops")
    fresh = generate("telecom", 300, 7).drop(columns=[TARGET])
    rc = main(
        [
            "predict",
            "--model",
            str(tmp_path / "m.skops"),
            "--input",
            _write(fresh, tmp_path),
            "--output",
            str(tmp_path / "p.csv"),
        ]
    )
    summary = json.loads(capsys.readouterr().out)
    assert rc == 0 and summary["n_rejected"] > 0
    assert summary["n_scored"] + summary["n_rejected"] == 300
    rejects = pd.read_csv(tmp_path / "p.rejects.csv")
    assert rejects["reason"].str.len().gt(0).all()
    assert isinstance(load(tmp_path / "m.skops"), ChurnModel)


def _write(df, tmp_path):
    p = tmp_path / "new.csv"
    df.to_csv(p, index=False)
    return str(p)


def test_predict_errors(tmp_path, capsys):
    (tmp_path / "junk.joblib").write_text("not a model")
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    csv = str(tmp_path / "x.csv")
    assert main(["predict", "--model", str(tmp_path / "junk.joblib"), "--input", csv]) == 2
    assert "not a model artefact" in capsys.readouterr().err
    assert main(["predict", "--model", str(tmp_path / "none.joblib"), "--input", csv]) == 2
    assert "no model file here" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--help"], ["predict", "--help"]])
def test_help_prints_and_exits_zero(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0 and "--" in capsys.readouterr().out
