"""SGD with momentum: gradient check, least-squares optimum, momentum speed-up, rates."""

import math
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import SGDRegressor

from algorithms.scaling import loglog_slope
from algorithms.sgd import (
    DivergenceError,
    MomentumSGDRegressor,
    accelerated_gradient,
    momentum_step,
    mse_gradient,
    mse_loss,
)


def _regression(n=200, d=4, noise=0.1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w = rng.normal(size=d)
    return X, X @ w + 0.5 + noise * rng.normal(size=n)


@pytest.mark.parametrize("shape", [(1, 1), (7, 3), (20, 5)])
def test_gradient_matches_central_differences(shape):
    rng = np.random.default_rng(1)
    X, y, w = rng.normal(size=shape), rng.normal(size=shape[0]), rng.normal(size=shape[1])
    h = 1e-6
    numeric = np.array(
        [(mse_loss(w + h * e, X, y) - mse_loss(w - h * e, X, y)) / (2 * h) for e in np.eye(shape[1])]
    )
    assert_allclose(
        mse_gradient(w, X, y),
        numeric,
        rtol=1e-7,
        atol=1e-9,
        err_msg="analytic (1/m) X^T (Xw - y) vs central differences",
    )


@pytest.mark.parametrize("method", ["plain", "heavy_ball", "nesterov"])
def test_converges_to_least_squares(method):
    X, y = _regression()
    lstsq = np.linalg.lstsq(np.c_[X, np.ones(len(X))], y, rcond=None)[0]
    # full batch so the iterates converge exactly, not to a noise ball
    model = MomentumSGDRegressor(
        learning_rate=0.1,
        momentum=0.5,
        method=method,
        batch_size=None,
        max_epochs=2000,
        tol=1e-10,
        random_state=0,
    ).fit(X, y)
    assert_allclose(
        np.r_[model.coef_, model.intercept_], lstsq, atol=1e-8, err_msg=f"{method}: ours vs numpy lstsq"
    )
    assert model.n_epochs_ < 2000


def test_minibatch_sgd_lands_near_least_squares_and_sklearn():
    X, y = _regression(n=500)
    lstsq = np.linalg.lstsq(np.c_[X, np.ones(len(X))], y, rcond=None)[0]
    ours = MomentumSGDRegressor(
        learning_rate=0.01, momentum=0.9, batch_size=32, max_epochs=60, random_state=0
    ).fit(X, y)
    ref = SGDRegressor(
        alpha=0.0, penalty=None, learning_rate="invscaling", eta0=0.01, max_iter=200, tol=None, random_state=0
    ).fit(X, y)
    # mini-batch noise leaves a ball of radius ~ sqrt(lr) * noise around the optimum
    assert_allclose(np.r_[ours.coef_, ours.intercept_], lstsq, atol=0.02, err_msg="ours vs lstsq")
    assert_allclose(np.r_[ref.coef_, ref.intercept_], lstsq, atol=0.02, err_msg="sklearn vs lstsq")


def test_loss_history_and_no_printing(capsys):
    X, y = _regression()
    model = MomentumSGDRegressor(max_epochs=5, random_state=0).fit(X, y)
    assert len(model.loss_history_) == 6 and model.loss_history_[-1] < model.loss_history_[0]
    assert capsys.readouterr().out == ""


def test_same_seed_same_result():
    X, y = _regression()
    a = MomentumSGDRegressor(max_epochs=3, random_state=5).fit(X, y)
    b = MomentumSGDRegressor(max_epochs=3, random_state=5).fit(X, y)
    assert_allclose(a.coef_, b.coef_, rtol=0, atol=0)


def _epochs_to(method, momentum, X, y, target, batch_size, lr):
    model = MomentumSGDRegressor(
        learning_rate=lr,
        momentum=momentum,
        method=method,
        batch_size=batch_size,
        max_epochs=3000,
        fit_intercept=False,
        random_state=0,
    ).fit(X, y)
    hist = np.array(model.loss_history_)
    return int(np.argmax(hist <= target)) if (hist <= target).any() else np.inf


@pytest.mark.parametrize(("batch_size", "lr"), [(None, 0.01), (32, 0.002)])
def test_momentum_needs_fewer_epochs_on_ill_conditioned_problem(batch_size, lr):
    rng = np.random.default_rng(0)
    n = 400
    X = rng.normal(size=(n, 2)) * np.array([10.0, 0.3])  # curvatures 100 and 0.09: kappa ~ 1100
    y = X @ np.array([1.0, -2.0])  # consistent, so mini-batch noise vanishes at the optimum
    target = 1e-6 * mse_loss(np.zeros(2), X, y)
    plain = _epochs_to("plain", 0.0, X, y, target, batch_size, lr)
    heavy = _epochs_to("heavy_ball", 0.9, X, y, target, batch_size, lr)
    assert heavy < plain / 3, f"heavy ball {heavy} epochs vs plain {plain}"


def test_momentum_conventions_agree():
    # v <- mu v + g; w <- w - lr v   equals   u <- mu u - lr g; w <- w + u   (u = -lr v)
    rng = np.random.default_rng(2)
    A = rng.normal(size=(5, 5))
    A = A @ A.T + np.eye(5)
    grad = lambda w: A @ w - 1.0  # noqa: E731
    w1, v = np.ones(5), np.zeros(5)
    w2, u = np.ones(5), np.zeros(5)
    for _ in range(10):
        w1, v = momentum_step(w1, v, grad, 0.05, 0.9, "heavy_ball")
        u = 0.9 * u - 0.05 * grad(w2)
        w2 = w2 + u
    assert_allclose(w1, w2, rtol=1e-12)


def _weak_quadratic(d=120, seed=0):
    """Convex quadratic whose curvatures spread log-uniformly over [1e-10, 1], so no
    strong convexity shows within 1e4 steps (the regime where O(1/t) and O(1/t^2) differ)."""
    lam = np.logspace(0, -10, d)
    Q = np.linalg.qr(np.random.default_rng(seed).normal(size=(d, d)))[0]
    A, w_star = (Q * lam) @ Q.T, Q @ np.ones(d)
    return (lambda w: 0.5 * (w - w_star) @ A @ (w - w_star)), (lambda w: A @ (w - w_star)), w_star


def test_exact_gradient_rates_and_bounds():
    f, g, w_star = _weak_quadratic()
    T, r2 = 3000, float(w_star @ w_star)
    t = np.arange(1, T + 1)
    gd = accelerated_gradient(g, np.zeros_like(w_star), 1.0, T, "plain", loss=f)
    nag = accelerated_gradient(g, np.zeros_like(w_star), 1.0, T, "nesterov", loss=f)
    assert (gd[1:] <= r2 / (2 * t) * (1 + 1e-9)).all(), "GD broke its L||w0-w*||^2/(2t) bound"
    assert (nag[1:] <= 2 * r2 / (t + 1) ** 2 * (1 + 1e-9)).all(), "Nesterov broke its 2L R^2/(t+1)^2 bound"
    ts = np.unique(np.logspace(1, np.log10(T), 25).astype(int))
    assert loglog_slope(ts, gd[ts]) == pytest.approx(-1.0, abs=0.15)
    assert loglog_slope(ts, nag[ts]) == pytest.approx(-2.0, abs=0.3)


def test_divergence_is_detected_not_looped():
    X, y = _regression()
    with pytest.raises(DivergenceError, match="Lower the learning rate"):
        MomentumSGDRegressor(learning_rate=5.0, max_epochs=10_000, random_state=0).fit(X, y)
    f, g, w_star = _weak_quadratic(d=10)
    with pytest.raises(DivergenceError):
        accelerated_gradient(g, np.zeros(10), 3.0, 100_000, "plain", loss=f)


def test_rejects_bad_input():
    X, y = _regression(n=20)
    Xn = X.copy()
    Xn[3, 0] = np.inf
    with pytest.raises(ValueError, match="X contains 1 non-finite"):
        MomentumSGDRegressor().fit(Xn, y)
    with pytest.raises(ValueError, match="y contains 1 non-finite"):
        MomentumSGDRegressor().fit(X, np.r_[y[:-1], np.nan])
    with pytest.raises(ValueError, match="one value per row"):
        MomentumSGDRegressor().fit(X, y[:-2])
    for kwargs, msg in [
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"momentum": 1.0}, "momentum"),
        ({"method": "adam"}, "unknown method"),
        ({"batch_size": 0}, "batch_size"),
    ]:
        with pytest.raises(ValueError, match=msg):
            MomentumSGDRegressor(**kwargs).fit(X, y)


