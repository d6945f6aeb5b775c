"""Every failure the service layer reports, in one tree; `api.errors` maps each class to an HTTP status.

    ServiceError
    ├── FetchError          the image behind the URL could not be had
    │   ├── Refused         the URL is not one the service fetches (scheme, credentials, host, its addresses)
    │   ├── Unreachable     the host could not be resolved or connected to
    │   ├── Timeout         the download did not finish within download.total_timeout
    │   ├── BadResponse     the host answered, but not with a whole image (status, redirects, broken HTTP)
    │   ├── TooLarge        the body is larger than download.max_bytes
    │   └── NotAnImage      the body is not a JPEG, PNG, BMP or WebP image
    ├── UnreadableImage     the bytes look like an image but cannot be decoded, or are too many pixels
    ├── RecognitionFailed   the OCR or NER engine raised on an image it accepted
    ├── NotFound            no answer is stored for the image URL
    ├── Unavailable         a dependency (models, database, broker) cannot serve now; retrying later may work
    ├── Overloaded          this replica reads as many images as it may queue (ocr.max_waiting): retry after
    │                       `retry_after` seconds
    └── Abandoned           every caller of a read left before it reached an engine, so it was dropped

`details` are facts for the caller (`reason`, a short stable word, is also the metrics label of a failed
download); the message is a sentence for a person.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details = details

    @property
    def reason(self) -> str:
        return str(self.details.get("reason", type(self).__name__.lower()))


class FetchError(ServiceError):
    pass


class Refused(FetchError):
    pass


class Unreachable(FetchError):
    pass


class Timeout(FetchError):
    pass


class BadResponse(FetchError):
    pass


class TooLarge(FetchError):
    pass


class NotAnImage(FetchError):
    pass


class UnreadableImage(ServiceError):
    pass


class RecognitionFailed(ServiceError):
    pass


class NotFound(ServiceError):
    pass


class Unavailable(ServiceError):
    pass


class Overloaded(ServiceError):
    @property
    def retry_after(self) -> int:
        return int(self.details["retry_after"])


class Abandoned(ServiceError):
    pass
