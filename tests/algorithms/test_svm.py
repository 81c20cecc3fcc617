"""SMO against libsvm (scikit-learn SVC): decision function, support set, dual objective, KKT."""

import inspect
import warnings
from dataclasses import asdict

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import make_blobs, make_classification, make_moons
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.utils import get_tags

from algorithms.kernels import kernel_matrix
from algorithms.svm import SMOClassifier, _RowCache, kkt_violations

TOL = 1e-6  # both solvers stop at KKT gap < TOL, so decision values agree to ~1e-4
CASES = {
    "linear": {"kernel": "linear"},
    "poly": {"kernel": "poly", "gamma": 0.5, "degree": 3, "coef0": 1.0},
    "rbf": {"kernel": "rbf", "gamma": 1.0},
}


def _data(name, seed):
    if name == "moons":
        X, y = make_moons(120, noise=0.3, random_state=seed)
    elif name == "blobs":
        X, y = make_blobs(100, centers=2, cluster_std=2.0, random_state=seed)
    else:
        X, y = make_classification(150, n_features=5, n_informative=3, random_state=seed)
    return StandardScaler().fit_transform(X), y


def _ref_dual_objective(ref, params):
    beta = ref.dual_coef_[0]  # alpha_i y_i on support vectors (sign convention irrelevant)
    K = kernel_matrix(ref.support_vectors_, ref.support_vectors_, **params)
    return np.abs(beta).sum() - 0.5 * beta @ K @ beta


@pytest.mark.parametrize("data", ["moons", "blobs", "classification"])
@pytest.mark.parametrize("kernel", sorted(CASES))
@pytest.mark.parametrize("C", [0.1, 1.0])
def test_matches_libsvm(data, kernel, C):
    X, y = _data(data, 0)
    params = CASES[kernel]
    ours = SMOClassifier(C=C, tol=TOL, **params).fit(X, y)
    ref = SVC(C=C, tol=TOL, **params).fit(X, y)
    assert_allclose(
        ours.decision_function(X),
        ref.decision_function(X),
        atol=1e-3,
        err_msg="decision function: ours vs libsvm",
    )
    assert set(ours.support_) == set(ref.support_), (
        f"support sets differ: only ours {sorted(set(ours.support_) - set(ref.support_))}, "
        f"only libsvm {sorted(set(ref.support_) - set(ours.support_))}"
    )
    assert_allclose(
        ours.dual_objective_,
        _ref_dual_objective(ref, params),
        rtol=1e-6,
        err_msg="dual objective: ours vs libsvm",
    )
    if kernel == "linear":
        assert_allclose(ours.coef_, ref.coef_[0], atol=1e-3, err_msg="w = sum alpha_i y_i x_i")


@pytest.mark.parametrize("kernel", sorted(CASES))
def test_kkt_conditions_hold(kernel):
    X, y = _data("moons", 1)
    C = 1.0
    svm = SMOClassifier(C=C, tol=1e-6, **CASES[kernel]).fit(X, y)
    ys = np.where(y == svm.classes_[1], 1.0, -1.0)
    v = kkt_violations(svm.alpha_, ys, ys * svm.decision_function(X), C)
    assert v.box == 0 and v.equality < 1e-10, v
    assert max(v.at_zero, v.free, v.at_c) < 1e-5, v
    assert svm.kkt_gap_ < 1e-6 and svm.converged_


def test_rbf_separates_xor_and_linear_cannot():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(400, 2))
    X = X[np.abs(X).min(axis=1) > 0.1][:200]  # the four XOR quadrants, kept apart by a gap
    y = np.where(X[:, 0] * X[:, 1] > 0, 1, -1)
    rbf = SMOClassifier(C=100.0, kernel="rbf", gamma=2.0).fit(X, y)
    lin = SMOClassifier(C=100.0, kernel="linear").fit(X, y)
    assert (rbf.predict(X) == y).mean() == 1.0
    assert (lin.predict(X) == y).mean() < 0.8  # the best line gets ~3/4 (it cuts off one quadrant)


