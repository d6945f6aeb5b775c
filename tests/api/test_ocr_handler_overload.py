"""Admission control over HTTP: past the bound /ocr_handler answers 503 with Retry-After at once, stores
nothing, and the URL succeeds on retry; a caller that hangs up before its OCR starts takes no engine."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import aiohttp
import pytest

from testkit.api import Service, assert_error, served
from testkit.fakes import FakeOcr
from testkit.image_host import ImageHost
from testkit.settings import config_for
from tests.api.test_metrics import samples
from tests.api.test_ocr_handler import stored_rows


@pytest.fixture(scope="module")
def busy(sqlite_url: str, image_host: ImageHost, http: aiohttp.ClientSession) -> Iterator[Service]:
    """Two engines and room for two more images: four new images at a time."""
    ocr = FakeOcr(delay=0.01)
    server, app = served(config_for(sqlite_url, OCR__INSTANCES="2", OCR__MAX_WAITING="2"), ocr)
    with server as base:
        yield Service(base, app, ocr, image_host, http)


async def metric(service: Service, name: str, **labels: str) -> float | None:
    return samples((await service.call("GET", "/metrics")).body).get((name, frozenset(labels.items())))


async def until(condition) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached")


async def test_past_the_bound_a_request_is_refused_at_once_and_succeeds_on_retry(busy: Service) -> None:
    urls = [busy.holding(share=f"{100 + i}.5") for i in range(10)]
    busy.ocr.gate.clear()  # the engines hold what they read until the refusals are in
    try:
        calls = [asyncio.ensure_future(busy.ocr_handler(url)) for url in urls]
        await until(lambda: _settled(calls, 6))
        refused = [(url, call.result()) for url, call in zip(urls, calls, strict=True) if call.done()]
        assert len(refused) == 6  # four admitted still wait for the engines
        for url, reply in refused:
            assert_error(reply, 503, "overloaded")
            assert reply.body["reason"] == "overloaded" and reply.body["retry_after"] >= 1
            assert int(reply.headers["Retry-After"]) == reply.body["retry_after"]
            assert await stored_rows(busy, url) == 0
        assert await metric(busy, "fundocr_admission_waiting") == 2
        assert await metric(busy, "fundocr_shed_requests_total", reason="overloaded") == 6
    finally:
        busy.ocr.gate.set()
    admitted = await asyncio.gather(*(call for call in calls if not call.done()))
    assert [reply.status for reply in admitted] == [200] * 4
    for url, _ in refused:
        again = await busy.ocr_handler(url)
        assert again.status == 200 and again.body["source"] == "ocr", again.body
    assert await metric(busy, "fundocr_admission_waiting") == 0


async def _settled(calls: list[asyncio.Future], count: int) -> bool:
    return sum(call.done() for call in calls) >= count


async def test_a_caller_gone_before_its_ocr_started_takes_no_engine(busy: Service) -> None:
    reading = [busy.holding(share=f"{200 + i}.5") for i in range(2)]
    left = busy.holding(share="299.5")
    abandoned = await metric(busy, "fundocr_abandoned_reads_total") or 0
    busy.ocr.gate.clear()
    try:
        held = [asyncio.ensure_future(busy.ocr_handler(url)) for url in reading]
        await until(lambda: _in_engines(busy, 2))
        calls = busy.ocr.calls
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(busy.ocr_handler(left), 0.5)  # hangs up while its image waits for an engine
        await until(lambda: _abandoned(busy, abandoned + 1))
    finally:
        busy.ocr.gate.set()
    assert [reply.status for reply in await asyncio.gather(*held)] == [200, 200]
    assert busy.ocr.calls == calls  # its image never went to an engine
    assert await stored_rows(busy, left) == 0
    assert (await busy.ocr_handler(left)).status == 200


async def _in_engines(service: Service, count: int) -> bool:
    return service.ocr.queue_depth >= count


async def _abandoned(service: Service, count: float) -> bool:
    return (await metric(service, "fundocr_abandoned_reads_total") or 0) >= count
