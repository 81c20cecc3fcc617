"""parse_mixed against the shape table of its module docstring.

Each known shape is parsed with its own explicit format, whichever other shapes are (or
are not) in the same column; a string is never re-read under another convention, so a
day-first date in the month-first crm shape is NaT, not a silently swapped day and month.
Expected dates are written out by hand (epoch 1682812800 = 2023-04-30 00:00 UTC).
"""

import pandas as pd
import pytest

from systems.core.churn_table.timestamps import parse_mixed

APRIL_30 = pd.Timestamp("2023-04-30")


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("2023-04-30", "iso_date"),
        ("2023-04-30T00:00:00Z", "iso_datetime"),
        ("2023-04-30T00:00:00", "iso_datetime"),
        ("04/30/2023", "us_date"),
        ("1682812800", "epoch_seconds"),
    ],
)
def test_each_shape_alone_parses_and_is_named(text, shape):
    parsed, shapes = parse_mixed(pd.Series([text, " " + text + " "]))
    assert parsed.tolist() == [APRIL_30, APRIL_30], "surrounding blanks are stripped"
    assert shapes.tolist() == [shape, shape]


def test_later_shapes_parse_when_earlier_ones_are_absent():
    parsed, shapes = parse_mixed(pd.Series(["4/5/2023", "1682812800", None, "5 May"]))
    assert parsed.iloc[0] == pd.Timestamp("2023-04-05") and parsed.iloc[1] == APRIL_30
    assert parsed.iloc[2:].isna().all()
    assert shapes.tolist() == ["us_date", "epoch_seconds", "missing", "unknown_format"]


def test_a_day_first_date_in_the_month_first_shape_is_nat_not_swapped():
    # 13/01/2023 has the us shape but names month 13: an impossible date, never January 13
    parsed, shapes = parse_mixed(pd.Series(["13/01/2023"]))
    assert parsed.isna().all() and shapes.tolist() == ["us_date"]
    parsed, _ = parse_mixed(pd.Series(["13/01/2023", "04/05/2023"]))
    assert parsed.isna().iloc[0] and parsed.iloc[1] == pd.Timestamp("2023-04-05")


def test_impossible_calendar_days_are_nat_with_their_shape():
    parsed, shapes = parse_mixed(pd.Series(["2023-02-30", "2023-13-01T00:00:00Z", "02/30/2023"]))
    assert parsed.isna().all()
    assert shapes.tolist() == ["iso_date", "iso_datetime", "us_date"]


def test_an_all_unparsable_column_is_datetime_nat():
    parsed, shapes = parse_mixed(pd.Series(["soon", None], index=[7, 3]))
    assert parsed.dtype == "datetime64[ns]" and parsed.isna().all()
    assert list(parsed.index) == [7, 3] and shapes.tolist() == ["unknown_format", "missing"]


def test_an_epoch_past_2262_is_an_impossible_date_not_a_crash():
    # 9999999999 s is 2286-11-20, beyond datetime64[ns] (pd.Timestamp.max is 2262-04-11):
    # the row must become NaT (quarantined as an impossible date), the others parse as usual
    parsed, shape = parse_mixed(pd.Series(["9999999999", "1682812800"]))
    assert pd.isna(parsed[0]) and parsed[1] == pd.Timestamp("2023-04-30")
    assert shape.tolist() == ["epoch_seconds", "epoch_seconds"]


def test_a_numeric_epoch_column_with_a_gap_parses_like_its_text():
    # a gap makes a numeric column float64 (1682812800.0); the docstring promises numbers parse
    parsed, shape = parse_mixed(pd.Series([1682812800, None]))
    assert parsed[0] == APRIL_30 and pd.isna(parsed[1])
    assert shape.tolist() == ["epoch_seconds", "missing"]
    _, fractional = parse_mixed(pd.Series([1682812800.5, None]))
    assert fractional.tolist() == ["unknown_format", "missing"], "not whole seconds: no known shape"


def test_a_float_epoch_column_parses_every_whole_second_not_only_even_ones():
    # 1682812801.0 is an odd whole number of seconds: one second after 2023-04-30 00:00 UTC
    parsed, shape = parse_mixed(pd.Series([1682812801.0, 1682812800.0, None]))
    assert parsed.tolist()[:2] == [APRIL_30 + pd.Timedelta(seconds=1), APRIL_30]
    assert shape.tolist() == ["epoch_seconds", "epoch_seconds", "missing"]
