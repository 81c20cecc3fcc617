"""``make serving`` / ``python -m systems.serving``: the churn model as an HTTP service, measured.

    python -m systems.serving [run] [--profile quick|full] [--seed N] [--model PATH]   the story run
    python -m systems.serving serve --model PATH [--host 127.0.0.1] [--port 8000] [--workers K]

The story run trains the served model (or serves ``--model``), starts the server as a
subprocess on an ephemeral 127.0.0.1 port, runs bounded load tests, swaps models under load,
and writes reports/serving/ (ledger SV-01..SV-09, latency.md, latency_cdf.png).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

from systems.core.cli import Command, add_output_args, dispatch, pop_output_args
from systems.core.config import parse_config
from systems.core.seeding import seed_everything

log = logging.getLogger(__name__)


def serve_main(argv: list[str]) -> int:
    from systems.core import artifact
    from systems.serving.server import check_host, serve

    p = argparse.ArgumentParser(
        prog="python -m systems.serving serve",
        description="Serve a saved model artefact over HTTP (FastAPI on uvicorn).",
    )
    p.add_argument(
        "--model", required=True, help="artefact written by systems.core.artifact (e.g. model.skops)"
    )
    p.add_argument("--host", default="127.0.0.1", help="listen address (loopback unless --allow-remote)")
    p.add_argument("--port", type=int, default=8000, help="TCP port (0 < port < 65536)")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (1..16)")
    p.add_argument("--max-batch", type=int, default=256, help="largest /predict-batch accepted (413 above)")
    p.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --host")
    add_output_args(p)
    a = p.parse_args(argv)
    pop_output_args(vars(a))
    try:
        check_host(a.host, a.allow_remote)
        if not 0 < a.port < 65536 or not 1 <= a.workers <= 16 or a.max_batch < 1:
            raise ValueError("need 0 < --port < 65536, 1 <= --workers <= 16 and --max-batch >= 1")
        artifact.read_manifest(a.model)  # fail fast with one line before uvicorn starts
    except ValueError as err:
        log.error("serve: error: %s", err)
        return 2
    serve(Path(a.model), a.host, a.port, a.workers, a.max_batch)
    return 0


def run_main(argv: list[str]) -> int:
    from systems.serving.config import ServingConfig
    from systems.serving.run import run_story

    cfg = parse_config(ServingConfig, argv, "python -m systems.serving run", __doc__)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown the progress
    seed_everything(cfg.seed)
    try:
        with tempfile.TemporaryDirectory(prefix="serving-") as tmp:
            run_story(cfg, Path(tmp))
    except (ValueError, RuntimeError, TimeoutError) as err:
        log.error("serving: error: %s", err)
        return 2
    except KeyboardInterrupt:
        log.error("serving: interrupted; the server subprocesses were stopped")
        return 130
    return 0


COMMANDS = {
    "run": Command("train, serve, load-test and write reports/serving/ (make serving)", run_main),
    "serve": Command("serve a saved model artefact over HTTP (make serve)", serve_main),
}


def main(argv: list[str] | None = None) -> int:
    return dispatch(argv, "python -m systems.serving", __doc__, COMMANDS, lambda _: "run")


if __name__ == "__main__":
    sys.exit(main())
