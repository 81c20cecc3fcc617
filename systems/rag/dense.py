"""Dense retrieval with FAISS: exact (Flat) and inverted-file (IVF) inner-product indexes.

IVF: k-means splits the vectors into ``nlist`` cells (trained on a sample); a query
scans only the ``nprobe`` cells whose centroids are nearest, i.e. about
``nprobe / nlist`` of the vectors (10 / 256 = 3.9% in the story).

nlist rule (stated, used by the quick profile): ``nlist = 256`` when there are enough
vectors, else the largest power of two with ``39 * nlist <= n`` (FAISS wants ~39 training
points per centroid) and ``nlist <= sqrt(n)``; at least 1. Training sample:
``max(5% of n, 39 * nlist)`` vectors, capped at n (the story trained on 5%).
"""

from __future__ import annotations

import math
from pathlib import Path

import faiss
import numpy as np


def nlist_rule(n: int, cap: int = 256) -> int:
    if n < 1:
        raise ValueError("cannot size an IVF index for an empty corpus")
    limit = min(cap, n // 39, int(math.sqrt(n)))
    return 1 if limit < 1 else 2 ** int(math.log2(limit))


def train_sample_size(n: int, nlist: int, fraction: float = 0.05) -> int:
    return min(n, max(int(fraction * n), 39 * nlist))


class DenseIndex:
    """Inner-product search over unit vectors.

    Parameters
    ----------
    kind : {"flat", "ivf"}
    nlist : int or None
        IVF cells; None applies ``nlist_rule``.
    nprobe : int
        IVF cells scanned per query.
    seed : int
        Seeds the training sample and k-means.
    """

    def __init__(self, kind: str = "ivf", nlist: int | None = None, nprobe: int = 10, seed: int = 0):
        self.kind = kind
        self.nlist = nlist
        self.nprobe = nprobe
        self.seed = seed

    def fit(self, vectors: np.ndarray) -> DenseIndex:
        """Build from ``vectors`` of shape (n, dim)."""
        x = np.ascontiguousarray(vectors, dtype=np.float32)
        if x.ndim != 2 or x.shape[0] == 0:
            raise ValueError(f"DenseIndex.fit needs a non-empty (n, dim) matrix, got shape {x.shape}")
        n, dim = x.shape
        if self.kind == "flat":
            self.index_ = faiss.IndexFlatIP(dim)
        elif self.kind == "ivf":
            self.nlist_ = self.nlist or nlist_rule(n)
            quantizer = faiss.IndexFlatIP(dim)
            self.index_ = faiss.IndexIVFFlat(quantizer, dim, self.nlist_, faiss.METRIC_INNER_PRODUCT)
            self.index_.cp.seed = self.seed
            rng = np.random.default_rng(self.seed)
            sample = rng.choice(n, size=train_sample_size(n, self.nlist_), replace=False)
            self.index_.train(x[np.sort(sample)])
            self.index_.nprobe = min(self.nprobe, self.nlist_)
        else:
            raise ValueError(f"unknown index kind {self.kind!r}; use 'flat' or 'ivf'")
        self.index_.add(x)
        return self

    def set_nprobe(self, nprobe: int) -> None:
        self.index_.nprobe = min(nprobe, self.nlist_)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, ids), each of shape (n_queries, k); missing results have id -1."""
        q = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        return self.index_.search(q, k)

    def save(self, path: str | Path) -> None:
        faiss.write_index(self.index_, str(path))

    @classmethod
    def load(cls, path: str | Path) -> DenseIndex:
        p = Path(path)
        if not p.is_file():
            raise FileNotFoundError(f"FAISS index file {p} not found; build it first (run `make rag`)")
        index = faiss.read_index(str(p))
        obj = cls(kind="ivf" if isinstance(index, faiss.IndexIVF) else "flat")
        obj.index_ = index
        if obj.kind == "ivf":
            obj.nlist_ = index.nlist
        return obj


def recall_vs_exact(approx_ids: np.ndarray, exact_ids: np.ndarray) -> float:
    """Mean over queries of |approx top-k  intersect  exact top-k| / k."""
    k = exact_ids.shape[1]
    return float(np.mean([len(set(a) & set(e)) / k for a, e in zip(approx_ids, exact_ids, strict=True)]))
