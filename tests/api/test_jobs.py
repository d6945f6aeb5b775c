"""POST /ocr_jobs and GET /ocr_jobs/{id} over a real server, the real RabbitMQ and a worker loop
(server.run_worker) in a thread: items answered as /ocr_handler answers them, retried, dead-lettered.

The OCR is the stand-in (the test is about the queue, not reading); tests/test_worker.py kills real workers.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import aiohttp
import pytest

from testkit.api import Service, assert_error, served, worker_in_thread
from testkit.drawing import blank_png
from testkit.fakes import FakeOcr
from testkit.image_host import ImageHost
from testkit.rabbitmq import MAX_ATTEMPTS, broker_queue, queue_depth
from testkit.settings import config_for
from tests.api.test_ocr_handler import stored_rows

JOB_SECONDS = 60.0  # a job of these tests finishes well within this, or the test fails


@pytest.fixture(scope="module")
def queue_settings() -> Iterator[dict[str, str]]:
    with broker_queue() as settings:
        yield settings


@pytest.fixture(scope="module")
def batch(
    database_url: str, image_host: ImageHost, http: aiohttp.ClientSession, queue_settings: dict[str, str]
) -> Iterator[Service]:
    """The app and one worker on one database and one queue, sharing one stand-in OCR (to count its runs)."""
    ocr = FakeOcr(delay=0.01)
    config = config_for(database_url, **queue_settings)
    server, app = served(config, ocr)
    with server as base, worker_in_thread(config, ocr):
        yield Service(base, app, ocr, image_host, http)


async def submit(service: Service, urls: list[str]) -> dict:
    reply = await service.call("POST", "/ocr_jobs", {"items": [{"image_url": url, "url_type": "oss"} for url in urls]})
    assert reply.status == 202, reply.body
    assert reply.headers["Location"] == f"/ocr_jobs/{reply.body['id']}"
    return reply.body


async def finished(service: Service, job_id: str) -> dict:
    """The job's report once no item is queued."""
    async with asyncio.timeout(JOB_SECONDS):
        while True:
            reply = await service.call("GET", f"/ocr_jobs/{job_id}")
            assert reply.status == 200, reply.body
            if reply.body["status"] == "done":
                return reply.body
            await asyncio.sleep(0.1)


async def test_a_job_of_40_items_completes_each_answered_as_ocr_handler_answers_it(batch: Service) -> None:
    urls = [batch.holding(share=f"{1000 + i}.25") for i in range(40)]
    accepted = await submit(batch, [*urls, urls[0]])  # a URL given twice is one item
    assert accepted["total"] == 40 and accepted["queued"] + accepted["done"] == 40
    report = await finished(batch, accepted["id"])
    assert (report["done"], report["failed"]) == (40, 0)
    assert [item["image_url"] for item in report["items"]] == urls
    for item in report["items"][:5]:
        direct = await batch.ocr_handler(item["image_url"])
        assert direct.body["source"] == "stored"
        assert item["answer"] | {"source": "stored"} == direct.body
        assert item["answer"]["source"] == "ocr" and item["error"] is None and item["attempts"] == 0
    assert [await stored_rows(batch, url) for url in urls] == [1] * 40


async def test_a_jobs_items_come_a_page_at_a_time_and_its_counts_alone_with_limit_0(batch: Service) -> None:
    urls = [batch.holding(share=f"{2000 + i}.5") for i in range(12)]
    job_id = (await submit(batch, urls))["id"]
    whole = await finished(batch, job_id)
    pages, query = [], "limit=5"
    while query is not None:
        reply = await batch.call("GET", f"/ocr_jobs/{job_id}?{query}")
        assert reply.status == 200, reply.body
        assert {key: reply.body[key] for key in ("total", "done", "failed")} == {"total": 12, "done": 12, "failed": 0}
        pages.append(reply.body["items"])
        query = None if reply.body["next_cursor"] is None else f"limit=5&cursor={reply.body['next_cursor']}"
    assert [len(page) for page in pages] == [5, 5, 2]
    assert [item for page in pages for item in page] == whole["items"]
    counts = await batch.call("GET", f"/ocr_jobs/{job_id}?limit=0")
    assert (counts.body["items"], counts.body["next_cursor"], counts.body["done"]) == ([], None, 12)


def test_a_job_of_queue_max_items_urls_fits_in_one_request(database_url: str) -> None:
    with broker_queue() as own:  # a queue no worker reads: the items wait there until it is deleted
        config = config_for(database_url, **own)
        server, _ = served(config, FakeOcr())
        urls = [f"https://img.example.com/holdings/2026/12/{uuid.uuid4().hex}/{i:04d}-screenshot.png" for i in range(config.queue.max_items)]
        with server as base:
            status, body = asyncio.run(post_job(base, urls))
    assert status == 202, body
    assert (body["total"], body["queued"]) == (config.queue.max_items, config.queue.max_items)


