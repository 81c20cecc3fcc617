"""Assignment, design and story-arithmetic studies (AB-01, AB-02, AB-04, AB-09, AB-10).

Each function measures one claim's figures and returns them typed; claims.py judges them.
Conventions: arm 0 is control; "lift" is relative (b / a - 1) unless named ``diff``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from data.experiments import STORY_LIFTS, email_outcomes, make_users, pilot_winback
from systems.abtest import design
from systems.abtest.assignment import SRM, Balance, assign, srm_test, stratum_balance
from systems.abtest.stats import Estimate, adjust, estimate_from_samples, p_two_sided, two_proportion_z
from systems.core.ledger import Interval
from systems.core.uncertainty import proportion_ci

SPLIT = (0.8, 0.2)  # story: 80/20 control/treatment


def _hash_in_subprocess(ids: list[str], salt: str, hash_seed: str) -> np.ndarray:
    """Assign ``ids`` in a fresh interpreter with its own PYTHONHASHSEED."""
    code = (
        "import sys, numpy as np; from systems.abtest.assignment import assign; "
        "ids = sys.stdin.read().split(); "
        f"sys.stdout.write(''.join(map(str, assign(ids, {salt!r}, {SPLIT!r}))))"
    )
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    out = subprocess.run(
        [sys.executable, "-c", code],
        input="\n".join(ids),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    return np.array([int(c) for c in out])


def srm_detection(
    n: int, loss: float, n_sims: int, rng: np.random.Generator, alpha: float = 0.001
) -> tuple[float, Interval]:
    """Share of simulated 80/20 splits of ``n`` users that SRM flags when treatment loses ``loss``.

    Control keeps its users; treatment loses each of its users with probability ``loss``.
    Vectorised X^2 = sum (c - E)^2 / E with E from the designed shares, 1 degree of freedom
    (the statistic of ``srm_test``, checked against scipy in the tests).
    """
    k_t = rng.binomial(n, SPLIT[1], n_sims)
    k_c = n - k_t
    k_t = k_t - rng.binomial(k_t, loss)
    total = k_c + k_t
    e_c, e_t = total * SPLIT[0], total * SPLIT[1]
    x2 = (k_c - e_c) ** 2 / e_c + (k_t - e_t) ** 2 / e_t
    hits = int(np.sum(stats.chi2.sf(x2, 1) < alpha))
    return hits / n_sims, proportion_ci(hits, n_sims)


@dataclass(frozen=True)
class AssignmentStudy:
    share: float
    share_ci: Interval
    balance: Balance
    srm_healthy: SRM
    srm_broken: SRM
    broken_loss: float
    same_arm_fraction: float
    n_checked: int
    detection: dict[float, tuple[float, Interval]]  # loss -> SRM detection rate over simulated splits


def assignment_study(
    users: pd.DataFrame,
    salt: str,
    rng: np.random.Generator,
    n_sims: int,
    broken_loss: float = 0.05,
    n_cross_process: int = 2000,
    losses=(0.0, 0.01, 0.02, 0.05),
) -> AssignmentStudy:
    """Hash 80/20, balance per stratum, SRM on the healthy split and on one that loses
    ``broken_loss`` of treatment users (a logging bug), SRM detection rates by loss over
    simulated splits of the same size, and the same ids in two processes."""
    arm = assign(users["user_id"], salt, SPLIT)
    counts = np.bincount(arm, minlength=2)
    # the broken pipeline drops every 1/broken_loss-th treatment user, deterministically
    treated = np.flatnonzero(arm == 1)
    lost = treated[:: int(round(1 / broken_loss))].size
    broken = srm_test([counts[0], counts[1] - lost], SPLIT)
    ids = users["user_id"].iloc[:n_cross_process].tolist()
    a, b = _hash_in_subprocess(ids, salt, "1"), _hash_in_subprocess(ids, salt, "12345")
    same = float(np.mean((a == b) & (a == arm[:n_cross_process])))
    det = {loss: srm_detection(len(users), loss, n_sims, rng) for loss in losses}
    return AssignmentStudy(
        float(counts[1] / counts.sum()),
        proportion_ci(int(counts[1]), int(counts.sum())),
        stratum_balance(arm, users["engagement"].to_numpy()),
        srm_test(counts, SPLIT),
        broken,
        broken_loss,
        same,
        n_cross_process,
        det,
    )


@dataclass(frozen=True)
class PowerCheck:
    """A design and the power simulation says it has."""

    p1: float
    rel_lift: float
    n1: float
    n1_closed_form: float
    ratio: float
    power_sim: float
    power_ci: Interval


def simulate_power(
    p1: float, rel_lift: float, n1: int, ratio: float, n_sims: int, alpha: float, rng: np.random.Generator
) -> tuple[float, Interval]:
    """Share of simulated experiments whose pooled two-sided z-test rejects at ``alpha``."""
    n2 = int(round(n1 * ratio))
    ka, kb = rng.binomial(n1, p1, n_sims), rng.binomial(n2, p1 * (1 + rel_lift), n_sims)
    rej = int(np.sum(p_two_sided(two_proportion_z(ka, n1, kb, n2)) < alpha))
    return rej / n_sims, proportion_ci(rej, n_sims)


def power_check(
    p1: float,
    rel_lift: float,
    ratio: float,
    n_sims: int,
    alpha: float,
    power: float,
    rng: np.random.Generator,
    n1: float | None = None,
) -> PowerCheck:
    h = design.cohen_h(p1, p1 * (1 + rel_lift))
    need = design.n_proportions(p1, rel_lift, alpha, power, ratio)
    n1 = need if n1 is None else n1
    pw, ci = simulate_power(p1, rel_lift, int(np.ceil(n1)), ratio, n_sims, alpha, rng)
    return PowerCheck(p1, rel_lift, float(n1), design.closed_form_n(h, alpha, power, ratio), ratio, pw, ci)


@dataclass(frozen=True)
class DesignStudy:
    ctr: PowerCheck  # 50/50 sized for 80% power
    ctr_8020_same_total: PowerCheck  # the same total users split 80/20
    n1_ctr_8020: float  # control n an 80/20 split needs for 80% power
    split_cost: float  # total(80/20) / total(50/50), closed form
    split_cost_statsmodels: float
    n1_conversion: float
    n1_revenue: float
    baselines: dict[str, float]


def email_baselines(users: pd.DataFrame, rng: np.random.Generator) -> dict[str, float]:
    """Control means (and revenue sd) of the generator, measured on a control-only draw."""
    out = email_outcomes(users, np.zeros(len(users), dtype=bool), rng)
    return {
        "ctr": float(out["clicked"].mean()),
        "conversion": float(out["converted"].mean()),
        "revenue_mean": float(out["revenue"].mean()),
        "revenue_sd": float(out["revenue"].std()),
    }


def design_study(
    base: dict[str, float], n_sims: int, alpha: float, power: float, rng: np.random.Generator
) -> DesignStudy:
    ctr = power_check(base["ctr"], STORY_LIFTS.ctr - 1, 1.0, n_sims, alpha, power, rng)
    total = 2 * np.ceil(ctr.n1)
    # same total, 80/20: control gets 0.8 of it, treatment ratio 1/4
    skew = power_check(base["ctr"], STORY_LIFTS.ctr - 1, 0.25, n_sims, alpha, power, rng, n1=0.8 * total)
    n1_8020 = design.n_proportions(base["ctr"], STORY_LIFTS.ctr - 1, alpha, power, 0.25)
    cost_sm = n1_8020 * 1.25 / (2 * ctr.n1)
    return DesignStudy(
        ctr,
        skew,
        n1_8020,
        design.split_cost(0.25),
        float(cost_sm),
        design.n_proportions(base["conversion"], STORY_LIFTS.conversion - 1, alpha, power),
        design.n_means(base["revenue_sd"], base["revenue_mean"] * (STORY_LIFTS.revenue - 1), alpha, power),
        base,
    )


@dataclass(frozen=True)
class StoryResults:
    """The story's three metrics in one simulated 80/20 test with its planted lifts."""

    n_control: int
    n_treatment: int
    estimates: dict[str, Estimate]
    p_raw: dict[str, float]
    p_bonferroni: dict[str, float]
    p_holm: dict[str, float]
    n1_for_median_p: dict[str, float]  # control n (80/20) at which the story's p is the median outcome
    story_p: dict[str, float]


