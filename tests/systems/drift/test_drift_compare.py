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
    assert "report.md" in capsys.readouterr().out


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
    assert rc == 2 and "missing monitored column(s) ['c']" in capsys.readouterr().out


def test_compare_empty_and_absent_files(tmp_path, capsys):
    (tmp_path / "empty.csv").write_text("")
    _write(tmp_path)
    assert main(["--reference", str(tmp_path / "a.csv"), "--current", str(tmp_path / "empty.csv")]) == 2
    assert "is empty" in capsys.readouterr().out
    assert main(["--reference", str(tmp_path / "nope.csv"), "--current", str(tmp_path / "a.csv")]) == 2
    assert "does not exist" in capsys.readouterr().out


def test_compare_header_only_file_is_an_empty_window(tmp_path, capsys):
    a, _ = _write(tmp_path)
    a.head(0).to_csv(tmp_path / "h.csv", index=False)
    assert main(["--reference", str(tmp_path / "a.csv"), "--current", str(tmp_path / "h.csv")]) == 2
    assert "current window is empty" in capsys.readouterr().out
