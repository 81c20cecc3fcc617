"""``make bench``: the vectorised sequential simulation against a per-experiment scipy loop.

Both take the same daily counts of ``--sims`` A/A experiments with ``--days`` daily looks and
decide, per experiment, when naive peeking (one-sided z), the Bayesian P(B > A) rule and the
mSPRT ship B (see ``sequential.py``):

    per-experiment loop   for each experiment, for each day: cumulative counts, scipy.stats.norm
                          for the z p-value and the posterior probability, the mSPRT ratio in
                          Python floats; stop at the first crossing
    vectorised            ``Procedures.run`` on (sims, days) arrays at once

Before timing, both must give the same false-positive rate per procedure (identical decisions
on identical data); the goal is a ratio of at least 50x.
"""

from __future__ import annotations

import argparse
import logging
import math

import numpy as np
from scipy import stats

from data.experiments import daily_counts
from systems.abtest.sequential import Cumulative, Procedures
from systems.core.bench import record
from systems.core.cli import add_output_args, pop_output_args
from systems.core.seeding import rng
from systems.core.timing import compare

log = logging.getLogger(__name__)

NAMES = ("naive_peeking", "bayes_prob", "msprt")


def _decide_one(ka, na, kb, nb, p: Procedures) -> dict[str, bool]:
    """One experiment, looked at day by day with scipy; returns ship-B per procedure."""
    out, done = {}, set()
    for d in range(len(na)):
        a_n, a_k, b_n, b_k = float(na[d]), float(ka[d]), float(nb[d]), float(kb[d])
        pool = (a_k + b_k) / (a_n + b_n)
        se = math.sqrt(pool * (1 - pool) * (1 / a_n + 1 / b_n))
        z = (b_k / b_n - a_k / a_n) / se if se > 0 else 0.0
        pz = stats.norm.sf(z)  # one-sided p of "B better"
        ma, mb = (a_k + 1) / (a_n + 2), (b_k + 1) / (b_n + 2)
        s = math.sqrt(ma * (1 - ma) / (a_n + 3) + mb * (1 - mb) / (b_n + 3))
        pb = stats.norm.cdf((mb - ma) / s)
        v, t2 = se * se, p.tau * p.tau
        lam = (
            math.sqrt(v / (v + t2)) * math.exp(min(700.0, (z * se) ** 2 * t2 / (2 * v * (v + t2))))
            if v > 0
            else 1
        )
        theta = b_k / b_n - a_k / a_n
        rules = {
            "naive_peeking": (pz < p.alpha, pz > 1 - p.alpha),
            "bayes_prob": (pb > p.bayes_threshold, pb < 1 - p.bayes_threshold),
            "msprt": (lam >= 1 / (2 * p.alpha) and theta > 0, lam >= 1 / (2 * p.alpha) and theta < 0),
        }
        for name, (up, down) in rules.items():
            if name not in done and (up or down):
                out[name], done = bool(up), done | {name}
        if len(done) == len(NAMES):
            break
    return {n: out.get(n, False) for n in NAMES}


def loop_rates(c: Cumulative, p: Procedures) -> dict[str, float]:
    ships = [_decide_one(c.k_a[i], c.n_a[i], c.k_b[i], c.n_b[i], p) for i in range(c.n_a.shape[0])]
    return {n: float(np.mean([s[n] for s in ships])) for n in NAMES}


def vector_rates(c: Cumulative, p: Procedures) -> dict[str, float]:
    out = p.run(c)
    return {n: float(out[n].ship_b.mean()) for n in NAMES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m systems.abtest.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sims", type=int, default=1000)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--repeats", type=int, default=3)
    add_output_args(parser)
    args = parser.parse_args(argv)
    pop_output_args(vars(args))
    c = Cumulative.of(daily_counts(args.sims, args.days, 850, 0.05, 0.0, rng(args.seed, "bench")))
    p = Procedures()
    a, b = loop_rates(c, p), vector_rates(c, p)
    same = a == b
    log.info(
        f"abtest bench: {args.sims:,} A/A experiments x {args.days} daily looks; false-positive rates "
        f"loop {a} vs vectorised {b}: identical: {same}"
    )
    t_loop, t_vec, _ = compare(
        lambda: loop_rates(c, p), lambda: vector_rates(c, p), repeats=args.repeats, warmup=0
    )
    log.info(f"  per-experiment scipy loop {t_loop.median:8.3f} s")
    ratio_speedup = t_loop.median / t_vec.median
    log.info(f"  vectorised numpy          {t_vec.median:8.3f} s   x{ratio_speedup:,.0f} (goal >= 50x)")
    log.info(f"  (medians of {args.repeats} interleaved repeats in this run)")
    record("abtest_vectorised_over_loop", ratio_speedup)
    for name, rate in b.items():
        record(f"abtest_fpr_{name}", rate)
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
