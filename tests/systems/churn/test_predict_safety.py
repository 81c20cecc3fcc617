"""`churn predict` with the safe artefact: crafted models, clobbered files, bad rows."""

import json
import os

import joblib
import numpy as np
import pandas as pd
import pytest

from systems.churn.__main__ import main
from systems.churn.persistence import ChurnModel, load, save
from systems.churn.tabular import TabularFeatures
from systems.core.models import make_model


class _Touch:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(0)
    n = 200
    train = pd.DataFrame(
        {
            "cust": [f"c{i}" for i in range(n)],
            "usage": rng.normal(10, 3, n),
            "contract": rng.choice(["monthly", "yearly"], n),
        }
    )
    y = (train["usage"] + rng.normal(0, 2, n) < 9).astype(int).to_numpy()
    feats = TabularFeatures(exclude=("cust",)).fit(train)
    m = make_model("logreg", 0).fit(feats.transform(train).to_numpy(), y)
    model = tmp_path / "m.skops"
    save(
        ChurnModel("tabular", feats, feats.feature_names_, m, 0.5, "cust", {"target": "y", "positive": "1"}),
        model,
    )
    new = tmp_path / "new.csv"
    pd.DataFrame(
        {
            "cust": ["a", "b", "c", "d", "e", "", "a", "h"],
            "usage": ["9.5", "lots", "inf", "1e308", "11", "12", "8", "-inf"],
            "contract": ["monthly", "yearly", "yearly", "monthly", "weekly", "monthly", "yearly", "monthly"],
        }
    ).to_csv(new, index=False)
    return model, new


def _run(*argv):
    return main(["predict", *map(str, argv)])


def test_each_bad_row_is_rejected_with_its_reason_and_counted(files, tmp_path, capsys):
    model, new = files
    assert _run("--model", model, "--input", new, "--output", tmp_path / "out" / "scores.csv") == 0
    cap = capsys.readouterr()
    summary = json.loads(cap.out)
    assert (summary["n_scored"], summary["n_rejected"]) == (2, 6)
    assert "scored 2 of 8 rows, rejected 6" in cap.err
    scores = pd.read_csv(tmp_path / "out" / "scores.csv")
    assert scores["cust"].tolist() == ["a", "e"] and scores["churn_probability"].between(0, 1).all()
    rejects = pd.read_csv(tmp_path / "out" / "scores.rejects.csv", keep_default_na=False)
    assert dict(zip(rejects["cust"], rejects["reason"], strict=True)) == {
        "b": "usage: not a number ('lots')",
        "c": "usage: not finite (inf)",
        "d": "usage: out of range (|x| > 1e+12: 1e308)",
        "": "cust: missing id",
        "a": "cust: duplicate id (a)",
        "h": "usage: not finite (-inf)",
    }
    assert summary["unseen_categories"] == {"contract": {"weekly": 1}}  # scored as all zeros, counted


def test_numbers_as_text_no_longer_collapse_to_one_probability(files, tmp_path, capsys):
    model, _ = files
    p = tmp_path / "text.csv"
    pd.DataFrame({"cust": ["x", "y"], "usage": ["ten", "twenty"], "contract": ["monthly", "yearly"]}).to_csv(
        p, index=False
    )
    assert _run("--model", model, "--input", p, "--output", tmp_path / "s.csv") == 0
    assert json.loads(capsys.readouterr().out)["n_scored"] == 0


def test_missing_id_column_is_one_clear_error(files, tmp_path, capsys):
    model, _ = files
    p = tmp_path / "noid.csv"
    pd.DataFrame({"usage": [1.0, 2.0], "contract": ["monthly", "yearly"]}).to_csv(p, index=False)
    assert _run("--model", model, "--input", p, "--output", tmp_path / "s.csv") == 2
    err = capsys.readouterr().err
    assert "no id column 'cust'" in err and "Traceback" not in err and not (tmp_path / "s.csv").exists()


@pytest.mark.parametrize("target", ["input", "model", "input_link", "model_hardlink", "rejects_input"])
def test_output_equal_to_input_or_model_is_refused_and_nothing_changes(files, tmp_path, capsys, target):
    model, new = files
    before = {p: p.read_bytes() for p in (model, new)}
    out, rejects = tmp_path / "fresh.csv", None
    if target == "input":
        out = new
    elif target == "model":
        out = model
    elif target == "input_link":
        out = tmp_path / "link.csv"
        out.symlink_to(new)
    elif target == "model_hardlink":
        out = tmp_path / "hard.csv"
        os.link(model, out)
    else:
        rejects = new
    extra = ["--rejects", rejects] if rejects else []
    assert _run("--model", model, "--input", new, "--output", out, *extra) == 2
    assert "same file" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in (model, new)} == before
    assert not (tmp_path / "fresh.csv").exists() and not (tmp_path / "fresh.rejects.csv").exists()


def test_crafted_pickle_as_model_is_refused_and_runs_nothing(files, tmp_path, capsys):
    _, new = files
    marker, evil = tmp_path / "pwned", tmp_path / "model.joblib"
    joblib.dump(_Touch(marker), evil)
    assert _run("--model", evil, "--input", new, "--output", tmp_path / "s.csv") == 2
    assert "never loaded" in capsys.readouterr().err and not marker.exists()


def test_load_returns_the_bundle_with_its_schema(files):
    bundle = load(files[0])
    assert isinstance(bundle, ChurnModel) and bundle.kind == "tabular"
    assert bundle.schema.id_column == "cust" and bundle.model_version.startswith("1.0.0+")
    assert [c.name for c in bundle.schema.columns] == ["usage", "contract"]


def test_a_smote_pipeline_is_saved_without_its_resampler():
    """Resamplers act only in fit: the saved model predicts the same without them."""
    from imblearn.over_sampling import SMOTE
    from imblearn.pipeline import Pipeline as ImbPipeline
    from sklearn.linear_model import LogisticRegression

    from systems.churn.persistence import _inference_model

    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] + rng.normal(0, 1, 300) > 1.2).astype(int)
    model = ImbPipeline([("smote", SMOTE(random_state=0)), ("clf", LogisticRegression())]).fit(X, y)
    stripped = _inference_model(model)
    assert not hasattr(stripped, "steps")
    np.testing.assert_allclose(stripped.predict_proba(X), model.predict_proba(X), rtol=0, atol=0)


def test_a_calibrated_smote_pipeline_is_saved_without_its_resampler():
    """The churn model's shape: Platt scaling around a frozen SMOTE + classifier pipeline."""
    from imblearn.over_sampling import SMOTE
    from imblearn.pipeline import Pipeline as ImbPipeline
    from sklearn.linear_model import LogisticRegression

    from systems.churn.calibration import platt
    from systems.churn.persistence import _inference_model

    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 4))
    y = (X[:, 0] + rng.normal(0, 1, 400) > 1.2).astype(int)
    inner = ImbPipeline([("smote", SMOTE(random_state=0)), ("clf", LogisticRegression())])
    inner.fit(X[:300], y[:300])
    cal = platt(inner, X[300:], y[300:])
    stripped = _inference_model(cal)
    names = repr(stripped) + "".join(repr(c.estimator) for c in stripped.calibrated_classifiers_)
    assert "SMOTE" not in names
    assert "SMOTE" in repr(cal.calibrated_classifiers_[0].estimator), "the caller's model is untouched"
    np.testing.assert_allclose(stripped.predict_proba(X), cal.predict_proba(X), rtol=0, atol=1e-15)
