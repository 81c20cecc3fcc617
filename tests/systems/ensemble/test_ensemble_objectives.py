import numpy as np
import optuna
import pytest
from optuna.trial import TrialState
from sklearn.datasets import make_classification

from systems.core.models import SPACES, check_params, make_model
from systems.ensemble.analysis import auc_standard_error
from systems.ensemble.tuning import STORY_OPTIMA, make_folds, model_objective


def test_logreg_objective_scores_cv_auc_and_prunes_l1_with_lbfgs():
    X, y = make_classification(300, 6, random_state=0)
    fold = make_folds(y, 3, seed=0)
    study = optuna.create_study(direction="maximize")
    obj = model_objective("logreg", X, y, fold)
    study.enqueue_trial({"C": 1.0, "penalty": "l1", "solver": "lbfgs"})
    study.enqueue_trial({"C": 1.0, "penalty": "l2", "solver": "lbfgs"})
    study.optimize(obj, n_trials=2)
    assert [t.state for t in study.trials] == [TrialState.PRUNED, TrialState.COMPLETE]
    done = study.trials[1]
    assert len(done.user_attrs["fold_aucs"]) == 3
    assert done.value == pytest.approx(np.mean(done.user_attrs["fold_aucs"]))
    assert 0.5 < done.value <= 1.0


def test_story_optima_lie_inside_the_story_spaces():
    for model, params in STORY_OPTIMA.items():
        check_params(model, params)
        for name, value in params.items():
            spec = SPACES[model][name]
            if spec[0] == "cat":
                assert value in spec[1]
            else:
                assert spec[1] <= value <= spec[2], (model, name, value)
        make_model(model, 0, recipe="ensemble", **params)


def test_unknown_model_is_named():
    with pytest.raises(ValueError, match="unknown model 'svm'"):
        make_model("svm", 0, recipe="ensemble")
    with pytest.raises(ValueError, match="unknown model 'svm'"):
        make_model("svm", 0)


def test_auc_standard_error_matches_bootstrap():
    rng = np.random.default_rng(0)
    n = 400
    y = rng.integers(0, 2, n)
    s = y + rng.normal(0, 1.2, n)
    from sklearn.metrics import roc_auc_score

    auc = roc_auc_score(y, s)
    boot = []
    for _ in range(400):
        i = rng.integers(0, n, n)
        boot.append(roc_auc_score(y[i], s[i]))
    se = auc_standard_error(auc, int(y.sum()), int(n - y.sum()))
    # Hanley-McNeil is an approximation: agree with the bootstrap within 25%
    np.testing.assert_allclose(se, np.std(boot), rtol=0.25, err_msg=f"HM {se:.4f} vs boot {np.std(boot):.4f}")
