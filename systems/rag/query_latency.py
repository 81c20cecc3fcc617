"""Query encoding at the limit: which encoder variant meets the latency goal without losing quality.

Hybrid search waits for the slower of its two branches, and the dense branch is almost all
query encoding (FAISS over a few thousand chunks takes well under a millisecond). So the
hybrid p95 is set by how one query goes through MiniLM. The study measures each variant

    kind    fp32 | int8        (torch dynamic INT8 of every Linear, ``systems.core.encoder``)
    path    encode | forward | traced | onnx
                               (sentence-transformers ``encode`` | bare eager forward under
                                inference_mode | the same as a frozen TorchScript trace;
                                ``systems.rag.query_encoder`` | the FP32 transformer in ONNX
                                Runtime, ``systems.rag.onnx_encoder``; INT8 does not export)
    threads 1 | 2              (PyTorch or ONNX Runtime intra-op threads)

on the same questions and reports per variant:

    encode p50 / p95 ms     one query at a time, wall clock (validation and test queries)
    nDCG@10 (hybrid)        validation and test questions, scored with the very query
                            vectors produced while timing; chunk vectors always FP32 (the
                            index is not rebuilt)
    test delta              mean over test questions of nDCG(variant) - nDCG(baseline),
                            with a t interval over questions (paired: same questions)

Baseline: FP32 through ``encode`` with the process's threads, i.e. the model as shipped.
Rule: the chosen variant is the one with the lowest encode p50 among the *eligible* ones,
those whose loss is shown to be within ``max_ndcg_loss`` (0.005) on the validation questions:

    d_q = nDCG@10_q(variant) - nDCG@10_q(baseline)     validation questions, paired
    eligible  <=>  low end of the 95% t interval of mean(d) >= -max_ndcg_loss

(A variant with identical rankings has d = 0 and is eligible.) An earlier rule compared the
validation means only; with 48 questions it admitted the INT8 model, whose per-question
differences (standard deviation about 0.12, both signs) bound its mean only to about
+-0.011 even on 450 questions (seeds 0 and 1). Test questions only report; they choose nothing.

Quality check of the choice: 50 test questions give a delta interval some +-0.03 wide, far
too wide to show a loss under 0.005. The encoders learn nothing from any question, so every
question that did not take part in the choice (test plus the ``held_out`` train questions)
is a fair sample. On all of them, each encoded alone as in timing,

    d_q = nDCG@10_q(chosen) - nDCG@10_q(baseline),   CI = t interval of mean(d)
    within the goal  <=>  CI low >= -max_ndcg_loss     (non-inferiority: a gain is no failure)

End to end: hybrid search (dense and BM25 concurrently, RRF, roll-up) with the baseline and
the chosen encoder, without and with a warm query-embedding cache (a repeated query skips
encoding; how often queries repeat is the cache replay's business, RAG-10).

Timing order: blocks of 25 consecutive queries per variant, the variants taking turns block
by block (who goes first rotates), each block after one untimed call. A server runs one
encoder, whose weights stay as warm in cache as its own traffic keeps them. Interleaving the
ten variants query by query instead made each start from caches full of the others' weights
(about 45 MB per FP32 model against a 32 MB L3): ONNX FP32 on 2 threads took p50 6.3 ms that
way and 4.7 ms in a process of its own. Turns of a block still spread slow drifts of machine
load over all variants.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import numpy as np

from systems.core.uncertainty import paired_mean_ci
from systems.rag import experiments as X
from systems.rag.cache import EmbeddingCacheAdapter, TTLCache
from systems.rag.embedding import Encoder
from systems.rag.onnx_encoder import OnnxQueryEncoder
from systems.rag.query_encoder import ForwardQueryEncoder

BASELINE = "fp32 encode"
BLOCK = 25  # consecutive queries per variant when timing (see the module docstring)


@dataclass(frozen=True)
class Variant:
    """One way of encoding a query."""

    kind: str  # fp32 | int8
    path: str  # encode | forward
    threads: int | None  # None: the process's setting

    @property
    def name(self) -> str:
        return f"{self.kind} {self.path}" + ("" if self.threads is None else f" {self.threads}t")


def variants(max_threads: int = 2) -> list[Variant]:
    """Per kind: ``encode`` as shipped, the eager forward on 1 thread, the trace on 1..max threads.

    Each step removes one layer of overhead (sentence-transformers' bookkeeping, then eager
    dispatch), and the threads show whether one short query can use a second core.
    """
    out = []
    for kind in ("fp32", "int8"):
        out += [Variant(kind, "encode", None), Variant(kind, "forward", 1)]
        out += [Variant(kind, "traced", t) for t in range(1, max_threads + 1)]
    out += [Variant("fp32", "onnx", t) for t in range(1, max_threads + 1)]  # INT8 does not export
    return out


@dataclass(frozen=True)
class VariantRow:
    """Speed and quality of one variant."""

    variant: str
    encode_p50_ms: float
    encode_p95_ms: float
    val_ndcg_at_10: float
    test_ndcg_at_10: float
    test_delta: float  # vs the baseline, same test questions
    test_delta_lo: float
    test_delta_hi: float
    val_delta_lo: float  # low end of the validation delta's interval
    eligible: bool  # val_delta_lo >= -max_ndcg_loss


@dataclass(frozen=True)
class ChoiceCheck:
    """The chosen variant against the baseline on every question that chose nothing."""

    n_questions: int
    delta: float  # mean paired nDCG@10 difference, chosen - baseline
    delta_lo: float
    delta_hi: float
    max_ndcg_loss: float

    @property
    def within_loss(self) -> bool:
        """The whole interval lies above -max_ndcg_loss."""
        return self.delta_lo >= -self.max_ndcg_loss


@dataclass(frozen=True)
class QueryLatencyStudy:
    """Every variant, the chosen one and end-to-end hybrid latency (ms)."""

    rows: tuple[VariantRow, ...]
    chosen: str
    max_ndcg_loss: float
    hybrid_p50_ms_baseline: float
    hybrid_p95_ms_baseline: float
    hybrid_p50_ms: float  # chosen encoder
    hybrid_p95_ms: float
    hybrid_p95_ms_cached: float  # chosen encoder, every query already in the embedding cache
    n_timed: int
    check: ChoiceCheck
    baseline: str = BASELINE

    def row(self, variant: str) -> VariantRow:
        for r in self.rows:
            if r.variant == variant:
                return r
        raise KeyError(f"no variant {variant!r} in the query-latency study")

    def table(self) -> list[dict]:
        return [{**asdict(r), "chosen": r.variant == self.chosen} for r in self.rows]


def make_encoder(models: dict[str, object], v: Variant):
    """A sentence-transformers-compatible encoder for variant ``v`` (``models`` by kind)."""
    model = models[v.kind]
    if v.path == "encode":
        return model
    if v.path == "onnx":
        return OnnxQueryEncoder(model, threads=v.threads)
    return ForwardQueryEncoder(model, threads=v.threads, traced=v.path == "traced")


def serving_encoder(models: dict[str, object], name: str, max_threads: int = 2):
    """The encoder a server would run for variant ``name`` (the study's choice), built anew."""
    by_name = {v.name: v for v in variants(max_threads)}
    if name not in by_name:
        raise ValueError(f"unknown query-encoding variant {name!r}; use one of {', '.join(by_name)}")
    return make_encoder(models, by_name[name])


def block_schedule(names: list[str], n: int, block: int) -> list[tuple[str, range]]:
    """Run order: (variant, query indices) over blocks of ``block`` consecutive queries.

    Every variant runs every block; who goes first rotates block by block, so a slow drift
    of machine load falls on all variants alike.
    """
    if block < 1:
        raise ValueError(f"block must be >= 1, got {block}")
    out = []
    for b, start in enumerate(range(0, n, block)):
        queries, k = range(start, min(start + block, n)), b % len(names)
        out += [(name, queries) for name in names[k:] + names[:k]]
    return out


def encode_times_ms(
    encoders: dict[str, object], queries: list[str], block: int = BLOCK
) -> tuple[dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
    """Per-variant wall-clock ms of encoding each query alone, in blocks (``block_schedule``).

    Each block starts with one untimed call, as a server's previous request would have warmed
    it. Returns the times, shape (n_queries,) per variant in query order, and the vectors each
    variant produced ({variant: {query: (1, dim)}}), so quality is judged on exactly the
    vectors that were timed.
    """
    times = {n: np.zeros(len(queries)) for n in encoders}
    vectors: dict[str, dict[str, np.ndarray]] = {n: {} for n in encoders}
    for name, idx in block_schedule(list(encoders), len(queries), block):
        encoder = encoders[name]
        encoder.encode([queries[idx[0]]], batch_size=1, show_progress_bar=False)
        for i in idx:
            t0 = time.perf_counter()
            v = encoder.encode([queries[i]], batch_size=1, show_progress_bar=False)
            times[name][i] = 1e3 * (time.perf_counter() - t0)
            vectors[name][queries[i]] = np.asarray(v, dtype=np.float32).reshape(1, -1)
    return times, vectors


class _Lookup:
    """Serves the vectors a variant produced while it was timed (sentence-transformers API)."""

    def __init__(self, vectors: dict[str, np.ndarray]):
        self.vectors = vectors

    def encode(self, texts, batch_size=None, show_progress_bar=False, **_):
        missing = [t for t in texts if t not in self.vectors]
        if missing:
            raise KeyError(f"query {missing[0]!r} was not encoded during timing")
        return np.vstack([self.vectors[t] for t in texts])


def hybrid_ndcg(retriever, encoder, questions) -> np.ndarray:
    """Per-question hybrid nDCG@10 (sorted by question id) with ``encoder`` for the queries."""
    saved, cache = retriever.encoder, retriever.embed_cache
    retriever.encoder = Encoder(encoder, tag="query-latency-study", progress=False)
    retriever.embed_cache = None
    try:
        return X.evaluate_modes(retriever, questions, ["hybrid"], answers=False)["hybrid"].ndcg_at_10
    finally:
        retriever.encoder, retriever.embed_cache = saved, cache


def hybrid_times_ms(
    retriever, encoders: dict[str, object], queries: list[str], cached: str | None = None, block: int = BLOCK
):
    """End-to-end concurrent hybrid ms per query for each encoder, in blocks (``block_schedule``).

    ``cached`` names an extra entry: the chosen encoder behind a warm embedding cache.
    """
    saved, cache = retriever.encoder, retriever.embed_cache
    runs = {n: (Encoder(e, tag=n, progress=False), None) for n, e in encoders.items()}
    if cached is not None:
        warm = EmbeddingCacheAdapter(TTLCache(ttl=3600.0))
        runs[f"{cached} cached"] = (runs[cached][0], warm)
    out = {n: np.zeros(len(queries)) for n in runs}
    try:
        if cached is not None:  # every query already in the cache
            retriever.encoder, retriever.embed_cache = runs[f"{cached} cached"]
            for q in queries:
                retriever.search(q, "hybrid", concurrent=True)
        for name, idx in block_schedule(list(runs), len(queries), block):
            retriever.encoder, retriever.embed_cache = runs[name]
            retriever.search(queries[idx[0]], "hybrid", concurrent=True)  # untimed warm-up
            for i in idx:
                out[name][i] = 1e3 * retriever.search(queries[i], "hybrid", concurrent=True).timings["total"]
    finally:
        retriever.encoder, retriever.embed_cache = saved, cache
    return out


def encode_each(encoder, texts: list[str]) -> _Lookup:
    """Each text encoded alone (batch of one, as when timing), served back by text."""
    return _Lookup(
        {t: np.asarray(encoder.encode([t], batch_size=1), dtype=np.float32).reshape(1, -1) for t in texts}
    )


def paired_delta(d: np.ndarray) -> tuple[float, float, float]:
    """Mean of paired differences with its 95% t interval; no spread gives a point interval."""
    ci = paired_mean_ci(d)
    return float(d.mean()), ci.low, ci.high


def eligible(val_d: np.ndarray, max_ndcg_loss: float) -> tuple[float, bool]:
    """(low end of the interval of mean(val_d), whether it is >= -max_ndcg_loss)."""
    lo = paired_delta(val_d)[1]
    return lo, bool(lo >= -max_ndcg_loss)


def check_choice(retriever, encoders, chosen: str, test_d: np.ndarray, held_out, max_ndcg_loss: float):
    """``ChoiceCheck`` over the test differences plus the held-out questions, encoded here."""
    d = [test_d]
    if held_out and chosen != BASELINE:
        texts = [q.text for q in held_out]
        nd = {
            n: hybrid_ndcg(retriever, encode_each(encoders[n], texts), held_out) for n in (BASELINE, chosen)
        }
        d.append(nd[chosen] - nd[BASELINE])
    elif held_out:
        d.append(np.zeros(len(held_out)))
    diffs = np.concatenate(d)
    mean, lo, hi = paired_delta(diffs)
    return ChoiceCheck(len(diffs), mean, lo, hi, max_ndcg_loss)


def choose(rows: list[VariantRow]) -> VariantRow:
    """The eligible variant with the lowest encode p50 (the baseline is always eligible)."""
    return min((r for r in rows if r.eligible), key=lambda r: r.encode_p50_ms)


def query_latency_study(
    retriever,
    models: dict[str, object],
    val,
    test,
    max_ndcg_loss: float = 0.005,
    max_threads: int = 2,
    only: list[Variant] | None = None,
    held_out=(),
) -> QueryLatencyStudy:
    """Run the study (see module docstring); ``models`` maps "fp32"/"int8" to loaded models.

    ``only`` restricts the variants (it must include the baseline); default: ``variants()``.
    ``held_out``: questions besides ``test`` that choose nothing, for the choice's quality check.
    """
    vs = variants(max_threads) if only is None else list(only)
    if BASELINE not in {v.name for v in vs}:
        raise ValueError(f"the variants must include the baseline {BASELINE!r}")
    encoders = {v.name: make_encoder(models, v) for v in vs}
    timed_queries = [q.text for q in val + test]  # timing reads no labels: both splits
    times, vectors = encode_times_ms(encoders, timed_queries)
    val_nd = {n: hybrid_ndcg(retriever, _Lookup(vectors[n]), val) for n in encoders}
    test_nd = {n: hybrid_ndcg(retriever, _Lookup(vectors[n]), test) for n in encoders}
    rows = []
    for n in encoders:
        delta, lo, hi = paired_delta(test_nd[n] - test_nd[BASELINE])
        val_lo, ok = eligible(val_nd[n] - val_nd[BASELINE], max_ndcg_loss)
        rows.append(
            VariantRow(
                variant=n,
                encode_p50_ms=float(np.percentile(times[n], 50)),
                encode_p95_ms=float(np.percentile(times[n], 95)),
                val_ndcg_at_10=float(val_nd[n].mean()),
                test_ndcg_at_10=float(test_nd[n].mean()),
                test_delta=delta,
                test_delta_lo=lo,
                test_delta_hi=hi,
                val_delta_lo=val_lo,
                eligible=ok,
            )
        )
    chosen = choose(rows).variant
    check = check_choice(
        retriever, encoders, chosen, test_nd[chosen] - test_nd[BASELINE], list(held_out), max_ndcg_loss
    )
    timed = {BASELINE: encoders[BASELINE], chosen: encoders[chosen]}  # one entry if chosen is the baseline
    lat = hybrid_times_ms(retriever, timed, timed_queries, cached=chosen)
    return QueryLatencyStudy(
        rows=tuple(rows),
        chosen=chosen,
        max_ndcg_loss=max_ndcg_loss,
        hybrid_p50_ms_baseline=float(np.percentile(lat[BASELINE], 50)),
        hybrid_p95_ms_baseline=float(np.percentile(lat[BASELINE], 95)),
        hybrid_p50_ms=float(np.percentile(lat[chosen], 50)),
        hybrid_p95_ms=float(np.percentile(lat[chosen], 95)),
        hybrid_p95_ms_cached=float(np.percentile(lat[f"{chosen} cached"], 95)),
        n_timed=len(timed_queries),
        check=check,
    )
