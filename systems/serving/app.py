"""The service: FastAPI endpoints over one model slot that can be swapped under load.

    GET  /health         liveness: the process answers (200 always)
    GET  /ready          200 once a model is loaded AND smoke-tested, else 503 with the reason
    GET  /model          version, sha256, threshold, schema, training metadata
    GET  /metrics        Prometheus text: requests and latency by endpoint and status, model
                         time, predictions, unseen categories, swaps, the model version
    POST /predict        one JSON object of feature columns -> probability, flag, version
    POST /predict-batch  {"rows": [...]} of at most ``max_batch`` rows (413 above)
    POST /admin/swap     {"path": ...} from a loopback client: load, smoke-test, swap; on any
                         failure the old model keeps serving (409 with the reason)

Errors: 415 for a non-JSON content type, 400 for malformed JSON, 413 for a body or batch
over the bounds, 422 naming the field for a schema violation (wrong type, NaN/inf, out of
range, missing or unknown key), 503 while no model is ready. Every request is one JSON
log line (logger ``systems.serving.access``) with a request id (``X-Request-ID``, taken
from the client or generated) that is echoed in the response.

Swap without a failed request: a request reads the slot's state once (one reference),
so it finishes on the model it started with; a swap builds the new state completely
(safe load -> smoke test -> request models) before it replaces the reference.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from pydantic import TypeAdapter, ValidationError

from systems.core import artifact
from systems.serving import schemas

log = logging.getLogger("systems.serving.access")
ENDPOINTS = ("/health", "/ready", "/model", "/metrics", "/predict", "/predict-batch", "/admin/swap")
BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.045, 0.1, 0.12, 0.25, 0.5, 1.0, 2.5)


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


@dataclass(frozen=True)
class ModelState:
    """Everything a request needs, built completely before it is published."""

    art: artifact.Artifact
    models: schemas.Models
    batch: TypeAdapter

    @property
    def version(self) -> str:
        return self.art.manifest.model_version


@dataclass(frozen=True)
class SwapResult:
    swapped: bool
    serving: str | None
    reason: str = ""


def build_state(path) -> ModelState:
    """Safe load + smoke test; ArtifactError (one line) if either fails."""
    art = artifact.load(path)
    why = art.smoke_test()
    if why:
        raise artifact.ArtifactError(f"{path}: smoke test failed: {why}")
    models = schemas.build(art.manifest.schema)
    return ModelState(art, models, TypeAdapter(list[models.row]))


class Metrics:
    def __init__(self):
        self.registry = r = CollectorRegistry()
        self.requests = Counter("serving_requests", "HTTP requests", ["endpoint", "status"], registry=r)
        self.latency = Histogram(
            "serving_request_seconds",
            "server time per request",
            ["endpoint", "status"],
            buckets=BUCKETS,
            registry=r,
        )
        self.model_time = Histogram(
            "serving_model_seconds", "model time per request", ["endpoint"], buckets=BUCKETS, registry=r
        )
        self.predictions = Counter("serving_predictions", "rows scored", registry=r)
        self.unseen = Counter(
            "serving_unseen_category", "rows with an unseen category", ["column"], registry=r
        )
        self.swaps = Counter("serving_swaps", "model swap attempts", ["outcome"], registry=r)
        self.version = Gauge(
            "serving_model_info", "1 for the model version being served", ["version"], registry=r
        )


class ModelSlot:
    """The model being served; ``state`` is None until the first model passes its smoke test."""

    def __init__(self, metrics: Metrics):
        self.state: ModelState | None = None
        self.reason = "loading"
        self.metrics = metrics
        self._lock = threading.Lock()

    def swap(self, path) -> SwapResult:
        try:
            new = build_state(path)
        except (artifact.ArtifactError, OSError) as err:
            self.metrics.swaps.labels("rolled_back").inc()
            if self.state is None:
                self.reason = str(err)
            return SwapResult(False, self.state.version if self.state else None, str(err))
        with self._lock:
            old, self.state = self.state, new
            if old is not None:
                self.metrics.version.remove(old.version)
            self.metrics.version.labels(new.version).set(1)
        self.metrics.swaps.labels("swapped").inc()
        return SwapResult(True, new.version)


def _error(e: ApiError) -> JSONResponse:
    return JSONResponse({"error": e.message, **e.extra}, status_code=e.status)


async def _json_body(request: Request, max_bytes: int):
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        raise ApiError(415, f"Content-Type must be application/json, got {ctype or 'none'!r}")
    body = await request.body()
    if len(body) > max_bytes:
        raise ApiError(413, f"body of {len(body)} bytes is over the limit of {max_bytes}")
    try:
        return json.loads(body)  # NaN/Infinity literals parse here and are refused by the schema
    except ValueError as err:
        raise ApiError(400, f"malformed JSON: {err}") from err


def _validation(err: ValidationError, prefix: str = "") -> ApiError:
    fields = []
    for e in err.errors():
        loc = [str(x) for x in e["loc"]]
        name = prefix + ".".join(loc) if not prefix else f"{prefix}[{loc[0]}]." + ".".join(loc[1:])
        fields.append({"field": name, "message": e["msg"], "type": e["type"]})
    first = fields[0]
    return ApiError(422, f"field {first['field']!r}: {first['message']}", fields=fields[:20])


def _score(state: ModelState, rows: list, metrics: Metrics, endpoint: str) -> tuple[np.ndarray, list, float]:
    t0 = time.perf_counter()
    records = [r.model_dump(by_alias=True) for r in rows]
    table = pd.DataFrame(records)
    p = state.art.predict_proba(table)
    took = time.perf_counter() - t0
    metrics.model_time.labels(endpoint).observe(took)
    metrics.predictions.inc(len(rows))
    for col, counts in state.art.manifest.schema.unseen_categories(table).items():
        metrics.unseen.labels(col).inc(sum(counts.values()))
    ids = (
        [rec.get(state.models.id_column) for rec in records] if state.models.id_column else [None] * len(rows)
    )
    return p, ids, took


def _prediction(state: ModelState, p: float, rid) -> dict:
    t = state.art.manifest.threshold
    return {
        "probability": float(p),
        "flag": bool(p >= t),
        "threshold": t,
        "model_version": state.version,
        "id": None if rid is None else str(rid),
    }


def _ready_state(slot: ModelSlot) -> ModelState:
    state = slot.state
    if state is None:
        raise ApiError(503, f"no model is ready ({slot.reason})")
    return state


def _is_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "testclient"  # Starlette's TestClient


def _add_routes(app: FastAPI, slot: ModelSlot, metrics: Metrics, max_batch: int, max_bytes: int) -> None:
    @app.get("/health")
    async def health():
        return {"status": "ok"}

    @app.get("/ready")
    async def ready():
        state = slot.state
        if state is None:
            return JSONResponse({"ready": False, "reason": slot.reason}, status_code=503)
        return {"ready": True, "model_version": state.version}

    @app.get("/model")
    async def model():
        m = _ready_state(slot).art.manifest
        return {
            "model_version": m.model_version,
            "sha256": m.sha256,
            "threshold": m.threshold,
            "schema": m.schema.to_json(),
            "training": m.training,
            "libraries": m.libraries,
        }

    @app.get("/metrics")
    async def prom():
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.post("/predict")
    async def predict(request: Request):
        body = await _json_body(request, max_bytes)
        state = _ready_state(slot)
        try:
            row = state.models.row.model_validate(body)
        except ValidationError as err:
            raise _validation(err) from err
        p, ids, took = _score(state, [row], metrics, "/predict")
        resp = JSONResponse(_prediction(state, p[0], ids[0]))
        resp.headers["X-Model-Ms"] = f"{took * 1000:.3f}"
        return resp

    @app.post("/predict-batch")
    async def predict_batch(request: Request):
        body = await _json_body(request, max_bytes)
        state = _ready_state(slot)
        rows = body.get("rows") if isinstance(body, dict) else None
        if not isinstance(rows, list) or set(body) != {"rows"}:
            raise ApiError(422, "field 'rows': the body must be {\"rows\": [ ... ]}")
        if len(rows) > max_batch:
            raise ApiError(413, f"{len(rows)} rows is over the batch limit of {max_batch}")
        try:
            parsed = state.batch.validate_python(rows)
        except ValidationError as err:
            raise _validation(err, "rows") from err
        p, ids, took = _score(state, parsed, metrics, "/predict-batch") if parsed else ([], [], 0.0)
        resp = JSONResponse(
            {
                "predictions": [_prediction(state, q, i) for q, i in zip(p, ids, strict=True)],
                "model_version": state.version,
            }
        )
        resp.headers["X-Model-Ms"] = f"{took * 1000:.3f}"
        return resp

    @app.post("/admin/swap")
    async def swap(request: Request):
        if not _is_loopback(request):
            raise ApiError(403, "model swaps are accepted from loopback clients only")
        body = await _json_body(request, max_bytes)
        if not isinstance(body, dict) or not isinstance(body.get("path"), str):
            raise ApiError(422, "field 'path': give the artefact path as a string")
        result = await run_in_threadpool(slot.swap, Path(body["path"]))
        return JSONResponse(
            {"swapped": result.swapped, "serving": result.serving, "reason": result.reason},
            status_code=200 if result.swapped else 409,
        )


def create_app(model_path=None, max_batch: int = 256, max_bytes: int = 1 << 20) -> FastAPI:
    """The service; with ``model_path`` it starts loading that model in the background."""
    metrics = Metrics()
    slot = ModelSlot(metrics)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if model_path is not None:
            threading.Thread(target=slot.swap, args=(Path(model_path),), daemon=True).start()
        yield

    app = FastAPI(title="churn model service", lifespan=lifespan)
    app.state.slot, app.state.metrics = slot, metrics

    @app.exception_handler(ApiError)
    async def on_api_error(request: Request, exc: ApiError):
        return _error(exc)

    @app.middleware("http")
    async def access_log(request: Request, call_next):
        rid = request.headers.get("x-request-id") or uuid.uuid4().hex
        t0 = time.perf_counter()
        response = await call_next(request)
        took = time.perf_counter() - t0
        path = request.url.path if request.url.path in ENDPOINTS else "other"
        metrics.requests.labels(path, str(response.status_code)).inc()
        metrics.latency.labels(path, str(response.status_code)).observe(took)
        response.headers["X-Request-ID"] = rid
        state = slot.state
        log.info(
            json.dumps(
                {
                    "request_id": rid,
                    "method": request.method,
                    "path": request.url.path,
                    "status": response.status_code,
                    "ms": round(took * 1000, 3),
                    "model_version": state.version if state else None,
                }
            )
        )
        return response

    _add_routes(app, slot, metrics, max_batch, max_bytes)
    return app


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --workers K`` (each worker builds its app from the environment)."""
    import os

    return create_app(
        os.environ["MLSTORIES_SERVING_MODEL"], int(os.environ.get("MLSTORIES_SERVING_MAX_BATCH", "256"))
    )
