"""make claims (systems.core.claims_report): which ledgers it gathers, the exact layout of
CLAIMS.md, the stability section it copies from verify/stability.json, and its command line.

The expected CLAIMS.md lines are written out by hand from the module's docstring and layout;
the stability rows are checked against ``stability.summarise`` of a hand-made table.
"""

import json
import logging

import pytest

from systems.core import claims_report, stability
from systems.core.claims_report import SYSTEMS, gather, render, stability_section
from systems.core.ledger import Verdict


def write_ledger(root, system, *claims, profile="quick", seed=0):
    (root / system).mkdir(parents=True, exist_ok=True)
    body = {"system": system, "profile": profile, "seed": seed, "claims": list(claims)}
    (root / system / "ledger.json").write_text(json.dumps(body))
    return body


def claim(cid, verdict, reason="why", timed=False):
    return {"id": cid, "verdict": verdict, "reason": reason, "timed": timed}


def test_gather_reads_every_present_ledger_past_the_missing_ones(tmp_path):
    # churn is first in SYSTEMS and drift fourth; ensemble and rag in between are missing.
    churn = write_ledger(tmp_path, "churn", claim("CH-01", "reproduced"))
    drift = write_ledger(tmp_path, "drift", claim("DR-01", "inconclusive"))
    found, missing = gather(tmp_path)
    assert found == [churn, drift]
    assert missing == [s for s in SYSTEMS if s not in ("churn", "drift")]


@pytest.mark.parametrize("text", ["{not json", '{"system": "drift"}', "[1, 2]"])
def test_gather_rejects_a_file_that_is_not_a_ledger_and_says_what_to_rerun(tmp_path, text):
    (tmp_path / "drift").mkdir()
    path = tmp_path / "drift" / "ledger.json"
    path.write_text(text)
    with pytest.raises(SystemExit) as err:
        gather(tmp_path)
    message = str(err.value)
    assert message.startswith(f"{path}: not a ledger (") and message.endswith("); re-run `make drift`")


def test_stability_section_before_make_verify_says_how_to_get_one(tmp_path):
    assert stability_section(tmp_path) == [
        "No stability table yet: `make verify` runs every system over 5 seeds.",
        "",
    ]


def test_stability_section_is_one_summary_row_per_system(tmp_path):
    stab = stability.aggregate(
        {
            "churn": {
                0: {"claims": [{"id": "CH-01", "verdict": "reproduced"}]},
                1: {"claims": [{"id": "CH-01", "verdict": "inconclusive"}]},
            },
            "rag": {0: None, 1: {"claims": [{"id": "RAG-01", "verdict": "reproduced"}]}},
        }
    )
    (tmp_path / "verify").mkdir()
    (tmp_path / "verify" / "stability.json").write_text(json.dumps(stab.to_json()))
    # churn: CH-01 reproduced on seed 0, inconclusive on seed 1 -> tie goes to inconclusive, 50%.
    # rag: RAG-01 error (crash) on seed 0, reproduced on seed 1 -> tie goes to error, 50%.
    assert "\n".join(stability_section(tmp_path)).split("\n") == [
        "## Stability over seeds 0, 1",
        "",
        "| system | claims | modal verdicts | all seeds agree | claims that flip |",
        "|---|---|---|---|---|",
        "| churn | 1 | 1 inconclusive | 0 | CH-01 50% |",
        "| rag | 1 | 1 error | 0 | RAG-01 50% |",
        "",
        "Per claim: `verify/stability.md`.",
        "",
    ]


def test_stability_section_rejects_a_broken_table(tmp_path):
    (tmp_path / "verify").mkdir()
    path = tmp_path / "verify" / "stability.json"
    path.write_text('{"seeds": [0]}')
    with pytest.raises(SystemExit) as err:
        stability_section(tmp_path)
    assert str(err.value).startswith(f"{path}: not a stability table (")
    assert str(err.value).endswith("); re-run `make verify`")


def test_render_is_the_documented_layout_line_by_line():
    churn = {
        "system": "churn",
        "profile": "full",
        "seed": 4,
        "claims": [
            claim("CH-01", "reproduced", "AUC 0.81", timed=True),
            claim("CH-02", "inconclusive", "n=50"),
        ],
    }
    got = render([churn], ["rag", "drift"]).split("\n")
    verdict_cols = [v.value for v in Verdict]  # one count column per verdict, in the enum's order
    counts = ["1" if v in ("reproduced", "inconclusive") else "0" for v in verdict_cols]
    assert got == [
        "# Claims ledger, all systems",
        "",
        "Total: 2 claims (1 reproduced, 1 inconclusive).",
        "",
        "| system | profile | seed | claims | " + " | ".join(verdict_cols) + " |",
        "|" + "---|" * (4 + len(verdict_cols)),
        "| churn | full | 4 | 2 | " + " | ".join(counts) + " |",
        "",
        "No ledger yet for: rag, drift (run `make <system>`).",
        "",
        "(timed) marks a verdict judged on wall-clock figures of that run; it can change between runs. "
        "Everything else is determined by the seed.",
        "",
        "## churn",
        "",
        "| id | verdict | why |",
        "|---|---|---|",
        "| CH-01 | reproduced (timed) | AUC 0.81 |",
        "| CH-02 | inconclusive | n=50 |",
        "",
    ]


def test_render_without_missing_systems_has_no_missing_line_and_untimed_claims_no_tag():
    led = {"system": "rag", "profile": "quick", "seed": 0, "claims": [claim("RAG-01", "reproduced")]}
    led["claims"][0].pop("timed")  # a ledger may leave "timed" out: that means not timed
    text = render([led], [])
    assert "No ledger yet" not in text
    assert "| RAG-01 | reproduced | why |" in text.split("\n")


def test_main_with_no_ledgers_writes_the_placeholder_into_a_new_folder(tmp_path, caplog):
    root = tmp_path / "a" / "reports"  # neither folder exists
    assert claims_report.main(["--root", str(root)]) == 0
    assert (root / "CLAIMS.md").read_text() == "# Claims ledger\n\nNo system has been run yet.\n"
    assert f"no ledgers under {root}/ yet: run a system first (e.g. `make churn`)" in caplog.messages


def test_main_root_defaults_to_reports_in_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_ledger(tmp_path / "reports", "rag", claim("RAG-01", "reproduced"))
    assert claims_report.main([]) == 0
    assert "## rag" in (tmp_path / "reports" / "CLAIMS.md").read_text().split("\n")


def test_main_writes_render_of_the_gathered_ledgers_and_logs_the_totals(tmp_path, caplog):
    rag = write_ledger(tmp_path, "rag", claim("RAG-01", "reproduced"), claim("RAG-02", "not-reproduced"))
    with caplog.at_level(logging.INFO, logger="systems.core.claims_report"):
        assert claims_report.main(["--root", str(tmp_path)]) == 0
    missing = [s for s in SYSTEMS if s != "rag"]
    assert (tmp_path / "CLAIMS.md").read_text() == render([rag], missing, tmp_path)
    assert f"{tmp_path / 'CLAIMS.md'}: 1 systems, 1 reproduced, 1 not-reproduced" in caplog.messages
    assert "not run yet: " + ", ".join(missing) in caplog.messages


def test_help_shows_the_module_docstring_and_the_root_option(help_of):
    out = help_of(claims_report.main)
    assert out.startswith("usage: make claims")
    flat = " ".join(out.split())
    assert " ".join(claims_report.__doc__.split()) in flat
    assert "--root ROOT folder holding <system>/ledger.json (default: reports)" in flat
