"""Knowledge-distillation loss: softened teacher targets plus the hard-label cross-entropy.

For student logits s and teacher logits t, both (n, k), integer labels y (n,),
temperature T > 0 and weight alpha in [0, 1]:

    p_T = softmax(t / T),  q_T = softmax(s / T)                    (n, k)
    soft = (1/n) sum_i KL(p_T,i || q_T,i) = (1/n) sum_i sum_c p log(p / q)
    hard = (1/n) sum_i -log softmax(s_i)[y_i]                      (temperature 1)
    L    = alpha * c(T) * soft + (1 - alpha) * hard,   c(T) = T^2 or 1

Gradient with respect to the student logits (the teacher is fixed):

    d soft / d s = (q_T - p_T) / (n T)
    d hard / d s = (softmax(s) - onehot(y)) / n

Why T^2: for large T, q_T - p_T ~ ((s - mean s) - (t - mean t)) / (k T), so the soft
gradient shrinks like 1/T^2. Multiplying the soft term by T^2 keeps its gradient on the
same scale as the hard term's whatever T is, so alpha means the same thing at every
temperature. Without the factor (``t_squared=False``, the form with a bare 0.5 weight),
at T = 2 the soft term pulls about 4 times less than alpha suggests.

The function returns the loss, its gradient, and the two terms separately, and applies
no update; the caller's optimiser does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from algorithms.mlp import softmax_cross_entropy
from algorithms.numerics import check_finite, log_softmax


@dataclass(frozen=True)
class DistillationTerms:
    """The two terms of the loss before weighting: soft = mean KL at temperature T, hard = CE."""

    soft: float
    hard: float


def distillation_loss(
    student_logits, teacher_logits, y, temperature: float = 2.0, alpha: float = 0.5, t_squared: bool = False
):
    """Return (L, dL/dstudent_logits of shape (n, k), DistillationTerms(soft, hard)).

    Parameters
    ----------
    student_logits, teacher_logits : ndarray of shape (n_samples, n_classes)
    y : ndarray of shape (n_samples,), integer labels in [0, n_classes)
    temperature : float > 0
    alpha : float in [0, 1], weight of the soft term
    t_squared : bool, multiply the soft term by temperature**2
    """
    s = check_finite("student_logits", student_logits, ndim=2)
    t = check_finite("teacher_logits", teacher_logits, ndim=2)
    if t.shape != s.shape:
        raise ValueError(f"teacher_logits must have shape {s.shape} (same as student_logits), got {t.shape}")
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be a finite number > 0, got {temperature}")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
    n = s.shape[0]
    log_p = log_softmax(t / temperature)
    log_q = log_softmax(s / temperature)
    p = np.exp(log_p)
    soft = float(np.sum(p * (log_p - log_q))) / n
    d_soft = (np.exp(log_q) - p) / (n * temperature)
    hard, d_hard = softmax_cross_entropy(s, y)
    c = temperature**2 if t_squared else 1.0
    loss = alpha * c * soft + (1.0 - alpha) * hard
    grad = alpha * c * d_soft + (1.0 - alpha) * d_hard
    return loss, grad, DistillationTerms(soft=soft, hard=hard)