def test_string_labels_and_sign_convention():
    X, y = make_blobs(60, centers=2, random_state=3)
    labels = np.array(["spam", "ham"])[y]
    svm = SMOClassifier(C=1.0, kernel="linear").fit(X, labels)
    ref = SVC(C=1.0, kernel="linear").fit(X, labels)
    assert list(svm.classes_) == list(ref.classes_)
    assert (svm.predict(X) == ref.predict(X)).all()


def test_kernel_cache_is_used():
    X, y = _data("moons", 2)
    svm = SMOClassifier(C=1.0, kernel="rbf", tol=1e-6).fit(X, y)
    assert svm.cache_hits_ > 0 and svm.cache_misses_ <= len(X)


def test_max_iter_warns():
    X, y = _data("moons", 0)
    with pytest.warns(RuntimeWarning, match="max_iter"):
        svm = SMOClassifier(C=1.0, max_iter=3, tol=1e-8).fit(X, y)
    assert not svm.converged_


@pytest.mark.parametrize("C", [0.0, -1.0, np.inf])
def test_rejects_bad_c(C):
    with pytest.raises(ValueError, match="C must be"):
        SMOClassifier(C=C).fit(np.ones((4, 2)), [0, 1, 0, 1])


def test_rejects_bad_input():
    X, y = np.random.default_rng(0).normal(size=(6, 2)), np.array([0, 1] * 3)
    with pytest.raises(ValueError, match="exactly 2 classes"):
        SMOClassifier().fit(X, np.zeros(6))
    with pytest.raises(ValueError, match="exactly 2 classes"):
        SMOClassifier().fit(X, [0, 1, 2, 0, 1, 2])
    bad = X.copy()
    bad[2, 1] = np.nan
    with pytest.raises(ValueError, match="non-finite"):
        SMOClassifier().fit(bad, y)
    with pytest.raises(ValueError, match="non-finite"):
        SMOClassifier().fit(X, np.array([0, 1, np.nan, 0, 1, 0]))
    with pytest.raises(ValueError, match="one label per row"):
        SMOClassifier().fit(X, y[:-1])
    with pytest.raises(ValueError, match="unknown kernel"):
        SMOClassifier(kernel="cubic").fit(X, y)
    with pytest.raises(ValueError, match="shape"):
        SMOClassifier(kernel="linear").fit(X, y).decision_function(np.ones((2, 3)))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3))
def test_matches_libsvm_larger(seed):
    X, y = make_classification(2000, n_features=10, n_informative=5, flip_y=0.1, random_state=seed)
    ours = SMOClassifier(C=1.0, kernel="rbf", gamma=0.1, tol=TOL).fit(X, y)
    ref = SVC(C=1.0, kernel="rbf", gamma=0.1, tol=TOL).fit(X, y)
    assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-3)
    assert set(ours.support_) == set(ref.support_)


@pytest.mark.parametrize(
    ("X", "params"),
    [
        (np.array([[0.0, 0.0], [1.0, 0.5]]), {"kernel": "rbf", "gamma": 1.0}),
        (np.array([[1.0, 1.0], [2.0, 0.0]]), {"kernel": "linear"}),
    ],
)
@pytest.mark.parametrize("C", [0.5, 10.0])
def test_two_point_problem_is_solved_by_one_exact_step(X, params, C):
    """With one point per class the dual is the 2-variable subproblem itself. y^T alpha = 0 forces
    alpha_1 = alpha_2 = s, and f(s) = 1/2 s^2 (K_11 + K_22 - 2 K_12) - 2 s, so
        s* = min(C, 2 / (K_11 + K_22 - 2 K_12)),
    reached by SMO's first step (delta = b / a with b = 2). Checked against libsvm too."""
    y = np.array([1, -1])
    K = kernel_matrix(X, X, **params)
    curvature = K[0, 0] + K[1, 1] - 2 * K[0, 1]
    expected = min(C, 2.0 / curvature)
    ours = SMOClassifier(C=C, tol=1e-9, **params).fit(X, y)
    ref = SVC(C=C, tol=1e-9, **params).fit(X, y)
    assert_allclose(ours.alpha_, [expected, expected], rtol=1e-12, err_msg="ours vs analytic s*")
    assert_allclose(
        np.sort(np.abs(ref.dual_coef_[0])), [expected, expected], rtol=1e-6, err_msg="libsvm vs analytic s*"
    )
    assert ours.n_iter_ == 1, f"the exact pair step solves the problem, took {ours.n_iter_} steps"


