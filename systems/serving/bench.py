"""``make bench`` for serving: HTTP p95 over in-process p95 (overhead ratio), req/s 1 vs 2 workers.

Both figures are ratios measured side by side in one run, so a busy machine moves them
less than it moves the absolute latencies. Loopback only; every load level is bounded
(300 requests or 5 seconds).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

import numpy as np

from systems.core.bench import record
from systems.core.cli import add_output_args, pop_output_args
from systems.serving import loadtest, model, story
from systems.serving.server import Server

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m systems.serving.bench", description=__doc__)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--requests", type=int, default=300)
    p.add_argument("--seconds", type=float, default=5.0)
    add_output_args(p)
    a = p.parse_args(argv)
    pop_output_args(vars(a))
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="serving-bench-") as tmp:
        path = model.train(Path(tmp) / "m.skops", 5000, a.seed).path
        rows = model.request_rows(200, a.seed + 1)
        ip = story.in_process(path, rows, 2.0)
        rps, p95 = {}, {}
        for workers in (1, 2):
            with Server(path, workers) as s:
                loadtest.run(s.url, "/predict", rows, 2, 30, 5.0)
                r = loadtest.run(s.url, "/predict", rows, 4, a.requests, a.seconds)
                r1 = loadtest.run(s.url, "/predict", rows, 1, a.requests, a.seconds)
            rps[workers], p95[workers] = r.rps, r1.pct(95)
    inproc_p95 = float(np.percentile(ip.single_ms, 95))
    record("serving_http_over_inprocess_p95", p95[1] / inproc_p95)
    record("serving_rps_2_over_1_workers", rps[2] / rps[1])
    log.info(
        "serving: HTTP p95 %.2f ms / in-process p95 %.2f ms = overhead x%.2f (1 worker, 1 client)",
        p95[1],
        inproc_p95,
        p95[1] / inproc_p95,
    )
    log.info(
        "serving: /predict at 4 clients: %.1f req/s with 1 worker, %.1f with 2 = x%.2f",
        rps[1],
        rps[2],
        rps[2] / rps[1],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
