"""The measured stages of ``make serving``: probe, load levels, swap under load, in-process speed.

probe        one real server: each endpoint and each error class once, the JSON log
             lines counted against the requests sent, /ready 503 seen before 200
levels       for each worker count: /health (HTTP stack alone), /predict and
             /predict-batch at each concurrency, bounded by requests and seconds
swap         1 worker under load at concurrency 4: swap to v2, then try a model that
             fails its smoke test and a tampered one; every response's status and version
in_process   the same pipeline without HTTP: single-row latency and batched rows/s
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import pandas as pd

from systems.core import artifact
from systems.serving import loadtest
from systems.serving.loadtest import LoadResult
from systems.serving.server import Server


@dataclass(frozen=True)
class Probe:
    status: dict[str, int]  # probe name -> HTTP status
    field_named: bool  # the 422 for a wrong type names the field
    log_lines: int  # JSON access-log lines for the probe requests
    probe_requests: int
    saw_not_ready: bool


def _count_log(path: Path) -> int:
    return sum(1 for line in path.read_text().splitlines() if line.startswith('{"request_id"'))


def probe(model: Path, row: dict, log_path: Path) -> Probe:
    bad = row | {"monthly_charges": "12.5"}
    j = {"content-type": "application/json"}
    with Server(model, 1, log_path) as s, httpx.Client(base_url=s.url, timeout=10) as c:
        before = _count_log(log_path)
        calls = {
            "health": lambda: c.get("/health"),
            "ready": lambda: c.get("/ready"),
            "model": lambda: c.get("/model"),
            "metrics": lambda: c.get("/metrics"),
            "predict": lambda: c.post("/predict", json=row),
            "batch": lambda: c.post("/predict-batch", json={"rows": [row] * 4}),
            "wrong_type": lambda: c.post("/predict", json=bad),
            "nan": lambda: c.post("/predict", content=_with_nan(row), headers=j),
            "malformed": lambda: c.post("/predict", content="{oops", headers=j),
            "content_type": lambda: c.post("/predict", content="a=1", headers={"content-type": "text/plain"}),
            "batch_too_big": lambda: c.post("/predict-batch", json={"rows": [row] * (s.max_batch + 1)}),
        }
        results = {name: call() for name, call in calls.items()}
        time.sleep(0.3)  # the server writes its log line after the response is sent
        lines = _count_log(log_path) - before
        named = results["wrong_type"].json().get("fields", [{}])[0].get("field") == "monthly_charges"
        return Probe(
            {k: r.status_code for k, r in results.items()}, named, lines, len(calls), s.saw_not_ready
        )


def _with_nan(row: dict) -> str:
    import json

    return json.dumps(row | {"seats": float("nan")})  # json.dumps writes the NaN literal


def levels(
    model: Path,
    rows: list[dict],
    workers: int,
    concurrency: list[int],
    batch: int,
    max_requests: int,
    max_seconds: float,
    log_path: Path,
) -> list[LoadResult]:
    """Every endpoint x concurrency on one server with ``workers`` processes."""
    singles = rows
    batches = [{"rows": rows[i : i + batch]} for i in range(0, len(rows) - batch + 1, batch)]
    out = []
    with Server(model, workers, log_path) as s:
        loadtest.run(s.url, "/predict", singles, 2, 40, 5.0)  # warm-up: connections, first-call caches
        for c in concurrency:
            out.append(loadtest.run(s.url, "/health", [None], c, max_requests, max_seconds))
            out.append(loadtest.run(s.url, "/predict", singles, c, max_requests, max_seconds))
            out.append(
                loadtest.run(s.url, "/predict-batch", batches, c, max(max_requests // 4, 20), max_seconds)
            )
    return out


@dataclass(frozen=True)
class SwapRun:
    load: LoadResult
    swap_status: dict[str, int]  # "v2" / "bad_smoke" / "tampered" -> HTTP status
    served_after: dict[str, str]  # what /ready reported after each attempt
    versions_seen: tuple[str, ...]  # distinct versions in responses, in order of first sight


def swap_under_load(
    v1: Path, v2: Path, bad: Path, tampered: Path, rows: list[dict], seconds: float, log_path: Path
) -> SwapRun:
    result: list[LoadResult] = []
    status, after = {}, {}
    with Server(v1, 1, log_path) as s:
        t = threading.Thread(
            target=lambda: result.append(loadtest.run(s.url, "/predict", rows, 4, 100_000, seconds)),
            daemon=True,
        )
        t.start()
        with httpx.Client(base_url=s.url, timeout=30) as c:
            for name, path in (("v2", v2), ("bad_smoke", bad), ("tampered", tampered)):
                time.sleep(seconds / 4)
                status[name] = c.post("/admin/swap", json={"path": str(path)}).status_code
                after[name] = c.get("/ready").json().get("model_version", "")
        t.join(timeout=seconds + 30)
    load = result[0]
    seen = tuple(dict.fromkeys(v for v in load.versions if v))
    return SwapRun(load, status, after, seen)


def bad_models(v1: Path, v2: Path, out_dir: Path) -> tuple[Path, Path]:
    """(v1's manifest over v2's payload, re-hashed: fails the smoke test; not re-hashed: refused)."""
    import zipfile

    with zipfile.ZipFile(v2) as z:
        other = z.read(artifact.PAYLOAD)
    bad, tampered = out_dir / "bad_smoke.skops", out_dir / "tampered.skops"
    artifact.rewrite_payload(v1, bad, other, rehash=True)
    artifact.rewrite_payload(v1, tampered, other, rehash=False)
    return bad, tampered


@dataclass(frozen=True)
class InProcess:
    single_ms: np.ndarray  # per call, one row
    batch_rows: int
    batch_s: np.ndarray  # per call, batch_rows rows
    http_stack_ms: float = float("nan")

    @property
    def single_rps(self) -> float:
        return 1000.0 / float(np.median(self.single_ms))

    @property
    def batch_rps(self) -> float:
        return self.batch_rows / float(np.median(self.batch_s))


def in_process(
    model: Path, rows: list[dict], seconds: float, batch_rows: int = 10_000, max_calls: int = 5000
) -> InProcess:
    art = artifact.load(model)
    frames = [pd.DataFrame([r]) for r in rows[:200]]
    art.predict_proba(frames[0])
    single = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline and len(single) < max_calls:
        f = frames[len(single) % len(frames)]
        t0 = time.perf_counter()
        art.predict_proba(f)
        single.append((time.perf_counter() - t0) * 1000)
    big = pd.DataFrame((rows * (batch_rows // len(rows) + 1))[:batch_rows])
    batch = []
    for _ in range(5):
        t0 = time.perf_counter()
        art.predict_proba(big)
        batch.append(time.perf_counter() - t0)
    return InProcess(np.asarray(single), batch_rows, np.asarray(batch))