def _reference_wss2_step(Q, alpha, y, C, i):
    """The libsvm WSS2 step recomputed from the full matrix Q (sklearn's kernel, not ours).

    For i fixed and each t in I_low with -y_t G_t < -y_i G_i, the direction d = y_i e_i - y_t e_t
    keeps y^T alpha = 0; along it f(alpha + s d) = f + s G.d + s^2/2 d^T Q d, whose unconstrained
    decrease is (G.d)^2 / (2 d^T Q d). j maximises it; the step is the exact minimiser of that
    1-D quadratic, s* = -G.d / (d^T Q d), clipped to the feasible segment [0, s_max] of the box.
    """
    G = Q @ alpha - 1.0
    score = -y * G
    low = ((y < 0) & (alpha < C)) | ((y > 0) & (alpha > 0))
    decrease = np.full(len(y), -np.inf)
    for t in np.flatnonzero(low & (score < score[i])):
        d = np.zeros(len(y))
        d[i], d[t] = y[i], -y[t]
        decrease[t] = (G @ d) ** 2 / (2 * d @ Q @ d)
    j = int(np.argmax(decrease))
    d = np.zeros(len(y))
    d[i], d[j] = y[i], -y[j]
    s_max = min(C - alpha[i] if y[i] > 0 else alpha[i], alpha[j] if y[j] > 0 else C - alpha[j])
    s = min(max(-(G @ d) / (d @ Q @ d), 0.0), s_max)
    return decrease, alpha + s * d


def test_each_smo_step_is_the_libsvm_wss2_step():
    """Step k of our SMO (read off by stopping at max_iter = k) must pick the pair and the step
    that the WSS2 rule picks when recomputed from the full Q by ``_reference_wss2_step``: the
    curvature K_ii + K_jj - 2 K_ij enters both the choice of j and the step length."""
    from sklearn.metrics.pairwise import rbf_kernel

    X, y01 = make_moons(40, noise=0.3, random_state=4)
    X = StandardScaler().fit_transform(X)
    y = np.where(y01 == 1, 1.0, -1.0)
    C, gamma = 1.0, 1.0
    Q = np.outer(y, y) * rbf_kernel(X, gamma=gamma)
    prev = np.zeros(len(y))
    for k in range(1, 26):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # stopping at max_iter is the point
            svm = SMOClassifier(C=C, kernel="rbf", gamma=gamma, tol=1e-10, max_iter=k).fit(X, y01)
        assert not svm.converged_ and svm.n_iter_ == k
        pair = np.flatnonzero(svm.alpha_ != prev)
        assert len(pair) == 2, f"step {k} changed {pair}, not a pair"
        score = -y * (Q @ prev - 1.0)
        i, j = pair[np.argsort(-score[pair])]  # i is the violating point with the larger score
        up = ((y > 0) & (prev < C)) | ((y < 0) & (prev > 0))
        assert score[i] == pytest.approx(score[up].max(), abs=1e-12), f"step {k}: i is not argmax"
        decrease, expected = _reference_wss2_step(Q, prev, y, C, i)
        assert decrease[j] >= decrease.max() * (1 - 1e-9), (
            f"step {k}: ours chose j={j} (decrease {decrease[j]:.6g}), the WSS2 rule chooses "
            f"{int(np.argmax(decrease))} (decrease {decrease.max():.6g})"
        )
        assert_allclose(svm.alpha_, expected, atol=1e-9, err_msg=f"step {k}: ours vs exact pair step")
        prev = svm.alpha_.copy()


