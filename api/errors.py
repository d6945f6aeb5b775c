"""Every error the API answers with: one class per situation, each with its HTTP status and a stable code.

Handlers and the pipeline raise these; `render` turns any exception into
`{"error": message, "code": code, "request_id": id, ...details}` with the right status.
"""

from __future__ import annotations

import logging
from typing import Any

from sanic import HTTPResponse, Request, json
from sanic.exceptions import SanicException

from api.logs import ensure_request_id
from db.errors import DatabaseUnavailable

log = logging.getLogger("fundocr.errors")


class ApiError(SanicException):
    """Base of the tree; `details` are added to the JSON body."""

    status_code = 500
    code = "internal_error"
    quiet = True

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details = details


class BadRequest(ApiError):
    status_code = 400
    code = "bad_request"


class UrlRefused(ApiError):
    """The URL is not one the service will fetch (scheme, credentials, length, host or its addresses)."""

    status_code = 400
    code = "url_refused"


class Unauthorized(ApiError):
    status_code = 401
    code = "unauthorized"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message, **details)
        self.headers = {"WWW-Authenticate": 'Bearer realm="fundocr"'}


class Forbidden(ApiError):
    status_code = 403
    code = "forbidden"


class NotFound(ApiError):
    status_code = 404
    code = "not_found"


class PayloadTooLarge(ApiError):
    status_code = 413
    code = "too_large"


class NotAnImage(ApiError):
    status_code = 422
    code = "not_an_image"


class DownloadFailed(ApiError):
    """The image host could not be reached or did not send an image; `reason` is a metrics label."""

    status_code = 502
    code = "download_failed"


class Unavailable(ApiError):
    """A dependency (database, models) cannot serve now; retrying later may work."""

    status_code = 503
    code = "unavailable"


class RecognitionFailed(ApiError):
    """The OCR or NER engine raised on an image it accepted; the service keeps serving."""

    status_code = 500
    code = "recognition_failed"


def render(request: Request, exc: Exception) -> HTTPResponse:
    """The one error handler: JSON for every exception; unexpected ones are logged and become a 500."""
    request_id = ensure_request_id(request)
    if isinstance(exc, DatabaseUnavailable):
        exc = Unavailable(f"the database is unavailable: {exc}", reason="database")
    if isinstance(exc, SanicException):
        status = exc.status_code
        code = getattr(exc, "code", None) or _sanic_code(status)
        body: dict[str, Any] = {"error": str(exc) or _sanic_code(status), "code": code}
        body.update(getattr(exc, "details", {}))
        headers = dict(getattr(exc, "headers", None) or {})
        if status >= 500:
            log.error("request failed: %s", exc, extra={"status": status, "code": code})
    else:
        status, headers = 500, {}
        body = {"error": "internal error; the request id identifies it in the logs", "code": "internal_error"}
        log.exception("unexpected error", extra={"status": status})
    body["request_id"] = request_id
    return json(body, status=status, headers=headers)


def _sanic_code(status: int) -> str:
    return {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
        status, f"http_{status}"
    )
