"""MLP backprop (AL-06): central differences on every parameter, and torch autograd."""

import re

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose

from algorithms.mlp import MLP, mse_loss, sgd_step, softmax_cross_entropy
from algorithms.numerics import numerical_gradient


def _problem(seed, sizes, loss, activation="tanh", output="identity", n=7):
    rng = np.random.default_rng(seed)
    net = MLP(sizes, activation=activation, output=output).initialize(rng)
    for _, b in net.params_:
        b[:] = rng.normal(0, 0.3, b.shape)  # nonzero biases so their gradients are tested too
    X = rng.normal(size=(n, sizes[0]))
    y = rng.integers(0, sizes[-1], n) if loss == "softmax" else rng.normal(size=(n, sizes[-1]))
    return net, X, y


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
@pytest.mark.parametrize("loss,output", [("mse", "identity"), ("mse", "sigmoid"), ("softmax", "identity")])
def test_backprop_matches_central_differences(activation, loss, output):
    net, X, y = _problem(1, (4, 5, 3, 3), loss, activation, output)
    _, grads = net.loss_and_gradients(X, y, loss)
    for layer, ((W, b), (dW, db)) in enumerate(zip(net.params_, grads, strict=True)):
        for name, p, g in (("W", W, dW), ("b", b, db)):
            num = numerical_gradient(lambda: net.loss(X, y, loss), p)
            assert_allclose(
                g,
                num,
                rtol=1e-6,
                atol=1e-9,
                err_msg=f"{name}{layer + 1}: backprop {g.ravel()[:4]} vs FD {num.ravel()[:4]}",
            )


def test_input_gradient_matches_central_differences():
    net, X, y = _problem(2, (3, 4, 2), "mse")
    out, cache = net.forward(X)
    _, d_out = mse_loss(out, y)
    _, dX = net.backward(cache, d_out, input_grad=True)
    num = numerical_gradient(lambda: net.loss(X, y), X)
    assert_allclose(dX, num, rtol=1e-6, atol=1e-9, err_msg=f"ours {dX[0]} vs FD {num[0]}")


@pytest.mark.parametrize("loss", ["mse", "softmax"])
def test_gradients_equal_torch_autograd(loss):
    net, X, y = _problem(3, (6, 8, 8, 4), loss, n=11)
    J, grads = net.loss_and_gradients(X, y, loss)
    tparams = [
        (torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True)) for W, b in net.params_
    ]
    a = torch.tensor(X)
    for i, (W, b) in enumerate(tparams):
        z = a @ W + b
        a = torch.tanh(z) if i < len(tparams) - 1 else z
    if loss == "mse":
        tJ = 0.5 * ((a - torch.tensor(y)) ** 2).sum() / X.shape[0]
    else:
        tJ = torch.nn.functional.cross_entropy(a, torch.tensor(y))
    tJ.backward()
    assert_allclose(J, tJ.item(), rtol=1e-12, err_msg=f"loss ours {J} vs torch {tJ.item()}")
    for layer, ((dW, db), (tW, tb)) in enumerate(zip(grads, tparams, strict=True)):
        assert_allclose(
            dW,
            tW.grad.numpy(),
            rtol=1e-10,
            atol=1e-13,
            err_msg=f"dW{layer + 1} ours {dW.ravel()[:3]} vs torch {tW.grad.ravel()[:3]}",
        )
        assert_allclose(
            db,
            tb.grad.numpy(),
            rtol=1e-10,
            atol=1e-13,
            err_msg=f"db{layer + 1} ours {db[:3]} vs torch {tb.grad[:3]}",
        )


