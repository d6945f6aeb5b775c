"""service.admission: a bounded number of reads per replica, engines taken in turn, deserted reads dropped."""

from __future__ import annotations

import asyncio

import pytest

from service.admission import Admission
from service.errors import Abandoned, Overloaded
from service.metrics import Metrics


def shed(metrics: Metrics) -> float | None:
    return metrics.registry.get_sample_value("fundocr_shed_requests_total", {"reason": "overloaded"})


async def test_reads_past_engines_plus_max_waiting_are_refused_at_once_with_a_retry_after() -> None:
    metrics = Metrics()
    admission = Admission(engines=2, max_waiting=1, metrics=metrics)
    release = asyncio.Event()

    async def read() -> None:
        async with admission.admitted(), admission.engine(asyncio.Event()):
            await release.wait()

    held = [asyncio.ensure_future(read()) for _ in range(3)]
    await asyncio.sleep(0.01)
    assert admission.waiting == 1
    with pytest.raises(Overloaded) as refused:
        async with admission.admitted():
            pass
    assert refused.value.retry_after >= 1 and refused.value.reason == "overloaded"
    assert shed(metrics) == 1
    release.set()
    await asyncio.gather(*held)
    assert admission.waiting == 0
    async with admission.admitted():  # room again
        pass


async def test_a_deserted_read_never_takes_an_engine_and_the_next_in_line_gets_it() -> None:
    metrics = Metrics()
    admission = Admission(engines=1, max_waiting=2, metrics=metrics)
    release, order = asyncio.Event(), []

    async def read(name: str, deserted: asyncio.Event) -> None:
        async with admission.admitted(), admission.engine(deserted):
            order.append(name)
            await release.wait()

    first = asyncio.ensure_future(read("first", asyncio.Event()))
    gone = asyncio.Event()
    left = asyncio.ensure_future(read("left", gone))
    last = asyncio.ensure_future(read("last", asyncio.Event()))
    await asyncio.sleep(0.01)
    gone.set()
    with pytest.raises(Abandoned):
        await left
    release.set()
    await asyncio.gather(first, last)
    assert order == ["first", "last"]
    assert metrics.registry.get_sample_value("fundocr_abandoned_reads_total") == 1


async def test_a_read_cancelled_while_waiting_for_an_engine_leaves_no_engine_taken() -> None:
    admission = Admission(engines=1, max_waiting=1, metrics=Metrics())
    release = asyncio.Event()

    async def read() -> None:
        async with admission.admitted(), admission.engine(asyncio.Event()):
            await release.wait()

    first, second = asyncio.ensure_future(read()), asyncio.ensure_future(read())
    await asyncio.sleep(0.01)
    second.cancel()
    release.set()
    await first
    await asyncio.gather(second, return_exceptions=True)
    assert admission.waiting == 0
    await asyncio.wait_for(read(), 1)  # the one engine is free


async def test_refused_callers_are_told_to_come_back_one_engine_turn_apart() -> None:
    admission = Admission(engines=1, max_waiting=0, metrics=Metrics())
    release = asyncio.Event()

    async def read() -> None:
        async with admission.admitted(), admission.engine(asyncio.Event()):
            await release.wait()

    held = asyncio.ensure_future(read())
    await asyncio.sleep(0.01)
    told = []
    for _ in range(4):
        with pytest.raises(Overloaded) as refused:
            async with admission.admitted():
                pass
        told.append(refused.value.retry_after)
    release.set()
    await held
    assert told == sorted(told) and told[-1] - told[0] >= 2  # spread out, not all at the same moment
