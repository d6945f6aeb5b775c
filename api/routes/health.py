"""GET /health (the process answers) and GET /ready (the database can serve).

A worker answers as soon as it starts; it loads the models in the background, and /ready says so until
they are loaded.
"""

from __future__ import annotations

import asyncio

from sanic import Blueprint, HTTPResponse, Request, json

from api.context import ctx_of
from api.openapi import documented
from db.engine import schema_revision
from db.errors import DatabaseUnavailable
from db.tables import SCHEMA_REVISION
from service.errors import Unavailable

bp = Blueprint("health")

READY_TIMEOUT = 3.0


@bp.get("/health")
@documented("The process is up (no I/O)", ok=(200, "Health"), errors={})
async def health(_request: Request) -> HTTPResponse:
    return json({"status": "ok"})


@bp.get("/ready")
@documented(
    "The database is reachable and migrated, and the models are loaded",
    ok=(200, "Health"),
    errors={503: "not ready; `reasons` says why"},
)
async def ready(request: Request) -> HTTPResponse:
    ctx = ctx_of(request)
    reasons: dict[str, str] = {}
    if ctx.models_state is not None:
        reasons["models"] = ctx.models_state
    try:
        revision = await asyncio.wait_for(schema_revision(ctx.db), READY_TIMEOUT)
        if revision != SCHEMA_REVISION:
            reasons["database"] = f"schema revision is {revision}, expected {SCHEMA_REVISION}: run the migrations"
    except DatabaseUnavailable as error:
        reasons["database"] = f"unavailable: {error}"
    except TimeoutError:
        reasons["database"] = f"no answer within {READY_TIMEOUT:g}s"
    if reasons:
        raise Unavailable("not ready", reasons=reasons)
    return json({"status": "ready"})
