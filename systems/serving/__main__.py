"""``make serving`` / ``python -m systems.serving``: the churn model as an HTTP service, measured.

    python -m systems.serving [--profile quick|full] [--seed N] [--model PATH]     the story run
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

from systems.core.config import parse_config
from systems.core.seeding import seed_everything

log = logging.getLogger("systems.serving")


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
    a = p.parse_args(argv)
    try:
        check_host(a.host, a.allow_remote)
        if not 0 < a.port < 65536 or not 1 <= a.workers <= 16 or a.max_batch < 1:
            raise ValueError("need 0 < --port < 65536, 1 <= --workers <= 16 and --max-batch >= 1")
        artifact.read_manifest(a.model)  # fail fast with one line before uvicorn starts
    except ValueError as err:
        print(f"serve: error: {err}", file=sys.stderr)
        return 2
    serve(Path(a.model), a.host, a.port, a.workers, a.max_batch)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["serve"]:
        return serve_main(argv[1:])
    from systems.serving.config import ServingConfig
    from systems.serving.run import run_story

    cfg = parse_config(ServingConfig, argv, "python -m systems.serving", __doc__)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown the progress
    seed_everything(cfg.seed)
    try:
        with tempfile.TemporaryDirectory(prefix="serving-") as tmp:
            run_story(cfg, Path(tmp))
    except (ValueError, RuntimeError, TimeoutError) as err:
        print(f"serving: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("serving: interrupted; the server subprocesses were stopped", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
