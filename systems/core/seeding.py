"""Seeding: one integer in, independent reproducible streams out.

Convention: code takes an explicit ``np.random.Generator`` (never the global state).
``rng(seed, "purpose")`` derives a separate stream per purpose from one ``--seed``, so
adding a random step in one place does not shift the numbers drawn somewhere else.
``seed_everything`` is for libraries that keep global state (torch, Python's random).
"""

from __future__ import annotations

import hashlib
import random

import numpy as np


def child_seed(seed: int, purpose: str) -> int:
    """A 32-bit seed determined by (seed, purpose), stable across Python versions."""
    digest = hashlib.sha256(f"{seed}:{purpose}".encode()).digest()
    return int.from_bytes(digest[:4], "little")


def rng(seed: int, purpose: str = "") -> np.random.Generator:
    return np.random.default_rng(child_seed(seed, purpose) if purpose else seed)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    # some libraries still draw from the legacy global state (our code never does)
    np.random.seed(child_seed(seed, "numpy-global"))  # noqa: NPY002
    try:
        import torch
    except ImportError:
        return
    torch.manual_seed(seed)