def test_backward_without_reuse_gives_the_same_gradients_at_quadratic_cost():
    net, X, y = _problem(7, (4, 4, 4, 4, 4, 4), "mse", n=5)
    out, cache = net.forward(X)
    _, d_out = mse_loss(out, y)
    net.madds_ = 0
    fast = net.backward(cache, d_out)
    reuse_cost, net.madds_ = net.madds_, 0
    slow = net.backward_without_reuse(cache, d_out)
    for (a, b), (c, d) in zip(fast, slow, strict=True):
        assert_allclose(a, c, rtol=1e-12, atol=1e-15)
        assert_allclose(b, d, rtol=1e-12, atol=1e-15)
    L, per_product = 5, 5 * 4 * 4
    assert reuse_cost == (L + L - 1) * per_product  # L dW products, L - 1 deltas
    assert net.madds_ == (L + L * (L - 1) // 2) * per_product  # deltas repeated per layer


def test_madds_count_forward_and_backward():
    net, X, y = _problem(4, (5, 7, 3), "mse", n=10)
    net.madds_ = 0
    net.forward(X)
    forward = 10 * (5 * 7 + 7 * 3)
    assert net.madds_ == forward
    net.madds_ = 0
    net.loss_and_gradients(X, y)
    # forward, then dW for both layers and one delta product (none for the input layer)
    assert net.madds_ == forward + 10 * (5 * 7 + 7 * 3) + 10 * 7 * 3


def test_sgd_step_reduces_loss_and_is_separate_from_backward():
    net, X, y = _problem(5, (3, 6, 1), "mse", n=32)
    before = [W.copy() for W, _ in net.params_]
    J0, grads = net.loss_and_gradients(X, y)
    assert all(np.array_equal(W, B) for (W, _), B in zip(net.params_, before, strict=True))
    sgd_step(net.params_, grads, lr=0.1)
    assert net.loss(X, y) < J0


def test_bad_input_is_named():
    net, X, y = _problem(6, (3, 4, 2), "mse")
    with pytest.raises(ValueError, match=r"shape \(n_samples, 3\)"):
        net.forward(np.zeros((5, 4)))
    with pytest.raises(ValueError, match="NaN or inf"):
        net.forward(np.full((2, 3), np.nan))
    with pytest.raises(ValueError, match=r"shape \(7, 2\)"):
        net.loss_and_gradients(X, y[:, :1])
    with pytest.raises(ValueError, match="labels must lie"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(RuntimeError, match="call initialize"):
        MLP((3, 2)).forward(X)
    with pytest.raises(ValueError, match="unknown activation"):
        MLP((2, 2), activation="swish").initialize(np.random.default_rng(0))


@pytest.mark.slow
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_wide_deep_network_equals_torch(activation):
    rng = np.random.default_rng(8)
    sizes = (32, 64, 64, 64, 10)
    net = MLP(sizes, activation=activation).initialize(rng)
    X, y = rng.normal(size=(256, 32)), rng.integers(0, 10, 256)
    _, grads = net.loss_and_gradients(X, y, "softmax")
    tparams = [
        (torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True)) for W, b in net.params_
    ]
    a = torch.tensor(X)
    act = torch.tanh if activation == "tanh" else torch.relu
    for i, (W, b) in enumerate(tparams):
        a = a @ W + b if i == len(tparams) - 1 else act(a @ W + b)
    torch.nn.functional.cross_entropy(a, torch.tensor(y)).backward()
    for (dW, db), (tW, tb) in zip(grads, tparams, strict=True):
        assert_allclose(dW, tW.grad.numpy(), rtol=1e-9, atol=1e-13, err_msg="dW differs from torch")
        assert_allclose(db, tb.grad.numpy(), rtol=1e-9, atol=1e-13, err_msg="db differs from torch")


def test_sgd_step_matches_torch_sgd():
    rng = np.random.default_rng(12)
    params = [(rng.normal(size=(3, 2)), rng.normal(size=2)), (rng.normal(size=(2, 1)), rng.normal(size=1))]
    grads = [(rng.normal(size=W.shape), rng.normal(size=b.shape)) for W, b in params]
    tensors = [torch.tensor(a, requires_grad=True) for W, b in params for a in (W, b)]
    for t, g in zip(tensors, [a for dW, db in grads for a in (dW, db)], strict=True):
        t.grad = torch.from_numpy(g)
    torch.optim.SGD(tensors, lr=0.3).step()
    sgd_step(params, grads, 0.3)
    for ours, ref in zip([a for W, b in params for a in (W, b)], tensors, strict=True):
        assert_allclose(ours, ref.detach().numpy(), rtol=1e-13, err_msg="in-place step: ours vs torch SGD")
    with pytest.raises(ValueError):  # one gradient pair per layer, or it is a bug upstream
        sgd_step(params, grads[:1], 0.3)


def test_backward_without_reuse_names_bad_gradient():
    net = MLP([2, 3, 1]).initialize(np.random.default_rng(0))
    _, cache = net.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"^d_out must have 2 dimensions, got shape \(4,\)$"):
        net.backward_without_reuse(cache, np.ones(4))
    with pytest.raises(ValueError, match=r"^d_out contains NaN or inf"):
        net.backward_without_reuse(cache, np.full((4, 1), np.nan))


