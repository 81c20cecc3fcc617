"""Resampling touches training rows only; the test set is scored as it is."""

import numpy as np
import pytest
from imblearn.over_sampling import SMOTE
from sklearn.model_selection import StratifiedKFold, cross_val_score

from systems.churn import imbalance


class SpySMOTE(SMOTE):
    """SMOTE that records the size of every table it resamples."""

    seen: list[int] = []

    def fit_resample(self, X, y, **kw):
        SpySMOTE.seen.append(len(X))
        return super().fit_resample(X, y, **kw)


def _data(n=600, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    y = (X[:, 0] + 0.5 * rng.normal(size=n) > 1.2).astype(int)
    return X, y


def test_smote_sees_only_training_folds_and_never_the_test_rows():
    X, y = _data()
    SpySMOTE.seen = []
    pipe = imbalance.make_pipeline(
        "smote", "logreg", 0, 1.0, sampler=SpySMOTE(sampling_strategy=0.8, random_state=0)
    )
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    cross_val_score(pipe, X, y, cv=cv, scoring="f1")
    fold_train_sizes = sorted(len(tr) for tr, _ in cv.split(X, y))
    assert sorted(SpySMOTE.seen) == fold_train_sizes, (SpySMOTE.seen, fold_train_sizes)
    SpySMOTE.seen = []
    pipe.fit(X[:400], y[:400])
    p = pipe.predict_proba(X[400:])
    assert SpySMOTE.seen == [400]  # prediction did not resample
    assert p.shape == (200, 2)


def test_compare_scores_the_untouched_test_set():
    X, y = _data(800, 1)
    Xtr, ytr, Xte, yte = X[:600], y[:600], X[600:], y[600:]
    out = imbalance.compare(Xtr, ytr, Xte, yte, "logreg", 0, cv_folds=2).by_strategy()
    assert list(out) == list(imbalance.STRATEGIES)
    for s, row in out.items():
        # a resampled test set would change its size or its positive rate
        assert row.n_test_scored == len(yte) == len(row.p_test), s
        assert row.test_pos_rate == pytest.approx(yte.mean()), s
        assert 0 <= row.f1 <= 1
    # resampling changes the training class ratio, so the strategies differ in recall
    assert len({round(r.recall, 6) for r in out.values()}) > 1


def test_smote_reaches_the_requested_ratio_on_training_rows():
    X, y = _data()
    Xr, yr = SMOTE(sampling_strategy=0.8, random_state=0).fit_resample(X, y)
    assert (yr == 1).sum() / (yr == 0).sum() == pytest.approx(0.8, abs=0.01)
    assert (yr == 0).sum() == (y == 0).sum()
