"""GPTQ: never worse than RTN on ||WX - QX||^2, exact at high bits, the OBQ step, lazy batches."""

import re

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from algorithms.gptq import gptq, hessian, output_error, relative_output_error, rtn


def _layer(seed, d_out=24, d_in=48, n=300):
    rng = np.random.default_rng(seed)
    mix = rng.normal(size=(d_in, d_in))  # correlated inputs, as in real activations
    x = mix @ rng.normal(size=(d_in, n)) * 0.3
    return rng.normal(0, 0.1, (d_out, d_in)), x


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("bits", [2, 3, 4, 8])
def test_gptq_never_worse_than_rtn_on_its_objective(seed, bits):
    w, x = _layer(seed)
    e_g = output_error(w, gptq(w, x, bits, block_size=16).weight, x)
    e_r = output_error(w, rtn(w, bits).weight, x)
    assert e_g <= e_r, f"GPTQ {e_g} vs RTN {e_r}"


def test_high_bit_widths_reconstruct_exactly():
    w, x = _layer(7)
    for res in (gptq(w, x, 16), rtn(w, 16)):
        step = (np.maximum(w.max(1), 0) - np.minimum(w.min(1), 0)) / (2**16 - 1)
        assert np.abs(res.weight - w).max() < 4 * step.max()
        assert_allclose(res.weight, w, atol=1e-4)


def test_lazy_batches_give_the_same_result_as_one_column_at_a_time():
    w, x = _layer(8, d_in=40)
    one = gptq(w, x, 3, block_size=1).weight
    for b in (7, 16, 40, 128):
        assert_allclose(gptq(w, x, 3, block_size=b).weight, one, atol=1e-12)


def test_two_columns_the_first_error_is_compensated_by_least_squares():
    rng = np.random.default_rng(9)
    x = rng.normal(size=(2, 200)) + np.array([[1.0], [0.5]]) * rng.normal(size=(1, 200))
    w = rng.normal(0, 1, (5, 2))
    res = gptq(w, x, 3, damp=0.0)
    r = rtn(w, 3)
    scale, zero = r.scale[:, 0], r.zero[:, 0]
    q0 = r.weight[:, 0]
    # best w1 once w0 is fixed at q0: minimise ||(w0 - q0) x0 + (w1 - w1') x1||^2 over w1'
    w1 = w[:, 1] + (w[:, 0] - q0) * (x[0] @ x[1]) / (x[1] @ x[1])
    q1 = scale * (np.clip(np.rint(w1 / scale) + zero, 0, 7) - zero)
    assert_allclose(res.weight[:, 0], q0)
    assert_allclose(res.weight[:, 1], q1, atol=1e-12)


def test_dead_inputs_are_zeroed_and_the_hessian_stays_invertible():
    w, x = _layer(10)
    x[3] = 0.0
    h = hessian(x)
    assert np.all(np.linalg.eigvalsh(h) > 0)
    assert np.all(gptq(w, x, 4).weight[:, 3] == 0)


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="need W"):
        gptq(np.ones((3, 4)), np.ones((5, 10)), 4)
    with pytest.raises(ValueError, match="bits"):
        rtn(np.ones((3, 4)), 0)


# ---------------------------------------------------------------------------
# Brute-force references written from the module docstring.


def _ref_hessian(x, damp):
    """H = 2 X X^T; a dead input (H_jj = 0) gets H_jj = 1; then H += damp * mean(diag H) I."""
    x = np.asarray(x, np.float64)
    h = 2.0 * x @ x.T
    for j in range(h.shape[0]):
        if h[j, j] == 0:
            h[j, j] = 1.0
    return h + damp * np.mean(np.diag(h)) * np.eye(h.shape[0])


def _ref_grid(w_row, bits):
    """Min-max grid of one row (range widened to 0): s = (hi - lo) / (2^b - 1), z = round(-lo / s).

    An all-zero row has no range; the GPTQ authors' code (IST-DASLab/gptq, quant.py,
    Quantizer.find_params: ``xmin[tmp] = -1; xmax[tmp] = +1``) then uses [-1, 1].
    """
    lo, hi = min(min(w_row), 0.0), max(max(w_row), 0.0)
    if lo == 0 and hi == 0:
        lo, hi = -1.0, 1.0
    s = (hi - lo) / (2**bits - 1)
    return s, np.rint(-lo / s)


