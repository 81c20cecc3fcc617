"""Distillation loss (AL-12): gradient check, torch's kl_div + cross_entropy, the T^2 factor."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from numpy.testing import assert_allclose

from algorithms.distillation import distillation_loss
from algorithms.numerics import numerical_gradient


def _logits(seed, n=6, k=4):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 2, (n, k)), rng.normal(0, 2, (n, k)), rng.integers(0, k, n)


@pytest.mark.parametrize("temperature", [0.5, 2.0, 7.0])
@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("t_squared", [False, True])
def test_gradient_matches_central_differences(temperature, alpha, t_squared):
    s, t, y = _logits(0)
    _, grad, _ = distillation_loss(s, t, y, temperature, alpha, t_squared)
    num = numerical_gradient(lambda: distillation_loss(s, t, y, temperature, alpha, t_squared)[0], s)
    # atol: central-difference rounding is ~1e-16 * |L| / eps ~ 1e-10 per evaluation
    assert_allclose(grad, num, rtol=1e-6, atol=1e-8, err_msg=f"ours {grad[0]} vs FD {num[0]}")


@pytest.mark.parametrize("t_squared", [False, True])
def test_loss_and_gradient_equal_torch(t_squared):
    s, t, y = _logits(1, n=9, k=5)
    T, alpha = 2.0, 0.5
    loss, grad, parts = distillation_loss(s, t, y, T, alpha, t_squared)
    ts = torch.tensor(s, requires_grad=True)
    soft = F.kl_div(
        F.log_softmax(ts / T, dim=1), F.softmax(torch.tensor(t) / T, dim=1), reduction="batchmean"
    )
    hard = F.cross_entropy(ts, torch.tensor(y))
    ref = alpha * (T * T if t_squared else 1.0) * soft + (1 - alpha) * hard
    ref.backward()
    assert_allclose(
        parts.soft, soft.item(), rtol=1e-12, err_msg=f"KL ours {parts.soft} vs torch {soft.item()}"
    )
    assert_allclose(loss, ref.item(), rtol=1e-12, err_msg=f"loss ours {loss} vs torch {ref.item()}")
    assert_allclose(
        grad,
        ts.grad.numpy(),
        rtol=1e-10,
        atol=1e-14,
        err_msg=f"grad ours {grad[0]} vs torch {ts.grad.numpy()[0]}",
    )


def test_soft_gradient_shrinks_as_one_over_t_squared_without_the_factor():
    s, t, y = _logits(2, n=20, k=6)
    temps = np.array([8.0, 16.0, 32.0, 64.0])
    plain = [np.linalg.norm(distillation_loss(s, t, y, T, 1.0, False)[1]) for T in temps]
    scaled = [np.linalg.norm(distillation_loss(s, t, y, T, 1.0, True)[1]) for T in temps]
    slope_plain = np.polyfit(np.log(temps), np.log(plain), 1)[0]
    slope_scaled = np.polyfit(np.log(temps), np.log(scaled), 1)[0]
    assert abs(slope_plain + 2) < 0.05, slope_plain
    assert abs(slope_scaled) < 0.05, slope_scaled
    # the large-T limit: (centred s - centred t) / (n k T^2)
    T = 64.0
    centred = (s - s.mean(1, keepdims=True)) - (t - t.mean(1, keepdims=True))
    limit = centred / (len(s) * s.shape[1] * T * T)
    assert_allclose(distillation_loss(s, t, y, T, 1.0, False)[1], limit, rtol=0.05, atol=1e-7)


def test_soft_term_is_zero_when_student_equals_teacher():
    s, _, y = _logits(3)
    loss, grad, parts = distillation_loss(s, s.copy(), y, 2.0, 1.0)
    assert abs(loss) < 1e-14 and np.max(np.abs(grad)) < 1e-14 and parts.soft == pytest.approx(0, abs=1e-14)


def test_bad_input_is_named():
    s, t, y = _logits(4)
    for T in (0.0, -1.0, np.nan, np.inf):
        with pytest.raises(ValueError, match="temperature must be a finite number > 0"):
            distillation_loss(s, t, y, temperature=T)
    with pytest.raises(ValueError, match=r"teacher_logits must have shape \(6, 4\)"):
        distillation_loss(s, t[:, :3], y)
    with pytest.raises(ValueError, match=r"integer labels of shape \(6,\)"):
        distillation_loss(s, t, y[:5])
    with pytest.raises(ValueError, match="alpha must lie"):
        distillation_loss(s, t, y, alpha=1.5)
    with pytest.raises(ValueError, match="NaN or inf"):
        distillation_loss(np.where(s > 1, np.nan, s), t, y)


@pytest.mark.slow
def test_many_temperatures_equal_torch():
    s, t, y = _logits(5, n=64, k=10)
    for T in np.geomspace(0.1, 100, 25):
        _, grad, parts = distillation_loss(s, t, y, T, 0.3, True)
        ts = torch.tensor(s, requires_grad=True)
        soft = F.kl_div(
            F.log_softmax(ts / T, dim=1), F.softmax(torch.tensor(t) / T, dim=1), reduction="batchmean"
        )
        (0.3 * T * T * soft + 0.7 * F.cross_entropy(ts, torch.tensor(y))).backward()
        assert_allclose(grad, ts.grad.numpy(), rtol=1e-9, atol=1e-14, err_msg=f"T={T}")


def test_defaults_are_temperature_2_alpha_half_without_t_squared():
    # reference: torch's KL(batchmean) at T = 2 and cross-entropy, mixed 1/2 : 1/2, no T^2 factor
    s, t, y = _logits(2)
    loss, _, parts = distillation_loss(s, t, y)
    soft = F.kl_div(
        F.log_softmax(torch.tensor(s) / 2.0, dim=1),
        F.softmax(torch.tensor(t) / 2.0, dim=1),
        reduction="batchmean",
    ).item()
    hard = F.cross_entropy(torch.tensor(s), torch.tensor(y)).item()
    assert_allclose([parts.soft, parts.hard], [soft, hard], rtol=1e-12)  # float64 both sides
    assert_allclose(loss, 0.5 * soft + 0.5 * hard, rtol=1e-12)


def test_logit_errors_name_the_argument():
    s, t, y = _logits(3, n=2, k=3)
    for name, args in (("student_logits", (s[0], t)), ("teacher_logits", (s, t[0]))):
        with pytest.raises(ValueError, match=rf"^{name} must have 2 dimensions, got shape \(3,\)$"):
            distillation_loss(*args, y)
    bad = np.where(s == s.max(), np.nan, s)
    with pytest.raises(ValueError, match=r"^student_logits contains NaN or inf \(1 entries\)$"):
        distillation_loss(bad, t, y)
    with pytest.raises(ValueError, match=r"^teacher_logits contains NaN or inf \(1 entries\)$"):
        distillation_loss(s, bad, y)
