"""``make bench`` for RAG: IVF vs Flat at 1M vectors, batched vs single encoding, bm25s vs rank-bm25.

Every ratio is measured side by side in this run (``systems.core.timing.compare``):

    RAG-03  IVF vs Flat: the project's MiniLM vectors of the knowledge base (cached by
            ``make rag``) next to the generator fitted to them (spectrum and neighbour
            profile, see ivf_sweep.py) and the old 1,000-topic generator at equal n, all
            with one stated nlist/nprobe rule; then 1,000,000 calibrated vectors
    RAG-02  the run's own encoding stage on the quick knowledge base: one padded batch and
            length-sorted batches vs one text at a time, and the query-encoding variants
            (FP32/INT8, encode/bare forward, 1/2 threads) with end-to-end hybrid p95
    keyword queries/s of bm25s vs rank-bm25 on the same 20,000 synthetic chunks and tokens
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np

from systems.core.bench import record
from systems.core.report import markdown_table
from systems.core.timing import compare

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


def bench_encoding(seed: int, cache_dir: Path) -> None:
    """RAG-02's own stage (``kb_run.encoding_speeds``) on the quick knowledge base."""
    from systems.rag.config import RagConfig
    from systems.rag.kb_run import build_index, encoding_speeds, load_corpus, tune_bm25_units

    cfg = RagConfig(seed=seed, cache_dir=cache_dir)
    kc = load_corpus(cfg)
    index = build_index(cfg, kc, *tune_bm25_units(cfg, kc))
    index.retriever.encoder = kc.encoder
    try:
        speeds = encoding_speeds(cfg, kc, index)
    finally:
        index.retriever.close()
    m, q = speeds.throughput, speeds.queries
    base, chosen = q.row(q.baseline), q.row(q.chosen)
    record("batch_encode_speedup", m.batch_speedup)
    record("batch_encode_speedup_lo", m.batch_speedup_lo)
    record("padded_batch_encode_speedup", m.padded_speedup)
    record("query_encode_p50_ms", chosen.encode_p50_ms)
    record("query_encode_p50_ms_fp32", base.encode_p50_ms)
    record("query_ndcg_delta_vs_fp32", q.check.delta)  # every question that chose nothing
    record("query_ndcg_delta_vs_fp32_lo", q.check.delta_lo)
    record("query_ndcg_delta_questions", q.check.n_questions)
    record("hybrid_p95_ms", q.hybrid_p95_ms)
    record("hybrid_p95_ms_fp32", q.hybrid_p95_ms_baseline)
    record("hybrid_p95_ms_cached", q.hybrid_p95_ms_cached)
    log.info("\n%s", markdown_table(q.table()))
    log.info(
        "  chosen %r: encode p50 %.1f ms (FP32 as shipped %.1f), hybrid p95 %.1f ms (FP32 %.1f, "
        "cached %.1f), nDCG@10 delta %+.4f [%+.4f, %+.4f] on %d questions that chose nothing "
        "(goal: interval above -%.3f)",
        q.chosen,
        chosen.encode_p50_ms,
        base.encode_p50_ms,
        q.hybrid_p95_ms,
        q.hybrid_p95_ms_baseline,
        q.hybrid_p95_ms_cached,
        q.check.delta,
        q.check.delta_lo,
        q.check.delta_hi,
        q.check.n_questions,
        q.check.max_ndcg_loss,
    )
    log.info(
        "  %d chunks: one at a time %.1f/s, one padded batch %.1f/s (%.0f%% padding), "
        "length-sorted batches of %d %.1f/s (%.0f%% padding; %.2fx one at a time [%.2f, %.2f])",
        m.n_texts,
        m.docs_per_s_single,
        m.docs_per_s_padded,
        100 * m.padded_share_padded,
        m.sorted_batch_size,
        m.docs_per_s_sorted,
        100 * m.padded_share_sorted,
        m.batch_speedup,
        m.batch_speedup_lo,
        m.batch_speedup_hi,
    )


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
    log.info("rag bench: corpus batching and query-encoding variants (RAG-02)")
    bench_encoding(args.seed, args.cache_dir)
    log.info("rag bench: bm25s vs rank-bm25")
    bench_bm25(args.seed)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    raise SystemExit(main())
