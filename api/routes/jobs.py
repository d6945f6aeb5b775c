"""POST /ocr_jobs and GET /ocr_jobs/{id}: the batch API, answered by workers through the message broker.

Keys as for /ocr_handler (auth.require_for: all puts both behind one); a job's id is 128 random bits.
"""

from __future__ import annotations

from typing import Any

from sanic import Blueprint, HTTPResponse, Request, json
from sanic_ext import openapi

from api.context import ctx_of
from api.openapi import documented
from api.result_query import JOB_ITEMS, JOB_LIMIT_DEFAULT, JobQuery, cursor, job_query
from api.validation import job_request
from api.views import job_view
from db.jobs import NewItem

bp = Blueprint("jobs")

_NO_BROKER = "no message broker is configured (queue.url), or it cannot be reached now; or the database is unavailable"


@bp.post("/ocr_jobs")
@documented(
    "Queue a batch of screenshot URLs; each is answered as /ocr_handler would answer it (a URL given twice is read once)",
    body="JobRequest",
    ok=(202, "Job"),
    errors={400: "bad body or item, or a URL the service will not fetch (`item` names it)", 503: _NO_BROKER},
)
async def submit(request: Request) -> HTTPResponse:
    ctx = ctx_of(request)
    query = job_query(request.args, max_items=ctx.config.queue.max_items)  # refused before anything is queued
    images = job_request(request.body, max_items=ctx.config.queue.max_items)
    job_id = await ctx.ready_jobs().submit([NewItem(image.image_url, image.url_type) for image in images])
    view = await _view(request, job_id, query)
    return json(view, status=202, headers={"Location": f"/ocr_jobs/{job_id}"})


@bp.get("/ocr_jobs/<job_id:str>")
@documented(
    "A batch's progress and, for a page of its items, each answer (as /ocr_handler gives it) or its error",
    ok=(200, "Job"),
    errors={400: "a query parameter is not valid", 404: "no job has this id", 503: "the database is unavailable"},
)
@openapi.parameter("limit", {"type": "integer"}, "query", description=f"items per page, 0 (the counts alone) to queue.max_items (default {JOB_LIMIT_DEFAULT})")
@openapi.parameter("cursor", {"type": "string"}, "query", description="next_cursor of the previous page")
async def report(request: Request, job_id: str) -> HTTPResponse:
    query = job_query(request.args, max_items=ctx_of(request).config.queue.max_items)
    return json(await _view(request, job_id, query))


async def _view(request: Request, job_id: str, query: JobQuery) -> dict[str, Any]:
    found = await ctx_of(request).ready_jobs().report(job_id, after=query.after, limit=query.limit)
    return job_view(found, None if found.next_after is None else cursor(JOB_ITEMS, (found.next_after,)))
