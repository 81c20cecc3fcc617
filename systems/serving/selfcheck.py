"""The loader checked against crafted files in every run (SV-05), not only in the tests.

    pickle   a joblib file whose object, when unpickled, opens (creates) a marker file
    exec     a skops payload whose LossNode constructor is ``builtins.exec`` with code that
             writes a marker file, wrapped in a valid manifest with a correct sha256
    tamper   a real artefact with one payload byte flipped

Each must be refused by ``systems.core.artifact.load``; the markers must not exist after.
The run never loads the crafted files any other way.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import joblib

from systems.core import artifact


class _Touch:
    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def exec_payload(marker: Path) -> bytes:
    """skops bytes that run ``open(marker, 'w')`` if loaded trusting the types they list."""

    def text(v):
        return {
            "__class__": "str",
            "__module__": "builtins",
            "__loader__": "JsonNode",
            "content": json.dumps(v),
            "is_json": True,
            "__id__": 1,
        }

    keys = {
        "__class__": "list",
        "__module__": "builtins",
        "__loader__": "ListNode",
        "content": [],
        "__id__": 4,
    }
    args = {
        "__class__": "tuple",
        "__module__": "builtins",
        "__loader__": "TupleNode",
        "content": [text(f"open({str(marker)!r}, 'w').write('ran')")],
        "__id__": 2,
    }
    schema = {
        "__class__": "exec",
        "__module__": "builtins",
        "__loader__": "LossNode",
        "__reduce__": {"args": args},
        "content": {
            "__class__": "dict",
            "__module__": "builtins",
            "__loader__": "DictNode",
            "content": {},
            "key_types": keys,
            "__id__": 3,
        },
        "__id__": 5,
        "protocol": 2,
        "_skops_version": "0.16.0",
    }
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("schema.json", json.dumps(schema))
    return buf.getvalue()


@dataclass(frozen=True)
class SelfCheck:
    tampered_refused: bool
    pickle_refused: bool
    exec_payload_refused: bool
    markers_written: int


def _refused(path: Path, needle: str) -> bool:
    try:
        artifact.load(path)
    except artifact.ArtifactError as err:
        return needle in str(err)
    return False


def run(model: Path, work: Path) -> SelfCheck:
    work.mkdir(parents=True, exist_ok=True)
    m1, m2 = work / "marker_pickle", work / "marker_exec"
    for m in (m1, m2):
        m.unlink(missing_ok=True)
    joblib.dump(_Touch(str(m1)), work / "crafted.joblib")
    artifact.rewrite_payload(model, work / "crafted_exec.skops", exec_payload(m2), rehash=True)
    with zipfile.ZipFile(model) as z:
        payload = bytearray(z.read(artifact.PAYLOAD))
    payload[len(payload) // 2] ^= 0xFF
    artifact.rewrite_payload(model, work / "tampered.skops", bytes(payload), rehash=False)
    out = SelfCheck(
        _refused(work / "tampered.skops", "does not match"),
        _refused(work / "crafted.joblib", "not a zip archive"),
        _refused(work / "crafted_exec.skops", "builtins.exec"),
        int(m1.exists()) + int(m2.exists()),
    )
    return out
