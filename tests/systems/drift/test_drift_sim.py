import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from data.credit import CATEGORICAL, NUMERIC, simulate_year
from systems.core.seeding import rng
from systems.drift.config import DriftConfig
from systems.drift.model import train
from systems.drift.simulate import run_year


@pytest.fixture(scope="module")
def year_result(tmp_path_factory):
    # no scheduled retrains here (schedule_every > 52): only drift and F1 triggers, to stay quick
    cfg = DriftConfig(n_reference=3000, n_week=400, schedule_every=60)
    year = simulate_year(cfg.n_reference, cfg.n_week, rng(0, "test-year"))
    root = tmp_path_factory.mktemp("drift")
    with threadpool_limits(1):
        frozen = train(year.reference, NUMERIC, CATEGORICAL)
        return cfg, run_year(cfg, year, root, frozen), root


def test_policy_triggers_a_retrain_with_its_features(year_result):
    _, res, _ = year_result
    psi_triggers = [e for e in res.log if e["event"] == "trigger" and e["reason"] == "psi"]
    assert any(e["week"] == 26 and "dti" in e["features"] for e in psi_triggers)
    retrain = next(e for e in res.log if e["event"] == "retrain" and e["trigger"].startswith("w026"))
    # labels of 26..28 arrive at week 30 at the earliest: the trigger waited for them
    assert retrain["week"] >= 30 and min(retrain["train_weeks"]) >= 26


def test_unit_bug_is_a_fault_not_a_trigger(year_result):
    _, res, _ = year_result
    faults = [e["week"] for e in res.log if e["event"] == "pipeline_fault"]
    assert faults == [42, 43, 44]
    assert not any(e["event"] == "trigger" and "income" in e.get("features", {}) for e in res.log)
    assert not any(e["event"] == "retrain" and set(e["train_weeks"]) & {42, 43, 44} for e in res.log)


def test_registry_matches_the_log(year_result):
    from systems.drift.registry import Registry

    _, res, root = year_result
    reg = Registry(root)
    retrains = [e for e in res.log if e["event"] == "retrain"]
    assert len(reg.versions()) == 1 + len(retrains)
    promoted = [e["version"] for e in res.log if e["event"] == "champion_challenger" and e["promoted"]]
    assert reg.champion() == (promoted[-1] if promoted else "v0001")
    served = list(dict.fromkeys(res.weekly["champion"]))  # versions in the order they served
    assert served[0] == "v0001" and served == ["v0001"] + promoted[: len(served) - 1]


def test_weekly_table_is_complete(year_result):
    _, res, _ = year_result
    assert len(res.weekly) == 52 and res.reports["week"].nunique() == 52
    assert np.isfinite(res.weekly["f1_frozen"]).all()
