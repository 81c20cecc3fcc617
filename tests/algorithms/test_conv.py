"""Convolution and max pooling (AL-08): output size, gradients vs FD, torch forward/backward."""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from numpy.testing import assert_allclose

from algorithms.conv import (
    conv2d_backward,
    conv2d_forward,
    conv_transpose2d,
    maxpool2d_backward,
    maxpool2d_forward,
    output_size,
)
from algorithms.numerics import numerical_gradient

# (H, W, K, stride, padding): includes strides that do not divide H - K + 2P
CASES = [(5, 5, 3, 1, 0), (6, 5, 3, 2, 1), (7, 6, 2, 3, 0), (5, 7, 3, 2, 2)]


def _conv_setup(H, W, K, seed=0, c_in=2, c_out=3, n=2):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, c_in, H, W)), rng.normal(size=(c_out, c_in, K, K)), rng.normal(size=c_out))


def test_output_size_formula_equals_torch_over_a_grid():
    for H, K, P, S in itertools.product(range(3, 10), range(1, 5), range(3), range(1, 4)):
        if H + 2 * P < K:
            continue
        ref = F.conv2d(torch.zeros(1, 1, H, H), torch.zeros(1, 1, K, K), stride=S, padding=P).shape[2]
        ours = output_size(H, K, P, S)
        assert ours == ref, f"H={H} K={K} P={P} S={S}: ours {ours} vs torch {ref}"


@pytest.mark.parametrize("H,W,K,S,P", CASES)
def test_conv_forward_and_backward_equal_torch(H, W, K, S, P):
    x, w, b = _conv_setup(H, W, K)
    y, cache = conv2d_forward(x, w, b, stride=S, padding=P)
    g = np.random.default_rng(1).normal(size=y.shape)
    dx, dw, db = conv2d_backward(g, cache)
    tx, tw, tb = (torch.tensor(v, requires_grad=True) for v in (x, w, b))
    ty = F.conv2d(tx, tw, tb, stride=S, padding=P)
    (ty * torch.tensor(g)).sum().backward()
    pairs = (("y", y, ty.detach()), ("dx", dx, tx.grad), ("dw", dw, tw.grad), ("db", db, tb.grad))
    for name, ours, ref in pairs:
        assert_allclose(
            ours,
            ref.numpy(),
            rtol=1e-10,
            atol=1e-12,
            err_msg=f"{name}: ours {ours.ravel()[:3]} vs torch {ref.numpy().ravel()[:3]}",
        )


@pytest.mark.parametrize("H,W,K,S,P", CASES[:2])
def test_conv_gradients_match_central_differences(H, W, K, S, P):
    x, w, b = _conv_setup(H, W, K, seed=2, c_in=2, c_out=2, n=1)
    y, cache = conv2d_forward(x, w, b, stride=S, padding=P)
    g = np.random.default_rng(3).normal(size=y.shape)
    dx, dw, db = conv2d_backward(g, cache)

    def loss():
        return float(np.sum(g * conv2d_forward(x, w, b, stride=S, padding=P)[0]))

    for name, ours, p in (("x", dx, x), ("w", dw, w), ("b", db, b)):
        num = numerical_gradient(loss, p)
        assert_allclose(
            ours,
            num,
            rtol=1e-6,
            atol=1e-8,
            err_msg=f"d{name}: ours {ours.ravel()[:3]} vs FD {num.ravel()[:3]}",
        )


@pytest.mark.parametrize("H,W,K,S,P", CASES)
def test_input_gradient_is_torch_conv_transpose(H, W, K, S, P):
    x, w, _ = _conv_setup(H, W, K, seed=4)
    Ho, Wo = output_size(H, K, P, S), output_size(W, K, P, S)
    g = np.random.default_rng(5).normal(size=(2, 3, Ho, Wo))
    ours = conv_transpose2d(g, w, S, P, (H, W))
    pad_out = (H - ((Ho - 1) * S - 2 * P + K), W - ((Wo - 1) * S - 2 * P + K))
    if max(pad_out) < S:  # torch requires output_padding < stride
        ref = F.conv_transpose2d(
            torch.tensor(g), torch.tensor(w), stride=S, padding=P, output_padding=pad_out
        ).numpy()
        assert_allclose(
            ours, ref, rtol=1e-10, atol=1e-12, err_msg=f"ours {ours.ravel()[:3]} vs torch {ref.ravel()[:3]}"
        )
    # adjointness <conv(x), g> = <x, conv_T(g)>, whatever the output padding
    y0 = conv2d_forward(x, w, np.zeros(3), stride=S, padding=P)[0]
    assert_allclose(np.sum(y0 * g), np.sum(x * ours), rtol=1e-11)


