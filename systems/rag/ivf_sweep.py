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

The story's two relations at nprobe 10 are decided on paired intervals (``story_cells``),
on the same vectors and queries as the sweep:

    recall:  d_q = recall_q(512 lists) - recall_q(256 lists),  t interval of mean(d)
    speed:   r_i = time_i(128 lists) / time_i(256 lists) over interleaved rounds i,
             exp of the t interval of mean(log r)  (``uncertainty.paired_speedup``)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from systems.core.timing import compare_many
from systems.core.uncertainty import paired_mean_ci, paired_speedup
from systems.rag.dense import DenseIndex, recall_per_query, recall_vs_exact


def clustered_vectors(n: int, dim: int, n_topics: int, spread: float, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors, shape (n, dim), float32, around ``n_topics`` random directions."""
    centers = rng.standard_normal((n_topics, dim)).astype(np.float32)
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    topic = rng.integers(0, n_topics, size=n)
    x = centers[topic] + (spread / np.sqrt(dim)) * rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _sweep_data(n: int, n_queries: int, dim: int, n_topics: int, spread: float, seed: int):
    """(base, queries) of the sweep: the same draw for the same arguments."""
    data = clustered_vectors(n + n_queries, dim, n_topics, spread, np.random.default_rng(seed))
    return data[:n], data[n:]


def _per_query_seconds(index, q: np.ndarray, k: int, repeats: int = 3) -> float:
    q = q[:100]
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        index.search(q, k)
        times.append(time.perf_counter() - t0)
    return float(np.median(times)) / len(q)


@dataclass(frozen=True)
class SweepRow:
    """One IVF configuration against Flat (nlist 0 and nprobe 0 mark the Flat row itself)."""

    nlist: int
    nprobe: int
    recall_at_10: float
    searched_fraction: float  # mean share of the vectors a query scans
    ms_per_query: float


def sweep(
    n: int,
    n_queries: int,
    nlists=(128, 256, 512),
    nprobes=(1, 5, 10, 20),
    dim: int = 384,
    n_topics: int = 1000,
    spread: float = 1.0,
    k: int = 10,
    seed: int = 0,
    progress=None,
) -> list[SweepRow]:
    """One row per (nlist, nprobe), plus the flat baseline row (nlist 0)."""
    base, queries = _sweep_data(n, n_queries, dim, n_topics, spread, seed)
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)  # a per-query latency, comparable between configurations
    flat = DenseIndex("flat").fit(base)
    _, exact = flat.search(queries, k)
    rows = [SweepRow(0, 0, 1.0, 1.0, 1e3 * _per_query_seconds(flat.index_, queries, k))]
    for nlist in nlists:
        ivf = DenseIndex("ivf", nlist=nlist, seed=seed).fit(base)
        sizes = np.array([ivf.index_.invlists.list_size(i) for i in range(nlist)])
        for nprobe in nprobes:
            ivf.set_nprobe(nprobe)
            _, ids = ivf.search(queries, k)
            rows.append(
                SweepRow(
                    nlist=nlist,
                    nprobe=nprobe,
                    recall_at_10=recall_vs_exact(ids, exact),
                    searched_fraction=_searched(ivf, queries, nprobe, sizes),
                    ms_per_query=1e3 * _per_query_seconds(ivf.index_, queries, k),
                )
            )
        if progress is not None:
            progress(nlist)
    faiss.omp_set_num_threads(threads)
    return rows


@dataclass(frozen=True)
class StoryCells:
    """The story's relations at nprobe 10, each with its paired 95% interval (RAG-03)."""

    recall_512_minus_256: float  # mean over queries of recall(512 lists) - recall(256 lists)
    recall_512_minus_256_lo: float
    recall_512_minus_256_hi: float
    ms_128_over_256: float  # how many times longer a search takes with 128 lists than with 256
    ms_128_over_256_lo: float
    ms_128_over_256_hi: float
    rounds: int


def story_cells(
    n: int,
    n_queries: int,
    nprobe: int = 10,
    dim: int = 384,
    n_topics: int = 1000,
    spread: float = 1.0,
    k: int = 10,
    seed: int = 0,
    rounds: int = 7,
) -> StoryCells:
    """Paired comparisons of 128 / 256 / 512 lists on the sweep's vectors (module docstring).

    Like the sweep, everything runs on one thread (the same index builds, so the same recalls)
    and at most two IVF indexes are alive at once (at 1M vectors each holds 1.5 GB).
    """
    base, queries = _sweep_data(n, n_queries, dim, n_topics, spread, seed)
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        _, exact = DenseIndex("flat").fit(base).search(queries, k)

        def ivf(nlist: int) -> DenseIndex:
            index = DenseIndex("ivf", nlist=nlist, seed=seed).fit(base)
            index.set_nprobe(nprobe)
            return index

        recall_512 = recall_per_query(ivf(512).search(queries, k)[1], exact)
        index = {nlist: ivf(nlist) for nlist in (256, 128)}
        d = recall_512 - recall_per_query(index[256].search(queries, k)[1], exact)
        q = queries[:100]
        t = compare_many(
            {nl: (lambda nl=nl: index[nl].index_.search(q, k)) for nl in (128, 256)}, repeats=rounds
        )
    finally:
        faiss.omp_set_num_threads(threads)
    d_ci = paired_mean_ci(d)
    ratio, r_ci = paired_speedup(np.asarray(t[128].samples), np.asarray(t[256].samples))
    return StoryCells(float(d.mean()), d_ci.low, d_ci.high, ratio, r_ci.low, r_ci.high, rounds)


def _searched(ivf: DenseIndex, queries: np.ndarray, nprobe: int, sizes: np.ndarray) -> float:
    """Mean share of the vectors in the ``nprobe`` cells each query scans."""
    _, cells = ivf.index_.quantizer.search(queries, nprobe)
    return float(np.mean(sizes[cells].sum(axis=1)) / sizes.sum())


# --- Calibrated generator: fitted to real MiniLM vectors ------------------------------------
#
# The 1,000-topic generator above makes every vector sit tightly around one of a few well-
# separated directions, so IVF cells line up with topics and nprobe 1 already finds all ten
# neighbours. Real sentence embeddings are neither isotropic nor that clustered. The calibrated
# generator works in the PCA basis of real vectors R (mean mu, eigenpairs (lambda_k, v_k)):
#
#     x = normalise(mu + V (c_topic + e)),  c_topic ~ N(0, w Lambda),  e ~ N(0, (1 - w) Lambda)
#
# so the covariance of x before normalising is the real one (the spectrum matches by
# construction) and w, the share of variance between topics, with m, vectors per topic, set how
# clustered it is. (w, m) are fitted on a grid at n = len(R) to the real nearest-neighbour
# cosine profile (quantiles 10/50/90% of the 1st, 10th and 100th neighbour cosine); m stays fixed
# as n grows (more documents mean more topics).

NN_QUANTILES = (0.1, 0.5, 0.9)
NN_RANKS = (1, 10, 100)  # neighbourhood scales: the nearest, a top-10 answer, the wider area


@dataclass(frozen=True)
class Calibration:
    mean: np.ndarray  # (dim,)
    basis: np.ndarray  # (dim, r) principal directions
    scale: np.ndarray  # (r,) sqrt of the eigenvalues
    between_share: float  # w
    per_topic: int  # m
    profile_real: np.ndarray  # NN cosine quantiles of R (top-1 then top-10)
    profile_fit: np.ndarray  # the same for the fitted generator at n = len(R)


def nn_profile(x: np.ndarray, ranks=NN_RANKS) -> np.ndarray:
    """Quantiles of the cosine to the r-th nearest neighbour (self excluded), r in ``ranks``."""
    index = faiss.IndexFlatIP(x.shape[1])
    index.add(x)
    sims, _ = index.search(x, max(ranks) + 1)
    return np.concatenate([np.quantile(sims[:, r], NN_QUANTILES) for r in ranks])


def calibrated_vectors(
    n: int,
    cal: Calibration,
    rng: np.random.Generator,
    between_share: float | None = None,
    per_topic: int | None = None,
) -> np.ndarray:
    """n unit vectors, float32, from the calibrated generator (optionally other w, m)."""
    w = cal.between_share if between_share is None else between_share
    m = cal.per_topic if per_topic is None else per_topic
    r = len(cal.scale)
    centers = rng.standard_normal((max(1, n // m), r)).astype(np.float32) * (np.sqrt(w) * cal.scale)
    out = np.empty((n, len(cal.mean)), dtype=np.float32)
    for start in range(0, n, 65_536):  # blocks bound the (block x r) temporaries
        stop = min(n, start + 65_536)
        z = rng.standard_normal((stop - start, r)).astype(np.float32) * (np.sqrt(1 - w) * cal.scale)
        z += centers[rng.integers(0, len(centers), size=stop - start)]
        x = cal.mean + z @ cal.basis.T
        out[start:stop] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def fit_generator(
    real: np.ndarray, seed: int = 0, shares=(0.5, 0.7, 0.85, 0.95), per_topic=(1, 10, 30, 100, 300)
) -> Calibration:
    """PCA of the real vectors, then the (w, m) whose NN profile is closest (L2) to the real one."""
    real = np.ascontiguousarray(real, dtype=np.float32)
    mean = real.mean(axis=0)
    _, sing, vt = np.linalg.svd(real - mean, full_matrices=False)
    scale = (sing / np.sqrt(len(real) - 1)).astype(np.float32)
    target = nn_profile(real)
    best = None
    for w in shares:
        for m in per_topic:
            cal = Calibration(mean, vt.T.astype(np.float32), scale, w, m, target, target)
            prof = nn_profile(calibrated_vectors(len(real), cal, np.random.default_rng(seed)))
            err = float(np.sum((prof - target) ** 2))
            if best is None or err < best[0]:
                best = (err, w, m, prof)
    _, w, m, prof = best
    return Calibration(mean, vt.T.astype(np.float32), scale, w, m, target, prof)


def load_real_vectors(cache_dir: Path) -> np.ndarray | None:
    """The project's own MiniLM vectors of the knowledge base (``make rag`` caches them), or None."""
    files = sorted(Path(cache_dir).glob("emb-*.npy"))
    if not files:
        return None
    x = np.concatenate([np.load(f, allow_pickle=False) for f in files]).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@dataclass(frozen=True)
class RuleSweep:
    """The stated nlist/nprobe rule applied to one set of vectors."""

    n: int
    nlist: int
    nprobe: int  # the rule's choice
    recall_at_10: float  # on the test queries
    speedup_vs_flat: float
    calibration_curve: list[tuple[int, float]]  # (nprobe, recall@10 on calibration queries) tried


def ivf_rule_sweep(
    base: np.ndarray,
    calib_q: np.ndarray,
    test_q: np.ndarray,
    k: int = 10,
    target: float = 0.95,
    seed: int = 0,
    nprobes=(1, 2, 4, 8, 16, 32, 64, 128),
) -> RuleSweep:
    """The stated rule: nlist = 4 sqrt(n) rounded to a power of two; nprobe = the smallest in
    ``nprobes`` whose recall@10 on the calibration queries reaches ``target``; then recall and
    speed-up on the separate test queries. Faiss runs on one thread (per-query latency)."""
    n, dim = base.shape
    nlist = 2 ** int(round(math.log2(4 * math.sqrt(n))))
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        flat = faiss.IndexFlatIP(dim)
        flat.add(base)
        ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        ivf.cp.niter = 10  # k-means iterations: 10 instead of 25 keeps 1M-vector training to minutes
        ivf.cp.min_points_per_centroid = 1  # small n: fewer than 39 points per cell is allowed, quietly
        train = base[np.random.default_rng(seed).choice(n, size=min(n, 39 * nlist), replace=False)]
        ivf.train(train)
        ivf.add(base)
        exact_c, exact_t = flat.search(calib_q, k)[1], flat.search(test_q, k)[1]
        chosen, curve = nprobes[-1], []
        for p in nprobes:
            ivf.nprobe = p
            rec = recall_vs_exact(ivf.search(calib_q, k)[1], exact_c)
            curve.append((p, rec))
            if rec >= target:
                chosen = p
                break
        ivf.nprobe = chosen
        recall = recall_vs_exact(ivf.search(test_q, k)[1], exact_t)
        speedup = _per_query_seconds(flat, test_q, k) / _per_query_seconds(ivf, test_q, k)
    finally:
        faiss.omp_set_num_threads(threads)
    return RuleSweep(n, nlist, chosen, recall, speedup, curve)
