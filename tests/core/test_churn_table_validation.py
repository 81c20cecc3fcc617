"""Churn-record validation: every limit, every reason's text, and nothing lost on the way.

The reference is the module's documented contract (systems/core/churn_table/validation.py):
each rejected row lands in ``quarantine`` with one reason per problem, reading
``column: kind (offending value)``; the ranges are discount 0..100 %, email open rate
0..1, NPS 0..10, seats >= 1 and every other number >= 0. Each limit is tested just inside
(kept) and just outside (quarantined). The input is a three-row table written out by hand
so the expected counts can be read off it.
"""

import pandas as pd
import pandera.pandas as pa
import pytest

from data.churn import CATEGORIES, LEAKY, RAW_COLUMNS, TARGET, TIME
from systems.core.churn_table.validation import NUMERIC, Validation, schema, validate, write_quarantine

# one valid customer; every numeric column 1.0 unless a limit below says otherwise
ROW = {c: 1.0 for c in NUMERIC}
ROW.update(
    customer_id="c0",
    source="billing",
    signup_date="2022-01-15",
    snapshot_date="2023-04-30",
    contract_type="one-year",
    plan="basic",
    region="north",
    payment_method="card",
    email_open_rate=0.5,
    churned=0,
)


def table(n: int = 3) -> pd.DataFrame:
    """n valid rows (ids c0, c1, ...) in RAW_COLUMNS order, object dtype so any cell can be spoiled."""
    rows = [{**ROW, "customer_id": f"c{i}"} for i in range(n)]
    return pd.DataFrame(rows)[RAW_COLUMNS].astype(object)


def reasons_after_setting(column, value) -> list[str]:
    """Put ``value`` into row 0's ``column`` and return the quarantine reasons."""
    t = table()
    t.loc[0, column] = value
    return validate(t).quarantine["reason"].tolist()


def test_the_hand_written_table_is_all_clean():
    v = validate(table())
    assert len(v.clean) == 3 and len(v.quarantine) == 0


@pytest.mark.parametrize(
    ("column", "inside", "outside", "check"),
    [
        ("discount_pct", 100.0, 100.5, "in_range(0, 100)"),
        ("discount_pct", 0.0, -0.5, "in_range(0, 100)"),
        ("email_open_rate", 1.0, 1.01, "in_range(0, 1)"),
        ("nps_score", 10.0, 10.5, "in_range(0, 10)"),
        ("nps_score", 0.0, -0.5, "in_range(0, 10)"),
        ("seats", 1.0, 0.5, "greater_than_or_equal_to(1)"),
        ("monthly_charges", 0.0, -0.01, "greater_than_or_equal_to(0)"),
    ],
)
def test_each_range_keeps_its_limit_and_refuses_just_beyond(column, inside, outside, check):
    assert reasons_after_setting(column, inside) == []
    assert reasons_after_setting(column, outside) == [f"{column}: failed {check} ({outside})"]


def test_a_missing_number_is_not_invalid():
    # ~30% of real rows miss some value; those go to imputation, not to quarantine
    assert reasons_after_setting("nps_score", None) == []


def test_a_stray_string_is_named_with_its_first_20_characters():
    text = "not-a-number-at-all-xyz"  # 23 characters
    assert reasons_after_setting("monthly_charges", text) == [
        f"monthly_charges: not a number ({text[:20]!r})"
    ]


def test_each_date_problem_has_its_own_kind_and_shows_the_raw_string():
    assert reasons_after_setting(TIME, None) == [f"{TIME}: missing date ('None')"]
    assert reasons_after_setting(TIME, "2023-02-30") == [f"{TIME}: impossible date ('2023-02-30')"]
    text = "30 April 2023 in the afternoon"
    assert reasons_after_setting("signup_date", text) == [f"signup_date: unknown date format ({text[:20]!r})"]


def test_a_snapshot_on_the_signup_day_is_kept_and_one_day_before_is_refused():
    assert reasons_after_setting("signup_date", "2023-04-30") == []
    assert reasons_after_setting("signup_date", "2023-05-01") == [f"{TIME}: before signup_date"]


def test_a_missing_or_unknown_category_is_named_with_its_value():
    assert reasons_after_setting("contract_type", None) == ["contract_type: failed not_nullable (None)"]
    long = "a-very-long-unknown-contract-name"
    assert reasons_after_setting("payment_method", long) == [
        f"payment_method: failed isin(('card', 'bank_transfer', 'invoice', 'paypal')) ({long[:20]})"
    ]