@pytest.mark.parametrize("K,S", [(2, 2), (3, 2), (3, 1)])
def test_maxpool_forward_and_backward_equal_torch(K, S):
    x = np.random.default_rng(6).normal(size=(2, 3, 7, 6))
    y, cache = maxpool2d_forward(x, K, S)
    g = np.random.default_rng(7).normal(size=y.shape)
    dx = maxpool2d_backward(g, cache)
    tx = torch.tensor(x, requires_grad=True)
    ty = F.max_pool2d(tx, K, S)
    (ty * torch.tensor(g)).sum().backward()
    assert_allclose(y, ty.detach().numpy(), rtol=0, atol=0, err_msg="pooled values differ from torch")
    assert_allclose(
        dx,
        tx.grad.numpy(),
        rtol=1e-12,
        atol=1e-14,
        err_msg=f"dx ours {dx.ravel()[:6]} vs torch {tx.grad.numpy().ravel()[:6]}",
    )


def test_maxpool_gradient_goes_only_to_the_argmax_and_matches_fd():
    x = np.random.default_rng(8).normal(size=(1, 1, 4, 4))
    y, cache = maxpool2d_forward(x, 2)
    dx = maxpool2d_backward(np.ones_like(y), cache)
    assert dx.sum() == y.size and np.count_nonzero(dx) == y.size
    assert_allclose(np.sort(x[dx == 1]), np.sort(y.ravel()), rtol=0, atol=0)  # the maxima got it
    num = numerical_gradient(lambda: float(maxpool2d_forward(x, 2)[0].sum()), x)
    assert_allclose(dx, num, atol=1e-8, err_msg=f"ours {dx.ravel()} vs FD {num.ravel()}")


def test_bad_input_is_named():
    x, w, b = _conv_setup(5, 5, 3)
    with pytest.raises(ValueError, match=r"w must have shape \(C_out, 2, K_h, K_w\)"):
        conv2d_forward(x, w[:, :1], b)
    with pytest.raises(ValueError, match=r"b must have shape \(3,\)"):
        conv2d_forward(x, w, b[:2])
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv2d_forward(x[:, :, :2, :2], w, b)
    with pytest.raises(ValueError, match="NaN or inf"):
        conv2d_forward(np.where(x > 1, np.nan, x), w, b)
    with pytest.raises(ValueError, match="4 dimensions"):
        maxpool2d_forward(x[0], 2)
    y, cache = conv2d_forward(x, w, b)
    with pytest.raises(ValueError, match=r"g must have shape \(2, 3, 3, 3\)"):
        conv2d_backward(y[:, :, :2], cache)


@pytest.mark.slow
@pytest.mark.parametrize("K,S,P", list(itertools.product((1, 3, 5), (1, 2, 3), (0, 2))))
def test_larger_convolutions_equal_torch(K, S, P):
    x, w, b = _conv_setup(17, 13, K, seed=9, c_in=3, c_out=4, n=3)
    y, cache = conv2d_forward(x, w, b, stride=S, padding=P)
    g = np.random.default_rng(10).normal(size=y.shape)
    dx, dw, db = conv2d_backward(g, cache)
    tx, tw, tb = (torch.tensor(v, requires_grad=True) for v in (x, w, b))
    ty = F.conv2d(tx, tw, tb, stride=S, padding=P)
    (ty * torch.tensor(g)).sum().backward()
    for ours, ref in zip((y, dx, dw, db), (ty.detach(), tx.grad, tw.grad, tb.grad), strict=True):
        assert_allclose(
            ours,
            ref.numpy(),
            rtol=1e-9,
            atol=1e-11,
            err_msg=f"ours {ours.ravel()[:3]} vs torch {ref.numpy().ravel()[:3]}",
        )


