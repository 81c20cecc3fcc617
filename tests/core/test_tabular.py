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


# --- every message names the flag and the file; each sniffing rule at its edge


def test_two_columns_when_three_are_needed_says_how_many_were_found(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(TableError) as err:
        read_table(path, "--data", min_columns=3)
    assert str(err.value) == (
        f"--data {path}: only 2 columns (['a', 'b']); at least 3 are needed, "
        "and no delimiter among , ; tab | splits the header"
    )


def test_parse_and_binary_errors_start_with_the_flag_and_the_path(tmp_path):
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b\n1,2\n3,4,5\n")
    with pytest.raises(TableError, match=rf"^--input {ragged}: not a readable CSV"):
        read_table(ragged, "--input")
    parquet = tmp_path / "x.parquet"
    parquet.write_bytes(b"PAR1\x00\x01")
    with pytest.raises(TableError, match=rf"^--input {parquet}: binary content"):
        read_table(parquet, "--input")


def test_a_broken_gzip_file_reports_gzips_own_complaint(tmp_path):
    data = b"\x1f\x8b not really gzip"
    with pytest.raises(gzip.BadGzipFile) as reference:
        gzip.decompress(data)
    (tmp_path / "bad.gz").write_bytes(data)
    with pytest.raises(TableError, match=r"does not decompress \((.*)\)$") as err:
        read_table(tmp_path / "bad.gz")
    assert str(err.value).endswith(f"({reference.value})")


def test_invalid_utf16_is_refused_naming_the_encoding(tmp_path):
    # a lone high surrogate (0xD800) cannot be decoded as UTF-16
    body = codecs.BOM_UTF16_LE + "a,b\n1,2\n".encode("utf-16-le") + b"\x00\xd8,\x003\x00\n\x00"
    path = tmp_path / "u16.csv"
    path.write_bytes(body)
    with pytest.raises(TableError, match=rf"^--data {path}: not valid utf-16 text \(.*codec can't decode"):
        read_table(path)


def test_a_utf8_character_cut_by_the_sniffed_sample_is_still_utf8(tmp_path, caplog):
    from systems.core.tabular import SNIFF_BYTES

    # "é" is 2 bytes in UTF-8; place it so the 64 KiB sample ends between them
    head = b"a,b\n"
    filler = b"x,1\n" * ((SNIFF_BYTES - len(head) - 1) // 4)
    pad = b"y" * (SNIFF_BYTES - len(head) - len(filler) - 1)
    body = head + filler + pad + "é,2\n".encode()
    assert body[SNIFF_BYTES - 1 : SNIFF_BYTES + 1] == "é".encode()
    (tmp_path / "cut.csv").write_bytes(body)
    with caplog.at_level(logging.WARNING):
        df = read_table(tmp_path / "cut.csv")
    assert df["a"].iloc[-1] == pad.decode() + "é"
    assert "latin-1" not in caplog.text


def test_the_latin1_fallback_warnings_name_the_file(tmp_path, caplog):
    from systems.core.tabular import SNIFF_BYTES

    early, late = tmp_path / "early.csv", tmp_path / "late.csv"
    early.write_bytes("a,b\ncafé,1\n".encode("latin-1"))
    late.write_bytes(b"a,b\n" + b"x,1\n" * (SNIFF_BYTES // 4) + "café,2\n".encode("latin-1"))
    with caplog.at_level(logging.WARNING):
        read_table(early)
        read_table(late, "--current")
    assert [r.getMessage() for r in caplog.records] == [
        f"--data {early}: not valid UTF-8; read as latin-1",
        f"--current {late}: not valid UTF-8 after the first {SNIFF_BYTES} bytes; read as latin-1",
    ]


def test_debug_log_reports_the_format_and_the_shape(tmp_path, caplog):
    path = tmp_path / "d.csv"
    path.write_text("a;b;c\n1;2;3\n4;5;6\n")
    with caplog.at_level(logging.DEBUG, logger="systems.core.tabular"):
        read_table(path, "--reference")
    assert [r.getMessage() for r in caplog.records] == [
        f"--reference {path}: CsvFormat(gzipped=False, encoding='utf-8', delimiter=';')",
        f"--reference {path}: 2 rows x 3 columns",
    ]


def test_a_header_only_semicolon_file_is_split_before_it_is_refused(tmp_path):
    # one line: the sniffer must use it (there is no other), so the header has 2 columns
    (tmp_path / "h.csv").write_text("a;b\n")
    with pytest.raises(TableError, match="has a header but no data rows"):
        read_table(tmp_path / "h.csv", min_columns=2)


def test_the_last_sampled_line_does_not_vote_on_the_delimiter(tmp_path):
    # the last line of a sample may be cut short, so only "a;b" is sniffed here
    (tmp_path / "d.csv").write_text("a;b\n1,5\n")
    df = read_table(tmp_path / "d.csv")
    assert list(df.columns) == ["a", "b"] and df["a"].iloc[0] == "1,5"


def test_data_rows_outvote_a_comma_inside_a_header_name(tmp_path):
    (tmp_path / "d.csv").write_text("id;price, eur;plan\n1;2.5;p\n2;3.5;q\n3;4.5;r\n")
    df = read_table(tmp_path / "d.csv")
    assert list(df.columns) == ["id", "price, eur", "plan"] and df["price, eur"].tolist() == [2.5, 3.5, 4.5]


def test_only_the_four_documented_delimiters_are_sniffed(tmp_path):
    (tmp_path / "s.csv").write_text("a b\n1 2\n3 4\n")  # a space is not a delimiter here
    assert read_table(tmp_path / "s.csv").to_dict("list") == {"a b": ["1 2", "3 4"]}


def test_comma_is_the_fallback_when_no_delimiter_is_consistent(tmp_path):
    # "a,b" / "1" / "2,3": the comma is in 2 of 3 sampled lines, too few for the sniffer;
    # the fallback is still a comma, so the short rows read as blanks in column b
    (tmp_path / "d.csv").write_text("a,b\n1\n2,3\n4\n")
    df = read_table(tmp_path / "d.csv")
    assert list(df.columns) == ["a", "b"] and df["a"].tolist() == [1, 2, 4]
    assert df["b"].isna().tolist() == [True, False, True]


def test_target_messages_name_the_column_and_its_values():
    with pytest.raises(TableError) as err:
        encode_target(pd.Series(["yes"] * 3, name="churn"))
    assert str(err.value) == "target 'churn' has one class only (['yes']); a binary target needs two"
    eleven = [f"v{i:02d}" for i in range(11)]
    with pytest.raises(TableError) as err:
        encode_target(pd.Series(eleven, name="churn"))
    assert str(err.value) == f"target 'churn' has 11 values {eleven[:10]}; it must be binary"
    with pytest.raises(TableError) as err:
        encode_target(pd.Series(["red", "blue"], name="churn"))
    assert (
        str(err.value)
        == "cannot tell the positive class of 'churn' among ['blue', 'red']; pass --positive VALUE"
    )


def test_encoded_target_is_an_integer_array():
    y = encode_target(pd.Series(["no", "yes", "yes"], name="t")).y
    assert y.dtype.kind == "i" and y.tolist() == [0, 1, 1]


def test_quoted_values_at_the_start_of_rows_show_the_semicolon_delimiter(tmp_path):
    # every line holds one comma and one semicolon, so counting characters cannot choose; the
    # quoted values at the start of the rows, each closed right before a ";", show the delimiter
    # (the sniffer must see the sampled lines as lines for that)
    (tmp_path / "cities.csv").write_text(
        'city, country;population\n"Paris, France";2100000\n"Lima, Peru";9700000\n"Oslo, Norway";700000\n'
    )
    df = read_table(tmp_path / "cities.csv")
    assert df.to_dict("list") == {
        "city, country": ["Paris, France", "Lima, Peru", "Oslo, Norway"],
        "population": [2100000, 9700000, 700000],
    }


def test_a_parse_error_after_the_latin1_fallback_still_names_the_flag_and_file(tmp_path, caplog):
    from systems.core.tabular import SNIFF_BYTES

    # valid UTF-8 for the sniffed sample, then a latin-1 "é" (the file is re-read as latin-1),
    # and far below it a row with a third field: pandas decodes a block of rows before it meets
    # a later block's bad row, so the second reading is the one that fails, with the same shape
    path = tmp_path / "late.csv"
    rows = b"x,1\n" * (SNIFF_BYTES // 4) + "café,2\n".encode("latin-1") + b"x,1\n" * 300_000
    path.write_bytes(b"a,b\n" + rows + b"3,4,5\n")
    with caplog.at_level(logging.WARNING), pytest.raises(TableError) as err:
        read_table(path, "--current")
    assert "read as latin-1" in caplog.text, "the parse error came from the second reading"
    assert str(err.value).startswith(f"--current {path}: not a readable CSV (")
    assert "Expected 2 fields" in str(err.value)


def test_an_error_without_a_message_is_named_by_its_type():
    from systems.core.tabular import _first_line

    # gzip and pandas may raise with an empty message; the one-line reason is then the type
    assert _first_line(EOFError()) == "EOFError"
    assert _first_line(ValueError("first\nsecond")) == "first"
