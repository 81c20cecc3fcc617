"""Bad feature columns: each gets a clear error or a reported handling, never a crash or a silent drop.

(Unreadable files and bad targets: tests/core/test_tabular.py.)"""

import numpy as np
import pandas as pd
import pytest

from systems.churn.tabular import TabularFeatures


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
