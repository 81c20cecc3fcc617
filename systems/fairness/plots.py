"""Figures: per-group rates with intervals, and SHAP importance by segment."""

from __future__ import annotations

import numpy as np
import pandas as pd

from systems.core.plotting import figure


def group_bars(tables: dict[str, pd.DataFrame], title: str):
    """Selection rate, TPR and FPR per group with 95% intervals, one bar per model."""
    rates = ("selection_rate", "tpr", "fpr")
    fig, axes = figure(4.2 * len(rates), 3.8, ncols=len(rates))
    names = list(tables)
    width = 0.8 / len(names)
    for ax, rate in zip(axes, rates, strict=True):
        for k, name in enumerate(names):
            t = tables[name]
            labels = [" x ".join(map(str, g)) if isinstance(g, tuple) else str(g) for g in t.index]
            x = np.arange(len(t)) + k * width
            val = t[rate].to_numpy(dtype=float)
            err = np.vstack(
                [val - t[rate + "_lo"].to_numpy(dtype=float), t[rate + "_hi"].to_numpy(dtype=float) - val]
            )
            ax.bar(
                x, np.nan_to_num(val), width, yerr=np.clip(np.nan_to_num(err), 0, None), capsize=2, label=name
            )
            ax.set_xticks(np.arange(len(t)) + 0.4 - width / 2, labels, rotation=60, fontsize=7)
        ax.set_title(rate.replace("_", " ").upper() if rate != "selection_rate" else "selection rate")
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(fontsize=7)
    fig.suptitle(title)
    return fig


def shap_segments(importance: pd.DataFrame):
    """Mean |SHAP| (log-odds) per feature, one bar per segment."""
    fig, ax = figure(7, 4)
    order = importance.max(axis=1).sort_values().index
    y = np.arange(len(order))
    h = 0.8 / importance.shape[1]
    for k, seg in enumerate(importance.columns):
        ax.barh(y + k * h, importance.loc[order, seg], h, label=seg)
    ax.set_yticks(y + 0.4 - h / 2, order)
    ax.set_xlabel("mean |SHAP value| (log-odds)")
    ax.set_title("What drives the fraud score, by segment")
    ax.legend()
    return fig
