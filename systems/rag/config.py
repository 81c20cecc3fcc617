"""Run configuration of ``make rag`` (defaults = quick profile; ``--profile full`` = story scale)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Literal

from systems.core.config import RunConfig


@dataclass
class RagConfig(RunConfig):
    n_plans: int = field(default=32, metadata={"help": "plans in the knowledge base (2 documents each)"})
    n_pairs: int = field(default=150, metadata={"help": "drug interaction pairs"})
    n_filler: int = field(
        default=2400,
        metadata={"help": "filler newsletters (distractor text); 2400 gives about 3,000 chunks in all"},
    )
    n_questions: int = field(default=500, metadata={"help": "gold questions, split 8/1/1 by month"})
    chunk_tokens: int = field(
        default=224,
        metadata={
            "help": "sentence-aware chunk size in model tokens (title is prepended; stays under the 256 window)"
        },
    )
    chunk_overlap: int = field(
        default=50, metadata={"help": "tokens of whole sentences carried between chunks"}
    )
    depth: int = field(default=20, metadata={"help": "top-N of each retriever fed to RRF"})
    rrf_k: float = field(default=60.0, metadata={"help": "RRF constant k"})
    index: Literal["auto", "flat", "ivf"] = field(
        default="auto",
        metadata={"help": "dense index: auto = exact (Flat) up to 10,000 chunks, IVF above (see dense.py)"},
    )
    nprobe: int = field(default=10, metadata={"help": "IVF cells scanned per query"})
    bm25_k1: float = field(default=1.2, metadata={"help": "BM25 k1 before tuning (the story's default)"})
    bm25_b: float = field(default=0.75, metadata={"help": "BM25 b before tuning"})
    bm25_unit: Literal["documents", "chunks"] = field(
        default="documents",
        metadata={
            "help": "what BM25 alone ranks (mode bm25 and the dense-down fallback): whole documents, "
            "or chunks with MAX roll-up; hybrid always fuses chunk BM25 (see pipeline.py)"
        },
    )
    sweep_vectors: int = field(
        default=50_000,
        metadata={"help": "synthetic embedding-shaped vectors for the IVF nlist x nprobe sweep"},
    )
    sweep_queries: int = field(default=200, metadata={"help": "queries in the IVF sweep"})
    replay_requests: int = field(default=800, metadata={"help": "requests in the cache replay log"})
    eval_512: bool = field(
        default=False,
        metadata={
            "help": "also index 512/50 fixed chunks to measure what truncation at 256 tokens costs dense search"
        },
    )
    reranker_path: Path | None = field(
        default=None,
        metadata={
            "help": "local CrossEncoder folder for the rerank stage (none ships offline: stage skipped)"
        },
    )
    beir: Path | None = field(
        default=None,
        metadata={"help": "evaluate on a BEIR-format folder instead of the synthetic knowledge base"},
    )
    export_beir: Path | None = field(
        default=None,
        metadata={
            "help": "write the synthetic knowledge base as a new BEIR folder (qrels train/dev/test) and stop"
        },
    )
    cache_dir: Path = field(default=Path(".cache/rag"), metadata={"help": "on-disk embedding cache"})
    batch_size: int = field(
        default=16,
        metadata={
            "help": "texts per encoding batch (length-sorted; 16 was fastest on 2 CPU cores, see encoding_speed.py)"
        },
    )
    encoder: Literal["fp32", "int8"] = field(
        default="fp32",
        metadata={"help": "query/chunk encoder: fp32, or torch dynamic INT8 (see make compression, QZ-01)"},
    )

    PROFILES: ClassVar = {
        "quick": {},
        "full": {
            "n_plans": 288,
            "n_pairs": 1500,
            "n_filler": 16000,
            "sweep_vectors": 1_000_000,
            "sweep_queries": 1000,
            "replay_requests": 5000,
            "eval_512": True,
        },
    }

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.chunk_overlap >= self.chunk_tokens:
            raise ValueError(
                f"chunk_overlap ({self.chunk_overlap}) must be below chunk_tokens ({self.chunk_tokens})"
            )
        if self.beir is not None and not Path(self.beir).is_dir():
            raise ValueError(f"--beir {self.beir}: no such folder")
        if self.reranker_path is not None and not (Path(self.reranker_path) / "config.json").is_file():
            raise ValueError(
                f"--reranker-path {self.reranker_path}: not a model folder (no config.json); "
                "point it at a saved sentence-transformers CrossEncoder"
            )
