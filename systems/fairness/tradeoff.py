"""The accuracy-fairness trade-off along a sweep of constraint strength.

Two knobs, each scored on the same test rows:

    ExponentiatedGradient(DemographicParity(difference_bound = b)),  b in sweep_eps
    ThresholdOptimizer(false_positive_rate_parity, tol = tau),       tau in sweep_tol
        (tau = largest FPR range across groups the thresholds may leave)

A smaller b or tau is a stronger constraint. Each point records AUC, accuracy, balanced
accuracy, FPR disparity and DPD; the plot puts disparity on x and AUC on y, with the
unmitigated model and every named mitigation marked.
"""

from __future__ import annotations

from systems.core.cli import progress
from systems.core.plotting import figure
from systems.fairness.evaluate import Evaluation, evaluate
from systems.fairness.mitigate import exponentiated_gradient, threshold_optimizer


def sweep(data, result, cfg, seed: int) -> list[dict]:
    """Rows of (method, strength, metrics) for the trade-off curve."""
    X_tr, y_tr, s_tr = data.rows("train", cfg.eg_rows)
    X_va, y_va, s_va = data.rows("val")
    X_te, y_te, s_te = data.rows("test")
    rows = []

    def add(method, strength, c):
        e = evaluate(c, X_te, y_te, s_te, cfg.min_group_size)
        rows.append(
            {"method": method, "strength": strength} | {k: v for k, v in e.row().items() if k != "model"}
        )

    for b in progress(cfg.sweep_eps, desc="trade-off: ExponentiatedGradient"):
        add(
            "eg_demographic_parity",
            b,
            exponentiated_gradient(
                f"eg_dp_{b:g}",
                "dp",
                X_tr[data.inputs],
                y_tr,
                s_tr,
                bound=b,
                miss_cost=result.miss_cost,
                n_estimators=cfg.mitigation_estimators,
                max_depth=cfg.max_depth,
                max_iter=cfg.eg_max_iter,
                eps=cfg.eg_eps,
                seed=seed,
            ),
        )
    for tol in cfg.sweep_tol:
        add(
            "threshold_fpr_parity",
            tol,
            threshold_optimizer(
                f"to_{tol:g}",
                result.model,
                data.inputs,
                X_va,
                y_va,
                s_va,
                miss_cost=result.miss_cost,
                tol=tol if tol > 0 else None,
                seed=seed,
            ),
        )
    return rows


def plot(rows: list[dict], test: dict[str, Evaluation], chosen: str):
    """AUC (and accuracy) against FPR disparity, one line per knob, named models marked."""
    fig, axes = figure(11, 4.2, ncols=2)
    for ax, metric in zip(axes, ("auc", "accuracy"), strict=True):
        for method, style in (("eg_demographic_parity", "o-"), ("threshold_fpr_parity", "s-")):
            pts = sorted(
                (r["fpr_disparity"], r[metric], r["strength"]) for r in rows if r["method"] == method
            )
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], style, alpha=0.6, label=f"sweep: {method}")
                for x, y, s in pts:
                    ax.annotate(f"{s:g}", (x, y), fontsize=7, xytext=(3, 3), textcoords="offset points")
        for name, e in test.items():
            val = e.auc if metric == "auc" else e.accuracy
            ax.scatter(
                [e.disparity.fpr_disparity],
                [val],
                marker="*" if name == chosen else "D",
                s=90,
                zorder=3,
                label=name + (" (chosen)" if name == chosen else ""),
            )
        ax.set_xlabel("FPR disparity between age groups (max - min)")
        ax.set_ylabel(metric.upper() if metric == "auc" else metric)
        ax.grid(alpha=0.3)
    axes[0].set_title("AUC vs disparity (labels: constraint strength)")
    axes[1].set_title("accuracy vs disparity")
    axes[1].legend(fontsize=7, loc="best")
    return fig