def _torch_sgd_trajectory(A, b, w0, lr, mu, n_steps, nesterov):
    """Parameters and momentum buffers of torch.optim.SGD on f(p) = 1/2 p^T A p - b^T p, float64."""
    import torch

    At, bt = torch.from_numpy(A), torch.from_numpy(b)
    p = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr, momentum=mu, nesterov=nesterov, dampening=0.0)
    params, buffers = [], []
    for _ in range(n_steps):
        opt.zero_grad()
        (0.5 * p @ At @ p - bt @ p).backward()
        opt.step()
        params.append(p.detach().numpy().copy())
        buffers.append(opt.state[p]["momentum_buffer"].numpy().copy())
    return np.array(params), np.array(buffers)


def _quadratic_problem(d=6, seed=3):
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.normal(size=(d, d)))[0]
    A = (Q * np.logspace(0, -2, d)) @ Q.T  # curvatures 1 .. 0.01: momentum matters
    return A, rng.normal(size=d), rng.normal(size=d)


@pytest.mark.parametrize("mu", [0.5, 0.9])
def test_nesterov_matches_torch_under_the_change_of_variables(mu):
    """Our Nesterov iterates are torch's after the change of variables p = w - lr*mu*v.

    Ours:   v' = mu v + g(w - lr mu v),   w' = w - lr v'          (gradient at the look-ahead)
    torch:  b' = mu b + g(p),             p' = p - lr (g(p) + mu b')   (SGD, nesterov=True,
                                                                   dampening=0, buffer b_0 = 0)
    Put p = w - lr mu v (the look-ahead point) and b = v. Then g(p) is our gradient, so
    b' = v', and
        p' = w' - lr mu v' = w - lr (1 + mu) v'
           = p + lr mu v - lr (1 + mu)(mu v + g)
           = p - lr (1 + mu) g - lr mu^2 v,
    while torch's update is p - lr (g + mu (mu v + g)) = p - lr (1 + mu) g - lr mu^2 v: the same.
    v_0 = 0 makes p_0 = w_0 (torch's first buffer is g(p_0) = mu*0 + g). So torch's parameter
    sequence must equal our w_t - lr*mu*v_t and its momentum buffer our v_t, to round-off.
    Evaluating the gradient at w - lr v instead breaks the first equality from step 2 on.
    """
    A, b, w0 = _quadratic_problem()
    lr, T = 0.5, 40
    grad = lambda w: A @ w - b  # noqa: E731
    params, buffers = _torch_sgd_trajectory(A, b, w0, lr, mu, T, nesterov=True)
    w, v = w0.copy(), np.zeros_like(w0)
    for t in range(T):
        w, v = momentum_step(w, v, grad, lr, mu, "nesterov")
        assert_allclose(
            v, buffers[t], rtol=1e-10, atol=1e-12, err_msg=f"step {t + 1}: our v vs torch momentum_buffer"
        )
        assert_allclose(
            w - lr * mu * v,
            params[t],
            rtol=1e-10,
            atol=1e-12,
            err_msg=f"step {t + 1}: our look-ahead w - lr*mu*v vs torch's parameter",
        )


