"""The estimators in ``algorithms/`` follow scikit-learn's contract: ``clone``, ``GridSearchCV``, its checks.

``__init__`` stores hyperparameters only and every fitted attribute ends in ``_``, so ``clone``
gives an unfitted copy and a grid search can set parameters on it. scikit-learn's own estimator
checks run on the four ``fit(X, y)`` estimators; the checks they are expected to fail are listed
below with the reason, one reason per group (nothing is skipped wholesale).
"""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_moons, make_regression
from sklearn.model_selection import GridSearchCV
from sklearn.utils.estimator_checks import parametrize_with_checks

from algorithms.attention import MultiHeadSelfAttention
from algorithms.boosting import SecondOrderBooster
from algorithms.local_surrogate import LocalSurrogate
from algorithms.mlp import MLP
from algorithms.reinforce import Reinforce
from algorithms.sgd import MomentumSGDRegressor
from algorithms.svm import SMOClassifier
from algorithms.svm_fast import FastSMOClassifier

# Input validation is each module's own, with messages that name the argument and the fix
# (tested in the module's tests), not scikit-learn's ``validate_data``: these checks look for
# scikit-learn's exact messages, or for sparse, complex and 2-D-y handling the derivations
# do not offer.
OWN_VALIDATION = (
    "check_n_features_in_after_fitting",
    "check_complex_data",
    "check_estimators_empty_data_messages",
    "check_estimator_sparse_tag",
    "check_estimator_sparse_array",
    "check_estimator_sparse_matrix",
    "check_supervised_y_2d",
    "check_fit2d_predict1d",
    "check_requires_y_none",
)
VALIDATION_REASON = "own input validation and messages, not sklearn's validate_data"
# The SVMs are binary, declared by the multi_class=False tag, so scikit-learn feeds them
# two classes only; what they still fail is validation.
SVM_FAILURES = dict.fromkeys(
    OWN_VALIDATION + ("check_classifiers_regression_target", "check_fit2d_1sample"), VALIDATION_REASON
)
BOOSTER_FAILURES = dict.fromkeys(
    OWN_VALIDATION
    + (
        "check_classifiers_regression_target",
        "check_estimators_nan_inf",
        "check_fit2d_1feature",
        # predict does not compare the feature count with fit's (a too-wide X uses its first columns)
        "check_classifiers_train",
    ),
    VALIDATION_REASON,
) | dict.fromkeys(
    (
        "check_estimators_dtypes",
        "check_classifier_data_not_an_array",
        "check_classifiers_classes",
        "check_classifier_not_supporting_multiclass",
    ),
    # the booster is the log-loss derivation: y must already be 0/1, other labels are rejected
    "log-loss targets must be 0/1; other label values are rejected, not encoded",
)
SGD_FAILURES = dict.fromkeys(
    OWN_VALIDATION + ("check_estimators_nan_inf",), VALIDATION_REASON
) | dict.fromkeys(
    ("check_fit_idempotent", "check_fit_check_is_fitted", "check_n_features_in"),
    # these checks fit unscaled features at the default learning rate
    "SGD diverges on the check's unscaled data and raises DivergenceError, by design",
)
EXPECTED_FAILURES = {
    "SMOClassifier": SVM_FAILURES,
    "FastSMOClassifier": SVM_FAILURES,
    "SecondOrderBooster": BOOSTER_FAILURES,
    "MomentumSGDRegressor": SGD_FAILURES,
}
CHECKED = [SMOClassifier(), FastSMOClassifier(), SecondOrderBooster(), MomentumSGDRegressor(random_state=0)]


@parametrize_with_checks(CHECKED, expected_failed_checks=lambda est: EXPECTED_FAILURES[type(est).__name__])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "estimator",
    [
        SMOClassifier(C=0.5, kernel="poly", degree=2),
        FastSMOClassifier(shrinking=True),
        SecondOrderBooster(n_estimators=3, gamma=0.2),
        MomentumSGDRegressor(method="nesterov", batch_size=None),
        MLP([3, 5, 2], activation="relu"),
        MultiHeadSelfAttention(8, 2),
        Reinforce(baseline="none", n_episodes=5),
        LocalSurrogate(n_samples=100, frozen=(1,)),
    ],
    ids=type,
)
def test_clone_round_trips_hyperparameters(estimator):
    copy = clone(estimator)
    assert type(copy) is type(estimator) and copy is not estimator
    assert copy.get_params() == estimator.get_params()


def test_clone_of_a_fitted_estimator_is_unfitted():
    X, y = make_moons(40, noise=0.2, random_state=0)
    fitted = SMOClassifier(C=2.0).fit(X, y)
    copy = clone(fitted)
    assert copy.C == 2.0 and not hasattr(copy, "alpha_")
    net = clone(MLP((2, 3, 1)).initialize(np.random.default_rng(0)))
    assert not hasattr(net, "params_")


def test_grid_search_over_our_classifiers_and_regressor():
    X, y = make_moons(80, noise=0.25, random_state=0)
    svm = GridSearchCV(SMOClassifier(), {"C": [0.1, 10.0], "gamma": [0.5, 2.0]}, cv=3).fit(X, y)
    assert set(svm.best_params_) == {"C", "gamma"} and svm.best_score_ > 0.8
    boost = GridSearchCV(SecondOrderBooster(n_estimators=5), {"max_depth": [1, 3]}, cv=3).fit(X, y)
    assert boost.best_params_["max_depth"] in (1, 3) and boost.best_score_ > 0.8
    Xr, yr = make_regression(120, n_features=3, noise=1.0, random_state=0)
    sgd = GridSearchCV(
        MomentumSGDRegressor(max_epochs=30, random_state=0), {"momentum": [0.0, 0.9]}, cv=3
    ).fit(Xr, yr)
    assert sgd.best_score_ > 0.99  # R^2 of a linear problem with little noise
