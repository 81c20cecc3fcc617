"""A model registry and a trigger queue on disk, both crash-safe by atomic renames.

Layout under ``root``::

    registry/versions/v0001/{model.skops, meta.json}    one folder per trained model
    registry/champion.json                              {"version": "v0001"}
    registry/history.jsonl                              promotions and rollbacks, in order
    triggers/pending/<id>.json                          retrain requests not yet handled
    triggers/done/<id>.json                             handled, with their outcome

Every write goes to a temporary name first and is then ``os.replace``-d into place
(a rename is atomic on one filesystem): a crash leaves either the old file or the new
one, never half of one. A new version is built in ``versions/.staging-*`` and renamed
to ``vNNNN`` only once complete, so a crash in the middle of retraining leaves the
versions, the champion pointer and the pending trigger exactly as they were; the
trigger moves to ``done/`` only after its retraining finished (at-least-once).

Models are stored with skops, never pickled: ``load`` first lists the file's types
without importing anything (``skops.io.get_untrusted_types``) and refuses any type
beyond scikit-learn's own and ``TRUSTED_TYPES``, so a model file swapped on disk cannot
run code when the registry reads it.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import skops.io as sio

MODEL_FILE = "model.skops"
TRUSTED_TYPES = frozenset({"systems.drift.model.CreditModel"})  # besides skops' own defaults


def atomic_write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)


@dataclass(frozen=True)
class Change:
    """One line of history.jsonl: a promotion or a rollback of the champion pointer."""

    event: str  # "promote" or "rollback"
    version: str
    previous: str | None
    week: int
    reason: str


@dataclass(frozen=True)
class Trigger:
    """A retrain request, as its JSON file holds it."""

    id: str  # w<week>-<reason>
    week: int  # for psi and f1 triggers: the first week retraining may learn from
    reason: str  # "psi", "f1" or "schedule"
    features: dict[str, float]  # drifted features and their PSI (psi triggers)


class Registry:
    """Versions, the champion pointer and its history."""

    def __init__(self, root: Path):
        self.root = Path(root) / "registry"
        self.versions_dir = self.root / "versions"
        self.versions_dir.mkdir(parents=True, exist_ok=True)

    def versions(self) -> list[str]:
        return sorted(p.name for p in self.versions_dir.iterdir() if p.is_dir() and p.name.startswith("v"))

    def register(self, model, meta: dict[str, Any], crash_after_model: bool = False) -> str:
        """Store a model and its metadata as the next version; returns the version id.

        ``crash_after_model`` raises after the model file is written, as a crash halfway
        through would (used by the fault tests and the loop's demo).
        """
        staging = self.versions_dir / f".staging-{uuid.uuid4().hex}"
        staging.mkdir()
        try:
            sio.dump(model, staging / MODEL_FILE)
            if crash_after_model:
                raise RuntimeError("injected crash while registering a retrained model")
            version = f"v{len(self.versions()) + 1:04d}"
            atomic_write_json(staging / "meta.json", {"version": version} | meta)
            os.replace(staging, self.versions_dir / version)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return version

    def meta(self, version: str) -> dict[str, Any]:
        return json.loads((self.versions_dir / version / "meta.json").read_text())

    def load(self, version: str):
        """The model of ``version``, rebuilt by skops from types this module trusts."""
        path = self.versions_dir / version / MODEL_FILE
        if not path.is_file():
            raise FileNotFoundError(f"no {MODEL_FILE} for version {version!r} under {self.versions_dir}")
        try:
            untrusted = sio.get_untrusted_types(file=path)
        except Exception as err:  # skops raises several types for a file that is not its own
            raise ValueError(f"{path} is not a skops model file ({type(err).__name__})") from err
        refused = sorted(set(untrusted) - TRUSTED_TYPES)
        if refused:
            raise ValueError(f"{path} holds types this registry does not trust: {', '.join(refused)}")
        return sio.load(path, trusted=untrusted)

    def champion(self) -> str | None:
        p = self.root / "champion.json"
        return json.loads(p.read_text())["version"] if p.exists() else None

    def _log(self, change: Change) -> None:
        with open(self.root / "history.jsonl", "a") as f:
            f.write(json.dumps(asdict(change), sort_keys=True) + "\n")

    def promote(self, version: str, week: int, reason: str) -> None:
        if version not in self.versions():
            raise KeyError(f"cannot promote unknown version {version!r}; versions: {self.versions()}")
        previous = self.champion()
        atomic_write_json(self.root / "champion.json", {"version": version})
        self._log(Change("promote", version, previous, week, reason))

    def history(self) -> list[Change]:
        p = self.root / "history.jsonl"
        return [Change(**json.loads(line)) for line in p.read_text().splitlines()] if p.exists() else []

    def rollback(self, week: int) -> str:
        """Make the champion before the current one champion again; returns its version."""
        promos = [h for h in self.history() if h.event in ("promote", "rollback")]
        if not promos or promos[-1].previous is None:
            raise RuntimeError("nothing to roll back to: the champion has no predecessor")
        target, current = promos[-1].previous, self.champion()
        atomic_write_json(self.root / "champion.json", {"version": target})
        self._log(Change("rollback", target, current, week, "rollback"))
        return target


class TriggerQueue:
    """Retrain triggers as JSON files: pending until handled, then done."""

    def __init__(self, root: Path):
        self.pending_dir = Path(root) / "triggers" / "pending"
        self.done_dir = Path(root) / "triggers" / "done"
        self.pending_dir.mkdir(parents=True, exist_ok=True)
        self.done_dir.mkdir(parents=True, exist_ok=True)

    def write(self, week: int, reason: str, features: dict[str, float]) -> str:
        """Write a trigger (features that drifted and their PSI); returns its id."""
        tid = f"w{week:03d}-{reason}"
        atomic_write_json(self.pending_dir / f"{tid}.json", asdict(Trigger(tid, week, reason, features)))
        return tid

    def pending(self) -> list[Trigger]:
        return [Trigger(**json.loads(p.read_text())) for p in sorted(self.pending_dir.glob("*.json"))]

    def done(self, tid: str, outcome: dict[str, Any]) -> None:
        src = self.pending_dir / f"{tid}.json"
        record = json.loads(src.read_text()) | {"outcome": outcome}
        atomic_write_json(self.done_dir / f"{tid}.json", record)
        src.unlink()
