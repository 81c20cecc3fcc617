"""systems.core.tabular: every way a user's CSV can be written or wrong, and the one target rule set."""

import codecs
import gzip
import logging

import numpy as np
import pandas as pd
import pytest

from systems.core.tabular import TableError, encode_target, read_table, require_columns


def test_unreadable_files_name_the_flag_the_file_and_the_problem(tmp_path):
    with pytest.raises(TableError, match=r"^--data .*nope\.csv: does not exist$"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(TableError, match="is not a file"):
        read_table(tmp_path)
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(TableError, match=r"^--current .*empty\.csv: is empty \(no header, no rows\)$"):
        read_table(tmp_path / "empty.csv", "--current")
    (tmp_path / "blank.csv").write_bytes(codecs.BOM_UTF8 + b"\n \n")
    with pytest.raises(TableError, match="is empty"):
        read_table(tmp_path / "blank.csv")
    (tmp_path / "x.parquet").write_bytes(b"PAR1\x00\x01\x02binary")
    with pytest.raises(TableError, match=r"binary content, not a CSV \(a Parquet file\)"):
        read_table(tmp_path / "x.parquet")
    (tmp_path / "x.bin").write_bytes(b"a,b\n\x00\x01,2\n")
    with pytest.raises(TableError, match="binary content, not a CSV; export"):
        read_table(tmp_path / "x.bin")
    (tmp_path / "ragged.csv").write_text("a,b\n1,2\n3,4,5\n")
    with pytest.raises(TableError, match=r"not a readable CSV \(.*Expected 2 fields in line 3, saw 3"):
        read_table(tmp_path / "ragged.csv")
    (tmp_path / "head.csv").write_text("a,b\n")
    with pytest.raises(TableError, match="has a header but no data rows"):
        read_table(tmp_path / "head.csv")
    (tmp_path / "bad.gz").write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(TableError, match="starts like gzip but does not decompress"):
        read_table(tmp_path / "bad.gz")


def test_messages_are_one_line():
    # every message is built by f-strings over paths and column lists; pin the shape once
    with pytest.raises(TableError) as err:
        read_table("/no/such/dir/x.csv", "--reference")
    assert "\n" not in str(err.value) and isinstance(err.value, ValueError)


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, sep):
    path = tmp_path / "d.csv"
    path.write_text(
        sep.join(["id", "price", "plan"]) + "\n" + "\n".join(f"{i}{sep}{i}.5{sep}p{i % 3}" for i in range(30))
    )
    df = read_table(path)
    assert list(df.columns) == ["id", "price", "plan"] and df["price"].iloc[2] == 2.5


def test_semicolon_file_with_decimal_commas_keeps_its_columns(tmp_path):
    # the old comma-only reader refused this as "only one column"; sniffing reads it
    (tmp_path / "semi.csv").write_text("a;b;c\n1;2,5;3\n")
    df = read_table(tmp_path / "semi.csv")
    assert list(df.columns) == ["a", "b", "c"] and df["b"].iloc[0] == "2,5"


def test_too_few_columns_is_refused_only_when_the_caller_needs_more(tmp_path):
    (tmp_path / "one.csv").write_text("a\n1\n2\n")
    assert read_table(tmp_path / "one.csv").shape == (2, 1)
    with pytest.raises(TableError, match=r"only one column \(\['a'\]\); at least 2 are needed"):
        read_table(tmp_path / "one.csv", min_columns=2)


def test_encodings_bom_utf16_and_latin1_fallback(tmp_path, caplog):
    rows = "name,v\ncafé,1\nnaïve,2\n"
    (tmp_path / "bom.csv").write_bytes(codecs.BOM_UTF8 + rows.encode())
    (tmp_path / "utf16.csv").write_bytes(rows.replace(",", "\t").encode("utf-16"))
    (tmp_path / "latin1.csv").write_bytes(rows.encode("latin-1"))
    for name in ("bom", "utf16", "latin1"):
        df = read_table(tmp_path / f"{name}.csv")
        assert list(df.columns) == ["name", "v"], name  # no BOM glued to the first header
        assert df["name"].tolist() == ["café", "naïve"], name
    assert "latin1.csv: not valid UTF-8; read as latin-1" in caplog.text


