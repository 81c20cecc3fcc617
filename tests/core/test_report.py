"""report: a run writes its ledger/metrics/run.json and publishes them; ledger.md rows match the records.

Rendered text is compared line by line with what the inputs and the documented layout give; the header
with platform/importlib.metadata; timing with a fake clock.
"""

import json
import logging
import platform
import sys
import threading
from datetime import UTC, datetime, timedelta
from importlib import metadata
from types import SimpleNamespace

import numpy as np
import pytest

from systems.core import report
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


# --- ledger.md: every record becomes one row, in the documented layout -------------------------------


def _record(cid, verdict, *, timed=False, source=None, evidence=(), reason="why"):
    return {
        "id": cid,
        "verdict": verdict,
        "statement": f"statement of {cid}",
        "claimed": {"auc": 0.8},
        "measured": {"auc": 0.812345, "n": 3},
        "source": source,
        "timed": timed,
        "reason": reason,
        "evidence": list(evidence),
    }


def test_ledger_markdown_layout_rows_and_why_section():
    ledger = {
        "system": "churn",
        "profile": "quick",
        "seed": 7,
        "claims": [
            _record("CH-01", "reproduced", source="systems/churn/claims.py:42", evidence=["roc.png", "t.md"]),
            _record("CH-02", "reproduced", reason="held"),
            _record("CH-03", "not-reproduced", timed=True, source="systems/churn/run.py:7", reason="slow"),
        ],
    }
    # measured floats are shown with 4 significant digits (0.812345 -> 0.8123), dicts as k=v pairs
    fig = "auc=0.8 | auc=0.8123, n=3"
    assert report.ledger_markdown(ledger).split("\n") == [
        "# Ledger: churn (profile quick, seed 7)",
        "",
        "Verdicts: 2 reproduced, 1 not-reproduced.",
        "",
        "Entries marked (timed) are judged on wall-clock figures of this machine in this run; "
        "they vary between runs. Everything else is determined by the seed.",
        "",
        "| id | verdict | claim | claimed | measured | code |",
        "|---|---|---|---|---|---|",
        f"| CH-01 | reproduced | statement of CH-01 | {fig} | [claims.py:42](../../systems/churn/claims.py#L42) |",
        f"| CH-02 | reproduced | statement of CH-02 | {fig} |  |",
        f"| CH-03 | not-reproduced (timed) | statement of CH-03 | {fig} | [run.py:7](../../systems/churn/run.py#L7) |",
        "",
        "## Why",
        "",
        "- **CH-01** (reproduced): why. Evidence: roc.png, t.md.",
        "- **CH-02** (reproduced): held.",
        "- **CH-03** (not-reproduced): slow.",
        "",  # the file ends with one newline
    ]


def test_ledger_markdown_without_timed_claims_has_no_timing_note():
    ledger = {"system": "rag", "profile": "full", "seed": 0, "claims": [_record("RAG-01", "inconclusive")]}
    lines = report.ledger_markdown(ledger).split("\n")
    assert lines[2:7] == [
        "Verdicts: 1 inconclusive.",
        "",
        "| id | verdict | claim | claimed | measured | code |",
        "|---|---|---|---|---|---|",
        "| RAG-01 | inconclusive | statement of RAG-01 | auc=0.8 | auc=0.8123, n=3 |  |",
    ]
    assert not any("(timed)" in line for line in lines)


def test_an_empty_ledger_says_none_and_no_rows():
    text = report.ledger_markdown({"system": "rag", "profile": "quick", "seed": 1, "claims": []})
    assert text == "# Ledger: rag (profile quick, seed 1)\n\nVerdicts: none.\n\n(no rows)\n\n## Why\n\n"


# --- markdown_table and its cells --------------------------------------------------------------------


def test_markdown_table_columns_are_the_union_in_first_seen_order():
    rows = [{"a": 1}, {"b": "y"}, {"c": 2.0, "a": 3}]  # each row after the first adds a column
    assert report.markdown_table(rows).split("\n") == [
        "| a | b | c |",
        "|---|---|---|",
        "| 1 |  |  |",  # a missing key is an empty cell
        "|  | y |  |",
        "| 3 |  | 2 |",  # f"{2.0:.4g}" == "2"
    ]