STORY_P = {"ctr": 0.001, "conversion": 0.01, "revenue": 0.001}


def story_results(
    users: pd.DataFrame, arm: np.ndarray, base: dict[str, float], rng: np.random.Generator
) -> StoryResults:
    out = email_outcomes(users, arm == 1, rng, STORY_LIFTS)
    cols = {"ctr": "clicked", "conversion": "converted", "revenue": "revenue"}
    est, p = {}, {}
    for name, col in cols.items():
        a, b = out.loc[arm == 0, col].to_numpy(), out.loc[arm == 1, col].to_numpy()
        est[name] = estimate_from_samples(a, b)
        if name == "revenue":
            p[name] = float(stats.ttest_ind(b, a, equal_var=False).pvalue)
        else:
            p[name] = float(p_two_sided(two_proportion_z(a.sum(), a.size, b.sum(), b.size)))
    names = list(cols)
    pv = [p[k] for k in names]
    lifts = {"ctr": STORY_LIFTS.ctr, "conversion": STORY_LIFTS.conversion}
    need = {
        k: design.n_for_median_p(design.cohen_h(base[k], base[k] * lifts[k]), STORY_P[k], 0.25) for k in lifts
    }
    d = base["revenue_mean"] * (STORY_LIFTS.revenue - 1) / base["revenue_sd"]
    need["revenue"] = design.n_for_median_p(d, STORY_P["revenue"], 0.25)
    return StoryResults(
        int((arm == 0).sum()),
        int((arm == 1).sum()),
        est,
        p,
        dict(zip(names, adjust(pv, "bonferroni").tolist(), strict=True)),
        dict(zip(names, adjust(pv, "holm").tolist(), strict=True)),
        need,
        dict(STORY_P),
    )


