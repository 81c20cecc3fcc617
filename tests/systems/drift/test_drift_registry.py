import json

import pytest

from systems.drift.registry import Registry, TriggerQueue, atomic_write_json


def test_register_promote_rollback(tmp_path):
    reg = Registry(tmp_path)
    v1 = reg.register({"w": 1}, {"data_hash": "abc", "trigger": None})
    v2 = reg.register({"w": 2}, {"data_hash": "def", "trigger": "w026-psi"})
    assert (v1, v2) == ("v0001", "v0002") and reg.versions() == [v1, v2]
    assert reg.meta(v2)["trigger"] == "w026-psi" and reg.load(v2) == {"w": 2}
    reg.promote(v1, 0, "initial")
    reg.promote(v2, 5, "better")
    assert reg.champion() == v2
    assert reg.rollback(6) == v1 and reg.champion() == v1
    assert [h.event for h in reg.history()] == ["promote", "promote", "rollback"]
    assert (reg.history()[-1].version, reg.history()[-1].previous) == (v1, v2)


def test_rollback_without_predecessor_is_refused(tmp_path):
    reg = Registry(tmp_path)
    reg.promote(reg.register({"w": 1}, {}), 0, "initial")
    with pytest.raises(RuntimeError, match="nothing to roll back"):
        reg.rollback(1)


def test_promote_unknown_version_is_refused(tmp_path):
    with pytest.raises(KeyError, match="unknown version"):
        Registry(tmp_path).promote("v0009", 0, "x")


def test_crash_mid_retrain_keeps_registry_champion_and_trigger(tmp_path):
    reg, queue = Registry(tmp_path), TriggerQueue(tmp_path)
    v1 = reg.register({"w": 1}, {})
    reg.promote(v1, 0, "initial")
    tid = queue.write(26, "psi", {"dti": 1.1})
    with pytest.raises(RuntimeError, match="injected crash"):
        reg.register({"w": 2}, {"trigger": tid}, crash_after_model=True)
    assert reg.versions() == [v1] and reg.champion() == v1
    assert not [p for p in reg.versions_dir.iterdir() if p.name.startswith(".staging")]
    assert [t.id for t in queue.pending()] == [tid]
    # the retry succeeds and only then is the trigger consumed
    v2 = reg.register({"w": 2}, {"trigger": tid})
    queue.done(tid, {"version": v2})
    assert queue.pending() == [] and json.loads((queue.done_dir / f"{tid}.json").read_text())["outcome"] == {
        "version": v2
    }


def test_trigger_carries_features_and_psi(tmp_path):
    q = TriggerQueue(tmp_path)
    q.write(10, "psi", {"utilization": 0.41, "dti": 0.33})
    (t,) = q.pending()
    assert t.features == {"utilization": 0.41, "dti": 0.33} and t.week == 10 and t.id == "w010-psi"


def test_atomic_write_leaves_no_temp_files(tmp_path):
    atomic_write_json(tmp_path / "a.json", {"x": 1})
    atomic_write_json(tmp_path / "a.json", {"x": 2})
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]
    assert json.loads((tmp_path / "a.json").read_text()) == {"x": 2}


class Planted:
    """A type the registry does not know: a swapped model file could hold anything."""

    def __init__(self):
        self.command = "rm -rf /"


def test_a_real_model_round_trips_through_skops(tmp_path):
    import numpy as np
    import pandas as pd
    from numpy.testing import assert_allclose

    from systems.drift.model import train

    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "c": rng.choice(["x", "y"], n),
            "default": rng.integers(0, 2, n),
        }
    )
    model = train(frame, ["a"], ["c"], seed=0)
    reg = Registry(tmp_path)
    back = reg.load(reg.register(model, {}))
    assert (back.threshold, back.features) == (model.threshold, model.features)
    assert_allclose(back.predict_proba(frame), model.predict_proba(frame), rtol=0, atol=0)
    assert not list(tmp_path.rglob("*.joblib")), "nothing is pickled"


def test_load_refuses_untrusted_types_and_missing_files(tmp_path):
    reg = Registry(tmp_path)
    v = reg.register(Planted(), {})
    with pytest.raises(ValueError, match=r"does not trust: .*test_drift_registry\.Planted"):
        reg.load(v)
    (reg.versions_dir / v / "model.skops").write_bytes(b"\x80\x04not a zip")  # e.g. a pickle dropped in
    with pytest.raises(ValueError, match="is not a skops model file"):
        reg.load(v)
    (reg.versions_dir / v / "model.skops").unlink()
    with pytest.raises(FileNotFoundError, match="no model.skops for version 'v0001'"):
        reg.load(v)