def _ref_round(v, s, z, bits):
    """Nearest level s (k - z), k in {0..2^b - 1}: (level, k)."""
    k = min(max(np.rint(v / s) + z, 0), 2**bits - 1)
    return s * (k - z), k


def _ref_grids(w, bits, g):
    d_out, d_in = w.shape
    scale, zero = np.zeros((d_out, d_in // g)), np.zeros((d_out, d_in // g))
    for i in range(d_out):
        for k in range(d_in // g):
            scale[i, k], zero[i, k] = _ref_grid(w[i, k * g : (k + 1) * g], bits)
    return scale, zero


def _ref_rtn(w, bits, g):
    w = np.asarray(w, np.float64)
    scale, zero = _ref_grids(w, bits, g)
    q, k = np.zeros_like(w), np.zeros_like(w)
    for i, j in np.ndindex(w.shape):
        q[i, j], k[i, j] = _ref_round(w[i, j], scale[i, j // g], zero[i, j // g], bits)
    return q, k, scale, zero


def _ref_obq(w, x, bits, damp, g):
    """The OBQ step of the docstring in fixed order, with explicit Gaussian elimination of H^-1.

    No Cholesky, no lazy blocks: delta_F = -(w_j - q_j) / [H^-1]_jj [H^-1]_{F,j}, then row and
    column j are eliminated from H^-1.
    """
    w = np.array(w, np.float64)
    scale, zero = _ref_grids(w, bits, g)
    hinv = np.linalg.inv(_ref_hessian(x, damp))
    q, k = np.zeros_like(w), np.zeros_like(w)
    for j in range(w.shape[1]):
        for i in range(w.shape[0]):
            q[i, j], k[i, j] = _ref_round(w[i, j], scale[i, j // g], zero[i, j // g], bits)
        err = w[:, j] - q[:, j]
        w[:, j + 1 :] -= np.outer(err / hinv[j, j], hinv[j + 1 :, j])
        hinv = hinv - np.outer(hinv[:, j], hinv[j, :]) / hinv[j, j]
    return q, k, scale, zero


def _check_result(res, ref, d_out, n_groups, what):
    q, k, scale, zero = ref
    assert_allclose(res.weight, q, rtol=1e-10, atol=1e-12, err_msg=f"{what}: weight ours vs reference")
    assert np.issubdtype(res.codes.dtype, np.integer), f"{what}: codes dtype {res.codes.dtype}"
    assert_array_equal(res.codes, k, err_msg=f"{what}: codes ours vs reference")
    assert res.scale.shape == (d_out, n_groups) and res.zero.shape == (d_out, n_groups), what
    assert_allclose(res.scale, scale, rtol=1e-15, err_msg=f"{what}: scale ours vs reference")
    assert_array_equal(res.zero, zero, err_msg=f"{what}: zero ours vs reference")


@pytest.mark.parametrize(("bits", "group_size"), [(2, None), (3, 6), (4, 12)])
def test_gptq_equals_obq_by_gaussian_elimination(bits, group_size):
    """Reference: _ref_obq (plain OBQ with elimination), default damp 0.01 and one custom damp.

    Low bits and correlated inputs push compensated weights off the grid, so the clip to
    {0..2^b - 1} is exercised on both sides.
    """
    w, x = _layer(20 + bits, d_out=6, d_in=24, n=60)
    w = w.astype(np.float32)  # float32 weights are quantized in float64
    g = 24 if group_size is None else group_size
    w64 = w.astype(np.float64)
    res = gptq(w, x, bits, block_size=5, group_size=group_size)
    ref = _ref_obq(w64, x, bits, 0.01, g)
    _check_result(res, ref, 6, 24 // g, f"gptq bits={bits} g={group_size}")
    assert ref[1].min() == 0 and ref[1].max() == 2**bits - 1
    res = gptq(w, x, bits, block_size=7, damp=0.5, group_size=group_size)
    _check_result(res, _ref_obq(w64, x, bits, 0.5, g), 6, 24 // g, "gptq damp=0.5")


def test_gptq_accepts_integer_weights():
    """Reference: _ref_obq on the same weights as floats."""
    rng = np.random.default_rng(21)
    w = rng.integers(-5, 6, size=(3, 8))
    x = rng.normal(size=(8, 30))
    _check_result(gptq(w, x, 3), _ref_obq(w, x, 3, 0.01, 8), 3, 1, "integer W")


@pytest.mark.parametrize(("bits", "group_size"), [(1, None), (3, None), (3, 4), (16, 6)])
def test_rtn_equals_the_brute_force_grid(bits, group_size):
    """Reference: _ref_rtn, element by element; rows all-positive, all-negative, mixed, small."""
    rng = np.random.default_rng(22)
    w = np.stack(
        [
            rng.uniform(0.1, 0.5, 12),  # all positive: lo widened to 0
            rng.uniform(-0.5, -0.1, 12),  # all negative: hi widened to 0
            rng.uniform(-0.2, 0.7, 12),
            rng.uniform(-3.0, 2.0, 12),  # a row with a much wider range than the others
        ]
    ).astype(np.float32)  # float32 weights are quantized in float64
    g = 12 if group_size is None else group_size
    res = rtn(w, bits, group_size)
    _check_result(res, _ref_rtn(w.astype(np.float64), bits, g), 4, 12 // g, f"rtn {bits} {group_size}")


def test_rtn_clips_a_rounding_tie_at_the_top_code():
    """lo = -3.5, hi = 11.5 at 4 bits: s = 1, z = round(3.5) = 4, round(11.5) + 4 = 16 -> 15."""
    w = np.array([[-3.5, 0.0, 11.5]])
    res = rtn(w, 4)
    assert_array_equal(res.codes, [[0, 4, 15]])
    assert_allclose(res.weight, [[-4.0, 0.0, 11.0]], rtol=1e-15)


def test_all_zero_rows_stay_exactly_zero():
    """Analytic: a zero row has a degenerate range; its weights must come back as exact zeros."""
    rng = np.random.default_rng(23)
    w = rng.normal(size=(3, 8))
    w[1] = 0.0
    x = rng.normal(size=(8, 40))
    for res in (rtn(w, 3), gptq(w, x, 3)):
        assert_array_equal(res.weight[1], 0.0)
        assert np.all(np.isfinite(res.scale)) and np.all(res.scale > 0)


@pytest.mark.parametrize(("bits", "scale", "zero"), [(3, 2 / 7, 4), (4, 2 / 15, 8)])
def test_an_all_zero_row_gets_the_reference_placeholder_range(bits, scale, zero):
    """Reference: the GPTQ authors' rule (see _ref_grid), worked out by hand.

    Range [-1, 1]: s = 2 / (2^b - 1), z = round((2^b - 1) / 2) with ties to even as
    torch.round does: 3 bits -> round(3.5) = 4, 4 bits -> round(7.5) = 8. The zero
    weights sit on code z, which reconstructs to exactly 0.
    """
    rng = np.random.default_rng(25)
    w = rng.normal(size=(3, 8))
    w[1] = 0.0
    res = rtn(w, bits)
    _check_result(res, _ref_rtn(w, bits, 8), 3, 1, f"rtn bits={bits}")
    assert_allclose(res.scale[1], scale, rtol=1e-15)
    assert res.zero[1] == zero
    assert_array_equal(res.codes[1], zero)
    assert_array_equal(res.weight[1], 0.0)


def test_compensation_into_an_all_zero_group_is_rounded_on_the_placeholder_grid():
    """Reference: _ref_obq. The grid comes from the original weights, so a group that starts at
    zero has the [-1, 1] grid, yet the OBQ updates from earlier columns move its weights."""
    rng = np.random.default_rng(26)
    x = rng.normal(size=(8, 8)) @ rng.normal(size=(8, 40))  # correlated inputs
    w = rng.normal(size=(3, 8))
    w[1, 4:] = 0.0  # row 1, second group of 4: all zero
    res = gptq(w, x, 3, group_size=4)
    _check_result(res, _ref_obq(w, x, 3, 0.01, 4), 3, 2, "gptq with an all-zero group")
    assert np.any(res.weight[1, 4:] != 0), "the compensation should reach the zero group"


def test_hessian_equals_its_definition():
    """Reference: _ref_hessian; default damp 0.01, one token, a dead input, float32 inputs."""
    rng = np.random.default_rng(24)
    x = rng.normal(size=(5, 20)).astype(np.float32)
    assert_allclose(hessian(x), _ref_hessian(x, 0.01), rtol=1e-13, err_msg="default damp")
    assert_allclose(hessian(x, 0.3), _ref_hessian(x, 0.3), rtol=1e-13, err_msg="damp 0.3")
    one = rng.normal(size=(4, 1))
    assert_allclose(hessian(one), _ref_hessian(one, 0.01), rtol=1e-13, err_msg="one token")
    dead = rng.normal(size=(4, 10))
    dead[2] = 0.0
    assert_allclose(hessian(dead), _ref_hessian(dead, 0.01), rtol=1e-13, err_msg="dead input")


def test_output_error_against_a_hand_computed_value():
    """(W - Q) X = [[1*2 + 0*1], [0*2 + 2*1]] = [[2], [2]] -> 8."""
    w, q, x = np.array([[1.0, 0.0], [0.0, 3.0]]), np.array([[0.0, 0.0], [0.0, 1.0]]), np.array([[2.0], [1.0]])
    assert output_error(w, q, x) == 8.0


def test_relative_output_error_against_hand_computed_values():
    """||(W - Q) X||^2 / ||W X||^2 worked out by hand, and 0.0 when W X = 0 (docstring)."""
    w, q, x = np.array([[0.3, 0.1]]), np.array([[0.3, 0.0]]), np.array([[1.0], [1.0]])
    # W X = 0.4 -> 0.16; (W - Q) X = 0.1 -> 0.01; a denominator below 1 on purpose
    assert_allclose(relative_output_error(w, q, x), 0.01 / 0.16, rtol=1e-12)
    # two rows, two tokens: W X = [[1, 2], [0, 1]] -> 6; (W - Q) X = [[0, 0], [0, 1]] -> 1
    w, q, x = (
        np.array([[1.0, 0.0], [0.0, 1.0]]),
        np.array([[1.0, 0.0], [0.0, 0.0]]),
        np.array([[1.0, 2.0], [0.0, 1.0]]),
    )
    assert_allclose(relative_output_error(w, q, x), 1 / 6, rtol=1e-12)
    # a layer whose output is zero on the calibration set has nothing to lose
    assert relative_output_error(np.zeros((2, 2)), np.ones((2, 2)), x) == 0.0


def test_validation_messages_are_exact():
    def exact(msg):
        return "^" + re.escape(msg) + "$"

    with pytest.raises(
        ValueError, match=exact("W is (3, 4) and X is (5, 10): need W (d_out, d_in), X (d_in, n)")
    ):
        gptq(np.ones((3, 4)), np.ones((5, 10)), 4)
    with pytest.raises(ValueError, match=exact("block_size must be >= 1, got 0")):
        gptq(np.ones((3, 4)), np.ones((4, 10)), 4, block_size=0)
    with pytest.raises(ValueError, match=exact("bits must be in 1..16, got 17")):
        rtn(np.ones((3, 4)), 17)
    with pytest.raises(ValueError, match=exact("group_size 5 must divide d_in = 12")):
        rtn(np.ones((3, 12)), 4, group_size=5)
    for bad in (np.ones(4), np.ones((4, 0))):
        msg = f"calibration inputs must be (d_in, n_tokens), got shape {bad.shape}"
        with pytest.raises(ValueError, match=exact(msg)):
            hessian(bad)
