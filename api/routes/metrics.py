"""GET /metrics in the Prometheus text format."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST
from sanic import Blueprint, HTTPResponse, Request, raw
from sanic_ext import openapi

from api.context import ctx_of

bp = Blueprint("metrics")


@bp.get("/metrics")
@openapi.summary("Prometheus metrics of this worker")
@openapi.response(200, {"text/plain": {"schema": {"type": "string"}}}, "OK")
async def metrics(request: Request) -> HTTPResponse:
    return raw(ctx_of(request).metrics.render(), content_type=CONTENT_TYPE_LATEST)
