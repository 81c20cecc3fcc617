"""The run's figures (PNG): ROC/PR, calibration, profit, importance, SHAP, imbalance, leakage."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import precision_recall_curve, roc_curve

from systems.churn.calibration import CalibrationReport
from systems.core.plotting import figure


def roc_pr(curves: dict[str, tuple[np.ndarray, np.ndarray]], title: str):
    fig, (a, b) = figure(11, 4.5, ncols=2)
    for name, (y, p) in curves.items():
        fpr, tpr, _ = roc_curve(y, p)
        prec, rec, _ = precision_recall_curve(y, p)
        a.plot(fpr, tpr, label=name)
        b.plot(rec, prec, label=name)
    base = float(np.mean(next(iter(curves.values()))[0]))
    a.plot([0, 1], [0, 1], "k:", lw=1)
    b.axhline(base, color="k", ls=":", lw=1, label=f"base rate {base:.2f}")
    a.set(xlabel="false positive rate", ylabel="true positive rate", title=f"ROC - {title}")
    b.set(xlabel="recall", ylabel="precision", title=f"precision-recall - {title}")
    a.legend(fontsize=8)
    b.legend(fontsize=8)
    return fig


def calibration(points_raw, points_cal, s: CalibrationReport):
    fig, ax = figure(5, 5)
    ax.plot([0, 1], [0, 1], "k:", lw=1, label="perfect")
    ax.plot(*points_raw, "o-", label=f"raw (Brier {s.brier_before:.3f}, ECE {s.ece_before:.3f})")
    ax.plot(*points_cal, "s-", label=f"Platt (Brier {s.brier_after:.3f}, ECE {s.ece_after:.3f})")
    ax.set(xlabel="mean predicted probability", ylabel="observed churn rate", title="reliability (test set)")
    ax.legend(fontsize=8)
    return fig


def profit(thresholds, profits, best: float, breakeven: float, claimed: float):
    fig, ax = figure(7, 4)
    ax.plot(thresholds, np.asarray(profits) / 1e3)
    ax.axvline(best, color="g", ls="--", label=f"argmax {best:.2f}")
    ax.axvline(breakeven, color="k", ls=":", label=f"c/(rV) = {breakeven:.3f}")
    ax.axvline(claimed, color="r", ls="-.", label=f"story's {claimed}")
    ax.axvline(0.5, color="grey", ls="-.", lw=1, label="0.5")
    ax.set(
        xlabel="threshold on calibrated probability", ylabel="profit on test set ($K)", title="profit curve"
    )
    ax.legend(fontsize=8)
    return fig


def importance(names, values, title: str):
    order = np.argsort(values)
    fig, ax = figure(6, max(3, 0.22 * len(names)))
    ax.barh(np.asarray(names)[order], np.asarray(values)[order])
    ax.set(xlabel="share of total gain", title=title)
    return fig


def shap_summary(shap_values, X, names, seed: int = 0):
    import matplotlib.pyplot as plt
    import shap

    shap.summary_plot(
        shap_values, X, feature_names=names, show=False, max_display=20, rng=np.random.default_rng(seed)
    )
    fig = plt.gcf()
    fig.suptitle("SHAP values of the final model (test sample)")
    return fig


def grouped_bars(
    groups: dict[str, dict[str, float]],
    metrics: list[str],
    title: str,
    claimed=None,
    claimed_label: str = "story's figure",
):
    fig, ax = figure(8, 4)
    names = list(groups)
    width = 0.8 / len(metrics)
    x = np.arange(len(names))
    for k, m in enumerate(metrics):
        vals = [groups[n][m] for n in names]
        bars = ax.bar(x + k * width, vals, width, label=m)
        for b, v in zip(bars, vals, strict=True):
            if np.isfinite(v):
                ax.text(b.get_x() + b.get_width() / 2, v + 0.01, f"{v:.2f}", ha="center", fontsize=7)
    if claimed:
        for n, v in claimed.items():
            i = names.index(n)
            ax.plot([i - 0.1, i + 0.8], [v, v], "r--", lw=1)
        ax.plot([], [], "r--", label=claimed_label)
    ax.set_xticks(x + 0.4 - width / 2, names)
    ax.set(ylim=(0, 1.08), title=title)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def early_stopping(train_loss, val_loss, best: int):
    fig, ax = figure(7, 4)
    ax.plot(np.arange(1, len(train_loss) + 1), train_loss, label="train log-loss")
    ax.plot(np.arange(1, len(val_loss) + 1), val_loss, label="validation log-loss")
    ax.axvline(best, color="k", ls=":", label=f"best round {best}")
    ax.set(xlabel="boosting round", ylabel="log-loss", title="early stopping (patience 20)")
    ax.legend(fontsize=8)
    return fig
