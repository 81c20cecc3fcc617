import numpy as np
import pandas as pd
import pytest

from systems.drift.monitor import DriftInputError, DriftMonitor


def _frame(rng, n, shift=0.0):
    return pd.DataFrame(
        {"x": rng.normal(shift, 1, n), "k": rng.integers(0, 5, n), "c": rng.choice(["a", "b", "c"], n)}
    )


@pytest.fixture
def monitor():
    return DriftMonitor(["x", "k"], ["c"]).fit(_frame(np.random.default_rng(0), 2000))


def test_report_has_one_row_per_feature(monitor):
    rep = monitor.score(_frame(np.random.default_rng(1), 500))
    assert list(rep["feature"]) == ["x", "k", "c"]
    assert list(rep["test"]) == ["ks", "ks", "chi2"]
    assert (rep["psi"] < 0.1).all()
    assert (monitor.score(_frame(np.random.default_rng(1), 500, shift=1.0))["psi"].iloc[0]) > 0.3


def test_empty_window_is_refused(monitor):
    with pytest.raises(DriftInputError, match="current window is empty"):
        monitor.score(_frame(np.random.default_rng(1), 0))
    with pytest.raises(DriftInputError, match="reference window is empty"):
        DriftMonitor(["x"], []).fit(pd.DataFrame({"x": []}))


def test_missing_column_is_named(monitor):
    cur = _frame(np.random.default_rng(1), 100).drop(columns=["k"])
    with pytest.raises(DriftInputError, match=r"missing monitored column\(s\) \['k'\]"):
        monitor.score(cur)


def test_new_column_is_reported_not_scored(monitor):
    cur = _frame(np.random.default_rng(1), 100).assign(extra=1.0)
    rep = monitor.score(cur)
    assert rep.attrs["new_columns"] == ["extra"] and "extra" not in set(rep["feature"])


def test_all_missing_current_column_is_scored_as_missing(monitor):
    cur = _frame(np.random.default_rng(1), 100).assign(x=np.nan)
    row = monitor.score(cur).set_index("feature").loc["x"]
    assert row["null_rate"] == 1.0 and np.isnan(row["p_value"]) and row["psi"] > 5


def test_all_missing_reference_column_is_refused():
    ref = _frame(np.random.default_rng(0), 100).assign(x=np.nan)
    with pytest.raises(DriftInputError, match=r"reference column\(s\) \['x'\] hold no values"):
        DriftMonitor(["x", "k"], ["c"]).fit(ref)


def test_constant_reference_column_still_detects_change():
    ref = pd.DataFrame({"x": np.full(500, 7.0)})
    mon = DriftMonitor(["x"], []).fit(ref)
    assert mon.score(ref)["psi"].iloc[0] == 0.0
    moved = mon.score(pd.DataFrame({"x": np.r_[np.full(400, 7.0), np.full(100, 9.0)]}))
    assert moved["psi"].iloc[0] > 0.3 and moved["out_of_range"].iloc[0] == pytest.approx(0.2)


def test_integer_vs_float_and_numeric_text_are_accepted(monitor):
    cur = _frame(np.random.default_rng(1), 300)
    as_float = monitor.score(cur.assign(k=cur["k"].astype(float)))
    as_text = monitor.score(cur.assign(k=cur["k"].astype(str)))
    pd.testing.assert_frame_equal(as_float, as_text)


def test_text_in_numeric_column_is_refused(monitor):
    cur = _frame(np.random.default_rng(1), 10).astype({"x": object})
    cur.loc[3, "x"] = "n/a"
    with pytest.raises(DriftInputError, match=r"'x' should be numeric .* 'n/a'"):
        monitor.score(cur)


def test_stuck_column_is_flagged_constant(monitor):
    cur = _frame(np.random.default_rng(1), 200).assign(x=0.5)
    assert monitor.score(cur).set_index("feature").loc["x", "constant"]


def test_not_a_frame_is_refused(monitor):
    with pytest.raises(DriftInputError, match="must be a pandas DataFrame"):
        monitor.score(np.zeros((3, 3)))
