"""The script of the API docs page (/docs), served by the service itself rather than from a CDN.

ReDoc's standalone bundle ships in the drf-spectacular-sidecar wheel; only its files are read (the package
itself imports Django, which is not installed). The page around it is api/static/docs.html (api.openapi).
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from sanic import Blueprint, HTTPResponse, Request
from sanic.response import file
from sanic_ext import openapi

bp = Blueprint("docs")

REDOC_PATH = "/docs/redoc.standalone.js"


def _redoc_bundle() -> Path:
    spec = find_spec("drf_spectacular_sidecar")  # locates the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("drf-spectacular-sidecar is not installed (requirements.txt)")
    return Path(spec.submodule_search_locations[0]) / "static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"


REDOC_BUNDLE = _redoc_bundle()


@bp.get(REDOC_PATH)
@openapi.exclude()
async def redoc(_request: Request) -> HTTPResponse:
    return await file(REDOC_BUNDLE, mime_type="application/javascript", headers={"Cache-Control": "max-age=86400"})