@dataclass(frozen=True)
class PilotStudy:
    rate: float
    rate_ci: Interval
    coverage: float
    coverage_ci: Interval
    natural_rate: float
    uplift_with_control: float
    uplift_ci: Interval


def pilot_study(
    n_sims: int, rng: np.random.Generator, n: int = 10_000, rate: float = 0.34, natural_rate: float = 0.30
) -> PilotStudy:
    """The 34%-at-10K interval, its coverage over simulated pilots, and what a control adds."""
    ci = proportion_ci(int(round(rate * n)), n)
    from statsmodels.stats.proportion import proportion_confint

    k = rng.binomial(n, rate, n_sims)
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    hits = int(np.sum((lo <= rate) & (rate <= hi)))
    kp, npil, kc, nc = pilot_winback(n, rate, natural_rate, rng, with_control=True)
    est = estimate_from_samples(
        np.r_[np.ones(kc), np.zeros(nc - kc)], np.r_[np.ones(kp), np.zeros(npil - kp)]
    )
    return PilotStudy(
        rate,
        ci,
        hits / n_sims,
        proportion_ci(hits, n_sims),
        natural_rate,
        est.diff,
        Interval(est.diff_low, est.diff_high, "Wald, pilot vs a same-size control", 0.95),
    )


@dataclass(frozen=True)
class TierStudy:
    open_rates: tuple[float, ...]
    n1: dict[float, float]
    check: PowerCheck


def tier_study(
    n_sims: int,
    alpha: float,
    power: float,
    rng: np.random.Generator,
    open_rates=(0.15, 0.20, 0.25),
    rel_lift: float = 0.28,
) -> TierStudy:
    n1 = {p: design.n_proportions(p, rel_lift, alpha, power) for p in open_rates}
    check = power_check(0.20, rel_lift, 1.0, n_sims, alpha, power, rng)
    return TierStudy(tuple(open_rates), n1, check)


def users_for_run(n: int, rng: np.random.Generator) -> pd.DataFrame:
    return make_users(n, rng)
