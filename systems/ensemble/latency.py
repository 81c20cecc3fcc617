"""Inference latency (EN-10): single RF vs 3-model blend vs 2-model vote, one run, one machine.

    per-row    time to score one customer (one predict_proba call per model on 1 row)
    per-batch  time to score a batch of rows, divided by nothing (whole-batch wall time)

Base models of an ensemble run one after another here (single process); a server that runs
them in parallel pays max() instead of sum(). Timings are machine state: ``latency.md``
holds the back-to-back table; the EN-10 claim is judged (``timed=True``) on ratios that
``side_by_side`` measures with interleaved repeats, so a slow spell of the shared machine
hits both sides alike. The interval of a ratio of medians is a bootstrap over the
interleaved (a, b) pairs of samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from systems.core import uncertainty as U
from systems.core.ledger import Interval
from systems.core.timing import compare, measure


@dataclass(frozen=True)
class Ratio:
    """Median time of a over median time of b, measured interleaved, with its interval."""

    a_ms: float
    b_ms: float
    ratio: float
    interval: Interval


def _median_ratio(a, b) -> float:
    return float(np.median(a) / np.median(b))


def ratio(fn_a, fn_b, repeats: int, warmup: int = 2) -> Ratio:
    """Interleaved timing of a and b; at least 3 pairs, so the interval has something to resample."""
    repeats = max(3, repeats)
    ta, tb, r = compare(fn_a, fn_b, repeats=repeats, warmup=warmup)
    iv = U.bootstrap_ci(_median_ratio, np.array(ta.samples), np.array(tb.samples), n_boot=500)
    iv = Interval(
        iv.low, iv.high, f"bootstrap of the median ratio over {repeats} interleaved pairs", iv.level
    )
    return Ratio(ta.median_ms, tb.median_ms, r, iv)


def side_by_side(scorers: dict[str, object], X, repeats: int, batch: int = 1000) -> dict[str, Ratio]:
    """Per-row and per-batch ratios of every scorer against the first one (the baseline)."""
    names = list(scorers)
    base = scorers[names[0]]
    one, many = X.iloc[:1], X.iloc[:batch]
    out = {}
    for name in names[1:]:
        fn = scorers[name]
        out[f"{name}/row"] = ratio(lambda fn=fn: fn(one), lambda: base(one), repeats)
        out[f"{name}/batch"] = ratio(lambda fn=fn: fn(many), lambda: base(many), max(5, repeats // 3), 1)
    return out


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
        rows.append(
            {
                "approach": name,
                "per_row_ms": t_row.median_ms,
                "per_row_p95_ms": 1e3 * t_row.p95,
                f"batch_{len(many)}_ms": t_batch.median_ms,
            }
        )
    base = rows[0]["per_row_ms"]
    for r in rows:
        r["per_row_ratio_vs_first"] = r["per_row_ms"] / base
    return rows
