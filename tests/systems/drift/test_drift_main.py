import json

import pytest

from systems.drift.__main__ import main

SMALL = [
    "--n-reference",
    "4000",
    "--n-week",
    "500",
    "--n-eval",
    "3000",
    "--ss-max-n",
    "10000",
    "--ss-repeats",
    "3",
]


@pytest.mark.slow
def test_small_run_writes_every_claim_and_is_deterministic(tmp_path):
    ledgers = []
    for name in ("a", "b"):
        assert main(SMALL + ["--seed", "1", "--out", str(tmp_path / name)]) == 0
        ledgers.append((tmp_path / name / "drift" / "ledger.json").read_text())
    ledger = json.loads(ledgers[0])
    assert [c["id"] for c in ledger["claims"]] == [f"DR-{i:02d}" for i in range(1, 11)]
    assert ledgers[0] == ledgers[1]
    out = tmp_path / "a" / "drift"
    for f in (
        "timeline.png",
        "detections.md",
        "loop_log.md",
        "worst_week_histograms.png",
        "sample_size.png",
        "roc_psi.png",
        "reliability.png",
        "validation_gates.md",
    ):
        assert (out / f).exists(), f


def test_help_lists_the_compare_mode(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "--reference A.csv --current B.csv" in capsys.readouterr().out


def test_compare_is_a_subcommand_and_the_default_when_tables_are_named(tmp_path, monkeypatch):
    from systems.drift import __main__ as drift_main

    seen = []
    monkeypatch.setitem(drift_main.COMMANDS, "compare", drift_main.Command("", lambda a: seen.append(a) or 0))
    tables = ["--reference", "a.csv", "--current", "b.csv"]
    assert main(["compare", *tables]) == 0
    assert main(tables) == 0
    assert main(["--current=b.csv", "--reference=a.csv"]) == 0
    assert seen == [tables, tables, ["--current=b.csv", "--reference=a.csv"]]


def test_unknown_flags_are_usage_errors_on_stderr(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--no-such-flag"])
    assert exit_.value.code == 2 and "--no-such-flag" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["--profile", "huge"])
    assert exit_.value.code == 2 and "invalid choice: 'huge'" in capsys.readouterr().err