def test_layer_sizes_need_two_positive_widths():
    for sizes in ((3,), (3, 0, 2)):
        with pytest.raises(
            ValueError, match=rf"^layer_sizes needs >= 2 positive widths, got {re.escape(str(sizes))}$"
        ):
            MLP(sizes).initialize(np.random.default_rng(0))


def test_glorot_uniform_bound_and_zero_biases():
    # W ~ U(-r, r) with r = sqrt(6 / (d_in + d_out)), so Var W = r^2 / 3 = 2 / (d_in + d_out)
    net = MLP((300, 200, 100)).initialize(np.random.default_rng(0))
    for (W, b), (d_in, d_out) in zip(net.params_, ((300, 200), (200, 100)), strict=True):
        r = np.sqrt(6.0 / (d_in + d_out))
        assert np.abs(W).max() <= r
        assert np.abs(W).max() == pytest.approx(r, rel=1e-3)  # 20000+ draws come within r/1000 of r
        assert W.var() == pytest.approx(2 / (d_in + d_out), rel=0.03)  # sampling error ~1%
        assert not b.any()
    assert net.madds_ == 0  # no product has run yet


def test_errors_name_the_argument_and_the_expected_shape():
    net = MLP((2, 4, 3, 1)).initialize(np.random.default_rng(0))
    with pytest.raises(RuntimeError, match=r"^this MLP has no parameters yet; call initialize\(rng\) first$"):
        MLP((2, 1)).forward(np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"^X must have 2 dimensions, got shape \(2,\)$"):
        net.forward(np.zeros(2))
    with pytest.raises(ValueError, match=r"^X contains NaN or inf \(1 entries\)$"):
        net.forward(np.array([[0.0, np.inf]]))
    _, cache = net.forward(np.zeros((5, 2)))
    with pytest.raises(ValueError, match=r"^d_out must have 2 dimensions, got shape \(5,\)$"):
        net.backward(cache, np.zeros(5))
    with pytest.raises(ValueError, match=r"^d_out contains NaN or inf \(5 entries\)$"):
        net.backward(cache, np.full((5, 1), np.nan))
    with pytest.raises(ValueError, match=r"^d_out must have shape \(5, 1\), got \(5, 3\)$"):
        net.backward(cache, np.zeros((5, 3)))  # (5, 3) is a hidden layer's shape, not the output's
    with pytest.raises(ValueError, match=r"^unknown loss 'hinge'; use 'mse' or 'softmax'$"):
        net.loss_and_gradients(np.zeros((5, 2)), np.zeros((5, 1)), loss="hinge")


def test_loss_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"^pred must have 2 dimensions, got shape \(3,\)$"):
        mse_loss(np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match=r"^pred contains NaN or inf \(1 entries\)$"):
        mse_loss(np.array([[np.nan]]), np.zeros((1, 1)))
    with pytest.raises(ValueError, match=r"^y contains NaN or inf \(1 entries\)$"):
        mse_loss(np.zeros((1, 1)), np.array([[np.inf]]))
    with pytest.raises(ValueError, match=r"^logits must have 2 dimensions, got shape \(3,\)$"):
        softmax_cross_entropy(np.zeros(3), np.array([0]))
    with pytest.raises(ValueError, match=r"^logits contains NaN or inf \(1 entries\)$"):
        softmax_cross_entropy(np.array([[0.0, np.nan]]), np.array([0]))
