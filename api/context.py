"""What one worker owns, on `app.ctx`: created in before_server_start, closed in after_server_stop."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sanic import Request
from sqlalchemy.ext.asyncio import AsyncEngine

from api.answers import AnswerCache
from api.config import Config
from api.download import Downloader
from api.errors import Unavailable
from api.metrics import Metrics
from api.ner import NerReader
from api.pipeline import OcrEngine, Pipeline


@dataclass
class AppContext:
    config: Config
    metrics: Metrics
    answers: AnswerCache
    downloader: Downloader | None = None
    db: AsyncEngine | None = None
    ocr: OcrEngine | None = None
    ner: NerReader | None = None
    pipeline: Pipeline | None = None
    loading: asyncio.Task[None] | None = None
    load_error: str | None = None

    @property
    def models_state(self) -> str | None:
        """Why the models cannot serve yet, or None when they can."""
        if self.pipeline is not None:
            return None
        return f"failed to load: {self.load_error}" if self.load_error else "loading"

    def ready_pipeline(self) -> Pipeline:
        """The pipeline, once the models are loaded."""
        if self.pipeline is None:
            raise Unavailable(f"the models are not ready ({self.models_state})", reasons={"models": self.models_state})
        return self.pipeline


def ctx_of(request: Request) -> AppContext:
    return request.app.ctx
