"""``make bench``: vectorised drift scoring against a straightforward per-feature version.

Both compute PSI (10 reference deciles) and the KS test for every feature of a
(rows x features) window against a reference window of the same size, measured side by
side in one run (``systems.core.timing.compare``):

    per-feature         ``naive.naive_drift``: deciles, one boolean mask per bin,
                        ``scipy.stats.ks_2samp`` per column (exact-asymptotic p-value)
    ours, exact p       fit (deciles, sorted columns) + score, same p-value as scipy
    ours, limit p       the same with Kolmogorov's limiting p-value (kstwobign)
    ours, score only    reference fitted once, one window scored (limit p): what each
                        weekly run pays after the first
    profile, score only ``profile.ReferenceProfile`` fitted once: bucket look-ups and an
                        exact-KS bound instead of sorting the current window (limit p)

Before timing, both are run on the first ``--check-rows`` rows and must agree (PSI and D
to 1e-12, p to rtol 1e-10). At large n, scipy's exact-asymptotic p-value dominates both
sides (0.1-0.5 s per feature in the far tail), which is why the limit p-value exists.
"""

from __future__ import annotations

import argparse
import logging

import numpy as np

from systems.core.cli import add_output_args, pop_output_args
from systems.core.seeding import rng
from systems.core.timing import compare
from systems.drift.naive import naive_drift
from systems.drift.numeric import NumericDrift
from systems.drift.profile import ReferenceProfile

log = logging.getLogger(__name__)


def ours(ref: np.ndarray, cur: np.ndarray, pvalue: str):
    """Fit on the reference and score the current window (PSI, KS D and p)."""
    s = NumericDrift().fit(ref).score(cur, pvalue)
    return s["psi"], (s["ks_d"], s["ks_p"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m systems.drift.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--check-rows", type=int, default=20000)
    add_output_args(parser)
    args = parser.parse_args(argv)
    pop_output_args(vars(args))
    r = rng(args.seed, "bench")
    shape = (args.rows, args.features)
    ref = r.normal(0, 1, shape)
    cur = r.normal(0.02, 1.05, shape)

    k = args.check_rows
    psi_a, (d_a, p_a) = ours(ref[:k], cur[:k], "exact")
    psi_b, d_b, p_b = naive_drift(ref[:k], cur[:k])
    same = (
        np.allclose(psi_a, psi_b, rtol=1e-12, atol=1e-15)
        and np.allclose(d_a, d_b, rtol=0, atol=1e-15)
        and np.allclose(p_a, p_b, rtol=1e-10, atol=1e-300)
    )
    prof = ReferenceProfile().fit(ref[:k]).score(cur[:k], "exact")
    same = (
        same
        and np.allclose(prof["psi"], psi_b, rtol=1e-12, atol=1e-15)
        and np.allclose(prof["ks_d"], d_b, rtol=0, atol=1e-15)
        and np.allclose(prof["ks_p"], p_b, rtol=1e-10, atol=1e-300)
    )
    log.info(
        f"drift bench: {args.rows:,} rows x {args.features} features vs a reference of the same size; "
        f"identical to the per-feature version on {k:,} rows: {same}"
    )
    fitted = NumericDrift().fit(ref)
    profile = ReferenceProfile().fit(ref)
    t_naive, t_exact, _ = compare(
        lambda: naive_drift(ref, cur), lambda: ours(ref, cur, "exact"), repeats=args.repeats, warmup=0
    )
    t_limit, t_score, _ = compare(
        lambda: ours(ref, cur, "limit"),
        lambda: fitted.score(cur, "limit"),
        repeats=args.repeats,
        warmup=0,
    )
    _, t_profile, _ = compare(
        lambda: fitted.score(cur, "limit"),
        lambda: profile.score(cur, "limit"),
        repeats=args.repeats,
        warmup=0,
    )
    for name, t in (
        ("per-feature (naive)", t_naive),
        ("ours, exact p", t_exact),
        ("ours, limit p", t_limit),
        ("ours, score only", t_score),
        ("profile, score only", t_profile),
    ):
        log.info(
            f"  {name:20s} {t.median:8.3f} s  {args.rows / t.median:14,.0f} rows/s  "
            f"x{t_naive.median / t.median:5.1f} vs per-feature"
        )
    log.info(f"  (medians of {args.repeats} interleaved repeats in this run)")
    from systems.core.bench import record

    if (args.rows, args.features) == (1_000_000, 20):
        record("drift_psi_ks_seconds_1m_x20", t_profile.median)
    record("drift_speedup_vs_loop", t_naive.median / t_profile.median)
    record("drift_profile_speedup_vs_sorting", t_score.median / t_profile.median)
    record("drift_identical_to_per_feature", float(same))
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
