"""The service through FastAPI's TestClient: schemas, errors, readiness, metrics, swap."""

import json
import logging
import zipfile

import pytest
import skops.io as sio
from fastapi.testclient import TestClient

from systems.core import artifact
from systems.serving import model
from systems.serving.app import create_app


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    d = tmp_path_factory.mktemp("models")
    v1 = model.train(d / "v1.skops", 1500, 0, version="1.0.0")
    v2 = model.train(d / "v2.skops", 1500, 1, version="1.0.1")
    with zipfile.ZipFile(v2.path) as z:
        other = z.read("payload.skops")
    artifact.rewrite_payload(v1.path, d / "bad_smoke.skops", other, rehash=True)  # loads, fails smoke
    artifact.rewrite_payload(v1.path, d / "tampered.skops", other, rehash=False)  # hash mismatch
    return {"v1": v1, "v2": v2, "bad_smoke": d / "bad_smoke.skops", "tampered": d / "tampered.skops"}


@pytest.fixture
def client(models):
    app = create_app(None, max_batch=5)
    assert app.state.slot.swap(models["v1"].path).swapped
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def row():
    return model.request_rows(3, 9)[0]


def test_a_valid_row_gets_a_probability_flag_and_version(client, row, models):
    r = client.post("/predict", json=row)
    assert r.status_code == 200, r.text
    body = r.json()
    assert 0 <= body["probability"] <= 1 and body["flag"] == (body["probability"] >= body["threshold"])
    assert body["model_version"] == models["v1"].version and body["id"] == row["customer_id"]
    assert float(r.headers["X-Model-Ms"]) > 0 and len(r.headers["X-Request-ID"]) == 32
    no_id = {k: v for k, v in row.items() if k != "customer_id"}
    assert client.post("/predict", json=no_id).json()["probability"] == body["probability"]


@pytest.mark.parametrize(
    ("change", "field", "kind"),
    [
        ({"monthly_charges": "12.5"}, "monthly_charges", "float_type"),  # number as text
        ({"monthly_charges": 1e308}, "monthly_charges", "less_than_equal"),
        ({"contract_type": 3}, "contract_type", "string_type"),
        ({"nope": 1}, "nope", "extra_forbidden"),
    ],
)
def test_schema_violations_are_422_naming_the_field(client, row, change, field, kind):
    r = client.post("/predict", json=row | change)
    assert r.status_code == 422
    body = r.json()
    assert body["fields"][0]["field"] == field and body["fields"][0]["type"] == kind
    assert field in body["error"]


