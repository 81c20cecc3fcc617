import json
import logging

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


def test_claims_md_layout_and_log(tmp_path, caplog):
    from systems.core.claims_report import SYSTEMS, render

    drift = {
        "system": "drift",
        "profile": "quick",
        "seed": 3,
        "claims": [
            {"id": "DR-01", "verdict": "reproduced", "reason": "a | b", "timed": True},
            {"id": "DR-02", "verdict": "not-reproduced", "reason": "off"},
        ],
    }
    text = render([drift], ["rag"])
    lines = text.split("\n")
    assert lines[:3] == [
        "# Claims ledger, all systems",
        "",
        "Total: 2 claims (1 reproduced, 1 not-reproduced).",
    ]
    assert lines[4].startswith("| system | profile | seed | claims | reproduced |")
    assert lines[6].startswith("| drift | quick | 3 | 2 | 1 |")
    assert "No ledger yet for: rag (run `make <system>`)." in lines
    assert "## drift" in lines and "## Stability" not in text, "no root: no stability section"
    assert "| DR-01 | reproduced (timed) | a \\| b |" in lines and "| DR-02 | not-reproduced | off |" in lines
    (tmp_path / "drift").mkdir()
    (tmp_path / "drift" / "ledger.json").write_text(json.dumps(drift))
    with caplog.at_level(logging.INFO, logger="systems.core.claims_report"):
        assert claims_main(["--root", str(tmp_path)]) == 0
    assert f"{tmp_path / 'CLAIMS.md'}: 1 systems, 1 reproduced, 1 not-reproduced" in caplog.text
    assert "not run yet: " + ", ".join(s for s in SYSTEMS if s != "drift") in caplog.text
    assert (tmp_path / "CLAIMS.md").read_text().startswith("# Claims ledger, all systems\n")


def test_a_damaged_ledger_or_stability_file_names_itself(tmp_path):
    (tmp_path / "churn").mkdir()
    (tmp_path / "churn" / "ledger.json").write_text("{not json")
    with pytest.raises(SystemExit, match=r"churn/ledger.json: not a ledger .*re-run `make churn`"):
        claims_main(["--root", str(tmp_path)])
    (tmp_path / "churn" / "ledger.json").write_text('{"system": "churn"}')
    with pytest.raises(SystemExit, match="not a ledger"):
        claims_main(["--root", str(tmp_path)])
    (tmp_path / "churn" / "ledger.json").write_text(
        '{"system": "churn", "profile": "quick", "seed": 0, "claims": []}'
    )
    (tmp_path / "verify").mkdir()
    (tmp_path / "verify" / "stability.json").write_text("[]")
    with pytest.raises(SystemExit, match=r"stability.json: not a stability table .*re-run `make verify`"):
        claims_main(["--root", str(tmp_path)])
