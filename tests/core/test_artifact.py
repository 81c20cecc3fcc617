"""The safe artefact: round trip, refusal of crafted/tampered/foreign files, schema checks."""

import io
import json
import pickle
import zipfile

import joblib
import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from systems.core import artifact
from systems.core.artifact import ArtifactError, Column, FeatureSchema

SCHEMA = FeatureSchema(
    (Column("usage", "numeric"), Column("plan", "categorical", ("a", "b"))),
    id_column="cid",
    target="churn",
    positive_label="yes",
)


def _table(n=60, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {"cid": [f"c{i}" for i in range(n)], "usage": rng.normal(size=n), "plan": rng.choice(["a", "b"], n)}
    )


def _pipeline(seed=0):
    df = _table(seed=seed)
    y = (df["usage"] + (df["plan"] == "b") > 0.3).astype(int)
    pre = ColumnTransformer(
        [
            ("n", SimpleImputer(strategy="median"), ["usage"]),
            ("c", OneHotEncoder(handle_unknown="ignore"), ["plan"]),
        ]
    )
    return make_pipeline(pre, LogisticRegression()).fit(df, y), df


@pytest.fixture
def saved(tmp_path):
    pipe, df = _pipeline()
    path = tmp_path / "m.skops"
    artifact.save(path, pipe, SCHEMA, 0.4, df, {"rows": 60}, version="1.2.3")
    return path, pipe, df


