import numpy as np
import pytest

from systems.core.seeding import child_seed, rng
from systems.core.timing import compare, measure


def test_purpose_streams_are_reproducible_and_independent():
    assert child_seed(0, "data") == child_seed(0, "data")
    assert child_seed(0, "data") != child_seed(0, "model")
    assert np.array_equal(rng(1, "a").random(3), rng(1, "a").random(3))
    assert not np.array_equal(rng(1, "a").random(3), rng(2, "a").random(3))


def test_compare_counts_calls_and_returns_a_ratio():
    calls = {"a": 0, "b": 0}
    ta, tb, ratio = compare(lambda: calls.__setitem__("a", calls["a"] + 1),
                            lambda: calls.__setitem__("b", calls["b"] + 1), repeats=5, warmup=1)
    assert calls == {"a": 6, "b": 6}
    assert len(ta.samples) == len(tb.samples) == 5 and ratio > 0
    assert measure(lambda: None, repeats=3).p95 >= 0
    with pytest.raises(ValueError):
        measure(lambda: None, repeats=0)
