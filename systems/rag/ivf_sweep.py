"""IVF vs exact search on embedding-shaped vectors: recall@10 and latency over nlist x nprobe.

Vectors (shaped on purpose, like sentence embeddings of a topical corpus): ``n_topics``
random unit directions; each vector = its topic direction + isotropic Gaussian noise of
scale ``spread / sqrt(dim)``, renormalised. Queries are drawn the same way. With
``spread`` ~ 1 the topic explains about half of a vector, roughly what cosine
similarities between same-topic MiniLM sentences look like. ``n_topics`` stays 1000 at
every size (a corpus grows by more documents per subject faster than by new subjects).
Recall depends on this shape: tighter or fewer clusters make IVF look better, so the
figure is specific to it.

    recall@10 = mean over queries |IVF top-10  intersect  Flat top-10| / 10
    latency   = median over 3 repeats of a batched search of (at most) 100 queries, per query,
                on one thread
"""

from __future__ import annotations

import time

import faiss
import numpy as np

from systems.rag.dense import DenseIndex, recall_vs_exact


def clustered_vectors(n: int, dim: int, n_topics: int, spread: float, rng: np.random.Generator
                      ) -> np.ndarray:
    """Unit vectors, shape (n, dim), float32, around ``n_topics`` random directions."""
    centers = rng.standard_normal((n_topics, dim)).astype(np.float32)
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    topic = rng.integers(0, n_topics, size=n)
    x = centers[topic] + (spread / np.sqrt(dim)) * rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _per_query_seconds(index, q: np.ndarray, k: int, repeats: int = 3) -> float:
    q = q[:100]
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        index.search(q, k)
        times.append(time.perf_counter() - t0)
    return float(np.median(times)) / len(q)


def sweep(n: int, n_queries: int, nlists=(128, 256, 512), nprobes=(1, 5, 10, 20), dim: int = 384,
          n_topics: int = 1000, spread: float = 1.0, k: int = 10, seed: int = 0,
          progress=None) -> list[dict]:
    """One row per (nlist, nprobe), plus the flat baseline row (nlist 0)."""
    rng = np.random.default_rng(seed)
    data = clustered_vectors(n + n_queries, dim, n_topics, spread, rng)
    base, queries = data[:n], data[n:]
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)   # a per-query latency, comparable between configurations
    flat = DenseIndex("flat").fit(base)
    _, exact = flat.search(queries, k)
    rows = [{"nlist": 0, "nprobe": 0, "recall_at_10": 1.0, "searched_fraction": 1.0,
             "ms_per_query": 1e3 * _per_query_seconds(flat.index_, queries, k)}]
    for nlist in nlists:
        ivf = DenseIndex("ivf", nlist=nlist, seed=seed).fit(base)
        sizes = np.array([ivf.index_.invlists.list_size(i) for i in range(nlist)])
        for nprobe in nprobes:
            ivf.set_nprobe(nprobe)
            _, ids = ivf.search(queries, k)
            rows.append({"nlist": nlist, "nprobe": nprobe, "recall_at_10": recall_vs_exact(ids, exact),
                         "searched_fraction": _searched(ivf, queries, nprobe, sizes),
                         "ms_per_query": 1e3 * _per_query_seconds(ivf.index_, queries, k)})
        if progress is not None:
            progress(nlist)
    faiss.omp_set_num_threads(threads)
    return rows


def _searched(ivf: DenseIndex, queries: np.ndarray, nprobe: int, sizes: np.ndarray) -> float:
    """Mean share of the vectors in the ``nprobe`` cells each query scans."""
    _, cells = ivf.index_.quantizer.search(queries, nprobe)
    return float(np.mean(sizes[cells].sum(axis=1)) / sizes.sum())
