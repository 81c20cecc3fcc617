"""Properties that any correct ROC-AUC / NDCG must have, checked on generated cases."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from algorithms import metrics as M

labels_scores = st.integers(2, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(lambda y: 0 < sum(y) < len(y)),
        # integer scores: many ties, and exp() keeps distinct values distinct in float64
        st.lists(st.integers(-20, 20), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None)
@given(labels_scores)
def test_auc_is_invariant_to_monotone_maps_and_flips_with_labels(case):
    y, s = np.array(case[0]), np.array(case[1], dtype=float)
    auc = M.roc_auc(y, s)
    assert_allclose(M.roc_auc(y, np.exp(s / 4)), auc, atol=1e-12)  # strictly increasing map
    assert_allclose(M.roc_auc(1 - y, s), 1 - auc, atol=1e-12)  # swap the classes
    assert 0.0 <= auc <= 1.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=1, max_size=15), st.integers(1, 15))
def test_ndcg_lies_in_unit_interval_and_ideal_order_scores_one(grades, k):
    relevance = dict(enumerate(grades))
    ideal = sorted(relevance, key=lambda d: -relevance[d])
    value = M.ndcg_at_k(list(reversed(ideal)), relevance, k)
    assert 0.0 <= value <= 1.0 + 1e-12
    assert M.ndcg_at_k(ideal, relevance, k) == (1.0 if any(grades) else 0.0)
