"""Figures of the ensemble report: diversity heatmap, blend weights, ROC curves."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_curve

from systems.core.plotting import figure
from systems.ensemble.diversity import correlation_matrix, heatmap


def diversity_figure(scores: dict[str, np.ndarray], pairs: list[dict]):
    names = list(scores)
    overlap = np.eye(len(names))
    for p in pairs:
        i, j = names.index(p["a"]), names.index(p["b"])
        overlap[i, j] = overlap[j, i] = p["error_overlap"]
    fig, (a1, a2) = figure(11, 4.5, ncols=2)
    heatmap(a1, correlation_matrix(scores), names, "prediction correlation (Pearson)")
    heatmap(a2, overlap, names, "error overlap (Jaccard, top base-rate flagged)")
    return fig


def weights_figure(models: tuple[str, ...], weights: dict[str, np.ndarray]):
    fig, ax = figure(6, 3.5)
    width = 0.8 / len(weights)
    for k, (name, w) in enumerate(weights.items()):
        ax.bar(np.arange(len(models)) + k * width, w, width, label=name)
    ax.set_xticks(np.arange(len(models)) + 0.4 - width / 2, models)
    ax.set_ylabel("weight")
    ax.set_ylim(0, 1)
    ax.legend()
    ax.set_title("blend weights: plain AUC vs 0.9 AUC - 0.1 max(w)")
    return fig


def roc_figure(y, scores: dict[str, np.ndarray], aucs: dict[str, float]):
    fig, ax = figure(5.5, 5)
    for name, s in scores.items():
        fpr, tpr, _ = roc_curve(y, s)
        ax.plot(fpr, tpr, lw=1.2, label=f"{name} ({aucs[name]:.3f})")
    ax.plot([0, 1], [0, 1], "k:", lw=0.8)
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title("ROC, held-out test rows")
    return fig
