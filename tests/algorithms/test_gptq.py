"""GPTQ: never worse than RTN on ||WX - QX||^2, exact at high bits, the OBQ step, lazy batches."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from algorithms.gptq import gptq, hessian, output_error, rtn


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
