import numpy as np
import pytest

from data.credit import CATEGORICAL, NUMERIC, sample_week
from systems.drift.loop import ConstantModel, RawScoreModel, SlowModel, challenger_wins, validation_suite
from systems.drift.model import best_f1_threshold, data_hash, train


@pytest.fixture(scope="module")
def setup():
    rng = np.random.default_rng(0)
    ref = sample_week(-1, 3000, rng)
    hold = sample_week(0, 1500, rng)
    return train(ref, NUMERIC, CATEGORICAL), hold, ref


def _failed(gates):
    return {g.name for g in gates if not g.passed}


def test_good_challenger_passes_every_gate(setup):
    model, hold, _ = setup
    assert _failed(validation_suite(model, model, hold, n_latency_calls=5)) == set()


def test_each_gate_can_fail(setup):
    model, hold, ref = setup
    assert "range" in _failed(validation_suite(RawScoreModel(model), model, hold, n_latency_calls=3))
    assert "spread" in _failed(validation_suite(ConstantModel(model, 0.13), model, hold, n_latency_calls=3))
    assert _failed(
        validation_suite(SlowModel(model, 0.01), model, hold, latency_budget_ms=5, n_latency_calls=3)
    ) == {"latency"}
    shuffled = ref.assign(default=np.random.default_rng(1).permutation(ref["default"].to_numpy()))
    bad = train(shuffled, NUMERIC, CATEGORICAL)
    assert "f1" in _failed(validation_suite(bad, model, hold, n_latency_calls=3))


def test_promotion_needs_the_margin():
    assert not challenger_wins(0.50, 0.505, 0.01)
    assert challenger_wins(0.50, 0.5051, 0.01)


def test_threshold_and_baseline(setup):
    model, hold, _ = setup
    assert 0.05 <= model.threshold <= 0.8 and 0.3 < model.baseline_f1 < 0.7
    y = np.array([0, 0, 1, 1])
    assert best_f1_threshold(y, np.array([0.1, 0.2, 0.6, 0.7]))[1] == 1.0


def test_single_class_window_is_refused():
    frame = sample_week(-1, 200, np.random.default_rng(0)).assign(default=0)
    with pytest.raises(ValueError, match="single class"):
        train(frame, NUMERIC, CATEGORICAL)


def test_data_hash_is_content_based(setup):
    _, hold, _ = setup
    assert data_hash(hold) == data_hash(hold.copy())
    assert data_hash(hold) != data_hash(hold.assign(age=hold["age"] + 1))


def test_cpu_clock_ignores_time_spent_off_cpu(setup):
    # a sleep stands in for other jobs holding the core: wall time sees it, thread CPU time does not
    from systems.drift.model import latency_ms

    model, hold, _ = setup
    slow = SlowModel(model, 0.05)
    assert latency_ms(slow, hold, 3, clock="wall").min() >= 50
    assert latency_ms(slow, hold, 3, clock="cpu").max() < 50
    with pytest.raises(ValueError, match="clock"):
        latency_ms(model, hold, 1, clock="sundial")
