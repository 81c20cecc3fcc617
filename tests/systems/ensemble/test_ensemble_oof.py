import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from systems.ensemble.tuning import FoldFitError, make_folds, oof_predictions


class RecordingModel:
    """Remembers which rows (by a hidden id column) it was fitted on."""

    fitted_on: list = []

    def fit(self, X, y):
        RecordingModel.fitted_on.append(set(X[:, 0].astype(int)))
        self.seen_ = set(X[:, 0].astype(int))
        return self

    def predict_proba(self, X):
        ids = X[:, 0].astype(int)
        # scores 1 if the row was in training -- any in-fold leak would show as a 1
        p = np.array([1.0 if i in self.seen_ else 0.0 for i in ids])
        return np.column_stack([1 - p, p])


def test_oof_never_scores_a_row_with_a_model_that_saw_it():
    rng = np.random.default_rng(0)
    n = 200
    X = np.column_stack([np.arange(n), rng.normal(size=n)])
    y = rng.integers(0, 2, n)
    fold = make_folds(y, 5, seed=0)
    RecordingModel.fitted_on = []
    oof = oof_predictions(RecordingModel, X, y, fold)
    assert len(RecordingModel.fitted_on) == 5
    np.testing.assert_array_equal(oof, 0.0)
    for k, seen in enumerate(RecordingModel.fitted_on):
        assert seen.isdisjoint(set(np.flatnonzero(fold == k))), f"fold {k} leaked"


def test_folds_are_stratified_and_cover_every_row():
    y = np.r_[np.zeros(90), np.ones(10)].astype(int)
    fold = make_folds(y, 5, seed=1)
    assert sorted(np.unique(fold)) == [0, 1, 2, 3, 4]
    assert [int(y[fold == k].sum()) for k in range(5)] == [2] * 5


def test_oof_matches_manual_refits():
    X, y = make_classification(300, 5, random_state=0)
    fold = make_folds(y, 3, seed=0)
    oof = oof_predictions(LogisticRegression, X, y, fold)
    for k in range(3):
        m = LogisticRegression().fit(X[fold != k], y[fold != k])
        np.testing.assert_allclose(oof[fold == k], m.predict_proba(X[fold == k])[:, 1], rtol=1e-10)


class BreaksOnFold2:
    calls = 0

    def fit(self, X, y):
        BreaksOnFold2.calls += 1
        if BreaksOnFold2.calls == 3:
            raise np.linalg.LinAlgError("singular matrix")
        return self

    def predict_proba(self, X):
        return np.full((len(X), 2), 0.5)


def test_failing_fold_names_model_and_fold():
    X, y = make_classification(100, 5, random_state=0)
    BreaksOnFold2.calls = 0
    with pytest.raises(FoldFitError, match=r"xgboost failed to train on fold 2: LinAlgError"):
        oof_predictions(BreaksOnFold2, X, y, make_folds(y, 5, 0), name="xgboost")


def test_too_few_positives_for_folds():
    with pytest.raises(ValueError, match="class counts"):
        make_folds(np.r_[np.zeros(20), np.ones(3)].astype(int), 5, 0)
