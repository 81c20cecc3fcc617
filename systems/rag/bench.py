"""``make bench`` for RAG: IVF vs Flat at 1M vectors, batched vs single encoding, bm25s vs rank-bm25.

Every ratio is measured side by side in this run (``systems.core.timing.compare``):

    RAG-03  IVF vs Flat: the project's MiniLM vectors of the knowledge base (cached by
            ``make rag``) next to the generator fitted to them (spectrum and neighbour
            profile, see ivf_sweep.py) and the old 1,000-topic generator at equal n, all
            with one stated nlist/nprobe rule; then 1,000,000 calibrated vectors
    RAG-02  texts/s encoding 32 chunks in one batch vs one at a time (all-MiniLM-L6-v2, CPU)
    keyword queries/s of bm25s vs rank-bm25 on the same 20,000 synthetic chunks and tokens
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np

from systems.core.bench import record
from systems.core.report import markdown_table
from systems.core.timing import compare, measure

log = logging.getLogger(__name__)


def bench_ivf(n: int, n_queries: int, seed: int, cache_dir: Path) -> list[dict]:
    """Real MiniLM vectors vs the calibrated and the old generator at equal n, then n synthetic.

    Rule (stated before measuring): nlist = 4 sqrt(n) rounded to a power of two; nprobe = the
    smallest power of two whose recall@10 on held-out calibration queries reaches 0.95;
    recall@10 and the speed-up over Flat are then measured on separate test queries.
    """
    from systems.rag.ivf_sweep import (
        calibrated_vectors,
        clustered_vectors,
        fit_generator,
        ivf_rule_sweep,
        load_real_vectors,
    )

    real = load_real_vectors(cache_dir)
    if real is None:
        log.info(
            "  no MiniLM vectors under %s: run `make rag` first (it caches them); IVF calibration skipped",
            cache_dir,
        )
        return []
    rng = np.random.default_rng(seed)
    real = real[rng.permutation(len(real))]
    nq = min(200, len(real) // 10)  # calibration and test queries, each
    base = real[: -2 * nq]
    cal = fit_generator(base, seed=seed)
    log.info(
        "  generator fitted on %d real vectors: between-topic share w = %s, %s vectors per topic",
        len(base),
        cal.between_share,
        cal.per_topic,
    )
    log.info(
        "  NN cosine quantiles (10/50/90%% of the 1st, 10th, 100th neighbour)\n    real       %s\n"
        "    calibrated %s",
        np.round(cal.profile_real, 3),
        np.round(cal.profile_fit, 3),
    )

    def split(x):
        return x[: -2 * nq], x[-2 * nq : -nq], x[-nq:]

    sets = {
        "real MiniLM (KB)": real,
        "calibrated synthetic": calibrated_vectors(len(real), cal, np.random.default_rng(seed + 1)),
        "old 1000-topic synthetic": clustered_vectors(
            len(real), real.shape[1], 1000, 1.0, np.random.default_rng(seed + 1)
        ),
    }
    rows = []
    for name, x in sets.items():
        r = ivf_rule_sweep(*split(x), seed=seed)
        rows.append(
            {
                "vectors": name,
                "n": r.n,
                "nlist": r.nlist,
                "nprobe_rule": r.nprobe,
                "recall_at_nprobe_1": r.calibration_curve[0][1],
                "recall_at_10": r.recall_at_10,
                "speedup_vs_flat": r.speedup_vs_flat,
            }
        )
    key = dict(zip(sets, ("real", "calibrated", "old"), strict=True))
    for row in rows:
        record(f"ivf_{key[row['vectors']]}_equal_n_recall_at_nprobe1", row["recall_at_nprobe_1"])
        record(f"ivf_{key[row['vectors']]}_equal_n_nprobe_rule", row["nprobe_rule"])
    log.info("  at equal n (%d vectors), same rule on each:", rows[0]["n"])
    log.info("%s", markdown_table(rows))
    big = calibrated_vectors(n + 2 * n_queries, cal, np.random.default_rng(seed + 2))
    r = ivf_rule_sweep(big[:n], big[n : n + n_queries], big[n + n_queries :], seed=seed)
    log.info(
        "  calibrated synthetic, n = %s: nlist %d, nprobe %d (rule), recall@10 %.3f, %.1fx faster than "
        "Flat; calibration curve %s",
        f"{n:,}",
        r.nlist,
        r.nprobe,
        r.recall_at_10,
        r.speedup_vs_flat,
        [(p, round(v, 3)) for p, v in r.calibration_curve],
    )
    record("ivf_recall_at_10", r.recall_at_10)
    record("ivf_speedup_vs_flat", r.speedup_vs_flat)
    record("ivf_nlist", r.nlist)
    record("ivf_nprobe", r.nprobe)
    record("ivf_vectors", n)
    return rows


def bench_encoding(seed: int) -> float:
    from data.member_kb import generate
    from systems.rag.embedding import load_model

    model = load_model()
    texts = [d.text[:600] for d in generate(8, 20, 20, 10, seed=seed).documents][:32]
    batched = lambda: model.encode(texts, batch_size=len(texts), show_progress_bar=False)  # noqa: E731
    single = lambda: [model.encode([t], batch_size=1, show_progress_bar=False) for t in texts]  # noqa: E731
    tb, ts, ratio = compare(batched, single, repeats=3, warmup=1)
    record("batch_encode_speedup", 1 / ratio)
    one = measure(
        lambda: model.encode(["what does my plan cover for hearing aids"], show_progress_bar=False),
        repeats=30,
        warmup=3,
    )
    record("query_encode_p50_ms", one.median_ms)
    log.info("  one short query: p50 %.1f ms, p95 %.1f ms", one.median_ms, 1e3 * one.p95)
    log.info(
        "  encoding %d texts: batched %.1f/s, one at a time %.1f/s -> batching %.2fx faster",
        len(texts),
        len(texts) / tb.median,
        len(texts) / ts.median,
        1 / ratio,
    )
    return 1 / ratio


def bench_bm25(seed: int, n_docs: int = 20_000) -> float:
    from data.member_kb import DRUGS
    from systems.rag.keyword import BM25Index

    rng = np.random.default_rng(seed)
    vocab = list(DRUGS) + [f"term{i}" for i in range(3000)]
    docs = [" ".join(rng.choice(vocab, size=int(rng.integers(20, 120)))) for _ in range(n_docs)]
    queries = [" ".join(rng.choice(vocab, size=4)) for _ in range(50)]
    fast, ref = BM25Index(engine="bm25s").fit(docs), BM25Index(engine="rank_bm25").fit(docs)
    tf, tr, ratio = compare(
        lambda: [fast.search(q, 20) for q in queries],
        lambda: [ref.search(q, 20) for q in queries],
        repeats=3,
        warmup=1,
    )
    record("bm25s_speedup_vs_rank_bm25", 1 / ratio)
    # Same tokens and the same BM25 variant on both sides, so the top 10 should agree.
    overlap = np.mean([len(set(fast.search(q, 10)[0]) & set(ref.search(q, 10)[0])) / 10 for q in queries])
    record("bm25s_top10_overlap", overlap)
    log.info("  top-10 agreement bm25s vs rank-bm25: %.3f", overlap)
    log.info(
        "  BM25 on %d docs: bm25s %.0f q/s, rank-bm25 %.1f q/s -> bm25s %.0fx faster",
        n_docs,
        len(queries) / tf.median,
        len(queries) / tr.median,
        1 / ratio,
    )
    return 1 / ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m systems.rag.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--vectors", type=int, default=1_000_000, help="vectors in the IVF sweep")
    parser.add_argument("--queries", type=int, default=500, help="calibration and test queries (each)")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(".cache/rag"),
        help="MiniLM vectors cached by `make rag` (the real side of the calibration)",
    )
    args = parser.parse_args(argv)
    log.info("rag bench: IVF vs Flat (RAG-03)")
    bench_ivf(args.vectors, args.queries, args.seed, args.cache_dir)
    log.info("rag bench: embedding batched vs one at a time (RAG-02)")
    bench_encoding(args.seed)
    log.info("rag bench: bm25s vs rank-bm25")
    bench_bm25(args.seed)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    raise SystemExit(main())
