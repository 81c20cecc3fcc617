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
    ta, tb, ratio = compare(
        lambda: calls.__setitem__("a", calls["a"] + 1),
        lambda: calls.__setitem__("b", calls["b"] + 1),
        repeats=5,
        warmup=1,
    )
    assert calls == {"a": 6, "b": 6}
    assert len(ta.samples) == len(tb.samples) == 5 and ratio > 0
    assert measure(lambda: None, repeats=3).p95 >= 0
    with pytest.raises(ValueError):
        measure(lambda: None, repeats=0)


class _FakeClock:
    """perf_counter that only moves when the timed functions say so: timings without wall clock."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now

    def spend(self, seconds):
        return lambda: setattr(self, "now", self.now + seconds)


def test_measure_and_compare_on_a_fake_clock(monkeypatch):
    import systems.core.timing as timing

    clock = _FakeClock()
    monkeypatch.setattr(timing.time, "perf_counter", clock)
    calls = []
    t = measure(lambda: (calls.append(1), clock.spend(0.25)()), repeats=1)
    assert t.samples == (0.25,) and len(calls) == 1 + 2  # two warm-up calls by default, then 1 timed
    calls.clear()
    measure(lambda: calls.append(1))
    assert len(calls) == 2 + 20  # defaults: warmup 2, repeats 20
    ta, tb, ratio = compare(clock.spend(3.0), clock.spend(2.0), repeats=1)
    assert (ta.median, tb.median, ratio) == (3.0, 2.0, 1.5)
    calls.clear()
    compare(lambda: (calls.append("a"), clock.spend(1.0)()), lambda: (calls.append("b"), clock.spend(1.0)()))
    assert calls.count("a") == calls.count("b") == 2 + 20
    with pytest.raises(ValueError, match=r"^repeats must be >= 1, got 0$"):
        measure(lambda: None, repeats=0)
    with pytest.raises(ValueError, match=r"^repeats must be >= 1, got 0$"):
        compare(lambda: None, lambda: None, repeats=0)


def test_child_seed_is_the_documented_sha256_prefix_and_rng_uses_it():
    import hashlib

    for seed, purpose in [(0, "split"), (7, "numpy-global"), (123, "bootstrap")]:
        digest = hashlib.sha256(f"{seed}:{purpose}".encode()).digest()
        assert child_seed(seed, purpose) == int.from_bytes(digest[:4], "little") < 2**32
        assert rng(seed, purpose).random() == np.random.default_rng(child_seed(seed, purpose)).random()
    assert rng(5).random() == np.random.default_rng(5).random()  # no purpose: the seed itself


def test_seed_everything_seeds_each_global_stream():
    import random

    import torch

    from systems.core.seeding import seed_everything

    seed_everything(11)
    drawn = (random.random(), np.random.random(), float(torch.rand(1)))  # noqa: NPY002
    expected = (
        random.Random(11).random(),
        np.random.RandomState(child_seed(11, "numpy-global")).random_sample(),  # noqa: NPY002
        float(torch.rand(1, generator=torch.Generator().manual_seed(11))),
    )
    assert drawn == expected


def test_compare_many_interleaves_rounds_and_names_each_timing():
    from systems.core.timing import compare_many

    order = []
    fns = {name: (lambda n=name: order.append(n)) for name in ("a", "b", "c")}
    out = compare_many(fns, repeats=2, warmup=1)
    assert order == ["a", "b", "c"] * 3, "warm-up round, then interleaved rounds"
    assert list(out) == ["a", "b", "c"] and all(len(t.samples) == 2 for t in out.values())
    with pytest.raises(ValueError, match="repeats"):
        compare_many(fns, repeats=0)
    with pytest.raises(ValueError, match="at least one"):
        compare_many({})


def test_compare_many_with_a_single_repeat():
    from systems.core.timing import compare_many

    out = compare_many({"only": lambda: None}, repeats=1, warmup=0)
    assert len(out["only"].samples) == 1
    with pytest.raises(ValueError, match="^compare_many needs at least one callable$"):
        compare_many({}, repeats=1)


def test_compare_many_defaults_are_one_warmup_and_five_rounds():
    from systems.core.timing import compare_many

    calls = []
    out = compare_many({"a": lambda: calls.append("a")})
    assert len(calls) == 1 + 5 and len(out["a"].samples) == 5
