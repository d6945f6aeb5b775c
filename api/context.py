"""What one worker owns, on `app.ctx`: created in before_server_start, closed in after_server_stop."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sanic import Request
from sqlalchemy.ext.asyncio import AsyncEngine

from core.settings import Settings
from service.answers import AnswerCache
from service.broker import Broker
from service.download import Downloader
from service.errors import Unavailable
from service.jobs import JobService
from service.metrics import Metrics
from service.ner import NerReader
from service.pipeline import Recognizer, ScreenshotService


@dataclass
class AppContext:
    config: Settings
    metrics: Metrics
    answers: AnswerCache
    downloader: Downloader | None = None
    db: AsyncEngine | None = None
    ocr: Recognizer | None = None
    ner: NerReader | None = None
    screenshots: ScreenshotService | None = None
    broker: Broker | None = None
    jobs: JobService | None = None
    loading: asyncio.Task[None] | None = None
    load_error: str | None = None

    @property
    def models_state(self) -> str | None:
        """Why the models cannot serve yet, or None when they can."""
        if self.screenshots is not None:
            return None
        return f"failed to load: {self.load_error}" if self.load_error else "loading"

    def ready_screenshots(self) -> ScreenshotService:
        """The screenshot service, once the models are loaded."""
        if self.screenshots is None:
            raise Unavailable(f"the models are not ready ({self.models_state})", reasons={"models": self.models_state})
        return self.screenshots


    def ready_jobs(self) -> JobService:
        """The batch API, once the database is open (without a broker it answers Unavailable itself)."""
        if self.jobs is None:
            raise Unavailable("the service is starting", reason="starting")
        return self.jobs


def ctx_of(request: Request) -> AppContext:
    return request.app.ctx
