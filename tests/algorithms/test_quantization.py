"""Quantizers: NF4 against the QLoRA table, INT8 against torch, error orderings, bad input."""

import re
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


# ---------------------------------------------------------------------------
# Brute-force references written from the module docstring, one value at a time.


def _ref_activation_qparams(x, n):
    """Docstring: lo = min(min x, 0), hi = max(max x, 0), s = (hi - lo) / n, z = round(-lo / s)."""
    lo, hi = min(float(np.min(x)), 0.0), max(float(np.max(x)), 0.0)
    s = (hi - lo) / n
    return s, int(min(max(np.rint(-lo / s), 0), n))


def _ref_asym_codes(x, s, z, n):
    """q = clip(round(x / s) + z, 0, n), element by element."""
    flat = [min(max(np.rint(v / s) + z, 0), n) for v in np.ravel(x)]
    return np.array(flat).reshape(np.shape(x))


@pytest.mark.parametrize(
    ("kwargs", "n"),
    [({}, 255), ({"bits": 8, "reduce_range": True}, 127), ({"bits": 4}, 15)],
)
@pytest.mark.parametrize("lo_hi", [(-1.0, 3.0), (0.5, 3.0), (-3.0, -0.5), (-1.0, 0.5)])
def test_activation_qparams_and_codes_equal_the_docstring_formula(kwargs, n, lo_hi):
    """Reference: the docstring formula; all-positive / all-negative inputs widen to 0."""
    rng = np.random.default_rng(11)
    x = rng.uniform(*lo_hi, size=(30, 7))
    s_ref, z_ref = _ref_activation_qparams(x, n)
    s, z = Q.activation_qparams(x, **kwargs)
    assert_allclose(s, s_ref, rtol=1e-15, err_msg=f"ours {s} vs reference {s_ref}")
    assert z == z_ref, f"ours {z} vs reference {z_ref}"
    qt = Q.quantize_asymmetric(x, **kwargs)
    assert np.issubdtype(qt.codes.dtype, np.integer), qt.codes.dtype  # "codes: ndarray of int"
    assert_array_equal(qt.codes, _ref_asym_codes(x, s_ref, z_ref, n))


@pytest.mark.parametrize(("reduce_range", "n"), [(False, 255), (True, 127)])
def test_static_codes_are_clipped_to_the_code_range(reduce_range, n):
    """Reference: q = clip(round(x / s) + z, 0, n) with (s, z) fixed and x far outside the range."""
    x = np.linspace(-20.0, 20.0, 81)
    s, z = 0.05, 10
    qt = Q.quantize_asymmetric(x, s, z, reduce_range=reduce_range)
    ref = _ref_asym_codes(x, s, z, n)
    assert_array_equal(qt.codes, ref, err_msg=f"ours {qt.codes} vs reference {ref}")
    assert qt.codes.min() == 0 and qt.codes.max() == n
    assert_allclose(qt.dequantize(), (ref - z) * s, rtol=1e-15)


def test_a_partial_static_qparam_falls_back_to_the_observed_range():
    """Only both of (scale, zero_point) make a static quantizer; else both come from x."""
    rng = np.random.default_rng(12)
    x = rng.uniform(-1, 2, 50)
    s_ref, z_ref = _ref_activation_qparams(x, 255)
    ref = _ref_asym_codes(x, s_ref, z_ref, 255)
    for kwargs in ({"scale": 0.5}, {"zero_point": 3}):
        assert_array_equal(Q.quantize_asymmetric(x, **kwargs).codes, ref, err_msg=str(kwargs))


def test_all_zero_activations_are_exact():
    """Analytic: the range widened to contain 0 maps an all-zero batch to exactly 0."""
    x = np.zeros((4, 5))
    s, z = Q.activation_qparams(x)
    assert s > 0 and z == 0
    assert_array_equal(Q.quantize_asymmetric(x).dequantize(), x)


def test_zero_point_is_clipped_to_the_code_range_when_the_scale_is_coarsely_rounded():
    """Reference: the docstring's z = clip(round(-lo / s), 0, n).

    In exact arithmetic -lo / s <= n because hi >= 0. In floating point s = (hi - lo) / n is
    rounded, and for a subnormal range it keeps a single bit: lo = -1.86e-321, n = 255 gives
    s = 5e-324 (one ulp) and -lo / s = 376, so only the clip keeps z a valid code.
    """
    x = np.array([-1.86e-321, 0.0])
    s_ref, z_ref = _ref_activation_qparams(x, 255)
    assert -x[0] / s_ref > 255  # the case the clip exists for
    s, z = Q.activation_qparams(x)
    assert s == s_ref and z == z_ref == 255, (s, z)  # same float expression: exact


