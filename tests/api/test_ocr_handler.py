"""POST /ocr_handler over a real server: fresh answers, stored answers, and every kind of bad input."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select

from db.engine import create_engine
from db.results import url_hash
from db.tables import results
from testkit.api import Service, assert_error, served
from testkit.drawing import blank_png
from testkit.image_host import SLOW_SECONDS
from testkit.servers import closed_port


async def stored_rows(service: Service, url: str) -> int:
    engine = create_engine(service.app.ctx.config.database.resolved_url)
    try:
        async with engine.connect() as conn:
            query = select(func.count()).select_from(results).where(results.c.url_hash == url_hash(url))
            return (await conn.execute(query)).scalar_one()
    finally:
        await engine.dispose()


async def test_first_request_reads_the_image_and_the_second_comes_from_the_database(service: Service) -> None:
    url = service.holding("161725", "3367.89")
    first = await service.ocr_handler(url)
    assert first.status == 200, first.body
    assert first.body["flag"] is True and first.body["needs_review"] is False and first.body["reasons"] == []
    assert first.body["data"] == {"fund_code": "161725", "hold_share": "3367.89"}
    assert all(0.9 <= first.body["confidence"][field] <= 1 for field in ("fund_code", "hold_share"))
    assert first.body["source"] == "ocr" and first.body["corrected"] is False
    assert [line["text"] for line in first.body["lines"]] == ["易方达消费行业 161725", "持有份额 3367.89"]
    assert first.body["business_type"] == "基金"
    calls = service.ocr.calls

    second = await service.ocr_handler(url)
    assert second.status == 200
    assert second.body["source"] == "stored"
    assert second.body["data"] == first.body["data"]
    assert [second.body[key] for key in ("confidence", "needs_review")] == [first.body[key] for key in ("confidence", "needs_review")]
    assert service.ocr.calls == calls
    assert service.host.hits[url.removeprefix(service.host.base)] == 1
    assert await stored_rows(service, url) == 1


LIST_PAGE = ["我的基金", "易方达蓝筹精选混合", "005827 持有份额 1,234.56", "华夏成长混合A", "000001 持有份额 88.00"]


async def test_a_list_page_stays_unflagged_and_answers_every_holding_also_from_the_database(service: Service) -> None:
    url = service.page(LIST_PAGE)
    first = await service.ocr_handler(url)
    assert first.status == 200, first.body
    assert (first.body["flag"], first.body["data"]) == (False, {"fund_code": "", "hold_share": ""})
    listed = [(h["fund_code"], h["fund_name"], h["hold_share"], h["available_share"], h["amount"]) for h in first.body["holdings"]]
    assert listed == [("005827", "易方达蓝筹精选混合", "1234.56", None, None), ("000001", "华夏成长混合A", "88.00", None, None)]
    for holding in first.body["holdings"]:
        assert 0 < holding["confidence"] <= 1
        assert set(holding["boxes"]) == {"fund_code", "fund_name", "hold_share"}
    assert first.body["ocr"]["holdings"] == first.body["holdings"]
    again = await service.ocr_handler(url)
    assert again.body["source"] == "stored" and again.body["holdings"] == first.body["holdings"]


async def test_a_near_miss_is_read_again_exactly_and_the_exact_reading_is_the_answer(service: Service) -> None:
    lines = ["易方达消费行业 161725", "持有份额 3367.89"]
    url = service.page([lines[0], (lines[1], 0.8)], exact=lines)  # the fast reading unsure of the share
    exact_calls = service.ocr.exact_calls
    reply = await service.ocr_handler(url)
    assert reply.status == 200, reply.body
    assert (reply.body["flag"], reply.body["data"]) == (True, {"fund_code": "161725", "hold_share": "3367.89"})
    assert reply.body["models"]["ocr"] == service.ocr.exact_version
    assert [line["confidence"] for line in reply.body["lines"]] == [0.98, 0.98]  # the exact reading's lines
    assert service.ocr.exact_calls == exact_calls + 1
    metrics = (await service.call("GET", "/metrics")).body
    assert 'fundocr_second_looks_total{flagged="true"}' in metrics
    again = await service.ocr_handler(url)
    assert again.body["source"] == "stored" and again.body["data"] == reply.body["data"]


async def test_a_flagged_share_that_may_hold_a_misread_comma_is_read_again_exactly(service: Service) -> None:
    url = service.page(["易方达消费行业 161725", "持有份额 5.274"], exact=["易方达消费行业 161725", "持有份额 5,274"])
    exact_calls = service.ocr.exact_calls
    reply = await service.ocr_handler(url)
    assert (reply.body["flag"], reply.body["data"]) == (True, {"fund_code": "161725", "hold_share": "5274"})
    assert reply.body["models"]["ocr"] == service.ocr.exact_version
    assert service.ocr.exact_calls == exact_calls + 1


async def test_pages_far_from_an_answer_are_read_once(service: Service) -> None:
    exact_calls = service.ocr.exact_calls
    for url in (service.page(LIST_PAGE), service.page(["我的资产", "今日收益 +3.20"]), service.holding()):
        assert (await service.ocr_handler(url)).status == 200
    assert service.ocr.exact_calls == exact_calls


async def test_a_flagged_page_has_exactly_its_one_holding(service: Service) -> None:
    reply = await service.ocr_handler(service.holding("161725", "2,000.50"))
    assert reply.body["flag"] is True and reply.body["data"] == {"fund_code": "161725", "hold_share": "2000.50"}
    (holding,) = reply.body["holdings"]
    assert (holding["fund_code"], holding["hold_share"], holding["available_share"]) == ("161725", "2000.50", None)
    assert holding["confidence"] == min(reply.body["confidence"].values())


async def test_a_page_without_a_holding_is_an_answer_with_flag_false(service: Service) -> None:
    url = service.host.put("empty-page.png", service.ocr.teach(blank_png(), ["我的资产", "今日收益 +3.20"]))
    reply = await service.ocr_handler(url)
    assert reply.status == 200
    assert reply.body["flag"] is False and reply.body["needs_review"] is True
    assert reply.body["data"] == {"fund_code": "", "hold_share": ""}
    assert reply.body["confidence"] == {"fund_code": 0.0, "hold_share": 0.0}
    assert reply.body["reasons"] == ["no_code", "no_share_label"]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"not json", None),
        (b"", None),
        (b'["a list"]', None),
        (b'{"url_type": "oss"}', "image_url"),
        (b'{"image_url": "http://h/x.png"}', "url_type"),
        (b'{"image_url": 42, "url_type": "oss"}', "image_url"),
        (b'{"image_url": "  ", "url_type": "oss"}', "image_url"),
        (b'{"image_url": "http://h/x.png", "url_type": "s3"}', "url_type"),
        (b'{"image_url": "http://h/x.png", "url_type": ["oss"]}', "url_type"),
    ],
)
async def test_a_bad_body_is_a_400_naming_the_field(service: Service, raw: bytes, field: str | None) -> None:
    reply = await service.call("POST", "/ocr_handler", raw=raw, **{"Content-Type": "application/json"})
    assert_error(reply, 400, "bad_request")
    assert reply.body.get("field") == field


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/a.png", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("http://user:secret@example.com/a.png", "credentials"),
        ("not a url at all", "scheme"),
        ("http://example.com/" + "a" * 3000, "too_long"),
    ],
)
async def test_a_url_the_service_will_not_fetch_is_a_400(service: Service, url: str, reason: str) -> None:
    reply = await service.ocr_handler(url)
    assert_error(reply, 400, "url_refused")
    assert reply.body["reason"] == reason


async def test_an_unreachable_host_is_a_502(service: Service) -> None:
    reply = await service.ocr_handler(f"http://127.0.0.1:{closed_port()}/a.png")
    assert_error(reply, 502, "download_failed")
    assert reply.body["reason"] == "connect"


async def test_a_404_from_the_image_host_is_a_502_and_nothing_is_stored(service: Service) -> None:
    name = f"arrives-later-{uuid.uuid4().hex}.png"
    url = service.host.url(f"/img/{name}")
    reply = await service.ocr_handler(url)
    assert_error(reply, 502, "download_failed")
    assert "404" in reply.body["error"]
    assert await stored_rows(service, url) == 0

    service.host.put(name, service.ocr.teach(blank_png(), ["基金代码 000001", "持有份额 10.00"]))
    retry = await service.ocr_handler(url)
    assert retry.status == 200 and retry.body["source"] == "ocr"


async def test_a_host_that_hangs_is_a_502_within_the_time_limit(service: Service) -> None:
    started = asyncio.get_running_loop().time()
    reply = await service.ocr_handler(service.host.url("/slow"))
    elapsed = asyncio.get_running_loop().time() - started
    assert_error(reply, 502, "download_failed")
    assert reply.body["reason"] == "timeout"
    assert elapsed < service.app.ctx.config.download.total_timeout + 1 < SLOW_SECONDS


@pytest.mark.parametrize("path", ["/big/{size}", "/chunked/{size}"])
async def test_an_image_over_the_byte_limit_is_a_413(service: Service, path: str) -> None:
    size = service.app.ctx.config.download.max_bytes + 1
    reply = await service.ocr_handler(service.host.url(path.format(size=size)))
    assert_error(reply, 413, "too_large")


async def test_a_body_shorter_than_its_content_length_is_a_502(service: Service) -> None:
    reply = await service.ocr_handler(service.host.raw_base + "/short")
    assert_error(reply, 502, "download_failed")
    assert reply.body["reason"] == "truncated"


async def test_a_body_longer_than_its_content_length_is_a_502(service: Service) -> None:
    reply = await service.ocr_handler(service.host.raw_base + "/long")
    assert_error(reply, 502, "download_failed")
    assert reply.body["reason"] == "protocol"


async def test_a_page_that_is_not_an_image_is_a_422(service: Service) -> None:
    url = service.host.put("page.html", b"<html><body>hello</body></html>", "text/html")
    assert_error(await service.ocr_handler(url), 422, "not_an_image")


async def test_a_truncated_image_is_a_422(service: Service) -> None:
    image = blank_png(400, 300)
    url = service.host.put("truncated.png", image[: len(image) // 2])
    assert_error(await service.ocr_handler(url), 422, "not_an_image")


async def test_redirects_are_followed_up_to_the_limit(service: Service) -> None:
    service.host.put("behind-redirects.png", service.ocr.teach(blank_png(), ["基金代码 000002", "持有份额 1.00"]))
    limit = service.app.ctx.config.download.max_redirects
    ok = await service.ocr_handler(service.host.url(f"/redirect/{limit}/behind-redirects.png"))
    assert ok.status == 200 and ok.body["data"]["fund_code"] == "000002"

    too_many = await service.ocr_handler(service.host.url(f"/redirect/{limit + 1}/behind-redirects.png"))
    assert_error(too_many, 502, "download_failed")
    assert too_many.body["reason"] == "redirect"


async def test_a_redirect_loop_is_a_502(service: Service) -> None:
    before = service.host.hits["/loop"]
    reply = await service.ocr_handler(service.host.url("/loop"))
    assert_error(reply, 502, "download_failed")
    assert service.host.hits["/loop"] - before == service.app.ctx.config.download.max_redirects + 1


async def test_an_ocr_failure_is_a_json_500_and_the_service_keeps_serving(service: Service) -> None:
    service.ocr.fail_next = True
    reply = await service.ocr_handler(service.holding())
    assert_error(reply, 500, "recognition_failed")
    assert (await service.ocr_handler(service.holding())).status == 200


async def test_the_callers_request_id_is_kept(service: Service) -> None:
    reply = await service.ocr_handler("ftp://x/y.png", **{"X-Request-ID": "caller-42"})
    assert reply.headers["X-Request-ID"] == "caller-42"
    assert reply.body["request_id"] == "caller-42"
    odd = await service.ocr_handler("ftp://x/y.png", **{"X-Request-ID": "not ok\u00e9" * 3})
    assert odd.body["request_id"] != "not ok" and len(odd.body["request_id"]) == 32


async def test_concurrent_first_requests_share_one_download_one_ocr_and_one_row(service: Service) -> None:
    url = service.holding("519674", "88.80")
    calls = service.ocr.calls
    replies = await asyncio.gather(*(service.ocr_handler(url) for _ in range(20)))
    assert {reply.status for reply in replies} == {200}
    assert {reply.body["data"]["fund_code"] for reply in replies} == {"519674"}
    assert service.host.hits[url.removeprefix(service.host.base)] == 1
    assert service.ocr.calls - calls == 1
    assert await stored_rows(service, url) == 1


async def test_two_workers_racing_on_one_url_share_one_download_one_ocr_and_one_row(service: Service) -> None:
    """A second app on the same database stands for a second worker process: no shared memory, one table."""
    url = service.holding("000123", "5.00")
    calls = service.ocr.calls
    server, other = served(service.app.ctx.config, service.ocr)
    with server as other_base:
        second = Service(other_base, other, service.ocr, service.host, service.http)
        replies = await asyncio.gather(*(worker.ocr_handler(url) for worker in (service, second) * 10))
    assert {reply.status for reply in replies} == {200}
    assert {reply.body["data"]["fund_code"] for reply in replies} == {"000123"}
    assert service.host.hits[url.removeprefix(service.host.base)] == 1  # the claim: one reader for both
    assert service.ocr.calls - calls == 1
    assert await stored_rows(service, url) == 1


async def test_a_redirect_without_a_location_is_a_502(service: Service) -> None:
    reply = await service.ocr_handler(service.host.url("/status/302"))
    assert_error(reply, 502, "download_failed")
    assert reply.body["reason"] == "redirect"
