"""Batch norm (AL-07): both backward forms vs central differences and torch; running stats."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from numpy.testing import assert_allclose

from algorithms.batchnorm import (
    batchnorm_backward_compact,
    batchnorm_backward_expanded,
    batchnorm_forward,
    batchnorm_inference,
    update_running_stats,
)
from algorithms.numerics import numerical_gradient

SHAPES = [(6, 3), (4, 2, 3, 3)]


def _setup(shape, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(2.0, 3.0, shape)
    C = shape[1]
    gamma, beta = rng.normal(1.0, 0.5, C), rng.normal(0.0, 0.5, C)
    w = rng.normal(size=shape)  # L = sum(w * y): an arbitrary upstream gradient dL/dy = w
    return x, gamma, beta, w


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("backward", [batchnorm_backward_expanded, batchnorm_backward_compact])
def test_backward_matches_central_differences(shape, backward):
    x, gamma, beta, w = _setup(shape)
    _, cache = batchnorm_forward(x, gamma, beta)
    dx, dgamma, dbeta = backward(w, cache)

    def loss():
        return float(np.sum(w * batchnorm_forward(x, gamma, beta)[0]))

    for name, ours, p in (("x", dx, x), ("gamma", dgamma, gamma), ("beta", dbeta, beta)):
        num = numerical_gradient(loss, p)
        assert_allclose(
            ours,
            num,
            rtol=1e-5,
            atol=1e-8,
            err_msg=f"d{name} ({backward.__name__}): ours {ours.ravel()[:3]} vs FD {num.ravel()[:3]}",
        )


@pytest.mark.parametrize("shape", SHAPES)
def test_expanded_and_compact_forms_agree(shape):
    x, gamma, beta, w = _setup(shape, seed=1)
    _, cache = batchnorm_forward(x, gamma, beta)
    for a, b in zip(batchnorm_backward_expanded(w, cache), batchnorm_backward_compact(w, cache), strict=True):
        assert_allclose(
            a, b, rtol=1e-10, atol=1e-13, err_msg=f"expanded {a.ravel()[:3]} vs compact {b.ravel()[:3]}"
        )


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("backward", [batchnorm_backward_expanded, batchnorm_backward_compact])
def test_forward_and_backward_equal_torch(shape, backward):
    x, gamma, beta, w = _setup(shape, seed=2)
    y, cache = batchnorm_forward(x, gamma, beta, eps=1e-5)
    dx, dgamma, dbeta = backward(w, cache)
    tx, tg, tb = (torch.tensor(v, requires_grad=True) for v in (x, gamma, beta))
    ty = F.batch_norm(tx, None, None, tg, tb, training=True, eps=1e-5)
    (ty * torch.tensor(w)).sum().backward()
    for name, ours, ref in (
        ("y", y, ty.detach()),
        ("dx", dx, tx.grad),
        ("dgamma", dgamma, tg.grad),
        ("dbeta", dbeta, tb.grad),
    ):
        assert_allclose(
            ours,
            ref.numpy(),
            rtol=1e-9,
            atol=1e-12,
            err_msg=f"{name}: ours {ours.ravel()[:3]} vs torch {ref.numpy().ravel()[:3]}",
        )


def test_running_statistics_and_inference_equal_torch():
    rng = np.random.default_rng(3)
    C = 3
    layer = torch.nn.BatchNorm2d(C, momentum=0.1, eps=1e-5).double()
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(rng.normal(1, 0.3, C)))
        layer.bias.copy_(torch.tensor(rng.normal(0, 0.3, C)))
    gamma, beta = layer.weight.detach().numpy().copy(), layer.bias.detach().numpy().copy()
    rm, rv = np.zeros(C), np.ones(C)
    for step in range(5):
        x = rng.normal(step, 1.0 + step, (4, C, 3, 3))
        _, cache = batchnorm_forward(x, gamma, beta)
        rm, rv = update_running_stats(rm, rv, cache, momentum=0.1)
        layer.train()(torch.tensor(x))
    assert_allclose(
        rm,
        layer.running_mean.numpy(),
        rtol=1e-12,
        err_msg=f"running mean ours {rm} vs torch {layer.running_mean.numpy()}",
    )
    assert_allclose(
        rv,
        layer.running_var.numpy(),
        rtol=1e-12,
        err_msg=f"running var ours {rv} vs torch {layer.running_var.numpy()}",
    )
    x_test = rng.normal(size=(5, C, 3, 3))
    ours = batchnorm_inference(x_test, gamma, beta, rm, rv)
    ref = layer.eval()(torch.tensor(x_test)).detach().numpy()
    assert_allclose(
        ours, ref, rtol=1e-10, atol=1e-12, err_msg=f"eval ours {ours.ravel()[:3]} vs torch {ref.ravel()[:3]}"
    )


def test_inference_output_does_not_depend_on_the_batch():
    rng = np.random.default_rng(4)
    gamma, beta, rm, rv = rng.normal(size=3), rng.normal(size=3), rng.normal(size=3), rng.uniform(0.5, 2, 3)
    x = rng.normal(size=(8, 3))
    alone = batchnorm_inference(x[:1], gamma, beta, rm, rv)
    in_batch = batchnorm_inference(x, gamma, beta, rm, rv)[:1]
    other_batch = batchnorm_inference(np.vstack([x[:1], 100 * x[1:]]), gamma, beta, rm, rv)[:1]
    assert_allclose(alone, in_batch, rtol=0, atol=0)
    assert_allclose(alone, other_batch, rtol=0, atol=0)
    # while training mode does depend on it
    train_a = batchnorm_forward(x, gamma, beta)[0][:1]
    train_b = batchnorm_forward(np.vstack([x[:1], 100 * x[1:]]), gamma, beta)[0][:1]
    assert not np.allclose(train_a, train_b)


def test_bad_input_is_named():
    x, gamma, beta, w = _setup((6, 3))
    with pytest.raises(ValueError, match=r"gamma must have shape \(3,\)"):
        batchnorm_forward(x, gamma[:2], beta)
    with pytest.raises(ValueError, match=r"\(N, C\) or \(N, C, H, W\)"):
        batchnorm_forward(x[0], gamma, beta)
    with pytest.raises(ValueError, match="NaN or inf"):
        batchnorm_forward(np.where(x > 3, np.inf, x), gamma, beta)
    with pytest.raises(ValueError, match=">= 2 values per channel"):
        batchnorm_forward(x[:1], gamma, beta)
    _, cache = batchnorm_forward(x, gamma, beta)
    with pytest.raises(ValueError, match=r"dy must have shape \(6, 3\)"):
        batchnorm_backward_compact(w[:5], cache)


@pytest.mark.slow
def test_large_batch_equals_torch():
    x, gamma, beta, w = _setup((64, 8, 9, 9), seed=5)
    y, cache = batchnorm_forward(x, gamma, beta)
    tx, tg, tb = (torch.tensor(v, requires_grad=True) for v in (x, gamma, beta))
    ty = F.batch_norm(tx, None, None, tg, tb, training=True, eps=1e-5)
    (ty * torch.tensor(w)).sum().backward()
    refs = (ty.detach(), tx.grad, tg.grad, tb.grad)
    for ours, ref in zip((y,) + batchnorm_backward_expanded(w, cache), refs, strict=True):
        assert_allclose(
            ours,
            ref.numpy(),
            rtol=1e-8,
            atol=1e-10,
            err_msg=f"ours {ours.ravel()[:3]} vs torch {ref.numpy().ravel()[:3]}",
        )


def test_running_stats_default_momentum_matches_torch():
    """torch.nn.BatchNorm1d (default momentum 0.1) after one training batch vs ours with defaults."""
    rng = np.random.default_rng(9)
    x = rng.normal(2.0, 3.0, size=(16, 4))
    bn = torch.nn.BatchNorm1d(4, dtype=torch.float64)
    bn.running_mean.copy_(torch.from_numpy(rng.normal(size=4)))
    bn.running_var.copy_(torch.from_numpy(rng.uniform(0.5, 2.0, size=4)))
    rm0, rv0 = bn.running_mean.numpy().copy(), bn.running_var.numpy().copy()
    bn.train()(torch.from_numpy(x))
    _, cache = batchnorm_forward(x, np.ones(4), np.zeros(4))
    mean, var = update_running_stats(rm0, rv0, cache)
    assert_allclose(mean, bn.running_mean.numpy(), rtol=1e-12, err_msg="running mean: ours vs torch")
    assert_allclose(var, bn.running_var.numpy(), rtol=1e-12, err_msg="running var: ours vs torch")
    for momentum in (0.0, 1.0):  # both ends of [0, 1] are valid
        update_running_stats(rm0, rv0, cache, momentum)
    with pytest.raises(ValueError, match=r"^momentum must lie in \[0, 1\], got 1.5$"):
        update_running_stats(rm0, rv0, cache, 1.5)


def test_inference_validates_variance_and_names_bad_input():
    x, g, b, rm = np.ones((2, 3)), np.ones(3), np.zeros(3), np.zeros(3)
    batchnorm_inference(x, g, b, rm, np.array([0.0, 0.5, 2.0]))  # zero and small variances are fine
    with pytest.raises(ValueError, match=r"^running_var must be non-negative$"):
        batchnorm_inference(x, g, b, rm, np.array([1.0, -0.1, 1.0]))
    with pytest.raises(ValueError, match=r"^x contains NaN or inf \(1 entries\)$"):
        batchnorm_inference(np.array([[1.0, np.nan, 0.0]]), g, b, rm, np.ones(3))


def test_default_eps_is_torchs_and_two_rows_are_enough():
    # two rows per channel (m = 2) is the smallest batch training mode accepts; small values make
    # eps matter (var ~ 0.01, so eps = 1e-5 vs anything larger shows in the output)
    x = np.random.default_rng(1).normal(0.0, 0.1, (2, 3))
    gamma, beta = np.ones(3), np.zeros(3)
    y, _ = batchnorm_forward(x, gamma, beta)
    ref = F.batch_norm(torch.tensor(x), None, None, torch.tensor(gamma), torch.tensor(beta), training=True)
    assert_allclose(y, ref.numpy(), rtol=1e-10, atol=1e-12)  # float64 both sides


def test_errors_name_the_argument_and_the_count():
    x, gamma, beta, w = _setup((6, 3))
    with pytest.raises(ValueError, match=r"^x contains NaN or inf \(1 entries\)$"):
        batchnorm_forward(np.where(x == x.max(), np.nan, x), gamma, beta)
    with pytest.raises(ValueError, match=r"^beta contains NaN or inf \(1 entries\)$"):
        batchnorm_forward(x, gamma, np.array([0.0, np.inf, 0.0]))
    with pytest.raises(
        ValueError, match=r"^batch norm needs >= 2 values per channel in training mode, got 1$"
    ):
        batchnorm_forward(x[:1], gamma, beta)
    _, cache = batchnorm_forward(x, gamma, beta)
    with pytest.raises(ValueError, match=r"^dy contains NaN or inf \(18 entries\)$"):
        batchnorm_backward_expanded(np.full((6, 3), np.nan), cache)
