"""Chunking with the embedding model's own tokenizer: fixed windows and sentence-aware packs.

Fixed windows (the story's 512/50): token windows ``[s, s + size)`` with stride
``size - overlap``; a chunk's text is the source slice between the first and last
token's character offsets, so no text is invented and none is normalised away.

Sentence-aware: split at sentence ends and headings, then pack whole sentences
greedily while the pack stays within ``size`` tokens (short sentences are merged this
way); the next pack starts with the trailing sentences of the previous one that fit in
``overlap`` tokens. A single sentence longer than ``size`` falls back to fixed windows.

Boundary cases (RAG-01): a span of text (an answer sentence) is a boundary case when the
chunking *without* overlap cuts through it; overlap ``o`` catches it when some chunk made
with overlap ``o`` contains the whole span. Index size is the number of chunks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENT = re.compile(r"[^\n.!?]*(?:[.!?]+(?=\s|$)|\n+|$)")


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    index: int
    text: str
    start: int  # character offsets into the document text
    end: int
    n_tokens: int


def _offsets(tokenizer, text: str) -> list[tuple[int, int]]:
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    return [tuple(o) for o in enc["offset_mapping"]]


def fixed_chunks(doc_id: str, text: str, tokenizer, size: int = 512, overlap: int = 50) -> list[Chunk]:
    """Token windows of ``size`` with ``overlap`` tokens shared between neighbours."""
    if size < 1 or not 0 <= overlap < size:
        raise ValueError(f"need size >= 1 and 0 <= overlap < size, got size={size}, overlap={overlap}")
    offs = _offsets(tokenizer, text)
    out, start, step = [], 0, size - overlap
    while start < len(offs):
        end = min(start + size, len(offs))
        a, b = offs[start][0], offs[end - 1][1]
        out.append(Chunk(doc_id, len(out), text[a:b], a, b, end - start))
        if end == len(offs):
            break
        start += step
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences and heading lines (whitespace-only spans dropped)."""
    return [(m.start(), m.end()) for m in _SENT.finditer(text) if text[m.start() : m.end()].strip()]


def sentence_chunks(doc_id: str, text: str, tokenizer, size: int = 254, overlap: int = 50) -> list[Chunk]:
    """Whole sentences packed up to ``size`` tokens, ``overlap`` tokens of sentences carried over."""
    if size < 1 or not 0 <= overlap < size:
        raise ValueError(f"need size >= 1 and 0 <= overlap < size, got size={size}, overlap={overlap}")
    offs = _offsets(tokenizer, text)
    spans = []
    for a, b in sentences(text):
        n = sum(1 for s, e in offs if s >= a and e <= b)
        if n > size:  # one sentence too long for a chunk: cut it by tokens
            spans += [
                (c.start + a, c.end + a, c.n_tokens)
                for c in fixed_chunks(doc_id, text[a:b], tokenizer, size, overlap)
            ]
        elif n:
            spans.append((a, b, n))
    out: list[Chunk] = []
    i = 0
    while i < len(spans):
        j, total = i, 0
        while j < len(spans) and total + spans[j][2] <= size:
            total += spans[j][2]
            j += 1
        j = max(j, i + 1)
        a, b = spans[i][0], spans[j - 1][1]
        out.append(Chunk(doc_id, len(out), text[a:b].strip(), a, b, sum(s[2] for s in spans[i:j])))
        if j >= len(spans):
            break
        back, carried = j, 0  # carry trailing sentences that fit in the overlap budget
        while back - 1 > i and carried + spans[back - 1][2] <= overlap:
            back -= 1
            carried += spans[back][2]
        i = back
    return out


@dataclass(frozen=True)
class OverlapStats:
    """Fixed windows at one overlap: index size, and the boundary cases they keep whole."""

    chunks: float
    size_increase: float  # chunks / chunks without overlap - 1
    caught: float  # share of the no-overlap boundary cases some window now holds whole
    boundary_cases: float  # spans cut by the windows without overlap


def boundary_stats(
    docs: dict[str, str], spans: list[tuple[str, int, int]], tokenizer, size: int, overlaps: tuple[int, ...]
) -> dict[int, OverlapStats]:
    """Boundary-case share caught and index size per overlap (0 included) for fixed windows of ``size``.

    Parameters
    ----------
    docs : dict of doc_id -> text
    spans : list of (doc_id, char_start, char_end)
        Answer spans to protect.
    """

    def chunked(o: int) -> dict[str, list[Chunk]]:
        return {d: fixed_chunks(d, t, tokenizer, size, o) for d, t in docs.items()}

    def whole(chs: dict[str, list[Chunk]], d: str, a: int, b: int) -> bool:
        return any(c.start <= a and b <= c.end for c in chs[d])

    base = chunked(0)
    n0 = sum(len(v) for v in base.values())
    cut = [(d, a, b) for d, a, b in spans if not whole(base, d, a, b)]
    out = {0: OverlapStats(float(n0), 0.0, 0.0, float(len(cut)))}
    for o in overlaps:
        chs = chunked(o)
        n = sum(len(v) for v in chs.values())
        caught = sum(whole(chs, d, a, b) for d, a, b in cut) / len(cut) if cut else float("nan")
        out[o] = OverlapStats(float(n), n / n0 - 1, caught, float(len(cut)))
    return out


def truncation_loss(chunks: list[Chunk], max_seq_length: int) -> float:
    """Share of chunk tokens beyond what the encoder reads (CLS and SEP take 2 of its slots)."""
    total = sum(c.n_tokens for c in chunks)
    lost = sum(max(0, c.n_tokens - (max_seq_length - 2)) for c in chunks)
    return lost / total if total else 0.0
