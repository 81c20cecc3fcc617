import json

import pytest

from systems.abtest.__main__ import main
from systems.abtest.bench import main as bench_main

SMALL = [
    "--n-users",
    "20000",
    "--design-sims",
    "400",
    "--seq-sims",
    "400",
    "--fwer-sims",
    "200",
    "--fwer-n",
    "3000",
    "--power-sims",
    "20",
    "--power-n",
    "4000",
    "--time-sims",
    "50",
]


@pytest.mark.slow
def test_small_run_writes_every_claim_and_is_deterministic(tmp_path):
    ledgers = []
    for name in ("a", "b"):
        assert main(SMALL + ["--seed", "1", "--out", str(tmp_path / name)]) == 0
        ledgers.append((tmp_path / name / "abtest" / "ledger.json").read_text())
    assert ledgers[0] == ledgers[1]
    ledger = json.loads(ledgers[0])
    assert [c["id"] for c in ledger["claims"]] == [f"AB-{i:02d}" for i in range(1, 11)]
    out = tmp_path / "a" / "abtest"
    for f in (
        "sequential.png",
        "sequential.md",
        "estimate_by_week.png",
        "estimate_by_week.md",
        "ramp.png",
        "balance.md",
        "story_metrics.md",
        "revenue_tests.md",
    ):
        assert (out / f).exists(), f


def test_bench_loop_and_vectorised_agree_on_a_small_case(capsys):
    assert bench_main(["--sims", "40", "--days", "10", "--repeats", "1"]) == 0
    assert "identical: True" in capsys.readouterr().err


def test_analyse_is_a_subcommand_and_the_default_when_data_is_named(monkeypatch):
    from systems.abtest import __main__ as abtest_main

    seen = []
    monkeypatch.setitem(
        abtest_main.COMMANDS, "analyse", abtest_main.Command("", lambda a: seen.append(a) or 0)
    )
    assert main(["analyse", "--data", "x.csv"]) == 0
    assert main(["--data=x.csv", "--unit", "u"]) == 0
    assert seen == [["--data", "x.csv"], ["--data=x.csv", "--unit", "u"]]