def test_heavy_ball_matches_torch_sgd_momentum():
    """torch.optim.SGD(momentum=mu, nesterov=False): b' = mu b + g(p), p' = p - lr b', which is
    our heavy-ball convention with v = b and w = p (no change of variables)."""
    A, b, w0 = _quadratic_problem(seed=4)
    lr, mu, T = 0.5, 0.9, 40
    params, buffers = _torch_sgd_trajectory(A, b, w0, lr, mu, T, nesterov=False)
    w, v = w0.copy(), np.zeros_like(w0)
    for t in range(T):
        w, v = momentum_step(w, v, lambda u: A @ u - b, lr, mu, "heavy_ball")
        assert_allclose(w, params[t], rtol=1e-10, atol=1e-12, err_msg=f"step {t + 1}: ours vs torch")
        assert_allclose(v, buffers[t], rtol=1e-10, atol=1e-12)


def test_full_batch_regressor_nesterov_matches_torch():
    """The estimator's full-batch Nesterov path (intercept column appended, half-MSE gradient)
    against torch on the same quadratic: A = Z^T Z / n, b = Z^T y / n for Z = [X, 1]."""
    X, y = _regression(n=60, d=3)
    Z = np.c_[X, np.ones(len(X))]
    lr, mu, epochs = 0.05, 0.9, 25
    model = MomentumSGDRegressor(
        learning_rate=lr, momentum=mu, method="nesterov", batch_size=None, max_epochs=epochs, random_state=0
    ).fit(X, y)
    params, buffers = _torch_sgd_trajectory(
        Z.T @ Z / len(y), Z.T @ y / len(y), np.zeros(4), lr, mu, epochs, nesterov=True
    )
    w = params[-1] + lr * mu * buffers[-1]  # undo the change of variables p = w - lr*mu*v
    assert_allclose(
        np.r_[model.coef_, model.intercept_],
        w,
        rtol=1e-9,
        atol=1e-12,
        err_msg="ours (full batch, nesterov) vs torch SGD(nesterov=True)",
    )
    assert model.n_epochs_ == epochs and len(model.loss_history_) == epochs + 1