class _Touch:
    """Pickling this runs ``open(marker, 'w')`` on load: the classic crafted file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _crafted_skops(marker) -> bytes:
    """A skops payload whose LossNode constructor is ``builtins.exec`` (writes ``marker``)."""

    def text(v):
        return {
            "__class__": "str",
            "__module__": "builtins",
            "__loader__": "JsonNode",
            "content": json.dumps(v),
            "is_json": True,
            "__id__": 1,
        }

    empty = {
        "__class__": "list",
        "__module__": "builtins",
        "__loader__": "ListNode",
        "content": [],
        "__id__": 4,
    }
    schema = {
        "__class__": "exec",
        "__module__": "builtins",
        "__loader__": "LossNode",
        "__reduce__": {
            "args": {
                "__class__": "tuple",
                "__module__": "builtins",
                "__loader__": "TupleNode",
                "content": [text(f"open({str(marker)!r}, 'w').write('ran')")],
                "__id__": 2,
            }
        },
        "content": {
            "__class__": "dict",
            "__module__": "builtins",
            "__loader__": "DictNode",
            "content": {},
            "key_types": empty,
            "__id__": 3,
        },
        "__id__": 5,
        "protocol": 2,
        "_skops_version": sio.__version__ if hasattr(sio, "__version__") else "0.16.0",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("schema.json", json.dumps(schema))
    return buf.getvalue()


def test_round_trip_keeps_predictions_schema_and_version(saved):
    path, pipe, df = saved
    art = artifact.load(path)
    np.testing.assert_allclose(art.predict_proba(df), pipe.predict_proba(df)[:, 1], rtol=0, atol=1e-12)
    m = art.manifest
    assert m.schema == SCHEMA and m.threshold == 0.4 and m.training == {"rows": 60}
    assert m.model_version == f"1.2.3+{m.sha256[:12]}" and len(m.sha256) == 64
    assert art.smoke_test() is None and len(m.smoke_rows) == 8
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == ["manifest.json", "payload.skops"]


def test_pickle_that_writes_a_marker_is_refused_and_the_marker_never_appears(tmp_path):
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.joblib"
    joblib.dump(_Touch(marker), evil)
    control = tmp_path / "control"
    pickle.loads(pickle.dumps(_Touch(control)))  # the crafted object is live: loading it runs code
    assert control.exists()
    with pytest.raises(ArtifactError, match="not a zip archive"):
        artifact.load(evil)
    assert not marker.exists()


def test_skops_payload_naming_exec_is_refused_even_with_a_valid_hash(tmp_path, saved):
    marker, control = tmp_path / "pwned", tmp_path / "control"
    naive = _crafted_skops(control)
    sio.loads(naive, trusted=sio.get_untrusted_types(data=naive))  # trusting what the file lists runs it
    assert control.exists()
    evil = tmp_path / "evil.skops"
    artifact.rewrite_payload(saved[0], evil, _crafted_skops(marker), rehash=True)
    with pytest.raises(ArtifactError, match=r"outside the allow-list: \['builtins.exec'\]"):
        artifact.load(evil)
    assert not marker.exists()


def test_tampered_payload_is_refused_before_it_is_read(tmp_path, saved):
    path, pipe, _ = saved
    with zipfile.ZipFile(path) as z:
        payload = bytearray(z.read("payload.skops"))
    payload[len(payload) // 2] ^= 0xFF
    bad = tmp_path / "tampered.skops"
    artifact.rewrite_payload(path, bad, bytes(payload), rehash=False)
    with pytest.raises(ArtifactError, match="does not match the manifest"):
        artifact.load(bad)


def test_another_models_payload_with_a_fresh_hash_loads_but_fails_the_smoke_test(tmp_path, saved):
    other, _ = _pipeline(seed=5)
    swapped = tmp_path / "swapped.skops"
    artifact.rewrite_payload(saved[0], swapped, sio.dumps(other), rehash=True)
    assert "differ from save time" in artifact.load(swapped).smoke_test()


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"a.txt": b"x"}, "not a model artefact"),
        ({"manifest.json": b"{oops", "payload.skops": b""}, "not JSON"),
        ({"manifest.json": b'{"format": "other"}', "payload.skops": b""}, "not a mlstories-model manifest"),
        (
            {"manifest.json": b'{"format": "mlstories-model", "format_version": 9}', "payload.skops": b""},
            "format version 9",
        ),
        (
            {"manifest.json": b'{"format": "mlstories-model", "format_version": 1}', "payload.skops": b""},
            "lacks or garbles a field",
        ),
    ],
)
def test_foreign_or_broken_archives_are_refused_with_one_line(tmp_path, members, message):
    p = tmp_path / "x.skops"
    with zipfile.ZipFile(p, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    with pytest.raises(ArtifactError, match=message) as err:
        artifact.load(p)
    assert "\n" not in str(err.value)


def test_missing_file_and_size_caps(tmp_path, saved, monkeypatch):
    with pytest.raises(ArtifactError, match="no model file here"):
        artifact.load(tmp_path / "none.skops")
    monkeypatch.setattr(artifact, "MAX_PAYLOAD_BYTES", 100)
    with pytest.raises(ArtifactError, match="size caps"):
        artifact.load(saved[0])


def test_saving_a_pipeline_with_untrusted_types_is_refused(tmp_path):
    with pytest.raises(ArtifactError, match="outside the allow-list"):
        artifact.save(tmp_path / "m.skops", _Holder(), SCHEMA, 0.5, _table())
    assert not (tmp_path / "m.skops").exists()


class _Holder:
    def predict_proba(self, X):
        return np.zeros((len(X), 2))


def test_schema_rejects_each_bad_row_with_its_reason():
    df = pd.DataFrame(
        {
            "cid": ["a", "b", "c", "d", "e", "f", "", "a", "i"],
            "usage": ["1.5", "twelve", "inf", "1e308", "nan", "", "2", "3", " 4 "],
            "plan": ["a", "a", "a", "a", "a", "zzz", "b", "b", "b"],
        }
    )
    valid, rejects = SCHEMA.validate(df)
    assert valid["cid"].tolist() == ["a", "f", "i"]
    assert (
        valid["usage"].dtype == float and valid["usage"].iloc[2] == 4.0 and np.isnan(valid["usage"].iloc[1])
    )
    assert rejects["reason"].tolist() == [
        "usage: not a number ('twelve')",
        "usage: not finite (inf)",
        "usage: out of range (|x| > 1e+12: 1e308)",
        "usage: not finite ('nan')",
        "cid: missing id",
        "cid: duplicate id (a)",
    ]
    assert SCHEMA.unseen_categories(valid) == {"plan": {"zzz": 1}}
    strict = FeatureSchema((Column("plan", "categorical", ("a", "b"), unknown="reject"),))
    assert strict.validate(df).rejects["reason"].tolist() == ["plan: unknown category ('zzz')"]


def test_schema_names_missing_columns():
    with pytest.raises(ValueError, match="no id column 'cid'"):
        SCHEMA.validate(pd.DataFrame({"usage": [1.0], "plan": ["a"]}))
    with pytest.raises(ValueError, match=r"missing column\(s\) \['plan'\]"):
        SCHEMA.validate(pd.DataFrame({"cid": ["x"], "usage": [1.0]}))
    assert len(SCHEMA.validate(pd.DataFrame({"usage": [1.0], "plan": ["a"]}), require_id=False).valid) == 1


def test_schema_json_round_trip():
    assert FeatureSchema.from_json(json.loads(json.dumps(SCHEMA.to_json()))) == SCHEMA


def test_schema_json_round_trip_keeps_every_non_default_field_and_fills_documented_defaults():
    full = FeatureSchema(
        (
            Column("plan", "categorical", ("a", "b"), unknown="reject", nullable=False),
            Column("age", "numeric", nullable=False),
        ),
        id_column="id",
        target="churned",
        positive_label="yes",
        ignored=("note",),
        max_abs=123.0,
    )
    assert FeatureSchema.from_json(json.loads(json.dumps(full.to_json()))) == full
    minimal = FeatureSchema.from_json({"columns": [{"name": "x", "kind": "categorical"}]})
    assert minimal == FeatureSchema((Column("x", "categorical", (), "zeros", True),))
    assert minimal.max_abs == artifact.MAX_ABS and minimal.ignored == () and minimal.id_column is None


def test_validation_reasons_at_their_boundaries():
    schema = FeatureSchema(
        (
            Column("x", "numeric", nullable=False),
            Column("plan", "categorical", ("a", "b"), unknown="reject"),
            Column("when", "datetime"),
        ),
        max_abs=10.0,
    )
    table = pd.DataFrame(
        {
            "x": ["10", "-10.5", "+NaN", "abc", None, "inf", "3"],
            "plan": ["a", "b", "a", "c", "a", None, "z"],
            "when": ["2024-01-01"] * 7,
        }
    )
    checked = schema.validate(table, require_id=False)
    assert checked.valid.index.tolist() == [0], "|x| = max_abs is allowed; every other row has a fault"
    assert checked.valid["x"].dtype == float
    assert checked.rejects[artifact.REASON].tolist() == [
        "x: out of range (|x| > 10: -10.5)",
        "x: not finite ('+NaN')",
        "x: not a number ('abc'); plan: unknown category ('c')",
        "x: missing",
        "x: not finite (inf)",
        "plan: unknown category ('z')",
    ]


def test_column_refuses_unknown_kinds_and_rules_by_name():
    Column("t", "datetime")  # the third kind exists
    with pytest.raises(ValueError, match=r"column 'c': unknown kind 'text'"):
        Column("c", "text")
    with pytest.raises(ValueError, match=r"column 'c': unknown-category rule 'drop'"):
        Column("c", "categorical", unknown="drop")


class _Scores:
    """A stand-in pipeline whose positive-class probabilities are given (or which raises)."""

    def __init__(self, p=None, error=None):
        self.p, self.error = p, error

    def predict_proba(self, table):
        if self.error is not None:
            raise self.error
        return np.column_stack([1 - np.asarray(self.p), self.p])


def test_smoke_test_accepts_the_saved_probabilities_and_names_each_failure(saved):
    from dataclasses import replace

    m = artifact.load(saved[0]).manifest
    m = replace(m, smoke_rows=m.smoke_rows[:2], smoke_probabilities=(0.0, 1.0))
    smoke = lambda pipe, **kw: artifact.Artifact(replace(m, **kw), pipe).smoke_test()  # noqa: E731
    assert smoke(_Scores([0.0, 1.0])) is None, "0 and 1 are probabilities"
    assert smoke(_Scores([artifact.SMOKE_ATOL, 1.0])) is None, "a gap of exactly the tolerance passes"
    assert smoke(_Scores([3e-9, 1.0])) == "smoke probabilities differ from save time by up to 3e-09"
    for bad in ([1.5, 1.0], [-0.1, 1.0], [np.nan, 1.0]):
        assert smoke(_Scores(bad)) == "smoke probabilities are not finite numbers in [0, 1]", bad
    assert (
        smoke(_Scores(error=KeyError("x" * 200)))
        == f"scoring the smoke rows raised KeyError: {str(KeyError('x' * 200))[:120]}"
    )
    assert smoke(_Scores([0.0]), smoke_rows=()) == "the manifest holds no smoke rows"


# --- round trips, each refusal's message, and each size cap at its edge


def test_select_columns_returns_a_float_matrix_in_the_given_order():
    df = pd.DataFrame({"a": [1, 2], "b": [3, 4], "c": ["x", "y"]})
    step = artifact.SelectColumns(["b", "a"])
    out = step.fit(df).transform(df)
    np.testing.assert_array_equal(out, np.array([[3.0, 1.0], [4.0, 2.0]]))
    assert out.dtype == np.float64 and step.get_params() == {"columns": ["b", "a"]}


def test_require_columns_asks_for_the_id_by_default_and_lists_at_most_20_columns():
    wide = pd.DataFrame(columns=[f"f{i}" for i in range(25)] + ["usage", "plan"])
    with pytest.raises(ValueError) as err:
        SCHEMA.require_columns(wide)
    first_20 = [f"f{i}" for i in range(20)]
    assert str(err.value) == (
        f"input has no id column 'cid' (the model was saved with it); columns are {first_20}"
    )
    SCHEMA.require_columns(wide, require_id=False)


def test_a_negative_nan_is_reported_as_not_finite():
    checked = FeatureSchema((Column("x", "numeric"),)).validate(pd.DataFrame({"x": ["-nan", "1"]}))
    assert checked.rejects[artifact.REASON].tolist() == ["x: not finite ('-nan')"]


def test_loaded_manifest_equals_the_saved_one(tmp_path):
    pipe, df = _pipeline()
    saved = artifact.save(tmp_path / "m.skops", pipe, SCHEMA, 0.4, df, {"rows": 60})
    art = artifact.load(tmp_path / "m.skops")
    assert art.manifest == saved and art.path == tmp_path / "m.skops"
    assert saved.model_version.startswith("1.0.0+"), "the documented default version"


def test_manifest_records_the_installed_library_versions(saved):
    import sklearn
    import skops

    libs = artifact.load(saved[0]).manifest.libraries
    assert libs["numpy"] == np.__version__ and libs["pandas"] == pd.__version__
    assert libs["scikit-learn"] == sklearn.__version__ and libs["skops"] == skops.__version__


def test_manifest_json_holds_exactly_the_manifest_fields_sorted_and_indented(saved):
    from dataclasses import fields

    with zipfile.ZipFile(saved[0]) as z:
        text = z.read("manifest.json").decode()
    d = json.loads(text)
    assert set(d) == {f.name for f in fields(artifact.Manifest)}
    # stored in one canonical form, so two manifests diff line by line
    assert text == json.dumps(d, indent=2, sort_keys=True)


def test_training_metadata_and_smoke_rows_become_plain_json(tmp_path):
    from pathlib import Path

    pipe, df = _pipeline()
    smoke = df.head(3).astype({"usage": float})
    smoke.loc[1, "usage"] = np.nan
    training = {"auc": np.float64(0.75), "rows": np.int64(60), "gap": float("nan"), "data": Path("d.csv")}
    m = artifact.save(tmp_path / "m.skops", pipe, SCHEMA, 0.5, smoke, training)
    assert m.training == {"auc": 0.75, "rows": 60, "gap": None, "data": "d.csv"}
    assert type(m.training["rows"]) is int
    expected = [{"cid": r.cid, "usage": r.usage, "plan": r.plan} for r in smoke.itertuples()]
    expected[1]["usage"] = None  # NaN is not JSON: stored as null, imputed when replayed
    assert list(m.smoke_rows) == expected
    with zipfile.ZipFile(tmp_path / "m.skops") as z:  # strict JSON: no NaN token anywhere
        json.loads(z.read("manifest.json"), parse_constant=lambda c: pytest.fail(f"{c} in the manifest"))
    assert artifact.load(tmp_path / "m.skops").smoke_test() is None


def test_save_creates_missing_parent_folders(tmp_path):
    pipe, df = _pipeline()
    artifact.save(tmp_path / "a" / "b" / "m.skops", pipe, SCHEMA, 0.5, df)
    assert artifact.load(tmp_path / "a" / "b" / "m.skops").smoke_test() is None


def test_untrusted_types_at_save_are_named_with_what_to_do(tmp_path):
    with pytest.raises(ArtifactError) as err:
        artifact.save(tmp_path / "m.skops", _Holder(), SCHEMA, 0.5, _table())
    assert "_Holder" in str(err.value)
    assert str(err.value).endswith("add them to TRUSTED_TYPES only if they hold data, not code")


def test_missing_file_message_says_how_to_get_one(tmp_path):
    with pytest.raises(ArtifactError) as err:
        artifact.load(tmp_path / "none.skops")
    assert str(err.value) == (
        f"{tmp_path / 'none.skops'}: no model file here (train one with `make churn` or "
        "`python -m systems.churn --data ...` first)"
    )


def test_file_size_cap_allows_exactly_the_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(artifact, "MAX_FILE_BYTES", 1 << 20)  # 1 MiB
    at_cap, over = tmp_path / "at.bin", tmp_path / "over.bin"
    at_cap.write_bytes(b"x" * (1 << 20))
    over.write_bytes(b"x" * ((1 << 20) + 1))
    with pytest.raises(ArtifactError, match="not a zip archive"):  # passed the size check
        artifact.load(at_cap)
    with pytest.raises(ArtifactError) as err:
        artifact.load(over)
    assert str(err.value) == f"{over}: refused: larger than 1 MiB"


def test_member_size_caps_allow_exactly_the_cap(saved, monkeypatch):
    with zipfile.ZipFile(saved[0]) as z:
        sizes = {i.filename: i.file_size for i in z.infolist()}
    monkeypatch.setattr(artifact, "MAX_MANIFEST_BYTES", sizes["manifest.json"])
    monkeypatch.setattr(artifact, "MAX_PAYLOAD_BYTES", sizes["payload.skops"])
    artifact.load(saved[0])
    for cap, name in (("MAX_MANIFEST_BYTES", "manifest.json"), ("MAX_PAYLOAD_BYTES", "payload.skops")):
        monkeypatch.setattr(artifact, cap, sizes[name] - 1)
        with pytest.raises(ArtifactError) as err:
            artifact.load(saved[0])
        assert str(err.value) == f"{saved[0]}: refused: a member is larger than the size caps"
        monkeypatch.setattr(artifact, cap, sizes[name])


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (b"{oops", "the manifest is not JSON"),
        (b'{"format": "other"}', "not a mlstories-model manifest"),
        (b'{"format": "mlstories-model", "format_version": 9}', "format version 9, this code reads 1"),
        (
            b'{"format": "mlstories-model", "format_version": 1}',
            "the manifest lacks or garbles a field (KeyError: 'model_version')",
        ),
    ],
)
def test_refusals_start_with_the_path(tmp_path, manifest, message):
    p = tmp_path / "x.skops"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("manifest.json", manifest)
        z.writestr("payload.skops", b"")
    with pytest.raises(ArtifactError) as err:
        artifact.load(p)
    assert str(err.value).startswith(f"{p}: refused: {message}")


def test_an_archive_with_other_members_lists_the_first_five(tmp_path):
    p = tmp_path / "x.skops"
    names = [f"m{i}.txt" for i in range(7)]
    with zipfile.ZipFile(p, "w") as z:
        for name in names:
            z.writestr(name, b"x")
    with pytest.raises(ArtifactError) as err:
        artifact.load(p)
    assert str(err.value) == (
        f"{p}: refused: not a model artefact (members {names[:5]}, expected ['manifest.json', 'payload.skops'])"
    )


def test_a_tampered_payload_message_names_both_hashes(tmp_path, saved):
    import hashlib

    path = saved[0]
    with zipfile.ZipFile(path) as z:
        payload = bytearray(z.read("payload.skops"))
        recorded = json.loads(z.read("manifest.json"))["sha256"]
    payload[len(payload) // 2] ^= 0xFF
    bad = tmp_path / "tampered.skops"
    artifact.rewrite_payload(path, bad, bytes(payload), rehash=False)
    actual = hashlib.sha256(bytes(payload)).hexdigest()
    with pytest.raises(ArtifactError) as err:
        artifact.load(bad)
    assert str(err.value) == (
        f"{bad}: refused: payload sha256 {actual[:12]} does not match the manifest's {recorded[:12]} "
        "(the file was modified after it was saved)"
    )


def test_a_payload_that_is_not_skops_is_refused_with_the_error_type(tmp_path, saved):
    import zipfile as zf

    bad = tmp_path / "junk.skops"
    artifact.rewrite_payload(saved[0], bad, b"not a zip", rehash=True)
    with pytest.raises(zf.BadZipFile):  # what skops itself raises on these bytes
        sio.get_untrusted_types(data=b"not a zip")
    with pytest.raises(ArtifactError) as err:
        artifact.load(bad)
    assert str(err.value) == f"{bad}: refused: the payload is not a skops file (BadZipFile)"


def test_a_payload_that_is_not_a_classifier_is_refused_by_type_name(tmp_path, saved):
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(np.array([[0.0], [1.0]]))
    bad = tmp_path / "scaler.skops"
    artifact.rewrite_payload(saved[0], bad, sio.dumps(scaler), rehash=True)
    with pytest.raises(ArtifactError) as err:
        artifact.load(bad)
    assert str(err.value) == f"{bad}: refused: the payload is a StandardScaler, not a classifier pipeline"


def test_an_empty_allow_list_refuses_a_payload_naming_its_types(saved):
    from sklearn.pipeline import Pipeline

    pipe = Pipeline([("select", artifact.SelectColumns(["usage"])), ("lr", LogisticRegression())])
    df = _table()
    pipe.fit(df, (df["usage"] > 0).astype(int))
    path = saved[0].with_name("sel.skops")
    artifact.save(path, pipe, SCHEMA, 0.5, df)
    with pytest.raises(ArtifactError) as err:
        artifact.load(path, trusted=frozenset())
    assert str(err.value) == (
        f"{path}: refused: the payload holds types outside the allow-list: ['systems.core.artifact.SelectColumns']"
    )


def test_a_payload_that_passes_the_type_check_but_does_not_rebuild_is_refused(tmp_path, saved):
    # keep the payload's JSON (so its types are listed and trusted) but garble every array file
    with zipfile.ZipFile(saved[0]) as z:
        payload = z.read("payload.skops")
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(payload)) as src, zipfile.ZipFile(buf, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, b"garbage" if name.endswith(".npy") else src.read(name))
    garbled = buf.getvalue()
    with pytest.raises(Exception) as reference:  # what skops says about these bytes
        sio.loads(garbled, trusted=sio.get_untrusted_types(data=garbled))
    bad = tmp_path / "garbled.skops"
    artifact.rewrite_payload(saved[0], bad, garbled, rehash=True)
    with pytest.raises(ArtifactError) as err:
        artifact.load(bad)
    why = f"{type(reference.value).__name__}: {str(reference.value)[:100]}"
    assert str(err.value) == f"{bad}: refused: the payload does not rebuild ({why})"


def test_a_pickle_file_is_refused_saying_what_to_do(tmp_path):
    p = tmp_path / "model.pkl"
    p.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(ArtifactError) as err:
        artifact.load(p)
    assert str(err.value) == (
        f"{p}: refused: not a model artefact (not a zip archive; pickle/joblib files are never "
        "loaded: retrain to get a .skops artefact)"
    )


def test_many_untrusted_types_are_refused_naming_the_first_five(tmp_path, saved):
    # seven classes skops does not know: the one-line refusal names five (sorted), not all seven
    kinds = [type(f"Untrusted{i}", (), {}) for i in range(7)]
    payload = sio.dumps([kind() for kind in kinds])
    listed = sorted(sio.get_untrusted_types(data=payload))  # what skops reads from the file
    assert len(listed) == 7
    bad = tmp_path / "many.skops"
    artifact.rewrite_payload(saved[0], bad, payload, rehash=True)
    with pytest.raises(ArtifactError) as err:
        artifact.load(bad)
    assert str(err.value) == f"{bad}: refused: the payload holds types outside the allow-list: {listed[:5]}"
