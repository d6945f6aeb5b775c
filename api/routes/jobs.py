"""POST /ocr_jobs and GET /ocr_jobs/{id}: the batch API, answered by workers through the message broker.

Keys as for /ocr_handler (auth.require_for: all puts both behind one); a job's id is 128 random bits.
"""

from __future__ import annotations

from sanic import Blueprint, HTTPResponse, Request, json

from api.context import ctx_of
from api.openapi import documented
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
    images = job_request(request.body, max_items=ctx.config.queue.max_items)
    job = await ctx.ready_jobs().submit([NewItem(image.image_url, image.url_type) for image in images])
    report = await ctx.ready_jobs().report(job.id)
    return json(job_view(report), status=202, headers={"Location": f"/ocr_jobs/{job.id}"})


@bp.get("/ocr_jobs/<job_id:str>")
@documented(
    "A batch's progress and, per item, its answer (as /ocr_handler gives it) or its error",
    ok=(200, "Job"),
    errors={404: "no job has this id", 503: "the database is unavailable"},
)
async def report(request: Request, job_id: str) -> HTTPResponse:
    ctx = ctx_of(request)
    return json(job_view(await ctx.ready_jobs().report(job_id)))
