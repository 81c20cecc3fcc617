"""Stability over seeds: modal verdict, agreement, crashes, and the verify/claims plumbing."""

import json

import pytest

from systems.core import claims_report, stability
from systems.core.stability import aggregate, modal_verdict


def ledger(*pairs, timed=()):
    return {"claims": [{"id": i, "verdict": v, "timed": i in timed} for i, v in pairs]}


def test_modal_and_agreement_on_a_hand_made_set():
    runs = {
        "churn": {
            0: ledger(("CH-01", "by-construction"), ("CH-02", "reproduced")),
            1: ledger(("CH-01", "by-construction"), ("CH-02", "inconclusive")),
            2: ledger(("CH-01", "by-construction"), ("CH-02", "inconclusive")),
        },
        "drift": {
            0: ledger(("DR-01", "reproduced"), timed=("DR-01",)),
            1: None,  # crashed on seed 1
            2: ledger(("DR-01", "reproduced")),
        },
    }
    stab = aggregate(runs)
    by_id = {c.id: c for c in stab.claims}
    assert stab.seeds == [0, 1, 2]
    assert by_id["CH-01"].modal == "by-construction" and by_id["CH-01"].agreement == 1.0
    assert by_id["CH-02"].modal == "inconclusive" and by_id["CH-02"].agreement == pytest.approx(
        2 / 3, abs=1e-4
    )
    assert by_id["DR-01"].verdicts == {"0": "reproduced", "1": "error", "2": "reproduced"}
    assert by_id["DR-01"].agreement == pytest.approx(2 / 3, abs=1e-4) and by_id["DR-01"].timed


def test_tie_goes_to_the_more_cautious_verdict():
    assert modal_verdict(["reproduced", "inconclusive"]) == ("inconclusive", 0.5)
    assert modal_verdict(["direction-holds", "not-reproduced"])[0] == "not-reproduced"
    assert modal_verdict(["reproduced", "reproduced", "not-reproduced"]) == (
        "reproduced",
        pytest.approx(2 / 3),
    )


def test_summary_counts_modal_verdicts_unanimity_and_flips():
    runs = {
        "churn": {
            0: ledger(("CH-01", "by-construction"), ("CH-02", "reproduced"), ("CH-03", "reproduced")),
            1: ledger(("CH-01", "by-construction"), ("CH-02", "inconclusive"), ("CH-03", "reproduced")),
            2: ledger(("CH-01", "by-construction"), ("CH-02", "inconclusive"), ("CH-03", "reproduced")),
        },
        "rag": {
            s: ledger(("RAG-02", "reproduced" if s else "not-reproduced"), timed=("RAG-02",))
            for s in range(3)
        },
    }
    churn, rag = stability.summarise(aggregate(runs))
    assert churn.modal_counts == {"reproduced": 1, "by-construction": 1, "inconclusive": 1}
    assert list(churn.modal_counts) == ["reproduced", "by-construction", "inconclusive"], "report order"
    assert (churn.unanimous, churn.n_claims) == (2, 3)
    assert churn.flips_text() == "CH-02 67%" and rag.flips_text() == "RAG-02 (timed) 67%"
    md = stability.markdown(aggregate(runs))
    assert "| churn | 1 reproduced, 1 by-construction, 1 inconclusive | 2 of 3 | CH-02 67% |" in md


def test_expected_ids_reported_even_when_every_run_failed():
    stab = aggregate({"drift": {0: None, 1: None}}, expected_ids={"drift": ["DR-01"]})
    assert [(c.id, c.modal, c.agreement) for c in stab.claims] == [("DR-01", "error", 1.0)]


def test_json_round_trip_and_markdown(tmp_path):
    stab = aggregate({"churn": {0: ledger(("CH-01", "reproduced")), 1: ledger(("CH-01", "not-reproduced"))}})
    path = tmp_path / "stability.json"
    path.write_text(json.dumps(stab.to_json()))
    assert stability.load(path) == stab
    md = stability.markdown(stab)
    assert "| CH-01 | not-reproduced | 50% | reproduced | not-reproduced |" in md


def test_claims_report_shows_stability_when_present(tmp_path):
    (tmp_path / "churn").mkdir()
    (tmp_path / "churn" / "ledger.json").write_text(
        json.dumps(
            {
                "system": "churn",
                "profile": "quick",
                "seed": 0,
                "claims": [
                    {"id": "CH-01", "verdict": "by-construction", "reason": "planted", "timed": False}
                ],
            }
        )
    )
    assert claims_report.main(["--root", str(tmp_path)]) == 0
    assert "No stability table yet" in (tmp_path / "CLAIMS.md").read_text()
    stab = aggregate(
        {"churn": {0: ledger(("CH-01", "by-construction")), 1: ledger(("CH-01", "by-construction"))}}
    )
    (tmp_path / "verify").mkdir()
    (tmp_path / "verify" / "stability.json").write_text(json.dumps(stab.to_json()))
    assert claims_report.main(["--root", str(tmp_path)]) == 0
    text = (tmp_path / "CLAIMS.md").read_text()
    assert "Stability over seeds 0, 1" in text and "2 by-construction" not in text
    assert "1 by-construction" in text
    assert "| churn | 1 | 1 by-construction | 1 | none |" in text, (
        "make claims shows stability.md's summary row"
    )


