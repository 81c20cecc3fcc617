"""The real uvicorn server on an ephemeral loopback port, and swaps under concurrent requests."""

import threading
import zipfile

import httpx
import pytest
from fastapi.testclient import TestClient

from systems.core import artifact
from systems.serving import canary, loadtest, model
from systems.serving.__main__ import main
from systems.serving.app import create_app
from systems.serving.server import Server


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    d = tmp_path_factory.mktemp("served")
    v1 = model.train(d / "v1.skops", 1200, 0, version="1.0.0")
    v2 = model.train(d / "v2.skops", 1200, 1, version="1.0.1")
    with zipfile.ZipFile(v2.path) as z:
        other = z.read("payload.skops")
    artifact.rewrite_payload(v1.path, d / "bad.skops", other, rehash=True)
    return v1, v2, d / "bad.skops"


def test_real_server_answers_ready_a_prediction_a_422_and_metrics(models, tmp_path):
    v1 = models[0]
    row = model.request_rows(2, 5)[0]
    with Server(v1.path, 1, tmp_path / "server.log") as s, httpx.Client(base_url=s.url, timeout=10) as c:
        assert s.url.startswith("http://127.0.0.1:")
        assert c.get("/ready").json() == {"ready": True, "model_version": v1.version}
        p = c.post("/predict", json=row)
        assert p.status_code == 200 and 0 <= p.json()["probability"] <= 1
        bad = c.post("/predict", json=row | {"seats": "two"})
        assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "seats"
        text = c.get("/metrics").text
        assert 'serving_requests_total{endpoint="/predict",status="422"} 1.0' in text
    log_lines = [
        x for x in (tmp_path / "server.log").read_text().splitlines() if x.startswith('{"request_id"')
    ]
    assert any('"path": "/predict", "status": 422' in x for x in log_lines)


def test_swap_and_rollback_under_concurrent_requests_fail_nothing(models):
    v1, v2, bad = models
    app = create_app(None)
    assert app.state.slot.swap(v1.path).swapped
    rows = model.request_rows(50, 8)
    statuses, versions, stop = [], set(), threading.Event()

    def hammer(client):
        i = 0
        while not stop.is_set() and i < 400:  # bounded: 400 requests per thread at most
            r = client.post("/predict", json=rows[i % len(rows)])
            statuses.append(r.status_code)
            versions.add(r.json().get("model_version"))
            i += 1

    with TestClient(app) as c:
        threads = [threading.Thread(target=hammer, args=(c,)) for _ in range(3)]
        for t in threads:
            t.start()
        first = c.post("/admin/swap", json={"path": str(v2.path)})
        second = c.post("/admin/swap", json={"path": str(bad)})
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert first.status_code == 200 and second.status_code == 409
    assert set(statuses) == {200} and len(statuses) > 0
    assert app.state.slot.state.version == v2.version and versions <= {v1.version, v2.version}


def test_load_generator_refuses_non_loopback_targets():
    with pytest.raises(ValueError, match="loopback"):
        loadtest.run("http://example.com", "/health", [None], 1, 1, 1.0)


def test_serve_cli_refuses_remote_hosts_and_bad_models(tmp_path, capsys):
    (tmp_path / "m.joblib").write_bytes(b"\x80\x04junk")
    assert main(["serve", "--model", str(tmp_path / "m.joblib"), "--host", "0.0.0.0"]) == 2
    assert "not a loopback address" in capsys.readouterr().err
    assert main(["serve", "--model", str(tmp_path / "m.joblib"), "--port", "8123"]) == 2
    assert "not a zip archive" in capsys.readouterr().err


def test_canary_split_is_deterministic_and_monotone():
    keys = [f"k{i}" for i in range(20000)]
    split = canary.measure_split(keys, 0.05)
    assert split.stable_on_repeat and split.monotone_rollout
    assert abs(split.n_canary / split.n_keys - 0.05) < 0.01
    assert canary.to_canary("k1", 0.05) == canary.to_canary("k1", 0.05)
    assert all(canary.to_canary(k, 0.2) for k in keys[:2000] if canary.to_canary(k, 0.05))


def test_requests_to_detect_matches_the_closed_form():
    import numpy as np
    from scipy import stats

    p0, p1, s = 0.01, 0.02, 0.05
    h = 2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p0))
    closed = ((stats.norm.ppf(0.95) + stats.norm.ppf(0.8)) / h) ** 2 * (1 + s / (1 - s))
    assert canary.requests_to_detect(p0, p1, s) == int(np.ceil(closed))