def test_latin1_past_the_sniffed_sample_is_still_read(tmp_path, caplog):
    body = b"a,b\n" + b"x,1\n" * 20_000 + "café,2\n".encode("latin-1")
    (tmp_path / "late.csv").write_bytes(body)
    with caplog.at_level(logging.WARNING):
        df = read_table(tmp_path / "late.csv")
    assert df["a"].iloc[-1] == "café" and "after the first" in caplog.text


def test_gzip_is_detected_by_its_bytes_not_its_name(tmp_path):
    (tmp_path / "plain_name.csv").write_bytes(gzip.compress(b"a;b\n1;2\n3;4\n"))
    df = read_table(tmp_path / "plain_name.csv")
    assert df.to_dict("list") == {"a": [1, 3], "b": [2, 4]}


def test_spaces_after_the_delimiter_are_skipped(tmp_path):
    (tmp_path / "s.csv").write_text("a, b\nx, 1\ny, 2\n")
    assert read_table(tmp_path / "s.csv").to_dict("list") == {"a": ["x", "y"], "b": [1, 2]}


def test_missing_columns_name_the_flag_that_asked_for_them(tmp_path):
    (tmp_path / "d.csv").write_text("a,b\n1,2\n")
    with pytest.raises(
        TableError, match=r"--target 'y' is not a column of --data .*d\.csv; columns are \['a', 'b'\]"
    ):
        read_table(tmp_path / "d.csv", columns={"a": "--id", "y": "--target"})
    df = pd.DataFrame({"a": [1]})
    with pytest.raises(TableError, match=r"--target 'y' and --sensitive 'z' are not columns of the CSV"):
        require_columns(df, {"y": "--target", "z": "--sensitive", "a": "--sensitive"}, "the CSV")


@pytest.mark.parametrize(
    ("values", "positive", "message"),
    [
        (["yes", "yes", "yes"], None, "one class only"),
        ([None, "", " "], None, "one class only"),
        (["a", "b", "c"], None, "must be binary"),
        ([0, 1, 2], None, "must be binary"),  # a multi-class target is never binarised silently
        (["red", "blue"], None, "pass --positive"),
        (["bad", "good"], "", "pass --positive"),
        (["1", "true"], None, "pass --positive"),  # two names of the event: ambiguous
        (["no", "yes"], "maybe", "is not a value"),
    ],
)
def test_target_errors(values, positive, message):
    with pytest.raises(TableError, match=message):
        encode_target(pd.Series(values, name="t"), positive)


@pytest.mark.parametrize(
    ("values", "positive"),
    [
        (pd.Series(["No", "Yes", "Yes"]), "Yes"),
        (pd.Series([0, 1, 1]), "1"),
        (pd.Series([0.0, 1.0, 1.0]), "1.0"),
        (pd.Series([False, True, True]), "True"),
        (pd.Series(["stayed", "churned", "churned"]), "churned"),
        (pd.Series(["n", "y", "y"]), "y"),
    ],
)
def test_positive_class_inferred_when_unambiguous(values, positive):
    enc = encode_target(values.rename("t"))
    assert enc.positive == positive and enc.y.tolist() == [0, 1, 1]


def test_positive_override_wins_and_is_compared_without_spaces():
    enc = encode_target(pd.Series(["bad ", "good", "bad"], name="label"), " bad")
    assert enc.positive == "bad" and enc.y.tolist() == [1, 0, 1]
    enc = encode_target(pd.Series([0, 1, 1], name="t"), "0")
    assert enc.y.tolist() == [1, 0, 0]


def test_missing_labels_are_set_aside_and_counted():
    # churn's old rule (kept): blank targets set aside and counted
    enc = encode_target(pd.Series(["No", "Yes", None, "Yes", " "], name="Churn"))
    assert enc.positive == "Yes" and enc.y.tolist() == [0, 1, 1]
    assert enc.labelled.tolist() == [True, True, False, True, False] and enc.n_unlabelled == 2
    # fairness's old rule refused a target with NaN ("drop those rows"); the one rule drops
    # them for the user and counts them, which is what that message asked the user to do
    enc = encode_target(pd.Series([1.0, np.nan, 0.0, 1.0], name="y"))
    assert enc.positive == "1.0" and enc.y.tolist() == [1, 0, 1] and enc.n_unlabelled == 1
