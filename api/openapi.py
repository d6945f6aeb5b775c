"""The OpenAPI description (served by sanic-ext at /docs/openapi.json): schemas and per-route documentation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sanic import Sanic
from sanic_ext import openapi

from api.pages import STATIC
from api.validation import (
    AUTHOR_MAX_CHARS,
    FUND_CODE,
    FUND_NAME_MAX_CHARS,
    HOLDINGS_MAX,
    NER_MAX_CHARS,
    SHARE,
)
from core.settings import URL_TYPES, Settings

H = TypeVar("H", bound=Callable[..., Any])

_str = {"type": "string"}
_nullable_str = {"type": "string", "nullable": True}
_nullable_number = {"type": "number", "nullable": True}
_values = {
    "type": "object",
    "required": ["fund_code", "hold_share"],
    "properties": {"fund_code": _str, "hold_share": _str},
}

def schemas(settings: Settings) -> dict[str, Any]:
    """The components of the description; limits come from the settings the app runs with."""
    url = {"type": "string", "minLength": 1, "maxLength": settings.download.max_url_length}
    return {
        "OcrRequest": {
            "type": "object",
            "required": ["image_url", "url_type"],
            "properties": {
                "image_url": {**url, "description": "http(s) URL"},
                "url_type": {"type": "string", "enum": list(URL_TYPES)},
            },
        },
        "JobRequest": {
            "type": "object",
            "required": ["items"],
            "properties": {
                "items": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": settings.queue.max_items,
                    "items": {"$ref": "#/components/schemas/OcrRequest"},
                }
            },
        },
        "Job": {
            "type": "object",
            "required": ["id", "status", "total", "queued", "done", "failed", "items", "next_cursor"],
            "properties": {
                "id": _str,
                "status": {"type": "string", "enum": ["running", "done"]},
                "total": {"type": "integer", "description": "items: one per distinct image_url"},
                "queued": {"type": "integer"},
                "done": {"type": "integer"},
                "failed": {"type": "integer"},
                "created_at": _str,
                "next_cursor": {**_nullable_str, "description": "the next page of items (`cursor`); null: no more"},
                "items": {
                    "type": "array",
                    "description": "a page of the job's items (`limit`), in the order given",
                    "items": {
                        "type": "object",
                        "required": ["image_url", "url_type", "status", "attempts", "answer", "error"],
                        "properties": {
                            "image_url": _str,
                            "url_type": _str,
                            "status": {"type": "string", "enum": ["queued", "done", "failed"]},
                            "attempts": {"type": "integer", "description": "tries that failed"},
                            "answer": {
                                "allOf": [{"$ref": "#/components/schemas/Answer"}],
                                "nullable": True,
                                "description": "what /ocr_handler answers for this image_url, once done",
                            },
                            "error": {
                                "type": "object",
                                "nullable": True,
                                "description": "the last try's error as /ocr_handler would answer it, with its `status`",
                                "properties": {"status": {"type": "integer"}, "error": _str, "code": _str},
                            },
                            "finished_at": _nullable_str,
                        },
                    },
                },
            },
        },
        "CorrectionRequest": {
            "type": "object",
            "required": ["image_url"],
            "description": "update_fund_code and update_hold_share together, update_holdings, or all three",
            "properties": {
                "image_url": url,
                "update_fund_code": {"type": "string", "pattern": f"^{FUND_CODE.pattern}$"},
                "update_hold_share": {"type": "string", "pattern": f"^{SHARE.pattern}$"},
                "update_holdings": {
                    "type": "array",
                    "maxItems": HOLDINGS_MAX,
                    "items": {"$ref": "#/components/schemas/HoldingCorrection"},
                    "description": "the whole corrected list of the page's holdings (empty: the page holds none)",
                },
                "author": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": AUTHOR_MAX_CHARS,
                    "description": "recorded when no API keys are configured; with keys, the key's name is",
                },
            },
        },
        "HoldingCorrection": {
            "type": "object",
            "required": ["fund_code"],
            "additionalProperties": False,
            "description": "one fund as staff corrected it: hold_share or available_share (or both) not null",
            "properties": {
                "fund_code": {"type": "string", "pattern": f"^{FUND_CODE.pattern}$"},
                "fund_name": {"type": "string", "nullable": True, "maxLength": FUND_NAME_MAX_CHARS},
                **{name: {"type": "string", "nullable": True, "pattern": f"^{SHARE.pattern}$"} for name in ("hold_share", "available_share", "amount")},
            },
        },
        "Holding": {
            "type": "object",
            "required": ["fund_code", "fund_name", "hold_share", "available_share", "amount"],
            "description": "one fund on the page; null where the page does not show it",
            "properties": {
                **{name: _nullable_str for name in ("fund_code", "fund_name", "hold_share", "available_share", "amount")},
                "confidence": {"type": "number", "description": "0-1: the lower of its code's and its share's"},
                "boxes": {
                    "type": "object",
                    "description": "each field shown: its four corners in image pixels, clockwise from top-left",
                    "additionalProperties": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
                },
            },
        },
        "Answer": {
            "type": "object",
            "required": ["flag", "data", "holdings", "confidence", "needs_review", "reasons", "source", "corrected", "ocr", "correction", "image_url", "lines"],
            "properties": {
                "flag": {"type": "boolean", "description": "true when data holds a fund code and a share"},
                "data": _values,
                "holdings": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/Holding"},
                    "description": "every whole fund on the page (the staff's list once corrected); exactly the one of data when the OCR flagged the page",
                },
                "confidence": {
                    "type": "object",
                    "nullable": True,
                    "description": "how sure the OCR answer is of each field, 0-1; flag needs both at decision.threshold",
                    "properties": {"fund_code": {"type": "number"}, "hold_share": {"type": "number"}},
                },
                "needs_review": {"type": "boolean", "description": "the OCR answer was not sure and nobody corrected it yet"},
                "reasons": {
                    "type": "array",
                    "items": _str,
                    "description": "why a field was unsure, e.g. no_share_label, competing_codes, rules_model_disagree",
                },
                "source": {"type": "string", "enum": ["ocr", "stored"]},
                "corrected": {"type": "boolean"},
                "ocr": {
                    "type": "object",
                    "required": ["flag", "fund_code", "hold_share"],
                    "properties": {
                        "flag": {"type": "boolean"},
                        "fund_code": _str,
                        "hold_share": _str,
                        "fund_codes": {"type": "array", "items": _str},
                        "shares": {"type": "array", "items": _str},
                        "decided_by": {"type": "string", "enum": ["rules", "ner", "both"]},
                        "holdings": {"type": "array", "items": {"$ref": "#/components/schemas/Holding"}},
                    },
                },
                "correction": {
                    "type": "object",
                    "nullable": True,
                    "properties": {
                        "fund_code": _nullable_str,
                        "hold_share": _nullable_str,
                        "holdings": {"type": "array", "nullable": True, "items": {"$ref": "#/components/schemas/Holding"}},
                        "at": _str,
                        "by": _nullable_str,
                    },
                },
                "image_url": _str,
                "url_type": _str,
                "business_type": _str,
                "lines": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["text", "confidence", "box"],
                        "properties": {
                            "text": _str,
                            "confidence": {"type": "number"},
                            "box": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
                        },
                    },
                },
                "entities": {"type": "array", "items": {"$ref": "#/components/schemas/Entity"}},
                "created_at": _str,
                "updated_at": _str,
            },
        },
        "CorrectionAnswer": {
            "allOf": [
                {"$ref": "#/components/schemas/Answer"},
                {
                    "type": "object",
                    "required": ["history"],
                    "properties": {
                        "history": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["old", "new", "at"],
                                "properties": {"old": _values, "new": _values, "author": _nullable_str, "at": _str},
                            },
                        }
                    },
                },
            ]
        },
        "Error": {
            "type": "object",
            "required": ["error", "code", "request_id"],
            "properties": {
                "error": {"type": "string", "description": "what went wrong, for a person"},
                "code": {"type": "string", "description": "stable, for a program"},
                "request_id": {"type": "string", "description": "also in the X-Request-ID header and the logs"},
            },
        },
        "Entity": {
            "type": "object",
            "required": ["type", "text", "start", "end"],
            "properties": {
                "type": _str,
                "text": _str,
                "start": {"type": "integer", "description": "offset into the OCR text (lines joined by newlines)"},
                "end": {"type": "integer", "description": "exclusive"},
            },
        },
        "NerRequest": {
            "type": "object",
            "required": ["text"],
            "properties": {"text": {"type": "string", "minLength": 1, "maxLength": NER_MAX_CHARS}},
        },
        "NerAnswer": {
            "type": "object",
            "required": ["entities", "model"],
            "properties": {
                "entities": {"type": "array", "items": {"$ref": "#/components/schemas/Entity"}},
                "model": _str,
            },
        },
        "Health": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}},
        "Confidence": {
            "type": "object",
            "description": "per field, 0 to 1; null for an empty field",
            "properties": {"fund_code": _nullable_number, "hold_share": _nullable_number},
        },
        "ListedResult": {
            "type": "object",
            "required": ["id", "flag", "data", "corrected", "image_url", "needs_review", "confidence", "created_at"],
            "properties": {
                "id": {"type": "integer"},
                "flag": {"type": "boolean"},
                "data": _values,
                "corrected": {"type": "boolean"},
                "correction": {"type": "object", "nullable": True},
                "image_url": _str,
                "url_type": _str,
                "needs_review": {"type": "boolean", "description": "unflagged or unsure, neither corrected nor accepted"},
                "confidence": {"$ref": "#/components/schemas/Confidence"},
                "created_at": _str,
                "updated_at": _str,
            },
        },
        "ResultPage": {
            "type": "object",
            "required": ["items", "next_cursor"],
            "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/ListedResult"}},
                "next_cursor": {**_nullable_str, "description": "pass as `cursor` for the next page; null on the last"},
            },
        },
        "ResultDetail": {
            "allOf": [
                {"$ref": "#/components/schemas/CorrectionAnswer"},
                {
                    "type": "object",
                    "required": ["id", "needs_review", "confidence"],
                    "properties": {
                        "id": {"type": "integer"},
                        "needs_review": {"type": "boolean"},
                        "confidence": {"$ref": "#/components/schemas/Confidence"},
                    },
                },
            ]
        },
        "QueueCounts": {
            "type": "object",
            "required": ["to_review", "corrected", "accepted"],
            "properties": {
                "to_review": {"type": "integer", "description": "answers waiting for review"},
                "corrected": {"type": "integer", "description": "answers whose values staff changed since `since`"},
                "accepted": {"type": "integer", "description": "answers staff accepted as they were since `since`"},
            },
        },
    }


DOCS_PAGE = STATIC / "docs.html"


def describe(app: Sanic, version: str, settings: Settings, *, redoc_script: str) -> None:
    """Title, schemas and the API-key schemes, once per app; /docs is ReDoc with `redoc_script` served locally.

    sanic-ext's own pages load their scripts and fonts from public CDNs (and Swagger UI's OAuth page is fetched
    from one at request time): Swagger UI is off and ReDoc gets a page of ours.
    """
    app.config.update(
        OAS_UI_SWAGGER=False,
        OAS_PATH_TO_REDOC_HTML=str(DOCS_PAGE),
        OAS_UI_REDOC_CDN_URL=redoc_script,
        OAS_UI_REDOC_HTML_TITLE="fund-ocr API",
    )
    spec = app.ext.openapi
    spec.describe("fund-ocr", version, "Reads fund-holdings screenshots: fund code and share count.")
    spec.raw({"components": {"schemas": schemas(settings)}})
    spec.add_security_scheme("apiKey", "apiKey", name="X-API-Key", location="header")
    spec.add_security_scheme("bearer", "http", scheme="bearer")


def _json(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def documented(
    summary: str,
    *,
    ok: tuple[int, str],
    errors: dict[int, str],
    body: str | None = None,
    secured: bool = False,
) -> Callable[[H], H]:
    """Summary, request body, the success response and every error status a route can answer with.

    A route with a body can also get 413: Sanic refuses a body over server.request_max_size before the route runs.
    """
    if body is not None:
        errors = {413: "the request body is larger than server.request_max_size", **errors}

    def wrap(handler: H) -> H:
        for status, reason in errors.items():
            handler = openapi.response(status, _json("Error"), reason)(handler)
        handler = openapi.response(ok[0], _json(ok[1]), "OK")(handler)
        if body is not None:
            handler = openapi.body(_json(body), required=True)(handler)
        if secured:
            handler = openapi.secured("apiKey")(openapi.secured("bearer")(handler))
        return openapi.summary(summary)(handler)

    return wrap
