"""Diversity of base models: how alike their scores are, and where their errors fall.

For a pair of models (a, b) with scores s_a, s_b on the same rows:

    rho_ab      Pearson correlation of the predicted probabilities
    errors      each model flags its top-q rows (q = positive rate of y, so both flag the
                same number); E_a = rows where that flag disagrees with y
    overlap_ab  |E_a & E_b| / |E_a | E_b|          (Jaccard: shared share of all mistakes)
    a_only      |E_a - E_b|  (a wrong, b right)     b_only = |E_b - E_a|

An equal-weight blend of a and b can at best fix the rows where exactly one is wrong, so
its correct-count gain over model a is at most a_only (and over b at most b_only):

    correct(blend) - correct(a) = fixed - broken <= a_only

``recount_story`` applies the same arithmetic to the story's 120 / 130 / 220.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from algorithms.metrics import top_k_mask


def error_mask(y, scores, q: float) -> np.ndarray:
    """Rows a model gets wrong when it flags its top-``q`` fraction as positive."""
    return top_k_mask(scores, q).astype(int) != np.asarray(y)


def pair_stats(y, s_a, s_b, q: float) -> dict[str, float]:
    """Correlation, error overlap and disagreement counts of one pair (see module docstring)."""
    y = np.asarray(y)
    ea, eb = error_mask(y, s_a, q), error_mask(y, s_b, q)
    blend = error_mask(y, 0.5 * (np.asarray(s_a) + np.asarray(s_b)), q)
    one_wrong = ea ^ eb
    union = int((ea | eb).sum())
    return {
        "rho": float(np.corrcoef(s_a, s_b)[0, 1]),
        "error_overlap": float((ea & eb).sum() / union) if union else 0.0,
        "a_only": int((ea & ~eb).sum()),
        "b_only": int((eb & ~ea).sum()),
        "blend_fixed": int((one_wrong & ~blend).sum()),
        "blend_gain_over_a": int(ea.sum() - blend.sum()),
        "blend_gain_over_b": int(eb.sum() - blend.sum()),
    }


def pairwise_table(y, scores: dict[str, np.ndarray], q: float | None = None) -> list[dict]:
    """One row per pair of models, in the order given; q defaults to the positive rate."""
    q = float(np.mean(y)) if q is None else q
    rows = []
    for a, b in combinations(scores, 2):
        rows.append({"pair": f"{a}-{b}", "a": a, "b": b, **pair_stats(y, scores[a], scores[b], q)})
    return rows


def correlation_matrix(scores: dict[str, np.ndarray]) -> np.ndarray:
    """Pearson correlation of every pair of score columns; shape (K, K)."""
    return np.corrcoef(np.vstack(list(scores.values())))


def recount_story(a_only: int, b_only: int) -> dict[str, int]:
    """What an ensemble of two models can fix at most, from their disagreement counts.

    ``both_sets`` = every row where exactly one is wrong; ``max_gain_vs_a`` / ``_b`` = the
    largest net gain in correct predictions over each single model.
    """
    return {"both_sets": a_only + b_only, "max_gain_vs_a": a_only, "max_gain_vs_b": b_only}


def heatmap(ax, matrix: np.ndarray, labels: list[str], title: str) -> None:
    """Annotated heatmap of a symmetric matrix on ``ax``."""
    im = ax.imshow(matrix, vmin=min(0.0, float(matrix.min())), vmax=1.0, cmap="viridis")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    for i in range(len(labels)):
        for j in range(len(labels)):
            ax.text(
                j,
                i,
                f"{matrix[i, j]:.2f}",
                ha="center",
                va="center",
                color="white" if matrix[i, j] < 0.6 else "black",
                fontsize=8,
            )
    ax.set_title(title)
    ax.figure.colorbar(im, ax=ax, fraction=0.046)
