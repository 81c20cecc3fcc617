"""Experiment design: sample size, minimum detectable effect, and the cost of unequal splits.

Design
------
Proportions are compared on Cohen's arcsine scale, which is what statsmodels'
``proportion_effectsize`` + ``NormalIndPower`` use:

    h = 2 asin(sqrt(p2)) - 2 asin(sqrt(p1))
    n1 = (z_{1-a/2} + z_{power})^2 (1 + 1/r) / h^2        r = n2 / n1 (allocation ratio)

Means use d = delta / sd in the same formula (normal approximation; the t version differs
by a handful of units at these n). Both are solved with statsmodels; ``closed_form_n`` is
the equation above, checked against it in the tests.

Cost of an unequal split. For a fixed effect the variance of the difference is
sigma^2 (1/n1 + 1/n2); at a total N = n1 + n2 with n2 = r n1 it is sigma^2 (1 + r)^2 / (r N),
minimised at r = 1, so the total an r-split needs relative to 50/50 is

    N(r) / N(1) = (1 + r)^2 / (4 r)            (80/20: r = 1/4 -> 1.5625, i.e. +56%)

"Plausible p-value". The story quotes p < 0.001; the sample at which that is the *median*
outcome of the test (the expected z equals z_{1-p/2}) is the same formula with
power = 0.5 and alpha = p: n1 = z_{1-p/2}^2 (1 + 1/r) / h^2.
"""

from __future__ import annotations

import math

from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize


def cohen_h(p1: float, p2: float) -> float:
    """Arcsine effect size of p2 against p1 (statsmodels' proportion_effectsize(p2, p1))."""
    return float(proportion_effectsize(p2, p1))


def n_per_arm(
    effect: float, alpha: float = 0.05, power: float = 0.8, ratio: float = 1.0, alternative: str = "two-sided"
) -> float:
    """Control-arm n for a standardised effect (h or d); the other arm is ``ratio * n``."""
    if effect == 0:
        raise ValueError("effect size must be non-zero")
    return float(
        NormalIndPower().solve_power(
            effect_size=abs(effect), alpha=alpha, power=power, ratio=ratio, alternative=alternative
        )
    )


def n_proportions(
    p1: float, rel_lift: float, alpha: float = 0.05, power: float = 0.8, ratio: float = 1.0
) -> float:
    """Control-arm n to detect p1 -> p1 (1 + rel_lift)."""
    return n_per_arm(cohen_h(p1, p1 * (1 + rel_lift)), alpha, power, ratio)


def n_means(sd: float, delta: float, alpha: float = 0.05, power: float = 0.8, ratio: float = 1.0) -> float:
    """Control-arm n to detect a mean difference ``delta`` with common standard deviation ``sd``."""
    return n_per_arm(delta / sd, alpha, power, ratio)


def mde_proportions(
    p1: float, n1: float, alpha: float = 0.05, power: float = 0.8, ratio: float = 1.0
) -> float:
    """Smallest relative lift of p1 detectable with n1 control units (inverting h)."""
    h = float(NormalIndPower().solve_power(nobs1=n1, alpha=alpha, power=power, ratio=ratio))
    p2 = math.sin(math.asin(math.sqrt(p1)) + h / 2) ** 2
    return p2 / p1 - 1


def closed_form_n(effect: float, alpha: float = 0.05, power: float = 0.8, ratio: float = 1.0) -> float:
    """The module docstring's n1, two-sided (the small opposite-tail term ignored)."""
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return z * z * (1 + 1 / ratio) / effect**2


def split_cost(ratio: float) -> float:
    """Total sample of an r = n2/n1 split relative to 50/50 at equal power: (1 + r)^2 / (4 r)."""
    return (1 + ratio) ** 2 / (4 * ratio)


def n_for_median_p(effect: float, p_value: float, ratio: float = 1.0) -> float:
    """Control-arm n at which the two-sided test's median p-value equals ``p_value``."""
    return n_per_arm(effect, alpha=p_value, power=0.5, ratio=ratio)
