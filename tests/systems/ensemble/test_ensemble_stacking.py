import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from systems.ensemble.ensembles import MetaLearner, StackedEnsemble, logit
from systems.ensemble.tuning import make_folds, oof_predictions


def _data():
    X, y = make_classification(600, 8, n_informative=4, flip_y=0.1, random_state=0)
    return X, y, make_folds(y, 5, seed=0)


def test_meta_learner_sees_only_oof_scores():
    X, y, fold = _data()
    bases = {"knn1": lambda: KNeighborsClassifier(1), "lr": LogisticRegression}
    st = StackedEnsemble(bases, MetaLearner("logreg")).fit(X, y, fold)
    expected = np.column_stack([oof_predictions(f, X, y, fold) for f in bases.values()])
    np.testing.assert_array_equal(st.meta_input_, expected)
    # in-sample 1-NN scores reproduce y exactly; OOF ones must not
    in_sample = KNeighborsClassifier(1).fit(X, y).predict_proba(X)[:, 1]
    np.testing.assert_array_equal(in_sample, y)
    assert (st.meta_input_[:, 0] != y).mean() > 0.05


def test_meta_on_oof_does_not_trust_the_memoriser():
    X, y, fold = _data()
    bases = {"knn1": lambda: KNeighborsClassifier(1), "lr": LogisticRegression}
    st = StackedEnsemble(bases, MetaLearner("logreg")).fit(X, y, fold)
    coef = st.meta_.model_.coef_.ravel()
    # fitted on in-sample scores the meta would put everything on knn1; on OOF scores the
    # honest linear model carries more weight
    assert coef[1] > coef[0], f"meta coefficients {coef}"


def test_extra_columns_must_match_between_fit_and_predict():
    X, y, _ = _data()
    P = np.column_stack([np.clip(X[:, 0] * 0.1 + 0.5, 0.01, 0.99)])
    m = MetaLearner("logreg").fit(P, y, extra=X[:, :2])
    assert m.predict_proba(P, extra=X[:, :2]).shape == (len(y),)
    with pytest.raises(ValueError, match="extra columns"):
        m.predict_proba(P)
    with pytest.raises(ValueError, match="unknown meta-learner"):
        MetaLearner("svm").fit(P, y)


def test_logit_is_clipped_and_inverts_sigmoid():
    p = np.array([0.0, 0.2, 0.5, 1.0])
    z = logit(p)
    assert np.isfinite(z).all()
    np.testing.assert_allclose(1 / (1 + np.exp(-z[1:3])), p[1:3], rtol=1e-12)