def test_iteration_count_is_libsvm_like():
    """Same working-set rule and stopping rule as libsvm without shrinking, so the number of
    SMO steps should be close to libsvm's (tie-breaking and libsvm's float32 kernel cache make
    the paths differ slightly). Measured on this suite's RBF problems: ours/libsvm in 0.89..1.42,
    geometric mean ~1.05; a wrong curvature (K_ii + K_jj - K_ij) gives ratios up to ~5.7."""
    ratios = []
    for data in ("moons", "blobs", "classification"):
        X, y = _data(data, 0)
        for C in (0.1, 1.0, 10.0):
            ours = SMOClassifier(C=C, kernel="rbf", gamma=1.0, tol=1e-3).fit(X, y)
            ref = SVC(C=C, kernel="rbf", gamma=1.0, tol=1e-3, shrinking=False).fit(X, y)
            ratios.append(ours.n_iter_ / ref.n_iter_[0])
    ratios = np.array(ratios)
    assert ((ratios > 0.5) & (ratios < 2.0)).all(), f"ours/libsvm SMO steps: {np.round(ratios, 2)}"
    assert 2 / 3 < np.exp(np.log(ratios).mean()) < 1.5, f"ours/libsvm SMO steps: {np.round(ratios, 2)}"


def test_kkt_violations_on_a_hand_made_example():
    C = 1.0
    alpha = np.array([0.0, 0.5, 1.0, 1.0])
    y = np.array([1.0, -1.0, 1.0, -1.0])
    margins = np.array([0.75, 1.25, 1.5, 0.5])  # each point violates its own condition
    v = kkt_violations(alpha, y, margins, C)
    assert asdict(v) == pytest.approx(
        {"box": 0.0, "equality": 0.5, "at_zero": 0.25, "free": 0.25, "at_c": 0.5}
    )
    assert v.worst() == 0.5


def test_a_point_on_the_decision_boundary_is_predicted_as_classes_0():
    # x = -1 (class "a"), x = +1 (class "b"), linear kernel: one SMO step gives alpha = (1/2, 1/2),
    # w = 1, b = 0 exactly, so f(0) = 0; the docstring says "> 0 means classes_[1]"
    model = SMOClassifier(kernel="linear", C=10.0).fit([[-1.0], [1.0]], ["a", "b"])
    assert model.decision_function([[0.0]]).tolist() == [0.0]
    assert model.predict([[0.0], [0.5], [-0.5]]).tolist() == ["a", "b", "a"]


def test_kkt_violations_with_every_multiplier_free():
    # no alpha at 0 or at C: those two conditions are vacuous and report 0; margins are exactly 1
    v = kkt_violations(np.array([0.5, 0.5]), np.array([-1.0, 1.0]), np.array([1.0, 1.0]), C=1.0)
    assert asdict(v) == {"box": 0.0, "equality": 0.0, "at_zero": 0.0, "free": 0.0, "at_c": 0.0}


@pytest.mark.parametrize(("n", "size_mb", "rows"), [(1000, 1.0, 131), (1000, 0.001, 2)])
def test_row_cache_capacity_is_the_rows_of_8n_bytes_that_fit(n, size_mb, rows):
    # a kernel row of n float64 values takes 8 n bytes, and 1 MB = 2**20 = 1,048,576 bytes:
    # n = 1000: 131 rows = 1,048,000 bytes fit in 1 MB, 132 rows = 1,056,000 do not;
    # 0.001 MB = 1,048.576 bytes holds no 8,000-byte row, but SMO needs rows i and j: at least 2
    cache = _RowCache(np.zeros((n, 1)), {"kernel": "linear"}, size_mb)
    assert cache.capacity == rows


def test_row_cache_keeps_two_rows_and_evicts_the_least_recently_used():
    X = np.arange(3.0)[:, None]
    cache = _RowCache(X, {"kernel": "linear"}, size_mb=1e-6)  # room for no row: the minimum, 2
    assert_allclose(cache(0), [0.0, 0.0, 0.0], rtol=0)  # K(x_0, X) = 0 * X
    assert_allclose(cache(1), [0.0, 1.0, 2.0], rtol=0)
    cache(0)  # a hit: row 1 is now the least recently used
    assert_allclose(cache(2), [0.0, 2.0, 4.0], rtol=0)  # evicts row 1
    assert_allclose(cache(2), [0.0, 2.0, 4.0], rtol=0)  # a hit
    assert list(cache.rows) == [0, 2]
    assert (cache.hits, cache.misses) == (2, 3)


