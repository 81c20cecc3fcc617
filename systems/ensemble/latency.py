"""Inference latency (EN-10): single RF vs 3-model blend vs 2-model vote, one run, one machine.

    per-row    time to score one customer (one predict_proba call per model on 1 row)
    per-batch  time to score a batch of rows, divided by nothing (whole-batch wall time)

Base models of an ensemble run one after another here (single process); a server that runs
them in parallel pays max() instead of sum(). Timings are machine state: they go to
``latency.md`` and stdout, never into ledger.json (which must depend on the seed only).
"""

from __future__ import annotations

import numpy as np

from systems.core.timing import measure


def scorer(models: list, weights=None):
    """A callable X -> blended P(y=1) of fitted ``models`` (equal weights by default)."""
    w = np.full(len(models), 1 / len(models)) if weights is None else np.asarray(weights)

    def score(X):
        return sum(wi * m.predict_proba(X)[:, 1] for wi, m in zip(w, models, strict=True))

    return score


def latency_table(scorers: dict[str, object], X, repeats: int, batch: int = 1000) -> list[dict]:
    """Median per-row and per-batch milliseconds of each scorer, measured back to back.

    ``make bench`` repeats the comparison with interleaved repeats (``timing.compare``).
    """
    one = X.iloc[:1]
    many = X.iloc[:batch]
    rows = []
    for name, fn in scorers.items():
        t_row = measure(lambda fn=fn: fn(one), repeats=repeats, warmup=2)
        t_batch = measure(lambda fn=fn: fn(many), repeats=max(3, repeats // 3), warmup=1)
        rows.append({"approach": name, "per_row_ms": t_row.median_ms,
                     "per_row_p95_ms": 1e3 * t_row.p95, f"batch_{len(many)}_ms": t_batch.median_ms})
    base = rows[0]["per_row_ms"]
    for r in rows:
        r["per_row_ratio_vs_first"] = r["per_row_ms"] / base
    return rows