def test_nonpositive_static_scale_is_refused():
    for bad in (0.0, -0.1):
        with pytest.raises(ValueError, match=f"^scale must be > 0, got {bad}$"):
            Q.quantize_asymmetric(np.ones(3), bad, 0)


def _ref_int8_linear(x, w_hat, s, z, n, b):
    """y = s (q - z) @ W_hat^T + b with q from the docstring formula."""
    return (_ref_asym_codes(x, s, z, n) - z) * s @ w_hat.T + b


def test_int8_linears_default_to_7_bit_activations_and_add_the_bias():
    """Reference: brute-force y with 7-bit (n = 127) activations, the documented default."""
    rng = np.random.default_rng(13)
    wq = Q.quantize_int8_symmetric(rng.normal(0, 0.1, (6, 10)))
    w_hat = wq.codes * np.squeeze(wq.scale)  # s q from the codes
    b = rng.normal(0, 1, 6)
    x = rng.normal(0, 1, (40, 10))
    s, z = _ref_activation_qparams(x, 127)
    ref = _ref_int8_linear(x, w_hat, s, z, 127, b)
    ours = Q.dynamic_int8_linear(x, wq, b)
    assert_allclose(ours, ref, rtol=1e-12, atol=1e-12, err_msg=f"ours {ours[0]} vs ref {ref[0]}")
    # static: calibrated on a narrow batch, applied to a wider one (clipping at 127, not 255)
    s, z = _ref_activation_qparams(0.2 * x, 127)
    ref = _ref_int8_linear(x, w_hat, s, z, 127, b)
    ours = Q.static_int8_linear(x, wq, s, z, b)
    assert_allclose(ours, ref, rtol=1e-12, atol=1e-12, err_msg=f"ours {ours[0]} vs ref {ref[0]}")
    ours = Q.static_int8_linear(x, wq, s, z, list(b))  # bias as a plain list
    assert_allclose(ours, ref, rtol=1e-12, atol=1e-12)


def test_int8_symmetric_on_int8_input_uses_the_true_absmax():
    """Reference: s = 128 / 127.5 for an int8 tensor holding -128 (|-128| overflows in int8)."""
    w = np.array([-128, -64, -1, 0, 3, 127], dtype=np.int8)
    qt = Q.quantize_int8_symmetric(w)
    s = 128 / 127.5
    assert_allclose(qt.scale, s, rtol=1e-15, err_msg=f"ours {qt.scale} vs {s}")
    ref = [min(max(np.rint(v / s), -128), 127) for v in w.astype(float)]
    assert_array_equal(qt.codes, ref)
    assert qt.codes.dtype == np.int8


def test_int8_symmetric_codes_dtype_and_zero_points_per_channel():
    """torch's qint8 int_repr is int8; zero points are zeros with the scale's shape (docstring)."""
    rng = np.random.default_rng(14)
    w = rng.normal(size=(5, 8))
    qt = Q.quantize_int8_symmetric(w, per_channel=True)
    assert qt.codes.dtype == np.int8  # INT8 codes, like torch's qint8 int_repr()
    assert qt.scale.shape == (5, 1) and qt.zero_point.shape == (5, 1)
    assert_array_equal(qt.zero_point, np.zeros((5, 1)))
    ref = np.abs(w).max(axis=1, keepdims=True) / 127.5
    assert_allclose(qt.scale, ref, rtol=1e-15)


def test_all_zero_rows_and_blocks_quantize_to_exact_zeros_without_nan():
    """Analytic: zeros map to the zero code and back to 0, with no 0/0 along the way."""
    w = np.zeros((3, 8))
    w[1] = np.linspace(-1, 1, 8)
    with np.errstate(all="raise"):
        for per_channel in (False, True):
            qt = Q.quantize_int8_symmetric(w, per_channel=per_channel)
            assert_array_equal(qt.codes[[0, 2]], 0)
            assert_array_equal(qt.dequantize()[[0, 2]], 0.0)
        int4 = Q.quantize_int4_absmax(w, block=8)
        nf4 = Q.quantize_nf4(w, block=8)
    zero_level = int(np.argmin(np.abs(QLORA_NF4)))  # index 7, the exact 0 level
    for qt in (int4, nf4):
        assert_array_equal(qt.dequantize()[[0, 2]], 0.0)
    assert_array_equal(int4.codes[[0, 2]], 0)
    assert_array_equal(nf4.codes[[0, 2]], zero_level)


def _ref_int4_codes(w, block):
    """q = round(7 w / a) per block of the row-major flattening, a = max|block|."""
    flat = np.ravel(w)
    out = []
    for i in range(0, flat.size, block):
        blk = flat[i : i + block]
        a = max(abs(v) for v in blk)
        out += [int(np.rint(7 * v / a)) for v in blk]
    return np.array(out).reshape(np.shape(w))