def test_predict_matches_sklearn_linear_regression():
    from sklearn.linear_model import LinearRegression

    X, y = _regression(n=100, d=3)
    ours = MomentumSGDRegressor(
        learning_rate=0.1, momentum=0.5, batch_size=None, max_epochs=2000, tol=1e-10, random_state=0
    ).fit(X, y)
    ref = LinearRegression().fit(X, y)
    X_new = np.random.default_rng(1).normal(size=(7, 3)).tolist()  # lists are accepted
    assert_allclose(ours.predict(X_new), ref.predict(np.array(X_new)), atol=1e-7, err_msg="ours vs sklearn")


@pytest.mark.parametrize("momentum", [None, 0.5])
def test_accelerated_gradient_is_the_two_sequence_nesterov_recurrence(momentum):
    """Ours with v, written as the textbook two sequences (Beck & Teboulle's form):
        y_t = w_{t-1} + mu_t (w_{t-1} - w_{t-2}),   w_t = y_t - lr grad(y_t),   mu_t = (t-1)/(t+2)
    since w_{t-1} - w_{t-2} = -lr v_{t-1} makes y_t our look-ahead w - lr mu_t v. Recomputed here
    independently, loss by loss, for the schedule and for a constant mu."""
    f, g, w_star = _weak_quadratic(d=20, seed=1)
    lr, T = 1.0, 60
    ours = accelerated_gradient(g, np.zeros_like(w_star), lr, T, loss=f, momentum=momentum)
    w_prev = w = np.zeros_like(w_star)
    ref = [f(w)]
    for t in range(1, T + 1):
        mu = (t - 1) / (t + 2) if momentum is None else momentum
        y = w + mu * (w - w_prev)
        w_prev, w = w, y - lr * g(y)
        ref.append(f(w))
    assert_allclose(ours, ref, rtol=1e-10, atol=1e-14, err_msg="ours vs the two-sequence recurrence")
    with pytest.raises(ValueError, match=r"^pass loss=callable\(w\) -> float to record the trajectory$"):
        accelerated_gradient(g, np.zeros_like(w_star), lr, 3)


def _one_dim(lr, **kwargs):
    """f(w) = 1/2 (w - 1)^2 from one row X = [[1]], y = [1]: full-batch plain GD is
    w <- w - lr (w - 1), so the error e = w - 1 is multiplied by (1 - lr) every epoch,
    exactly in float64 for the learning rates used below (powers of two)."""
    return MomentumSGDRegressor(
        learning_rate=lr, method="plain", batch_size=None, fit_intercept=False, random_state=0, **kwargs
    ).fit([[1.0]], [1.0])


def test_tol_stops_at_the_first_epoch_whose_gradient_norm_reaches_tol():
    # lr = 1/2: e goes -1, -1/2, -1/4, ...; |grad| = |e| = 1/2 after epoch 1, equal to tol ("<= tol")
    assert _one_dim(0.5, tol=0.5, max_epochs=50).n_epochs_ == 1
    assert _one_dim(0.5, tol=0.25, max_epochs=50).n_epochs_ == 2


def test_tol_zero_never_stops_early_even_at_an_exact_optimum():
    # lr = 1 = 1/L lands on w = 1 exactly after one epoch (gradient exactly 0); tol=0 means "never"
    model = _one_dim(1.0, tol=0.0, max_epochs=7)
    assert model.n_epochs_ == 7 and model.coef_.tolist() == [1.0]


def test_divergence_factor_raises_at_the_first_epoch_past_the_limit():
    # lr = 3: e_t = (-2)^t e_0, loss_t = 4^t * 0.5; 4^3 = 64 <= 100 < 256 = 4^4, so epoch 4
    with pytest.raises(DivergenceError, match=r"^SGD diverged at epoch 4: loss 128 vs 0.5 at the start"):
        _one_dim(3.0, divergence_factor=100.0, max_epochs=10)
    with pytest.raises(
        DivergenceError, match=r"\(for full-batch GD it must be below 2/lambda_max of X\^T X / n\)"
    ):
        _one_dim(3.0, divergence_factor=100.0, max_epochs=10)


def test_learning_rate_two_over_l_oscillates_without_exceeding_the_start_loss():
    # lr = 2/L: w alternates 0, 2, 0, 2, ... and the loss stays exactly 0.5 = the loss at w = 0;
    # "exceeds" is strict, so even divergence_factor=1 does not raise
    model = _one_dim(2.0, divergence_factor=1.0, max_epochs=5)
    assert model.loss_history_ == [0.5] * 6 and model.coef_.tolist() == [2.0]  # odd epoch count


