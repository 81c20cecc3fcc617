"""``make compression``: INT8, NF4/INT4, GPTQ, pruning, LoRA and a distilled student on the packaged
all-MiniLM-L6-v2, scored on the knowledge-base retrieval task (QZ-01..QZ-09).

The run writes OUT/compression/: ledger.md/json, methods.md (size/latency/quality per method),
latency.md, fourbit.md, gptq.md, pruning.md, quality_vs_sparsity.png, lora.md, lora_counts.md.
"""

from __future__ import annotations

import sys

from systems.compression.config import CompressionConfig
from systems.core.config import parse_config


def main(argv: list[str] | None = None) -> int:
    cfg = parse_config(CompressionConfig, argv, "make compression", __doc__)
    from systems.compression.run import run_all
    from systems.core.report import start_run
    from systems.core.seeding import seed_everything

    seed_everything(cfg.seed)
    with start_run("compression", cfg) as run:
        run_all(cfg, run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
