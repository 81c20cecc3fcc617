"""A user's CSV in, a checked DataFrame and a 0/1 target out: the one layer behind every
flag that takes a table (churn ``--data``/``--input``, fairness ``--data``, drift
``--reference``/``--current``, abtest ``--data``).

Reading (``read_table``)
------------------------
    compression  gzip when the file starts with gzip's magic bytes (1f 8b), whatever its name
    encoding     a byte-order mark decides (UTF-8 or UTF-16); otherwise UTF-8, and if the
                 file is not valid UTF-8, latin-1 (which decodes any byte), with a warning
    delimiter    sniffed from the first lines among , ; tab | (comma when nothing is found)
    values       leading spaces after a delimiter are skipped ("a, b" reads as "a" and "b")

Every failure is a ``TableError`` (a ``ValueError``) with one line that names the flag, the
file and the problem: the file does not exist; is empty; is binary (Parquet, Excel or other
non-text content); does not parse; has too few columns; has a header but no data rows; lacks
a column a flag names.

Target (``encode_target``): one rule set
----------------------------------------
    labels       compared as text with surrounding spaces removed (``1``, ``1 `` are one label)
    missing      a row whose label is missing or blank is set aside, not refused: it can be
                 neither trained nor scored, and refusing the file would only make the user
                 drop it by hand. ``EncodedTarget.labelled`` marks the kept rows and
                 ``n_unlabelled`` counts the others, for the caller to report.
    classes      the labelled rows must hold exactly two values; one value, or three or more,
                 is an error listing them (a multi-class target is not silently binarised)
    positive     ``--positive VALUE`` if given (it must be one of the two); otherwise inferred
                 only when unambiguous: exactly one of the two is a name of the event
                 (``POSITIVE_NAMES``, case-insensitive: 1, true, yes, y, positive, churn,
                 churned), or the pair is 0/1 written as floats (0.0/1.0). Anything else,
                 e.g. good/bad, is an error asking for ``--positive``.

Where the loaders this replaces disagreed, the rule chosen is the one a careful user would
expect: a missing label is set aside and counted (the fairness audit refused the file and
told the user to drop those rows); a header-only file is refused when read, naming the flag
(drift only refused it later as "window is empty"); a semicolon or tab file is read (churn
refused it as "only one column"); no/yes is inferred as yes (the fairness audit asked for
``--positive``); and every message has one shape, ``FLAG PATH: problem``.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024
POSITIVE_NAMES = ("1", "true", "yes", "y", "positive", "churn", "churned")
_GZIP_MAGIC = b"\x1f\x8b"
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_BINARY_KINDS = ((b"PAR1", "a Parquet file"), (b"PK\x03\x04", "a zip archive, e.g. an Excel workbook"))


class TableError(ValueError):
    """A user's table cannot be used; the message is one line naming the file and the problem."""


@dataclass(frozen=True)
class CsvFormat:
    """How a file is written, as detected from its first bytes."""

    gzipped: bool
    encoding: str
    delimiter: str


def read_table(
    path: str | Path, flag: str = "--data", columns: Mapping[str, str] | None = None, min_columns: int = 1
) -> pd.DataFrame:
    """Read the CSV at ``path`` (named in messages as ``flag path``) or raise ``TableError``.

    ``columns`` maps each column the caller needs to the flag that named it (checked by
    ``require_columns``); ``min_columns`` is how many columns the caller needs at least.
    """
    p = Path(path)
    source = f"{flag} {p}"
    fmt = sniff_format(p, source)
    df = _parse(p, fmt, source)
    if df.shape[1] < min_columns:
        found = "only one column" if df.shape[1] == 1 else f"only {df.shape[1]} columns"
        raise TableError(
            f"{source}: {found} ({list(df.columns)}); at least {min_columns} are needed, "
            "and no delimiter among , ; tab | splits the header"
        )
    if len(df) == 0:
        raise TableError(f"{source}: has a header but no data rows")
    require_columns(df, columns or {}, source)
    log.debug("%s: %d rows x %d columns", source, len(df), df.shape[1])
    return df


def require_columns(df: pd.DataFrame, columns: Mapping[str, str], source: str) -> None:
    """Raise ``TableError`` naming every column of ``columns`` (column -> flag) that ``df`` lacks."""
    missing = [f"{flag} {c!r}" for c, flag in columns.items() if c not in df.columns]
    if missing:
        raise TableError(
            f"{' and '.join(missing)} {'is not a column' if len(missing) == 1 else 'are not columns'} "
            f"of {source}; columns are {list(df.columns)}"
        )


