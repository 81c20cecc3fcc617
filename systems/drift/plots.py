"""Figures: the year's timeline, worst-week histograms, sample size, ROC, reliability."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve

from data.credit import EVENTS
from systems.core.plotting import figure

COLORS = {
    "gradual": "tab:olive",
    "dti_policy": "tab:red",
    "concept": "tab:purple",
    "unit_bug": "tab:brown",
    "new_category": "tab:cyan",
}


def _events(ax) -> None:
    for e in EVENTS:
        ax.axvspan(e.start - 0.5, e.end + 0.5, color=COLORS[e.name], alpha=0.12)


def timeline(reports: pd.DataFrame, weekly: pd.DataFrame, log: list[dict], cfg, baseline_f1: float):
    fig, axes = figure(11, 9, nrows=3)
    psi = reports.pivot(index="week", columns="feature", values="psi")
    top = psi.max().sort_values(ascending=False).index[:5]
    for f in top:
        axes[0].plot(psi.index, psi[f].clip(upper=3), marker=".", label=f)
    for y, ls in ((cfg.psi_investigate, ":"), (cfg.psi_retrain, "--")):
        axes[0].axhline(y, color="k", ls=ls, lw=1)
    axes[0].set_yscale("symlog", linthresh=0.1)
    axes[0].set_ylabel("PSI vs training (clipped at 3)")
    trig = [e["week"] for e in log if e["event"] == "trigger"]
    axes[0].scatter(trig, [2.5] * len(trig), marker="v", color="k", zorder=5, label="retrain trigger")
    axes[0].legend(fontsize=7, ncol=3)
    p = reports.pivot(index="week", columns="feature", values="p_value")
    for f in top:
        axes[1].plot(p.index, np.maximum(p[f], 1e-300), marker=".", label=f)
    axes[1].axhline(cfg.p_critical, color="k", ls="--", lw=1)
    axes[1].set_yscale("log")
    axes[1].set_ylabel("KS / chi2 p-value")
    axes[2].plot(weekly["week"], weekly["f1_frozen"], marker=".", label="frozen training-time model")
    axes[2].plot(weekly["week"], weekly["f1_champion"], marker=".", label="loop's champion")
    axes[2].axhline((1 - cfg.f1_drop) * baseline_f1, color="k", ls="--", lw=1, label="F1 alert level")
    promo = [e["week"] for e in log if e["event"] == "champion_challenger" and e["promoted"]]
    axes[2].scatter(promo, [0.62] * len(promo), marker="*", s=80, color="g", label="promotion", zorder=5)
    faults = [e["week"] for e in log if e["event"] == "pipeline_fault"]
    axes[2].scatter(faults, [0.25] * len(faults), marker="x", color="r", label="pipeline-fault alert")
    axes[2].set_ylabel("weekly F1 (labels arrive later)")
    axes[2].set_xlabel("production week")
    axes[2].legend(fontsize=7, ncol=3)
    for ax in axes:
        _events(ax)
    for e in EVENTS:
        axes[0].text(e.start, 5, e.name, fontsize=7, color=COLORS[e.name])
    fig.suptitle("A simulated year: planted events (shaded), drift scores, alerts and F1")
    return fig


def worst_histograms(reference: pd.DataFrame, weeks: list[pd.DataFrame], reports: pd.DataFrame, k: int = 4):
    worst = reports.sort_values("psi", ascending=False).drop_duplicates("feature").head(k)
    fig, axes = figure(12, 3, ncols=k)
    for ax, r in zip(np.atleast_1d(axes), worst.itertuples(), strict=False):
        ref, cur = reference[r.feature], weeks[int(r.week)][r.feature]
        if r.kind == "numeric":
            lo, hi = np.nanquantile(np.concatenate([ref, cur]), [0.001, 0.999])
            bins = np.linspace(lo, hi, 40)
            ax.hist(ref, bins=bins, density=True, alpha=0.5, label="training")
            ax.hist(cur, bins=bins, density=True, alpha=0.5, label=f"week {r.week}")
        else:
            a = ref.value_counts(normalize=True)
            b = cur.value_counts(normalize=True)
            cats = sorted(set(a.index) | set(b.index))
            x = np.arange(len(cats))
            ax.bar(x - 0.2, a.reindex(cats, fill_value=0), 0.4, label="training")
            ax.bar(x + 0.2, b.reindex(cats, fill_value=0), 0.4, label=f"week {r.week}")
            ax.set_xticks(x, cats, rotation=45, ha="right", fontsize=7)
        ax.set_title(f"{r.feature}: PSI {r.psi:.2f}, p {r.p_value:.1e}", fontsize=8)
        ax.legend(fontsize=7)
    return fig


def sample_size(study: pd.DataFrame, cfg):
    fig, ax = figure(7, 4)
    ax.plot(study["n"], study["psi_median"], marker="o", label="PSI (median)")
    ax.axhline(cfg.psi_investigate, color="C0", ls=":", lw=1, label="PSI investigate")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("rows per window (reference and current)")
    ax.set_ylabel("PSI")
    ax2 = ax.twinx()
    ax2.plot(
        study["n"], np.maximum(study["ks_p_median"], 1e-300), marker="s", color="C3", label="KS p (median)"
    )
    ax2.axhline(cfg.p_critical, color="C3", ls="--", lw=1, label="p = 0.01")
    ax2.set_yscale("log")
    ax2.set_ylabel("KS p-value")
    ax.axvline(10000, color="grey", lw=1)
    ax.set_title(f"A fixed, negligible shift ({cfg.ss_shift} sd): PSI stays small, p-value collapses")
    fig.legend(loc="lower left", fontsize=7)
    return fig


def roc(res: dict, name: str):
    fig, ax = figure(5, 5)
    ax.plot(res["fpr"], res["tpr"], marker=".", label=f"{name} (AUC {res['auc']:.2f})")
    ax.plot([0, 1], [0, 1], color="grey", lw=1)
    for m in res["tpr_at"]:
        ax.scatter(res["fpr_at"][m], res["tpr_at"][m], label=f"threshold {m}")
    ax.scatter(res["best_fpr"], res["best_tpr"], marker="*", s=120, label=f"Youden {res['threshold']:.3g}")
    ax.set_xlabel("false-positive rate (weeks without real loss)")
    ax.set_ylabel("true-positive rate (weeks with > 10% F1 loss)")
    ax.legend(fontsize=7)
    return fig


def reliability(curves: dict[str, tuple[np.ndarray, np.ndarray]]):
    fig, ax = figure(5, 5)
    ax.plot([0, 1], [0, 1], color="grey", lw=1)
    for name, (y, p) in curves.items():
        frac, mean = calibration_curve(y, p, n_bins=10, strategy="quantile")
        ax.plot(mean, frac, marker="o", label=name)
    ax.set_xlabel("mean predicted default probability")
    ax.set_ylabel("observed default rate")
    ax.legend(fontsize=7)
    return fig
