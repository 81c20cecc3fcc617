"""Stage 3: what the test rows say about the base models and the blends.

Diversity (EN-6). For a pair of models (a, b) with scores s_a, s_b on the same rows:

    rho_ab      Pearson correlation of the predicted probabilities
    errors      each model flags its top-q rows (q = positive rate of y, so both flag the
                same number); E_a = rows where that flag disagrees with y
    overlap_ab  |E_a & E_b| / |E_a | E_b|          (Jaccard: shared share of all mistakes)
    a_only      |E_a - E_b|  (a wrong, b right)     b_only = |E_b - E_a|

An equal-weight blend of a and b can at best fix the rows where exactly one is wrong, so
its correct-count gain over model a is at most a_only (and over b at most b_only):
correct(blend) - correct(a) = fixed - broken <= a_only. ``recount_story`` applies the same
arithmetic to the story's 120 / 130 / 220.

Business view (EN-11): flag the top fraction f = 0.10 of customers by score. With base rate
r and n customers, TP <= min(f n, r n), so

    precision@f <= min(1, r / f)      recall@f <= min(1, f / r)      precision@f = recall@f * r / f

(same TP, two denominators); the last identity recomputes the story's precision from its
own recall and churn rate.

Segment AUCs (EN-9): AUC_s(m) on the test rows of segment s (segments defined in ``data``).
A segment with one class has no AUC: an error, not a silent NaN. How far apart two segment
AUCs must be to mean anything is set by the Hanley-McNeil standard error

    se^2 = [A(1-A) + (P-1)(Q1 - A^2) + (N-1)(Q2 - A^2)] / (P N),  Q1 = A/(2-A), Q2 = 2A^2/(1+A)

with P positives and N negatives in the segment.

Latency (EN-10): single RF vs 3-model blend vs 2-model vote, one run, one machine: per row
(one customer, one predict_proba call per model) and per batch (whole-batch wall time).
Members run one after another (a server running them in parallel pays max() instead of
sum()). ``latency.md`` holds the back-to-back table; EN-10 is judged (``timed=True``) on
ratios ``side_by_side`` measures with interleaved repeats, so a slow spell of the shared
machine hits both sides alike; the interval of a ratio of medians is a bootstrap over the
interleaved (a, b) pairs.

Oracle gain (EN-5): the best any convex blend of the members can gain over its best member
with weights fitted on the test labels themselves: an upper bound, a cheat by design.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import combinations, product

import numpy as np
from scipy import stats
from sklearn.metrics import roc_auc_score

from algorithms.metrics import at_top_fraction, top_k_mask
from systems.core import uncertainty as U
from systems.core.ledger import Interval
from systems.core.seeding import rng
from systems.core.timing import compare, measure
from systems.ensemble.ensembles import weights_from_uniforms

TOP_FRACTION = 0.10  # story: follow-up 20 (top 10% scored customers)


def error_mask(y, scores, q: float) -> np.ndarray:
    """Rows a model gets wrong when it flags its top-``q`` fraction as positive."""
    return top_k_mask(scores, q).astype(int) != np.asarray(y)


@dataclass(frozen=True)
class PairStats:
    """Diversity of one pair of models (a, b) on the same rows (see module docstring)."""

    rho: float
    error_overlap: float
    a_only: int
    b_only: int
    blend_fixed: int
    blend_gain_over_a: int
    blend_gain_over_b: int
    a: str = ""
    b: str = ""

    @property
    def pair(self) -> str:
        return f"{self.a}-{self.b}"

    def row(self) -> dict:
        """The pair as a row of ``diversity.md``."""
        return {"pair": self.pair} | {k: v for k, v in asdict(self).items() if k not in ("a", "b")}


def pair_stats(y, s_a, s_b, q: float, a: str = "", b: str = "") -> PairStats:
    """Correlation, error overlap and disagreement counts of one pair (see module docstring)."""
    y = np.asarray(y)
    ea, eb = error_mask(y, s_a, q), error_mask(y, s_b, q)
    blend = error_mask(y, 0.5 * (np.asarray(s_a) + np.asarray(s_b)), q)
    one_wrong = ea ^ eb
    union = int((ea | eb).sum())
    return PairStats(
        rho=float(np.corrcoef(s_a, s_b)[0, 1]),
        error_overlap=float((ea & eb).sum() / union) if union else 0.0,
        a_only=int((ea & ~eb).sum()),
        b_only=int((eb & ~ea).sum()),
        blend_fixed=int((one_wrong & ~blend).sum()),
        blend_gain_over_a=int(ea.sum() - blend.sum()),
        blend_gain_over_b=int(eb.sum() - blend.sum()),
        a=a,
        b=b,
    )


def pairwise_table(y, scores: dict[str, np.ndarray], q: float | None = None) -> list[PairStats]:
    """One entry per pair of models, in the order given; q defaults to the positive rate."""
    q = float(np.mean(y)) if q is None else q
    return [pair_stats(y, scores[a], scores[b], q, a, b) for a, b in combinations(scores, 2)]


def correlation_matrix(scores: dict[str, np.ndarray]) -> np.ndarray:
    """Pearson correlation of every pair of score columns; shape (K, K)."""
    return np.corrcoef(np.vstack(list(scores.values())))


@dataclass(frozen=True)
class StoryRecount:
    """What an ensemble of two models can fix at most, from their disagreement counts.

    ``both_sets`` = every row where exactly one is wrong; ``max_gain_vs_a`` / ``_b`` = the
    largest net gain in correct predictions over each single model.
    """

    both_sets: int
    max_gain_vs_a: int
    max_gain_vs_b: int


def recount_story(a_only: int, b_only: int) -> StoryRecount:
    """The recount of a story's disagreement counts (see ``StoryRecount``)."""
    return StoryRecount(a_only + b_only, a_only, b_only)