def test_a_long_check_name_is_cut_to_its_first_60_characters(monkeypatch):
    # a longer list of allowed regions makes the isin check's name longer than 60 characters;
    # the reason keeps its first 60 so that one reason stays one readable line
    regions = tuple(f"sales-region-{i}" for i in range(6))
    monkeypatch.setitem(CATEGORIES, "region", regions)
    t = table()
    t["region"] = regions[0]
    t.loc[0, "region"] = "atlantis"
    check = f"isin({regions!r})"
    assert len(check) > 61
    assert validate(t).quarantine["reason"].tolist() == [f"region: failed {check[:60]} (atlantis)"]


def test_a_duplicated_id_quarantines_both_rows():
    t = table()
    t.loc[0, "customer_id"] = "c1"
    assert validate(t).quarantine["reason"].tolist() == ["customer_id: failed field_uniqueness (c1)"] * 2


def test_every_problem_of_a_row_is_listed_once_joined_by_semicolons():
    t = table()
    t.loc[0, "monthly_charges"] = "12,5"
    t.loc[0, "plan"] = "gold"
    assert validate(t).quarantine["reason"].tolist() == [
        "monthly_charges: not a number ('12,5'); plan: failed isin(('basic', 'standard', 'premium')) (gold)"
    ]


def test_a_target_read_as_text_is_parsed_and_comes_back_as_integers():
    # a CSV read without dtypes gives "0"/"1" strings: they are valid labels
    t = table()
    t[TARGET] = ["1", "0", "1"]
    v = validate(t)
    assert v.quarantine.empty
    assert v.clean[TARGET].dtype == "int64"
    assert v.clean[TARGET].tolist() == [1, 0, 1]


def test_a_non_numeric_target_is_named_with_its_value():
    assert reasons_after_setting(TARGET, "yes")[0].startswith(f"{TARGET}: not a number ('yes')")


def test_a_scoring_file_may_lack_the_target_and_the_leaky_column():
    v = validate(table().drop(columns=[TARGET, LEAKY]), require_target=False)
    assert len(v.clean) == 3 and v.quarantine.empty
    assert TARGET not in v.clean.columns


def test_a_scoring_file_is_not_judged_on_a_label_it_happens_to_carry():
    # with require_target=False the target is not in the schema: a customer must not lose
    # their score over a label value, even one outside {0, 1}
    t = table().drop(columns=[LEAKY])
    t[TARGET] = [3, 0, 1]
    v = validate(t, require_target=False)
    assert v.quarantine.empty and len(v.clean) == 3


def test_a_scoring_file_may_leave_labels_blank():
    t = table().drop(columns=[LEAKY])
    t[TARGET] = [1, None, 0]
    v = validate(t, require_target=False)
    assert v.quarantine.empty
    assert v.clean[TARGET].tolist()[::2] == [1, 0] and pd.isna(v.clean[TARGET][1])


def test_missing_columns_and_an_empty_table_are_one_line_errors():
    with pytest.raises(ValueError, match=r"^no rows to validate: the input table is empty$"):
        validate(table().iloc[:0])
    with pytest.raises(ValueError, match=r"missing required column\(s\) \['plan'\]"):
        validate(table().drop(columns=["plan"]))


def test_outputs_keep_the_input_columns_whatever_the_input_index():
    t = table()
    t.index = [10, 20, 30]
    t.loc[20, "seats"] = 0.0
    v = validate(t)
    assert list(v.clean.columns) == RAW_COLUMNS and list(v.clean.index) == [0, 1]
    assert list(v.quarantine.columns) == [*RAW_COLUMNS, "reason"] and list(v.quarantine.index) == [0]
    assert v.quarantine.loc[0, "customer_id"] == "c1"


def test_timestamp_formats_count_every_date_cell_by_shape():
    t = table()
    t.loc[0, "signup_date"] = "01/15/2022"  # crm writes month first
    t.loc[1, TIME] = "1682812800"  # activity writes epoch seconds (2023-04-30)
    t.loc[2, TIME] = None
    v = validate(t)
    # 3 rows x 2 date columns = 6 cells: 1 us_date, 1 epoch, 1 missing, the other 3 iso
    assert v.timestamp_formats == {"iso_date": 3, "us_date": 1, "epoch_seconds": 1, "missing": 1}
    assert v.summary()["timestamp_formats"] == v.timestamp_formats