def test_maxpool_names_bad_input():
    with pytest.raises(ValueError, match=r"^x contains NaN or inf \(1 entries\)$"):
        maxpool2d_forward(np.where(np.eye(2) > 0, np.nan, 0.0)[None, None, :1], 1)
    y, cache = maxpool2d_forward(np.arange(16.0).reshape(1, 1, 4, 4), 2)
    with pytest.raises(ValueError, match=r"^g must have 4 dimensions, got shape \(2, 2\)$"):
        maxpool2d_backward(np.ones((2, 2)), cache)
    with pytest.raises(ValueError, match=r"^g contains NaN or inf"):
        maxpool2d_backward(np.full(y.shape, np.inf), cache)
    with pytest.raises(ValueError, match=r"^g must have shape \(1, 1, 2, 2\) \(the pooled output's\), got"):
        maxpool2d_backward(np.ones((1, 1, 3, 3)), cache)


@pytest.mark.parametrize("K,S,P", [(3, 1, 0), (3, 2, 1), (2, 3, 0), (4, 2, 1)])
def test_default_output_size_is_torchs_without_output_padding(K, S, P):
    w = np.random.default_rng(8).normal(size=(3, 2, K, K))
    g = np.random.default_rng(9).normal(size=(2, 3, 4, 5))
    ours = conv_transpose2d(g, w, S, P)  # out_hw from the shapes: (H' - 1) S + K - 2P
    ref = F.conv_transpose2d(torch.tensor(g), torch.tensor(w), stride=S, padding=P).numpy()
    assert ours.shape == ref.shape, (ours.shape, ref.shape)
    assert_allclose(
        ours, ref, rtol=1e-10, atol=1e-12, err_msg=f"ours {ours.ravel()[:3]} vs torch {ref.ravel()[:3]}"
    )


def test_transposed_convolution_names_the_bad_argument():
    w, g = np.ones((3, 2, 3, 3)), np.ones((1, 3, 4, 4))
    with pytest.raises(ValueError, match=r"^g must have 4 dimensions"):
        conv_transpose2d(g[0], w)
    with pytest.raises(ValueError, match=r"^w contains NaN"):
        conv_transpose2d(g, np.full_like(w, np.nan))
    with pytest.raises(
        ValueError, match=r"g must have shape \(N, 3, H', W'\) to match w, got \(1, 2, 4, 4\)"
    ):
        conv_transpose2d(np.ones((1, 2, 4, 4)), w)
    with pytest.raises(ValueError, match=r"out_hw \(9, 9\) does not map to g's spatial shape \(4, 4\)"):
        conv_transpose2d(g, w, 1, 0, (9, 9))


def test_output_size_defaults_and_argument_checks():
    assert output_size(5, 3) == 3  # no padding, stride 1: 5 - 3 + 1
    assert output_size(1, 3, padding=1) == 1  # padded input 3 exactly fits the kernel
    msg = r"^need stride >= 1, padding >= 0, kernel >= 1; got {}, {}, {}$"
    for stride, padding, kernel in ((0, 0, 1), (1, -1, 1), (1, 0, 0)):  # each bound alone
        with pytest.raises(ValueError, match=msg.format(stride, padding, kernel)):
            output_size(5, kernel, padding, stride)
    with pytest.raises(ValueError, match=r"^kernel 4 is larger than the padded input 1 \+ 2\*1$"):
        output_size(1, 4, padding=1)


@pytest.mark.parametrize("S,P", [(1, 0), (2, 1)])
@pytest.mark.parametrize(("hw", "k"), [((5, 7), (3, 2)), ((7, 5), (2, 3))])  # wide and tall
def test_rectangular_kernel_and_input_equal_torch(S, P, hw, k):
    rng = np.random.default_rng(11)
    x, w, b = rng.normal(size=(2, 2, *hw)), rng.normal(size=(3, 2, *k)), rng.normal(size=3)
    y, cache = conv2d_forward(x, w, b, stride=S, padding=P)
    g = rng.normal(size=y.shape)
    dx, dw, db = conv2d_backward(g, cache)
    tx, tw, tb = (torch.tensor(v, requires_grad=True) for v in (x, w, b))
    ty = F.conv2d(tx, tw, tb, stride=S, padding=P)
    (ty * torch.tensor(g)).sum().backward()
    for ours, ref in zip((y, dx, dw, db), (ty.detach(), tx.grad, tw.grad, tb.grad), strict=True):
        assert_allclose(ours, ref.numpy(), rtol=1e-10, atol=1e-12)  # float64 sums of a few terms


