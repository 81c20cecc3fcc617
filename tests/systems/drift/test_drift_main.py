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
