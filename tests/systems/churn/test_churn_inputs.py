"""Bad input: each gets a clear error or a reported handling, never a crash or a silent drop."""

import numpy as np
import pandas as pd
import pytest

from systems.churn.tabular import TabularFeatures, encode_target, read_csv_checked


def test_unreadable_files_name_the_problem(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        read_csv_checked(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(ValueError, match="empty"):
        read_csv_checked(tmp_path / "empty.csv")
    (tmp_path / "x.parquet").write_bytes(b"PAR1\x00\x01\x02binary")
    with pytest.raises(ValueError, match="binary content, not a CSV"):
        read_csv_checked(tmp_path / "x.parquet")
    (tmp_path / "semi.csv").write_text("a;b;c\n1;2;3\n")
    with pytest.raises(ValueError, match="only one column"):
        read_csv_checked(tmp_path / "semi.csv")
    (tmp_path / "head.csv").write_text("a,b\n")
    with pytest.raises(ValueError, match="no data rows"):
        read_csv_checked(tmp_path / "head.csv")


@pytest.mark.parametrize(
    ("values", "positive", "message"),
    [
        (["yes", "yes", "yes"], None, "one class only"),
        (["a", "b", "c"], None, "must be binary"),
        (["red", "blue"], None, "pass --positive"),
        (["no", "yes"], "maybe", "is not a value"),
    ],
)
def test_target_errors(values, positive, message):
    with pytest.raises(ValueError, match=message):
        encode_target(pd.Series(values, name="t"), positive)


def test_target_inference_and_blank_targets_set_aside():
    y, labelled, pos = encode_target(pd.Series(["No", "Yes", None, "Yes", " "], name="Churn"))
    assert pos == "Yes" and y.tolist() == [0, 1, 1] and labelled.tolist() == [True, True, False, True, False]
    y, _, pos = encode_target(pd.Series([0.0, 1.0, 1.0], name="t"))
    assert pos == "1.0" and y.tolist() == [0, 1, 1]


def test_tabular_features_report_stray_strings_all_nan_and_unseen_categories():
    rng = np.random.default_rng(0)
    n = 200
    df = pd.DataFrame(
        {
            "charges": rng.normal(50, 10, n).round(2).astype(object),
            "empty": [np.nan] * n,
            "plan": rng.choice(["a", "b"], n),
            "const": 1,
            "note": [f"free text {i}" for i in range(n)],
        }
    )
    df.loc[3, "charges"] = " "  # blank
    df.loc[4, "charges"] = "n/a"  # stray string
    f = TabularFeatures().fit(df)
    rep = f.report()
    assert rep["numeric"] == ["charges"] and rep["stray_strings"] == {"charges": 1}
    assert rep["dropped"]["empty"] == "all values missing" and rep["dropped"]["const"] == "constant"
    assert rep["dropped"]["note"].startswith("text with")
    X = f.transform(df)
    assert np.isfinite(X.to_numpy()).all() and X.loc[4, "charges_missing"] == 1.0
    new = df.iloc[:3].copy()
    new.loc[0, "plan"] = "zz"
    Z = f.transform(new)
    assert f.unseen_ == {"plan": ["zz"]} and Z.loc[0, ["plan=a", "plan=b"]].sum() == 0
    with pytest.raises(ValueError, match="missing column"):
        f.transform(df.drop(columns=["plan"]))
