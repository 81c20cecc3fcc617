"""Configuration of the serving run (quick profile = field defaults)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from systems.core.config import RunConfig


def _f(default, help_text):
    return field(default=default, metadata={"help": help_text})


@dataclass
class ServingConfig(RunConfig):
    model: Path = _f(
        Path(""), "serve this artefact instead of training one (any systems.core.artifact model)"
    )
    n_train: int = _f(20000, "generated customers to train the served model on")
    requests: int = _f(400, "most requests per load level (a level also stops at --seconds)")
    seconds: float = _f(6.0, "most seconds per load level")
    concurrency: list[int] = field(
        default_factory=lambda: [1, 8],
        metadata={"help": "concurrent clients per load level (comma-separated)"},
    )
    workers: list[int] = field(
        default_factory=lambda: [1, 2],
        metadata={"help": "uvicorn worker counts to compare (comma-separated)"},
    )
    batch_size: int = _f(32, "rows per /predict-batch request")
    max_batch: int = _f(256, "largest batch the service accepts (413 above)")
    swap_seconds: float = _f(6.0, "length of the swap-under-load run")
    inproc_seconds: float = _f(2.0, "seconds of in-process single-row scoring for SV-04")
    canary_share: float = _f(0.05, "share of keys routed to the canary")
    canary_keys: int = _f(200000, "customer keys used to measure the realised split")
    base_error: float = _f(0.01, "error rate of the stable model for the canary power calculation")
    regressed_error: float = _f(0.02, "error rate of a regressed canary to detect")
    story_rps: float = _f(500.0, "the story's load-tested rate (req/s) for the canary timing")

    PROFILES: ClassVar[dict] = {
        "quick": {},
        "full": {
            "n_train": 100000,
            "requests": 3000,
            "seconds": 20.0,
            "concurrency": [1, 4, 16, 32],
            "swap_seconds": 15.0,
            "inproc_seconds": 5.0,
        },
    }
