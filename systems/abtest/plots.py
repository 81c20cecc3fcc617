"""Figures of the A/B run: error rate and time to decision by procedure, estimate by week, ramp."""

from __future__ import annotations

import numpy as np

from systems.core.plotting import figure


def procedures(study):
    """Left: ship-B rate under H0 with Wilson intervals; right: days to ship under H1."""
    fig, (ax1, ax2) = figure(11, 4, ncols=2)
    names = list(study.results)
    r = [study.results[n] for n in names]
    y = np.arange(len(names))
    fpr = np.array([x.fpr for x in r])
    err = np.array([[x.fpr - x.fpr_ci.low for x in r], [x.fpr_ci.high - x.fpr for x in r]])
    ax1.barh(y, fpr, xerr=err, color="#4c72b0")
    ax1.axvline(0.05, color="k", ls="--", lw=1, label="alpha = 0.05")
    ax1.set_yticks(y, names)
    ax1.set_xlabel("false-positive rate under H0 (ship B), 95% Wilson")
    ax1.legend(loc="lower right")
    for x in r:
        days = np.sort(x.days_h1)
        ax2.step(days, np.arange(1, days.size + 1) / days.size, where="post", label=x.name)
    ax2.set_xlabel(f"day B is shipped under H1 (never = day {study.horizon})")
    ax2.set_ylabel("share of experiments")
    ax2.legend(fontsize=7)
    fig.suptitle("Daily looks: error rate vs time to decision")
    return fig


def estimate_by_week(ws):
    fig, ax = figure(7, 4)
    est = ws.by_day
    days = np.arange(1, est.shape[1] + 1)
    lo, mid, hi = np.percentile(est, [5, 50, 95], axis=0)
    ax.fill_between(days, lo, hi, alpha=0.25, label="5-95% of experiments")
    ax.plot(days, est.mean(axis=0), label="mean estimate")
    ax.axhline(ws.truth, color="k", ls="--", lw=1, label="steady-state lift (planted)")
    for d in ws.days:
        ax.axvline(d, color="grey", lw=0.5)
    ax.set_xlabel("days since start (Monday)")
    ax.set_ylabel("relative lift estimate")
    ax.set_title("Estimate by week: novelty inflates early reads; whole weeks balance the cycle")
    ax.legend(fontsize=8)
    return fig


def ramp(ramp_data, rs):
    fig, (ax1, ax2) = figure(11, 4, ncols=2)
    d = np.arange(1, ramp_data.share.size + 1)
    ax1.plot(d, ramp_data.share, label="treatment share")
    ax1.plot(d, ramp_data.baseline / ramp_data.baseline.max(), label="baseline rate (scaled)")
    ax1.set_xlabel("day of rollout")
    ax1.legend()
    names = ["pooled", "per-day (stratified)"]
    vals = [rs.pooled, rs.stratified]
    cis = [rs.pooled_ci, rs.stratified_ci]
    ax2.errorbar(
        vals,
        [0, 1],
        xerr=[
            [v - c.low for v, c in zip(vals, cis, strict=True)],
            [c.high - v for v, c in zip(vals, cis, strict=True)],
        ],
        fmt="o",
    )
    ax2.axvline(rs.truth, color="k", ls="--", lw=1, label="true effect (planted)")
    ax2.axvline(0, color="grey", lw=0.5)
    ax2.set_yticks([0, 1], names)
    ax2.set_xlabel("treatment - control conversion")
    ax2.legend()
    fig.suptitle("Ramp 20% -> 100% with a drifting baseline: Simpson's paradox")
    return fig