def test_cells_escape_pipes_flatten_newlines_and_format_nested_floats():
    rows = [{"text": "a|b\nc", "fig": {"p": 0.000123456, "q": 12345.678}, "n": 10}]
    # .4g: 4 significant digits, scientific notation below 1e-4 and at/above 1e4
    assert report.markdown_table(rows).split("\n")[2] == "| a\\|b c | p=0.0001235, q=1.235e+04 | 10 |"


def test_markdown_table_of_no_rows():
    assert report.markdown_table([]) == "(no rows)"


# --- source links from reports/<system>/ to the code -------------------------------------------------


def test_source_link_points_from_the_report_folder_to_the_line():
    assert report.source_link("systems/rag/claims.py:93") == "[claims.py:93](../../systems/rag/claims.py#L93)"
    assert (
        report.source_link("systems/rag/claims.py:93", depth=1)
        == "[claims.py:93](../systems/rag/claims.py#L93)"
    )
    assert report.source_link("dir:with:colons/a.py:5") == "[a.py:5](../../dir:with:colons/a.py#L5)", (
        "the line number is what follows the last colon"
    )


def test_source_link_without_a_line_number_is_returned_as_is():
    assert report.source_link(None) == "" and report.source_link("") == ""
    for source in ("systems/rag/claims.py", "systems/rag/claims.py:abc", ":12"):
        assert report.source_link(source) == source


# --- the run's files ---------------------------------------------------------------------------------


def _canonical(path):
    """The file as json.dumps(indent=2, sort_keys=True) writes it: diff-friendly and order-independent."""
    text = path.read_text()
    return json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n" == text


def test_json_files_are_indented_with_sorted_keys(tmp_path):
    out = _run(tmp_path)
    for name in ("ledger.json", "metrics.json", "run.json"):
        assert _canonical(out / name), name


def test_run_json_header_names_system_config_and_versions(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["python", "-m", "systems.churn", "--seed", "4"])
    before = datetime.now(UTC).replace(microsecond=0)
    out = _run(tmp_path / "r", seed=4)
    head = json.loads((out / "run.json").read_text())
    assert head["system"] == "churn" and head["profile"] == "quick" and head["seed"] == 4
    assert head["config"] == {"seed": 4, "profile": "quick", "out": str(tmp_path / "r")}, "a Path is a string"
    assert head["python"] == platform.python_version() and head["platform"] == platform.platform()
    assert head["packages"]["numpy"] == metadata.version("numpy")
    assert head["command"] == "python -m systems.churn --seed 4"
    started = datetime.fromisoformat(head["started_at"])
    assert started.utcoffset() == timedelta(0) and head["started_at"].endswith("+00:00"), "UTC, with offset"
    assert before <= started <= datetime.now(UTC) and started.microsecond == 0, "to the second"
    ledger = json.loads((out / "ledger.json").read_text())
    assert (ledger["system"], ledger["profile"], ledger["seed"]) == ("churn", "quick", 4)


def test_wall_seconds_is_the_elapsed_time_rounded_to_hundredths(tmp_path, monkeypatch):
    # a fake clock: the run starts at t=100 s and every later reading is t=103.14159 s
    readings = iter([100.0])
    monkeypatch.setattr(report, "time", SimpleNamespace(perf_counter=lambda: next(readings, 103.14159)))
    out = _run(tmp_path)
    assert json.loads((out / "run.json").read_text())["wall_seconds"] == 3.14


def test_claims_are_ordered_by_prefix_then_number(tmp_path):
    ids = ["CH-10", "CH-2", "AB-1", "CH-1", "CH-x"]
    with start_run("churn", RunConfig(out=tmp_path)) as run:
        run.add(*(Claim(cid, "s", scope_reason="r") for cid in ids))
    ledger = json.loads((tmp_path / "churn" / "ledger.json").read_text())
    # numerically, not as strings ("CH-10" after "CH-2"); an id without a number sorts as number 0
    assert [c["id"] for c in ledger["claims"]] == ["AB-1", "CH-x", "CH-1", "CH-2", "CH-10"]