@pytest.mark.parametrize("C", [1.0, 1e-3])
def test_far_apart_points_keep_their_tiny_multipliers(C):
    """x_1 = (0, 0), x_2 = (10^6, 10^6), linear kernel: the two-point dual gives
    alpha_1 = alpha_2 = 2 / |x_1 - x_2|^2 = 2 / (2 * 10^12) = 1e-12 (< C, so free), w = 1e-12 (x_2 - x_1)
    = (1e-6, 1e-6) and b = -1. SMO snaps alpha < 1e-12 * C to 0 as round-off; this optimum is
    exactly 1e-12 * C at C = 1 and 1e-9 * C at C = 1e-3, so it must be kept: snapped to 0 it would
    leave w = 0, no support vectors and a constant prediction."""
    X = np.array([[0.0, 0.0], [1e6, 1e6]])
    svm = SMOClassifier(C=C, kernel="linear", tol=1e-9).fit(X, [0, 1])
    assert_allclose(svm.alpha_, [1e-12, 1e-12], rtol=1e-12)  # one exact step, then round-off only
    assert svm.support_.tolist() == [0, 1]
    assert_allclose(svm.coef_, [1e-6, 1e-6], rtol=1e-9)
    assert_allclose(svm.intercept_, -1.0, rtol=1e-9)
    assert svm.predict([[1e5, 1e5], [9e5, 9e5]]).tolist() == [0, 1]


def test_defaults_are_libsvm_and_kernel_defaults():
    # C, kernel, degree, coef0, tol (libsvm's 1e-3) and cache_size (MB) as scikit-learn's SVC;
    # gamma, degree, coef0 as algorithms.kernels (SVC's default gamma is "scale", data-dependent)
    ours = SMOClassifier().get_params()
    svc = SVC().get_params()
    for name in ("C", "kernel", "degree", "coef0", "tol", "cache_size"):
        assert ours[name] == svc[name], name
    kernel_defaults = inspect.signature(kernel_matrix).parameters
    for name in ("kernel", "gamma", "degree", "coef0"):
        assert ours[name] == kernel_defaults[name].default, name


def test_declares_itself_binary_only_to_scikit_learn():
    # fit rejects a third class, and the estimator tags say so (scikit-learn's checks read them)
    assert get_tags(SMOClassifier()).classifier_tags.multi_class is False


def test_rejects_bad_gamma_and_tol_but_linear_ignores_gamma():
    X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1])
    for kernel in ("rbf", "poly", "sigmoid"):
        with pytest.raises(ValueError, match=r"gamma must be > 0, got 0"):
            SMOClassifier(kernel=kernel, gamma=0.0).fit(X, y)
    # the linear kernel x.z has no gamma, so any value is accepted and changes nothing
    assert SMOClassifier(kernel="linear", gamma=0.0).fit(X, y).predict(X).tolist() == [0, 0, 1, 1]
    with pytest.raises(ValueError, match=r"tol must be > 0, got 0"):
        SMOClassifier(tol=0.0).fit(X, y)


def test_rejects_x_that_is_not_a_non_empty_table():
    with pytest.raises(ValueError, match=r"non-empty 2-D array .* got shape \(4,\)"):
        SMOClassifier().fit(np.ones(4), [0, 1, 0, 1])
    with pytest.raises(ValueError, match=r"non-empty 2-D array .* got shape \(0, 2\)"):
        SMOClassifier().fit(np.ones((0, 2)), np.array([], dtype=int))


def test_counts_the_non_finite_values_in_x():
    X = np.ones((4, 2))
    X[0, 0], X[2, 1], X[3, 0] = np.nan, np.inf, -np.inf
    with pytest.raises(ValueError, match=r"X contains 3 non-finite values"):
        SMOClassifier().fit(X, [0, 1, 0, 1])


def test_integer_features_and_feature_count_as_libsvm():
    X, y = [[0, 0], [1, 2], [3, 1], [4, 4]], [0, 0, 1, 1]
    ours = SMOClassifier(kernel="linear").fit(X, y)
    ref = SVC(kernel="linear").fit(X, y)
    assert ours.support_vectors_.dtype == ref.support_vectors_.dtype == np.float64
    assert ours.n_features_in_ == ref.n_features_in_ == 2


