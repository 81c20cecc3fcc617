"""Extractive answers and ROUGE-L: what stands in for the story's LLM generation.

No LLM runs offline here, so the "answer" is the single sentence of the top retrieved
chunks that shares the most query terms (ties: the earlier chunk, then the earlier
sentence). It measures whether retrieval put the answer in front of a generator, not
how well a generator writes.

ROUGE-L F1 over lower-cased word tokens (Lin, 2004), with beta = 1:

    P = LCS(c, r) / |c|,   R = LCS(c, r) / |r|,   F = 2 P R / (P + R)

LCS is the longest common subsequence length, by dynamic programming in O(|c| |r|).
"""

from __future__ import annotations

import re

from systems.rag.chunking import sentences
from systems.rag.keyword import tokenize

_WORD = re.compile(r"\w+")


def lcs_length(a: list[str], b: list[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, start=1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def rouge_l(candidate: str, reference: str) -> float:
    """ROUGE-L F1 between two strings (0 when either has no words)."""
    c, r = _WORD.findall(candidate.lower()), _WORD.findall(reference.lower())
    if not c or not r:
        return 0.0
    lcs = lcs_length(c, r)
    if lcs == 0:
        return 0.0
    p, rec = lcs / len(c), lcs / len(r)
    return 2 * p * rec / (p + rec)


def extract_answer(query: str, chunk_texts: list[str], top: int = 3) -> str:
    """The sentence of the first ``top`` chunks with the most query-term overlap ('' if none)."""
    q = set(tokenize(query))
    best, best_overlap = "", 0
    for text in chunk_texts[:top]:
        for a, b in sentences(text):
            s = text[a:b].strip()
            if s.startswith("#"):
                continue
            overlap = len(q & set(tokenize(s)))
            if overlap > best_overlap:
                best, best_overlap = s, overlap
    return best
