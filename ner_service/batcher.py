"""Micro-batching of concurrent NER requests, run off the event loop in one dedicated thread.

Each `submit` waits until `max_batch` texts are queued or the oldest queued text has waited
`max_wait_ms`; then one `predict` call tags the whole batch in the batcher's single worker thread
(torch's intra-op threads are capped by the predictor), and every caller gets its own entities back.
"""

from __future__ import annotations

import asyncio
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from ner_service.types import Entity


class Predictor(Protocol):
    def predict(self, texts: list[str]) -> list[list[Entity]]: ...


class BatcherClosed(RuntimeError):
    """`submit` after `close`."""


@dataclass(slots=True)
class _Request:
    text: str
    future: asyncio.Future
    arrived: float = field(default=0.0)


class NerBatcher:
    """Groups concurrent `submit` calls into batched `predict` calls on one worker thread."""

    def __init__(self, predictor: Predictor, *, max_batch: int, max_wait_ms: float) -> None:
        if max_batch < 1 or max_wait_ms < 0:
            raise ValueError("max_batch must be >= 1 and max_wait_ms >= 0")
        self.predictor = predictor
        self.max_batch = max_batch
        self.max_wait = max_wait_ms / 1000
        self._pending: deque[_Request] = deque()
        self._arrival = asyncio.Event()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ner")
        self._worker: asyncio.Task | None = None
        self._closed = False

    @property
    def queue_depth(self) -> int:
        """Texts waiting for a batch (not counting the batch being tagged)."""
        return len(self._pending)

    async def submit(self, text: str) -> list[Entity]:
        """The entities of `text`, tagged in a batch with whatever else arrives meanwhile."""
        if self._closed:
            raise BatcherClosed("the NER batcher is closed")
        loop = asyncio.get_running_loop()
        if self._worker is None:
            self._worker = loop.create_task(self._run(), name="ner-batcher")
        request = _Request(text, loop.create_future(), loop.time())
        self._pending.append(request)
        self._arrival.set()
        return await request.future

    async def close(self) -> None:
        """Tag what is already queued, then stop the worker thread; later submits raise `BatcherClosed`."""
        self._closed = True
        self._arrival.set()
        if self._worker is not None:
            await self._worker
        self._executor.shutdown(wait=True)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending or not self._closed:
            if not self._pending:
                await self._next_arrival(None)
                continue
            deadline = self._pending[0].arrived + self.max_wait
            while len(self._pending) < self.max_batch and not self._closed and loop.time() < deadline:
                await self._next_arrival(deadline - loop.time())
            batch = [self._pending.popleft() for _ in range(min(self.max_batch, len(self._pending)))]
            batch = [request for request in batch if not request.future.done()]  # callers that gave up
            if batch:
                await self._tag(loop, batch)

    async def _next_arrival(self, timeout: float | None) -> None:
        self._arrival.clear()
        try:
            await asyncio.wait_for(self._arrival.wait(), timeout)
        except TimeoutError:
            pass

    async def _tag(self, loop: asyncio.AbstractEventLoop, batch: list[_Request]) -> None:
        try:
            results = await loop.run_in_executor(self._executor, self.predictor.predict, [r.text for r in batch])
        except Exception as error:  # noqa: BLE001 - every caller of the batch hears of it; the worker goes on
            for request in batch:
                if not request.future.done():
                    request.future.set_exception(error)
            return
        for request, entities in zip(batch, results, strict=True):
            if not request.future.done():
                request.future.set_result(entities)
