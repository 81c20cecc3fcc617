"""A synthetic-schema churn model scores rows that lack the post-outcome column.

``activity_after_snapshot`` is measured after the outcome (CH-10's leakage demo); the saved
model does not use it, and a new customer's row cannot have it. The input schema saved with
the model used to list it as required, so ``churn predict`` refused a CSV without it and the
served ``/predict`` answered 422 "Field required". It is now optional (ignored) unless the
model was built with ``include_leaky=True``.
"""

import json

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from data.churn import LEAKY, TARGET, generate
from systems.churn.__main__ import main
from systems.churn.persistence import ChurnModel, load, save
from systems.core.churn_table.features import ChurnFeatures
from systems.core.churn_table.validation import validate
from systems.core.models import make_model


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    d = tmp_path_factory.mktemp("leaky")
    v = validate(generate("telecom", 700, 0))
    f = ChurnFeatures().fit(v.clean)
    cols = f.feature_names_[:10]
    m = make_model("logreg", 0).fit(f.transform(v.clean)[cols].to_numpy(), v.clean[TARGET])
    save(ChurnModel("churn", f, cols, m, 0.3, "customer_id"), d / "m.skops")
    return d / "m.skops"


def _predict(model, df, tmp_path, name):
    df.to_csv(tmp_path / f"{name}.csv", index=False)
    out = tmp_path / f"{name}.scores.csv"
    assert (
        main(
            ["predict", "--model", str(model), "--input", str(tmp_path / f"{name}.csv"), "--output", str(out)]
        )
        == 0
    )
    return pd.read_csv(out)


def test_predict_scores_a_csv_without_the_post_outcome_column(model_path, tmp_path, capsys):
    assert LEAKY in load(model_path).schema.ignored
    assert LEAKY not in load(model_path).schema.names
    fresh = generate("telecom", 300, 7).drop(columns=[TARGET])
    with_col = _predict(model_path, fresh, tmp_path, "with")
    without = _predict(model_path, fresh.drop(columns=[LEAKY]), tmp_path, "without")
    capsys.readouterr()
    assert len(without) > 250
    pd.testing.assert_frame_equal(with_col, without)


def test_served_model_answers_with_or_without_the_column(model_path):
    from systems.serving.app import create_app

    fresh = generate("telecom", 60, 7).drop(columns=[TARGET])
    ok = validate(fresh, require_target=False).clean.head(1)
    raw = fresh.set_index("customer_id").loc[ok["customer_id"]].reset_index()
    row = json.loads(raw.to_json(orient="records"))[0]
    app = create_app(None)
    assert app.state.slot.swap(model_path).swapped
    with TestClient(app) as c:
        a = c.post("/predict", json={k: v for k, v in row.items() if k != LEAKY})
        b = c.post("/predict", json=row)
    assert a.status_code == 200, a.text
    assert b.status_code == 200 and a.json()["probability"] == b.json()["probability"]
