"""The safe model artefact: a fitted pipeline that loads without executing code from the file.

Layout (one file, a zip archive with exactly two members)
---------------------------------------------------------
    manifest.json   format, format_version, model_version = "<semver>+<sha256[:12]>",
                    sha256 and size of the payload, the feature schema (columns, kind,
                    allowed categories, id column, target, positive label), threshold,
                    training metadata, library versions, the payload's types, and smoke
                    rows with the probabilities the pipeline gave them at save time
    payload.skops   the fitted pipeline in skops format (a zip of JSON + .npy arrays)

Guarantee (what ``load`` does, in this order; nothing is deserialised before step 5)
-------------------------------------------------------------------------------------
    1. the path is a regular file under ``MAX_FILE_BYTES``, and a zip archive (a pickle
       or joblib file is refused here, unread);
    2. the archive holds exactly the two members, with declared sizes under the caps
       (a zip bomb is refused before it is inflated);
    3. the manifest is JSON of this format and version with every field present;
    4. sha256(payload) equals the manifest's hash (any edit of the payload is refused);
    5. ``skops.io.get_untrusted_types`` lists the payload's types (read from its JSON, no
       import, no call); every one must be in ``TRUSTED_TYPES``, an explicit allow-list
       kept in this code, never read from the file; only then ``skops.io.loads`` runs,
       trusting exactly those types. skops never unpickles: it rebuilds objects of the
       listed classes from JSON and numpy arrays (``np.load(allow_pickle=False)``).

The hash detects corruption and accidental edits and names the version; it is not a
signature (whoever can rewrite the payload can rewrite the manifest). The promise that
no code runs comes from step 5: the allow-list holds estimator and array types only,
no function, no ``builtins``/``os``/``subprocess`` object, so a crafted payload that
needs one to do harm is refused by name. ``joblib.load``/``pickle.load`` are never called.

Schema (``FeatureSchema.validate``), per row, every failing reason collected:
    id column      required in the table (else ValueError naming it); blank -> reject;
                   a repeated id -> reject (the first occurrence is kept)
    numeric        blank -> kept (the pipeline imputes); text that is not a number ->
                   reject; inf/nan text or |x| > ``max_abs`` (1e12) -> reject
    categorical    blank -> kept; a value outside the training categories -> kept and
                   counted when the pipeline encodes unseen values as all zeros
                   (``unknown="zeros"``), rejected when ``unknown="reject"``
    datetime       blank -> reject unless nullable; the format is parsed by the pipeline
A feature column missing from the table is a ValueError naming it (nothing is scored).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import skops.io as sio
from sklearn.base import BaseEstimator, TransformerMixin

FORMAT = "mlstories-model"
FORMAT_VERSION = 1
MANIFEST, PAYLOAD = "manifest.json", "payload.skops"
MAX_FILE_BYTES = 1 << 30  # 1 GiB on disk
MAX_PAYLOAD_BYTES = 2 << 30  # 2 GiB inflated: the zip-bomb cap
MAX_MANIFEST_BYTES = 8 << 20
MAX_ABS = 1e12  # larger than any plausible feature value; far below overflow
REASON = "reason"
SMOKE_ATOL = 1e-9

# Types skops does not trust by default that these pipelines contain. Exact names only:
# estimator and fitted-state classes, rebuilt from JSON + arrays. Nothing callable.
TRUSTED_TYPES = frozenset(
    {
        "collections.OrderedDict",
        "numpy.dtype",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.tree._tree.Tree",
        "xgboost.core.Booster",
        "xgboost.sklearn.XGBClassifier",
        "lightgbm.basic.Booster",
        "lightgbm.sklearn.LGBMClassifier",
        "systems.core.artifact.SelectColumns",
        # this repository's feature transformers (fitted state: lists, dicts, floats, arrays)
        "systems.churn.tabular.TabularFeatures",
        "systems.core.churn_table.features.ChurnFeatures",
        "systems.core.churn_table.imputation.CohortImputer",
        "systems.churn.persistence.ParseRecords",
    }
)
_LIBRARIES = ("scikit-learn", "xgboost", "lightgbm", "numpy", "pandas", "skops")


class ArtifactError(ValueError):
    """A file that is not a loadable model artefact; the message is one line."""


class SelectColumns(TransformerMixin, BaseEstimator):
    """DataFrame -> float matrix of ``columns`` in that order (the model's inputs)."""

    def __init__(self, columns=()):
        self.columns = columns

    def fit(self, X, y=None):
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        return X[list(self.columns)].to_numpy(dtype=float)


# ---------------------------------------------------------------------------------- schema


@dataclass(frozen=True)
class Column:
    """One input column: ``kind`` in {"numeric", "categorical", "datetime"}."""

    name: str
    kind: str
    categories: tuple[str, ...] = ()
    unknown: str = "zeros"  # categorical: "zeros" (encoded as all zeros) or "reject"
    nullable: bool = True

    def __post_init__(self) -> None:
        if self.kind not in ("numeric", "categorical", "datetime"):
            raise ValueError(f"column {self.name!r}: unknown kind {self.kind!r}")
        if self.unknown not in ("zeros", "reject"):
            raise ValueError(f"column {self.name!r}: unknown-category rule {self.unknown!r}")


class Checked(NamedTuple):
    """``valid``: rows that may be scored (numeric columns as float); ``rejects``: the
    other input rows, unchanged, with a ``reason`` column."""

    valid: pd.DataFrame
    rejects: pd.DataFrame


@dataclass(frozen=True)
class FeatureSchema:
    """What a row must look like to be scored; saved in the manifest."""

    columns: tuple[Column, ...]
    id_column: str | None = None
    target: str | None = None
    positive_label: str | None = None
    ignored: tuple[str, ...] = ()  # training columns the pipeline does not use
    max_abs: float = MAX_ABS

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def require_columns(self, table: pd.DataFrame, require_id: bool = True) -> None:
        """ValueError naming the columns the table lacks (the whole input is refused)."""
        if require_id and self.id_column and self.id_column not in table.columns:
            raise ValueError(
                f"input has no id column {self.id_column!r} (the model was saved with "
                f"it); columns are {list(table.columns)[:20]}"
            )
        missing = [c for c in self.names if c not in table.columns]
        if missing:
            raise ValueError(f"input is missing column(s) {missing} the model was trained on")

    def validate(self, table: pd.DataFrame, require_id: bool = True) -> Checked:
        """Split ``table`` into scoreable rows and rejected rows with reasons (see module doc)."""
        self.require_columns(table, require_id)
        reasons = [[] for _ in range(len(table))]
        clean = table.copy()
        if require_id and self.id_column:
            _check_ids(table[self.id_column], self.id_column, reasons)
        for col in self.columns:
            clean[col.name] = _check_column(table[col.name], col, self.max_abs, reasons)
        bad = np.array([bool(r) for r in reasons], dtype=bool)
        rejects = table.loc[bad].copy()
        rejects[REASON] = ["; ".join(r) for r, b in zip(reasons, bad, strict=True) if b]
        return Checked(clean.loc[~bad], rejects)

    def unseen_categories(self, table: pd.DataFrame) -> dict[str, dict[str, int]]:
        """{column: {unseen value: rows}} of categorical values outside training."""
        out = {}
        for col in self.columns:
            if col.kind != "categorical" or col.name not in table.columns:
                continue
            v = _text(table[col.name])
            new = v.notna() & ~v.isin(col.categories)
            if new.any():
                out[col.name] = {str(k): int(n) for k, n in v[new].value_counts().items()}
        return out

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> FeatureSchema:
        cols = tuple(
            Column(
                c["name"],
                c["kind"],
                tuple(c.get("categories", ())),
                c.get("unknown", "zeros"),
                bool(c.get("nullable", True)),
            )
            for c in d["columns"]
        )
        return cls(
            cols,
            d.get("id_column"),
            d.get("target"),
            d.get("positive_label"),
            tuple(d.get("ignored", ())),
            float(d.get("max_abs", MAX_ABS)),
        )


def _text(s: pd.Series) -> pd.Series:
    """Stripped text with blanks as <NA>."""
    t = s.astype("string").str.strip()
    return t.mask(t == "")


def _check_ids(ids: pd.Series, name: str, reasons: list[list[str]]) -> None:
    t = _text(ids)
    dup = t.duplicated(keep="first") & t.notna()
    for i in np.flatnonzero(t.isna().to_numpy()):
        reasons[i].append(f"{name}: missing id")
    for i in np.flatnonzero(dup.to_numpy()):
        reasons[i].append(f"{name}: duplicate id ({t.iloc[i]})")


def _check_column(raw: pd.Series, col: Column, max_abs: float, reasons: list[list[str]]) -> pd.Series:
    """The column as the pipeline should see it; appends each row's failure to ``reasons``."""
    t = _text(raw)
    blank = t.isna().to_numpy()
    if not col.nullable:
        for i in np.flatnonzero(blank):
            reasons[i].append(f"{col.name}: missing")
    if col.kind == "numeric":
        num = pd.to_numeric(t, errors="coerce").astype(float)
        x = num.to_numpy()
        for i in np.flatnonzero(~blank & np.isnan(x)):
            nan_text = t.iloc[i].lower().lstrip("+-") == "nan"
            reasons[i].append(f"{col.name}: {'not finite' if nan_text else 'not a number'} ({t.iloc[i]!r})")
        for i in np.flatnonzero(np.isinf(x)):
            reasons[i].append(f"{col.name}: not finite ({t.iloc[i]})")
        with np.errstate(invalid="ignore"):
            far = np.isfinite(x) & (np.abs(x) > max_abs)
        for i in np.flatnonzero(far):
            reasons[i].append(f"{col.name}: out of range (|x| > {max_abs:g}: {t.iloc[i]})")
        return num
    if col.kind == "categorical" and col.unknown == "reject":
        for i in np.flatnonzero(~blank & ~t.isin(col.categories).fillna(False).to_numpy()):
            reasons[i].append(f"{col.name}: unknown category ({t.iloc[i]!r})")
    return raw


# -------------------------------------------------------------------------------- artefact


@dataclass(frozen=True)
class Manifest:
    """The JSON sidecar inside the artefact (see module docstring)."""

    model_version: str
    sha256: str
    payload_bytes: int
    schema: FeatureSchema
    threshold: float
    training: dict[str, Any] = field(default_factory=dict)
    libraries: dict[str, str] = field(default_factory=dict)
    payload_types: tuple[str, ...] = ()
    smoke_rows: tuple[dict[str, Any], ...] = ()
    smoke_probabilities: tuple[float, ...] = ()
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["schema"] = self.schema.to_json()
        return d


@dataclass(frozen=True)
class Artifact:
    """A verified, loaded model: ``pipeline.predict_proba(DataFrame)`` and its manifest."""

    manifest: Manifest
    pipeline: Any
    path: Path | None = None

    def predict_proba(self, table: pd.DataFrame) -> np.ndarray:
        """P(positive) per row, shape (n,)."""
        return np.asarray(self.pipeline.predict_proba(table))[:, 1]

    def smoke_test(self) -> str | None:
        """None if the pipeline reproduces its save-time probabilities, else why not."""
        m = self.manifest
        if not m.smoke_rows:
            return "the manifest holds no smoke rows"
        try:
            p = self.predict_proba(pd.DataFrame(list(m.smoke_rows)))
        except Exception as err:  # any failure to score is a failed smoke test, reported
            return f"scoring the smoke rows raised {type(err).__name__}: {str(err)[:120]}"
        if not np.all(np.isfinite(p)) or np.any((p < 0) | (p > 1)):
            return "smoke probabilities are not finite numbers in [0, 1]"
        gap = float(np.max(np.abs(p - np.asarray(m.smoke_probabilities))))
        if gap > SMOKE_ATOL:
            return f"smoke probabilities differ from save time by up to {gap:.3g}"
        return None


def _json_safe(x: Any) -> Any:
    """Metadata as plain JSON (numpy scalars to Python, non-finite floats to None)."""
    return json.loads(
        json.dumps(x, default=lambda o: o.item() if hasattr(o, "item") else str(o)),
        parse_constant=lambda _: None,
    )


def _smoke_rows(rows: pd.DataFrame, n: int) -> list[dict[str, Any]]:
    """Up to n rows as JSON-safe dicts (NaN -> None) that the pipeline can score."""
    out = []
    for rec in rows.head(n).to_dict(orient="records"):
        out.append(
            {
                k: (None if isinstance(v, float) and not math.isfinite(v) else _json_safe(v))
                for k, v in rec.items()
            }
        )
    return out


def save(
    path,
    pipeline,
    schema: FeatureSchema,
    threshold: float,
    smoke: pd.DataFrame,
    training: dict[str, Any] | None = None,
    version: str = "1.0.0",
    n_smoke: int = 8,
) -> Manifest:
    """Write the artefact to ``path`` atomically (temp file + rename); returns its manifest.

    ``smoke`` holds rows (raw input columns) the pipeline scores now; their
    probabilities go into the manifest and ``Artifact.smoke_test`` replays them.
    """
    payload = sio.dumps(pipeline)
    types = tuple(sorted(sio.get_untrusted_types(data=payload)))
    outside = sorted(set(types) - TRUSTED_TYPES)
    if outside:
        raise ArtifactError(
            f"the pipeline holds types outside the allow-list {outside}; "
            "add them to TRUSTED_TYPES only if they hold data, not code"
        )
    rows = _smoke_rows(smoke, n_smoke)
    probs = np.asarray(pipeline.predict_proba(pd.DataFrame(rows)))[:, 1]
    digest = hashlib.sha256(payload).hexdigest()
    libs = {}
    for name in _LIBRARIES:
        try:
            libs[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    m = Manifest(
        f"{version}+{digest[:12]}",
        digest,
        len(payload),
        schema,
        float(threshold),
        _json_safe(training or {}),
        libs,
        types,
        tuple(rows),
        tuple(float(p) for p in probs),
    )
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as z:  # payload is already compressed
        z.writestr(MANIFEST, json.dumps(m.to_json(), indent=2, sort_keys=True))
        z.writestr(PAYLOAD, payload)
    tmp.replace(p)
    return m


def _fail(p: Path, why: str) -> ArtifactError:
    return ArtifactError(f"{p}: refused: {why}")


def read_manifest(path) -> tuple[Manifest, bytes]:
    """Steps 1-4 of the module docstring: the verified manifest and payload bytes."""
    p = Path(path)
    if not p.is_file():
        raise ArtifactError(
            f"{p}: no model file here (train one with `make churn` or "
            "`python -m systems.churn --data ...` first)"
        )
    if p.stat().st_size > MAX_FILE_BYTES:
        raise _fail(p, f"larger than {MAX_FILE_BYTES >> 20} MiB")
    if not zipfile.is_zipfile(p):
        raise _fail(
            p,
            "not a model artefact (not a zip archive; pickle/joblib files are never "
            "loaded: retrain to get a .skops artefact)",
        )
    with zipfile.ZipFile(p) as z:
        infos = {i.filename: i for i in z.infolist()}
        if set(infos) != {MANIFEST, PAYLOAD}:
            raise _fail(
                p, f"not a model artefact (members {sorted(infos)[:5]}, expected {[MANIFEST, PAYLOAD]})"
            )
        if infos[MANIFEST].file_size > MAX_MANIFEST_BYTES or infos[PAYLOAD].file_size > MAX_PAYLOAD_BYTES:
            raise _fail(p, "a member is larger than the size caps")
        try:
            d = json.loads(z.read(MANIFEST))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise _fail(p, f"the manifest is not JSON ({err})") from err
        payload = z.read(PAYLOAD)
    return _manifest_from_json(p, d, payload), payload


def _manifest_from_json(p: Path, d: Any, payload: bytes) -> Manifest:
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise _fail(p, f"not a {FORMAT} manifest")
    if d.get("format_version") != FORMAT_VERSION:
        raise _fail(p, f"format version {d.get('format_version')!r}, this code reads {FORMAT_VERSION}")
    try:
        m = Manifest(
            str(d["model_version"]),
            str(d["sha256"]),
            int(d["payload_bytes"]),
            FeatureSchema.from_json(d["schema"]),
            float(d["threshold"]),
            dict(d["training"]),
            dict(d["libraries"]),
            tuple(d["payload_types"]),
            tuple(d["smoke_rows"]),
            tuple(float(x) for x in d["smoke_probabilities"]),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise _fail(p, f"the manifest lacks or garbles a field ({type(err).__name__}: {err})") from err
    digest = hashlib.sha256(payload).hexdigest()
    if digest != m.sha256 or len(payload) != m.payload_bytes:
        raise _fail(
            p,
            f"payload sha256 {digest[:12]} does not match the manifest's {m.sha256[:12]} "
            "(the file was modified after it was saved)",
        )
    return m


def load(path, trusted: frozenset[str] = TRUSTED_TYPES) -> Artifact:
    """Verify then load (module docstring, steps 1-5); ArtifactError with one line otherwise."""
    p = Path(path)
    manifest, payload = read_manifest(p)
    try:
        types = sio.get_untrusted_types(data=payload)
    except Exception as err:  # skops raises several types for a payload that is not its own
        raise _fail(p, f"the payload is not a skops file ({type(err).__name__})") from err
    outside = sorted(set(types) - trusted)
    if outside:
        raise _fail(p, f"the payload holds types outside the allow-list: {outside[:5]}")
    try:
        pipeline = sio.loads(payload, trusted=list(types))
    except Exception as err:  # a payload that passed the checks but does not rebuild
        raise _fail(p, f"the payload does not rebuild ({type(err).__name__}: {str(err)[:100]})") from err
    if not callable(getattr(pipeline, "predict_proba", None)):
        raise _fail(p, f"the payload is a {type(pipeline).__name__}, not a classifier pipeline")
    return Artifact(manifest, pipeline, p)


def rewrite_payload(path, out, payload: bytes, rehash: bool) -> None:
    """Write a copy of ``path`` with another payload, re-hashed or not (tamper tests)."""
    with zipfile.ZipFile(path) as z:
        d = json.loads(z.read(MANIFEST))
    if rehash:
        d["sha256"], d["payload_bytes"] = hashlib.sha256(payload).hexdigest(), len(payload)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(MANIFEST, json.dumps(d))
        z.writestr(PAYLOAD, payload)
    Path(out).write_bytes(buf.getvalue())
