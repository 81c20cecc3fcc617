"""Cross-encoder reranking, loaded from a local folder.

A bi-encoder scores query and passage apart (``cos(E(q), E(p))``); a cross-encoder reads
them together, ``s = f([CLS] q [SEP] p [SEP])``, so it sees term-level interactions at the
price of one forward pass per (query, passage) pair. Hence it reranks only the top 50.

No cross-encoder ships with this repository and nothing is downloaded at run time: give
``--reranker-path DIR`` (a sentence-transformers CrossEncoder folder, e.g. a local copy of
ms-marco-MiniLM-L-6-v2). Without one the rerank stage is skipped and the ledger says so.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


class CrossEncoderReranker:
    """``score(query, texts) -> ndarray (len(texts),)``, higher is more relevant."""

    def __init__(self, path: str | Path, batch_size: int = 32):
        p = Path(path)
        if not (p / "config.json").is_file():
            raise FileNotFoundError(
                f"no cross-encoder at {p}: expected a model folder with config.json "
                "(save one with CrossEncoder.save_pretrained or copy it there)"
            )
        from sentence_transformers import CrossEncoder

        self.path = p
        self.batch_size = batch_size
        self.model = CrossEncoder(str(p), device="cpu")

    def score(self, query: str, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        pairs = [(query, t) for t in texts]
        return np.asarray(
            self.model.predict(pairs, batch_size=self.batch_size, show_progress_bar=False), dtype=np.float64
        ).reshape(len(texts), -1)[:, -1]


def reranker_or_reason(path: str | Path | None) -> tuple[CrossEncoderReranker | None, str]:
    """The reranker for ``path`` and a sentence for the ledger saying which model produced RAG-06."""
    if path is None:
        return None, (
            "no cross-encoder is available offline (ms-marco-MiniLM-L-6-v2 is not packaged and "
            "nothing is downloaded); pass --reranker-path DIR with a local CrossEncoder to "
            "measure it"
        )
    return CrossEncoderReranker(path), f"reranker: CrossEncoder loaded from {Path(path).name}"