def test_verify_rejects_unknown_system(capsys):
    from systems.core import verify

    with pytest.raises(SystemExit):
        verify.main(["--systems", "nosuch", "--seeds", "1"])
    assert "unknown system" in capsys.readouterr().err


def test_verify_reuses_ledgers_left_by_an_earlier_run(tmp_path):
    from systems.core import verify

    for seed, v in ((0, "reproduced"), (1, "inconclusive")):
        d = tmp_path / "verify" / "runs" / f"seed-{seed}" / "algorithms"
        d.mkdir(parents=True)
        (d / "ledger.json").write_text(json.dumps(ledger(("AL-01", v))))
    assert verify.main(["--systems", "algorithms", "--seeds", "2", "--out", str(tmp_path), "--reuse"]) == 0
    stab = json.loads((tmp_path / "verify" / "stability.json").read_text())
    assert stab["claims"][0]["verdicts"] == {"0": "reproduced", "1": "inconclusive"}


def test_markdown_is_the_documented_layout_line_by_line():
    runs = {
        "drift": {
            0: ledger(("DR-01", "reproduced"), timed=("DR-01",)),
            1: ledger(("DR-01", "not-reproduced")),
        },
        "rag": {0: ledger(("RAG-01", "by-construction")), 1: ledger(("RAG-01", "by-construction"))},
    }
    expected = [
        "# Verdict stability over seeds 0, 1 (quick profile)",
        "",
        "Modal verdict per claim and the share of seeds that gave it; (timed) marks claims judged on wall-clock figures.",
        "",
        "| system | modal verdicts over 2 seeds | unanimous | claims that flip |",
        "|---|---|---|---|",
        "| drift | 1 not-reproduced | 0 of 1 | DR-01 (timed) 50% |",
        "| rag | 1 by-construction | 1 of 1 | none |",
        "",
        "## drift",
        "",
        "Modal verdicts: 1 not-reproduced.",
        "",
        "| id | modal | agreement | seed 0 | seed 1 |",
        "|---|---|---|---|---|",
        "| DR-01 | not-reproduced (timed) | 50% | reproduced | not-reproduced |",
        "",
        "## rag",
        "",
        "Modal verdicts: 1 by-construction.",
        "",
        "| id | modal | agreement | seed 0 | seed 1 |",
        "|---|---|---|---|---|",
        "| RAG-01 | by-construction | 100% | by-construction | by-construction |",
        "",
    ]
    assert stability.markdown(aggregate(runs)).split("\n") == expected


def test_modal_verdict_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="^modal_verdict needs at least one verdict$"):
        modal_verdict([])


def test_an_unknown_verdict_wins_a_tie_even_against_error():
    # rank.get(v, -1): a verdict missing from CAUTION sorts before "error" (rank 0), so a tie
    # with it is reported as the unknown verdict, never as the more flattering one.
    assert modal_verdict(["error", "made-up"]) == ("made-up", 0.5)
    assert modal_verdict(["reproduced", "made-up"]) == ("made-up", 0.5)
    assert modal_verdict(["made-up", "error", "error"])[0] == "error", "a majority still wins"


def test_agreement_is_stored_to_four_decimals():
    # Two of three seeds agree: 2/3 = 0.666..., kept in stability.json as 0.6667.
    runs = {"churn": {s: ledger(("CH-01", "reproduced" if s else "inconclusive")) for s in range(3)}}
    (claim,) = aggregate(runs).claims
    assert claim.agreement == 0.6667


def test_timed_is_false_for_a_claim_no_run_reported():
    stab = aggregate({"drift": {0: None}}, expected_ids={"drift": ["DR-01"]})
    assert stab.claims[0].timed is False


def test_a_claim_is_timed_if_any_seed_said_so():
    runs = {
        "drift": {0: ledger(("DR-01", "reproduced"), timed=("DR-01",)), 1: ledger(("DR-01", "reproduced"))}
    }
    assert aggregate(runs).claims[0].timed is True
    runs = {"drift": {0: ledger(("DR-01", "reproduced")), 1: ledger(("DR-01", "reproduced"))}}
    assert aggregate(runs).claims[0].timed is False


def test_flips_are_listed_comma_separated_in_claim_order():
    runs = {
        "churn": {
            0: ledger(("CH-01", "reproduced"), ("CH-02", "reproduced"), ("CH-03", "reproduced")),
            1: ledger(("CH-01", "inconclusive"), ("CH-02", "reproduced"), ("CH-03", "not-reproduced")),
        }
    }
    (churn,) = stability.summarise(aggregate(runs))
    # CH-01 and CH-03 each agree on 1 of 2 seeds; CH-02 is unanimous.
    assert churn.flips_text() == "CH-01 50%, CH-03 50%"
    assert (churn.unanimous, churn.n_claims) == (1, 3)


def test_summary_says_none_when_nothing_flips():
    runs = {"rag": {0: ledger(("RAG-01", "reproduced")), 1: ledger(("RAG-01", "reproduced"))}}
    (rag,) = stability.summarise(aggregate(runs))
    assert rag.flips == [] and rag.flips_text() == "none"


def test_summary_lists_an_unknown_modal_verdict_after_the_known_ones():
    runs = {"rag": {0: ledger(("RAG-01", "made-up"), ("RAG-02", "error"), ("RAG-03", "reproduced"))}}
    (rag,) = stability.summarise(aggregate(runs))
    assert list(rag.modal_counts) == ["reproduced", "error", "made-up"]