def test_an_id_without_a_hyphen_sorts_by_its_whole_name_as_the_prefix():
    # "BB" has no "-number" part: its prefix is the whole id and its number 0, so it sits
    # alphabetically between the AB and CH claims (not first, as an empty prefix would)
    ids = ["CH-2", "BB", "AB-1"]
    assert sorted(ids, key=report.claim_sort_key) == ["AB-1", "BB", "CH-2"]


def test_evidence_paths_create_their_folders_and_stay_inside_the_run(tmp_path):
    with start_run("rag", RunConfig(out=tmp_path)) as run:
        p = run.path("figs/deep/x.txt")
        assert p.parent.is_dir() and p.parent.parent.parent == run.out_dir
        p.write_text("x")
        assert run.published_path("figs/deep/x.txt") == tmp_path / "rag" / "figs" / "deep" / "x.txt"
        for bad in ("/etc/passwd", "../other/x.txt"):
            with pytest.raises(ValueError, match="must be a relative path inside the run folder"):
                run.path(bad)
    assert (tmp_path / "rag" / "figs" / "deep" / "x.txt").read_text() == "x"


def test_a_non_finite_metric_is_named_with_its_scope(tmp_path):
    with start_run("rag", RunConfig(out=tmp_path)) as run:
        with pytest.raises(ValueError, match=r"^metric retrieval\.mrr is not finite: nan$"):
            run.metric("mrr", float("nan"), scope="retrieval")
        with pytest.raises(ValueError, match=r"^metric mrr is not finite: -inf$"):
            run.metric("mrr", float("-inf"))
        with pytest.raises(ValueError, match=r"^metric name 'Bad' must be snake_case"):
            run.metric("ok", 1.0, scope="Bad")


def test_write_table_writes_markdown_with_a_final_newline(tmp_path):
    with start_run("rag", RunConfig(out=tmp_path)) as run:
        assert run.write_table([{"k": 1, "v": 0.5}], "tables/t.md") == "tables/t.md"
    assert (tmp_path / "rag" / "tables" / "t.md").read_text() == "| k | v |\n|---|---|\n| 1 | 0.5 |\n"


def test_save_figure_writes_a_tight_110_dpi_png_and_closes_only_that_figure(tmp_path):
    import matplotlib.pyplot as plt
    from PIL import Image

    from systems.core.plotting import figure

    fig, ax = figure(width=6.0, height=4.0)
    ax.plot([0, 1], [0, 1])
    other, _ = figure()  # the current figure now; saving ``fig`` must leave it open
    try:
        with start_run("rag", RunConfig(out=tmp_path)) as run:
            assert run.save_figure(fig, "figs/roc.png") == "figs/roc.png"
        assert not plt.fignum_exists(fig.number) and plt.fignum_exists(other.number)
    finally:
        plt.close("all")
    with Image.open(tmp_path / "rag" / "figs" / "roc.png") as img:
        assert img.format == "PNG"
        # the PNG stores dots per metre as an integer, so the dpi read back is within 0.01 of 110
        np.testing.assert_allclose(img.info["dpi"], (110, 110), atol=0.01)
        w, h = img.size
    # bbox_inches="tight" crops the default margins: narrower than the full 6 in x 110 dpi = 660 px
    assert w < 660 and h <= 440


def test_a_run_in_a_worker_thread_is_published(tmp_path):
    runs = []

    def work():
        with start_run("rag", RunConfig(out=tmp_path)) as run:
            runs.append(run)

    t = threading.Thread(target=work)
    t.start()
    t.join(timeout=60)
    assert not t.is_alive(), "the run in the worker thread did not finish within 60 s"
    (run,) = runs
    assert run.published and run.out_dir == tmp_path / "rag", "after publishing, files are read from dest"
    assert (tmp_path / "rag" / "ledger.json").exists()