async def post_job(base: str, urls: list[str]) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http:
        items = [{"image_url": url, "url_type": "oss"} for url in urls]
        async with http.post(f"{base}/ocr_jobs?limit=0", json={"items": items}) as response:
            return response.status, await response.json()


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=-1", "limit"), ("limit=1001", "limit"), ("limit=x", "limit"), ("cursor=bm90IG1pbmU", "cursor"),
     ("cursor=WyJuZXdlc3QiLCAxXQ", "cursor"), ("page=2", "page")],
)  # fmt: skip
async def test_a_bad_page_query_is_a_400_naming_it(batch: Service, query: str, field: str) -> None:
    job_id = (await submit(batch, [batch.holding()]))["id"]
    await finished(batch, job_id)  # no item left running into the next test
    reply = await batch.call("GET", f"/ocr_jobs/{job_id}?{query}")
    assert_error(reply, 400, "bad_request")
    assert reply.body["field"] == field


async def test_an_item_and_a_request_for_one_url_make_one_ocr_run_and_one_row(batch: Service) -> None:
    url = batch.holding(share="77.5")
    batch.ocr.gate.clear()  # whoever reads it first holds it in the engine while the other arrives
    try:
        job = await submit(batch, [url])
        direct = asyncio.ensure_future(batch.ocr_handler(url))
        await asyncio.sleep(0.5)
        calls = batch.ocr.calls
    finally:
        batch.ocr.gate.set()
    assert (await direct).status == 200
    report = await finished(batch, job["id"])
    assert report["items"][0]["answer"]["data"] == (await direct).body["data"]
    assert batch.ocr.calls == calls
    assert batch.host.downloads(url) == 1
    assert await stored_rows(batch, url) == 1


async def test_a_failed_download_is_tried_again_after_a_back_off_and_then_succeeds(batch: Service) -> None:
    name = f"flaky-{uuid.uuid4().hex}.png"
    batch.host.put(name, batch.ocr.teach(blank_png(), ["易方达 110011", "持有份额 12.5"]))
    url = batch.host.url(f"/flaky/1/{name}")
    report = await finished(batch, (await submit(batch, [url]))["id"])
    item = report["items"][0]
    assert item["status"] == "done" and item["attempts"] == 1
    assert item["answer"]["data"] == {"fund_code": "110011", "hold_share": "12.5"}


async def test_an_item_whose_tries_run_out_is_failed_with_its_error_and_dead_lettered(
    batch: Service, queue_settings: dict[str, str]
) -> None:
    down = batch.host.url(f"/status/503?{uuid.uuid4().hex}")
    tries = batch.host.hits["/status/503"]
    dead = await queue_depth(f"{queue_settings['QUEUE__NAME']}.dead")
    not_image = batch.host.put(f"words-{uuid.uuid4().hex}.png", b"plain text, not an image")
    report = await finished(batch, (await submit(batch, [down, not_image]))["id"])
    gone, refused = report["items"]
    assert (gone["status"], gone["attempts"]) == ("failed", MAX_ATTEMPTS)
    assert gone["error"]["status"] == 502 and gone["error"]["code"] == "download_failed"
    assert gone["error"]["reason"] == "status" and gone["answer"] is None
    assert batch.host.hits["/status/503"] - tries == MAX_ATTEMPTS
    direct = await batch.ocr_handler(not_image)  # not worth another try: its error is the answer
    assert (refused["status"], refused["attempts"]) == ("failed", 1)
    assert {key: refused["error"][key] for key in ("code", "reason")} == {key: direct.body[key] for key in ("code", "reason")}
    assert refused["error"]["status"] == direct.status == 422
    assert await queue_depth(f"{queue_settings['QUEUE__NAME']}.dead") == dead + 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "items"),
        ({"items": []}, "items"),
        ({"items": "http://h/x.png"}, "items"),
        ({"items": ["http://h/x.png"]}, "items[0]"),
        ({"items": [{"image_url": "http://h/x.png", "url_type": "oss"}, {"image_url": "http://h/y.png"}]}, "items[1].url_type"),
    ],
)
async def test_a_bad_job_is_a_400_naming_the_item_and_nothing_is_queued(batch: Service, body: dict, field: str) -> None:
    reply = await batch.call("POST", "/ocr_jobs", body)
    assert_error(reply, 400, "bad_request")
    assert reply.body["field"] == field


async def test_a_url_the_service_will_not_fetch_refuses_the_whole_job_naming_the_item(batch: Service) -> None:
    reply = await batch.call(
        "POST", "/ocr_jobs", {"items": [{"image_url": batch.holding(), "url_type": "oss"}, {"image_url": "ftp://h/x.png", "url_type": "oss"}]}
    )
    assert_error(reply, 400, "url_refused")
    assert reply.body["item"] == 1


async def test_an_unknown_job_is_a_404(batch: Service) -> None:
    assert_error(await batch.call("GET", "/ocr_jobs/0123456789abcdef0123456789abcdef"), 404, "not_found")


async def test_without_a_broker_the_batch_api_is_a_503_and_ocr_handler_works_as_ever(
    sqlite_url: str, image_host: ImageHost, http: aiohttp.ClientSession
) -> None:
    ocr = FakeOcr()
    server, app = served(config_for(sqlite_url), ocr)
    with server as base:
        service = Service(base, app, ocr, image_host, http)
        reply = await service.call("POST", "/ocr_jobs", {"items": [{"image_url": service.holding(), "url_type": "oss"}]})
        assert_error(reply, 503, "unavailable")
        assert reply.body["reason"] == "no_broker"
        assert (await service.ocr_handler(service.holding())).status == 200
