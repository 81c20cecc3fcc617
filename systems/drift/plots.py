"""Figures: the year's timeline, worst-week histograms, sample size, ROC, reliability."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve

from systems.core.plotting import figure
from systems.drift.analysis import Roc

COLORS = {
    "gradual": "tab:olive",
    "dti_policy": "tab:red",
    "concept": "tab:purple",
    "unit_bug": "tab:brown",
    "new_category": "tab:cyan",
}


def _events(ax, events) -> None:
    for e in events:
        ax.axvspan(e.start - 0.5, e.end + 0.5, color=COLORS.get(e.name, "tab:gray"), alpha=0.12)


def timeline(reports: pd.DataFrame, weekly: pd.DataFrame, log: list[dict], cfg, baseline_f1: float, events):
    fig, axes = figure(12, 9, nrows=3)
    psi = reports.pivot(index="week", columns="feature", values="psi")
    top = psi.max().sort_values(ascending=False).index[:5]
    for f in top:
        axes[0].plot(psi.index, psi[f].clip(upper=3), marker=".", label=f)
    axes[0].axhline(cfg.psi_investigate, color="k", ls=":", lw=1, label=f"investigate {cfg.psi_investigate}")
    axes[0].axhline(cfg.psi_retrain, color="k", ls="--", lw=1, label=f"retrain {cfg.psi_retrain}")
    axes[0].set_yscale("symlog", linthresh=0.1)
    axes[0].set_ylabel("PSI vs training data\n(clipped at 3)")
    top_row = axes[0].get_xaxis_transform()
    for e in log:
        if e["event"] == "trigger":
            axes[0].scatter(e["week"], 1.04, marker="v", color="k", transform=top_row, clip_on=False)
            axes[0].text(e["week"], 1.09, e["reason"], fontsize=6, ha="center", transform=top_row)
    p = reports.pivot(index="week", columns="feature", values="p_value")
    for f in top:
        axes[1].plot(p.index, p[f].clip(lower=1e-30), marker=".", label=f)
    axes[1].axhline(cfg.p_critical, color="k", ls="--", lw=1, label=f"p = {cfg.p_critical}")
    axes[1].set_yscale("log")
    axes[1].set_ylabel("KS / chi-square p-value\n(clipped at 1e-30)")
    axes[2].plot(weekly["week"], weekly["f1_frozen"], marker=".", label="frozen training-time model")
    axes[2].plot(weekly["week"], weekly["f1_champion"], marker=".", label="the loop's champion")
    axes[2].axhline((1 - cfg.f1_drop) * baseline_f1, color="k", ls="--", lw=1, label="F1 alert level")
    row = axes[2].get_xaxis_transform()
    promo = [e["week"] for e in log if e["event"] == "champion_challenger" and e["promoted"]]
    axes[2].scatter(promo, [0.95] * len(promo), marker="*", s=90, color="g", transform=row, label="promotion")
    kept = [e["week"] for e in log if e["event"] == "champion_challenger" and not e["promoted"]]
    axes[2].scatter(
        kept, [0.95] * len(kept), marker="o", color="grey", transform=row, label="challenger rejected"
    )
    faults = [e["week"] for e in log if e["event"] == "pipeline_fault"]
    axes[2].scatter(
        faults, [0.05] * len(faults), marker="x", color="r", transform=row, label="pipeline-fault alert"
    )
    axes[2].set_ylabel("weekly F1\n(labels arrive later)")
    axes[2].set_xlabel("production week")
    for ax in axes:
        _events(ax, events)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    for e in events:
        axes[1].text(
            e.start,
            1.02,
            e.name,
            fontsize=7,
            color=COLORS.get(e.name, "tab:gray"),
            transform=axes[1].get_xaxis_transform(),
        )
    fig.suptitle(
        "A simulated year: planted events (shaded), drift scores, retrain triggers (v), alerts and F1"
    )
    fig.tight_layout()
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
        p_text = "p < 1e-300" if r.p_value < 1e-300 else f"p {r.p_value:.1e}"
        ax.set_title(f"{r.feature}: PSI {r.psi:.2f}, {p_text}", fontsize=8)
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
    fig.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=4, fontsize=7)
    return fig


def roc(curves: dict[str, Roc]):
    """ROC curves of weekly drift scores; thresholds marked on the first curve."""
    fig, ax = figure(6, 5.5)
    ax.plot([0, 1], [0, 1], color="grey", lw=1)
    for i, (name, res) in enumerate(curves.items()):
        ax.plot(res.fpr, res.tpr, marker=".", label=f"{name} (AUC {res.auc:.2f})")
        if i == 0:
            for m, shape in zip(res.tpr_at, "s^Dv", strict=False):
                ax.scatter(
                    res.fpr_at[m],
                    res.tpr_at[m],
                    marker=shape,
                    facecolors="none",
                    edgecolors="k",
                    s=60,
                    label=f"PSI > {m}",
                    zorder=5,
                )
            ax.scatter(
                res.best_fpr,
                res.best_tpr,
                marker="*",
                s=140,
                zorder=6,
                label=f"Youden threshold {res.threshold:.3g}",
            )
    ax.set_xlabel("false-positive rate (weeks without real loss)")
    ax.set_ylabel("true-positive rate (weeks with > 10% F1 loss)")
    ax.set_title("Weekly max PSI as a predictor of real degradation")
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
