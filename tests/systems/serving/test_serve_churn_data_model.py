"""Issue 15's "done when", end to end: a model trained by ``churn --data`` on a CSV is served
unchanged by ``python -m systems.serving serve`` (a real uvicorn process on loopback) and
answers a valid row, a 422 for a wrong type, ``/predict-batch`` and Prometheus ``/metrics``.

``test_app.py`` builds a tabular bundle by hand and uses the TestClient; here the artefact is
the one the churn CLI writes, and the served probability must equal what ``churn predict``
writes for the same row. Slow: one churn training (tiny profile) and one server start.
"""

import json

import httpx
import numpy as np
import pandas as pd
import pytest

from systems.churn.__main__ import main as churn
from systems.serving.server import Server


def _csv(path, n=500, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    df = pd.DataFrame(
        {
            "cust": [f"c{i}" for i in range(n)],
            "usage": (10 + 3 * x).round(2),
            "tenure": rng.integers(1, 60, n),
            "contract": rng.choice(["monthly", "yearly"], n),
            "Churn": np.where(x + rng.normal(size=n) < -0.6, "Yes", "No"),
        }
    )
    df.to_csv(path, index=False)
    return df


@pytest.mark.slow
def test_a_churn_data_model_is_served_by_the_serve_command(tmp_path, capsys):
    _csv(tmp_path / "train.csv")
    argv = ["--data", str(tmp_path / "train.csv"), "--target", "Churn", "--id", "cust"]
    assert churn([*argv, "--profile", "tiny", "--out", str(tmp_path / "r")]) == 0
    model = tmp_path / "r" / "churn_csv" / "model.skops"
    new = _csv(tmp_path / "new.csv", 5, 1).drop(columns=["Churn"])
    new.to_csv(tmp_path / "new.csv", index=False)
    capsys.readouterr()
    assert (
        churn(
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
        == 0
    )
    offline = pd.read_csv(tmp_path / "p.csv").set_index("cust")["churn_probability"]
    rows = json.loads(new.to_json(orient="records"))
    with Server(model, 1, tmp_path / "server.log") as s, httpx.Client(base_url=s.url, timeout=30) as c:
        assert c.get("/ready").status_code == 200
        ok = c.post("/predict", json=rows[0])
        assert ok.status_code == 200, ok.text
        body = ok.json()
        assert body["probability"] == pytest.approx(offline[rows[0]["cust"]], abs=1e-6)
        assert body["flag"] == (body["probability"] >= body["threshold"])
        bad = c.post("/predict", json=rows[0] | {"usage": "lots"})
        assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "usage"
        batch = c.post("/predict-batch", json={"rows": rows})
        assert batch.status_code == 200
        got = [p["probability"] for p in batch.json()["predictions"]]
        assert got == pytest.approx([offline[r["cust"]] for r in rows], abs=1e-6)
        metrics = c.get("/metrics")
        assert metrics.headers["content-type"].startswith("text/plain")
        assert 'serving_requests_total{endpoint="/predict",status="422"} 1.0' in metrics.text
        assert 'serving_requests_total{endpoint="/predict-batch",status="200"} 1.0' in metrics.text
