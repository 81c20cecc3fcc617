import numpy as np

from systems.ensemble.analysis import pair_stats, pairwise_table, recount_story


def test_pair_stats_by_hand():
    # 10 rows, 3 positives; each model flags its top 3
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
    a = np.array([0.9, 0.8, 0.1, 0.7, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])  # misses row 2, flags row 3
    b = np.array([0.9, 0.1, 0.8, 0.0, 0.7, 0.0, 0.0, 0.0, 0.0, 0.0])  # misses row 1, flags row 4
    s = pair_stats(y, a, b, q=0.3)
    # E_a = {2, 3}, E_b = {1, 4}: no shared error
    assert (s.a_only, s.b_only, s.error_overlap) == (2, 2, 0.0)
    # the average ranks rows 0 (0.9), 1 = 2 (0.45 each), 3 = 4 (0.35): top 3 = rows 0, 1, 2
    assert s.blend_fixed == 4 and s.blend_gain_over_a == 2 and s.blend_gain_over_b == 2
    np.testing.assert_allclose(s.rho, np.corrcoef(a, b)[0, 1])


def test_identical_models_overlap_fully():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 100)
    s = rng.uniform(size=100)
    row = pairwise_table(y, {"m1": s, "m2": s.copy(), "m3": 1 - s})[0]
    assert row.pair == "m1-m2" and row.error_overlap == 1.0 and row.a_only == 0
    assert abs(row.rho - 1) < 1e-12


def test_story_recount():
    r = recount_story(120, 130)
    assert (r.both_sets, r.max_gain_vs_a, r.max_gain_vs_b) == (250, 120, 130)
