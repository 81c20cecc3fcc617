"""Retrieval experiments on the knowledge base: chunking, BM25 grid, configuration table, ablation.

Split discipline: the BM25 grid and every ablation use the validation questions only; the
test questions are fetched once (``HeldOutTest.get``), for the final configuration table,
and the number of fetches is reported (RAG-16).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np

from systems.core import uncertainty as U
from systems.core.ledger import Interval
from systems.rag.answer import extract_answer, rouge_l
from systems.rag.chunking import boundary_stats, fixed_chunks, sentences, truncation_loss
from systems.rag.evaluate import PairedTest, QueryScores, paired_test, per_query, per_query_composite
from systems.rag.keyword import BM25Index
from systems.rag.retriever import roll_up

K1_GRID = (1.2, 1.5, 2.0)  # the story's grid (RAG-04)
B_GRID = (0.65, 0.75, 0.85)


class HeldOutTest:
    """Hands out the test questions and counts how often it was asked."""

    def __init__(self, kb):
        self._kb, self.touches = kb, 0

    def get(self):
        self.touches += 1
        return self._kb.split("test")


@dataclass(frozen=True)
class GoldStats:
    """The gold set and its split discipline (RAG-16)."""

    n_gold: float
    test_touches: float
    train_fraction: float
    validation_fraction: float
    test_fraction: float
    chronological: float  # 1.0 when every train month < every validation month < every test month


def gold_stats(kb, test_touches: int) -> GoldStats:
    n = len(kb.questions)
    months = {s: [q.month for q in kb.split(s)] for s in ("train", "validation", "test")}
    return GoldStats(
        n_gold=float(n),
        test_touches=float(test_touches),
        train_fraction=len(kb.split("train")) / n,
        validation_fraction=len(kb.split("validation")) / n,
        test_fraction=len(kb.split("test")) / n,
        chronological=float(
            max(months["train"])
            < min(months["validation"])
            <= max(months["validation"])
            < min(months["test"])
        ),
    )


@dataclass(frozen=True)
class ChunkingStudy:
    """RAG-01's measurements: what 512-token windows lose, and what overlap buys.

    The two dense NDCG@10 fields are set only when the 512/50 windows are also indexed
    (``--eval-512``, see ``kb_run``).
    """

    max_seq_length: float
    chunk_512_token_loss: float
    chunk_512_unseen_sentence_share: float
    chunks_512: float
    long_docs: float
    boundary_cases: float
    main_chunk_token_loss: float
    main_chunk_max_tokens: float
    caught_25: float
    size_increase_25: float
    caught_50: float
    size_increase_50: float
    caught_100: float
    size_increase_100: float
    dense_512_ndcg_at_10: float | None = None
    dense_ndcg_at_10: float | None = None

    def to_json(self) -> dict[str, float]:
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name)) is not None}


def chunking_study(docs: dict[str, str], tokenizer, max_seq_length: int, main_chunks) -> ChunkingStudy:
    """RAG-01: what 512-token windows lose to the encoder, and boundary cases per overlap."""
    fixed = [c for d, t in docs.items() for c in fixed_chunks(d, t, tokenizer, 512, 50)]
    window = max_seq_length - 2  # CLS and SEP
    unseen, total = 0, 0
    for c in fixed:  # sentences that start beyond what the encoder reads of their chunk
        offs = tokenizer(c.text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)[
            "offset_mapping"
        ]
        cut_char = offs[window][0] if len(offs) > window else len(c.text) + 1
        for a, _ in sentences(c.text):
            total += 1
            unseen += a >= cut_char
    long_docs = {
        d: t
        for d, t in docs.items()
        if len(tokenizer(t, add_special_tokens=False, verbose=False)["input_ids"]) > 512
    }
    spans = [(d, a, b) for d, t in long_docs.items() for a, b in sentences(t)]
    stats = boundary_stats(long_docs, spans, tokenizer, 512, (25, 50, 100))
    return ChunkingStudy(
        max_seq_length=float(max_seq_length),
        chunk_512_token_loss=truncation_loss(fixed, max_seq_length),
        chunk_512_unseen_sentence_share=unseen / total if total else 0.0,
        chunks_512=float(len(fixed)),
        long_docs=float(len(long_docs)),
        boundary_cases=stats[0].boundary_cases,
        main_chunk_token_loss=truncation_loss(main_chunks, max_seq_length),
        main_chunk_max_tokens=float(max(c.n_tokens for c in main_chunks)),
        caught_25=stats[25].caught,
        size_increase_25=stats[25].size_increase,
        caught_50=stats[50].caught,
        size_increase_50=stats[50].size_increase,
        caught_100=stats[100].caught,
        size_increase_100=stats[100].size_increase,
    )


def bm25_rankings(bm25: BM25Index, doc_of, questions, depth: int = 20, k: int = 10) -> dict[str, list[str]]:
    out = {}
    for q in questions:
        ids, s = bm25.search(q.text, depth)
        out[q.qid] = [d for d, _ in roll_up(ids, s, doc_of)][:k]
    return out


@dataclass(frozen=True)
class GridRow:
    """One (k1, b) of the BM25 grid and its validation scores."""

    k1: float
    b: float
    recall_at_10: float
    mrr: float


def bm25_grid(texts, doc_of, questions, depth: int = 20) -> list[GridRow]:
    """Recall@10 (and MRR) of BM25 for every (k1, b) of the story's grid."""
    qrels = {q.qid: q.relevance for q in questions}
    rows = []
    for k1 in K1_GRID:
        for b in B_GRID:
            bm = BM25Index(k1=k1, b=b).fit(texts)
            m = per_query(bm25_rankings(bm, doc_of, questions, depth), qrels).mean()
            rows.append(GridRow(k1, b, m.recall_at_10, m.mrr))
    return rows


