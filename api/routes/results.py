"""Stored results for staff: GET /results (a listing), GET /results/summary (the queue's counts),
GET /results/{id} (everything stored), POST /results/{id}/accept (checked and kept as it is).

With API keys configured, every one of these needs a key: the results hold customers' holdings and image URLs.
"""

from __future__ import annotations

from sanic import Blueprint, HTTPResponse, Request, json
from sanic_ext import openapi

from api.auth import authenticate
from api.context import ctx_of
from api.openapi import documented
from api.result_query import cursor, results_query, summary_since
from api.views import detail_view, listed_view
from db.tables import utcnow
from service import review
from service.corrections import accept as accept_as_is

bp = Blueprint("results")

_KEYED = {401: "no API key (when keys are configured)", 403: "wrong API key", 503: "the database is unavailable"}
_QUERY = {
    "needs_review": (
        "boolean",
        "true: only answers that wait for review (unflagged or unsure, and neither corrected nor accepted)",
    ),
    "corrected": ("boolean", "true: only answers staff corrected; false: only those they did not"),
    "fund_code": ("string", "only answers with this fund code (the corrected one where corrected)"),
    "created_from": ("string", "ISO 8601 date or date-time (UTC unless a zone is given): answers stored from then"),
    "created_to": ("string", "ISO 8601 date or date-time: answers stored before then"),
    "url_contains": ("string", "only answers whose image_url contains this text"),
    "order": ("string", "newest (default) or confidence (lowest first: the review queue)"),
    "limit": ("integer", "answers per page, 1 to 200 (default 50)"),
    "cursor": ("string", "next_cursor of the previous page"),
}


def _with_query(handler):  # type: ignore[no-untyped-def]
    for name, (kind, description) in _QUERY.items():
        handler = openapi.parameter(name, {"type": kind}, "query", description=description)(handler)
    return handler


@bp.get("/results")
@documented(
    "Stored answers, newest first or the review queue (lowest confidence first), filtered, a page at a time",
    ok=(200, "ResultPage"),
    errors={400: "a query parameter is not valid", **_KEYED},
    secured=True,
)
@_with_query
async def list_results(request: Request) -> HTTPResponse:
    ctx = ctx_of(request)
    authenticate(request, ctx.config.auth)
    query = results_query(request.args)
    page, position = await review.list_results(
        ctx.db, where=query.where, order=query.order, after=query.after, limit=query.limit
    )
    return json(
        {
            "items": [listed_view(item) for item in page],
            "next_cursor": None if position is None else cursor(query.order, position),
        }
    )


@bp.get("/results/summary")
@documented(
    "The review queue's counts: answers waiting, and answers corrected or accepted since a time",
    ok=(200, "QueueCounts"),
    errors={400: "'since' is not valid", **_KEYED},
    secured=True,
)
@openapi.parameter(
    "since", {"type": "string"}, "query", description="ISO 8601; default: the start of today (UTC)"
)
async def summary(request: Request) -> HTTPResponse:
    ctx = ctx_of(request)
    authenticate(request, ctx.config.auth)
    since = summary_since(request.args, now=utcnow())
    return json(await review.queue_counts(ctx.db, since=since))


@bp.get("/results/<result_id:int>")
@documented(
    "Everything stored for one answer: OCR lines with their boxes, image size, entities, confidences, "
    "the correction and its history",
    ok=(200, "ResultDetail"),
    errors={404: "no result with this id", **_KEYED},
    secured=True,
)
async def result(request: Request, result_id: int) -> HTTPResponse:
    ctx = ctx_of(request)
    authenticate(request, ctx.config.auth)
    return json(detail_view(*await review.result_detail(ctx.db, result_id=result_id)))


@bp.post("/results/<result_id:int>/accept")
@documented(
    "Staff checked the answer and keep it as it is: recorded in its history, it leaves the review queue",
    ok=(200, "ResultDetail"),
    errors={404: "no result with this id", **_KEYED},
    secured=True,
)
async def accept(request: Request, result_id: int) -> HTTPResponse:
    ctx = ctx_of(request)
    author = authenticate(request, ctx.config.auth)
    return json(detail_view(*await accept_as_is(ctx.db, result_id=result_id, author=author)))
