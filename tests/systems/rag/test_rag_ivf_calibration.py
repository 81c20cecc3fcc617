"""The IVF calibration: generator fitted to vectors, and the stated nlist/nprobe rule."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from systems.rag.ivf_sweep import (
    Calibration,
    calibrated_vectors,
    fit_generator,
    ivf_rule_sweep,
    load_real_vectors,
    nn_profile,
)


def _cal(dim=32, w=0.8, m=50, seed=0):
    rng = np.random.default_rng(seed)
    basis, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    scale = np.geomspace(1.0, 0.02, dim).astype(np.float32)  # a decaying spectrum, like embeddings
    mean = np.zeros(dim, np.float32)
    mean[0] = 1.0
    prof = np.zeros(9)
    return Calibration(mean, basis.astype(np.float32), scale, w, m, prof, prof)


def test_calibrated_vectors_are_unit_deterministic_and_keep_the_spectrum():
    cal = _cal()
    a = calibrated_vectors(4000, cal, np.random.default_rng(1))
    b = calibrated_vectors(4000, cal, np.random.default_rng(1))
    assert a.shape == (4000, 32) and a.dtype == np.float32
    assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-5)
    assert np.array_equal(a, b)
    # refit on the generated vectors: its PCA spectrum is that of its source, up to sampling
    # and normalisation (|mu| = 1 against a total spread of ~1.1, so norms vary moderately)
    again = fit_generator(a, shares=(0.8,), per_topic=(50,))
    x = a - a.mean(0)
    top = np.sqrt(np.linalg.eigvalsh(x.T @ x / (len(a) - 1))[::-1][:5])
    assert_allclose(again.scale[:5], top, rtol=1e-3)


def test_fit_recovers_how_clustered_the_source_is():
    src = _cal(w=0.95, m=100)
    x = calibrated_vectors(3000, src, np.random.default_rng(2))
    cal = fit_generator(x, shares=(0.3, 0.95), per_topic=(1, 100))
    assert (cal.between_share, cal.per_topic) == (0.95, 100)
    # refitted on normalised vectors, the spectrum is re-estimated: profiles agree to ~0.07
    assert np.abs(cal.profile_fit - cal.profile_real).max() < 0.1, (cal.profile_fit, cal.profile_real)


def test_nn_profile_is_ordered_by_rank():
    x = calibrated_vectors(1500, _cal(), np.random.default_rng(3))
    p = nn_profile(x).reshape(3, 3)  # rows: 1st, 10th, 100th neighbour; columns: 10/50/90%
    assert (np.diff(p, axis=1) >= 0).all() and (p[0] >= p[1]).all() and (p[1] >= p[2]).all()


def test_rule_picks_the_smallest_nprobe_reaching_the_target():
    x = calibrated_vectors(6000, _cal(w=0.5, m=20), np.random.default_rng(4))
    r = ivf_rule_sweep(x[:5600], x[5600:5800], x[5800:], target=0.95)
    assert r.nlist == 2 ** round(math.log2(4 * math.sqrt(5600)))
    curve = dict(r.calibration_curve)
    assert curve[r.nprobe] >= 0.95
    assert all(v < 0.95 for p, v in curve.items() if p < r.nprobe)
    assert 0.0 <= r.recall_at_10 <= 1.0 and r.speedup_vs_flat > 0


def test_load_real_vectors(tmp_path):
    assert load_real_vectors(tmp_path) is None
    np.save(tmp_path / "emb-x.npy", np.full((3, 4), 2.0, np.float32))
    assert_allclose(np.linalg.norm(load_real_vectors(tmp_path), axis=1), 1.0, rtol=1e-6)
    np.save(tmp_path / "emb-bad.npy", np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError):
        load_real_vectors(tmp_path)  # object arrays are never unpickled
