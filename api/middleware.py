"""Around every request: its id, the key check when every endpoint needs one, and one JSON log line."""

from __future__ import annotations

import logging
import time

from sanic import HTTPResponse, Request

from api.auth import authenticate
from api.logs import ensure_request_id
from api.routes import review
from service.metrics import Metrics

log = logging.getLogger("fundocr.server")

# The probes, and the review page's own files: they hold no data, and the page asks for the key.
_OPEN_PATHS = frozenset({"/health", "/ready"}) | review.PATHS


async def start_request(request: Request) -> None:
    ensure_request_id(request)
    request.ctx.started = time.perf_counter()
    auth = request.app.ctx.config.auth
    if auth.require_for == "all" and request.path not in _OPEN_PATHS:
        authenticate(request, auth)


async def finish_request(request: Request, response: HTTPResponse) -> None:
    response.headers["X-Request-ID"] = ensure_request_id(request)
    elapsed = time.perf_counter() - getattr(request.ctx, "started", time.perf_counter())
    endpoint = request.uri_template if request.route else "unmatched"
    labels = {"endpoint": endpoint, "method": request.method, "status": str(response.status)}
    metrics: Metrics = request.app.ctx.metrics
    metrics.requests.labels(**labels).inc()
    metrics.latency.labels(**labels).observe(elapsed)
    log.info("request", extra={**labels, "path": request.path, "ms": round(elapsed * 1000, 2)})