@dataclass(frozen=True)
class TopFraction:
    """Precision, recall and F1 at the top fraction of scores, and the precision ceiling r / f."""

    precision: float
    recall: float
    f1: float
    precision_ceiling: float


def top_fraction_view(y, scores, fraction: float = TOP_FRACTION) -> TopFraction:
    """Precision, recall, F1 at the top ``fraction`` and the precision ceiling r / f."""
    y = np.asarray(y)
    p, r, f1 = at_top_fraction(y, scores, fraction)
    return TopFraction(p, r, f1, min(1.0, float(y.mean()) / fraction))


def precision_from_recall(recall: float, base_rate: float, fraction: float = TOP_FRACTION) -> float:
    """precision@f implied by recall@f and the base rate (see module docstring)."""
    return recall * base_rate / fraction


def segment_aucs(y, scores: dict[str, np.ndarray], segments: dict[str, np.ndarray]) -> list[dict]:
    """One row per segment: size, positive rate and the AUC of every model in ``scores``."""
    y = np.asarray(y)
    rows = []
    for seg, mask in segments.items():
        ys = y[mask]
        if ys.min() == ys.max():
            raise ValueError(
                f"segment {seg!r} has {len(ys)} rows of one class: no AUC; use more rows (--n-rows)"
            )
        row = {"segment": seg, "n": int(mask.sum()), "churn_rate": float(ys.mean())}
        row.update({m: float(roc_auc_score(ys, s[mask])) for m, s in scores.items()})
        rows.append(row)
    return rows


def auc_standard_error(auc: float, n_pos: int, n_neg: int) -> float:
    """Hanley & McNeil (1982) standard error of an AUC estimate."""
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    var = (auc * (1 - auc) + (n_pos - 1) * (q1 - auc**2) + (n_neg - 1) * (q2 - auc**2)) / (n_pos * n_neg)
    return float(np.sqrt(var))


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


@dataclass(frozen=True)
class LatencyRow:
    """Back-to-back latency of one scorer; the ratio is against the table's first scorer."""

    approach: str
    per_row_ms: float
    per_row_p95_ms: float
    batch_rows: int
    batch_ms: float
    per_row_ratio_vs_first: float

    def row(self) -> dict:
        """The scorer as a row of ``latency.md``."""
        return {
            "approach": self.approach,
            "per_row_ms": self.per_row_ms,
            "per_row_p95_ms": self.per_row_p95_ms,
            f"batch_{self.batch_rows}_ms": self.batch_ms,
            "per_row_ratio_vs_first": self.per_row_ratio_vs_first,
        }


def latency_table(scorers: dict[str, object], X, repeats: int, batch: int = 1000) -> list[LatencyRow]:
    """Median per-row and per-batch milliseconds of each scorer, measured back to back.

    ``make bench`` repeats the comparison with interleaved repeats (``timing.compare``).
    """
    one = X.iloc[:1]
    many = X.iloc[:batch]
    timed = []
    for name, fn in scorers.items():
        t_row = measure(lambda fn=fn: fn(one), repeats=repeats, warmup=2)
        t_batch = measure(lambda fn=fn: fn(many), repeats=max(3, repeats // 3), warmup=1)
        timed.append((name, t_row, t_batch))
    base = timed[0][1].median_ms
    return [
        LatencyRow(name, t.median_ms, 1e3 * t.p95, len(many), tb.median_ms, t.median_ms / base)
        for name, t, tb in timed
    ]


def oracle_blend_gain(y, P, step: float = 0.02) -> float:
    """max over a simplex grid of AUC(P w) - max_k AUC(p_k), weights fitted ON the test rows.

    An upper bound for what any convex blend of these scores can gain here (a cheat by
    design: it sees the labels it is scored on).
    """
    k = P.shape[1]
    n = round(1 / step)
    best = max(roc_auc_score(y, P[:, j]) for j in range(k))
    top = best
    for c in product(range(n + 1), repeat=k - 1):
        if sum(c) <= n:
            w = np.array([*c, n - sum(c)]) / n
            top = max(top, roc_auc_score(y, P @ w))
    return float(top - best)


@dataclass(frozen=True)
class SamplerCheck:
    """How far the blend-weight map's first weight is from Dirichlet(1) on uniform inputs."""

    max_abs_mean_error: float  # max_k |mean(w_k) - 1/K|
    ks_pvalue: float  # KS test of w_0 against Beta(1, K-1)


def sampler_check(seed: int, k: int = 3, n: int = 20_000) -> SamplerCheck:
    """Mean and KS p-value (vs Beta(1, k-1)) of the blend-weight map on uniform inputs."""
    w = weights_from_uniforms(rng(seed, "simplex-check").uniform(size=(n, k)))
    return SamplerCheck(
        max_abs_mean_error=float(np.abs(w.mean(axis=0) - 1 / k).max()),
        ks_pvalue=float(stats.kstest(w[:, 0], stats.beta(1, k - 1).cdf).pvalue),
    )