@dataclass(frozen=True)
class UnitEffect:
    """BM25 alone over whole documents against chunks with MAX roll-up, on one split."""

    split: str
    n: int
    chunks_ndcg_at_10: float
    documents_ndcg_at_10: float
    documents_minus_chunks: float  # mean of the per-question differences
    low: float  # its 95% t interval
    high: float


def bm25_unit_study(chunks: BM25Index, doc_of, documents: BM25Index, doc_ids, splits, depth: int = 20):
    """nDCG@10 of BM25 alone per unit, paired over each split's questions.

    ``splits`` maps a split name to its questions; ``chunks`` is fitted on the chunk texts
    (``doc_of``: document of each chunk), ``documents`` on whole documents (``doc_ids`` order).
    Returns one ``UnitEffect`` per split.
    """
    out = []
    for name, questions in splits.items():
        qrels = {q.qid: q.relevance for q in questions}
        c = per_query(bm25_rankings(chunks, doc_of, questions, depth), qrels).ndcg_at_10
        d = per_query(bm25_rankings(documents, doc_ids, questions, depth), qrels).ndcg_at_10
        ci = U.paired_mean_ci(d - c)
        out.append(
            UnitEffect(
                name, len(questions), float(c.mean()), float(d.mean()), float((d - c).mean()), ci.low, ci.high
            )
        )
    return out


def best_of_grid(rows: list[GridRow], default: tuple[float, float] = (1.2, 0.75)) -> GridRow:
    """Highest validation recall@10; ties go to higher MRR, then to the default (no evidence to move)."""
    return max(
        enumerate(rows),
        key=lambda ir: (ir[1].recall_at_10, ir[1].mrr, (ir[1].k1, ir[1].b) == default, -ir[0]),
    )[1]


def evaluate_modes(retriever, questions, modes, answers: bool = True) -> dict[str, QueryScores]:
    """Per-mode per-query scores (and extractive-answer ROUGE-L) over ``questions``."""
    qrels = {q.qid: q.relevance for q in questions}
    out = {}
    for mode in modes:
        ranks, rouge = {}, []
        for q in sorted(questions, key=lambda q: q.qid):
            res = retriever.search(q.text, mode, k=10)
            ranks[q.qid] = [d for d, _ in res.docs]
            if answers:
                rouge.append(
                    rouge_l(extract_answer(q.text, [retriever.texts[c] for c in res.chunks[:3]]), q.answer)
                )
        scores = per_query(ranks, qrels)
        out[mode] = QueryScores(**{**vars(scores), "rouge_l": np.asarray(rouge)}) if answers else scores
    return out


