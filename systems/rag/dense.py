"""Dense retrieval with FAISS: exact (Flat) and inverted-file (IVF) inner-product indexes.

IVF: k-means splits the vectors into ``nlist`` cells (trained on a sample); a query
scans only the ``nprobe`` cells whose centroids are nearest, i.e. about
``nprobe / nlist`` of the vectors (10 / 256 = 3.9% in the story).

Which index (``kind="auto"``, what the pipeline uses): exact search (Flat) up to
``FLAT_MAX_VECTORS`` = 10,000 vectors, IVF above. An exact scan costs n * dim multiply-adds
per query: one 384-dim query at a time on 2 cores took 0.15 ms at 3,000 vectors (they fit
in cache), 1.6 ms at 10,000 and 8.5 ms at 50,000, so 10,000 is where the scan reaches a
sixth of a 10 ms hybrid budget. Below that IVF saves at most a millisecond and loses
neighbours: on the quick knowledge base (2,966 chunks; 32 lists,
nprobe 10) it cost dense search 0.06 nDCG@10 on validation questions. Above it, scanning
every vector stops paying and IVF is what the story ran (256 lists, nprobe 10).

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


FLAT_MAX_VECTORS = 10_000
KINDS = ("auto", "flat", "ivf")


def index_kind(n: int, kind: str = "auto") -> str:
    """ "flat" or "ivf" for ``n`` vectors: "auto" is Flat up to ``FLAT_MAX_VECTORS``, else IVF."""
    if kind not in KINDS:
        raise ValueError(f"unknown index kind {kind!r}; use one of {', '.join(KINDS)}")
    if kind != "auto":
        return kind
    return "flat" if n <= FLAT_MAX_VECTORS else "ivf"


def train_sample_size(n: int, nlist: int, fraction: float = 0.05) -> int:
    return min(n, max(int(fraction * n), 39 * nlist))


class DenseIndex:
    """Inner-product search over unit vectors.

    Parameters
    ----------
    kind : {"auto", "flat", "ivf"}
        "auto" applies ``index_kind`` at fit time; the result is ``kind_``.
    nlist : int or None
        IVF cells; None applies ``nlist_rule``.
    nprobe : int
        IVF cells scanned per query.
    seed : int
        Seeds the training sample and k-means.
    """

    def __init__(self, kind: str = "auto", nlist: int | None = None, nprobe: int = 10, seed: int = 0):
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
        self.kind_ = index_kind(n, self.kind)
        if self.kind_ == "flat":
            self.index_ = faiss.IndexFlatIP(dim)
        else:
            self.nlist_ = self.nlist or nlist_rule(n)
            quantizer = faiss.IndexFlatIP(dim)
            self.index_ = faiss.IndexIVFFlat(quantizer, dim, self.nlist_, faiss.METRIC_INNER_PRODUCT)
            self.index_.cp.seed = self.seed
            rng = np.random.default_rng(self.seed)
            sample = rng.choice(n, size=train_sample_size(n, self.nlist_), replace=False)
            self.index_.train(x[np.sort(sample)])
            self.index_.nprobe = min(self.nprobe, self.nlist_)
        self.index_.add(x)
        return self

    def set_nprobe(self, nprobe: int) -> None:
        if self.kind_ != "ivf":
            raise ValueError("nprobe applies to an IVF index; this one is exact (Flat)")
        self.index_.nprobe = min(nprobe, self.nlist_)

    def describe(self) -> str:
        """Short label for tables: "exact (Flat)" or "IVF nlist N, nprobe P"."""
        if self.kind_ == "flat":
            return "exact (Flat)"
        return f"IVF nlist {self.nlist_}, nprobe {self.index_.nprobe}"

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
        obj.index_, obj.kind_ = index, obj.kind
        if obj.kind == "ivf":
            obj.nlist_ = index.nlist
        return obj


def recall_per_query(approx_ids: np.ndarray, exact_ids: np.ndarray) -> np.ndarray:
    """|approx top-k  intersect  exact top-k| / k for each query, shape (n_queries,)."""
    k = exact_ids.shape[1]
    return np.array([len(set(a) & set(e)) / k for a, e in zip(approx_ids, exact_ids, strict=True)])


def recall_vs_exact(approx_ids: np.ndarray, exact_ids: np.ndarray) -> float:
    """Mean over queries of |approx top-k  intersect  exact top-k| / k."""
    return float(np.mean(recall_per_query(approx_ids, exact_ids)))
