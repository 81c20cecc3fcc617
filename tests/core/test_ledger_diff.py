"""ledger_diff: a refactor may move a claim's source line, nothing else."""

import json
import logging

from systems.core.ledger_diff import diff_ledgers, main


def _rec(cid, verdict="reproduced", source="systems/x/a.py:10", timed=False, measured=0.5):
    return {"id": cid, "verdict": verdict, "source": source, "timed": timed, "measured": {"auc": measured}}


def test_source_moves_are_not_differences():
    before = [_rec("X-01"), _rec("X-02", timed=True, measured=1.0)]
    after = [_rec("X-01", source="systems/x/b.py:99"), _rec("X-02", timed=True, measured=2.0)]
    assert diff_ledgers("x", before, after) == []


def test_a_changed_figure_or_missing_claim_is_reported():
    before = [_rec("X-01"), _rec("X-02")]
    after = [_rec("X-01", measured=0.51)]
    diffs = diff_ledgers("x", before, after)
    assert [(d.claim, d.fields) for d in diffs] == [("X-01", ("measured",)), ("X-02", ("only in before",))]


def test_cli_exit_codes(tmp_path):
    for root, recs in (("a", [_rec("X-01")]), ("b", [_rec("X-01")]), ("c", [_rec("X-01", verdict="x")])):
        (tmp_path / root / "sys").mkdir(parents=True)
        (tmp_path / root / "sys" / "ledger.json").write_text(json.dumps({"claims": recs}))
    assert main([str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    assert main([str(tmp_path / "a"), str(tmp_path / "c")]) == 1
    assert main([str(tmp_path / "a"), str(tmp_path / "nowhere")]) == 2


def test_cli_names_systems_differences_and_missing_ledgers(tmp_path, caplog):
    for root, recs in (("a", [_rec("X-01"), _rec("X-02")]), ("b", [_rec("X-01", verdict="x"), _rec("X-02")])):
        for system in ("one", "two"):
            (tmp_path / root / system).mkdir(parents=True)
            (tmp_path / root / system / "ledger.json").write_text(json.dumps({"claims": recs}))
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    with caplog.at_level(logging.INFO, logger="systems.core.ledger_diff"):
        assert main([a, b, "--systems", "two"]) == 1
    assert "two: 1 claims differ" in caplog.text and "  X-01: verdict" in caplog.text
    assert "one:" not in caplog.text, "--systems limits the comparison"
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="systems.core.ledger_diff"):
        assert main([a, a]) == 0
    assert "one: identical" in caplog.text and "two: identical" in caplog.text, (
        "default: every system in BEFORE"
    )
    caplog.clear()
    assert main([a, b, "--systems", "one,three"]) == 2
    assert (
        f"no ledger at {tmp_path / 'a' / 'three' / 'ledger.json'}, {tmp_path / 'b' / 'three' / 'ledger.json'}"
        in caplog.text
    )
    caplog.clear()
    assert main([str(tmp_path / "empty"), b]) == 2
    assert f"no ledger at {tmp_path / 'empty'}/*/ledger.json" in caplog.text
