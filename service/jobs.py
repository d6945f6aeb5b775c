"""Batch jobs: a list of image URLs accepted at once and answered by workers through the broker.

Submitting stores the job and its items (one per URL) and then publishes them, confirmed by the broker,
before the caller hears 202; a publish that fails deletes the job again, so an accepted job is a queued
one. A worker answers an item with the same ScreenshotService as /ocr_handler (its rows, its claims, its
single-flight), so an item and a request for one URL make one OCR run and one row; it records the answer,
then the broker's acknowledgement follows. An item delivered again after a worker died is answered from
the stored row and recorded once.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from db import jobs, results
from db.engine import transaction
from db.tables import utcnow
from service.broker import Broker, ItemMessage, Outcome
from service.download import Downloader
from service.errors import (
    BadResponse,
    NotFound,
    Overloaded,
    RecognitionFailed,
    ServiceError,
    Timeout,
    Unavailable,
    Unreachable,
)
from service.pipeline import ScreenshotService

log = logging.getLogger("fundocr.jobs")

# Failures another try may cure: the image host or the engine or a dependency was down, or the replica full.
# The rest (a refused URL, not an image, too large) are the item's answer.
RETRYABLE = (Unreachable, Timeout, BadResponse, RecognitionFailed, Unavailable, Overloaded)


@dataclass(frozen=True, slots=True)
class JobReport:
    """A job, one page of its items with the answers of those done, and where the next page starts (None:
    this is the last)."""

    job: jobs.Job
    items: list[jobs.Item]
    results: dict[int, results.StoredResult]
    next_after: int | None


class JobService:
    def __init__(self, *, engine: AsyncEngine, downloader: Downloader, broker: Broker | None) -> None:
        self._engine = engine
        self._downloader = downloader
        self._broker = broker

    async def submit(self, items: list[jobs.NewItem]) -> str:
        """Store and queue a job, and give its id; every URL is checked first (Refused names the item),
        nothing is kept if the broker does not confirm every item (Unavailable)."""
        broker = await self._connected()
        for index, item in enumerate(items):
            try:
                self._downloader.check(item.url, item.url_type)
            except ServiceError as error:
                error.details["item"] = index
                raise
        job_id = secrets.token_hex(16)
        async with transaction(self._engine, write=True) as conn:
            queued = await jobs.create(conn, job_id=job_id, items=items, now=utcnow())
        try:
            await broker.publish([ItemMessage(item.id, item.url, item.url_type) for item in queued])
        except Unavailable:
            async with transaction(self._engine, write=True) as conn:
                await jobs.delete_job(conn, job_id=job_id)
            raise
        return job_id

    async def report(self, job_id: str, *, after: int | None, limit: int) -> JobReport:
        """The job's counts and up to `limit` of its items from the one after position `after`, with the
        answers stored for those done; NotFound for an unknown id."""
        async with transaction(self._engine) as conn:
            job = await jobs.get(conn, job_id=job_id)
            if job is None:
                raise NotFound("no job has this id", reason="no_job")
            page = await jobs.page(conn, job_id=job_id, after=after, limit=limit + 1)
            answers = await results.get_many(
                conn, result_ids=[item.result_id for item in page[:limit] if item.result_id is not None]
            )
        more = len(page) > limit
        return JobReport(job, page[:limit], answers, page[limit - 1].position if more and limit else None)

    async def _connected(self) -> Broker:
        if self._broker is None:
            raise Unavailable("no message broker is configured (queue.url): the batch API is off", reason="no_broker")
        await self._broker.ensure()
        return self._broker


class ItemWorker:
    """What `python server.py worker` does with each item the broker delivers."""

    def __init__(self, *, engine: AsyncEngine, screenshots: ScreenshotService, max_attempts: int) -> None:
        self._engine = engine
        self._screenshots = screenshots
        self._max_attempts = max_attempts

    async def handle(self, message: ItemMessage) -> Outcome:
        """Answer the item and record it; an exception (the database is down) leaves it on the broker."""
        async with transaction(self._engine) as conn:
            item = await jobs.item(conn, item_id=message.item_id)
        if item is None or item.status != "queued":  # its job was deleted, or it was answered before a redelivery
            return Outcome.DONE
        try:
            answer = await self._screenshots.answer(item.url, item.url_type)
        except ServiceError as error:
            retry = isinstance(error, RETRYABLE)
            final = not retry or message.attempt >= self._max_attempts
            log.info("item %s try %s failed: %s", item.id, message.attempt, error)
            async with transaction(self._engine, write=True) as conn:
                await jobs.failed(conn, item_id=item.id, error=describe(error), final=final, now=utcnow())
            if not final:
                return Outcome.RETRY
            return Outcome.DEAD if retry else Outcome.DONE
        async with transaction(self._engine, write=True) as conn:
            await jobs.answered(conn, item_id=item.id, result_id=answer.result.id, source=answer.source, now=utcnow())
        return Outcome.DONE


def describe(error: ServiceError) -> dict[str, Any]:
    """A failure as an item keeps it: the class (api.errors gives its status and code), the sentence, the facts."""
    return {"kind": type(error).__name__, "message": str(error), "details": error.details}
