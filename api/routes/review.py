"""GET /review: the review workbench, a page, a script and a style sheet of our own (api/static/).

The page holds no data: it asks for an API key when keys are configured and reads everything through the JSON
API (/results, /ocr_info_update), so it is open like /health while the key guards the data.
"""

from __future__ import annotations

from sanic import Blueprint, HTTPResponse, Request
from sanic.response import file
from sanic_ext import openapi

from api.pages import STATIC

bp = Blueprint("review")

PATHS = frozenset({"/review", "/review/app.js", "/review/app.css"})


async def _file(name: str, mime_type: str) -> HTTPResponse:
    # no-cache: a new release's script is used at once, never beside an old page
    return await file(STATIC / name, mime_type=mime_type, headers={"Cache-Control": "no-cache"})


@bp.get("/review")
@openapi.exclude()
async def page(_request: Request) -> HTTPResponse:
    return await _file("review.html", "text/html; charset=utf-8")


@bp.get("/review/app.js")
@openapi.exclude()
async def script(_request: Request) -> HTTPResponse:
    return await _file("review.js", "application/javascript; charset=utf-8")


@bp.get("/review/app.css")
@openapi.exclude()
async def style(_request: Request) -> HTTPResponse:
    return await _file("review.css", "text/css; charset=utf-8")
