"""Timestamp normalisation: one parser per source format, tried by shape, never guessed.

Each upstream system writes dates its own way. A string is matched against the known
shapes below and parsed with that shape's explicit format; a string of no known shape,
or of a known shape naming a day that does not exist (Feb 30, month 13), becomes NaT
and is reported, never silently re-read under another convention (``04/05/2023`` is
April 5 here because the crm source writes month first, not because a parser guessed).

    shape                      format               example
    YYYY-MM-DD                 %Y-%m-%d             2023-04-30
    YYYY-MM-DDTHH:MM:SSZ       %Y-%m-%dT%H:%M:%SZ   2023-04-30T00:00:00Z
    MM/DD/YYYY                 %m/%d/%Y             04/30/2023
    9-10 digits                epoch seconds (UTC)  1682812800

Output is timezone-naive UTC at midnight resolution kept as given.
"""

from __future__ import annotations

import pandas as pd

FORMATS = (
    ("iso_date", r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"),
    ("iso_datetime", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z?", "%Y-%m-%dT%H:%M:%S"),
    ("us_date", r"\d{1,2}/\d{1,2}/\d{4}", "%m/%d/%Y"),
    ("epoch_seconds", r"\d{9,10}", None),
)


def _whole_numbers(values: pd.Series) -> pd.Series:
    """A float column of whole numbers as integers: a numeric epoch column with gaps is float64,
    and 1682812800.0 would otherwise read as text that no format matches."""
    if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
        return values.astype("Int64")
    return values


def parse_mixed(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse strings of mixed known formats.

    Parameters
    ----------
    values : Series of shape (n,)
        Strings (or numbers, for epoch seconds); NaN stays NaT.

    Returns
    -------
    parsed : Series of datetime64, shape (n,)
        NaT where the value is missing, of unknown shape, or an impossible date.
    shape : Series of str, shape (n,)
        Which format matched ("iso_date", ..., "missing", "unknown_format").
    """
    text = _whole_numbers(values).astype("string").str.strip()
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    shape = pd.Series("unknown_format", index=values.index, dtype=object)
    shape[text.isna()] = "missing"
    for name, pattern, fmt in FORMATS:
        m = text.str.fullmatch(pattern).fillna(False).astype(bool) & (shape == "unknown_format")
        if not m.any():
            continue
        shape[m] = name
        if fmt is None:
            got = pd.to_datetime(text[m].astype("int64"), unit="s", errors="coerce")
        else:
            got = pd.to_datetime(text[m].str.rstrip("Z"), format=fmt, errors="coerce")
        # the column holds nanoseconds (years 1677 to 2262); a date outside cannot be stored: NaT
        parsed[m] = got.where(got.between(pd.Timestamp.min, pd.Timestamp.max)).astype("datetime64[ns]")
    return parsed, shape
