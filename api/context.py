"""What one worker owns, on `app.ctx`: created in before_server_start, closed in after_server_stop."""

from __future__ import annotations

from dataclasses import dataclass

from sanic import Request
from sqlalchemy.ext.asyncio import AsyncEngine

from api.config import Config
from api.download import Downloader
from api.metrics import Metrics
from api.pipeline import OcrEngine, Pipeline


@dataclass
class AppContext:
    config: Config
    metrics: Metrics
    downloader: Downloader | None = None
    db: AsyncEngine | None = None
    ocr: OcrEngine | None = None
    pipeline: Pipeline | None = None


def ctx_of(request: Request) -> AppContext:
    return request.app.ctx
