"""Quantizers: NF4 against the QLoRA table, INT8 against torch, error orderings, bad input."""

import warnings

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal

from algorithms import quantization as Q

# bitsandbytes' NF4 code book as printed in the QLoRA paper (Appendix E), float32 digits
QLORA_NF4 = np.array(
    [
        -1.0,
        -0.6961928009986877,
        -0.5250730514526367,
        -0.39491748809814453,
        -0.28444138169288635,
        -0.18477343022823334,
        -0.09105003625154495,
        0.0,
        0.07958029955625534,
        0.16093020141124725,
        0.24611230194568634,
        0.33791524171829224,
        0.44070982933044434,
        0.5626170039176941,
        0.7229568362236023,
        1.0,
    ]
)


def test_nf4_levels_equal_the_published_table():
    ours = Q.nf4_levels()
    # the table is float32: agreement to float32 rounding of the quantile values
    assert_allclose(ours, QLORA_NF4, atol=2e-7, err_msg=f"ours {ours} vs QLoRA {QLORA_NF4}")
    assert ours[7] == 0.0 and len(ours) == 16


def test_nf4_levels_are_denser_near_zero_than_int4():
    gaps = np.diff(Q.nf4_levels())
    assert gaps[6] < gaps[0] and gaps[7] < gaps[-1]
    assert gaps.min() < 2 / 14 < gaps.max()  # INT4 absmax has a uniform step 1/7


def test_nf4_maps_each_value_to_its_nearest_level():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(8, 64))
    qt = Q.quantize_nf4(w, block=64)
    x = w / np.abs(w).max(axis=1, keepdims=True)
    brute = np.abs(x[..., None] - Q.nf4_levels()).argmin(-1)
    assert_array_equal(qt.codes, brute)


def test_nf4_beats_int4_on_gaussian_weights_and_both_keep_the_block_absmax():
    rng = np.random.default_rng(1)
    w = rng.normal(0, 0.02, size=(64, 256))
    nf4, int4 = Q.quantize_nf4(w, 64).dequantize(), Q.quantize_int4_absmax(w, 64).dequantize()
    e_nf4, e_int4 = Q.relative_error(w, nf4), Q.relative_error(w, int4)
    assert e_nf4 < e_int4, (e_nf4, e_int4)
    blocks = np.abs(w.reshape(-1, 64)).max(1)
    for w_hat in (nf4, int4):
        assert_allclose(np.abs(w_hat.reshape(-1, 64)).max(1), blocks, rtol=1e-12)


def _torch_dynamic(w, b, per_channel=False):
    lin = torch.nn.Linear(w.shape[1], w.shape[0])
    with torch.no_grad():
        lin.weight.copy_(torch.tensor(w, dtype=torch.float32))
        lin.bias.copy_(torch.tensor(b, dtype=torch.float32))
    qconfig = (
        torch.ao.quantization.per_channel_dynamic_qconfig
        if per_channel
        else torch.ao.quantization.default_dynamic_qconfig
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(
            torch.nn.Sequential(lin), {torch.nn.Linear: qconfig}, dtype=torch.qint8
        )


@pytest.mark.parametrize("per_channel", [False, True])
def test_int8_weight_codes_equal_torch_observer(per_channel):
    rng = np.random.default_rng(2)
    w = rng.normal(0, 0.05, (48, 96)).astype(np.float32).astype(np.float64)
    qw = _torch_dynamic(w, np.zeros(48), per_channel)[0].weight()
    ours = Q.quantize_int8_symmetric(w, per_channel=per_channel)
    theirs = qw.int_repr().numpy()
    # the row's absmax lands on -127.5 exactly: a tie that float32 vs float64 scale rounding
    # sends to -127 or -128; every other code must agree
    tie = np.abs(w) == np.abs(w).max(axis=1 if per_channel else None, keepdims=per_channel)
    assert_array_equal(ours.codes[~tie], theirs[~tie])
    assert np.abs(ours.codes[tie].astype(int) - theirs[tie]).max() <= 1
    ref_scale = qw.q_per_channel_scales().numpy() if per_channel else qw.q_scale()
    assert_allclose(np.squeeze(ours.scale), ref_scale, rtol=1e-6)


def test_dynamic_int8_linear_equals_torch_quantize_dynamic():
    rng = np.random.default_rng(3)
    w = rng.normal(0, 0.05, (64, 96)).astype(np.float32).astype(np.float64)
    b = rng.normal(0, 0.1, 64).astype(np.float32).astype(np.float64)
    x = (rng.normal(size=(20, 96)) * rng.uniform(0.5, 3, 96)).astype(np.float32).astype(np.float64)
    ref = _torch_dynamic(w, b)(torch.tensor(x, dtype=torch.float32)).detach().numpy()
    ours = Q.dynamic_int8_linear(x, Q.quantize_int8_symmetric(w), b, reduce_range=True)
    exact = x @ w.T + b
    # torch's kernel computes in int32 then float32: ours matches it to float32 rounding,
    # far inside the quantization error itself
    assert_allclose(ours, ref, atol=1e-5, err_msg=f"ours {ours[0, :4]} vs torch {ref[0, :4]}")
    assert np.abs(ours - exact).max() > 100 * np.abs(ours - ref).max()


def test_per_channel_error_not_above_per_tensor_when_rows_differ_in_scale():
    rng = np.random.default_rng(4)
    w = rng.normal(size=(32, 64)) * np.geomspace(1e-3, 1, 32)[:, None]
    e_t = Q.relative_error(w, Q.quantize_int8_symmetric(w).dequantize())
    e_c = Q.relative_error(w, Q.quantize_int8_symmetric(w, per_channel=True).dequantize())
    assert e_c < e_t / 2, (e_c, e_t)


def test_asymmetric_roundtrip_is_within_half_a_step_and_keeps_zero_exact():
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.uniform(-1, 3, 200), [0.0]])
    qt = Q.quantize_asymmetric(x)
    assert np.abs(qt.dequantize() - x).max() <= qt.scale / 2 + 1e-12
    assert qt.dequantize()[-1] == 0.0


def test_static_quantization_clips_inputs_outside_the_calibrated_range():
    rng = np.random.default_rng(6)
    w = Q.quantize_int8_symmetric(rng.normal(0, 0.1, (8, 16)))
    calib = rng.normal(0, 1, (100, 16))
    s, z = Q.activation_qparams(calib, reduce_range=True)
    wide = 10 * rng.normal(0, 1, (50, 16))
    exact = wide @ w.dequantize().T
    e_static = np.abs(Q.static_int8_linear(wide, w, s, z) - exact).mean()
    e_dynamic = np.abs(Q.dynamic_int8_linear(wide, w) - exact).mean()
    assert e_dynamic < e_static / 5, (e_dynamic, e_static)


@pytest.mark.parametrize("bad", [np.array([]), np.array([1.0, np.nan])])
def test_bad_input_is_refused_with_a_clear_error(bad):
    with pytest.raises(ValueError, match="empty|non-finite"):
        Q.quantize_int8_symmetric(bad)


def test_block_must_divide_the_size():
    with pytest.raises(ValueError, match="block size 64 must divide"):
        Q.quantize_nf4(np.ones(100), block=64)