def test_intercept_with_no_free_vector_is_the_middle_of_the_feasible_range():
    """x = 0 (class 0, y = -1), x = 2 and x = 5 (class 1, y = +1), linear kernel, C = 0.1: the first
    pair (0, 2) stops at C (2 / |x_1 - x_2|^2 = 0.5 > C), so w = 0.1 * 2 = 0.2, x = 5 stays at
    alpha = 0 and no vector is free. The KKT conditions then only bound b: at C, y f(x) <= 1 gives
    -b <= 1 and 0.4 + b <= 1; at 0, y f(x) >= 1 gives 1 + b >= 1. So b in [0, 0.6] = [m, M], and
    (like libsvm) the midpoint b = 0.3 is taken. Dual: 2 C - 1/2 C^2 |x_2 - x_1|^2 = 0.18."""
    X, y = np.array([[0.0], [2.0], [5.0]]), np.array([0, 1, 1])
    ours = SMOClassifier(C=0.1, kernel="linear").fit(X, y)
    ref = SVC(C=0.1, kernel="linear").fit(X, y)
    assert ours.alpha_.tolist() == [0.1, 0.1, 0.0]
    assert_allclose(ours.coef_, [0.2], rtol=1e-12)
    assert_allclose(ours.intercept_, 0.3, rtol=1e-12)
    assert_allclose(ref.intercept_, [0.3], rtol=1e-6)
    assert_allclose(ours.dual_objective_, 0.18, rtol=1e-12)
    assert_allclose(ours.kkt_gap_, 0.0 - 0.6, atol=1e-12)  # m - M < 0: KKT holds with room
    assert ours.support_.tolist() == [0, 1] and ours.dual_coef_.tolist() == [-0.1, 0.1]


def test_intercept_averages_the_free_vectors_even_when_stopped_early():
    # the module docstring: b = -y_t G_t = y_t - sum_j alpha_j y_j K(x_t, x_j), averaged over the
    # free vectors (0 < alpha_t < C); recomputed here with scikit-learn's kernel after 30 steps
    from sklearn.metrics.pairwise import rbf_kernel

    X, y01 = _data("moons", 0)
    with pytest.warns(RuntimeWarning, match="max_iter"):
        svm = SMOClassifier(C=0.5, kernel="rbf", gamma=1.0, max_iter=30).fit(X, y01)
    y = np.where(y01 == 1, 1.0, -1.0)
    free = (svm.alpha_ > 0) & (svm.alpha_ < 0.5)
    assert free.sum() >= 2
    b_t = y[free] - rbf_kernel(X[free], X, gamma=1.0) @ (svm.alpha_ * y)
    assert_allclose(svm.intercept_, b_t.mean(), rtol=1e-10)
    assert np.ptp(b_t) > 1e-3  # far from converged: the free vectors disagree on b


def test_multiclass_error_names_the_class_count_and_the_first_five_classes():
    X, y = np.arange(7.0)[:, None], np.arange(7)
    with pytest.raises(ValueError, match=r"exactly 2 classes, got 7 \(\[0 1 2 3 4\]\)$"):
        SMOClassifier().fit(X, y)


def test_decision_function_rejects_non_finite_x():
    model = SMOClassifier(kernel="linear").fit([[-1.0], [1.0]], [0, 1])
    for bad in (np.nan, np.inf):
        with pytest.raises(ValueError, match=r"^X contains non-finite values \(NaN or inf\)$"):
            model.decision_function([[0.0], [bad]])


def test_non_finite_label_error_is_the_documented_one_line_message():
    X = np.arange(6.0)[:, None]
    for bad in (np.nan, np.inf):
        with pytest.raises(ValueError, match=r"^y contains non-finite labels \(NaN or inf\)$"):
            SMOClassifier().fit(X, np.array([0.0, 1.0, bad, 0.0, 1.0, 0.0]))


