"""BM25 keyword retrieval: bm25s as the engine, rank-bm25 as the reference, one tokenizer.

Scoring (Robertson's BM25, the form rank-bm25's ``BM25Okapi`` computes):

    idf(t)      = ln((N - df(t) + 0.5) / (df(t) + 0.5))
    score(q, d) = sum_{t in q} idf(t) * tf(t,d) * (k1 + 1) / (tf(t,d) + k1 * (1 - b + b * |d| / avgdl))

bm25s with ``method="robertson"`` stores ``idf * tf / (tf + k1 * (...))``, i.e. the same sum
without the constant factor ``(k1 + 1)``; we multiply it back so the two engines return
the same numbers. They differ only for terms in more than half of the documents
(negative idf): rank-bm25 floors those at ``0.25 * mean idf``, bm25s at 0.

Tokenizer: lower-case, split on anything that is not a letter, digit, ``$`` or ``-`` inside
a word (so plan codes like ``mb-4821`` and prices stay whole), drop English stop words.
"""

from __future__ import annotations

import re

import bm25s
import numpy as np
from rank_bm25 import BM25Okapi

STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my myself
no nor not now of off on once only or other our ours ourselves out over own same she should so some such than
that the their theirs them themselves then there these they this those through to too under until up very
was we were what when where which while who whom why will with would you your yours yourself yourselves
""".split()
)
_TOKEN = re.compile(r"[$]?[\w]+(?:[-.][\w]+)*", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens without stop words (codes with hyphens kept whole)."""
    return [t for t in _TOKEN.findall(text.lower()) if t not in STOP_WORDS]


class BM25Index:
    """BM25 over a list of texts, scored by bm25s (``engine="bm25s"``) or rank-bm25 (``"rank_bm25"``).

    Parameters
    ----------
    k1, b : float
        Term-frequency saturation and length normalisation.
    engine : {"bm25s", "rank_bm25"}
    """

    def __init__(self, k1: float = 1.5, b: float = 0.75, engine: str = "bm25s"):
        self.k1 = k1
        self.b = b
        self.engine = engine

    def fit(self, texts: list[str]) -> BM25Index:
        if not texts:
            raise ValueError("BM25Index.fit: the corpus is empty; index at least one document")
        if self.engine not in ("bm25s", "rank_bm25"):
            raise ValueError(f"unknown engine {self.engine!r}; use 'bm25s' or 'rank_bm25'")
        tokens = [tokenize(t) for t in texts]
        self.n_docs_ = len(tokens)
        if self.engine == "bm25s":
            self.model_ = bm25s.BM25(k1=self.k1, b=self.b, method="robertson")
            self.model_.index(tokens, show_progress=False)
        else:
            # rank-bm25 divides by the corpus' average length: an all-empty corpus has none
            self.model_ = BM25Okapi([t or ["\x00"] for t in tokens], k1=self.k1, b=self.b)
        return self

    def known_terms(self, query: str) -> list[str]:
        """The query's tokens that occur in the indexed corpus."""
        vocab = self.model_.vocab_dict if self.engine == "bm25s" else self.model_.idf
        return [t for t in tokenize(query) if t in vocab]

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document, shape (n_docs,); zeros when no query term is indexed."""
        q = tokenize(query)
        if self.engine == "rank_bm25":
            return np.asarray(self.model_.get_scores(q), dtype=np.float64)
        ids = self.model_.get_tokens_ids(q)
        if not ids:
            return np.zeros(self.n_docs_)
        return (self.k1 + 1) * np.asarray(self.model_.get_scores_from_ids(ids), dtype=np.float64)

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (indices, scores), best first; documents scoring 0 are left out."""
        s = self.scores(query)
        k = min(k, s.size)
        # the k-th best score, then every unit above it and the lowest-indexed ones tied with it:
        # O(n) like argpartition, whose pick among ties at the cut is arbitrary
        kth = np.partition(s, s.size - k)[s.size - k]
        above = np.flatnonzero(s > kth)
        top = np.concatenate([above, np.flatnonzero(s == kth)[: k - above.size]])
        top = top[np.lexsort((top, -s[top]))]  # by score, ties by index: deterministic
        keep = s[top] > 0
        return top[keep], s[top][keep]
