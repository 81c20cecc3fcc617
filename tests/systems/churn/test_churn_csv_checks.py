"""Training-side CSV checks: unparseable dates, repeated ids, a tiny minority class, huge values."""

import numpy as np
import pandas as pd
import pytest

from systems.churn.__main__ import main
from systems.churn.csv_checks import MAX_BAD_DATE_SHARE, check_minority, check_rows, min_train_rows


def _frame(n=400, seed=0, positives=None):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    churn = np.where(x + rng.normal(size=n) < -0.6, "Yes", "No")
    if positives is not None:
        churn = np.array(["Yes"] * positives + ["No"] * (n - positives))
    return pd.DataFrame(
        {
            "cust": [f"c{i}" for i in range(n)],
            "month": pd.date_range("2023-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
            "usage": (10 + 3 * x).round(2),
            "contract": rng.choice(["monthly", "yearly"], n),
            "Churn": churn,
        }
    )


def _cli(tmp_path, df, *extra):
    df.to_csv(tmp_path / "d.csv", index=False)
    return main(
        [
            "--data",
            str(tmp_path / "d.csv"),
            "--target",
            "Churn",
            "--profile",
            "tiny",
            "--out",
            str(tmp_path / "r"),
            "-q",  # warnings and errors only: stderr then holds the error line and nothing else
            *extra,
        ]
    )


def _one_line_error(capsys, needle):
    # stderr: the run's "== ..." header (a log line), then the one error line
    err = [line for line in capsys.readouterr().err.splitlines() if line and not line.startswith("== ")]
    assert len(err) == 1 and needle in err[0] and "Traceback" not in err[0], err
    return err[0]


def test_unparseable_dates_are_counted_and_set_aside_under_the_limit():
    df = _frame(200)
    df.loc[[3, 70], "month"] = ["not a date", "31/31/2023"]
    checked = check_rows(df, "", "month")
    assert checked.bad_dates == 2 and len(checked.keep) == 198 and 3 not in checked.keep
    assert checked.times.notna().all() and "2 row(s) with an unparseable date set aside" in checked.describe()


def test_unparseable_dates_above_the_limit_refuse_the_run(tmp_path, capsys):
    df = _frame()
    df.loc[::2, "month"] = "someday"
    assert _cli(tmp_path, df, "--time", "month") == 2
    line = _one_line_error(capsys, "200 of 400 rows (50%) are not dates")
    assert f"at most {MAX_BAD_DATE_SHARE:.0%}" in line and "'someday'" in line
    assert not (tmp_path / "r" / "churn_csv").exists()


def test_repeated_ids_without_time_are_refused(tmp_path, capsys):
    df = _frame(700)
    df.loc[:599, "cust"] = "same"
    assert _cli(tmp_path, df, "--id", "cust") == 2
    _one_line_error(capsys, "600 rows share 1 id(s) (e.g. ['same'])")


def test_repeated_ids_with_time_keep_the_latest_row():
    df = pd.DataFrame(
        {
            "cust": ["a", "b", "a", "a", "c"],
            "month": ["2023-03-01", "2023-01-01", "2023-05-01", "2023-02-01", "2023-01-02"],
        }
    )
    checked = check_rows(df, "cust", "month")
    assert list(checked.keep) == [1, 2, 4], "a's latest row (May) stays, its two older rows go"
    assert checked.duplicate_rows_dropped == 2
    assert list(checked.times.dt.month) == [1, 5, 1]


def test_minority_guard_accounts_for_cv_folds_and_smote_neighbours():
    # SMOTE needs k + 1 = 6 minority rows in each CV training set, which holds (k-1)/k of them
    assert (min_train_rows(3), min_train_rows(2), min_train_rows(5)) == (9, 12, 8)
    y = np.array([1] * 9 + [0] * 50 + [1, 0, 1, 0])
    tr, va, te = np.arange(59), np.array([59, 60]), np.array([61, 62])
    check_minority(y, tr, va, te, 3)  # exactly enough
    with pytest.raises(ValueError, match=r"train 8, validation 1, test 1"):
        check_minority(y, tr[1:], va, te, 3)


def test_ten_positives_fail_up_front_with_one_line(tmp_path, capsys):
    assert _cli(tmp_path, _frame(positives=10)) == 2
    _one_line_error(capsys, "the minority class has 10 rows (train 7, validation 2, test 1)")
    assert not (tmp_path / "r" / "churn_csv").exists(), "nothing published, nothing half-written"
    assert _cli(tmp_path, _frame(positives=2)) == 2
    _one_line_error(capsys, "the minority class has 2 rows;")


@pytest.mark.parametrize("values", [1e308, "mixed", "inf"])
def test_a_column_at_float_limits_fails_naming_it(tmp_path, capsys, values):
    df = _frame()
    if values == "mixed":
        df["huge"] = np.where(np.arange(400) % 2, 1e308, -1e308)
    else:
        df["huge"] = values
    assert _cli(tmp_path, df) == 2
    _one_line_error(capsys, "column 'huge':")
