"""At most one run of a piece of work per key at a time; callers that arrive meanwhile share its outcome."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class _Flight(Generic[T]):
    task: asyncio.Task[T]
    deserted: asyncio.Event
    callers: int = 0


class SingleFlight(Generic[T]):
    """The work runs in its own task, so a caller that gives up (client gone) does not cancel it for the
    others. The work is given its flight's `deserted` event, set when every caller has gone: it may drop
    what it has not started yet (service.admission). The next caller then starts a new flight."""

    def __init__(self) -> None:
        self._flights: dict[Hashable, _Flight[T]] = {}

    def __len__(self) -> int:
        return len(self._flights)

    async def run(self, key: Hashable, work: Callable[[asyncio.Event], Awaitable[T]]) -> tuple[T, bool]:
        """The work's result (or its exception) and whether this caller joined a run already under way."""
        flight = self._flights.get(key)
        joined = flight is not None
        if flight is None:
            deserted = asyncio.Event()
            flight = self._flights[key] = _Flight(asyncio.ensure_future(work(deserted)), deserted)
            flight.task.add_done_callback(lambda done: self._land(key, done))
        task = flight.task
        flight.callers += 1
        try:
            return await asyncio.shield(task), joined
        except asyncio.CancelledError:
            if not task.done():
                flight.callers -= 1
                if flight.callers == 0:
                    flight.deserted.set()
                    if self._flights.get(key) is flight:
                        del self._flights[key]
            raise

    def _land(self, key: Hashable, task: asyncio.Task[T]) -> None:
        if (flight := self._flights.get(key)) is not None and flight.task is task:
            del self._flights[key]
        if not task.cancelled():
            task.exception()  # marks it retrieved even if every caller went away