@dataclass(frozen=True)
class ConfigRow:
    """One configuration of the table: means over all questions, plus NDCG@10 by question kind."""

    config: str
    n: int
    recall_at_5: float
    recall_at_10: float
    mrr: float
    ndcg_at_10: float
    composite_retrieval: float
    rouge_l_extractive: float | None  # None when answers were not scored
    ndcg_exact: float
    ndcg_paraphrase: float
    ndcg_mixed: float

    def to_json(self, by_kind: bool = True) -> dict[str, float | int | str]:
        """The table row; ``by_kind=False`` drops the per-kind NDCG (foreign data has no kinds)."""
        kinds = ("ndcg_exact", "ndcg_paraphrase", "ndcg_mixed")
        return {k: v for k, v in asdict(self).items() if v is not None and (by_kind or k not in kinds)}


def table_rows(per_mode: dict[str, QueryScores], questions) -> list[ConfigRow]:
    """One row per mode: means over all questions, plus NDCG@10 by question kind."""
    qids = sorted(q.qid for q in questions)
    kind = {q.qid: q.kind for q in questions}
    rows = []
    for mode, s in per_mode.items():
        m = s.mean()
        by_kind = {}
        for k in ("exact", "paraphrase", "mixed"):
            mask = np.array([kind[q] == k for q in qids])
            by_kind[f"ndcg_{k}"] = float(s.ndcg_at_10[mask].mean()) if mask.any() else float("nan")
        rows.append(
            ConfigRow(
                config=mode,
                n=len(qids),
                recall_at_5=m.recall_at_5,
                recall_at_10=m.recall_at_10,
                mrr=m.mrr,
                ndcg_at_10=m.ndcg_at_10,
                composite_retrieval=m.composite,
                rouge_l_extractive=m.rouge_l,
                **by_kind,
            )
        )
    return rows


@dataclass(frozen=True)
class Significance:
    """Paired tests of one configuration against another on the same questions (RAG-15)."""

    ndcg_at_10: PairedTest
    recall_at_5: PairedTest
    mrr: PairedTest

    def to_json(self) -> dict[str, float]:
        """Flat ``{metric}_{field}`` figures, e.g. ``ndcg_at_10_t_p_value``."""
        return {f"{f.name}_{k}": v for f in fields(self) for k, v in asdict(getattr(self, f.name)).items()}


def significance(per_mode: dict[str, QueryScores], a: str, b: str) -> Significance:
    return Significance(
        **{
            m: paired_test(per_mode[a].metric(m), per_mode[b].metric(m))
            for m in ("ndcg_at_10", "recall_at_5", "mrr")
        }
    )


@dataclass(frozen=True)
class ClaimIntervals:
    """Bootstrap intervals over test questions for the relations of RAG-04, 07, 08 and 09."""

    bm25_lift: Interval  # recall@10, tuned BM25 - default BM25
    hybrid_minus_dense: dict[str, Interval]  # per metric: hybrid - dense
    hybrid_gain: Interval  # composite(hybrid) / composite(dense) - 1
    bm25_minus_dense_composite: Interval


def claim_intervals(
    per_mode: dict[str, QueryScores], default_bm25: QueryScores, seed: int, n_boot: int = 2000
) -> ClaimIntervals:
    """Every interval resamples the same test questions (paired), seeded.

    The per-query composite c_q = sum_k w_k m_kq / sum_k w_k is linear in the metrics, so its
    mean over questions is the composite of the means: the bootstrap of mean(c_a - c_b) is
    the bootstrap of the composite difference.
    """
    h, d, b = per_mode["hybrid"], per_mode["dense"], per_mode["bm25"]

    def mean_diff(a: np.ndarray, c: np.ndarray, salt: int) -> Interval:
        return U.bootstrap_ci(lambda x: float(x.mean()), a - c, n_boot=n_boot, seed=seed * 100 + salt)

    ch, cd, cb = (per_query_composite(x) for x in (h, d, b))
    gain = U.bootstrap_ci(
        lambda x, y: float(x.mean() / y.mean() - 1), ch, cd, n_boot=n_boot, seed=seed * 100 + 5
    )
    return ClaimIntervals(
        bm25_lift=mean_diff(b.recall_at_10, default_bm25.recall_at_10, 1),
        hybrid_minus_dense={
            k: mean_diff(h.metric(k), d.metric(k), 2) for k in ("recall_at_5", "mrr", "ndcg_at_10")
        },
        hybrid_gain=gain,
        bm25_minus_dense_composite=mean_diff(cb, cd, 4),
    )
