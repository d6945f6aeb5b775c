"""The HTTP face of every failure: the few errors only HTTP has, and ONE table from exception to status.

The service layer's failures are defined in `service.errors` (the database's in `db.errors`); handlers let
them propagate and `render` answers `{"error": message, "code": code, "request_id": id, ...details}` with
the status of the table's most specific match. Anything unlisted is logged and becomes a 500.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from sanic import HTTPResponse, Request, json
from sanic.exceptions import SanicException

from api.logs import ensure_request_id
from db.errors import DatabaseUnavailable
from service import errors as service

log = logging.getLogger("fundocr.errors")


class HttpError(Exception):
    """A refusal that only exists in HTTP: a body that is not the API's, or a missing or wrong key."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details = details


class BadRequest(HttpError):
    pass


class Unauthorized(HttpError):
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": 'Bearer realm="fundocr"'}


class Forbidden(HttpError):
    pass


# exception class -> (status, code). Looked up along the class's MRO, so a subclass may be listed apart.
STATUSES: dict[type[Exception], tuple[int, str]] = {
    BadRequest: (400, "bad_request"),
    Unauthorized: (401, "unauthorized"),
    Forbidden: (403, "forbidden"),
    service.Refused: (400, "url_refused"),
    service.FetchError: (502, "download_failed"),
    service.TooLarge: (413, "too_large"),
    service.NotAnImage: (422, "not_an_image"),
    service.UnreadableImage: (422, "not_an_image"),
    service.RecognitionFailed: (500, "recognition_failed"),
    service.NotFound: (404, "not_found"),
    service.Unavailable: (503, "unavailable"),
    service.Overloaded: (503, "overloaded"),
    service.Abandoned: (503, "abandoned"),  # nobody is listening; listed so that it is not logged as a 500
    DatabaseUnavailable: (503, "unavailable"),
}


def status_of(exc: Exception) -> tuple[int, str] | None:
    """The (status, code) the table gives `exc`, or None when it is not listed."""
    return status_of_class(type(exc))


def status_of_class(kind: type) -> tuple[int, str] | None:
    for cls in kind.__mro__:
        if cls in STATUSES:
            return STATUSES[cls]
    return None


def stored_error_view(error: dict[str, Any]) -> dict[str, Any]:
    """A failure a job item recorded (service.jobs.describe), shaped as /ocr_handler would have answered it."""
    kind = getattr(service, error["kind"], None)
    status, code = (status_of_class(kind) if isinstance(kind, type) else None) or (500, "internal_error")
    return {"status": status, "error": error["message"], "code": code, **error["details"]}


def render(request: Request, exc: Exception) -> HTTPResponse:
    """The one error handler: JSON for every exception; unexpected ones are logged and become a 500."""
    request_id = ensure_request_id(request)
    headers: dict[str, str] = {}
    if isinstance(exc, DatabaseUnavailable):
        details: dict[str, Any] = {"reason": "database"}
        message = f"the database is unavailable: {exc}"
    else:
        details = dict(getattr(exc, "details", {}))
        message = str(exc)
    if (mapped := status_of(exc)) is not None:
        status, code = mapped
        headers = dict(getattr(exc, "headers", {}))
        if isinstance(exc, service.Overloaded):
            headers["Retry-After"] = str(exc.retry_after)
    elif isinstance(exc, SanicException):  # Sanic's own: unknown route, wrong method, body too large, ...
        status = exc.status_code
        code = _sanic_code(status)
        message = message or code
        headers = dict(exc.headers or {})
    else:
        log.exception("unexpected error", extra={"status": 500})
        body = {"error": "internal error; the request id identifies it in the logs", "code": "internal_error"}
        return json({**body, "request_id": request_id}, status=500)
    if status >= 500:
        log.error("request failed: %s", exc, extra={"status": status, "code": code})
    return json({"error": message or code, "code": code, **details, "request_id": request_id}, status=status, headers=headers)


def _sanic_code(status: int) -> str:
    return {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
        status, f"http_{status}"
    )
