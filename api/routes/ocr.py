"""POST /ocr_handler and POST /ocr_info_update."""

from __future__ import annotations

from sanic import Blueprint, HTTPResponse, Request, json

from api.auth import authenticate
from api.context import ctx_of
from api.openapi import documented
from api.validation import correction_request, ocr_request
from api.views import correction_view, result_view
from service.corrections import correct

bp = Blueprint("ocr")

_REFUSALS = {
    400: "bad body or field, or a URL the service will not fetch",
    503: "the database is unavailable, or the models are still loading",
}


@bp.post("/ocr_handler")
@documented(
    "Read the fund code and share count from a screenshot URL (answered from the database when known)",
    body="OcrRequest",
    ok=(200, "Answer"),
    errors={
        **_REFUSALS,
        413: "the image is larger than download.max_bytes (or the request body than server.request_max_size)",
        422: "the URL does not hold a readable image",
        500: "the OCR engine failed on this image",
        502: "the image could not be fetched",
        503: "the database is unavailable, the models are still loading, or the replica already holds "
        "ocr.instances + ocr.max_waiting new images (code overloaded, with Retry-After; nothing stored)",
    },
)
async def ocr_handler(request: Request) -> HTTPResponse:
    ctx = ctx_of(request)
    body = ocr_request(request.body)
    answer = await ctx.ready_screenshots().answer(body.image_url, body.url_type)
    return json(result_view(answer.result, source=answer.source))


@bp.post("/ocr_info_update")
@documented(
    "Correct the answer stored for an image; the OCR values are kept and every correction is logged",
    body="CorrectionRequest",
    ok=(200, "CorrectionAnswer"),
    errors={
        **_REFUSALS,
        401: "no API key",
        403: "wrong API key",
        404: "no answer is stored for this image_url",
    },
    secured=True,
)
async def ocr_info_update(request: Request) -> HTTPResponse:
    ctx = ctx_of(request)
    caller = authenticate(request, ctx.config.auth)
    body = correction_request(request.body)
    stored, history = await correct(
        ctx.db,
        url=body.image_url,
        fund_code=body.fund_code,
        hold_share=body.hold_share,
        holdings=body.holdings,
        author=caller or body.author,  # with keys configured, the key name; never what the body claims
    )
    ctx.answers.put(stored.url_hash, stored)
    view = result_view(stored, source="stored")
    view["history"] = [correction_view(item) for item in history]
    return json(view)
