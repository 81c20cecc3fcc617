"""``make ensemble``: rebuild the 0.78 -> 0.92 AUC ensemble story and judge its EN claims.

Stages (one module each):

    data         churn data from the shared churn-table layer, split, featurised
    tuning       six base models, each tuned in its own persisted Optuna study -> OOF scores
    ensembles    votes, stacking, Optuna blends
    analysis     diversity, business view, segments, latency, oracle gain
    experiments  nested CV, failure cases, robustness, model-specific features
    pipeline     the stages in order -> one ``Results``;  claims: one function per EN id

This module turns ``Results`` into reports/ensemble/ (ledger, comparison table, diversity
heatmap, weights, ROC curves). Studies persist in ``--storage`` (default: SQLite under
OUT/.state/ensemble/), so an interrupted run resumes its trials; ``make tune-worker`` adds a
worker to a shared study.
"""

from __future__ import annotations

import logging
import sys

import numpy as np
from sklearn.metrics import roc_curve
from threadpoolctl import threadpool_limits

from systems.core.config import parse_config
from systems.core.plotting import figure
from systems.core.report import start_run
from systems.core.studies import SearchSpaceMismatch, StorageError, open_storage
from systems.ensemble.analysis import (
    LatencyRow,
    PairStats,
    Ratio,
    correlation_matrix,
    latency_table,
    scorer,
    side_by_side,
)
from systems.ensemble.claims import all_claims
from systems.ensemble.data import EnsembleConfig, default_storage
from systems.ensemble.ensembles import BLEND_MODELS, VOTE2
from systems.ensemble.pipeline import Results, run_pipeline
from systems.ensemble.tuning import BASE_MODELS, FoldFitError

log = logging.getLogger("ensemble")

APPROACHES = (
    "random_forest",
    *BASE_MODELS,
    "uniform_vote",
    "manual_vote",
    "stack_logreg",
    "stack_logreg_shap",
    "stack_xgboost",
    "uniform_blend3",
    "blend_plain",
    "blend_penalised",
    "vote2",
)


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


def diversity_figure(scores: dict[str, np.ndarray], pairs: list[PairStats]):
    names = list(scores)
    overlap = np.eye(len(names))
    for p in pairs:
        i, j = names.index(p.a), names.index(p.b)
        overlap[i, j] = overlap[j, i] = p.error_overlap
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


def measure_latency(r: Results, repeats: int) -> tuple[list[LatencyRow], dict[str, Ratio]]:
    """The back-to-back latency table and the interleaved ratios EN-10 is judged on."""
    f = r.base.fitted
    scorers = {
        "random_forest": scorer([f["random_forest"]]),
        "blend3": scorer([f[m] for m in BLEND_MODELS], r.ens.weights["blend_penalised"]),
        "vote2": scorer([f[m] for m in VOTE2]),
    }
    table = latency_table(scorers, r.ds.X_test, repeats)
    return table, side_by_side(scorers, r.ds.X_test, repeats)


def report(run, r: Results, latency: list[LatencyRow], ratios: dict[str, Ratio]) -> None:
    y = r.ds.y_test
    # latency rows are in measure_latency's order: RF, blend3 (= blend_penalised), vote2
    ms = dict(
        zip(("random_forest", "blend_penalised", "vote2"), (row.per_row_ms for row in latency), strict=True)
    )
    rows = []
    for name in APPROACHES:
        t = r.top10.get(name)
        rows.append(
            {
                "approach": name,
                "roc_auc": r.auc[name],
                "precision_at_10": t.precision if t else "",
                "recall_at_10": t.recall if t else "",
                "f1_at_10": t.f1 if t else "",
                "per_row_ms (this machine)": ms.get(name, ""),
            }
        )
        run.metric("roc_auc", r.auc[name], scope=name)
        if t:
            for k in ("precision", "recall", "f1"):
                run.metric(f"{k}_at_10pct", getattr(t, k), scope=name)
    run.write_table(rows, "comparison.md")
    run.write_table([row.row() for row in latency], "latency.md")
    run.write_table([p.row() for p in r.pairs], "diversity.md")
    run.write_table(r.segments, "segments.md")
    run.write_table(
        [
            {"blend": k, **{m: float(x) for m, x in zip(BLEND_MODELS, w, strict=True)}}
            for k, w in r.ens.weights.items()
            if len(w) == len(BLEND_MODELS)
        ],
        "weights.md",
    )
    run.write_table(
        [{"outer_fold": k, "roc_auc": a} for k, a in enumerate(r.nested.fold_aucs)], "nested_cv.md"
    )
    run.metric("nested_cv_mean", r.nested.mean)
    run.metric("nested_cv_std", r.nested.std)
    run.metric("quarantined_rows", r.ds.n_quarantined)
    run.metric("base_rate", float(np.mean(y)))
    test_scores = r.base.test | r.ens.test
    blends = {k: r.ens.weights[k] for k in ("uniform_blend3", "blend_plain", "blend_penalised")}
    roc_models = ("random_forest", "xgboost", "logreg", "stack_logreg_shap", "blend_penalised")
    ev = [
        run.save_figure(diversity_figure({m: r.base.test[m] for m in BASE_MODELS}, r.pairs), "diversity.png"),
        run.save_figure(weights_figure(BLEND_MODELS, blends), "weights.png"),
        run.save_figure(roc_figure(y, {n: test_scores[n] for n in roc_models}, r.auc), "roc.png"),
    ]
    evidence = {
        "EN-03": ["comparison.md", ev[2]],
        "EN-04": ["weights.md", ev[1]],
        "EN-06": ["diversity.md", ev[0]],
        "EN-08": ["nested_cv.md"],
        "EN-09": ["segments.md"],
        "EN-11": ["comparison.md"],
    }
    run.write_table(
        [
            {
                "comparison": k,
                "a_ms": v.a_ms,
                "b_ms (random_forest)": v.b_ms,
                "ratio": v.ratio,
                "ratio_low": v.interval.low,
                "ratio_high": v.interval.high,
            }
            for k, v in ratios.items()
        ],
        "latency_ratios.md",
    )
    for claim in all_claims(r, ratios, latency):
        claim.evidence = claim.evidence + evidence.get(claim.id, [])
        run.add(claim)
    for row in latency:
        log.info(
            "  %-22s per-row %.2f ms (x%.2f vs RF)",
            row.approach,
            row.per_row_ms,
            row.per_row_ratio_vs_first,
        )


def main(argv: list[str] | None = None) -> int:
    cfg = parse_config(EnsembleConfig, argv, "python -m systems.ensemble", __doc__)
    url = cfg.storage or default_storage(cfg.out)
    try:
        storage = open_storage(url)
        # one thread per model: BLAS oversubscription on a shared 2-core box costs 10-50x
        with threadpool_limits(1), start_run("ensemble", cfg) as run:
            log.info("optuna storage: %s (studies %s-*)", url, cfg.study_prefix)
            r = run_pipeline(cfg, storage)
            report(run, r, *measure_latency(r, cfg.latency_repeats))
    except (StorageError, SearchSpaceMismatch, FoldFitError) as err:
        log.error("ensemble: %s\nno ledger was written for this run.", err)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
