import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from systems.ensemble.ensembles import WeightedBlend, blend_objective, blend_scores


def _case():
    # 4 rows, two models: model a ranks rows 0<1<2<3, model b ranks 1<0<3<2
    y = np.array([0, 0, 1, 1])
    P = np.array([[0.1, 0.3], [0.2, 0.1], [0.3, 0.9], [0.4, 0.8]])
    return y, P


def test_blend_objective_by_hand():
    y, P = _case()
    # w = (0.5, 0.5): scores 0.2, 0.15, 0.6, 0.6 -> every positive above every negative
    assert blend_objective(y, P, np.array([0.5, 0.5])) == 1.0
    # hand-computed penalised value: 0.9 * 1.0 - 0.1 * 0.5
    assert blend_objective(y, P, np.array([0.5, 0.5]), penalised=True) == pytest.approx(0.85)
    # w = (0, 1): model b alone, scores 0.3, 0.1, 0.9, 0.8 -> AUC 1; penalty 0.1 * 1
    assert blend_objective(y, P, np.array([0.0, 1.0]), penalised=True) == pytest.approx(0.8)


def test_blend_matches_sklearn_auc():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    P = rng.uniform(size=(200, 3))
    w = np.array([0.2, 0.5, 0.3])
    np.testing.assert_allclose(blend_objective(y, P, w), roc_auc_score(y, P @ w), rtol=0, atol=1e-12)
    np.testing.assert_allclose(WeightedBlend(w).fit().predict(P), P @ w)


def test_blend_rejects_off_simplex_weights():
    y, P = _case()
    with pytest.raises(ValueError, match="sum to 1"):
        blend_scores(P, np.array([0.7, 0.7]))
    with pytest.raises(ValueError, match="3 weights"):
        blend_scores(P, np.array([0.2, 0.3, 0.5]))
