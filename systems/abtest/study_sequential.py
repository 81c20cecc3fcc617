"""Sequential and multiple-testing studies (AB-05, AB-06): error rates and days to decision.

The same A/A (H0) and A/B (H1) streams go through every procedure of ``sequential.py``, so
differences between procedures are paired: the interval of days(bayes) - days(fixed) is a t
interval over experiments of the per-experiment difference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from data.experiments import NO_LIFT, daily_counts, draw_users, email_arrays
from systems.abtest.sequential import Cumulative, Outcome, Procedures, bayes_rule, calibrate_bayes
from systems.abtest.stats import p_two_sided, two_proportion_z
from systems.core.ledger import Interval
from systems.core.seeding import rng as child_rng
from systems.core.uncertainty import mean_ci, proportion_ci


@dataclass(frozen=True)
class ProcedureResult:
    name: str
    fpr: float  # ship-B rate under H0
    fpr_ci: Interval
    power: float  # ship-B rate under H1 within the horizon
    power_ci: Interval
    days: float  # mean days to shipping B under H1 (never shipped = horizon)
    days_ci: Interval
    days_h1: np.ndarray  # per experiment, for paired comparisons
    stop_h0: np.ndarray


@dataclass(frozen=True)
class SequentialStudy:
    horizon: int
    results: dict[str, ProcedureResult]
    peeking_two_sided_fpr: float
    peeking_two_sided_ci: Interval
    calibrated_threshold: float

    def paired_days(self, a: str, b: str) -> Interval:
        return mean_ci(self.results[a].days_h1 - self.results[b].days_h1)

    def rows(self) -> list[dict]:
        return [
            {
                "procedure": r.name,
                "fpr_h0": r.fpr,
                "fpr_low": r.fpr_ci.low,
                "fpr_high": r.fpr_ci.high,
                "power_h1": r.power,
                "mean_days_h1": r.days,
                "days_low": r.days_ci.low,
                "days_high": r.days_ci.high,
            }
            for r in self.results.values()
        ]


def _result(name: str, o0: Outcome, o1: Outcome, horizon: int) -> ProcedureResult:
    n = o0.ship_b.size
    k0, k1 = int(o0.ship_b.sum()), int(o1.ship_b.sum())
    days = o1.days_to_ship(horizon).astype(float)
    return ProcedureResult(
        name,
        k0 / n,
        proportion_ci(k0, n),
        k1 / n,
        proportion_ci(k1, n),
        float(days.mean()),
        mean_ci(days),
        days,
        o0.stop_day,
    )


def sequential_study(cfg, seed: int) -> SequentialStudy:
    """Run every procedure on the same H0 and H1 streams; calibrate a Bayes threshold on a third set."""
    args = (cfg.seq_sims, cfg.seq_days, cfg.seq_n_per_day, cfg.seq_p0)
    c0 = Cumulative.of(daily_counts(*args, 0.0, child_rng(seed, "seq-h0")))
    c1 = Cumulative.of(daily_counts(*args, cfg.seq_lift, child_rng(seed, "seq-h1")))
    cal = Cumulative.of(daily_counts(*args, 0.0, child_rng(seed, "seq-calibration")))
    procs = Procedures(alpha=cfg.alpha, loss_eps=cfg.loss_eps, tau=cfg.msprt_tau)
    out0, out1 = procs.run(c0), procs.run(c1)
    threshold = calibrate_bayes(cal, cfg.alpha)
    rule = bayes_rule(threshold)
    out0["bayes_prob_calibrated"], out1["bayes_prob_calibrated"] = rule(c0), rule(c1)
    res = {k: _result(k, out0[k], out1[k], cfg.seq_days) for k in out0}
    z = two_proportion_z(c0.k_a, c0.n_a, c0.k_b, c0.n_b)
    any_sig = int(np.any(np.abs(z) > stats.norm.ppf(1 - cfg.alpha / 2), axis=1).sum())
    return SequentialStudy(
        cfg.seq_days, res, any_sig / cfg.seq_sims, proportion_ci(any_sig, cfg.seq_sims), threshold
    )


@dataclass(frozen=True)
class FamilyStudy:
    """Family-wise error over the story's three metrics in A/A tests."""

    k: int
    fwer_raw: float
    fwer_raw_ci: Interval
    fwer_bonferroni: float
    fwer_bonferroni_ci: Interval
    per_metric_fpr: dict[str, float]


def _aa_pvalues(n_sims: int, n: int, rng: np.random.Generator, batch: int = 50) -> np.ndarray:
    """(n_sims, 3) two-sided p-values: clicked and converted by z-test, revenue by Welch."""
    out = []
    for start in range(0, n_sims, batch):
        b = min(batch, n_sims - start)
        ctr, u = draw_users((b, 2, n), rng)
        clicked, converted, revenue = email_arrays(ctr, u, False, rng, NO_LIFT)
        cols = []
        for x in (clicked, converted):
            k = x.sum(axis=2)
            cols.append(p_two_sided(two_proportion_z(k[:, 0], n, k[:, 1], n)))
        cols.append(stats.ttest_ind(revenue[:, 1], revenue[:, 0], equal_var=False, axis=1).pvalue)
        out.append(np.column_stack(cols))
    return np.vstack(out)


def family_study(n_sims: int, n: int, alpha: float, rng: np.random.Generator) -> FamilyStudy:
    p = _aa_pvalues(n_sims, n, rng)
    k = p.shape[1]
    raw = int(np.any(p < alpha, axis=1).sum())
    bonf = int(np.any(p < alpha / k, axis=1).sum())
    per = dict(zip(("ctr", "conversion", "revenue"), (p < alpha).mean(axis=0).tolist(), strict=True))
    return FamilyStudy(
        k, raw / n_sims, proportion_ci(raw, n_sims), bonf / n_sims, proportion_ci(bonf, n_sims), per
    )