def test_conv_transpose_defaults_are_stride_1_padding_0_like_torch():
    rng = np.random.default_rng(12)
    g, w = rng.normal(size=(1, 3, 4, 5)), rng.normal(size=(3, 2, 2, 3))
    ref = F.conv_transpose2d(torch.tensor(g), torch.tensor(w)).numpy()
    assert_allclose(conv_transpose2d(g, w), ref, rtol=1e-10, atol=1e-12)


def test_forward_errors_name_the_argument_and_the_dimension():
    x, w, b = _conv_setup(5, 5, 3)
    with pytest.raises(ValueError, match=r"^x must have 4 dimensions, got shape \(2, 5, 5\)$"):
        conv2d_forward(x[0], w, b)
    with pytest.raises(ValueError, match=r"^x contains NaN or inf \(1 entries\)$"):
        conv2d_forward(np.where(x == x.max(), np.inf, x), w, b)
    with pytest.raises(ValueError, match=r"^w must have 4 dimensions, got shape \(2, 3, 3\)$"):
        conv2d_forward(x, w[0], b)
    with pytest.raises(ValueError, match=r"^w contains NaN or inf \(1 entries\)$"):
        conv2d_forward(x, np.where(w == w.max(), np.nan, w), b)
    with pytest.raises(ValueError, match=r"^b contains NaN or inf \(1 entries\)$"):
        conv2d_forward(x, w, np.array([0.0, np.nan, 0.0]))
    with pytest.raises(
        ValueError,
        match=r"^w must have shape \(C_out, 2, K_h, K_w\) to match x's 2 channels, got \(3, 1, 3, 3\)$",
    ):
        conv2d_forward(x, w[:, :1], b)
    with pytest.raises(ValueError, match=r"^need stride >= 1, padding >= 0, kernel >= 1; got 0, 0, 3$"):
        conv2d_forward(x, w, b, stride=0)


@pytest.mark.parametrize(("H", "W", "kh", "kw"), [(2, 5, 3, 1), (5, 2, 1, 3)])
def test_kernel_taller_or_wider_than_the_input_is_named(H, W, kh, kw):
    x = np.zeros((1, 1, H, W))
    k = max(kh, kw)
    with pytest.raises(ValueError, match=rf"^kernel {k} is larger than the padded input 2 \+ 2\*0$"):
        conv2d_forward(x, np.zeros((1, 1, kh, kw)), np.zeros(1))


def test_gradient_errors_name_the_argument():
    w, g = np.ones((3, 2, 3, 3)), np.ones((1, 3, 4, 4))
    with pytest.raises(ValueError, match=r"^g contains NaN or inf \(3 entries\)$"):
        conv_transpose2d(np.where(np.arange(16).reshape(1, 1, 4, 4) == 0, np.nan, g), w)  # 1 per channel
    with pytest.raises(ValueError, match=r"^w must have 4 dimensions, got shape \(2, 3, 3\)$"):
        conv_transpose2d(g, w[0])
    with pytest.raises(ValueError, match=r"^g must have 4 dimensions, got shape \(3, 4, 4\)$"):
        conv_transpose2d(g[0], w)
    x, w, b = _conv_setup(5, 5, 3)
    y, cache = conv2d_forward(x, w, b)
    with pytest.raises(ValueError, match=r"^g must have 4 dimensions, got shape \(3, 3, 3\)$"):
        conv2d_backward(y[0], cache)
    with pytest.raises(ValueError, match=r"^g contains NaN or inf \(54 entries\)$"):
        conv2d_backward(np.full(y.shape, np.nan), cache)  # y is (2, 3, 3, 3)
