"""A bounded load generator: async httpx clients in a closed loop against 127.0.0.1 only.

    C concurrent clients each send a request, wait for the answer, send the next, until
    ``max_requests`` were sent in total or ``max_seconds`` passed (whichever first).

Closed loop means offered load adapts to the server: throughput = completed / elapsed is
the sustained rate at concurrency C, and Little's law ties the two (C ~ rate x latency).
Latency is measured at the client (perf_counter around the request: client + loopback +
uvicorn + FastAPI + model), the model's share from the ``X-Model-Ms`` header the server
sets. The generator shares the machine's cores with the server, so both figures are
lower bounds of what a separate load machine would see.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import numpy as np


@dataclass(frozen=True)
class LoadResult:
    """Per request: latency_ms, model_ms, status, version; plus the wall time of the run."""

    endpoint: str
    concurrency: int
    latency_ms: np.ndarray
    model_ms: np.ndarray
    status: np.ndarray
    versions: tuple[str, ...]
    elapsed_s: float
    start_s: np.ndarray

    @property
    def n(self) -> int:
        return len(self.status)

    @property
    def failed(self) -> int:
        return int(np.sum(self.status != 200))

    @property
    def rps(self) -> float:
        return self.n / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def pct(self, q: float) -> float:
        return float(np.percentile(self.latency_ms, q)) if self.n else float("nan")


def _check_loopback(url: str) -> None:
    if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"load tests only run against loopback, not {url}")


async def _client(c, url, bodies, k0, step, counter, deadline, out, t_start):
    i = k0
    while counter[0] > 0 and time.perf_counter() < deadline:
        counter[0] -= 1
        body = bodies[i % len(bodies)]
        i += step
        t0 = time.perf_counter()
        try:
            r = await (c.post(url, json=body) if body is not None else c.get(url))
            status, mm = r.status_code, float(r.headers.get("x-model-ms", "nan"))
            version = r.json().get("model_version", "") if status == 200 and body is not None else ""
        except httpx.HTTPError:
            status, mm, version = 0, float("nan"), ""
        out.append(((time.perf_counter() - t0) * 1000, mm, status, version, t0 - t_start))


async def run_async(
    base: str, endpoint: str, bodies: list, concurrency: int, max_requests: int, max_seconds: float
) -> LoadResult:
    _check_loopback(base)
    out: list = []
    counter = [max_requests]
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10.0) as c:
        t_start = time.perf_counter()
        deadline = t_start + max_seconds
        await asyncio.gather(
            *[
                _client(c, endpoint, bodies, k, concurrency, counter, deadline, out, t_start)
                for k in range(concurrency)
            ]
        )
        elapsed = time.perf_counter() - t_start
    arr = list(zip(*out, strict=True)) if out else [[], [], [], [], []]
    return LoadResult(
        endpoint,
        concurrency,
        np.asarray(arr[0], float),
        np.asarray(arr[1], float),
        np.asarray(arr[2], int),
        tuple(arr[3]),
        elapsed,
        np.asarray(arr[4], float),
    )


def run(
    base: str, endpoint: str, bodies: list, concurrency: int, max_requests: int, max_seconds: float
) -> LoadResult:
    """Synchronous wrapper; ``bodies`` of None items send GETs."""
    return asyncio.run(run_async(base, endpoint, bodies, concurrency, max_requests, max_seconds))
