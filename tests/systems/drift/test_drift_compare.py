import numpy as np
import pandas as pd

from systems.drift.__main__ import main


def _write(tmp_path):
    rng = np.random.default_rng(0)
    a = pd.DataFrame({"x": rng.normal(0, 1, 800), "c": rng.choice(["u", "v"], 800), "id": np.arange(800)})
    b = pd.DataFrame(
        {"x": rng.normal(1, 1, 500), "c": rng.choice(["u", "v", "w"], 500), "id": np.arange(500)}
    )
    a.to_csv(tmp_path / "a.csv", index=False)
    b.to_csv(tmp_path / "b.csv", index=False)
    return a, b


def test_compare_two_tables_writes_report(tmp_path, capsys):
    _write(tmp_path)
    rc = main(
        [
            "--reference",
            str(tmp_path / "a.csv"),
            "--current",
            str(tmp_path / "b.csv"),
            "--exclude",
            "id",
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert rc == 0
    rep = pd.read_csv(tmp_path / "out" / "drift_compare" / "report.csv")
    row = rep.set_index("feature")
    assert set(row.index) == {"x", "c"}
    assert row.loc["x", "level"] == "retrain" and row.loc["c", "unseen"] == "w"
    cap = capsys.readouterr()
    assert cap.out.startswith("Data set DRIFTED") and "written:" in cap.err and "report.md" in cap.err


def test_compare_missing_column_exits_with_message(tmp_path, capsys):
    a, b = _write(tmp_path)
    b.drop(columns=["c"]).to_csv(tmp_path / "b.csv", index=False)
    rc = main(
        [
            "--reference",
            str(tmp_path / "a.csv"),
            "--current",
            str(tmp_path / "b.csv"),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    cap = capsys.readouterr()
    assert rc == 2 and "missing monitored column(s) ['c']" in cap.err
    assert cap.err.count("\n") == 1 and cap.out == ""
    assert not (tmp_path / "out" / "drift_compare" / "report.md").exists()


def test_compare_empty_and_absent_files(tmp_path, capsys):
    (tmp_path / "empty.csv").write_text("")
    _write(tmp_path)
    assert main(["--reference", str(tmp_path / "a.csv"), "--current", str(tmp_path / "empty.csv")]) == 2
    assert "--current" in (err := capsys.readouterr().err) and "is empty" in err
    assert main(["--reference", str(tmp_path / "nope.csv"), "--current", str(tmp_path / "a.csv")]) == 2
    assert "--reference" in (err := capsys.readouterr().err) and "does not exist" in err


def test_compare_header_only_file_is_refused_naming_the_window(tmp_path, capsys):
    # the shared reader (systems.core.tabular) refuses a header-only file before the
    # monitor sees it (which said "current window is empty"); the flag names the window
    a, _ = _write(tmp_path)
    a.head(0).to_csv(tmp_path / "h.csv", index=False)
    assert main(["--reference", str(tmp_path / "a.csv"), "--current", str(tmp_path / "h.csv")]) == 2
    err = capsys.readouterr().err
    assert "--current" in err and "has a header but no data rows" in err and err.count("\n") == 1


def test_gzipped_semicolon_exports_compare_like_plain_csv(tmp_path):
    a, b = _write(tmp_path)
    a.to_csv(tmp_path / "a.csv.gz", index=False, sep=";", compression="gzip")
    argv = ["--current", str(tmp_path / "b.csv"), "--exclude", "id", "--out"]
    assert main(["--reference", str(tmp_path / "a.csv"), *argv, str(tmp_path / "plain")]) == 0
    assert main(["--reference", str(tmp_path / "a.csv.gz"), *argv, str(tmp_path / "gz")]) == 0
    plain, gz = (pd.read_csv(tmp_path / d / "drift_compare" / "report.csv") for d in ("plain", "gz"))
    pd.testing.assert_frame_equal(plain, gz)


def _bike(tmp_path):
    """Integer-coded categories like a bike-rental export; only temp moves a lot."""
    rng = np.random.default_rng(1)
    n = 672

    def window(temp_mu, codes_p):
        return pd.DataFrame(
            {
                "weathersit": rng.choice([1, 2, 3, 4], n, p=codes_p),
                "weekday": rng.integers(0, 7, n),
                "temp": rng.normal(temp_mu, 0.08, n),
                "hum": rng.normal(0.6, 0.15, n),
            }
        )

    window(0.3, [0.65, 0.28, 0.06, 0.01]).to_csv(tmp_path / "ref.csv", index=False)
    window(0.45, [0.65, 0.28, 0.07, 0.0]).to_csv(tmp_path / "cur.csv", index=False)


def test_integer_codes_are_categorical_and_summary_names_drifted_columns(tmp_path, capsys):
    import json

    _bike(tmp_path)
    out = tmp_path / "out"
    argv = [
        "--reference",
        str(tmp_path / "ref.csv"),
        "--current",
        str(tmp_path / "cur.csv"),
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    rep = pd.read_csv(out / "drift_compare" / "report.csv").set_index("feature")
    assert rep.loc["weathersit", "kind"] == "categorical" and rep.loc["weekday", "kind"] == "categorical"
    assert rep.loc["weathersit", "test"].startswith("chi2") and rep.loc["temp", "test"] == "ks"
    assert "integer codes" in rep.loc["weathersit", "kind_reason"]
    metrics = json.loads((out / "drift_compare" / "metrics.json").read_text())
    assert metrics["drifted_columns"] == ["temp"] and metrics["drifted_share"] == 0.25
    assert metrics["dataset_drift"] is False and "PSI > 0.3" in metrics["rule"]
    first = (out / "drift_compare" / "report.md").read_text().splitlines()[0]
    assert first.startswith("Data set not drifted: 1 of 4 columns drifted (25%): temp.")
    assert printed.startswith(first)


def test_override_flags_change_the_kind(tmp_path):
    _bike(tmp_path)
    out = tmp_path / "out"
    argv = [
        "--reference",
        str(tmp_path / "ref.csv"),
        "--current",
        str(tmp_path / "cur.csv"),
        "--out",
        str(out),
    ]
    assert main(argv + ["--numeric", "weekday"]) == 0
    rep = pd.read_csv(out / "drift_compare" / "report.csv").set_index("feature")
    assert rep.loc["weekday", "kind"] == "numeric" and rep.loc["weekday", "kind_reason"] == "set by --numeric"


def test_unknown_override_is_one_line_on_stderr(tmp_path, capsys):
    _bike(tmp_path)
    argv = ["--reference", str(tmp_path / "ref.csv"), "--current", str(tmp_path / "cur.csv")]
    assert main(argv + ["--categorical", "nope", "--out", str(tmp_path / "o")]) == 2
    cap = capsys.readouterr()
    assert cap.out == "" and cap.err.count("\n") == 1 and "nope" in cap.err
