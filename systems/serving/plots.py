"""The latency CDF: one curve per endpoint and load level, budgets drawn as lines."""

from __future__ import annotations

import numpy as np

from systems.core.plotting import figure


def latency_cdf(results, batch: int):
    """results: [(workers, LoadResult)]; x on a log scale, y = share of requests at or below x."""
    fig, axes = figure(11.0, 4.2, ncols=2)
    for ax, w in zip(axes, (1, 2), strict=True):
        for workers, r in results:
            if workers != w or r.n == 0:
                continue
            x = np.sort(r.latency_ms)
            rows = f" x{batch}" if r.endpoint == "/predict-batch" else ""
            label = f"{r.endpoint}{rows}, {r.concurrency} clients"
            ax.step(x, np.arange(1, len(x) + 1) / len(x), where="post", label=label)
        for v, name in ((45, "story p50 45 ms"), (120, "story p95 120 ms")):
            ax.axvline(v, color="grey", ls="--", lw=0.8)
            ax.text(v, 0.02, name, rotation=90, fontsize=7, color="grey", ha="right")
        ax.axhline(0.95, color="grey", ls=":", lw=0.8)
        ax.set(
            xscale="log",
            xlabel="latency at the client (ms, log)",
            ylabel="share of requests",
            title=f"{w} worker{'s' if w > 1 else ''}, loopback",
        )
        ax.legend(fontsize=6, loc="lower right")
    return fig