def test_a_gap_equal_to_tol_is_not_below_tol():
    """At alpha = 0 the scores are -y_t G_t = y_t (G = -e), so m = 1 and M = -1: m - M = 2 exactly.
    The rule is "stop when m - M < tol" (libsvm: Gmax + Gmax2 < eps), so tol = 2 must not stop
    before the first step; that step solves this two-point problem (alpha = 2 / |x_1 - x_2|^2 = 1/2,
    both free) and leaves m - M = 0."""
    svm = SMOClassifier(kernel="linear", C=10.0, tol=2.0).fit([[-1.0], [1.0]], [0, 1])
    assert svm.converged_ and svm.n_iter_ == 1
    assert_allclose(svm.alpha_, [0.5, 0.5], rtol=1e-12)


def test_max_iter_warning_reports_the_kkt_gap_at_the_callers_line():
    """The warning names m - M at exit, recomputed here from alpha with scikit-learn's kernel
    (G = Q alpha - e, score -y G, m = max over I_up, M = min over I_low), and is attributed to the
    code that called fit (stacklevel), never to a line inside algorithms/."""
    import re
    from pathlib import Path

    from sklearn.metrics.pairwise import rbf_kernel

    import algorithms

    X, y01 = _data("moons", 0)
    with pytest.warns(RuntimeWarning, match="max_iter=5") as record:
        svm = SMOClassifier(C=1.0, kernel="rbf", gamma=1.0, tol=1e-9, max_iter=5).fit(X, y01)
    y = np.where(y01 == 1, 1.0, -1.0)
    score = -y * (y * (rbf_kernel(X, gamma=1.0) @ (svm.alpha_ * y)) - 1.0)
    up = ((y > 0) & (svm.alpha_ < 1.0)) | ((y < 0) & (svm.alpha_ > 0))
    low = ((y < 0) & (svm.alpha_ < 1.0)) | ((y > 0) & (svm.alpha_ > 0))
    gap = score[up].max() - score[low].min()
    (w,) = record
    reported = float(re.search(r"KKT gap (\S+) > tol", str(w.message)).group(1))
    assert_allclose(reported, gap, rtol=5e-3)  # printed with 3 significant digits
    library = Path(algorithms.__file__).resolve().parent
    assert not Path(w.filename).resolve().is_relative_to(library), (w.filename, w.lineno)


def test_optimum_exactly_at_the_snap_threshold_stays_free():
    """x = 0 (class 0) and x = 1 (class 1), linear kernel: the two-point dual gives
    alpha_1 = alpha_2 = 2 / |x_1 - x_2|^2 = 2, reached by one exact step. SMO snaps alpha > C (1 - 1e-12)
    to C as round-off; with C = 2.000000000002 the threshold C (1 - 1e-12) = 2 - 2e-24 rounds to
    exactly 2.0, so the optimum is not above it: it must stay 2 (free, w = 2, b = -1), the mirror of
    test_far_apart_points_keep_their_tiny_multipliers at the lower bound."""
    C = 2.000000000002
    assert C * (1 - 1e-12) == 2.0  # the float arithmetic the docstring relies on
    svm = SMOClassifier(C=C, kernel="linear").fit([[0.0], [1.0]], [0, 1])
    assert svm.alpha_.tolist() == [2.0, 2.0]
    assert_allclose(svm.coef_, [2.0], rtol=1e-15)
    assert_allclose(svm.intercept_, -1.0, rtol=1e-15)


def test_optimum_within_round_off_of_c_is_snapped_to_c():
    """Same pair (optimum alpha = 2) with C = 2 + 2e-13: the optimum lies 1e-13 C below C, inside
    the band C (1 - 1e-12) < alpha <= C that SMO treats as round-off, so it is snapped to exactly C
    (both multipliers at the bound, none free). libsvm, whose bound test is alpha >= C, keeps 2.0:
    the two differ by 2e-13 and give the same decision function."""
    C = 2 + 2e-13
    X, y = [[0.0], [1.0]], [0, 1]
    svm = SMOClassifier(C=C, kernel="linear").fit(X, y)
    ref = SVC(C=C, kernel="linear").fit(X, y)
    assert svm.alpha_.tolist() == [C, C]
    assert_allclose(svm.decision_function(X), ref.decision_function(X), atol=1e-9)
