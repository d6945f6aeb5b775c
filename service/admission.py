"""Admission control: how many new images one replica takes on at once, so a burst is answered, not queued.

A read is admitted before its claim and download and holds an engine only while it is in OCR. At most
`engines + max_waiting` reads are admitted at a time: one past that is refused at once with Overloaded,
whose Retry-After comes from how long an engine has lately taken per image and how many refused callers
were already told to come back. So no admitted read waits behind more than `max_waiting` others, and the
pool's own queue never grows beyond the engines.

A read whose callers have all gone (their connections closed) while it waited is dropped before it takes
an engine (Abandoned).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from service.errors import Abandoned, Overloaded
from service.metrics import Metrics

_SMOOTHING = 0.2  # weight of the newest OCR time in the running mean behind Retry-After


class Admission:
    def __init__(self, *, engines: int, max_waiting: int, metrics: Metrics) -> None:
        self._engines = engines
        self._capacity = engines + max_waiting
        self._metrics = metrics
        self._admitted = 0
        self._free = engines
        self._queue: deque[asyncio.Future[None]] = deque()  # reads waiting for an engine, first come first
        self._seconds_per_image = 1.0  # until the first image is read
        self._promised = 0.0  # monotonic time of the last turn promised to a refused caller
        metrics.admission_waiting.set_function(lambda: self.waiting)

    @property
    def waiting(self) -> int:
        """Admitted reads not in an engine (downloading, or waiting for a free engine)."""
        return self._admitted - (self._engines - self._free)

    def _retry_after(self) -> int:
        """Whole seconds until a place is likely free for this caller. Each refusal is promised its own
        turn behind those promised before, one engine-time apart, so a refused burst comes back spread out
        at the pace the engines read instead of all at once (and mostly refused again)."""
        now = time.monotonic()
        turn = self._seconds_per_image / self._engines
        self._promised = max(self._promised, now + turn * self.waiting) + turn
        return max(1, math.ceil(self._promised - now))

    @asynccontextmanager
    async def admitted(self) -> AsyncIterator[None]:
        """A place among the reads this replica serves now, or Overloaded at once when they are all taken."""
        if self._admitted >= self._capacity:
            self._metrics.shed.labels(reason="overloaded").inc()
            raise Overloaded(
                f"this replica already reads or queues {self._capacity} images; retry later",
                reason="overloaded",
                retry_after=self._retry_after(),
            )
        self._admitted += 1
        try:
            yield
        finally:
            self._admitted -= 1

    @asynccontextmanager
    async def engine(self, deserted: asyncio.Event) -> AsyncIterator[None]:
        """Hold one engine while inside (call it admitted); Abandoned instead if `deserted` is set first."""
        await self._take(deserted)
        started = time.perf_counter()
        try:
            yield
        finally:
            self._give()
            took = time.perf_counter() - started
            self._seconds_per_image += _SMOOTHING * (took - self._seconds_per_image)

    async def _take(self, deserted: asyncio.Event) -> None:
        if self._free and not self._queue and not deserted.is_set():
            self._free -= 1
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append(turn)
        gone = asyncio.ensure_future(deserted.wait())
        try:
            await asyncio.wait((turn, gone), return_when=asyncio.FIRST_COMPLETED)
        finally:
            gone.cancel()
            if not turn.done():
                turn.cancel()
                self._queue.remove(turn)
            elif deserted.is_set() or asyncio.current_task().cancelling():  # type: ignore[union-attr]
                self._give()  # handed an engine it will not use: to the next in line
        if deserted.is_set():
            self._metrics.abandoned.inc()
            raise Abandoned("every caller left before the image reached an engine", reason="abandoned")

    def _give(self) -> None:
        while self._queue:
            turn = self._queue.popleft()
            if not turn.done():
                turn.set_result(None)  # the engine passes straight to it
                return
        self._free += 1
