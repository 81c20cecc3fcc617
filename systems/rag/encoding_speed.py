"""Corpus encoding throughput: one text at a time, one padded batch, length-sorted batches (RAG-02).

Why batching can lose on a CPU. A transformer batch is a rectangle: every text is padded
to the longest one in its batch, and the padded positions are computed like real ones
(the attention mask only hides them from the other tokens). With token counts L_i,

    work(one at a time)   ~ sum_i  c(L_i)
    work(one batch of n)  ~ n * c(max_i L_i)           c(L) = a L + b L^2  (Linear + attention)

so the padded share of a batch, 1 - sum_i L_i / (n max_i L_i), is work thrown away. On a
GPU that waste buys parallelism; on 2 CPU cores a single text of ~100 tokens already gives
the matrix multiplies (L x 384 by 384 x 1536) enough rows to keep both cores busy, so
batching has little to gain and padding can cost more than it gains.

The fix is to batch texts of similar length: sort by length, cut into batches of b, encode,
and put the vectors back in input order. sentence-transformers' ``encode`` sorts by
character length within one call; ``Encoder._raw`` cuts the corpus into slices for its
progress bar, so it sorts the whole corpus first (otherwise each slice would be sorted only
within itself). This module measures the three schedules side by side on the same texts:

    single   model.encode([t]) for each t
    padded   model.encode(texts, batch_size=len(texts))          one rectangle
    sorted   model.encode(texts, batch_size=b)                   length-sorted batches of b

and reports texts/s (median over rounds), each batch schedule's speed-up over ``single``
and its padded share. The schedules run interleaved round by round, so each round gives a
paired ratio; a speed-up is their geometric mean with a t interval on the logs
(``uncertainty.paired_speedup``): batching "helps" only when that interval lies above 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from systems.core.ledger import Interval
from systems.core.timing import compare_many
from systems.core.uncertainty import paired_speedup


@dataclass(frozen=True)
class EmbeddingThroughput:
    """Encoding speed on this machine (RAG-02); speed-ups are over one text at a time."""

    n_texts: int
    sorted_batch_size: int
    docs_per_s_single: float
    docs_per_s_padded: float
    docs_per_s_sorted: float
    padded_speedup: float  # one batch of all texts
    batch_speedup: float  # length-sorted batches (what Encoder does)
    batch_speedup_lo: float  # its 95% interval over the paired rounds
    batch_speedup_hi: float
    rounds: int  # interleaved rounds of the three schedules
    padded_share_padded: float  # share of token slots that are padding
    padded_share_sorted: float
    hours_for_2m_docs_batched_here: float  # an extrapolation of the sorted rate

    def batch_speedup_interval(self) -> Interval:
        return Interval(
            self.batch_speedup_lo,
            self.batch_speedup_hi,
            f"exp of the t interval of log ratios over {self.rounds} paired rounds",
        )


def padded_share(lengths: np.ndarray, batch_size: int, sort: bool) -> float:
    """Share of the token slots of ``batch_size`` batches that are padding (0 = none).

    Parameters
    ----------
    lengths : ndarray of int, shape (n,)
        Token count of each text after truncation.
    """
    lengths = np.asarray(lengths)
    if lengths.size == 0 or batch_size < 1:
        raise ValueError(f"need texts and batch_size >= 1, got {lengths.size} texts, batch_size={batch_size}")
    order = np.argsort(-lengths, kind="stable") if sort else np.arange(lengths.size)
    slots = sum(
        len(batch) * batch.max()
        for batch in (lengths[order[i : i + batch_size]] for i in range(0, lengths.size, batch_size))
    )
    return float(1.0 - lengths.sum() / slots)


def token_lengths(model, texts: list[str]) -> np.ndarray:
    """Token count of each text as the model sees it (special tokens in, truncated)."""
    enc = model.tokenizer(list(texts), truncation=True, max_length=model.max_seq_length)
    return np.array([len(ids) for ids in enc["input_ids"]])


def embedding_throughput(
    model, texts: list[str], batch_size: int = 16, repeats: int = 7
) -> EmbeddingThroughput:
    """Texts/s of the three schedules on ``texts``, interleaved (see the module docstring)."""
    if len(texts) < 2:
        raise ValueError(f"need at least 2 texts to compare batching, got {len(texts)}")
    texts = list(texts)
    t = compare_many(
        {
            "single": lambda: [model.encode([x], batch_size=1, show_progress_bar=False) for x in texts],
            "padded": lambda: model.encode(texts, batch_size=len(texts), show_progress_bar=False),
            "sorted": lambda: model.encode(texts, batch_size=batch_size, show_progress_bar=False),
        },
        repeats=repeats,
        warmup=1,
    )
    rate = {k: len(texts) / v.median for k, v in t.items()}
    single = t["single"].samples
    padded, _ = paired_speedup(single, t["padded"].samples)
    batch, batch_ci = paired_speedup(single, t["sorted"].samples)
    lengths = token_lengths(model, texts)
    # One rectangle of all texts in input order: its padding does not depend on the order.
    return EmbeddingThroughput(
        n_texts=len(texts),
        sorted_batch_size=batch_size,
        docs_per_s_single=rate["single"],
        docs_per_s_padded=rate["padded"],
        docs_per_s_sorted=rate["sorted"],
        padded_speedup=padded,
        batch_speedup=batch,
        batch_speedup_lo=batch_ci.low,
        batch_speedup_hi=batch_ci.high,
        rounds=repeats,
        padded_share_padded=padded_share(lengths, len(texts), sort=False),
        padded_share_sorted=padded_share(lengths, batch_size, sort=True),
        hours_for_2m_docs_batched_here=2e6 / rate["sorted"] / 3600,
    )
