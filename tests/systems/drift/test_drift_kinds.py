import numpy as np
import pandas as pd
import pytest

from systems.drift.kinds import MAX_CODES, KindError, column_kinds, infer_kind


def _frame(n=500, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "weathersit": rng.choice([1, 2, 3, 4], n, p=[0.6, 0.3, 0.09, 0.01]),
            "weekday": rng.integers(0, 7, n),
            "holiday": rng.integers(0, 2, n),
            "hr": rng.integers(0, 24, n),
            "temp": rng.normal(0.5, 0.1, n),
            "city": rng.choice(["a", "b"], n),
            "flag": rng.random(n) < 0.5,
            "cnt": rng.poisson(150, n),
        }
    )


def test_inference_rule_per_column():
    kinds = {k.name: k for k in column_kinds(_frame(), _frame().columns)}
    assert {n for n, k in kinds.items() if k.kind == "categorical"} == {
        "weathersit",
        "weekday",
        "holiday",
        "city",
        "flag",
    }
    assert kinds["weathersit"].reason == f"integer codes: 4 distinct values <= {MAX_CODES}"
    assert kinds["hr"].kind == "numeric" and "24 distinct values" in kinds["hr"].reason
    assert kinds["temp"].reason == "non-integer numbers"
    assert kinds["city"].reason.startswith("not numbers")


def test_float_coded_integers_with_missing_values_are_codes():
    col = pd.Series([1.0, 2.0, np.nan, 3.0] * 50, name="season")
    assert infer_kind(col).kind == "categorical"


def test_overrides_win_and_bad_overrides_are_refused():
    f = _frame()
    kinds = {k.name: k for k in column_kinds(f, f.columns, categorical=["hr"], numeric=["weekday"])}
    assert (kinds["hr"].kind, kinds["hr"].reason) == ("categorical", "set by --categorical")
    assert (kinds["weekday"].kind, kinds["weekday"].reason) == ("numeric", "set by --numeric")
    with pytest.raises(KindError, match="both --categorical and --numeric"):
        column_kinds(f, f.columns, categorical=["hr"], numeric=["hr"])
    with pytest.raises(KindError, match="not monitored"):
        column_kinds(f, f.columns, categorical=["nope"])
