"""``make bench`` for RAG: IVF vs Flat at 1M vectors, batched vs single encoding, bm25s vs rank-bm25.

Every ratio is measured side by side in this run (``systems.core.timing.compare``):

    RAG-03  recall@10 vs Flat and ms/query over nlist {128, 256, 512} x nprobe {1, 5, 10, 20}
            on 1,000,000 clustered unit vectors of dim 384 (embedding-shaped; see ivf_sweep.py)
    RAG-02  texts/s encoding 32 chunks in one batch vs one at a time (all-MiniLM-L6-v2, CPU)
    keyword queries/s of bm25s vs rank-bm25 on the same 20,000 synthetic chunks and tokens
"""

from __future__ import annotations

import argparse

import numpy as np

from systems.core.bench import record
from systems.core.report import markdown_table
from systems.core.timing import compare, measure


def bench_ivf(n: int, n_queries: int, seed: int) -> list[dict]:
    from systems.rag.ivf_sweep import sweep

    rows = sweep(n, n_queries, seed=seed, progress=lambda nl: print(f"  nlist {nl} done", flush=True))
    print(markdown_table(rows))
    flat = rows[0]["ms_per_query"]
    # The setting judged is the story's (nlist 256, nprobe 10), stated before the sweep.
    story = next(r for r in rows if (r["nlist"], r["nprobe"]) == (256, 10))
    record("ivf_recall_at_10", story["recall_at_10"])
    record("ivf_speedup_vs_flat", flat / story["ms_per_query"])
    for r in rows[1:]:
        if r["nprobe"] == 10:
            print(f"  nlist {r['nlist']}, nprobe 10: {flat / r['ms_per_query']:.1f}x faster than Flat, "
                  f"recall@10 {r['recall_at_10']:.3f}, scans {r['searched_fraction']:.1%}")
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
    one = measure(lambda: model.encode(["what does my plan cover for hearing aids"], show_progress_bar=False),
                  repeats=30, warmup=3)
    record("query_encode_p50_ms", one.median_ms)
    print(f"  one short query: p50 {one.median_ms:.1f} ms, p95 {1e3 * one.p95:.1f} ms")
    print(f"  encoding 32 texts: batched {len(texts) / tb.median:.1f}/s, one at a time "
          f"{len(texts) / ts.median:.1f}/s -> batching {1 / ratio:.2f}x faster")
    return 1 / ratio


def bench_bm25(seed: int, n_docs: int = 20_000) -> float:
    from data.member_kb import DRUGS
    from systems.rag.keyword import BM25Index

    rng = np.random.default_rng(seed)
    vocab = list(DRUGS) + [f"term{i}" for i in range(3000)]
    docs = [" ".join(rng.choice(vocab, size=int(rng.integers(20, 120)))) for _ in range(n_docs)]
    queries = [" ".join(rng.choice(vocab, size=4)) for _ in range(50)]
    fast, ref = BM25Index(engine="bm25s").fit(docs), BM25Index(engine="rank_bm25").fit(docs)
    tf, tr, ratio = compare(lambda: [fast.search(q, 20) for q in queries],
                            lambda: [ref.search(q, 20) for q in queries], repeats=3, warmup=1)
    record("bm25s_speedup_vs_rank_bm25", 1 / ratio)
    # Same tokens and the same BM25 variant on both sides, so the top 10 should agree.
    overlap = np.mean([len(set(fast.search(q, 10)[0]) & set(ref.search(q, 10)[0])) / 10 for q in queries])
    record("bm25s_top10_overlap", overlap)
    print(f"  top-10 agreement bm25s vs rank-bm25: {overlap:.3f}")
    print(f"  BM25 on {n_docs} docs: bm25s {len(queries) / tf.median:.0f} q/s, rank-bm25 "
          f"{len(queries) / tr.median:.1f} q/s -> bm25s {1 / ratio:.0f}x faster")
    return 1 / ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m systems.rag.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--vectors", type=int, default=1_000_000, help="vectors in the IVF sweep")
    parser.add_argument("--queries", type=int, default=500, help="queries in the IVF sweep")
    args = parser.parse_args(argv)
    print("rag bench: IVF vs Flat (RAG-03)", flush=True)
    bench_ivf(args.vectors, args.queries, args.seed)
    print("rag bench: embedding batched vs one at a time (RAG-02)", flush=True)
    bench_encoding(args.seed)
    print("rag bench: bm25s vs rank-bm25", flush=True)
    bench_bm25(args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
