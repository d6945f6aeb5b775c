"""service.singleflight: one run per key; joiners share its outcome; a caller giving up does not stop it."""

from __future__ import annotations

import asyncio

import pytest

from service.singleflight import SingleFlight


async def test_concurrent_callers_share_one_run_and_a_later_call_runs_again() -> None:
    flights: SingleFlight[int] = SingleFlight()
    runs = 0

    async def work(_deserted: asyncio.Event) -> int:
        nonlocal runs
        runs += 1
        await asyncio.sleep(0.05)
        return runs

    outcomes = await asyncio.gather(*(flights.run("k", work) for _ in range(10)))
    assert runs == 1
    assert [value for value, _ in outcomes] == [1] * 10
    assert [joined for _, joined in outcomes].count(False) == 1
    assert len(flights) == 0
    assert await flights.run("k", work) == (2, False)


async def test_a_failure_reaches_every_caller_and_is_not_remembered() -> None:
    flights: SingleFlight[int] = SingleFlight()

    async def fail(_deserted: asyncio.Event) -> int:
        await asyncio.sleep(0.01)
        raise ValueError("download failed")

    outcomes = await asyncio.gather(*(flights.run("k", fail) for _ in range(3)), return_exceptions=True)
    assert all(isinstance(outcome, ValueError) for outcome in outcomes)
    assert len(flights) == 0


async def test_the_first_caller_giving_up_does_not_cancel_the_work_for_the_others() -> None:
    flights: SingleFlight[str] = SingleFlight()
    release = asyncio.Event()

    async def work(_deserted: asyncio.Event) -> str:
        await release.wait()
        return "done"

    first = asyncio.ensure_future(flights.run("k", work))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(flights.run("k", work))
    await asyncio.sleep(0)
    first.cancel()
    release.set()
    assert await second == ("done", True)
    with pytest.raises(asyncio.CancelledError):
        await first


async def test_when_every_caller_has_gone_the_work_is_told_and_the_next_caller_starts_afresh() -> None:
    flights: SingleFlight[str] = SingleFlight()
    told: list[asyncio.Event] = []

    async def work(deserted: asyncio.Event) -> str:
        told.append(deserted)
        await deserted.wait()
        return "dropped"

    callers = [asyncio.ensure_future(flights.run("k", work)) for _ in range(2)]
    await asyncio.sleep(0.01)
    callers[0].cancel()
    await asyncio.sleep(0.01)
    assert not told[0].is_set()  # one caller still waits
    callers[1].cancel()
    await asyncio.gather(*callers, return_exceptions=True)
    assert told[0].is_set() and len(flights) == 0

    async def quick(_deserted: asyncio.Event) -> str:
        return "fresh"

    assert await flights.run("k", quick) == ("fresh", False)