def test_huge_learning_rate_is_one_divergence_error_without_numpy_warnings():
    X, y = _regression(n=20, d=2)
    start = float(y @ y) / (2 * len(y))  # the loss at w = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # overflow / invalid RuntimeWarnings would surface here
        with pytest.raises(DivergenceError, match=rf"at epoch 1: loss nan vs {start:.3g} at the start"):
            MomentumSGDRegressor(learning_rate=1e30, batch_size=1, max_epochs=5, random_state=0).fit(X, y)


def test_batch_size_one_is_plain_sgd_and_converges_on_consistent_data():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(50, 2))
    y = X @ np.array([1.5, -0.5]) + 2.0  # no noise: every row's gradient vanishes at the optimum
    model = MomentumSGDRegressor(
        learning_rate=0.05, momentum=0.0, batch_size=1, max_epochs=200, random_state=0
    )
    model.fit(X, y)
    # linear convergence of SGD in the interpolation regime: 200 epochs are far more than enough
    assert_allclose(np.r_[model.coef_, model.intercept_], [1.5, -0.5, 2.0], atol=1e-8)


def test_fit_intercept_false_fits_through_the_origin_like_sklearn():
    from sklearn.linear_model import LinearRegression

    X, y = _regression(n=60, d=3)  # y has an offset 0.5 that a through-origin fit cannot absorb
    ours = MomentumSGDRegressor(
        learning_rate=0.1, momentum=0.5, batch_size=None, max_epochs=2000, tol=1e-10, fit_intercept=False
    ).fit(X, y)
    ref = LinearRegression(fit_intercept=False).fit(X, y)
    assert ours.coef_.shape == (3,) and ours.intercept_ == 0.0 and ours.n_features_in_ == 3
    assert_allclose(ours.coef_, ref.coef_, atol=1e-8, err_msg="ours vs sklearn, no intercept")
    assert_allclose(ours.predict(X), ref.predict(X), atol=1e-7)


def test_input_error_messages_name_the_problem():
    with pytest.raises(ValueError, match=r"^X must be a non-empty 2-D array .* got shape \(0, 3\)$"):
        MomentumSGDRegressor().fit(np.empty((0, 3)), np.empty(0))
    with pytest.raises(ValueError, match=r"X has 4 rows, y has shape \(3,\)"):
        MomentumSGDRegressor().fit(np.ones((4, 2)), np.ones(3))
    with pytest.raises(
        ValueError, match=r"X contains 1 non-finite values \(NaN or inf\); impute or drop them first"
    ):
        MomentumSGDRegressor().fit([[1.0], [np.nan]], [1.0, 2.0])
    with pytest.raises(
        ValueError, match=r"^unknown method 'adam'; choose from \('plain', 'heavy_ball', 'nesterov'\)$"
    ):
        momentum_step(np.zeros(1), np.zeros(1), lambda w: w, 0.1, 0.9, "adam")


def test_accelerated_gradient_names_the_diverging_step_without_numpy_warnings():
    # plain GD on f(w) = 1/2 (w - 1)^2 with lr = 3 doubles |w - 1| each step until the square overflows;
    # the same recursion written out in Python floats gives the step
    w, t = 0.0, 0
    while math.isfinite(0.5 * (w - 1.0) * (w - 1.0)):
        w, t = w - 3.0 * (w - 1.0), t + 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(
            DivergenceError, match=rf"^plain diverged at step {t} \(lr=3.0\); lower the learning rate$"
        ):
            accelerated_gradient(
                lambda u: u - 1.0,
                np.zeros(1),
                3.0,
                10 * t,
                "plain",
                loss=lambda u: 0.5 * np.sum((u - 1.0) ** 2),
            )


def test_a_loss_that_turns_nan_on_the_way_out_is_one_divergence_error_without_numpy_warnings():
    # double well f(w) = w^4/4 - w^2, gradient w^3 - 2w, lr = 0.1 from w = 1000: each step is about
    # -0.1 w^3, so w goes 1e3, -1e8, 1e23, -1e68, 1e203; at 1e203 both w^4 and w^2 overflow and the
    # loss is inf - inf = nan (an "invalid" operation, not an overflow) at step 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an invalid-value RuntimeWarning would surface here
        with pytest.raises(DivergenceError, match=r"^plain diverged at step 4 \(lr=0.1\)"):
            accelerated_gradient(
                lambda u: u**3 - 2 * u,
                np.array([1000.0]),
                0.1,
                10,
                "plain",
                loss=lambda u: 0.25 * np.sum(u**4) - np.sum(u**2),
            )