def test_int4_absmax_codes_equal_the_docstring_formula():
    """Reference: brute-force q = round(7 w / absmax(block)); default block is 64."""
    rng = np.random.default_rng(15)
    w = rng.normal(0, 0.02, (4, 32))
    qt = Q.quantize_int4_absmax(w)
    ref = _ref_int4_codes(w, 64)
    assert qt.block == 64 and qt.scale.shape == (2,)
    assert np.issubdtype(qt.codes.dtype, np.integer), qt.codes.dtype
    assert_array_equal(qt.codes, ref)
    assert np.abs(qt.codes).max() == 7  # each block's absmax lands on +-7
    a = np.abs(w.reshape(-1, 64)).max(1)
    assert_allclose(qt.dequantize(), (ref.reshape(-1, 64) * a[:, None] / 7).reshape(w.shape), rtol=1e-15)
    assert qt.zero_point.shape == qt.scale.shape
    assert_array_equal(qt.zero_point, 0.0)


def test_int4_absmax_codes_hold_up_to_the_largest_floats():
    """Analytic: q = rint(7 w / absmax) depends only on w / absmax, so scaling a block up to
    near the float maximum (where 7 w itself would overflow) leaves its codes unchanged."""
    w = np.array([1.0, -6 / 17, 0.0, 1e-8])  # codes: 7, rint(-2.47) = -2, 0, 0
    huge = Q.quantize_int4_absmax(w * 1.7e308, block=4)
    assert_array_equal(huge.codes, [7, -2, 0, 0])
    assert_array_equal(huge.codes, Q.quantize_int4_absmax(w, block=4).codes)
    assert_allclose(huge.dequantize(), [1.7e308, -2 / 7 * 1.7e308, 0.0, 0.0], rtol=1e-15)


def test_nf4_default_block_and_zero_points():
    """Reference: the brute-force nearest QLoRA level; default block is 64 (docstring)."""
    rng = np.random.default_rng(16)
    w = rng.normal(size=(2, 64))
    qt = Q.quantize_nf4(w)
    assert qt.block == 64 and qt.scale.shape == (2,)
    x = w / np.abs(w).max(axis=1, keepdims=True)
    assert_array_equal(qt.codes, np.abs(x[..., None] - QLORA_NF4).argmin(-1))
    assert qt.zero_point.shape == qt.scale.shape
    assert_array_equal(qt.zero_point, 0.0)


def test_block_of_one_reconstructs_exactly():
    """Analytic: with B = 1 each value is its own absmax, so w_hat = w for INT4 and NF4."""
    w = np.array([[0.3, -1.5, 0.0], [2.0, -0.25, 7.0]])
    for quantize in (Q.quantize_int4_absmax, Q.quantize_nf4):
        qt = quantize(w, block=1)
        assert_allclose(qt.dequantize(), w, rtol=1e-15, err_msg=quantize.__name__)


def test_relative_error_against_analytic_values():
    """||W - W_hat||^2 / ||W||^2 on hand-computed cases, including int8 input."""
    assert_allclose(Q.relative_error([3.0, 4.0], [0.0, 0.0]), 1.0, rtol=1e-15)
    assert_allclose(Q.relative_error([3.0, 4.0], [3.0, 3.0]), 1 / 25, rtol=1e-15)
    # ||W||^2 below 1 is still a valid denominator
    assert_allclose(Q.relative_error([0.6, 0.0], [0.3, 0.0]), 0.25, rtol=1e-12)
    assert Q.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    # int8 weights: 100^2 must not wrap around in int8 arithmetic
    w = np.array([100, -100], dtype=np.int8)
    assert_allclose(Q.relative_error(w, [50.0, -50.0]), 0.25, rtol=1e-15)


def test_validation_messages_are_exact():
    def exact(msg):
        return "^" + re.escape(msg) + "$"

    with pytest.raises(ValueError, match=exact("cannot quantize an empty array")):
        Q.quantize_int8_symmetric(np.array([]))
    msg = "cannot quantize non-finite values (NaN or inf in the input)"
    with pytest.raises(ValueError, match=exact(msg)):
        Q.quantize_int8_symmetric(np.array([1.0, np.inf]))
    msg = "per-channel quantization needs a 2-D (d_out, d_in) matrix, got (5,)"
    with pytest.raises(ValueError, match=exact(msg)):
        Q.quantize_int8_symmetric(np.ones(5), per_channel=True)
    bogus = Q.Quantized(np.zeros(2, np.int8), np.ones(1), np.zeros(1), "int3", 2)
    with pytest.raises(ValueError, match=exact("unknown scheme 'int3'")):
        bogus.dequantize()
