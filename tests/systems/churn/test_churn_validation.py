"""Validation and timestamp normalisation: each planted invalid kind is caught with a reason."""

from functools import lru_cache

import pandas as pd
import pytest

from data.churn import TIME, generate
from systems.core.churn_table.timestamps import parse_mixed
from systems.core.churn_table.validation import validate, write_quarantine


def test_each_format_parses_to_the_same_day_and_impossible_dates_are_nat():
    raw = pd.Series(
        [
            "2023-04-30",
            "1682812800",
            "04/30/2023",
            "2023-04-30T00:00:00Z",
            "2023-02-30",
            "13/01/2023",
            "yesterday",
            None,
        ]
    )
    parsed, shape = parse_mixed(raw)
    assert (parsed[:4] == pd.Timestamp("2023-04-30")).all(), parsed[:4].tolist()
    assert parsed[4:].isna().all()
    assert shape.tolist()[-2:] == ["unknown_format", "missing"]


@lru_cache(maxsize=1)
def _valid_rows(n=300, seed=0):
    df = generate("telecom", n, seed)
    return df[df["customer_id"].isin(validate(df).clean["customer_id"])]


def _base():
    return _valid_rows().copy()


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("monthly_charges", -5.0, "monthly_charges: failed greater_than_or_equal_to(0)"),
        ("monthly_charges", "12,5", "monthly_charges: not a number"),
        (TIME, "2023-02-30", f"{TIME}: impossible date"),
        (TIME, "30.04.2023", f"{TIME}: unknown date format"),
        ("signup_date", "2030-01-01", f"{TIME}: before signup_date"),
        ("contract_type", "weekly", "contract_type: failed isin"),
        ("churned", 3, "churned: failed isin"),
        ("email_open_rate", 1.7, "email_open_rate: failed in_range"),
    ],
)
def test_each_invalid_kind_is_quarantined_with_its_reason(column, value, reason):
    df = _base().reset_index(drop=True).astype(object)
    df.loc[5, column] = value
    v = validate(df)
    assert len(v.quarantine) == 1, v.quarantine
    assert v.quarantine.loc[0, "customer_id"] == df.loc[5, "customer_id"]
    assert v.quarantine.loc[0, "reason"].startswith(reason), v.quarantine.loc[0, "reason"]
    assert len(v.clean) == len(df) - 1


def test_nothing_is_lost_and_missing_values_are_not_invalid(tmp_path):
    df = generate("saas", 2000, 1)
    v = validate(df)
    assert len(v.clean) + len(v.quarantine) == len(df)
    assert 0 < len(v.quarantine) < 0.03 * len(df)
    assert v.clean.isna().any(axis=1).mean() > 0.2
    s = v.summary()
    assert sum(s["by_reason"].values()) >= s["n_quarantined"]
    assert all(len(ex) >= 1 for ex in s["examples"].values())
    write_quarantine(v, tmp_path / "q.csv")
    assert len(pd.read_csv(tmp_path / "q.csv")) == len(v.quarantine)


def test_missing_column_and_empty_table_are_clear_errors():
    df = generate("saas", 100, 0)
    with pytest.raises(ValueError, match="missing required column.*churned"):
        validate(df.drop(columns=["churned"]))
    with pytest.raises(ValueError, match="empty"):
        validate(df.iloc[:0])
    assert len(validate(df.drop(columns=["churned"]), require_target=False).clean) > 0