def sniff_format(path: Path, source: str) -> CsvFormat:
    """Compression, encoding and delimiter of ``path`` from its first bytes (see the module docstring)."""
    if not path.exists():
        raise TableError(f"{source}: does not exist")
    if not path.is_file():
        raise TableError(f"{source}: is not a file")
    with path.open("rb") as f:
        gzipped = f.read(2) == _GZIP_MAGIC
    try:
        with (gzip.open if gzipped else open)(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
    except (OSError, EOFError) as err:
        raise TableError(f"{source}: starts like gzip but does not decompress ({_first_line(err)})") from err
    encoding = next((name for bom, name in _BOMS if head.startswith(bom)), None)
    if encoding is None:
        _refuse_binary(head, source)
        encoding = "utf-8" if _is_utf8(head) else "latin-1"
    text = head.decode(encoding, errors="replace")
    if not text.strip():
        raise TableError(f"{source}: is empty (no header, no rows)")
    if encoding == "latin-1":
        log.warning("%s: not valid UTF-8; read as latin-1", source)
    fmt = CsvFormat(gzipped, encoding, _delimiter(text))
    log.debug("%s: %s", source, fmt)
    return fmt


def _refuse_binary(head: bytes, source: str) -> None:
    kind = next((name for magic, name in _BINARY_KINDS if head.startswith(magic)), None)
    if kind or b"\x00" in head:
        raise TableError(
            f"{source}: binary content, not a CSV{f' ({kind})' if kind else ''}; "
            "export the table as comma-separated text"
        )


def _is_utf8(head: bytes) -> bool:
    """Whether ``head`` is valid UTF-8, allowing a character cut off at the end of the sample."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _delimiter(text: str) -> str:
    lines = text.splitlines()[:50]
    if len(lines) > 1:  # the last line of the sample may be cut short
        lines = lines[:-1]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:  # one column, or no consistent delimiter: let the parser say which
        return ","


def _parse(path: Path, fmt: CsvFormat, source: str) -> pd.DataFrame:
    try:
        return pd.read_csv(
            path,
            sep=fmt.delimiter,
            encoding=fmt.encoding,
            compression="gzip" if fmt.gzipped else None,
            skipinitialspace=True,
        )
    except UnicodeDecodeError as err:
        if fmt.encoding != "utf-8":
            raise TableError(f"{source}: not valid {fmt.encoding} text ({_first_line(err)})") from err
        # the sniffed sample was UTF-8 and a later line is not: latin-1 decodes any byte
        log.warning("%s: not valid UTF-8 after the first %d bytes; read as latin-1", source, SNIFF_BYTES)
        return _parse(path, replace(fmt, encoding="latin-1"), source)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, EOFError, OSError) as err:
        raise TableError(f"{source}: not a readable CSV ({_first_line(err)})") from err


def _first_line(err: Exception) -> str:
    return (str(err).splitlines() or [type(err).__name__])[0]


@dataclass(frozen=True)
class EncodedTarget:
    """A binary target under the module docstring's rules."""

    y: np.ndarray  # (n_labelled,) 0/1, for the labelled rows in order
    labelled: np.ndarray  # (n_rows,) bool: the row has a label
    positive: str  # the label encoded as 1

    @property
    def n_unlabelled(self) -> int:
        return int((~self.labelled).sum())


def encode_target(values: pd.Series, positive: str | None = None) -> EncodedTarget:
    """Encode ``values`` as 0/1 (see the module docstring); ``positive`` None or '' means infer."""
    text = values.astype("string").str.strip()
    labelled = (text.notna() & (text != "")).to_numpy()
    classes = sorted(text[labelled].unique().tolist())
    name = values.name
    if len(classes) < 2:
        raise TableError(f"target {name!r} has one class only ({classes}); a binary target needs two")
    if len(classes) > 2:
        raise TableError(f"target {name!r} has {len(classes)} values {classes[:10]}; it must be binary")
    if positive:
        positive = str(positive).strip()
        if positive not in classes:
            raise TableError(f"--positive {positive!r} is not a value of {name!r}; values are {classes}")
    else:
        positive = _infer_positive(classes, name)
    y = (text[labelled] == positive).to_numpy(dtype=int)
    return EncodedTarget(y, labelled, positive)


def _infer_positive(classes: list[str], name) -> str:
    zero_one = {c.removesuffix(".0") for c in classes} == {"0", "1"}
    hits = [c for c in classes if c.lower() in POSITIVE_NAMES or (zero_one and c.removesuffix(".0") == "1")]
    if len(hits) != 1:
        raise TableError(f"cannot tell the positive class of {name!r} among {classes}; pass --positive VALUE")
    return hits[0]