def test_summary_counts_reasons_by_column_and_kind_and_keeps_three_example_ids():
    q = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d", "e"],
            "reason": [
                "seats: failed greater_than_or_equal_to(1) (0.0)",
                "seats: failed greater_than_or_equal_to(1) (-2.0)",
                "seats: failed greater_than_or_equal_to(1) (0.5); plan: failed isin (gold)",
                "seats: failed greater_than_or_equal_to(1) (0.0)",
                f"{TIME}: before signup_date",
            ],
        }
    )
    s = Validation(clean=table(2), quarantine=q, timestamp_formats={"iso_date": 4}).summary()
    assert s["n_rows"] == 7 and s["n_valid"] == 2 and s["n_quarantined"] == 5
    assert s["by_reason"] == {
        "plan: failed isin": 1,
        "seats: failed greater_than_or_equal_to(1)": 4,
        f"{TIME}: before signup_date": 1,
    }
    assert s["examples"] == {
        "seats: failed greater_than_or_equal_to(1)": ["a", "b", "c"],
        "plan: failed isin": ["c"],
        f"{TIME}: before signup_date": ["e"],
    }
    assert s["timestamp_formats"] == {"iso_date": 4}


def test_write_quarantine_round_trips_through_csv(tmp_path):
    t = table()
    t.loc[1, "seats"] = 0.0
    v = validate(t)
    write_quarantine(v, tmp_path / "q.csv")
    back = pd.read_csv(tmp_path / "q.csv", dtype=str)
    assert list(back.columns) == [*RAW_COLUMNS, "reason"]  # no stray index column
    assert back.loc[0, "customer_id"] == "c1" and back.loc[0, "reason"] == v.quarantine.loc[0, "reason"]


# --- the pandera schema on its own: a parsed table (dates datetime64, numbers float, target int)


def parsed() -> pd.DataFrame:
    return validate(table()).clean


def test_schema_accepts_a_parsed_table_with_extra_columns():
    df = parsed().assign(notes="x")
    schema().validate(df)
    schema(require_target=False).validate(df.drop(columns=[TARGET]))


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda df: df.drop(columns=[TARGET]), id="target required by default"),
        pytest.param(lambda df: df.drop(columns=["monthly_charges"]), id="numeric column required"),
        pytest.param(lambda df: df.assign(customer_id=[None, "c1", "c2"]), id="null id"),
        pytest.param(lambda df: df.assign(customer_id=["c0", "c0", "c2"]), id="duplicate id"),
        pytest.param(lambda df: df.assign(customer_id=[0, 1, 2]), id="id not a string"),
        pytest.param(lambda df: df.assign(seats=[1, 2, 3]), id="number as int, not float"),
        pytest.param(lambda df: df.assign(plan=[None, "basic", "basic"]), id="null category"),
        pytest.param(lambda df: df.assign(plan=pd.Categorical(["basic"] * 3)), id="category dtype"),
        pytest.param(lambda df: df.assign(signup_date=["2022-01-15"] * 3), id="date as text"),
        pytest.param(
            lambda df: df.assign(signup_date=df["signup_date"].where([False, True, True])), id="null date"
        ),
        pytest.param(lambda df: df.assign(churned=[0.0, 1.0, 0.0]), id="target as float"),
    ],
)
def test_schema_refuses(spoil):
    with pytest.raises(pa.errors.SchemaError):
        schema().validate(spoil(parsed()))


def test_schema_lets_only_the_named_optional_columns_be_absent():
    df = parsed().drop(columns=[LEAKY])
    schema(optional=(LEAKY,)).validate(df)
    with pytest.raises(pa.errors.SchemaError):
        schema(optional=("monthly_charges",)).validate(df)


def test_summary_of_a_clean_table_has_no_reasons():
    # nothing quarantined: the reason column is empty (float dtype), which once broke .str
    s = validate(table()).summary()
    assert (s["n_rows"], s["n_valid"], s["n_quarantined"]) == (3, 3, 0)
    assert s["by_reason"] == {} and s["examples"] == {}


@pytest.mark.parametrize(("value", "shown"), [(3, "3.0"), (-2, "-2.0"), (None, "nan")])
def test_a_bad_target_reason_shows_the_value_as_read(value, shown):
    # the target is checked as an int column with bad values replaced by -1; the reason must
    # still show what the file said, as every other reason does
    assert reasons_after_setting(TARGET, value) == [f"{TARGET}: failed isin([0, 1]) ({shown})"]
