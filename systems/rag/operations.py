"""Serving experiments: latency per stage, fallbacks, blue-green swaps.

Latency (RAG-11): each query runs the hybrid path twice, dense and BM25 one after the
other and concurrently (BM25 on a worker thread while the dense branch runs on the calling
thread; FAISS, numpy and torch release the GIL during their kernels, so the two can
overlap), alternating which path goes first; p50/p95 of every stage and of the whole call.
Whether overlap helps is decided on the same queries: d_q = retrieve_q(concurrent) -
retrieve_q(sequential), with a t interval of mean(d); faster only if the interval is below 0.
In both paths torch runs on the calling thread: its intra-op threads serve the thread that
started them, and a 2-thread encode from a pool thread was 2.5x slower, which must not
pass for (or hide) the benefit of overlap.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass

import numpy as np

from systems.core.ledger import Interval
from systems.core.uncertainty import paired_mean_ci
from systems.rag.keyword import BM25Index
from systems.rag.lifecycle import IndexSlots
from systems.rag.retriever import HybridRetriever, RetrievalUnavailable, normalise


@dataclass(frozen=True)
class StageLatency:
    """p50/p95 milliseconds of one stage of one path (``sequential`` or ``concurrent``)."""

    path: str
    stage: str
    p50_ms: float
    p95_ms: float
    n: int


@dataclass(frozen=True)
class LatencyTable:
    """Every stage of both hybrid paths (RAG-11)."""

    rows: tuple[StageLatency, ...]
    # concurrent - sequential retrieve ms, paired by query: mean and its 95% t interval
    retrieve_diff_ms: float
    retrieve_diff: Interval

    def p50(self, path: str, stage: str) -> float:
        return self._row(path, stage).p50_ms

    def p95(self, path: str, stage: str) -> float:
        return self._row(path, stage).p95_ms

    def _row(self, path: str, stage: str) -> StageLatency:
        for r in self.rows:
            if (r.path, r.stage) == (path, stage):
                return r
        raise KeyError(f"no latency measured for stage {stage!r} of the {path} path")

    def table(self) -> list[dict]:
        return [asdict(r) for r in self.rows]

    def to_json(self) -> dict[str, float]:
        """Flat ``{path}_{stage}_p50_ms`` / ``_p95_ms`` figures for metrics.json."""
        out = {}
        for r in self.rows:
            out[f"{r.path}_{r.stage}_p50_ms"], out[f"{r.path}_{r.stage}_p95_ms"] = r.p50_ms, r.p95_ms
        return out


def latency_table(retriever: HybridRetriever, queries: list[str]) -> LatencyTable:
    """p50/p95 ms per stage for sequential and concurrent hybrid search."""
    retriever.search(queries[0], "hybrid")  # warm-up: thread pool, first FAISS call
    samples = {"sequential": {}, "concurrent": {}}
    paths = (("sequential", False), ("concurrent", True))
    for i, q in enumerate(queries):
        for name, conc in paths if i % 2 == 0 else paths[::-1]:  # alternate which path goes first
            t = retriever.search(q, "hybrid", concurrent=conc).timings
            for stage, v in t.items():
                samples[name].setdefault(stage, []).append(1e3 * v)
    d = np.asarray(samples["concurrent"]["retrieve"]) - np.asarray(samples["sequential"]["retrieve"])
    return LatencyTable(
        tuple(
            StageLatency(name, stage, float(np.percentile(v, 50)), float(np.percentile(v, 95)), len(v))
            for name, stages in samples.items()
            for stage, v in stages.items()
        ),
        float(d.mean()),
        paired_mean_ci(d),
    )


class _Broken:
    def __init__(self, what: str):
        self.what = what

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise RuntimeError(f"{self.what} is down (injected failure)")

        return fail


@dataclass(frozen=True)
class FallbackDrill:
    """Each injected failure and whether the user still got the promised answer (1.0) or not (RAG-12)."""

    dense_down_served_by_bm25: float
    both_down_served_popular: float
    both_down_novel_clear_error: float
    bm25_down_served_by_dense: float


def fallback_drill(retriever: HybridRetriever, popular_query: str, novel_query: str) -> FallbackDrill:
    """Inject each failure of the chain and record what the user gets."""
    out = {}
    enc, bm = retriever.encoder, retriever.bm25
    popular = retriever.popular
    try:
        retriever.encoder = _Broken("dense encoder")
        res = retriever.search(novel_query, "hybrid")
        out["dense_down_served_by_bm25"] = float(res.mode == "bm25_fallback" and len(res.docs) > 0)
        retriever.bm25 = _Broken("bm25")
        retriever.popular = {normalise(popular_query): [("cached-answer", 1.0)]} | popular
        res = retriever.search(popular_query, "hybrid")
        out["both_down_served_popular"] = float(res.mode == "popular")
        try:
            retriever.search(novel_query, "hybrid")
            out["both_down_novel_clear_error"] = 0.0
        except RetrievalUnavailable as err:
            out["both_down_novel_clear_error"] = float("both retrievers failed" in str(err))
        retriever.encoder = enc
        res = retriever.search(novel_query, "hybrid")
        out["bm25_down_served_by_dense"] = float(res.mode == "dense_fallback" and len(res.docs) > 0)
    finally:
        retriever.encoder, retriever.bm25, retriever.popular = enc, bm, popular
    return FallbackDrill(**out)


class _Snapshot:
    """A keyword index plus a completeness marker written last (what a reader must see set)."""

    def __init__(self, docs: dict[str, str], delay: float):
        self.ready = False
        self.ids = list(docs)
        time.sleep(delay)  # widen the build window the readers race against
        self.bm25 = BM25Index().fit(list(docs.values()))
        self.ready = True

    def search(self, query: str) -> list[str]:
        if not self.ready:
            raise RuntimeError("half-built index read")
        ids, _ = self.bm25.search(query, 5)
        return [self.ids[i] for i in ids]


@dataclass(frozen=True)
class SwapDrill:
    """Reader queries during blue-green swaps, and the in-place control (RAG-13)."""

    blue_green_queries: float
    blue_green_failed: float
    swaps: float
    update_visible_after_swap: float
    in_place_failed: float  # the control: readers of an index rebuilt in place


def swap_drill(docs: dict[str, str], n_swaps: int = 5, n_readers: int = 3, delay: float = 0.02) -> SwapDrill:
    """Readers query during repeated blue-green swaps, then the same with an in-place rebuild."""
    slots = IndexSlots(lambda d: _Snapshot(d, delay), docs, max_pending=1)
    counts = {"queries": 0, "failed": 0}
    lock = threading.Lock()
    stop = threading.Event()

    def reader(get_index):
        while not stop.is_set():
            try:
                get_index().search("copay mail order")
                key = "queries"
            except Exception:  # noqa: BLE001 - every failure is counted
                key = "failed"
            with lock:
                counts[key] += 1

    threads = [threading.Thread(target=reader, args=(slots.current,)) for _ in range(n_readers)]
    for t in threads:
        t.start()
    for i in range(n_swaps):
        slots.queue_update(f"new-{i}", f"zyxword{i} newly added policy text")
        slots.rebuild()
    stop.set()
    for t in threads:
        t.join()
    visible = float(slots.current().search(f"zyxword{n_swaps - 1}")[:1] == [f"new-{n_swaps - 1}"])
    blue_green = (float(counts["queries"]), float(counts["failed"]), float(slots.swaps), visible)
    holder = {"index": _Snapshot(docs, 0.0)}  # control: rebuild in place, readers share it
    counts.update(queries=0, failed=0)
    stop.clear()

    def rebuild_in_place(d):
        idx = holder["index"]
        idx.ready = False
        time.sleep(delay)
        idx.bm25, idx.ids = BM25Index().fit(list(d.values())), list(d)
        idx.ready = True

    threads = [threading.Thread(target=reader, args=(lambda: holder["index"],)) for _ in range(n_readers)]
    for t in threads:
        t.start()
    for _ in range(n_swaps):
        rebuild_in_place(docs)
    stop.set()
    for t in threads:
        t.join()
    return SwapDrill(*blue_green, in_place_failed=float(counts["failed"]))
