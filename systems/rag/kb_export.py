"""The synthetic knowledge base as a BEIR folder, so ``--beir`` can run on data built offline.

Documents keep their (title, text); every gold question becomes a query; the generator's
month-based splits become the qrels files train (months 1-8), dev (validation) and test,
so ``--beir`` chooses its configurations on dev and scores them on test, as on a real
BEIR dataset that ships a dev split.
"""

from __future__ import annotations

import logging
from pathlib import Path

from systems.rag.beir import write_beir
from systems.rag.kb_run import knowledge_base

log = logging.getLogger(__name__)
SPLITS = {"train": "train", "validation": "dev", "test": "test"}  # generator split -> qrels file


def export_kb(cfg, folder: Path) -> Path:
    kb, corpus = knowledge_base(cfg)
    queries = {q.qid: q.text for q in kb.questions}
    qrels = {name: {q.qid: q.relevance for q in kb.split(split)} for split, name in SPLITS.items()}
    root = write_beir(folder, corpus, queries, qrels)
    log.info(
        "wrote %s: %d documents, %d queries (train %d, dev %d, test %d)",
        root,
        len(corpus),
        len(queries),
        *(len(qrels[n]) for n in SPLITS.values()),
    )
    return root