def test_missing_key_nan_and_infinity_are_422(client, row):
    missing = {k: v for k, v in row.items() if k != "seats"}
    assert client.post("/predict", json=missing).json()["fields"][0] == {
        "field": "seats",
        "message": "Field required",
        "type": "missing",
    }
    text = (
        json.dumps(row)
        .replace('"seats": 2', '"seats": NaN')
        .replace(f'"seats": {row["seats"]}', '"seats": NaN')
    )
    r = client.post("/predict", content=text, headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "seats"
    inf = json.dumps(row | {"tickets_m1": 0}).replace('"tickets_m1": 0', '"tickets_m1": Infinity')
    r = client.post("/predict", content=inf, headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["fields"][0]["type"] == "finite_number"


def test_null_values_are_imputed_and_unseen_categories_are_counted(client, row):
    r = client.post("/predict", json=row | {"minutes_m1": None, "plan": "platinum"})
    assert r.status_code == 200
    assert 'serving_unseen_category_total{column="plan"} 1.0' in client.get("/metrics").text


def test_malformed_json_wrong_content_type_and_oversized_bodies(client, row):
    assert (
        client.post("/predict", content="{oops", headers={"content-type": "application/json"}).status_code
        == 400
    )
    r = client.post("/predict", content=json.dumps(row), headers={"content-type": "text/plain"})
    assert r.status_code == 415 and "application/json" in r.json()["error"]
    assert client.post("/predict-batch", json={"rows": [row] * 6}).status_code == 413
    assert client.post("/predict", json=row | {"x": "a" * (1 << 20)}).status_code == 413


def test_batch_scores_each_row_and_names_the_bad_one(client, row):
    rows = model.request_rows(5, 3)
    r = client.post("/predict-batch", json={"rows": rows})
    assert r.status_code == 200 and len(r.json()["predictions"]) == 5
    singles = [client.post("/predict", json=x).json()["probability"] for x in rows]
    assert [p["probability"] for p in r.json()["predictions"]] == pytest.approx(singles, abs=1e-7)
    bad = rows[:2] + [rows[2] | {"seats": "two"}]
    r = client.post("/predict-batch", json={"rows": bad})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "rows[2].seats"
    assert client.post("/predict-batch", json=rows).status_code == 422


def test_ready_is_503_until_a_model_passes_its_smoke_test(models):
    app = create_app(None)
    with TestClient(app) as c:
        assert c.get("/health").status_code == 200
        assert c.get("/ready").status_code == 503
        assert c.post("/predict", json={}).status_code == 503
        assert not app.state.slot.swap(models["bad_smoke"]).swapped
        r = c.get("/ready")
        assert r.status_code == 503 and "smoke test failed" in r.json()["reason"]
        assert app.state.slot.swap(models["v1"].path).swapped
        assert c.get("/ready").json() == {"ready": True, "model_version": models["v1"].version}


def test_model_endpoint_and_metrics(client, row, models):
    m = client.get("/model").json()
    assert m["model_version"] == models["v1"].version and len(m["sha256"]) == 64
    assert [c["name"] for c in m["schema"]["columns"]][:2] == ["seats", "monthly_charges"]
    client.post("/predict", json=row)
    text = client.get("/metrics").text
    assert 'serving_requests_total{endpoint="/predict",status="200"}' in text
    assert "serving_request_seconds_bucket" in text and "serving_model_seconds_count" in text
    assert f'serving_model_info{{version="{models["v1"].version}"}} 1.0' in text


def test_swap_then_refuse_a_bad_model_and_keep_serving(client, row, models):
    r = client.post("/admin/swap", json={"path": str(models["v2"].path)})
    assert r.status_code == 200 and r.json()["serving"] == models["v2"].version
    for bad, why in (
        (models["bad_smoke"], "smoke test failed"),
        (models["tampered"], "does not match"),
        (models["v1"].path.with_name("none.skops"), "no model file"),
    ):
        r = client.post("/admin/swap", json={"path": str(bad)})
        assert (
            r.status_code == 409 and why in r.json()["reason"] and r.json()["serving"] == models["v2"].version
        )
    assert client.post("/predict", json=row).json()["model_version"] == models["v2"].version
    assert 'serving_swaps_total{outcome="rolled_back"} 3.0' in client.get("/metrics").text


def test_every_request_is_one_json_log_line_with_its_request_id(client, row, caplog):
    with caplog.at_level(logging.INFO, logger="systems.serving.access"):
        client.post("/predict", json=row, headers={"X-Request-ID": "abc123"})
        client.get("/health")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "systems.serving.access"]
    assert [(x["request_id"], x["path"], x["status"]) for x in lines][0] == ("abc123", "/predict", 200)
    assert len(lines) == 2 and lines[1]["path"] == "/health" and lines[0]["ms"] > 0


def test_a_payload_with_types_outside_the_allow_list_never_serves(tmp_path, models):
    evil = tmp_path / "evil.skops"
    artifact.rewrite_payload(models["v1"].path, evil, sio.dumps({"f": print}), rehash=True)
    app = create_app(None)
    result = app.state.slot.swap(evil)
    assert not result.swapped and "outside the allow-list" in result.reason


def test_a_churn_data_model_is_served_unchanged(tmp_path):
    import numpy as np
    import pandas as pd

    from systems.churn.persistence import ChurnModel, save
    from systems.churn.tabular import TabularFeatures
    from systems.core.models import make_model

    rng = np.random.default_rng(0)
    train = pd.DataFrame(
        {
            "cust": [f"c{i}" for i in range(200)],
            "usage": rng.normal(10, 3, 200),
            "contract": rng.choice(["monthly", "yearly"], 200),
        }
    )
    f = TabularFeatures(exclude=("cust",)).fit(train)
    m = make_model("logreg", 0).fit(f.transform(train).to_numpy(), (train["usage"] < 9).astype(int))
    save(
        ChurnModel("tabular", f, f.feature_names_, m, 0.5, "cust", {"target": "y", "positive": "1"}),
        tmp_path / "m.skops",
    )
    app = create_app(None)
    assert app.state.slot.swap(tmp_path / "m.skops").swapped
    with TestClient(app) as c:
        ok = c.post("/predict", json={"cust": "a", "usage": 9.0, "contract": "monthly"})
        assert ok.status_code == 200 and ok.json()["id"] == "a"
        assert c.post("/predict", json={"usage": "9", "contract": "monthly"}).status_code == 422
        batch = c.post(
            "/predict-batch",
            json={"rows": [{"usage": 9.0, "contract": "weekly"}, {"usage": None, "contract": None}]},
        )
        assert batch.status_code == 200 and len(batch.json()["predictions"]) == 2
