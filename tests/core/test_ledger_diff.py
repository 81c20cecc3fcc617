"""ledger_diff: a refactor may move a claim's source line, nothing else."""

import json
import logging
import re

import pytest

from systems.core.ledger_diff import Difference, diff_ledgers, main


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


def test_each_difference_names_its_system_and_the_side_a_claim_is_on():
    before = [_rec("X-01"), _rec("X-03")]
    after = [_rec("X-02"), _rec("X-03", verdict="not-reproduced")]
    diffs = diff_ledgers("churn", before, after)
    # sorted by id; a claim missing on one side does not stop the comparison of the ones after it
    assert [(d.system, d.claim, d.fields) for d in diffs] == [
        ("churn", "X-01", ("only in before",)),
        ("churn", "X-02", ("only in after",)),
        ("churn", "X-03", ("verdict",)),
    ]


def test_a_field_present_on_one_side_only_is_a_difference():
    before = [_rec("X-01")]
    after = [dict(_rec("X-01"), note="new field")]
    assert diff_ledgers("x", before, after) == [Difference("x", "X-01", ("note",))]
    assert diff_ledgers("x", after, before) == [Difference("x", "X-01", ("note",))]


def test_fields_are_listed_in_alphabetical_order():
    before = [_rec("X-01")]
    after = [_rec("X-01", verdict="not-reproduced", measured=0.9)]
    assert diff_ledgers("x", before, after) == [Difference("x", "X-01", ("measured", "verdict"))]


def _write(root, system, recs):
    (root / system).mkdir(parents=True, exist_ok=True)
    (root / system / "ledger.json").write_text(json.dumps({"claims": recs}))


def test_any_differing_system_makes_the_exit_status_1(tmp_path):
    _write(tmp_path / "a", "one", [_rec("X-01")])
    _write(tmp_path / "a", "two", [_rec("X-01")])
    _write(tmp_path / "b", "one", [_rec("X-01", verdict="x")])
    _write(tmp_path / "b", "two", [_rec("X-01")])
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    assert main([a, b]) == 1, "'one' differs even though 'two', compared last, is identical"
    assert main([a, b, "--systems", "two,one"]) == 1
    assert main([a, b, "--systems", "two"]) == 0


def _argument_help(out):
    """{argument: help text} from argparse's two-column "  name    help" lines."""
    pairs = (re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in out.splitlines())
    return {p[0]: p[1] for p in pairs if len(p) == 2}


def test_help_names_the_module_and_its_arguments(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: python -m systems.core.ledger_diff")
    assert "Compare the seed-determined part of two runs' ledgers" in out, "the module docstring"
    helps = _argument_help(out)
    assert helps["before"] == "report root of the earlier run"
    assert helps["after"] == "report root of the later run"
    assert helps["--systems SYSTEMS"] == "comma-separated systems (default: all in BEFORE)"


def test_log_lines_are_exactly_one_per_system_and_one_per_differing_claim(tmp_path, caplog):
    _write(tmp_path / "a", "one", [_rec("X-01"), _rec("X-02")])
    _write(tmp_path / "b", "one", [_rec("X-01", verdict="x", measured=0.1), _rec("X-02")])
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    with caplog.at_level(logging.INFO, logger="systems.core.ledger_diff"):
        assert main([a, b]) == 1
        assert main([a, str(tmp_path / "none")]) == 2
    assert [r.getMessage() for r in caplog.records] == [
        "one: 1 claims differ",
        "  X-01: measured, verdict",
        f"ledger_diff: no ledger at {tmp_path / 'none' / 'one' / 'ledger.json'}",
    ]
