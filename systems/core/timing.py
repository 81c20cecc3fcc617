"""Timing for benchmarks: warm-up, repeats, median and p95, and side-by-side ratios.

A ratio is only meaningful when both sides are measured in the same run on the same
machine state, so ``compare`` interleaves the repeats (A, B, A, B, ...): a slow period
of the machine then hits both sides alike. Timings belong in ``make bench`` and in
reports, never in a unit-test assertion.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of repeated calls."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return float(np.median(self.samples))

    @property
    def p95(self) -> float:
        return float(np.percentile(self.samples, 95))

    @property
    def median_ms(self) -> float:
        return 1e3 * self.median


def _once(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def measure(fn: Callable[[], Any], repeats: int = 20, warmup: int = 2) -> Timing:
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    for _ in range(warmup):
        fn()
    return Timing(tuple(_once(fn) for _ in range(repeats)))


def compare(
    fn_a: Callable[[], Any], fn_b: Callable[[], Any], repeats: int = 20, warmup: int = 2
) -> tuple[Timing, Timing, float]:
    """Time two callables interleaved; returns (timing_a, timing_b, median_a / median_b)."""
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    for _ in range(warmup):
        fn_a()
        fn_b()
    a, b = [], []
    for _ in range(repeats):
        a.append(_once(fn_a))
        b.append(_once(fn_b))
    ta, tb = Timing(tuple(a)), Timing(tuple(b))
    return ta, tb, ta.median / tb.median


def compare_many(fns: dict[str, Callable[[], Any]], repeats: int = 5, warmup: int = 1) -> dict[str, Timing]:
    """Time several callables interleaved round by round (A, B, C, A, B, C, ...), by name."""
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    if not fns:
        raise ValueError("compare_many needs at least one callable")
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            samples[name].append(_once(fn))
    return {name: Timing(tuple(s)) for name, s in samples.items()}
