"""``make rag``: hybrid retrieval (FAISS + BM25 + RRF) rebuilt and measured, claims RAG-01..16.

python -m systems.rag                    # quick profile on the synthetic knowledge base
python -m systems.rag --profile full     # story scale (>= 20,000 chunks, 1M-vector IVF sweep)
python -m systems.rag --beir DIR         # any BEIR-format dataset, same tables, no claims
python -m systems.rag --export-beir DIR  # the synthetic knowledge base as a BEIR folder
"""

from __future__ import annotations

import logging
import sys

from systems.core.config import parse_config
from systems.core.report import start_run
from systems.core.seeding import seed_everything
from systems.rag.config import RagConfig

DESCRIPTION = __doc__
log = logging.getLogger("systems.rag")


def main(argv: list[str] | None = None) -> int:
    try:
        cfg = parse_config(RagConfig, argv, "python -m systems.rag", DESCRIPTION)
    except ValueError as err:
        log.error("rag: %s", err)
        return 2
    seed_everything(cfg.seed)
    if cfg.export_beir is not None:
        from systems.rag.beir import BeirFormatError
        from systems.rag.kb_export import export_kb

        try:
            export_kb(cfg, cfg.export_beir)
        except BeirFormatError as err:
            log.error("rag --export-beir: %s", err)
            return 2
        return 0
    if cfg.beir is not None:
        from systems.rag.beir import BeirFormatError
        from systems.rag.beir_run import run_beir

        try:
            with start_run("rag_beir", cfg) as run:
                run_beir(cfg, run)
        except BeirFormatError as err:
            log.error("rag --beir: %s", err)
            return 2
        return 0
    from systems.rag.kb_run import run_kb

    with start_run("rag", cfg) as run:
        run_kb(cfg, run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
