"""Response and query-embedding caches: TTL, LRU bound, and invalidation by document.

Keys are sha256 of the normalised query (lower case, single spaces, no trailing
punctuation), so "Copay for MB-1234?" and "copay  for mb-1234" share an entry.

    get(key)          miss if absent or older than ttl (expired entries are dropped)
    put(key, v, docs) insert as most recent; evict the least recently used past max_size;
                      remember key under every doc_id in ``docs`` (reverse index)
    invalidate_doc(d) drop every key whose value was built from document d

A response built from a document must never outlive an update of that document: the
document store calls ``invalidate_doc`` for each updated id *before* the new version is
searchable, so the next request misses and recomputes. The embedding cache depends on
the query only, so document updates do not touch it (its hits survive updates).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from systems.rag.retriever import normalise


def cache_key(query: str) -> str:
    return hashlib.sha256(normalise(query).encode()).hexdigest()


class TTLCache:
    """LRU cache with per-entry time-to-live and a doc_id -> keys reverse index.

    Parameters
    ----------
    ttl : float
        Seconds an entry stays valid.
    max_size : int
        Entries kept; the least recently used goes first.
    clock : callable
        Returns the time in seconds (injectable for tests and log replays).
    """

    def __init__(self, ttl: float, max_size: int = 10_000, clock: Callable[[], float] = time.monotonic):
        if ttl <= 0 or max_size < 1:
            raise ValueError(f"need ttl > 0 and max_size >= 1, got ttl={ttl}, max_size={max_size}")
        self.ttl, self.max_size, self.clock = ttl, max_size, clock
        self._data: OrderedDict[str, tuple[float, Any, frozenset[str]]] = OrderedDict()
        self._by_doc: dict[str, set[str]] = {}
        self._lock = threading.Lock()
        self.hits = self.misses = self.evictions = self.expirations = self.invalidations = 0

    def __len__(self) -> int:
        return len(self._data)

    def _drop(self, key: str) -> None:
        _, _, docs = self._data.pop(key)
        for d in docs:
            keys = self._by_doc.get(d)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_doc[d]

    def get(self, key: str) -> Any | None:
        with self._lock:
            item = self._data.get(key)
            if item is not None and self.clock() - item[0] > self.ttl:
                self._drop(key)
                self.expirations += 1
                item = None
            if item is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return item[1]

    def put(self, key: str, value: Any, docs: Iterable[str] = ()) -> None:
        with self._lock:
            if key in self._data:
                self._drop(key)
            docs = frozenset(docs)
            self._data[key] = (self.clock(), value, docs)
            for d in docs:
                self._by_doc.setdefault(d, set()).add(key)
            while len(self._data) > self.max_size:
                self._drop(next(iter(self._data)))
                self.evictions += 1

    def invalidate_doc(self, doc_id: str) -> int:
        """Drop every entry built from ``doc_id``; returns how many were dropped."""
        with self._lock:
            keys = list(self._by_doc.get(doc_id, ()))
            for k in keys:
                self._drop(k)
            self.invalidations += len(keys)
            return len(keys)

    def keys_for(self, doc_id: str) -> set[str]:
        return set(self._by_doc.get(doc_id, ()))

    @property
    def hit_rate(self) -> float:
        n = self.hits + self.misses
        return self.hits / n if n else 0.0


class EmbeddingCacheAdapter:
    """Lets a TTLCache serve as the retriever's ``embed_cache`` (keys are normalised queries)."""

    def __init__(self, cache: TTLCache):
        self.cache = cache

    def get(self, query_norm: str):
        return self.cache.get(hashlib.sha256(query_norm.encode()).hexdigest())

    def put(self, query_norm: str, vector) -> None:
        self.cache.put(hashlib.sha256(query_norm.encode()).hexdigest(), vector)
