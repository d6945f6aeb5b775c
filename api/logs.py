"""Structured logs: one JSON object per line, carrying the id of the request being served."""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from sanic import Request

from core.settings import LoggingSettings

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def ensure_request_id(request: Request) -> str:
    """The id of this request: the caller's X-Request-ID if it is a plain token, else a fresh one; set once."""
    current = getattr(request.ctx, "request_id", None)
    if current is None:
        offered = request.headers.get("X-Request-ID")
        current = offered if offered and _VALID_ID.fullmatch(offered) else uuid.uuid4().hex
        request.ctx.request_id = current
        request_id.set(current)
    return current


class JsonFormatter(logging.Formatter):
    """Message, level, logger, request id, any `extra=` fields and the traceback, as one JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        current = request_id.get()
        if current:
            payload["request_id"] = current
        payload.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


def log_config(config: LoggingSettings) -> dict[str, Any]:
    """A dictConfig for Sanic(log_config=...): the service's and Sanic's loggers on one stderr handler."""
    formatter = {"()": JsonFormatter} if config.json else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    handler = {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"}
    logger = {"level": config.level, "handlers": ["default"], "propagate": False}
    names = ("fundocr", "sanic.root", "sanic.error", "sanic.server", "sanic.access", "sanic.websockets")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"default": handler},
        "loggers": {name: logger for name in names},
    }
