"""Self-attention (AL-09): row sums, masking, gradients vs FD, torch SDPA and MultiheadAttention."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from numpy.testing import assert_allclose

from algorithms.attention import (
    MultiHeadSelfAttention,
    attention_backward,
    causal_mask,
    row_entropy,
    scaled_dot_product_attention,
)
from algorithms.numerics import numerical_gradient


def _qkv(seed, n_q=4, n_k=5, d_k=3, d_v=2, batch=(2,)):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=batch + (n_q, d_k)),
        rng.normal(size=batch + (n_k, d_k)),
        rng.normal(size=batch + (n_k, d_v)),
    )


def test_rows_sum_to_one_and_masked_positions_get_zero_weight():
    q, k, v = _qkv(0)
    mask = np.random.default_rng(1).random((4, 5)) > 0.4
    mask[:, 0] = True
    _, A, _ = scaled_dot_product_attention(q, k, v, mask=mask)
    assert_allclose(A.sum(axis=-1), 1.0, rtol=0, atol=1e-14)
    assert np.all(A[..., ~mask] == 0.0)
    _, A, _ = scaled_dot_product_attention(q, k[:, :4], v[:, :4], causal=True)
    assert np.all(A[..., ~causal_mask(4)] == 0.0) and np.all(A[..., causal_mask(4)] > 0)


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("use_mask", [False, True])
def test_forward_equals_torch_sdpa(causal, use_mask):
    q, k, v = _qkv(2, n_q=5, n_k=5)
    mask = None
    if use_mask:
        mask = np.random.default_rng(3).random((5, 5)) > 0.3
        mask[np.arange(5), np.arange(5)] = True  # keep every row attendable with causal too
    out, _, _ = scaled_dot_product_attention(q, k, v, mask=mask, causal=causal)
    tm = None if mask is None else torch.tensor(mask)
    if causal and tm is not None:  # torch forbids attn_mask together with is_causal
        tm, tcausal = tm & torch.tensor(causal_mask(5)), False
    else:
        tcausal = causal
    ref = F.scaled_dot_product_attention(
        *(torch.tensor(a) for a in (q, k, v)), attn_mask=tm, is_causal=tcausal
    ).numpy()
    assert_allclose(
        out, ref, rtol=1e-10, atol=1e-12, err_msg=f"ours {out.ravel()[:3]} vs torch {ref.ravel()[:3]}"
    )


@pytest.mark.parametrize("causal", [False, True])
def test_attention_gradients_match_fd_and_torch(causal):
    q, k, v = _qkv(4, n_q=4, n_k=4)
    g = np.random.default_rng(5).normal(size=(2, 4, 2))
    _, _, cache = scaled_dot_product_attention(q, k, v, causal=causal)
    grads = attention_backward(g, cache)

    def loss():
        return float(np.sum(g * scaled_dot_product_attention(q, k, v, causal=causal)[0]))

    tq, tk, tv = (torch.tensor(a, requires_grad=True) for a in (q, k, v))
    (F.scaled_dot_product_attention(tq, tk, tv, is_causal=causal) * torch.tensor(g)).sum().backward()
    for name, ours, p, t in zip("qkv", grads, (q, k, v), (tq, tk, tv), strict=True):
        num = numerical_gradient(loss, p)
        assert_allclose(
            ours,
            num,
            rtol=1e-6,
            atol=1e-9,
            err_msg=f"d{name}: ours {ours.ravel()[:3]} vs FD {num.ravel()[:3]}",
        )
        assert_allclose(
            ours,
            t.grad.numpy(),
            rtol=1e-10,
            atol=1e-12,
            err_msg=f"d{name}: ours {ours.ravel()[:3]} vs torch {t.grad.numpy().ravel()[:3]}",
        )


def _torch_mha(mha: MultiHeadSelfAttention) -> torch.nn.MultiheadAttention:
    d, p = mha.embed_dim, mha.params_
    ref = torch.nn.MultiheadAttention(d, mha.num_heads, batch_first=True, dtype=torch.float64)
    with torch.no_grad():  # torch computes x W^T + b: copy the transposes
        ref.in_proj_weight.copy_(torch.tensor(np.vstack([p["w_q"].T, p["w_k"].T, p["w_v"].T])))
        ref.in_proj_bias.copy_(torch.tensor(np.concatenate([p["b_q"], p["b_k"], p["b_v"]])))
        ref.out_proj.weight.copy_(torch.tensor(p["w_o"].T))
        ref.out_proj.bias.copy_(torch.tensor(p["b_o"]))
    return ref


@pytest.mark.parametrize("causal", [False, True])
def test_multihead_equals_torch_multiheadattention(causal):
    rng = np.random.default_rng(6)
    mha = MultiHeadSelfAttention(embed_dim=8, num_heads=2).initialize(rng)
    x = rng.normal(size=(3, 5, 8))
    y, A, cache = mha.forward(x, causal=causal)
    g = rng.normal(size=y.shape)
    grads, dx = mha.backward(g, cache)
    ref = _torch_mha(mha)
    tx = torch.tensor(x, requires_grad=True)
    not_allowed = torch.tensor(~causal_mask(5)) if causal else None  # torch: True = blocked
    ty, tA = ref(tx, tx, tx, attn_mask=not_allowed, need_weights=True, average_attn_weights=False)
    (ty * torch.tensor(g)).sum().backward()
    assert_allclose(
        y,
        ty.detach().numpy(),
        rtol=1e-10,
        atol=1e-12,
        err_msg=f"y ours {y.ravel()[:3]} vs torch {ty.detach().numpy().ravel()[:3]}",
    )
    assert_allclose(A, tA.detach().numpy(), rtol=1e-10, atol=1e-12, err_msg="per-head weights differ")
    assert_allclose(dx, tx.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg="dx differs from torch")
    d = 8
    tw = ref.in_proj_weight.grad.numpy()
    tb = ref.in_proj_bias.grad.numpy()
    for i, c in enumerate("qkv"):
        assert_allclose(grads[f"w_{c}"], tw[i * d : (i + 1) * d].T, rtol=1e-9, atol=1e-12, err_msg=f"dW_{c}")
        assert_allclose(grads[f"b_{c}"], tb[i * d : (i + 1) * d], rtol=1e-9, atol=1e-12, err_msg=f"db_{c}")
    assert_allclose(grads["w_o"], ref.out_proj.weight.grad.numpy().T, rtol=1e-9, atol=1e-12, err_msg="dW_o")
    assert_allclose(grads["b_o"], ref.out_proj.bias.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg="db_o")


def test_multihead_gradients_match_central_differences():
    rng = np.random.default_rng(7)
    mha = MultiHeadSelfAttention(embed_dim=4, num_heads=2).initialize(rng)
    x = rng.normal(size=(1, 3, 4))
    g = rng.normal(size=(1, 3, 4))
    _, _, cache = mha.forward(x, causal=True)
    grads, dx = mha.backward(g, cache)

    def loss():
        return float(np.sum(g * mha.forward(x, causal=True)[0]))

    for name in MultiHeadSelfAttention.NAMES:
        num = numerical_gradient(loss, mha.params_[name])
        assert_allclose(
            grads[name],
            num,
            rtol=1e-6,
            atol=1e-9,
            err_msg=f"d{name}: ours {grads[name].ravel()[:3]} vs FD {num.ravel()[:3]}",
        )
    assert_allclose(dx, numerical_gradient(loss, x), rtol=1e-6, atol=1e-9, err_msg="dx vs FD")


def test_scaling_keeps_entropy_while_unscaled_softmax_saturates():
    rng = np.random.default_rng(8)
    ent = {}
    for d_k in (4, 256):
        q, k = rng.normal(size=(64, d_k)), rng.normal(size=(16, d_k))
        v = np.zeros((16, 1))
        ent[d_k, True] = row_entropy(scaled_dot_product_attention(q, k, v)[1]).mean()
        ent[d_k, False] = row_entropy(scaled_dot_product_attention(q, k, v, scale=1.0)[1]).mean()
    assert abs(ent[256, True] - ent[4, True]) < 0.3, ent
    assert ent[256, False] < 0.5 * ent[4, False], ent


def test_bad_input_is_named():
    q, k, v = _qkv(9)
    with pytest.raises(ValueError, match=r"mask must be boolean with shape \(\.\.\., 4, 5\)"):
        scaled_dot_product_attention(q, k, v, mask=np.ones((5, 4), dtype=bool))
    with pytest.raises(ValueError, match="mask must be boolean"):
        scaled_dot_product_attention(q, k, v, mask=np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"k must have shape \(\.\.\., n_k, 3\)"):
        scaled_dot_product_attention(q, k[..., :2], v)
    with pytest.raises(ValueError, match=r"v must have shape \(\.\.\., 5, d_v\)"):
        scaled_dot_product_attention(q, k, v[:, :3])
    with pytest.raises(ValueError, match="NaN or inf"):
        scaled_dot_product_attention(q * np.inf, k, v)
    with pytest.raises(ValueError, match="all False"):
        scaled_dot_product_attention(q, k, v, mask=np.zeros((4, 5), dtype=bool))
    mha = MultiHeadSelfAttention(8, 2).initialize(np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"x must have shape \(N, L, 8\)"):
        mha.forward(np.zeros((2, 3, 6)))
    with pytest.raises(ValueError, match="divisible"):
        MultiHeadSelfAttention(6, 4).initialize(np.random.default_rng(0))


@pytest.mark.slow
def test_wider_multihead_equals_torch():
    rng = np.random.default_rng(11)
    mha = MultiHeadSelfAttention(embed_dim=64, num_heads=8).initialize(rng)
    x = rng.normal(size=(4, 33, 64))
    y, A, cache = mha.forward(x, causal=True)
    g = rng.normal(size=y.shape)
    _, dx = mha.backward(g, cache)
    ref = _torch_mha(mha)
    tx = torch.tensor(x, requires_grad=True)
    ty, _ = ref(tx, tx, tx, attn_mask=torch.tensor(~causal_mask(33)))
    (ty * torch.tensor(g)).sum().backward()
    assert_allclose(y, ty.detach().numpy(), rtol=1e-9, atol=1e-11, err_msg="y differs from torch")
    assert_allclose(dx, tx.grad.numpy(), rtol=1e-8, atol=1e-11, err_msg="dx differs from torch")


def test_row_entropy_matches_scipy_on_batched_rows_with_zeros():
    from scipy.stats import entropy

    rng = np.random.default_rng(8)
    w = rng.uniform(size=(3, 4, 5)) * (rng.uniform(size=(3, 4, 5)) > 0.3)  # exact zeros: 0 log 0 = 0
    w[..., 0] += 0.1
    w /= w.sum(axis=-1, keepdims=True)
    assert_allclose(row_entropy(w), entropy(w, axis=-1), rtol=1e-12, err_msg="ours vs scipy entropy")


def _torch_attention(q, k, v):
    """softmax(q k^T / sqrt(d_k)) v written plainly in torch; torch broadcasts and autograd sums back."""
    return torch.softmax(q @ k.transpose(-1, -2) / np.sqrt(q.shape[-1]), dim=-1) @ v


@pytest.mark.parametrize(
    "q_shape, k_shape, v_shape",
    [
        ((4, 3), (2, 5, 3), (2, 5, 2)),  # one set of queries shared across a batch: extra leading axis
        ((2, 4, 3), (1, 5, 3), (2, 5, 2)),  # keys shared across a batch of 2: size-1 axis
        ((3, 2, 4, 3), (3, 1, 5, 3), (3, 1, 5, 2)),  # multi-query attention: k, v shared by 2 heads
    ],
)
def test_broadcast_inputs_get_gradients_of_their_own_shape(q_shape, k_shape, v_shape):
    # reference: torch autograd through the same broadcasting formula
    rng = np.random.default_rng(12)
    q, k, v = (rng.normal(size=s) for s in (q_shape, k_shape, v_shape))
    out, _, cache = scaled_dot_product_attention(q, k, v)
    g = rng.normal(size=out.shape)
    grads = attention_backward(g, cache)
    tq, tk, tv = (torch.tensor(a, requires_grad=True) for a in (q, k, v))
    (_torch_attention(tq, tk, tv) * torch.tensor(g)).sum().backward()
    for name, ours, t in zip("qkv", grads, (tq, tk, tv), strict=True):
        ref = t.grad.numpy()
        assert ours.shape == ref.shape, f"d{name}: ours {ours.shape} vs torch {ref.shape}"
        assert_allclose(
            ours,
            ref,
            rtol=1e-10,
            atol=1e-12,
            err_msg=f"d{name}: ours {ours.ravel()[:3]} vs torch {ref.ravel()[:3]}",
        )


def test_attention_backward_names_bad_g():
    q, k, v = _qkv(13)
    _, _, cache = scaled_dot_product_attention(q, k, v)
    g = np.zeros((2, 4, 2))
    g[0, 1, 1] = np.nan
    with pytest.raises(ValueError, match=r"^g contains NaN or inf \(1 entries\)$"):
        attention_backward(g, cache)
    with pytest.raises(
        ValueError, match=r"^g must have shape \(2, 4, 2\) \(the output's\), got \(2, 4, 3\)$"
    ):
        attention_backward(np.zeros((2, 4, 3)), cache)


def _check_mha_against_torch(mha, x, mask=None, causal=None):
    """Forward and backward of ``mha`` vs torch.nn.MultiheadAttention (mask True = may attend)."""
    kwargs = {} if causal is None else {"causal": causal}
    y, A, cache = mha.forward(x, mask=mask, **kwargs)
    g = np.random.default_rng(14).normal(size=y.shape)
    grads, dx = mha.backward(g, cache)
    ref = _torch_mha(mha)
    tx = torch.tensor(x, requires_grad=True)
    blocked = None if mask is None else torch.tensor(~mask)  # torch: True = blocked
    ty, tA = ref(tx, tx, tx, attn_mask=blocked, need_weights=True, average_attn_weights=False)
    (ty * torch.tensor(g)).sum().backward()
    ty = ty.detach().numpy()
    assert_allclose(
        y, ty, rtol=1e-10, atol=1e-12, err_msg=f"y ours {y.ravel()[:3]} vs torch {ty.ravel()[:3]}"
    )
    assert_allclose(A, tA.detach().numpy(), rtol=1e-10, atol=1e-12, err_msg="per-head weights differ")
    assert_allclose(dx, tx.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg="dx differs from torch")
    assert_allclose(grads["w_o"], ref.out_proj.weight.grad.numpy().T, rtol=1e-9, atol=1e-12, err_msg="dW_o")


def test_multihead_default_is_not_causal():
    # reference: torch.nn.MultiheadAttention with no mask; forward() called without `causal`
    rng = np.random.default_rng(15)
    mha = MultiHeadSelfAttention(embed_dim=8, num_heads=2).initialize(rng)
    _check_mha_against_torch(mha, rng.normal(size=(2, 5, 8)))


def test_multihead_with_a_single_head():
    # reference: torch.nn.MultiheadAttention(num_heads=1); h = 1 is plain self-attention
    rng = np.random.default_rng(16)
    mha = MultiHeadSelfAttention(embed_dim=6, num_heads=1).initialize(rng)
    _check_mha_against_torch(mha, rng.normal(size=(2, 4, 6)), causal=False)


def test_multihead_applies_a_boolean_mask():
    # reference: torch.nn.MultiheadAttention with attn_mask = ~mask (torch marks blocked positions)
    rng = np.random.default_rng(17)
    mha = MultiHeadSelfAttention(embed_dim=8, num_heads=4).initialize(rng)
    mask = rng.random((5, 5)) > 0.5
    mask[np.arange(5), np.arange(5)] = True  # every query may attend at least to itself
    _check_mha_against_torch(mha, rng.normal(size=(3, 5, 8)), mask=mask, causal=False)


def test_initialisation_preserves_unit_variance():
    # analytic: with W entries N(0, 1/d), (x W)_j = sum_i x_i W_ij has variance d * 1/d = 1 for
    # unit-variance x
    rng = np.random.default_rng(18)
    d = 256
    mha = MultiHeadSelfAttention(embed_dim=d, num_heads=4).initialize(rng)
    x = rng.normal(size=(8, 64, d))
    for c in "qkvo":
        var = (x @ mha.params_[f"w_{c}"]).var()
        assert abs(var - 1.0) < 0.1, f"Var(x W_{c}) = {var}, expected 1"


def test_multihead_names_bad_x_and_g():
    rng = np.random.default_rng(19)
    mha = MultiHeadSelfAttention(8, 2).initialize(rng)
    x = rng.normal(size=(3, 5, 8))
    with pytest.raises(ValueError, match=r"^x must have 3 dimensions, got shape \(5, 8\)$"):
        mha.forward(x[0])
    with pytest.raises(ValueError, match=r"^x contains NaN or inf \(1 entries\)$"):
        mha.forward(np.where(np.arange(x.size).reshape(x.shape) == 7, np.inf, x))
    _, _, cache = mha.forward(x)
    g = np.zeros_like(x)
    g[1, 2, 3] = np.nan
    with pytest.raises(ValueError, match=r"^g contains NaN or inf \(1 entries\)$"):
        mha.backward(g, cache)
    with pytest.raises(
        ValueError, match=r"^g must have shape \(3, 5, 8\) \(the output's\), got \(3, 5, 4\)$"
    ):
        mha.backward(np.zeros((3, 5, 4)), cache)


def test_sdpa_names_the_input_that_is_not_finite():
    # the error names q, k or v and counts the bad entries (check_finite's contract)
    for name in "qkv":
        qkv = dict(zip("qkv", _qkv(20), strict=True))
        qkv[name][0, 1, 1] = np.nan
        with pytest.raises(ValueError, match=rf"^{name} contains NaN or inf \(1 entries\)$"):
            scaled_dot_product_attention(qkv["q"], qkv["k"], qkv["v"])


def test_a_batched_mask_equals_torch_sdpa():
    # reference: torch SDPA with a (batch, n_q, n_k) boolean mask, one mask per batch element
    q, k, v = _qkv(21)
    mask = np.random.default_rng(22).random((2, 4, 5)) > 0.5
    mask[..., 0] = True  # every query may attend at least to key 0
    out, A, _ = scaled_dot_product_attention(q, k, v, mask=mask)
    ref = F.scaled_dot_product_attention(*(torch.tensor(a) for a in (q, k, v)), attn_mask=torch.tensor(mask))
    assert_allclose(out, ref.numpy(), rtol=1e-10, atol=1e-12, err_msg="batched mask: ours vs torch")
    assert np.all(A[~mask] == 0.0)


def test_one_all_false_mask_row_is_refused():
    # a single query with nothing to attend to would get 0/0 = NaN weights: it must be named,
    # also when the other rows (and every key column) are fine and when the mask is batched
    q, k, v = _qkv(23)
    msg = r"^every query needs at least one position it may attend to; a mask row is all False$"
    mask = np.ones((2, 4, 5), dtype=bool)
    mask[1, 2] = False  # batch 1, query 2 sees nothing
    for m in (mask[1], mask):
        with pytest.raises(ValueError, match=msg):
            scaled_dot_product_attention(q, k, v, mask=m)


def test_initial_biases_are_small_and_centred():
    # the projections start with unit variance (see the test above); the biases must start small
    # and centred so that they do not shift every query, key and value by an O(1) constant.
    # 4 biases x 400 entries: with std <= 0.2 the sample mean has sd <= 0.2 / 40 = 0.005
    mha = MultiHeadSelfAttention(embed_dim=400, num_heads=4).initialize(np.random.default_rng(24))
    b = np.concatenate([mha.params_[f"b_{c}"] for c in "qkvo"])
    assert 0 < b.std() < 0.2 and abs(b.mean()) < 0.05, (b.mean(), b.std())
