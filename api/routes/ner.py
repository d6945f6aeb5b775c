"""POST /ner: the entity model on any text, as /ocr_handler uses it on a page's OCR text."""

from __future__ import annotations

from dataclasses import asdict

from sanic import Blueprint, HTTPResponse, Request, json

from api.context import ctx_of
from api.openapi import documented
from api.validation import ner_request
from service.errors import Unavailable

bp = Blueprint("ner")


@bp.post("/ner")
@documented(
    "Tag fund names, codes, shares, amounts, profits and dates in a text",
    body="NerRequest",
    ok=(200, "NerAnswer"),
    errors={400: "bad body or field", 503: "the NER model is switched off (ner.enabled) or still loading"},
)
async def ner(request: Request) -> HTTPResponse:
    ctx = ctx_of(request)
    text = ner_request(request.body)
    ctx.ready_screenshots()
    if ctx.ner is None:
        raise Unavailable("the NER model is switched off (ner.enabled: false)", reasons={"ner": "disabled"})
    entities = await ctx.ner.batcher.submit(text)
    return json({"entities": [asdict(entity) for entity in entities], "model": ctx.ner.version})
