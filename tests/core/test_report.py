import json

import pytest

from systems.core.claims_report import main as claims_main
from systems.core.config import RunConfig
from systems.core.ledger import Claim, Tolerance
from systems.core.report import start_run


def _run(tmp_path, seed=0):
    cfg = RunConfig(seed=seed, out=tmp_path)
    with start_run("churn", cfg) as run:
        run.metric("roc_auc", 0.81, scope="xgboost")
        run.metric("f1", 0.5)
        run.add(
            Claim("CH-02", "b", claimed={"x": 1.0}, measured={"x": 1.0}, tolerance=Tolerance(abs=0)),
            Claim("CH-13", "a", scope_reason="business outcome"),
        )
    return tmp_path / "churn"


def test_run_writes_ledger_metrics_and_header(tmp_path):
    out = _run(tmp_path)
    ledger = json.loads((out / "ledger.json").read_text())
    assert [c["id"] for c in ledger["claims"]] == ["CH-02", "CH-13"]
    assert [c["verdict"] for c in ledger["claims"]] == ["reproduced", "out-of-scope"]
    assert json.loads((out / "metrics.json").read_text()) == {"f1": 0.5, "xgboost": {"roc_auc": 0.81}}
    assert "CH-13" in (out / "ledger.md").read_text()
    assert "wall_seconds" in json.loads((out / "run.json").read_text())


def test_same_seed_gives_byte_identical_ledger(tmp_path):
    a = (_run(tmp_path / "a") / "ledger.json").read_bytes()
    b = (_run(tmp_path / "b") / "ledger.json").read_bytes()
    assert a == b


def test_failed_run_writes_no_ledger(tmp_path):
    with pytest.raises(RuntimeError):
        with start_run("drift", RunConfig(out=tmp_path)) as run:
            run.add(Claim("DR-01", "x", measured={"a": 1.0}, relations=[("a", ">", 0)]))
            raise RuntimeError("boom")
    assert not (tmp_path / "drift" / "ledger.json").exists()


def test_metric_names_must_be_snake_case_and_finite(tmp_path):
    with start_run("rag", RunConfig(out=tmp_path)) as run:
        with pytest.raises(ValueError, match="snake_case"):
            run.metric("ROC AUC", 0.5)
        with pytest.raises(ValueError, match="not finite"):
            run.metric("mrr", float("inf"))
        with pytest.raises(ValueError, match="twice"):
            run.add(Claim("R-1", "x", scope_reason="y"), Claim("R-1", "x", scope_reason="y"))


def test_claims_report_gathers_present_ledgers(tmp_path, capsys):
    assert claims_main(["--root", str(tmp_path)]) == 0
    assert "no ledgers" in capsys.readouterr().err
    assert "No system has been run yet" in (tmp_path / "CLAIMS.md").read_text()
    _run(tmp_path)
    assert claims_main(["--root", str(tmp_path)]) == 0
    text = (tmp_path / "CLAIMS.md").read_text()
    assert "1 reproduced, 1 out-of-scope" in text and "No ledger yet for: ensemble" in text
